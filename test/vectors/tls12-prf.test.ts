// The TLS 1.2 PRF (RFC 5246 §5) and what is derived with it. Known answers are the SHA-256 and
// SHA-384 vectors posted to the IETF TLS list (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html)
// and carried in many libraries' tests; everything else is checked against a second P_hash written
// here straight from the RFC's definition on node:crypto's createHmac. keyBlock and Finished are
// checked against OpenSSL itself, per suite, in test/crypto/tls12-suites.test.ts.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { nodeProvider } from '../../src/crypto/node.js';
import type { HashName } from '../../src/crypto/provider.js';
import { TLS12_SUITES, Tls12CipherSuite, tls12Suite } from '../../src/crypto/suites.js';
import { TLSError } from '../../src/errors.js';
import { keyBlock, keyBlockLength } from '../../src/tls12/keys.js';
import {
  MAX_EXPORTER_CONTEXT,
  MAX_PRF_OUTPUT,
  RESERVED_EXPORTER_LABELS,
  exportKeyingMaterial,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  prf,
} from '../../src/tls12/prf.js';
import { AlertDescription } from '../../src/wire/codes.js';
import { runs } from '../helpers/fuzz.js';
import { hexBytes, toHex } from '../wire/helpers.js';

const p = nodeProvider;

/** RFC 5246 §5, written independently of src/: A(i) chained, each block HMAC(secret, A(i) + label + seed). */
function referencePrf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const blocks: Buffer[] = [];
  let produced = 0;
  let a: Buffer = labelSeed;
  while (produced < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    blocks.push(block);
    produced += block.length;
  }
  return new Uint8Array(Buffer.concat(blocks).subarray(0, length));
}

const isInternalError = (e: unknown): boolean => e instanceof TLSError && e.alert === AlertDescription.internal_error;

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const CLIENT_RANDOM = hexBytes('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
const SERVER_RANDOM = hexBytes('ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100');
const MASTER = bytes(48, 0x5a);

describe('TLS 1.2 PRF known answers (IETF TLS list, msg03416)', () => {
  it('P_SHA256: 100 bytes', () => {
    const out = prf(p, 'sha256', hexBytes('9bbe436ba940f017b17652849a71db35'), 'test label', hexBytes('a0ba9f936cda311827a6f796ffd5198c'), 100);
    assert.equal(
      toHex(out),
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a' +
        '6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
        '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701' +
        '87347b66',
    );
  });

  it('P_SHA384: 148 bytes', () => {
    const out = prf(p, 'sha384', hexBytes('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hexBytes('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    assert.equal(
      toHex(out),
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd' +
        'e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
        '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425' +
        '9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
        '91c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });
});

describe('TLS 1.2 PRF', () => {
  it('matches an independent P_hash for any hash, secret, label, seed and length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HashName>('sha256', 'sha384', 'sha512'),
        fc.uint8Array({ maxLength: 80 }),
        fc.stringMatching(/^[ -~]{0,24}$/),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat({ max: 300 }),
        (hash, secret, label, seed, length) => {
          assert.deepEqual(prf(p, hash, secret, label, seed, length), referencePrf(hash, secret, label, seed, length));
        },
      ),
      runs(200),
    );
  });

  it('a shorter output is a prefix of a longer one, across block boundaries', () => {
    const secret = bytes(16, 1);
    const long = prf(p, 'sha256', secret, 'key expansion', bytes(64, 2), 97);
    for (const n of [0, 1, 31, 32, 33, 64, 65, 96]) {
      assert.deepEqual(prf(p, 'sha256', secret, 'key expansion', bytes(64, 2), n), long.subarray(0, n), `length ${n}`);
    }
  });

  it('returns the whole uint16 range and refuses lengths outside it', () => {
    assert.equal(prf(p, 'sha256', bytes(4, 1), 'x', new Uint8Array(0), 0).length, 0);
    assert.equal(prf(p, 'sha384', bytes(4, 1), 'x', new Uint8Array(0), MAX_PRF_OUTPUT).length, MAX_PRF_OUTPUT);
    for (const bad of [-1, 1.5, Number.NaN, MAX_PRF_OUTPUT + 1]) {
      assert.throws(() => prf(p, 'sha256', bytes(4, 1), 'x', new Uint8Array(0), bad), isInternalError, `length ${bad}`);
    }
  });

  it('refuses a label that is not printable ASCII (RFC 5705 §6)', () => {
    for (const label of ['caf\u00e9', 'tab\there', 'nul\u0000', '\u{1f511}']) {
      assert.throws(() => prf(p, 'sha256', bytes(4, 1), label, new Uint8Array(0), 12), isInternalError, JSON.stringify(label));
    }
  });
});

describe('master secret', () => {
  const premaster = bytes(48, 0x03);
  const sessionHash = bytes(32, 0x77);

  it('RFC 5246 §8.1: PRF(premaster, "master secret", client_random + server_random)[0..47]', () => {
    const ms = masterSecret(p, 'sha256', premaster, CLIENT_RANDOM, SERVER_RANDOM);
    assert.equal(ms.length, 48);
    assert.deepEqual(ms, referencePrf('sha256', premaster, 'master secret', Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM]), 48));
  });

  it('RFC 7627 §4: PRF(premaster, "extended master secret", session_hash)[0..47]', () => {
    const ems = extendedMasterSecret(p, 'sha256', premaster, sessionHash);
    assert.equal(ems.length, 48);
    assert.deepEqual(ems, referencePrf('sha256', premaster, 'extended master secret', sessionHash, 48));
    const ems384 = extendedMasterSecret(p, 'sha384', premaster, bytes(48, 0x77));
    assert.deepEqual(ems384, referencePrf('sha384', premaster, 'extended master secret', bytes(48, 0x77), 48));
  });

  it('extended and plain master secrets from one premaster differ', () => {
    for (const hash of ['sha256', 'sha384'] as const) {
      const plain = masterSecret(p, hash, premaster, CLIENT_RANDOM, SERVER_RANDOM);
      const extended = extendedMasterSecret(p, hash, premaster, p.hash(hash, Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM])));
      assert.notDeepEqual(plain, extended, hash);
    }
  });

  it('the randoms are ordered client first: swapping them changes the secret', () => {
    assert.notDeepEqual(masterSecret(p, 'sha256', premaster, CLIENT_RANDOM, SERVER_RANDOM), masterSecret(p, 'sha256', premaster, SERVER_RANDOM, CLIENT_RANDOM));
  });

  it('refuses randoms that are not 32 bytes and a session hash of the wrong hash', () => {
    assert.throws(() => masterSecret(p, 'sha256', premaster, bytes(31, 0), SERVER_RANDOM), isInternalError);
    assert.throws(() => masterSecret(p, 'sha256', premaster, CLIENT_RANDOM, bytes(33, 0)), isInternalError);
    assert.throws(() => extendedMasterSecret(p, 'sha384', premaster, sessionHash), isInternalError);
    assert.throws(() => extendedMasterSecret(p, 'sha256', premaster, bytes(48, 0)), isInternalError);
  });
});

describe('Finished verify_data (RFC 5246 §7.4.9)', () => {
  it('is 12 bytes of PRF(master, "client finished" | "server finished", handshake hash)', () => {
    for (const hash of ['sha256', 'sha384'] as const) {
      const th = bytes(hash === 'sha256' ? 32 : 48, 0x42);
      const client = finishedVerifyData(p, hash, MASTER, 'client', th);
      const server = finishedVerifyData(p, hash, MASTER, 'server', th);
      assert.equal(client.length, 12);
      assert.equal(server.length, 12);
      assert.deepEqual(client, referencePrf(hash, MASTER, 'client finished', th, 12));
      assert.deepEqual(server, referencePrf(hash, MASTER, 'server finished', th, 12));
      assert.notDeepEqual(client, server);
    }
  });

  it('refuses a handshake hash of the wrong length and a master secret that is not 48 bytes', () => {
    assert.throws(() => finishedVerifyData(p, 'sha384', MASTER, 'client', bytes(32, 0)), isInternalError);
    assert.throws(() => finishedVerifyData(p, 'sha256', bytes(32, 0), 'server', bytes(32, 0)), isInternalError);
  });
});

describe('exporter (RFC 5705 §4)', () => {
  const randoms = Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM]);

  it('without a context: PRF(master, label, client_random + server_random)', () => {
    const ekm = exportKeyingMaterial(p, 'sha256', MASTER, CLIENT_RANDOM, SERVER_RANDOM, 'EXPERIMENTAL test', undefined, 40);
    assert.deepEqual(ekm, referencePrf('sha256', MASTER, 'EXPERIMENTAL test', randoms, 40));
  });

  it('with a context: the seed adds a uint16 length and the context', () => {
    const context = hexBytes('0102030405');
    const ekm = exportKeyingMaterial(p, 'sha384', MASTER, CLIENT_RANDOM, SERVER_RANDOM, 'EXPERIMENTAL test', context, 64);
    assert.deepEqual(ekm, referencePrf('sha384', MASTER, 'EXPERIMENTAL test', Buffer.concat([randoms, hexBytes('0005'), context]), 64));
    const big = bytes(300, 0xc3);
    const ekmBig = exportKeyingMaterial(p, 'sha256', MASTER, CLIENT_RANDOM, SERVER_RANDOM, 'EXPERIMENTAL test', big, 32);
    assert.deepEqual(ekmBig, referencePrf('sha256', MASTER, 'EXPERIMENTAL test', Buffer.concat([randoms, hexBytes('012c'), big]), 32));
  });

  it('absent, empty and non-empty contexts all give different output (unlike TLS 1.3)', () => {
    const run = (context: Uint8Array | undefined) => toHex(exportKeyingMaterial(p, 'sha256', MASTER, CLIENT_RANDOM, SERVER_RANDOM, 'EXPERIMENTAL x', context, 32));
    const outputs = new Set([run(undefined), run(new Uint8Array(0)), run(Uint8Array.of(0))]);
    assert.equal(outputs.size, 3);
  });

  it('refuses the labels reserved for TLS itself', () => {
    for (const label of ['client finished', 'server finished', 'master secret', 'extended master secret', 'key expansion']) {
      assert.ok(RESERVED_EXPORTER_LABELS.has(label));
      assert.throws(() => exportKeyingMaterial(p, 'sha256', MASTER, CLIENT_RANDOM, SERVER_RANDOM, label, undefined, 32), isInternalError, label);
    }
  });

  it('refuses a context longer than a uint16 can count', () => {
    const run = (n: number) => exportKeyingMaterial(p, 'sha256', MASTER, CLIENT_RANDOM, SERVER_RANDOM, 'EXPERIMENTAL x', new Uint8Array(n), 16);
    assert.equal(run(MAX_EXPORTER_CONTEXT).length, 16);
    assert.throws(() => run(MAX_EXPORTER_CONTEXT + 1), isInternalError);
  });
});

describe('key block (RFC 5246 §6.3)', () => {
  /** [MAC key, enc key, fixed IV] per direction, by suite shape. */
  const expected: Array<[number, [number, number, number]]> = [
    [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, [0, 16, 4]],
    [Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, [0, 32, 4]],
    [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, [0, 32, 12]],
    [Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, [20, 16, 0]],
    [Tls12CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA, [20, 32, 0]],
    [Tls12CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, [32, 16, 0]],
    [Tls12CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256, [32, 32, 0]],
    [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, [48, 32, 0]],
  ];

  for (const [id, [mac, key, iv]] of expected) {
    const suite = tls12Suite(id)!;
    it(`${suite.name}: MAC key ${mac}, key ${key}, IV ${iv}`, () => {
      const kb = keyBlock(p, suite, MASTER, CLIENT_RANDOM, SERVER_RANDOM);
      for (const side of [kb.client, kb.server]) {
        assert.equal(side.macKey.length, mac);
        assert.equal(side.key.length, key);
        assert.equal(side.iv.length, iv);
      }
      assert.equal(keyBlockLength(suite), 2 * (mac + key + iv));
    });
  }

  it('every suite: the partition is client MAC, server MAC, client key, server key, client IV, server IV of PRF(master, "key expansion", server_random + client_random)', () => {
    for (const suite of TLS12_SUITES) {
      const kb = keyBlock(p, suite, MASTER, CLIENT_RANDOM, SERVER_RANDOM);
      const joined = Buffer.concat([kb.client.macKey, kb.server.macKey, kb.client.key, kb.server.key, kb.client.iv, kb.server.iv]);
      const reference = referencePrf(suite.prfHash, MASTER, 'key expansion', Buffer.concat([SERVER_RANDOM, CLIENT_RANDOM]), keyBlockLength(suite));
      assert.deepEqual(new Uint8Array(joined), reference, suite.name);
    }
  });

  it('the keys are independent copies, not views of one buffer', () => {
    const kb = keyBlock(p, tls12Suite(Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA)!, MASTER, CLIENT_RANDOM, SERVER_RANDOM);
    const before = toHex(kb.server.macKey);
    kb.client.macKey.fill(0);
    assert.equal(toHex(kb.server.macKey), before);
    assert.equal(kb.client.key.byteOffset, 0);
  });

  it('refuses a master secret that is not 48 bytes and randoms that are not 32', () => {
    const suite = TLS12_SUITES[0]!;
    assert.throws(() => keyBlock(p, suite, bytes(32, 0), CLIENT_RANDOM, SERVER_RANDOM), isInternalError);
    assert.throws(() => keyBlock(p, suite, MASTER, bytes(28, 0), SERVER_RANDOM), isInternalError);
  });
});
