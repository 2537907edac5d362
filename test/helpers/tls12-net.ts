// A sans-IO client Connection over a TCP socket to 127.0.0.1, for interop tests that must not
// depend on the Node adapter (src/node/*): bytes go straight between the socket and the core.
import { type Socket, connect as netConnect } from 'node:net';
import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import type { TLSError } from '../../src/errors.js';
import type { ConnectionEvent, HandshakeInfo } from '../../src/events.js';
import { WAIT_MS, withTimeout } from './interop.js';

export class CoreClient {
  readonly conn: Connection;
  readonly socket: Socket;
  readonly events: ConnectionEvent[] = [];
  /** The socket closed (either side). */
  socketClosed = false;
  private readonly listeners = new Set<() => void>();

  constructor(port: number, config: ClientConfig) {
    this.conn = Connection.client(config);
    this.socket = netConnect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.conn.receive(chunk);
      this.pump();
    });
    this.socket.on('error', () => {}); // the peer may reset after an alert; tests read `events`
    this.socket.on('close', () => {
      this.socketClosed = true;
      this.notify();
    });
    this.pump();
  }

  private pump(): void {
    for (const out of this.conn.takeOutput()) if (!this.socket.destroyed) this.socket.write(out);
    this.events.push(...this.conn.takeEvents());
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Resolves with `pick()` once it is defined; rejects after `ms`, or when the socket closes first. */
  private until<T>(pick: () => T | undefined, what: string, ms = WAIT_MS): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve, reject) => {
        const check = () => {
          const value = pick();
          if (value !== undefined) {
            this.listeners.delete(check);
            resolve(value);
          } else if (this.socketClosed) {
            this.listeners.delete(check);
            reject(new Error(`the socket closed before ${what}; events: ${this.describeEvents()}`));
          }
        };
        this.listeners.add(check);
        check();
      }),
      ms,
      what,
    );
  }

  get failure(): TLSError | undefined {
    return this.events.find((e): e is Extract<ConnectionEvent, { type: 'failed' }> => e.type === 'failed')?.error;
  }

  /** The negotiated parameters; rejects with the connection's error if it failed instead. */
  async handshake(): Promise<HandshakeInfo> {
    const outcome = await this.until(
      () => this.conn.handshakeInfo ?? this.failure,
      'the handshake',
    );
    if ('alert' in outcome) throw outcome;
    return outcome;
  }

  /** The connection's failure (rejects if the handshake completes and the socket closes without one). */
  failed(): Promise<TLSError> {
    return this.until(() => this.failure, 'a failure');
  }

  write(text: string): void {
    this.conn.write(new TextEncoder().encode(text));
    this.pump();
  }

  /** Application data received so far, as latin1 text. */
  get received(): string {
    return Buffer.concat(this.events.filter((e): e is Extract<ConnectionEvent, { type: 'data' }> => e.type === 'data').map((e) => e.data)).toString(
      'latin1',
    );
  }

  /** Waits until the received text matches `pattern`. */
  receivedMatching(pattern: RegExp): Promise<RegExpMatchArray> {
    return this.until(() => this.received.match(pattern) ?? undefined, `received data matching ${pattern}`);
  }

  /** Waits for the peer's close_notify. */
  peerClosed(): Promise<true> {
    return this.until(() => (this.conn.peerClosed ? true : undefined), "the peer's close_notify");
  }

  close(): void {
    this.conn.close();
    this.pump();
    this.socket.destroy();
  }

  private describeEvents(): string {
    return this.events
      .filter((e) => e.type !== 'trace' && e.type !== 'keylog')
      .map((e) => (e.type === 'failed' ? `failed(${e.error.alertName}: ${e.error.message})` : e.type))
      .join(', ');
  }
}
