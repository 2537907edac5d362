import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, publicEncrypt, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import { nodeProvider, verifyingKey } from '../../src/crypto/node.js';
import type { CryptoProvider, SigningKey } from '../../src/crypto/provider.js';
import { generateSelfSigned } from '../../src/node/certs.js';
import { TLSError } from '../../src/errors.js';
import {
  RSA_PREMASTER_LENGTH,
  rsaClientKeyExchange,
  rsaClientPremaster,
  rsaDecryptPremaster,
  rsaEncryptPremaster,
} from '../../src/tls12/key-exchange.js';
import { AlertDescription } from '../../src/wire/codes.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const alertOf = (alert: AlertDescription) => (e: unknown) => e instanceof TLSError && e.alert === alert;
const TLS12 = 0x0303;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const serverKey: SigningKey = p.loadPrivateKey(privatePem);
const serverPublic = verifyingKey(rsa.publicKey);
const K = 256;

/** The node provider, whose randomBytes is recorded so a test can see which premaster came back. */
function recording(): { provider: CryptoProvider; draws: Uint8Array[] } {
  const draws: Uint8Array[] = [];
  const provider: CryptoProvider = {
    ...p,
    randomBytes(n) {
      const value = p.randomBytes(n);
      draws.push(value);
      return value;
    },
  };
  return { provider, draws };
}

/** A raw RSA encryption of `block` (k bytes, below the modulus): a ciphertext of any padding we like. */
const rawEncrypt = (block: Uint8Array, key: KeyObject = rsa.publicKey) =>
  Uint8Array.from(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block));

/** 0x00 0x02 PS 0x00 M, built by hand with a PS of non-zero bytes. */
function encryptionBlock(message: Uint8Array, k = K): Uint8Array {
  const block = new Uint8Array(k);
  block[1] = 2;
  const psLength = k - 3 - message.length;
  for (let i = 0; i < psLength; i++) block[2 + i] = 1 + ((i * 37) % 255);
  block.set(message, 3 + psLength);
  return block;
}

const premasterWith = (version: number) => {
  const m = new Uint8Array(RSA_PREMASTER_LENGTH).map((_, i) => (i * 7 + 3) & 0xff);
  m[0] = version >> 8;
  m[1] = version & 0xff;
  return m;
};

/** Asserts the decryption fell back to R: 48 bytes, exactly the one random draw, not the message. */
function assertFallsBackToRandom(encrypted: Uint8Array, message?: Uint8Array, clientVersion = TLS12): Uint8Array {
  const { provider, draws } = recording();
  const out = rsaDecryptPremaster(provider, serverKey, encrypted, clientVersion);
  assert.equal(out.length, RSA_PREMASTER_LENGTH);
  assert.equal(draws.length, 1, 'one draw of R, whatever the ciphertext');
  assert.equal(hex(out), hex(draws[0]!));
  if (message) assert.notEqual(hex(out), hex(message));
  return out;
}

describe('RSA key exchange: capabilities of the keys', () => {
  it('RSA certificate keys can encrypt, RSA private keys can decrypt raw; other kinds cannot', () => {
    const rsaCert = generateSelfSigned({ keyType: 'rsa-2048' });
    const ecCert = generateSelfSigned({ keyType: 'ecdsa-p256' });
    assert.equal(typeof p.parseCertificate(rsaCert.der).publicKey.encryptPkcs1v15, 'function');
    assert.equal(typeof p.loadPrivateKey(rsaCert.keyPem).decryptRaw, 'function');
    assert.equal(p.parseCertificate(ecCert.der).publicKey.encryptPkcs1v15, undefined);
    assert.equal(p.loadPrivateKey(ecCert.keyPem).decryptRaw, undefined);
    // The deterministic provider's key wrapper keeps the capability.
    assert.equal(typeof createDeterministicProvider().loadPrivateKey(rsaCert.keyPem).decryptRaw, 'function');
  });

  it('decryptRaw is the modulus length, leading zeros included', () => {
    const block = encryptionBlock(premasterWith(TLS12));
    const raw = serverKey.decryptRaw!(rawEncrypt(block));
    assert.equal(raw.length, K);
    assert.equal(hex(raw), hex(block));
  });

  it('a certificate with a non-RSA key cannot carry RSA key exchange: unsupported_certificate', () => {
    const ecCert = generateSelfSigned({ keyType: 'ecdsa-p256' });
    const ecPublic = p.parseCertificate(ecCert.der).publicKey;
    assert.throws(() => rsaEncryptPremaster(ecPublic, rsaClientPremaster(p, TLS12)), alertOf(AlertDescription.unsupported_certificate));
    const ecKey = p.loadPrivateKey(ecCert.keyPem);
    assert.throws(() => rsaDecryptPremaster(p, ecKey, new Uint8Array(K), TLS12), alertOf(AlertDescription.internal_error));
  });
});

describe('RSA key exchange: round trip (RFC 5246 §7.4.7.1)', () => {
  it('the client premaster is client_version || 46 random bytes', () => {
    const a = rsaClientPremaster(p, TLS12);
    const b = rsaClientPremaster(p, TLS12);
    assert.equal(a.length, 48);
    assert.deepEqual([a[0], a[1]], [3, 3]);
    assert.notEqual(hex(a), hex(b));
  });

  it('encrypt with our function, decrypt with the countermeasure: the same premaster', () => {
    const rsaCert = generateSelfSigned({ keyType: 'rsa-2048' });
    const certKey = p.parseCertificate(rsaCert.der).publicKey;
    const key = p.loadPrivateKey(rsaCert.keyPem);
    const { premaster, encrypted } = rsaClientKeyExchange(p, certKey, TLS12);
    assert.equal(encrypted.length, 256);
    assert.equal(hex(rsaDecryptPremaster(p, key, encrypted, TLS12)), hex(premaster));
  });

  it('decrypts what an independent encryptor (node:crypto publicEncrypt, PKCS#1 v1.5) produced', () => {
    const premaster = rsaClientPremaster(p, TLS12);
    const encrypted = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, premaster);
    assert.equal(hex(rsaDecryptPremaster(p, serverKey, encrypted, TLS12)), hex(premaster));
  });

  it('our encryption is PKCS#1 v1.5: a well-formed block once decrypted raw', () => {
    const premaster = rsaClientPremaster(p, TLS12);
    const block = serverKey.decryptRaw!(rsaEncryptPremaster(serverPublic, premaster));
    assert.deepEqual([block[0], block[1]], [0, 2]);
    const separator = K - 49;
    assert.ok(block.subarray(2, separator).every((b) => b !== 0));
    assert.equal(block[separator], 0);
    assert.equal(hex(block.subarray(separator + 1)), hex(premaster));
  });

  it('round trip for random premasters and key sizes (property)', () => {
    const keys = [1024, 3072].map((bits) => {
      const pair = generateKeyPairSync('rsa', { modulusLength: bits });
      return { pub: verifyingKey(pair.publicKey), key: p.loadPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string) };
    });
    keys.push({ pub: serverPublic, key: serverKey });
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.uint8Array({ minLength: 46, maxLength: 46 }), fc.integer({ min: 0, max: 0xffff }), (k, rest, version) => {
        const premaster = Uint8Array.of(version >> 8, version & 0xff, ...rest);
        const encrypted = rsaEncryptPremaster(k.pub, premaster);
        assert.equal(hex(rsaDecryptPremaster(p, k.key, encrypted, version)), hex(premaster));
      }),
      { numRuns: 40 },
    );
  });
});

describe('RSA key exchange: the countermeasure never fails, it substitutes R', () => {
  const message = premasterWith(TLS12);

  it('a well-formed block built by hand is accepted (the construction below is sound)', () => {
    const { provider, draws } = recording();
    const out = rsaDecryptPremaster(provider, serverKey, rawEncrypt(encryptionBlock(message)), TLS12);
    assert.equal(hex(out), hex(message));
    assert.equal(draws.length, 1, 'R is drawn even when it is not used');
  });

  it('a tampered ciphertext gives a random premaster, different on each call', () => {
    const encrypted = rsaEncryptPremaster(serverPublic, message);
    const tampered = encrypted.slice();
    tampered[100]! ^= 0x01;
    const a = assertFallsBackToRandom(tampered, message);
    const b = assertFallsBackToRandom(tampered, message);
    assert.notEqual(hex(a), hex(b));
  });

  it('wrong version bytes in M: random, even though the padding is right', () => {
    const encrypted = rsaEncryptPremaster(serverPublic, premasterWith(0x0301));
    assertFallsBackToRandom(encrypted, premasterWith(0x0301), TLS12);
    // And the reverse: the block carries 0x0303 but the ClientHello said 0x0302.
    assertFallsBackToRandom(rsaEncryptPremaster(serverPublic, message), message, 0x0302);
    // Each version byte counts on its own.
    assertFallsBackToRandom(rsaEncryptPremaster(serverPublic, premasterWith(0x0403)), undefined, TLS12);
    assertFallsBackToRandom(rsaEncryptPremaster(serverPublic, premasterWith(0x0304)), undefined, TLS12);
  });

  it('a short PS (a zero among its first 8 bytes) gives a random premaster', () => {
    for (let at = 2; at < 10; at++) {
      const block = encryptionBlock(message);
      block[at] = 0;
      assertFallsBackToRandom(rawEncrypt(block), message);
    }
  });

  it('a zero anywhere else in PS, or no zero separator, gives a random premaster', () => {
    const late = encryptionBlock(message);
    late[K - 50] = 0;
    assertFallsBackToRandom(rawEncrypt(late), message);
    const noSeparator = encryptionBlock(message);
    noSeparator[K - 49] = 0x55;
    assertFallsBackToRandom(rawEncrypt(noSeparator), message);
  });

  it('a message of 47 or 49 bytes, or a wrong block type, gives a random premaster', () => {
    for (const length of [0, 1, 46, 47, 49, 50]) {
      const m = new Uint8Array(length).fill(0x33);
      if (length >= 2) m.set([3, 3]);
      assertFallsBackToRandom(rawEncrypt(encryptionBlock(m)));
    }
    // A leading 0x01 stays below a 2048-bit modulus, whose top byte is at least 0x80.
    for (const [first, second] of [[0, 1], [0, 0], [0, 3], [1, 2]] as const) {
      const block = encryptionBlock(message);
      block[0] = first;
      block[1] = second;
      assertFallsBackToRandom(rawEncrypt(block), message);
    }
  });

  it('a ciphertext of the wrong length, or not below the modulus, gives a random premaster (no error)', () => {
    const encrypted = rsaEncryptPremaster(serverPublic, message);
    assertFallsBackToRandom(encrypted.subarray(1), message);
    assertFallsBackToRandom(Uint8Array.of(...encrypted, 0), message);
    assertFallsBackToRandom(Uint8Array.of(0, ...encrypted), message);
    assertFallsBackToRandom(new Uint8Array(0), message);
    assertFallsBackToRandom(new Uint8Array(K).fill(0xff), message);
  });

  it('never throws, and returns M exactly when the block is well formed (property, against a plain parser)', () => {
    /** RFC 8017 §7.2.2 step 3 written the obvious way, plus RFC 5246's |M| = 48 and version check. */
    const reference = (block: Uint8Array, version: number): Uint8Array | undefined => {
      if (block[0] !== 0 || block[1] !== 2) return undefined;
      const separator = block.indexOf(0, 2);
      if (separator < 0 || separator - 2 < 8) return undefined;
      const m = block.subarray(separator + 1);
      if (m.length !== 48 || m[0] !== version >> 8 || m[1] !== (version & 0xff)) return undefined;
      return m;
    };
    // Blocks near the valid shape, each byte of which may be spoiled.
    const block = fc
      .record({
        ps: fc.uint8Array({ minLength: K - 51, maxLength: K - 51 }).map((b) => b.map((x) => x || 1)),
        m: fc.uint8Array({ minLength: 46, maxLength: 46 }),
        version: fc.constantFrom(TLS12, 0x0301, 0x0302),
        spoil: fc.option(fc.tuple(fc.integer({ min: 1, max: K - 1 }), fc.integer({ min: 0, max: 255 })), { nil: undefined }),
      })
      .map(({ ps, m, version, spoil }) => {
        const b = new Uint8Array(K);
        b[1] = 2;
        b.set(ps, 2);
        b[K - 49] = 0;
        b.set([version >> 8, version & 0xff, ...m], K - 48);
        if (spoil) b[spoil[0]] = spoil[1];
        return b;
      });
    fc.assert(
      fc.property(block, (b) => {
        const expected = reference(b, TLS12);
        const { provider, draws } = recording();
        const out = rsaDecryptPremaster(provider, serverKey, rawEncrypt(b), TLS12);
        assert.equal(out.length, 48);
        assert.equal(hex(out), hex(expected ?? draws[0]!));
      }),
      { numRuns: 150 },
    );
  });

  it('random ciphertexts never throw and always give 48 bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: K + 2 }), (c) => {
        assert.equal(rsaDecryptPremaster(p, serverKey, c, TLS12).length, 48);
      }),
      { numRuns: 100 },
    );
  });
});
