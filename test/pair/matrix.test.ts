// Every TLS 1.3 cipher suite × key exchange group × certificate/signature scheme, in memory: both
// sides agree on what was negotiated, application data flows both ways (also across many records)
// and close_notify reaches the other side.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Connection } from '../../src/connection.js';
import { CipherSuite, NamedGroup, SignatureScheme, cipherSuiteName, groupName, schemeName } from '../../src/wire/codes.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { type Pair, failure, has, makePair, receivedBytes } from '../helpers/pair.js';
import { type KeyType, cachedPki, parse } from '../helpers/pki.js';
import { readRecords } from '../helpers/records.js';

const SUITES = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
const GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
const CERTIFICATES: { keyType: KeyType; scheme: number; pinScheme: boolean }[] = [
  { keyType: 'ecdsa-p256', scheme: SignatureScheme.ecdsa_secp256r1_sha256, pinScheme: false },
  { keyType: 'ecdsa-p384', scheme: SignatureScheme.ecdsa_secp384r1_sha384, pinScheme: false },
  // One RSA key, three schemes: the client's signature_algorithms picks which.
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha256, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha384, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha512, pinScheme: true },
  { keyType: 'rsa-pss', scheme: SignatureScheme.rsa_pss_pss_sha256, pinScheme: false },
  { keyType: 'ed25519', scheme: SignatureScheme.ed25519, pinScheme: false },
];

const MAX_RECORD = 5 + (1 << 14) + 1 + 16; // header + TLSInnerPlaintext (content + type) + AEAD tag

/** n bytes with a pattern that shows misordered or lost records. */
function payload(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8) + seed) & 0xff;
  return out;
}

/** Writes `data` on `from`, checks it left as records of at most 2^14 bytes each, delivers them to `to`. */
function send(pair: Pair, from: Connection, to: Connection, data: Uint8Array): number {
  from.write(data);
  const out = from.takeOutput();
  for (const chunk of out) {
    assert.ok(chunk.length <= MAX_RECORD, `record of ${chunk.length} bytes`);
    to.receive(chunk);
  }
  pair.run();
  return readRecords(out).length;
}

for (const suite of SUITES) {
  describe(`pair handshake with ${cipherSuiteName(suite)}`, () => {
    for (const group of GROUPS) {
      for (const cert of CERTIFICATES) {
        test(`${groupName(group)} and ${schemeName(cert.scheme)}: both sides agree, data flows both ways, close_notify arrives`, () => {
          const pki = cachedPki({ leafKeyType: cert.keyType });
          const pair = makePair(
            clientFor(pki, {
              cipherSuites: [suite],
              groups: [group],
              keyShareGroups: [group],
              ...(cert.pinScheme ? { signatureSchemes: [cert.scheme] } : {}),
            }),
            serverFor(pki, { groups: [group] }),
          );
          assert.equal(failure(pair.clientEvents), undefined, failure(pair.clientEvents)?.message);
          assert.equal(failure(pair.serverEvents), undefined, failure(pair.serverEvents)?.message);
          const c = pair.client.handshakeInfo;
          const s = pair.server.handshakeInfo;
          assert.ok(c && s, 'both sides completed');
          for (const info of [c, s]) {
            assert.equal(cipherSuiteName(info.cipherSuite), cipherSuiteName(suite));
            assert.equal(groupName(info.group), groupName(group));
            assert.equal(schemeName(info.signatureScheme), schemeName(cert.scheme));
            assert.equal(info.version, 'TLSv1.3');
            assert.equal(info.helloRetryRequest, false);
          }
          assert.equal(c.authorized, true);
          assert.equal(c.peerCertificates[0]?.fingerprint256, parse(pki.leaf).fingerprint256);
          assert.equal(c.verifiedChain.length, 3, 'leaf, intermediate, root');

          // Small messages both ways.
          send(pair, pair.client, pair.server, new TextEncoder().encode('ping'));
          send(pair, pair.server, pair.client, new TextEncoder().encode('pong'));
          assert.equal(receivedBytes(pair.serverEvents).toString(), 'ping');
          assert.equal(receivedBytes(pair.clientEvents).toString(), 'pong');

          // 100 KB each way: 6 full records and one of 4 KiB.
          const up = payload(100 * 1024, 1);
          const down = payload(100 * 1024, 2);
          assert.equal(send(pair, pair.client, pair.server, up), 7);
          assert.equal(send(pair, pair.server, pair.client, down), 7);
          assert.deepEqual(receivedBytes(pair.serverEvents).subarray(4), Buffer.from(up));
          assert.deepEqual(receivedBytes(pair.clientEvents).subarray(4), Buffer.from(down));

          // close_notify from the client: the server sees peer-closed and can still answer.
          pair.client.close();
          pair.run();
          assert.ok(has(pair.serverEvents, 'peer-closed'));
          assert.equal(pair.server.peerClosed, true);
          send(pair, pair.server, pair.client, new TextEncoder().encode('bye'));
          assert.match(receivedBytes(pair.clientEvents).toString('latin1'), /bye$/);
          pair.server.close();
          pair.run();
          assert.ok(has(pair.clientEvents, 'peer-closed'));
          assert.equal(pair.client.peerClosed, true);
          assert.equal(pair.client.open, false);
          assert.equal(pair.server.open, false);
          assert.equal(failure(pair.clientEvents), undefined);
          assert.equal(failure(pair.serverEvents), undefined);
        });
      }
    }
  });
}
