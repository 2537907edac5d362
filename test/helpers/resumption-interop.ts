// Session resumption with real peers (test/interop/*resumption*): our client's view of one
// connection, node:tls's server reporting whether it resumed, and what OpenSSL's tools say about
// the sessions they kept or saw.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as tls from 'node:tls';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { type Peer, WAIT_MS, listen, readAll, waitEvent } from './interop.js';

/** What visit() saw of one connection. */
export interface Visit {
  socket: TLSSocket;
  /** Buffers from 'session' events, in order. */
  sessions: Buffer[];
  /** The server's reply, whole. */
  body: string;
  reused: boolean;
  protocol: string | null;
  /** getTLSTicket() once the server closed (in TLS 1.3, after its NewSessionTickets). */
  ticket: Buffer | undefined;
  /** getSession() once the connection is done. */
  session: Buffer | undefined;
}

/** One connection of our client (src/node/connect.ts) to 127.0.0.1:`port` that sends `request` and reads until the server closes. */
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

/** "New" or "Reused": how `openssl s_server -www` saw the handshake, read from its status page. */
export const sServerSaw = (body: string): string =>
  body.match(/\n(New|Reused), TLSv1\.\d, Cipher is /)?.[1] ?? `no status line in ${JSON.stringify(body)}`;

/** How many handshakes s_client reported as `kind` ("New, TLSv1.2, Cipher is …" or "Reused, …") in `version`. */
export const sClientHandshakes = (peer: Peer, kind: 'New' | 'Reused', version: 'TLSv1.2' | 'TLSv1.3'): number =>
  peer.stdout.match(new RegExp(`^${kind}, ${version.replace('.', '\\.')}, Cipher is `, 'gm'))?.length ?? 0;

/** `openssl sess_id -text` of a session file s_client wrote with -sess_out. */
export function sessionText(file: string): string {
  const r = spawnSync('openssl', ['sess_id', '-in', file, '-noout', '-text'], { encoding: 'utf8', timeout: WAIT_MS });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Whether each connection our server completed was resumed, in order. */
export const resumedFlags = (ours: { sockets: readonly TLSSocket[] }): boolean[] => ours.sockets.map((s) => s.handshakeInfo?.resumed === true);

/** A node:tls server (OpenSSL inside Node) that answers each client's first data with "hello reused=<isSessionReused()>" and records it. */
export async function startReuseReportingServer(options: tls.TlsOptions): Promise<{ server: tls.Server; port: number; reusedOnServer: boolean[] }> {
  const reusedOnServer: boolean[] = [];
  const server = tls.createServer(options, (socket) => {
    socket.on('data', () => {
      reusedOnServer.push(socket.isSessionReused());
      socket.end(`hello reused=${socket.isSessionReused()}`);
    });
    socket.on('error', () => {});
  });
  const port = await listen(server);
  return { server, port, reusedOnServer };
}
