// exportKeyingMaterial (RFC 5705, RFC 8446 §7.5) agrees with node:tls (OpenSSL) on the same
// connection, in both directions and both versions, with and without a context.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, test } from 'node:test';
import { connect } from '../../src/node/connect.js';
import { createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { closeServer, listen, waitEvent } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 30_000 };
const pki = cachedPki();
const CONTEXT = Buffer.from('context bytes');

type Exporting = { exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer };
const material = (s: Exporting) => ({
  noContext: s.exportKeyingMaterial(48, 'EXPERIMENTAL handshake test').toString('hex'),
  noContext32: s.exportKeyingMaterial(32, 'EXPERIMENTAL handshake test').toString('hex'),
  withContext: s.exportKeyingMaterial(32, 'EXPERIMENTAL handshake test', CONTEXT).toString('hex'),
  emptyContext: s.exportKeyingMaterial(32, 'EXPERIMENTAL handshake test', Buffer.alloc(0)).toString('hex'),
});

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  describe(`exportKeyingMaterial, ${version}`, () => {
    test('our client and a node:tls server derive the same material', TEST, async () => {
      const results: Array<ReturnType<typeof material>> = [];
      const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, maxVersion: version }, (s) => {
        results.push(material(s as unknown as Exporting));
        s.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', ca: pki.rootPem, maxVersion: version });
      await waitEvent(client, 'secureConnect');
      assert.equal(client.getProtocol(), version);
      const ours = material(client);
      client.resume();
      await waitEvent(client, 'end');
      client.destroy();
      server.close();
      assert.deepEqual(ours, results[0]);
      // RFC 8446 §7.5: in TLS 1.3 no context equals an empty one; RFC 5705: in TLS 1.2 it does not.
      if (version === 'TLSv1.3') assert.equal(ours.emptyContext, ours.noContext32);
      else assert.notEqual(ours.emptyContext, ours.noContext32);
      assert.notEqual(ours.withContext, ours.emptyContext);
    });

    test('a node:tls client and our server derive the same material', TEST, async () => {
      let ours: ReturnType<typeof material> | undefined;
      const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (s: TLSSocket) => {
        ours = material(s);
        s.end();
      });
      const port = await listen(server);
      const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, maxVersion: version });
      await waitEvent(client, 'secureConnect');
      const theirs = material(client as unknown as Exporting);
      client.resume();
      await waitEvent(client, 'end');
      client.destroy();
      await closeServer(server);
      assert.deepEqual(ours, theirs);
    });
  });
}

test('exportKeyingMaterial before the handshake, or with a bad length, throws', TEST, async () => {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (s: TLSSocket) => {
    assert.throws(() => s.exportKeyingMaterial(0, 'label'), RangeError);
    s.end();
  });
  const port = await listen(server);
  const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
  assert.throws(() => client.exportKeyingMaterial(32, 'label'), /only after the handshake|not connected/);
  await waitEvent(client, 'secureConnect');
  client.resume();
  await waitEvent(client, 'end');
  client.destroy();
  await closeServer(server);
});
