// One `handshake connect` run: TCP (timed on its own, so the handshake's clock starts at the
// ClientHello), the TLS handshake over it, then whatever the user sends and the server answers,
// then close_notify. Everything observed goes into a ConnectRecord; nothing is printed here.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { type Socket, connect as netConnect } from 'node:net';
import type { Readable } from 'node:stream';
import { nodeProvider } from '../../crypto/node.js';
import { TLSError } from '../../errors.js';
import type { HandshakeInfo } from '../../events.js';
import { connect } from '../../node/connect.js';
import type { TLSSocket } from '../../node/tls-socket.js';
import type { TraceEvent } from '../../trace.js';
import { RecordTap, type WireRecord } from './record-tap.js';
import { type Failure, connectionFailure, timeoutFailure, tlsFailure, usageFailure } from './failure.js';
import type { ConnectPlan } from './options.js';

/** Received application data kept for printing; the rest is counted only. */
export const KEEP_RECEIVED_BYTES = 1 << 20;
/** How long our close_notify waits for the server's before the socket is dropped. */
const CLOSE_WAIT_MS = 1000;

export interface ConnectRecord {
  plan: ConnectPlan;
  /** Every time below is provider.now() (epoch ms, sub-ms), the clock of trace events. */
  startedAt: number;
  lookup?: { at: number; address: string };
  connectedAt?: number;
  remote?: { address: string; port: number };
  trace: TraceEvent[];
  /** With --hexdump: the records as they crossed the TCP connection. */
  records: WireRecord[];
  /** Sums of the 'timing' events per phase, ms. */
  phaseMs: { 'key-exchange': number; 'certificate-validation': number };
  secureAt?: number;
  info?: HandshakeInfo;
  earlyData: 'accepted' | 'rejected' | 'none';
  sessions: { received: number; savedTo?: string; saveError?: string };
  sentBytes: number;
  received: { bytes: number; kept: Buffer[] };
  /** How the connection ended once established. */
  ending?: 'server-closed' | 'idle' | 'after-handshake' | 'reset';
  /** What stopped the run (verification under --insecure is in `info`, not here). */
  failure?: Failure;
  endedAt: number;
}

export interface RunIO {
  stdin: Readable;
  now?: () => number;
}

class Deadline extends Error {}

/** Resolves with `promise`, or rejects with Deadline after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function openTcp(plan: ConnectPlan, rec: ConnectRecord, now: () => number): Promise<Socket> {
  const socket = netConnect({ host: plan.host, port: plan.port });
  socket.once('lookup', (err: Error | null, address: string) => {
    if (!err) rec.lookup = { at: now(), address };
  });
  const connected = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      rec.connectedAt = now();
      rec.remote = { address: socket.remoteAddress ?? plan.host, port: socket.remotePort ?? plan.port };
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return within(connected, plan.timeoutMs).catch((err: unknown) => {
    socket.destroy();
    throw err;
  });
}

/** Appends NSS key-log lines to every --keylog / SSLKEYLOGFILE file. */
function openKeylogs(files: readonly string[]): { write(line: Buffer): void; close(): void } {
  const fds = files.map((file) => {
    try {
      return openSync(file, 'a');
    } catch (err) {
      throw new Error(`keylog file ${file}: ${(err as Error).message}`);
    }
  });
  return {
    write: (line) => fds.forEach((fd) => writeSync(fd, line)),
    close: () => fds.forEach((fd) => closeSync(fd)),
  };
}

/**
 * Waits until the server closes, or has been quiet for `ms` since it last sent something; with
 * `untilSession`, only until its first session (ticket) arrives.
 */
function settle(tls: TLSSocket, ms: number, untilSession = false): Promise<'server-closed' | 'idle'> {
  return new Promise((resolve) => {
    if (tls.destroyed || tls.readableEnded) return resolve('server-closed');
    let timer = setTimeout(() => done('idle'), ms);
    const onData = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done('idle'), ms);
    };
    const onEnd = () => done('server-closed');
    const onSession = () => done('idle');
    const done = (how: 'server-closed' | 'idle') => {
      clearTimeout(timer);
      tls.off('data', onData).off('end', onEnd).off('close', onEnd).off('session', onSession);
      resolve(how);
    };
    tls.on('data', onData).once('end', onEnd).once('close', onEnd);
    if (untilSession) tls.once('session', onSession);
  });
}

/** Copies stdin into the connection until stdin ends or the connection closes. */
function pipeStdin(stdin: Readable, tls: TLSSocket, rec: ConnectRecord): Promise<void> {
  return new Promise((resolve) => {
    if (tls.destroyed) return resolve();
    const onData = (chunk: Buffer) => {
      rec.sentBytes += chunk.length;
      tls.write(chunk);
    };
    const finish = () => {
      stdin.off('data', onData).off('end', finish).off('error', finish);
      tls.off('close', onClose);
      resolve();
    };
    // The server went first: what stdin still holds has nowhere to go.
    const onClose = () => {
      stdin.destroy();
      finish();
    };
    stdin.on('data', onData).once('end', finish).once('error', finish);
    tls.once('close', onClose);
  });
}

export async function runConnect(plan: ConnectPlan, io: RunIO): Promise<ConnectRecord> {
  const now = io.now ?? nodeProvider.now;
  const rec: ConnectRecord = {
    plan,
    startedAt: now(),
    trace: [],
    records: [],
    phaseMs: { 'key-exchange': 0, 'certificate-validation': 0 },
    earlyData: 'none',
    sessions: { received: 0 },
    sentBytes: 0,
    received: { bytes: 0, kept: [] },
    endedAt: 0,
  };
  const finish = (failure?: Failure) => {
    if (failure && !rec.failure) rec.failure = failure;
    rec.endedAt = now();
    return rec;
  };

  let keylog: ReturnType<typeof openKeylogs> | undefined;
  try {
    keylog = openKeylogs(plan.keylogFiles);
  } catch (err) {
    return finish(usageFailure((err as Error).message));
  }
  try {
    let tcp: Socket;
    try {
      tcp = await openTcp(plan, rec, now);
    } catch (err) {
      if (err instanceof Deadline) return finish(timeoutFailure('TCP connect', plan.timeoutMs, plan));
      return finish(connectionFailure(err as Error, plan));
    }
    return await overTls(tcp, { plan, rec, io, now, keylog, finish });
  } finally {
    keylog.close();
  }
}

interface RunContext {
  plan: ConnectPlan;
  rec: ConnectRecord;
  io: RunIO;
  now: () => number;
  keylog: ReturnType<typeof openKeylogs>;
  /** Stamps the end (and the failure, unless one is recorded) and returns the record. */
  finish: (failure?: Failure) => ConnectRecord;
}

async function overTls(tcp: Socket, { plan, rec, io, now, keylog, finish }: RunContext): Promise<ConnectRecord> {
  const sends = plan.input.kind !== 'none' || plan.earlyData !== undefined;
  let tls: TLSSocket;
  if (plan.hexdump) {
    const tap = new RecordTap(now);
    tap.attach(tcp);
    rec.records = tap.records;
  }
  try {
    // Application data in the ladder too when we send some: the request and its answer.
    tls = connect({ ...plan.tls, socket: tcp, trace: sends ? 'all' : 'handshake', ...(plan.hexdump ? { traceBytes: true } : {}) });
  } catch (err) {
    tcp.destroy();
    return finish(usageFailure((err as Error).message));
  }
  let lastSession: Buffer | undefined;
  const progress = { sawServerHello: false, sawCertificateRequest: false, handshakeDone: false, closing: false };
  tls.on('trace', (e: TraceEvent) => {
    rec.trace.push(e);
    if (e.direction !== 'received') return;
    if (e.name === 'ServerHello' || e.name === 'HelloRetryRequest') progress.sawServerHello = true;
    if (e.name === 'CertificateRequest') progress.sawCertificateRequest = true;
  });
  tls.on('timing', (phase: 'key-exchange' | 'certificate-validation', ms: number) => (rec.phaseMs[phase] += ms));
  if (plan.keylogFiles.length) tls.on('keylog', (line: Buffer) => keylog.write(line));
  tls.on('session', (session: Buffer) => {
    rec.sessions.received++;
    lastSession = session;
  });
  tls.on('data', (chunk: Buffer) => {
    if (rec.received.bytes < KEEP_RECEIVED_BYTES) rec.received.kept.push(chunk.subarray(0, KEEP_RECEIVED_BYTES - rec.received.bytes));
    rec.received.bytes += chunk.length;
  });
  tls.on('error', (err: Error) => {
    // Once we are closing, a reset or an error of ours changes nothing the user asked about; an
    // alert from the server still does (a TLS 1.3 server's verdict on our certificate can cross
    // our close_notify).
    if (progress.closing && !(err instanceof TLSError && err.fromPeer)) return;
    if (progress.handshakeDone && !(err instanceof TLSError)) {
      rec.ending = 'reset';
      return;
    }
    rec.failure ??= tlsFailure(err, plan, progress);
  });

  const secure = new Promise<void>((resolve, reject) => {
    tls.once('secureConnect', () => resolve());
    tls.once('close', () => reject(new Error('closed')));
  });
  try {
    await within(secure, plan.timeoutMs);
  } catch (err) {
    tls.destroy();
    drainTrace(tls, rec);
    if (err instanceof Deadline) return finish(timeoutFailure('TLS handshake', plan.timeoutMs, plan));
    // 'close' after 'error': the error handler has classified it.
    return finish(rec.failure ?? tlsFailure(new Error('the connection closed'), plan, progress));
  }
  progress.handshakeDone = true;
  rec.secureAt = now();
  rec.info = tls.handshakeInfo;
  rec.earlyData = tls.earlyDataStatus;

  if (plan.input.kind === 'text') {
    rec.sentBytes += plan.input.data.length;
    tls.write(plan.input.data);
  } else if (plan.input.kind === 'stdin') {
    await pipeStdin(io.stdin, tls, rec);
  }
  if (plan.earlyData) rec.sentBytes += plan.earlyData.length;
  const sent = rec.sentBytes > 0;
  // After our Finished a TLS 1.3 server sends its tickets, or its verdict on the client
  // certificate it asked for (RFC 8446 §4.4.2.4): wait for its first word, as for an answer.
  const waitForSession = plan.sessionOut !== undefined && rec.sessions.received === 0;
  const waitForVerdict = progress.sawCertificateRequest && rec.info?.version === 'TLSv1.3';
  const waitForServer = waitForSession || waitForVerdict;
  rec.ending = sent || waitForServer ? await settle(tls, plan.waitMs, waitForServer && !sent) : 'after-handshake';

  progress.closing = true;
  if (!tls.destroyed) {
    const closed = new Promise<void>((resolve) => tls.once('close', () => resolve()));
    tls.end();
    await within(closed, CLOSE_WAIT_MS).catch(() => tls.destroy());
  }
  saveSession(plan, rec, lastSession ?? tls.getSession());
  return finish();
}

/**
 * Trace events the socket had not handed out when it failed. The adapter emits the events of its
 * first flight only when the next bytes arrive, so a server that hangs up on our ClientHello
 * would leave it out of the ladder; the socket is closed, so reading its Connection is safe.
 */
function drainTrace(tls: TLSSocket, rec: ConnectRecord): void {
  for (const event of tls.connection?.takeEvents() ?? []) {
    if (event.type === 'trace') rec.trace.push(event.event);
  }
  rec.trace.sort((a, b) => a.time - b.time);
}

function saveSession(plan: ConnectPlan, rec: ConnectRecord, session: Buffer | undefined): void {
  if (plan.sessionOut === undefined) return;
  if (!session) {
    rec.sessions.saveError = 'the server sent no session to resume';
    return;
  }
  try {
    writeFileSync(plan.sessionOut, session);
    rec.sessions.savedTo = plan.sessionOut;
  } catch (err) {
    rec.sessions.saveError = (err as Error).message;
  }
}
