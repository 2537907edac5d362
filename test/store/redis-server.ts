// A real redis-server (the Debian package) on 127.0.0.1 for the store tests: a free port, no
// persistence, killed when the test file ends. DESIGN.md §4: missing, the tests fail, never skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { requireCommand, withTimeout } from '../helpers/interop.js';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export class RedisProcess {
  private proc: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisProcess> {
    requireCommand('redis-server', ['--version']);
    const redis = new RedisProcess(await freePort());
    await redis.restart();
    return redis;
  }

  /** Starts redis-server on this port again (empty: nothing is saved), once it accepts connections. */
  async restart(): Promise<void> {
    if (this.proc) throw new Error('redis-server is already running');
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    running.add(proc);
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
      proc.once('error', reject);
    });
    await withTimeout(ready, 10_000, 'redis-server to start').catch((err) => {
      this.kill();
      throw err;
    });
  }

  /** Kills redis-server at once, as a crash would, and waits for it to be gone. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGKILL');
      await withTimeout(exited, 10_000, 'redis-server to exit');
    }
    running.delete(proc);
  }

  private kill(): void {
    this.proc?.kill('SIGKILL');
    if (this.proc) running.delete(this.proc);
    this.proc = undefined;
  }
}
