// Automatic rekeying (RFC 8446 §5.5, §4.6.3): a TLS 1.3 sender renews its traffic key with a
// KeyUpdate before the key protects more records than its AEAD allows; the peer follows, and
// every byte arrives. TLS 1.2 has no KeyUpdate, so nothing changes there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Connection } from '../../src/connection.js';
import type { ConnectionEvent } from '../../src/events.js';
import { AES_GCM_RECORD_LIMIT, CHACHA20_POLY1305_RECORD_LIMIT } from '../../src/limits.js';
import { CipherSuite } from '../../src/wire/codes.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { failure, makePair, receivedBytes } from '../helpers/pair.js';
import { cachedPki } from '../helpers/pki.js';

const pki = cachedPki();
const keyUpdates = (events: ConnectionEvent[], direction: 'read' | 'write') =>
  events.filter((e) => e.type === 'key-update' && e.direction === direction).length;

describe('automatic KeyUpdate', () => {
  for (const suite of [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256]) {
    test(`after recordsPerKey records, ${suite === CipherSuite.TLS_AES_128_GCM_SHA256 ? 'AES-GCM' : 'ChaCha20-Poly1305'}: the sender rekeys, the data arrives`, () => {
      const p = makePair(clientFor(pki, { cipherSuites: [suite] }), serverFor(pki), { clientOptions: { recordsPerKey: 4 } });
      const chunks: Buffer[] = [];
      // Ten writes of one record each, after the handshake: the key changes every four records.
      for (let i = 0; i < 10; i++) {
        const chunk = Buffer.alloc(100, 0x30 + i);
        chunks.push(chunk);
        p.client.write(chunk);
        p.run();
      }
      assert.equal(failure(p.clientEvents), undefined);
      assert.equal(failure(p.serverEvents), undefined);
      assert.deepEqual(receivedBytes(p.serverEvents), Buffer.concat(chunks));
      assert.equal(keyUpdates(p.clientEvents, 'write'), 2, 'at records 4 and 8');
      assert.equal(keyUpdates(p.serverEvents, 'read'), 2);
      assert.equal(keyUpdates(p.serverEvents, 'write'), 0, 'not update_requested: the server keeps its key');
    });
  }

  test('by default the RFC 8446 §5.5 limits apply: no KeyUpdate for ordinary traffic', () => {
    const p = makePair(clientFor(pki), serverFor(pki));
    for (let i = 0; i < 20; i++) p.client.write(Buffer.alloc(16_384));
    p.run();
    assert.equal(keyUpdates(p.clientEvents, 'write'), 0);
    assert.equal(receivedBytes(p.serverEvents).length, 20 * 16_384);
    assert.ok(AES_GCM_RECORD_LIMIT <= 2 ** 24.5 && CHACHA20_POLY1305_RECORD_LIMIT < 2 ** 64);
  });

  test('TLS 1.2: no KeyUpdate (it has none)', () => {
    const p = makePair(clientFor(pki, { maxVersion: 'TLSv1.2' }), serverFor(pki), { clientOptions: { recordsPerKey: 2 } });
    for (let i = 0; i < 5; i++) p.client.write(Buffer.alloc(10, i));
    p.run();
    assert.equal(failure(p.serverEvents), undefined);
    assert.equal(keyUpdates(p.clientEvents, 'write'), 0);
    assert.equal(receivedBytes(p.serverEvents).length, 50);
  });

  test('recordsPerKey must be a positive integer', () => {
    assert.throws(() => Connection.client(clientFor(pki), { recordsPerKey: 0 }), RangeError);
    assert.throws(() => Connection.client(clientFor(pki), { recordsPerKey: 1.5 }), RangeError);
  });
});
