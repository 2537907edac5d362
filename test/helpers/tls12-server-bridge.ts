// A tiny TCP server for the TLS 1.2 server interop tests: each accepted socket runs
// `Connection.server(config)` directly (no node adapter), so real clients (openssl s_client,
// node:tls, curl) meet the sans-IO core over 127.0.0.1.
import { Socket, createServer, type Server } from 'node:net';
import { Connection } from '../../src/connection.js';
import type { TLSError } from '../../src/errors.js';
import type { ConnectionEvent, HandshakeInfo } from '../../src/events.js';
import type { ServerConfig } from '../../src/server/config.js';
import { WAIT_MS, closeServer, listen } from './interop.js';

/**
 * Polls `condition` every 10 ms until it holds; rejects after `ms`, and then stops polling (so a
 * failed wait does not keep the test process alive).
 */
export function pollUntil(condition: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (condition()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

/** One accepted connection: the socket, our Connection and what happened on it. */
export class BridgedConnection {
  readonly conn: Connection;
  readonly events: ConnectionEvent[] = [];
  /** Application data received, as latin1 text. */
  received = '';
  info: HandshakeInfo | undefined;
  error: TLSError | undefined;
  peerClosed = false;
  socketClosed = false;
  /** We sent close_notify. */
  closing = false;

  constructor(
    readonly socket: Socket,
    config: ServerConfig,
    private readonly handlers: BridgeHandlers,
  ) {
    this.conn = Connection.server(config, { trace: 'off' });
    socket.on('data', (chunk: Buffer) => {
      this.conn.receive(chunk);
      this.pump();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.socketClosed = true;
    });
  }

  /** Sends application data (held by the Connection until its handshake completes). */
  send(text: string | Uint8Array): void {
    if (!this.conn.open || this.closing) return;
    this.conn.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
    this.pump();
  }

  /** close_notify, then the end of the socket once it is written. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.conn.close();
    this.pump();
    this.socket.end();
  }

  /** Writes what the Connection produced and handles its events. */
  pump(): void {
    for (const chunk of this.conn.takeOutput()) if (!this.socket.destroyed) this.socket.write(chunk);
    for (const event of this.conn.takeEvents()) {
      this.events.push(event);
      switch (event.type) {
        case 'handshake-complete':
          this.info = event.info;
          this.handlers.onHandshake?.(this);
          break;
        case 'data': {
          const text = Buffer.from(event.data).toString('latin1');
          this.received += text;
          this.handlers.onData?.(this, text);
          break;
        }
        case 'peer-closed':
          this.peerClosed = true;
          if (!this.socket.destroyed && this.conn.open) this.close();
          break;
        case 'failed':
          this.error = event.error;
          for (const chunk of this.conn.takeOutput()) if (!this.socket.destroyed) this.socket.write(chunk);
          this.socket.end();
          break;
        default:
          break;
      }
    }
  }
}

export interface BridgeHandlers {
  onHandshake?: (c: BridgedConnection) => void;
  onData?: (c: BridgedConnection, text: string) => void;
}

export interface Bridge {
  server: Server;
  port: number;
  connections: BridgedConnection[];
  /** Waits until `count` connections ended (failed, closed by either side, or socket gone). */
  settled(count?: number): Promise<void>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and runs a Connection.server(config) per accepted socket. */
export async function startBridge(config: ServerConfig, handlers: BridgeHandlers = {}): Promise<Bridge> {
  const connections: BridgedConnection[] = [];
  const server = createServer((socket) => {
    connections.push(new BridgedConnection(socket, config, handlers));
  });
  const port = await listen(server);
  return {
    server,
    port,
    connections,
    settled: (count = 1) =>
      pollUntil(
        () => connections.length >= count && connections.slice(0, count).every((c) => c.error || c.socketClosed || c.peerClosed),
        `${count} bridged connection(s) to end`,
      ),
    close: async () => {
      for (const c of connections) c.socket.destroy();
      await closeServer(server);
    },
  };
}

/** The usual echo behaviour: greet after the handshake, answer the first line with "echo: <line>" and close. */
export function echoHandlers(greeting: string): BridgeHandlers {
  return {
    onHandshake: (c) => c.send(`${greeting}\n`),
    onData: (c) => {
      const newline = c.received.indexOf('\n');
      if (newline >= 0 && !c.closing) {
        c.send(`echo: ${c.received.slice(0, newline)}\n`);
        c.close();
      }
    },
  };
}
