// What `handshake serve` does with a connection's bytes: echo them back (--echo), or, by default
// and like `openssl s_server`, print them prefixed by the peer and send stdin to the most recent
// connection.
import type { Server } from '../../node/server.js';
import type { TLSSocket } from '../../node/tls-socket.js';
import type { Connections } from './connections.js';
import type { Log } from './log.js';

export function echoMode(server: Server): void {
  server.on('secureConnection', (tls: TLSSocket) => {
    // pipe() ends our side (close_notify) when the client ends its.
    tls.pipe(tls);
  });
}

/** Each line of `chunk` prefixed by the peer; a trailing partial line is shown as a line. */
export function prefixLines(peer: string, chunk: string): string {
  const lines = chunk.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => `${peer}> ${l.replace(/\r$/, '')}\n`).join('');
}

export function printMode(server: Server, connections: Connections, log: Log, out: NodeJS.WritableStream = process.stdout): void {
  server.on('secureConnection', (tls: TLSSocket) => {
    const peer = connections.of(tls)?.peer ?? 'unknown peer';
    tls.setEncoding('utf8');
    tls.on('data', (text: string) => out.write(prefixLines(peer, text)));
    tls.once('close', () => log.line(log.c.dim(`${peer} closed`)));
  });
  const stdin = process.stdin;
  stdin.on('data', (chunk: Buffer) => {
    const target = connections.latest()?.tls;
    if (!target || !target.writable) {
      log.warn('no open connection: input not sent');
      return;
    }
    target.write(chunk);
  });
  // Nothing to do at EOF: the server runs until a signal, as s_server does without -naccept.
  stdin.on('error', () => {});
}
