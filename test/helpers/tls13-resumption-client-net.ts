// Our node:tls-style client (src/node/connect.ts) on one TLS 1.3 connection that may resume: the
// 'session' events (NewSessionTicket comes after the handshake, RFC 8446 §4.6.1), the socket's
// view of the handshake (getTLSTicket() included), and what the server sent until it closed.
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { WAIT_MS, readAll, waitEvent } from './interop.js';

export interface Visit13 {
  socket: TLSSocket;
  sessions: Buffer[];
  body: string;
  reused: boolean;
  protocol: string | null;
  /** getTLSTicket() once the server closed (after its NewSessionTickets). */
  ticket: Buffer | undefined;
}

export async function visit13(port: number, options: ConnectOptions, request = 'GET / HTTP/1.0\r\n\r\n'): Promise<Visit13> {
  const socket = connect({ host: '127.0.0.1', servername: 'localhost', port, ...options });
  const sessions: Buffer[] = [];
  socket.on('session', (s: Buffer) => sessions.push(s));
  try {
    await waitEvent(socket, 'secureConnect');
    socket.write(request);
    const body = (await readAll(socket, WAIT_MS)).toString('latin1');
    return { socket, sessions, body, reused: socket.isSessionReused(), protocol: socket.getProtocol(), ticket: socket.getTLSTicket() };
  } finally {
    socket.destroy();
  }
}
