// Our node:tls-style client (src/node/connect.ts) on one connection that may resume: it records the
// 'session' events, the socket's view of the handshake, and everything the server sent until it
// closed (an `openssl s_server -www` status page, a node:tls server's answer).
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { WAIT_MS, readAll, waitEvent } from './interop.js';

export interface Visit {
  socket: TLSSocket;
  /** Buffers from 'session' events, in order. */
  sessions: Buffer[];
  /** The server's reply, whole. */
  body: string;
  reused: boolean;
  protocol: string | null;
  ticket: Buffer | undefined;
  /** getSession() once the connection is done. */
  session: Buffer | undefined;
}

/**
 * Connects to 127.0.0.1:`port`, sends `request` once the handshake is done, and reads until the
 * server closes.
 */
export async function visit(port: number, options: ConnectOptions, request = 'GET / HTTP/1.0\r\n\r\n'): Promise<Visit> {
  const socket = connect({ host: '127.0.0.1', servername: 'localhost', port, ...options });
  const sessions: Buffer[] = [];
  socket.on('session', (s: Buffer) => sessions.push(s));
  try {
    await waitEvent(socket, 'secureConnect');
    socket.write(request);
    const body = (await readAll(socket, WAIT_MS)).toString('latin1');
    return {
      socket,
      sessions,
      body,
      reused: socket.isSessionReused(),
      protocol: socket.getProtocol(),
      ticket: socket.getTLSTicket(),
      session: socket.getSession(),
    };
  } finally {
    socket.destroy();
  }
}
