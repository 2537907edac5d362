// Shared plumbing for the benchmarks: the worker-thread peer, busy-time accounting, the table.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHUNK, type PeerRequest, type PeerResponse, SESSION_REFRESH_MS } from './protocol.js';

type Request = PeerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The node:tls peer in a worker thread (bench/peer.ts), driven by request/response messages. */
export class Peer {
  private nextId = 1;
  private readonly waiting = new Map<number, (res: PeerResponse) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (res: PeerResponse) => {
      const resolve = this.waiting.get(res.id);
      this.waiting.delete(res.id);
      resolve?.(res);
    });
    worker.on('error', (err) => {
      process.stderr.write(`bench peer failed: ${String(err)}\n`);
      process.exit(1);
    });
  }

  static async start(): Promise<Peer> {
    let worker: Worker;
    if (import.meta.url.endsWith('.ts')) {
      // Run from source (node --import tsx bench/run.ts): workers do not inherit `--import tsx`,
      // so load the TypeScript peer through tsx's API.
      const api = import.meta.resolve('tsx/esm/api');
      const target = new URL('./peer.ts', import.meta.url).href;
      const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target)});`;
      worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
    } else {
      worker = new Worker(new URL('./peer.js', import.meta.url));
    }
    await once(worker, 'online');
    return new Peer(worker);
  }

  async call(request: Request): Promise<PeerResponse> {
    const id = this.nextId++;
    const res = await new Promise<PeerResponse>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...request, id });
    });
    if (res.error) throw new Error(`peer: ${res.error}`);
    return res;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU time the calling thread has run, in ms, where Linux tells it (/proc/thread-self/schedstat,
 * nanoseconds); undefined elsewhere.
 */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * Wall time and this thread's busy time since the call. Busy time is the main thread's CPU time
 * (user + system) where /proc gives it, else the event loop's active time. The TLS work of node:tls
 * and ours both runs on this thread, so `work / busy` is the tested side's capacity even when the
 * peer, not this thread, is the bottleneck.
 */
export function stopwatch(label?: string): () => { ms: number; busyMs: number } {
  const profile = label && PROFILE_DIR ? startProfile(label) : undefined;
  const t0 = performance.now();
  const e0 = performance.eventLoopUtilization();
  const c0 = threadCpuMs();
  return () => {
    const e = performance.eventLoopUtilization(e0);
    const c1 = threadCpuMs();
    const ms = performance.now() - t0;
    profile?.();
    return { ms, busyMs: c0 !== undefined && c1 !== undefined ? c1 - c0 : e.active };
  };
}

/**
 * BENCH_PROFILE=dir writes a V8 CPU profile of the main thread for each measured window (warm-up
 * and startup excluded), named after the measurement; read it with bench/profile-summary.ts.
 */
const PROFILE_DIR = process.env.BENCH_PROFILE;
let session: Session | undefined;

function startProfile(label: string): () => void {
  session ??= new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  return () => {
    session!.post('Profiler.stop', (err, result) => {
      if (err) throw err;
      mkdirSync(PROFILE_DIR!, { recursive: true });
      const file = join(PROFILE_DIR!, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      process.stderr.write(`  profile: ${file}\n`);
      session!.disconnect();
    });
  };
}

/**
 * The one session all the clients of a resumed-handshake measurement offer, as an https.Agent keeps
 * one per host: taken from a first (full) handshake, then replaced by a newer session from some
 * connection's 'session' event at most every SESSION_REFRESH_MS (see bench/run.ts, group resumed).
 */
export class SharedSession {
  private refreshedAt = performance.now();

  private constructor(public current: Buffer) {}

  /** The first session `socket` (a client's first connection, not offering one) receives. */
  static prime(socket: Duplex): Promise<SharedSession> {
    return new Promise((resolve, reject) => {
      let got = false;
      socket.once('session', (session: Buffer) => {
        got = true;
        resolve(new SharedSession(session));
      });
      // Read the server's byte and let it close the connection; no session by then is an error.
      socket.on('data', () => {});
      socket.on('end', () => socket.destroy());
      socket.on('error', (err) => {
        if (!got) reject(new Error(`no session to resume: ${String(err)}`));
      });
      socket.on('close', () => {
        if (!got) reject(new Error('no session to resume: the first connection closed without one'));
      });
    });
  }

  /** Listens to a measured connection's 'session' events (costing what an https.Agent's listener costs). */
  watch(socket: Duplex): void {
    socket.on('session', (session: Buffer) => {
      const now = performance.now();
      if (now - this.refreshedAt < SESSION_REFRESH_MS) return;
      this.refreshedAt = now;
      this.current = session;
    });
  }
}

/**
 * A resumed-handshake measurement with most handshakes not resumed measures full handshakes
 * under the wrong name: stop the bench rather than print the row.
 */
export function checkResumed(what: string, completed: number, notResumed: number): void {
  if (notResumed * 2 > completed) {
    throw new Error(`${what}: ${notResumed} of ${completed} handshakes did not resume (isSessionReused() false); not a resumed-handshake measurement`);
  }
}

const fill = Buffer.alloc(CHUNK, 0x61);

/** Resolves on the first of `events` (listeners removed afterwards, so a long loop does not pile them up). */
function first(emitter: Duplex, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) emitter.off(e, done);
      resolve();
    };
    for (const e of events) emitter.on(e, done);
  });
}

/** Writes `total` bytes in 16 KiB writes, waiting for 'drain' whenever write() says so; then ends. */
export async function sendBulk(socket: Duplex, total: number): Promise<void> {
  let sent = 0;
  while (sent < total) {
    const n = Math.min(CHUNK, total - sent);
    sent += n;
    if (!socket.write(n === CHUNK ? fill : fill.subarray(0, n))) {
      await first(socket, ['drain', 'close', 'error']);
      if (socket.destroyed) return;
    }
  }
  socket.end();
}

export interface Row {
  metric: string;
  ours: number;
  node: number | undefined;
  unit: string;
  /** Extra context: busy share, negotiated suite. A row with unit '' is a heading. */
  note?: string;
}

const fmt = (n: number | undefined): string => {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
};

export function renderTable(rows: Row[], header: [string, string, string] = ['ours', 'node:tls', 'ratio']): string {
  const cells = rows.map((r) =>
    r.unit === ''
      ? [r.metric, '', '', '', r.note ?? '']
      : [
          r.metric,
          `${fmt(r.ours)} ${r.unit}`,
          r.node === undefined ? '—' : `${fmt(r.node)} ${r.unit}`,
          r.node === undefined || !Number.isFinite(r.ours / r.node) ? '—' : `${(r.ours / r.node).toFixed(2)}×`,
          r.note ?? '',
        ],
  );
  const head = ['metric', ...header, ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 0 || i === 4 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...cells.map(line)].join('\n');
}
