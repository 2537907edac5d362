// Every TCP connection the server accepted, from accept to close: its peer, when its ClientHello
// began to arrive, its TLS socket and trace once the core runs, and how to end them all.
import type { Socket } from 'node:net';
import type { Server } from '../../node/server.js';
import type { TLSSocket } from '../../node/tls-socket.js';
import type { TraceEvent } from '../../trace.js';
import { peerLabel } from './facts.js';

export interface Tracked {
  readonly raw: Socket;
  /** Taken at accept: a destroyed socket no longer knows its peer. */
  readonly peer: string;
  tls?: TLSSocket;
  /** performance.now() at the first byte from the client (the start of its ClientHello). */
  firstByte?: number;
  /** First byte to the handshake's completion. */
  handshakeMs?: number;
  secure: boolean;
  /** The server's trace events, with --trace. */
  readonly trace: TraceEvent[];
}

export class Connections {
  private readonly open = new Map<Socket, Tracked>();
  private readonly byTls = new WeakMap<TLSSocket, Tracked>();
  /** The open secure connections, most recent last (stdin goes to the last, as with s_server). */
  private readonly secureOrder: Tracked[] = [];

  /** Registers its listeners first, so the others see handshakeMs already set. */
  constructor(server: Server, trace: boolean) {
    // The server's own 'connection' listener runs first and may already have emitted
    // 'connectionStarted' for the socket: whichever comes first registers it.
    server.on('connection', (raw: Socket) => void this.track(raw));
    server.on('connectionStarted', (tls: TLSSocket) => {
      const tracked = this.track(tls.socket as Socket);
      tracked.tls = tls;
      this.byTls.set(tls, tracked);
      if (trace) tls.on('trace', (e: TraceEvent) => tracked.trace.push(e));
    });
    server.on('secureConnection', (tls: TLSSocket) => {
      const tracked = this.of(tls);
      if (!tracked) return;
      tracked.secure = true;
      if (tracked.firstByte !== undefined) tracked.handshakeMs = performance.now() - tracked.firstByte;
      if (this.open.has(tracked.raw)) this.secureOrder.push(tracked);
    });
  }

  private track(raw: Socket): Tracked {
    const known = this.open.get(raw);
    if (known) return known;
    const tracked: Tracked = { raw, peer: peerLabel(raw.remoteAddress, raw.remotePort), secure: false, trace: [] };
    this.open.set(raw, tracked);
    // Ahead of the TLS socket's own listener, which runs the handshake on this chunk synchronously.
    raw.prependOnceListener('data', () => (tracked.firstByte = performance.now()));
    raw.once('close', () => {
      this.open.delete(raw);
      const i = this.secureOrder.indexOf(tracked);
      if (i >= 0) this.secureOrder.splice(i, 1);
    });
    return tracked;
  }

  of(tls: TLSSocket): Tracked | undefined {
    return this.byTls.get(tls);
  }

  get size(): number {
    return this.open.size;
  }

  /** The most recent secure connection still open. */
  latest(): Tracked | undefined {
    return this.secureOrder.at(-1);
  }

  /**
   * Ends every secure connection with close_notify (RFC 8446 §6.1) and drops those still in
   * their handshake; resolves once all are closed, or after `deadlineMs`, destroying the rest.
   */
  async closeAll(deadlineMs: number): Promise<{ closed: number; forced: number }> {
    const all = [...this.open.values()];
    for (const t of all) {
      if (t.secure && t.tls && !t.tls.destroyed) t.tls.end();
      else t.raw.destroy();
    }
    const closed = all.map((t) => new Promise<void>((resolve) => (this.open.has(t.raw) ? t.raw.once('close', () => resolve()) : resolve())));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
    const outcome = await Promise.race([Promise.all(closed).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'done') return { closed: all.length, forced: 0 };
    const left = [...this.open.values()];
    for (const t of left) t.raw.destroy();
    return { closed: all.length - left.length, forced: left.length };
  }
}
