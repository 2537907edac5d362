// TLS 1.2 signature and Finished checks (src/handshake/verify.ts): which schemes are accepted, and
// the alert each failure carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TLSError } from '../../src/errors.js';
import { verifyCertificateVerify12, verifyFinished12, verifyServerKeyExchange } from '../../src/handshake/verify.js';
import { finishedVerifyData } from '../../src/tls12/prf.js';
import { AlertDescription, SignatureScheme as S } from '../../src/wire/codes.js';
import { cachedPki, provider } from '../helpers/pki.js';

const alertOf = (fn: () => unknown): number => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TLSError, String(err));
    return err.alert;
  }
  assert.fail('no error');
};

const ecdsa = cachedPki();
const rsa = cachedPki({ leafKeyType: 'rsa-2048' });
const ecLeaf = provider.parseCertificate(ecdsa.leaf.der);
const rsaLeaf = provider.parseCertificate(rsa.leaf.der);
const ecKey = provider.loadPrivateKey(ecdsa.leafKeyPem);
const rsaKey = provider.loadPrivateKey(rsa.leafKeyPem);
const clientRandom = provider.randomBytes(32);
const serverRandom = provider.randomBytes(32);
const params = Uint8Array.of(3, 0, 0x1d, 32, ...provider.randomBytes(32));
const signed = (key: typeof ecKey, scheme: number) => key.sign(scheme, new Uint8Array([...clientRandom, ...serverRandom, ...params]));
const OFFERED = [S.ecdsa_secp256r1_sha256, S.rsa_pss_rsae_sha256, S.rsa_pkcs1_sha256];

describe('verifyServerKeyExchange (RFC 5246 §7.4.3)', () => {
  it('accepts a signature over client_random + server_random + params, PKCS#1 included', () => {
    verifyServerKeyExchange(ecLeaf, S.ecdsa_secp256r1_sha256, signed(ecKey, S.ecdsa_secp256r1_sha256), OFFERED, clientRandom, serverRandom, params);
    verifyServerKeyExchange(rsaLeaf, S.rsa_pkcs1_sha256, signed(rsaKey, S.rsa_pkcs1_sha256), OFFERED, clientRandom, serverRandom, params);
    verifyServerKeyExchange(rsaLeaf, S.rsa_pss_rsae_sha256, signed(rsaKey, S.rsa_pss_rsae_sha256), OFFERED, clientRandom, serverRandom, params);
  });
  it('a signature over other params or randoms: decrypt_error', () => {
    const sig = signed(ecKey, S.ecdsa_secp256r1_sha256);
    const otherParams = params.slice();
    otherParams[10]! ^= 1;
    assert.equal(alertOf(() => verifyServerKeyExchange(ecLeaf, S.ecdsa_secp256r1_sha256, sig, OFFERED, clientRandom, serverRandom, otherParams)), AlertDescription.decrypt_error);
    assert.equal(alertOf(() => verifyServerKeyExchange(ecLeaf, S.ecdsa_secp256r1_sha256, sig, OFFERED, serverRandom, clientRandom, params)), AlertDescription.decrypt_error);
  });
  it('a scheme we did not offer, a SHA-1 scheme, or one that does not fit the key: illegal_parameter', () => {
    const sig = signed(rsaKey, S.rsa_pkcs1_sha384);
    assert.equal(alertOf(() => verifyServerKeyExchange(rsaLeaf, S.rsa_pkcs1_sha384, sig, OFFERED, clientRandom, serverRandom, params)), AlertDescription.illegal_parameter);
    assert.equal(alertOf(() => verifyServerKeyExchange(rsaLeaf, 0x0201, sig, [...OFFERED, 0x0201], clientRandom, serverRandom, params)), AlertDescription.illegal_parameter);
    const ecSig = signed(ecKey, S.ecdsa_secp256r1_sha256);
    assert.equal(alertOf(() => verifyServerKeyExchange(ecLeaf, S.rsa_pkcs1_sha256, ecSig, OFFERED, clientRandom, serverRandom, params)), AlertDescription.illegal_parameter);
  });
});

describe('verifyCertificateVerify12 (RFC 5246 §7.4.8)', () => {
  const messages = provider.randomBytes(700);
  it('accepts a signature over the handshake messages themselves, and refuses one over other bytes', () => {
    const signature = ecKey.sign(S.ecdsa_secp256r1_sha256, messages);
    verifyCertificateVerify12({ type: 'certificate_verify', algorithm: S.ecdsa_secp256r1_sha256, signature }, ecLeaf, OFFERED, messages);
    const other = messages.slice();
    other[0]! ^= 1;
    const alert = alertOf(() => verifyCertificateVerify12({ type: 'certificate_verify', algorithm: S.ecdsa_secp256r1_sha256, signature }, ecLeaf, OFFERED, other));
    assert.equal(alert, AlertDescription.decrypt_error);
  });
});

describe('verifyFinished12 (RFC 5246 §7.4.9)', () => {
  const master = provider.randomBytes(48);
  const hash = provider.hash('sha256', provider.randomBytes(100));
  const good = finishedVerifyData(provider, 'sha256', master, 'server', hash);
  it('accepts the sender’s verify_data, refuses the other sender’s (decrypt_error) and a wrong length (decode_error)', () => {
    verifyFinished12(provider, 'sha256', master, 'server', hash, { type: 'finished', verify_data: good });
    const client = finishedVerifyData(provider, 'sha256', master, 'client', hash);
    assert.equal(alertOf(() => verifyFinished12(provider, 'sha256', master, 'server', hash, { type: 'finished', verify_data: client })), AlertDescription.decrypt_error);
    assert.equal(alertOf(() => verifyFinished12(provider, 'sha256', master, 'server', hash, { type: 'finished', verify_data: good.subarray(0, 11) })), AlertDescription.decode_error);
  });
});
