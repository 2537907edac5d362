// How many writes the adapter issues on the TCP socket: each one is a syscall, and on a short
// connection they cost as much as the handshake's JS. A server flight leaves in one write, and
// end(data) sends the last records, close_notify and the FIN together.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { test } from 'node:test';
import { createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { cachedPki } from '../helpers/pki.js';
import { closeServer, listen, waitEvent } from '../helpers/interop.js';

test('a server flight is one write, and end(data) one writev with close_notify', { timeout: 30_000 }, async () => {
  const pki = cachedPki();
  const calls: string[] = [];
  const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (socket: TLSSocket) => {
    socket.end('x');
  });
  server.on('connection', (raw: net.Socket) => {
    // Count writes on this server-side TCP socket only (the node:tls client has its own).
    const generic = (raw as unknown as { _writeGeneric: (writev: boolean, ...rest: unknown[]) => void })._writeGeneric;
    Object.defineProperty(raw, '_writeGeneric', {
      value(this: net.Socket, writev: boolean, ...rest: unknown[]) {
        calls.push(writev ? 'writev' : 'write');
        return generic.call(this, writev, ...rest);
      },
    });
  });
  const port = await listen(server);
  const client = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki.rootPem });
  let data = '';
  client.on('data', (d: Buffer) => (data += d.toString()));
  await waitEvent(client, 'end');
  client.destroy();
  await closeServer(server);
  assert.equal(data, 'x');
  assert.deepEqual(calls, ['write', 'writev']);
});
