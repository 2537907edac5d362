import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { GROUPS } from '../../src/crypto/groups.js';
import { nodeProvider, verifyingKey } from '../../src/crypto/node.js';
import type { AeadName } from '../../src/crypto/provider.js';
import { schemeInfo } from '../../src/crypto/schemes.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription, NamedGroup, SignatureScheme } from '../../src/wire/codes.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const isIllegalParameter = (e: unknown) => e instanceof TLSError && e.alert === AlertDescription.illegal_parameter;

describe('node provider: key shares', () => {
  for (const group of GROUPS) {
    it(`${group.name}: both sides agree, public value is ${group.publicLength} bytes`, () => {
      assert.ok(p.supportsGroup(group.id));
      const a = p.generateKeyShare(group.id)!;
      const b = p.generateKeyShare(group.id)!;
      assert.equal(a.group, group.id);
      assert.equal(a.publicKey.length, group.publicLength);
      const ab = a.agree(b.publicKey);
      assert.equal(hex(ab), hex(b.agree(a.publicKey)));
      assert.notEqual(hex(ab), hex(a.agree(p.generateKeyShare(group.id)!.publicKey)));
    });
  }

  it('unsupported groups give no key share', () => {
    assert.equal(p.supportsGroup(NamedGroup.x448), false);
    assert.equal(p.generateKeyShare(NamedGroup.x448), undefined);
    assert.equal(p.generateKeyShare(0x0103), undefined); // ffdhe6144: not offered here
  });

  it('X25519 rejects the all-zero point and other low-order points (RFC 7748 §6.1) with illegal_parameter', () => {
    const share = p.generateKeyShare(NamedGroup.x25519)!;
    const lowOrder = [
      new Uint8Array(32),
      Uint8Array.of(1, ...new Uint8Array(31)),
      // A point of order 8 (from libsodium's list of low-order Curve25519 points).
      Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
    ];
    for (const point of lowOrder) assert.throws(() => share.agree(point), isIllegalParameter, hex(point));
  });

  it('X25519 rejects a wrong-length value', () => {
    const share = p.generateKeyShare(NamedGroup.x25519)!;
    const good = p.generateKeyShare(NamedGroup.x25519)!.publicKey;
    assert.throws(() => share.agree(good.subarray(0, 31)), isIllegalParameter);
    assert.throws(() => share.agree(Uint8Array.of(...good, 0)), isIllegalParameter);
    assert.throws(() => share.agree(new Uint8Array(0)), isIllegalParameter);
  });

  for (const [name, group] of [
    ['secp256r1', NamedGroup.secp256r1],
    ['secp384r1', NamedGroup.secp384r1],
  ] as const) {
    it(`${name} rejects off-curve, compressed, infinity and wrong-length points with illegal_parameter`, () => {
      const share = p.generateKeyShare(group)!;
      const good = p.generateKeyShare(group)!.publicKey;
      const coord = (good.length - 1) / 2;

      const offCurve = good.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      assert.throws(() => share.agree(offCurve), isIllegalParameter, 'point not on the curve');

      // RFC 8446 §4.2.8.2: only the uncompressed form.
      const compressed = Uint8Array.of(2 + (good[good.length - 1]! & 1), ...good.subarray(1, 1 + coord));
      assert.throws(() => share.agree(compressed), isIllegalParameter, 'compressed point');
      const wrongPrefix = good.slice();
      wrongPrefix[0] = 0x06; // hybrid form, right length
      assert.throws(() => share.agree(wrongPrefix), isIllegalParameter, 'hybrid point');

      const infinity = new Uint8Array(good.length);
      infinity[0] = 4;
      assert.throws(() => share.agree(infinity), isIllegalParameter, 'all-zero coordinates');
      assert.throws(() => share.agree(Uint8Array.of(0)), isIllegalParameter, 'point at infinity encoding');
      assert.throws(() => share.agree(good.subarray(0, good.length - 1)), isIllegalParameter, 'short');
      assert.throws(() => share.agree(Uint8Array.of(...good, 0)), isIllegalParameter, 'long');

      // The share still works after rejecting garbage.
      assert.equal(share.agree(good).length, coord);
    });
  }

  it('keyShareFromPrivate reproduces X25519 RFC 7748 §6.1 (Alice/Bob)', () => {
    const alice = p.keyShareFromPrivate(NamedGroup.x25519, Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'))!;
    const bobPublic = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex');
    assert.equal(hex(alice.publicKey), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(hex(alice.agree(bobPublic)), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('soak: 20k X25519 generate + agree pairs finish (DESIGN.md §6 JWK-export deadlock)', () => {
    for (let i = 0; i < 20_000; i++) {
      const a = p.generateKeyShare(NamedGroup.x25519)!;
      const b = p.generateKeyShare(NamedGroup.x25519)!;
      const s = a.agree(b.publicKey);
      if (s.length !== 32 || s[0] !== b.agree(a.publicKey)[0]) assert.fail(`iteration ${i}: shares disagree`);
    }
  });
});

describe('node provider: AEAD', () => {
  const cases: [AeadName, number][] = [
    ['aes-128-gcm', 16],
    ['aes-256-gcm', 32],
    ['chacha20-poly1305', 32],
  ];
  for (const [alg, keyLength] of cases) {
    it(`${alg}: round trip, and any tampering fails to open`, () => {
      const aead = p.createAead(alg, p.randomBytes(keyLength));
      const nonce = p.randomBytes(12);
      const aad = Uint8Array.of(0x17, 0x03, 0x03, 0x00, 0x30);
      const plaintext = new TextEncoder().encode('thirty-two bytes of plaintext!!!');
      const sealed = aead.seal(nonce, aad, plaintext);
      assert.equal(sealed.length, plaintext.length + 16);
      assert.equal(hex(aead.open(nonce, aad, sealed)!), hex(plaintext));

      for (const at of [0, plaintext.length - 1, plaintext.length, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[at]! ^= 0x80;
        assert.equal(aead.open(nonce, aad, bad), null, `byte ${at} flipped`);
      }
      const badAad = aad.slice();
      badAad[4]! ^= 1;
      assert.equal(aead.open(nonce, badAad, sealed), null, 'aad changed');
      const badNonce = nonce.slice();
      badNonce[11]! ^= 1;
      assert.equal(aead.open(badNonce, aad, sealed), null, 'nonce changed');
      assert.equal(aead.open(nonce, aad, sealed.subarray(0, 15)), null, 'shorter than the tag');
      assert.equal(p.createAead(alg, p.randomBytes(keyLength)).open(nonce, aad, sealed), null, 'other key');

      const empty = aead.seal(nonce, aad, new Uint8Array(0));
      assert.equal(empty.length, 16);
      assert.equal(aead.open(nonce, aad, empty)!.length, 0);
    });
  }

  it('AES-128-GCM matches a known answer (RFC 8448 §3 client close_notify)', () => {
    // Key/IV of the client application keys; sequence 1 → nonce = iv XOR 1.
    const aead = p.createAead('aes-128-gcm', Buffer.from('17422dda596ed5d9acd890e3c63f5051', 'hex'));
    const sealed = aead.seal(Buffer.from('5b78923dee08579033e523d8', 'hex'), Buffer.from('1703030013', 'hex'), Uint8Array.of(1, 0, 21));
    assert.equal(hex(sealed), 'c9872760655666b74d7ff1153efd6db6d0b0e3');
  });
});

describe('node provider: signatures', () => {
  interface TestKey {
    privatePem: string;
    publicKey: KeyObject;
  }
  const keys = new Map<string, TestKey>();
  const spki = { type: 'spki', format: 'pem' } as const;
  const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
  function generate(kind: string, curve: string | undefined): { publicKey: string; privateKey: string } {
    switch (kind) {
      case 'ec':
        return generateKeyPairSync('ec', { namedCurve: curve!, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
      case 'rsa':
        return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
      case 'rsa-pss':
        return generateKeyPairSync('rsa-pss', { modulusLength: 2048, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
      case 'ed25519':
        return generateKeyPairSync('ed25519', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
      case 'ed448':
        return generateKeyPairSync('ed448', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
      default:
        throw new Error(`no generator for ${kind}`);
    }
  }
  function keyFor(kind: string, curve?: string): TestKey {
    const id = `${kind}/${curve ?? ''}`;
    const cached = keys.get(id);
    if (cached) return cached;
    const pair = generate(kind, curve);
    const key = { privatePem: pair.privateKey, publicKey: createPublicKey(pair.publicKey) };
    keys.set(id, key);
    return key;
  }
  const NODE_CURVE: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

  const schemes = Object.entries(SignatureScheme).filter(([, id]) => schemeInfo(id) !== undefined);
  it('covers every scheme in schemes.ts', () => assert.equal(schemes.length, 14));

  for (const [name, id] of schemes) {
    it(`${name}: a generated key signs and verifies; other data does not verify`, () => {
      const info = schemeInfo(id)!;
      const kind = info.keyKinds[0]!;
      const { privatePem, publicKey } = keyFor(kind, info.curve ? NODE_CURVE[info.curve] : undefined);
      const signer = p.loadPrivateKey(privatePem);
      assert.equal(signer.kind, kind);
      if (info.curve) assert.equal(signer.curve, info.curve);
      const data = new TextEncoder().encode(`signed content for ${name}`);
      const signature = signer.sign(id, data);
      const verifier = verifyingKey(publicKey);
      assert.ok(verifier.verify(id, data, signature));
      assert.ok(!verifier.verify(id, new TextEncoder().encode('other content'), signature));
      const flipped = signature.slice();
      flipped[flipped.length >> 1]! ^= 1;
      assert.ok(!verifier.verify(id, data, flipped));
    });
  }

  it('ecdsa_secp384r1_sha384 with a P-256 key: verify is false, sign refuses', () => {
    const { privatePem, publicKey } = keyFor('ec', 'prime256v1');
    const data = new TextEncoder().encode('curve binding, RFC 8446 §4.2.3');
    // A genuine SHA-384 ECDSA signature by the P-256 key: only the scheme/curve binding rejects it.
    const sig = new Uint8Array(nodeSign('sha384', data, { key: privatePem, dsaEncoding: 'der' }));
    assert.equal(verifyingKey(publicKey).verify(SignatureScheme.ecdsa_secp384r1_sha384, data, sig), false);
    assert.throws(
      () => p.loadPrivateKey(privatePem).sign(SignatureScheme.ecdsa_secp384r1_sha384, data),
      (e: unknown) => e instanceof TLSError && e.alert === AlertDescription.internal_error,
    );
  });

  it('key type mismatches verify false: rsa_pss_rsae with an RSASSA-PSS key, rsa_pss_pss with an rsaEncryption key, ed25519 with EC', () => {
    const data = new TextEncoder().encode('mismatch');
    const rsa = keyFor('rsa');
    const pss = keyFor('rsa-pss');
    const pssSig = p.loadPrivateKey(pss.privatePem).sign(SignatureScheme.rsa_pss_pss_sha256, data);
    assert.equal(verifyingKey(pss.publicKey).verify(SignatureScheme.rsa_pss_rsae_sha256, data, pssSig), false);
    const rsaSig = p.loadPrivateKey(rsa.privatePem).sign(SignatureScheme.rsa_pss_rsae_sha256, data);
    assert.equal(verifyingKey(rsa.publicKey).verify(SignatureScheme.rsa_pss_pss_sha256, data, rsaSig), false);
    const ec = keyFor('ec', 'prime256v1');
    const ecSig = p.loadPrivateKey(ec.privatePem).sign(SignatureScheme.ecdsa_secp256r1_sha256, data);
    assert.equal(verifyingKey(ec.publicKey).verify(SignatureScheme.ed25519, data, ecSig), false);
    assert.equal(verifyingKey(ec.publicKey).verify(0xfefe, data, ecSig), false, 'unknown scheme');
  });
});

describe('node provider: hashing and the rest', () => {
  it('incremental hash peeks without finishing and copies independently', () => {
    const h = p.createHash('sha384');
    h.update(Uint8Array.of(1, 2));
    const copy = h.copy();
    h.update(Uint8Array.of(3));
    assert.equal(hex(h.peek()), createHash('sha384').update(Uint8Array.of(1, 2, 3)).digest('hex'));
    assert.equal(hex(h.peek()), hex(p.hash('sha384', Uint8Array.of(1, 2, 3))));
    assert.equal(hex(copy.peek()), hex(p.hash('sha384', Uint8Array.of(1, 2))));
  });

  it('HMAC-SHA-256 matches RFC 4231 test case 2', () => {
    const mac = p.hmac('sha256', new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'));
    assert.equal(hex(mac), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('equal compares in constant time and is false for different lengths', () => {
    assert.ok(p.equal(Uint8Array.of(1, 2), Uint8Array.of(1, 2)));
    assert.ok(!p.equal(Uint8Array.of(1, 2), Uint8Array.of(1, 3)));
    assert.ok(!p.equal(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3)));
  });

  it('randomBytes gives the asked length and fresh values', () => {
    assert.equal(p.randomBytes(0).length, 0);
    assert.notEqual(hex(p.randomBytes(32)), hex(p.randomBytes(32)));
  });
});
