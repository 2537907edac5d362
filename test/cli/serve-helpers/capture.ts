// A tshark capture on loopback for the tests. tshark runs dumpcap as its own child, which keeps
// tshark's stdout and stderr open: killed alone, tshark would leave dumpcap capturing and the
// test process waiting on those pipes forever. So the capture gets its own process group, is
// stopped with SIGINT (tshark then stops dumpcap and completes the file), and the whole group is
// killed when anything goes wrong.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { WAIT_MS, withTimeout } from '../../helpers/interop.js';

const groups = new Set<number>();
process.on('exit', () => {
  for (const pid of groups) killGroup(pid);
});

/** A TCP connection that sends nothing (its FIN has Seq=1) and closes. */
function touch(port: number): void {
  const socket = connect(port, '127.0.0.1');
  socket.on('connect', () => socket.destroy()).on('error', () => {});
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export class Capture {
  /** tshark's stdout (a line per packet, with -P) and stderr. */
  output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  private constructor(args: readonly string[]) {
    this.child = spawn('tshark', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = this.child.pid;
    if (pid !== undefined) groups.add(pid);
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.setEncoding('latin1').on('data', (s: string) => (this.output += s));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        if (pid !== undefined) groups.delete(pid);
        resolve(code);
      });
      this.child.once('error', (err) => {
        this.output += `\n[spawn error: ${err.message}]`;
        resolve(null);
      });
    });
  }

  /**
   * Starts capturing TCP port `port` on lo into `file`; resolves once packets are being captured.
   * tshark says "Capture started" before dumpcap sees packets (under load, a whole connection
   * can go by unseen), so bare TCP connections probe the port until one shows up.
   */
  static async start(port: number, file: string): Promise<Capture> {
    // -P -l: a summary line per packet on stdout as it is written to the file.
    const capture = new Capture(['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-P', '-l']);
    const probe = setInterval(() => touch(port), 100);
    try {
      await capture.waitUntil((out) => /\[SYN\]/.test(out), 'the capture to see a probe connection');
    } catch (err) {
      capture.kill();
      throw err;
    } finally {
      clearInterval(probe);
    }
    return capture;
  }

  /** Polls the output until `condition` holds; fails (and kills the capture) after `ms` or if tshark exits. */
  async waitUntil(condition: (output: string) => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (!condition(this.output)) {
      if (gone || Date.now() > deadline) {
        this.kill();
        throw new Error(`tshark: ${gone ? 'exited' : `timed out after ${ms} ms`} waiting for ${what}\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Ends the capture cleanly (the file is complete once this resolves). */
  async stop(): Promise<void> {
    this.child.kill('SIGINT');
    try {
      await withTimeout(this.exited, WAIT_MS, 'tshark to stop');
    } finally {
      this.kill();
    }
  }

  /** tshark and dumpcap, at once. */
  kill(): void {
    if (this.child.pid !== undefined) killGroup(this.child.pid);
  }
}
