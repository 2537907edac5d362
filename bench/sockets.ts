// Socket benchmarks on 127.0.0.1. The implementation under test runs on the main thread; the
// node:tls peer (load generator, server or receiver) runs in a worker thread, so each side has one
// of the machine's two cores and the peer is byte-for-byte the same program for ours and node:tls.
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { connect } from '../src/node/connect.js';
import { createServer } from '../src/node/server.js';
import type { TLSSocket } from '../src/node/tls-socket.js';
import { type Peer, SharedSession, checkResumed, sendBulk, sleep, stopwatch } from './lib.js';
import { BENCH_CIPHER, BENCH_CURVE, type BenchVersion } from './protocol.js';

export type Impl = 'ours' | 'node';

export interface Pem {
  /** Names profiles: 'ecdsa' or 'rsa'. */
  label: string;
  rootPem: string;
  chainPem: string;
  leafKeyPem: string;
}

export interface Timing {
  warmupMs: number;
  durationMs: number;
  concurrency: number;
}

export interface Rate {
  /** Completed per wall-clock second. */
  perSecond: number;
  /** Completed per second of main-thread busy time: the tested side's capacity. */
  perBusySecond: number;
  /** Share of the window the main thread was busy. */
  busy: number;
  failed: number;
  /** Resumed-handshake rows: handshakes in the window the tested side saw not resume. */
  notResumed?: number;
  /** Handshakes completed in the window. */
  completed: number;
  cipher?: string;
}

async function listen(server: NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Counts completed handshakes between two points in time, with busy time, after a warm-up; with
 * `fresh`, also those of them that did not resume.
 */
async function window(timing: Timing, count: () => number, label: string, fresh?: () => number): Promise<Rate> {
  await sleep(timing.warmupMs);
  const c0 = count();
  const f0 = fresh?.() ?? 0;
  const lap = stopwatch(label);
  await sleep(timing.durationMs);
  const { ms, busyMs } = lap();
  const n = count() - c0;
  const rate = { perSecond: (n * 1000) / ms, perBusySecond: (n * 1000) / busyMs, busy: busyMs / ms, failed: 0, completed: n };
  return fresh ? { ...rate, notResumed: fresh() - f0 } : rate;
}

const suffix = (version: BenchVersion, resume: boolean) => `${version === 'TLSv1.2' ? '-tls12' : ''}${resume ? '-resumed' : ''}`;

/**
 * 1. Server full handshakes: the worker's node:tls clients (fixed concurrency, each reconnecting
 * as soon as it has its byte) against our createServer or tls.createServer on the main thread.
 * A handshake counts when the server has sent its byte after 'secureConnection'. With `resume`,
 * the clients offer a session from a first handshake (SharedSession), and the server's
 * isSessionReused() and the clients' are both checked.
 */
export async function serverHandshakes(
  impl: Impl,
  pem: Pem,
  peer: Peer,
  timing: Timing,
  version: BenchVersion = 'TLSv1.3',
  resume = false,
): Promise<Rate> {
  let done = 0;
  let fresh = 0;
  let cipher: string | undefined;
  const onSecure = (socket: TLSSocket | tls.TLSSocket) => {
    done++;
    if (resume && !socket.isSessionReused()) fresh++;
    cipher ??= socket.getCipher()?.name;
    socket.on('error', () => socket.destroy());
    socket.end('x');
  };
  const options = { key: pem.leafKeyPem, cert: pem.chainPem };
  const server: NetServer =
    impl === 'ours' ? createServer({ ...options, trace: 'off' }, onSecure) : tls.createServer(options, onSecure);
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  await peer.call({ cmd: 'load', port, concurrency: timing.concurrency, ca: pem.rootPem, version, resume });
  const label = `server-${impl}-${pem.label}${suffix(version, resume)}`;
  const rate = await window(timing, () => done, label, resume ? () => fresh : undefined);
  const res = await peer.call({ cmd: 'stop-load' });
  await sleep(100);
  server.close();
  if (resume) {
    checkResumed(`${label} (server side, measured window)`, rate.completed, rate.notResumed!);
    // The node:tls clients' view, over the whole load (warm-up included, the first handshake not).
    checkResumed(`${label} (node:tls clients, whole load)`, res.completed ?? 0, res.notResumed ?? 0);
    if (res.notResumed) process.stderr.write(`  ${label}: node:tls clients saw ${res.notResumed} of ${res.completed} handshakes not resume\n`);
  }
  return { ...rate, failed: res.failed ?? 0, ...(cipher ? { cipher } : {}) };
}

/**
 * 2. Client full handshakes: our connect() or tls.connect() on the main thread, `concurrency` at a
 * time, against the worker's node:tls server. `shared` reuses the trust anchors across connections
 * (node: one SecureContext; ours: the same `ca` object, which the adapter caches); otherwise each
 * call passes the root PEM string, as tls.connect({ ca }) is usually called. With `resume`, every
 * connection offers the session of a first one (SharedSession: ours offers our session blob, node
 * its own), and the handshakes that did not resume are counted.
 */
export async function clientHandshakes(
  impl: Impl,
  pem: Pem,
  peer: Peer,
  timing: Timing,
  shared: boolean,
  version: BenchVersion = 'TLSv1.3',
  resume = false,
): Promise<Rate> {
  const { port } = await peer.call({ cmd: 'server', key: pem.leafKeyPem, cert: pem.chainPem, mode: 'byte', version });
  const caShared = [pem.rootPem];
  const context = shared ? tls.createSecureContext({ ca: pem.rootPem }) : undefined;
  let done = 0;
  let failed = 0;
  let fresh = 0;
  let running = true;
  let cipher: string | undefined;
  type Client = Duplex & { getCipher(): { name: string } | undefined; authorized: boolean; isSessionReused(): boolean };
  const open = (session?: Buffer): Client => {
    const base = { host: '127.0.0.1', port: port!, servername: 'localhost', ...(session ? { session } : {}) };
    if (impl === 'ours') return connect({ ...base, ca: shared ? caShared : pem.rootPem, trace: 'off' });
    return context ? tls.connect({ ...base, secureContext: context }) : tls.connect({ ...base, ca: pem.rootPem });
  };
  const saved = resume ? await SharedSession.prime(open()) : undefined;
  const one = () => {
    if (!running) return;
    const socket = open(saved?.current);
    saved?.watch(socket);
    let finished = false;
    const next = (ok: boolean) => {
      if (finished) return;
      finished = true;
      if (ok) done++;
      else failed++;
      if (ok && saved && !socket.isSessionReused()) fresh++;
      cipher ??= socket.getCipher()?.name;
      socket.destroy();
      setImmediate(one);
    };
    socket.once('data', () => next(socket.authorized));
    socket.once('error', () => next(false));
    socket.once('close', () => next(false));
  };
  for (let i = 0; i < timing.concurrency; i++) one();
  const label = `client-${impl}-${pem.label}-${shared ? 'shared' : 'ca'}${suffix(version, resume)}`;
  const rate = await window(timing, () => done, label, resume ? () => fresh : undefined);
  running = false;
  await sleep(100);
  await peer.call({ cmd: 'close-servers' });
  if (resume) checkResumed(label, rate.completed, rate.notResumed!);
  return { ...rate, failed, ...(cipher ? { cipher } : {}) };
}

export interface Throughput {
  mbPerSecond: number;
  /** MB per second of main-thread busy time. */
  mbPerBusySecond: number;
  busy: number;
  cipher?: string;
}

/**
 * 3a. Bulk send: our server or tls.createServer on the main thread sends `bytes` in 16 KiB writes
 * (respecting backpressure) to the worker's node:tls client, which times secureConnect → end.
 */
export async function bulkSend(impl: Impl, pem: Pem, peer: Peer, bytes: number): Promise<Throughput> {
  const onSecure = (socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    void sendBulk(socket, bytes);
  };
  const options = { key: pem.leafKeyPem, cert: pem.chainPem };
  const server: NetServer =
    impl === 'ours' ? createServer({ ...options, trace: 'off' }, onSecure) : tls.createServer(options, onSecure);
  const port = await listen(server);
  const lap = stopwatch(bytes >= 64 << 20 ? `send-${impl}` : undefined);
  const res = await peer.call({ cmd: 'receive', port, ca: pem.rootPem });
  const { ms, busyMs } = lap();
  server.close();
  if (res.bytes !== bytes) throw new Error(`bulk send (${impl}): received ${res.bytes} of ${bytes} bytes`);
  const mb = bytes / 1e6;
  return { mbPerSecond: mb / (res.ms! / 1000), mbPerBusySecond: mb / (busyMs / 1000), busy: busyMs / ms, cipher: res.cipher! };
}

/** 3b. Bulk receive: our connect() or tls.connect() on the main thread reads `bytes` from the worker's node:tls server. */
export async function bulkReceive(impl: Impl, pem: Pem, peer: Peer, bytes: number): Promise<Throughput> {
  const { port } = await peer.call({ cmd: 'server', key: pem.leafKeyPem, cert: pem.chainPem, mode: 'bulk', bytes, version: 'TLSv1.3' });
  const base = { host: '127.0.0.1', port: port!, servername: 'localhost', ca: pem.rootPem };
  const socket = impl === 'ours' ? connect({ ...base, trace: 'off' }) : tls.connect({ ...base, ciphers: BENCH_CIPHER, ecdhCurve: BENCH_CURVE });
  let received = 0;
  let lap: ReturnType<typeof stopwatch> | undefined;
  let start = 0;
  socket.on('secureConnect', () => {
    start = performance.now();
    lap = stopwatch(bytes >= 64 << 20 ? `receive-${impl}` : undefined);
  });
  socket.on('data', (d: Buffer) => (received += d.length));
  await new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  const ms = performance.now() - start;
  const { busyMs } = lap!();
  const cipher = socket.getCipher()?.name;
  socket.destroy();
  await peer.call({ cmd: 'close-servers' });
  if (received !== bytes) throw new Error(`bulk receive (${impl}): received ${received} of ${bytes} bytes`);
  const mb = bytes / 1e6;
  return { mbPerSecond: mb / (ms / 1000), mbPerBusySecond: mb / (busyMs / 1000), busy: busyMs / ms, ...(cipher ? { cipher } : {}) };
}
