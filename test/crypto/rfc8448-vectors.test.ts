// Checks the RFC 8448 §2/§3 transcription in test/vectors/rfc8448.ts on its own terms: every
// record decrypts under the RFC's keys and re-encrypts to the same bytes (so ciphertext, tag and
// plaintext are all right), the certificate parses and carries §2's key, and the
// CertificateVerify signature verifies.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { SignatureScheme } from '../../src/wire/codes.js';
import * as rfc from '../vectors/rfc8448.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const big = (b: Uint8Array) => BigInt(`0x${hex(b)}`);

/** RFC 8446 §5.3: nonce = iv XOR the 64-bit sequence number, left-padded. */
function nonce(iv: Uint8Array, seq: number): Uint8Array {
  const out = iv.slice();
  for (let i = 0, s = seq; i < 8; i++, s = Math.floor(s / 256)) out[out.length - 1 - i]! ^= s & 0xff;
  return out;
}

/** Opens a TLSCiphertext (AAD = the 5-byte header, §5.2) and re-seals it to check it byte for byte. */
function openRecord(record: Uint8Array, key: Uint8Array, iv: Uint8Array, seq: number): { content: Uint8Array; type: number } {
  const header = record.subarray(0, 5);
  assert.equal(hex(header.subarray(0, 3)), '170303', 'opaque_type application_data, legacy_record_version 0x0303');
  assert.equal((header[3]! << 8) | header[4]!, record.length - 5, 'record length field');
  const aead = p.createAead('aes-128-gcm', key);
  const inner = aead.open(nonce(iv, seq), header, record.subarray(5));
  assert.ok(inner, 'record authenticates');
  assert.equal(hex(concat(header, aead.seal(nonce(iv, seq), header, inner))), hex(record), 're-sealing gives the same record');
  // TLSInnerPlaintext: content || ContentType || zeros (none in §3).
  return { content: inner.subarray(0, inner.length - 1), type: inner[inner.length - 1]! };
}

describe('RFC 8448 §3 records', () => {
  it('plaintext records frame the hello messages', () => {
    assert.equal(hex(rfc.CLIENT_HELLO_RECORD), `16030100c4${hex(rfc.CLIENT_HELLO)}`);
    assert.equal(hex(rfc.SERVER_HELLO_RECORD), `160303005a${hex(rfc.SERVER_HELLO)}`);
    assert.equal(hex(rfc.CLIENT_RANDOM), 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    assert.equal(hex(rfc.SERVER_RANDOM), 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928');
  });

  it("the server's first encrypted record holds EncryptedExtensions..Finished", () => {
    const { content, type } = openRecord(rfc.SERVER_FLIGHT_RECORD, rfc.SERVER_HANDSHAKE_KEY, rfc.SERVER_HANDSHAKE_IV, 0);
    assert.equal(type, 22);
    assert.equal(hex(content), hex(concat(rfc.ENCRYPTED_EXTENSIONS, rfc.CERTIFICATE, rfc.CERTIFICATE_VERIFY, rfc.SERVER_FINISHED)));
  });

  it("the client's Finished record", () => {
    const { content, type } = openRecord(rfc.CLIENT_FINISHED_RECORD, rfc.CLIENT_HANDSHAKE_KEY, rfc.CLIENT_HANDSHAKE_IV, 0);
    assert.equal(type, 22);
    assert.equal(hex(content), hex(rfc.CLIENT_FINISHED));
  });

  it('the NewSessionTicket record is the first under the server application key', () => {
    const { content, type } = openRecord(rfc.NEW_SESSION_TICKET_RECORD, rfc.SERVER_APPLICATION_KEY, rfc.SERVER_APPLICATION_IV, 0);
    assert.equal(type, 22);
    assert.equal(hex(content), hex(rfc.NEW_SESSION_TICKET));
  });

  it('application data both ways, then close_notify both ways', () => {
    assert.equal(hex(rfc.APPLICATION_DATA), hex(Uint8Array.from({ length: 50 }, (_, i) => i)));
    assert.equal(hex(rfc.SERVER_APPLICATION_DATA), hex(rfc.APPLICATION_DATA));
    const c = [rfc.CLIENT_APPLICATION_KEY, rfc.CLIENT_APPLICATION_IV] as const;
    const s = [rfc.SERVER_APPLICATION_KEY, rfc.SERVER_APPLICATION_IV] as const;
    assert.deepEqual(openRecord(rfc.CLIENT_APPLICATION_DATA_RECORD, ...c, 0), { content: rfc.APPLICATION_DATA, type: 23 });
    assert.deepEqual(openRecord(rfc.SERVER_APPLICATION_DATA_RECORD, ...s, 1), { content: rfc.APPLICATION_DATA, type: 23 });
    assert.equal(hex(rfc.CLOSE_NOTIFY), '0100');
    assert.deepEqual(openRecord(rfc.CLIENT_ALERT_RECORD, ...c, 1), { content: rfc.CLOSE_NOTIFY, type: 21 });
    assert.deepEqual(openRecord(rfc.SERVER_ALERT_RECORD, ...s, 2), { content: rfc.CLOSE_NOTIFY, type: 21 });
  });
});

describe('RFC 8448 §2 key and §3 certificate', () => {
  it('the RSA components are consistent (n = pq, ed ≡ 1 mod λ(n), CRT values)', () => {
    const k = rfc.SERVER_RSA_KEY;
    const [n, e, d, pp, q] = [big(k.n), big(k.e), big(k.d), big(k.p), big(k.q)];
    assert.equal(pp * q, n);
    assert.equal(big(k.dp), d % (pp - 1n));
    assert.equal(big(k.dq), d % (q - 1n));
    assert.equal((big(k.qi) * q) % pp, 1n);
    // d is reduced modulo λ(n) = lcm(p-1, q-1) (RFC 8017 §3.2), not φ(n).
    const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
    const lambda = ((pp - 1n) * (q - 1n)) / gcd(pp - 1n, q - 1n);
    assert.equal((e * d) % lambda, 1n);
  });

  it('the certificate parses and its public key is §2 modulus and exponent', () => {
    const cert = p.parseCertificate(rfc.SERVER_CERTIFICATE_DER);
    assert.equal(cert.subject, 'CN=rsa');
    assert.equal(cert.issuer, 'CN=rsa');
    assert.equal(cert.publicKey.kind, 'rsa');
    assert.equal(cert.publicKey.bits, 1024);
    // Valid 2016-07-30 to 2026-07-30: replays need a fixed clock inside that window.
    assert.equal(cert.notBefore, Date.UTC(2016, 6, 30, 1, 23, 59));
    assert.equal(cert.notAfter, Date.UTC(2026, 6, 30, 1, 23, 59));
  });

  it('PKCS#8 and JWK forms load and match the certificate key', () => {
    const fromPkcs8 = createPrivateKey({ key: Buffer.from(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8), format: 'der', type: 'pkcs8' });
    const fromJwk = createPrivateKey({ key: { ...rfc.SERVER_RSA_PRIVATE_KEY_JWK }, format: 'jwk' });
    const spki = (k: KeyObject) => hex(createPublicKey(k).export({ format: 'der', type: 'spki' }));
    assert.equal(spki(fromPkcs8), spki(fromJwk));
    const certSpki = hex(new X509Certificate(Buffer.from(rfc.SERVER_CERTIFICATE_DER)).publicKey.export({ format: 'der', type: 'spki' }));
    assert.equal(spki(fromPkcs8), certSpki);
    assert.equal(p.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8).bits, 1024);
  });

  it('the CertificateVerify signature verifies over ClientHello..Certificate (RFC 8446 §4.4.3)', () => {
    assert.equal(rfc.CERTIFICATE_VERIFY_SCHEME, SignatureScheme.rsa_pss_rsae_sha256);
    const cert = p.parseCertificate(rfc.SERVER_CERTIFICATE_DER);
    const content = certificateVerifyContent();
    assert.ok(cert.publicKey.verify(SignatureScheme.rsa_pss_rsae_sha256, content, rfc.CERTIFICATE_VERIFY_SIGNATURE));
    const tampered = content.slice();
    tampered[tampered.length - 1]! ^= 1;
    assert.ok(!cert.publicKey.verify(SignatureScheme.rsa_pss_rsae_sha256, tampered, rfc.CERTIFICATE_VERIFY_SIGNATURE));
  });

  it('the deterministic provider hands back the RFC signature for the RFC key', () => {
    const provider = createDeterministicProvider({ signatures: [rfc.CERTIFICATE_VERIFY_SIGNATURE], certificates: [rfc.SERVER_CERTIFICATE_DER] });
    const key = provider.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8);
    assert.equal(hex(key.sign(SignatureScheme.rsa_pss_rsae_sha256, certificateVerifyContent())), hex(rfc.CERTIFICATE_VERIFY_SIGNATURE));
    assert.equal(provider.remaining().signatures, 0);
  });
});

/** RFC 8446 §4.4.3: 64 spaces, the context string, 0x00, Transcript-Hash(ClientHello..Certificate). */
function certificateVerifyContent(): Uint8Array {
  const transcript = p.hash('sha256', concat(rfc.CLIENT_HELLO, rfc.SERVER_HELLO, rfc.ENCRYPTED_EXTENSIONS, rfc.CERTIFICATE));
  return concat(new Uint8Array(64).fill(0x20), new TextEncoder().encode('TLS 1.3, server CertificateVerify'), Uint8Array.of(0), transcript);
}
