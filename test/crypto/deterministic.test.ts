import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { TLSError } from '../../src/errors.js';
import { NamedGroup, SignatureScheme } from '../../src/wire/codes.js';
import * as rfc from '../vectors/rfc8448.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
/** A plain Error, not a TLSError: a broken test must not look like a protocol failure. */
const plainError = (pattern: RegExp) => (e: unknown) => e instanceof Error && !(e instanceof TLSError) && pattern.test(e.message);

describe('deterministic provider: randomness and clock', () => {
  it('hands out fixed values in order, one per call', () => {
    const p = createDeterministicProvider({ random: [rfc.CLIENT_RANDOM, bytes(4, 7)] });
    assert.equal(hex(p.randomBytes(32)), hex(rfc.CLIENT_RANDOM));
    assert.equal(p.remaining().random, 1);
    assert.equal(hex(p.randomBytes(4)), '07070707');
    assert.equal(p.remaining().random, 0);
  });

  it('throws a plain Error when the fixed values run out instead of going random', () => {
    const p = createDeterministicProvider({ random: [bytes(32, 1)] });
    p.randomBytes(32);
    assert.throws(() => p.randomBytes(32), plainError(/call #2 but no fixed random value is left/));
    assert.throws(() => createDeterministicProvider().randomBytes(1), plainError(/no fixed random value/));
  });

  it('throws when a fixed value has the wrong length', () => {
    const p = createDeterministicProvider({ random: [bytes(16, 1)] });
    assert.throws(() => p.randomBytes(32), plainError(/randomBytes\(32\).*16 bytes/));
  });

  it('accepts a function, and checks what it returns', () => {
    const p = createDeterministicProvider({ random: (n) => bytes(n, n) });
    assert.equal(hex(p.randomBytes(3)), '030303');
    const bad = createDeterministicProvider({ random: () => bytes(2, 0) });
    assert.throws(() => bad.randomBytes(3), plainError(/2 bytes/));
  });

  it('returns copies, so a caller cannot alter the fixed values', () => {
    const value = bytes(4, 9);
    const p = createDeterministicProvider({ random: [value] });
    p.randomBytes(4)[0] = 0;
    assert.equal(value[0], 9);
  });

  it('a seed makes the fallback a reproducible stream, used once fixed values are spent', () => {
    const a = createDeterministicProvider({ random: [bytes(2, 5)], seed: 'replay' });
    const b = createDeterministicProvider({ seed: 'replay' });
    assert.equal(hex(a.randomBytes(2)), '0505');
    const fromA = [a.randomBytes(7), a.randomBytes(40), a.randomBytes(1)].map(hex).join('');
    const fromB = [b.randomBytes(7), b.randomBytes(40), b.randomBytes(1)].map(hex).join('');
    assert.equal(fromA, fromB);
    assert.equal(fromA.length, 2 * 48);
    const c = createDeterministicProvider({ seed: 'other' });
    assert.notEqual(hex(c.randomBytes(48)), fromA);
    // The stream does not depend on how it is split into calls.
    assert.equal(hex(createDeterministicProvider({ seed: 'replay' }).randomBytes(48)), fromA);
  });

  it('fixes the clock when asked, and otherwise uses the real one', () => {
    assert.equal(createDeterministicProvider({ now: Date.UTC(2018, 0, 1) }).now(), Date.UTC(2018, 0, 1));
    // The real clock is epoch-based with sub-millisecond resolution, so it tracks Date.now() closely.
    const now = createDeterministicProvider().now();
    assert.ok(Math.abs(now - Date.now()) < 1000, `now() ${now} is far from Date.now()`);
  });
});

describe('deterministic provider: key shares', () => {
  it("replays RFC 8448's X25519 keys (map form)", () => {
    const p = createDeterministicProvider({ keyShares: new Map([[NamedGroup.x25519, [rfc.CLIENT_EPHEMERAL_PRIVATE_KEY]]]) });
    const share = p.generateKeyShare(NamedGroup.x25519)!;
    assert.equal(hex(share.publicKey), hex(rfc.CLIENT_EPHEMERAL_PUBLIC_KEY));
    assert.equal(hex(share.agree(rfc.SERVER_EPHEMERAL_PUBLIC_KEY)), hex(rfc.ECDHE_SHARED_SECRET));
    assert.equal(p.remaining().keyShares, 0);
    assert.throws(() => p.generateKeyShare(NamedGroup.x25519), plainError(/no fixed key share left for group 29/));
  });

  it('list form: consumed in order within each group', () => {
    const p = createDeterministicProvider({
      keyShares: [
        { group: NamedGroup.x25519, privateKey: rfc.SERVER_EPHEMERAL_PRIVATE_KEY },
        { group: NamedGroup.secp256r1, privateKey: bytes(32, 1) },
        { group: NamedGroup.x25519, privateKey: rfc.CLIENT_EPHEMERAL_PRIVATE_KEY },
      ],
    });
    assert.equal(p.remaining().keyShares, 3);
    const ec = p.generateKeyShare(NamedGroup.secp256r1)!;
    assert.equal(hex(ec.publicKey), hex(nodeProvider.keyShareFromPrivate(NamedGroup.secp256r1, bytes(32, 1))!.publicKey));
    assert.equal(hex(p.generateKeyShare(NamedGroup.x25519)!.publicKey), hex(rfc.SERVER_EPHEMERAL_PUBLIC_KEY));
    assert.equal(hex(p.generateKeyShare(NamedGroup.x25519)!.publicKey), hex(rfc.CLIENT_EPHEMERAL_PUBLIC_KEY));
  });

  it('without fixed keys or a seed, generateKeyShare throws rather than going random', () => {
    assert.throws(() => createDeterministicProvider().generateKeyShare(NamedGroup.x25519), plainError(/no fixed key share/));
  });

  it('unsupported groups still give undefined', () => {
    assert.equal(createDeterministicProvider({ seed: 's' }).generateKeyShare(NamedGroup.x448), undefined);
  });

  it('a seed derives reproducible key shares for every group', () => {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]) {
      const a = createDeterministicProvider({ seed: 'keys' }).generateKeyShare(group)!;
      const b = createDeterministicProvider({ seed: 'keys' }).generateKeyShare(group)!;
      assert.equal(hex(a.publicKey), hex(b.publicKey));
      const peer = nodeProvider.generateKeyShare(group)!;
      assert.equal(hex(a.agree(peer.publicKey)), hex(peer.agree(b.publicKey)));
    }
  });
});

describe('deterministic provider: signatures', () => {
  const data = new TextEncoder().encode('not the RFC 8448 CertificateVerify content');

  it('refuses a fixed signature that does not verify over the data, when the certificate is known', () => {
    const p = createDeterministicProvider({ signatures: [rfc.CERTIFICATE_VERIFY_SIGNATURE], certificates: [rfc.SERVER_CERTIFICATE_DER] });
    const key = p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8);
    assert.throws(() => key.sign(SignatureScheme.rsa_pss_rsae_sha256, data), plainError(/does not verify with CN=rsa/));
  });

  it('certificates parsed through the provider are used for the check too', () => {
    const p = createDeterministicProvider({ signatures: [rfc.CERTIFICATE_VERIFY_SIGNATURE] });
    p.parseCertificate(rfc.SERVER_CERTIFICATE_DER);
    const key = p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8);
    assert.throws(() => key.sign(SignatureScheme.rsa_pss_rsae_sha256, data), plainError(/does not verify/));
  });

  it('without a known certificate the fixed signature is returned as is', () => {
    const p = createDeterministicProvider({ signatures: [Uint8Array.of(1, 2, 3)] });
    const key = p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8);
    assert.equal(hex(key.sign(SignatureScheme.rsa_pss_rsae_sha256, data)), '010203');
    assert.throws(() => key.sign(SignatureScheme.rsa_pss_rsae_sha256, data), plainError(/call #2 but no fixed signature is left/));
  });

  it('keeps the real key checks: a scheme the key cannot make is still refused', () => {
    const p = createDeterministicProvider({ signatures: [rfc.CERTIFICATE_VERIFY_SIGNATURE] });
    const key = p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8);
    assert.equal(key.kind, 'rsa');
    assert.equal(key.bits, 1024);
    assert.throws(() => key.sign(SignatureScheme.ecdsa_secp256r1_sha256, data), TLSError);
  });

  it('without the signatures option, sign() makes a real signature', () => {
    const p = createDeterministicProvider();
    const signature = p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8).sign(SignatureScheme.rsa_pss_rsae_sha256, data);
    assert.ok(p.parseCertificate(rfc.SERVER_CERTIFICATE_DER).publicKey.verify(SignatureScheme.rsa_pss_rsae_sha256, data, signature));
  });
});

describe('deterministic provider: everything else is node:crypto', () => {
  it('hash, HMAC, AEAD and certificates behave as in nodeProvider', () => {
    const p = createDeterministicProvider();
    const msg = Uint8Array.of(1, 2, 3);
    assert.equal(hex(p.hash('sha256', msg)), hex(nodeProvider.hash('sha256', msg)));
    assert.equal(hex(p.hmac('sha384', msg, msg)), hex(nodeProvider.hmac('sha384', msg, msg)));
    const key = bytes(16, 3);
    const nonce = bytes(12, 4);
    assert.equal(hex(p.createAead('aes-128-gcm', key).seal(nonce, msg, msg)), hex(nodeProvider.createAead('aes-128-gcm', key).seal(nonce, msg, msg)));
    assert.equal(p.parseCertificate(rfc.SERVER_CERTIFICATE_DER).subject, 'CN=rsa');
    assert.ok(p.supportsGroup(NamedGroup.x25519));
    assert.equal(hex(p.keyShareFromPrivate(NamedGroup.x25519, rfc.SERVER_EPHEMERAL_PRIVATE_KEY)!.publicKey), hex(rfc.SERVER_EPHEMERAL_PUBLIC_KEY));
  });
});
