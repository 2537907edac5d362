import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TLSError } from '../../src/errors.js';
import type { CertificateVerifier } from '../../src/handshake/verify.js';
import { MAX_CERTIFICATE_CHAIN } from '../../src/limits.js';
import {
  MAX_PATH_LENGTH,
  type VerifyCertificateOptions,
  createCertificateVerifier,
  verifyCertificate,
  verifyServerCertificate,
} from '../../src/pki/chain.js';
import { CERT_ERRORS, type CertErrorCode } from '../../src/pki/errors.js';
import { AlertDescription } from '../../src/wire/codes.js';
import {
  type IssuedCertificate,
  cachedPki,
  ders,
  generateSelfSigned,
  issueCertificate,
  provider,
  tamperSignature,
  trustOf,
} from '../helpers/pki.js';

const now = Date.now();

function verify(chain: Uint8Array[], anchors: IssuedCertificate[], extra: Partial<VerifyCertificateOptions> = {}) {
  return verifyServerCertificate({ chain, trust: trustOf(...anchors), hostname: 'localhost', time: now, provider, ...extra });
}

function rejects(fn: () => unknown, code: CertErrorCode): TLSError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TLSError, `expected a TLSError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.alert, CERT_ERRORS[code].alert);
  return caught;
}

const subjects = (path: { subject: string }[]) => path.map((c) => c.subject.replace(/\n/g, ', '));

describe('path building', () => {
  const pki = cachedPki();

  test('accepts leaf+intermediate to a trusted root', () => {
    const result = verify(ders(pki.chainPem), [pki.root]);
    assert.deepEqual(subjects(result.path), [
      'CN=localhost',
      'O=handshake, CN=handshake test intermediate CA',
      'O=handshake, CN=handshake test root CA',
    ]);
    assert.equal(result.leaf.fingerprint256, result.path[0]!.fingerprint256);
  });

  test('accepts out-of-order chain', () => {
    const stranger = generateSelfSigned({ commonName: 'stranger' });
    const result = verify(ders(pki.leaf, stranger, pki.root, pki.intermediate), [pki.root]);
    assert.equal(result.path.length, 3);
  });

  test('accepts a chain that carries the root', () => {
    assert.equal(verify(ders(pki.leaf, pki.intermediate, pki.root), [pki.root]).path.length, 3);
  });

  test('accepts an intermediate in the store as an anchor', () => {
    assert.equal(verify(ders(pki.leaf), [pki.intermediate]).path.length, 2);
  });

  test('accepts a trusted self-signed leaf', () => {
    const self = generateSelfSigned();
    assert.equal(verify(ders(self), [self]).path.length, 1);
  });

  test('accepts a received copy of an anchor with the same subject and key', () => {
    const self = generateSelfSigned({ commonName: 'pinned' });
    const reissued = issueCertificate({ commonName: 'pinned', dnsNames: ['localhost'], keyFrom: self });
    assert.notDeepEqual(reissued.der, self.der);
    assert.equal(verify(ders(reissued), [self]).path.length, 1);
  });

  test('stops at the anchor when the chain also carries a cross-signed copy of the root', () => {
    const other = cachedPki({ leafDnsNames: ['other.example'] });
    const crossSigned = issueCertificate({ commonName: 'handshake test root CA', organization: 'handshake', isCA: true, keyFrom: pki.root }, other.root);
    const result = verify(ders(pki.leaf, pki.intermediate, crossSigned), [pki.root]);
    assert.equal(result.path[2]!.fingerprint256, verify(ders(pki.chainPem), [pki.root]).path[2]!.fingerprint256);
  });

  test('rejects an unknown root (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)', () => {
    const other = cachedPki({ leafDnsNames: ['other.example'] });
    const err = rejects(() => verify(ders(pki.chainPem), [other.root]), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(err.message, 'unable to get local issuer certificate');
    assert.equal(err.alert, AlertDescription.unknown_ca);
  });

  test('rejects a missing intermediate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', () => {
    const err = rejects(() => verify(ders(pki.leaf), [pki.root]), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(err.message, 'unable to verify the first certificate');
  });

  test('rejects a self-signed leaf (DEPTH_ZERO_SELF_SIGNED_CERT)', () => {
    rejects(() => verify(ders(generateSelfSigned()), [pki.root]), 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('rejects a self-signed root that is not in the store (SELF_SIGNED_CERT_IN_CHAIN)', () => {
    const other = cachedPki({ leafDnsNames: ['other.example'] });
    rejects(() => verify(ders(pki.leaf, pki.intermediate, pki.root), [other.root]), 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  test('rejects an impostor root with the anchor name but another key (SELF_SIGNED_CERT_IN_CHAIN)', () => {
    const impostor = issueCertificate({ commonName: 'handshake test root CA', organization: 'handshake', isCA: true });
    const intermediate = issueCertificate({ commonName: 'handshake test intermediate CA', organization: 'handshake', isCA: true }, impostor);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, intermediate);
    rejects(() => verify(ders(leaf, intermediate, impostor), [pki.root]), 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  test('rejects a leaf used as a CA (INVALID_CA)', () => {
    const bad = cachedPki({ leafAsIssuer: true });
    const err = rejects(() => verify(ders(bad.leafIssuedByLeaf!, bad.leaf, bad.intermediate), [bad.root]), 'INVALID_CA');
    assert.equal(err.alert, AlertDescription.bad_certificate);
  });

  test('rejects an intermediate without the CA flag (INVALID_CA)', () => {
    const bad = cachedPki({ intermediateIsCA: false });
    rejects(() => verify(ders(bad.chainPem), [bad.root]), 'INVALID_CA');
  });

  test('rejects a bad signature (CERT_SIGNATURE_FAILURE)', () => {
    const err = rejects(() => verify([tamperSignature(pki.leaf.der), pki.intermediate.der], [pki.root]), 'CERT_SIGNATURE_FAILURE');
    assert.equal(err.alert, AlertDescription.bad_certificate);
  });

  test('rejects an intermediate whose signature fails under the trusted root (CERT_SIGNATURE_FAILURE)', () => {
    rejects(() => verify([pki.leaf.der, tamperSignature(pki.intermediate.der)], [pki.root]), 'CERT_SIGNATURE_FAILURE');
  });
});

describe('validity periods', () => {
  test('rejects an expired leaf', () => {
    const pki = cachedPki({ leafValidity: 'expired' });
    const err = rejects(() => verify(ders(pki.chainPem), [pki.root]), 'CERT_HAS_EXPIRED');
    assert.equal(err.alert, AlertDescription.certificate_expired);
    assert.equal(err.message, 'certificate has expired');
  });

  test('rejects a not-yet-valid leaf', () => {
    const pki = cachedPki({ leafValidity: 'not-yet-valid' });
    const err = rejects(() => verify(ders(pki.chainPem), [pki.root]), 'CERT_NOT_YET_VALID');
    assert.equal(err.alert, AlertDescription.certificate_expired);
  });

  test('rejects an expired intermediate', () => {
    const pki = cachedPki({ intermediateValidity: 'expired' });
    rejects(() => verify(ders(pki.chainPem), [pki.root]), 'CERT_HAS_EXPIRED');
  });

  test('rejects an expired root', () => {
    const root = issueCertificate({ commonName: 'old root', isCA: true, validity: 'expired' });
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, root);
    rejects(() => verify(ders(leaf), [root]), 'CERT_HAS_EXPIRED');
  });

  test('checks at the given time, with both bounds inclusive', () => {
    const notBefore = new Date(Date.UTC(2030, 0, 1));
    const notAfter = new Date(Date.UTC(2030, 11, 31, 23, 59, 59));
    const root = issueCertificate({ commonName: 'root 2030', isCA: true, validity: { notBefore, notAfter } });
    const leaf = issueCertificate({ dnsNames: ['localhost'], validity: { notBefore, notAfter } }, root);
    for (const time of [notBefore.getTime(), notAfter.getTime()]) assert.equal(verify(ders(leaf), [root], { time }).path.length, 2);
    rejects(() => verify(ders(leaf), [root], { time: notBefore.getTime() - 1000 }), 'CERT_NOT_YET_VALID');
    rejects(() => verify(ders(leaf), [root], { time: notAfter.getTime() + 1000 }), 'CERT_HAS_EXPIRED');
  });
});

describe('identity and purpose', () => {
  const pki = cachedPki();

  test('rejects a certificate for another host, worded like node:tls', () => {
    const err = rejects(() => verify(ders(pki.chainPem), [pki.root], { hostname: 'example.com' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(
      err.message,
      "Hostname/IP does not match certificate's altnames: Host: example.com. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    assert.equal(err.alert, AlertDescription.bad_certificate);
  });

  test('rejects an IP not in the certificate, worded like node:tls', () => {
    const err = rejects(() => verify(ders(pki.chainPem), [pki.root], { hostname: '10.0.0.1' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.match(err.message, /IP: 10\.0\.0\.1 is not in the cert's list: 127\.0\.0\.1, 0:0:0:0:0:0:0:1$/);
  });

  test('accepts the leaf for its IP addresses', () => {
    for (const hostname of ['127.0.0.1', '::1']) assert.equal(verify(ders(pki.chainPem), [pki.root], { hostname }).path.length, 3);
  });

  test('skips the host name check without a host name', () => {
    assert.equal(verify(ders(pki.chainPem), [pki.root], { hostname: undefined }).path.length, 3);
  });

  test('client purpose skips the host name check', () => {
    const result = verifyCertificate({ chain: ders(pki.chainPem), trust: trustOf(pki.root), hostname: 'example.com', time: now, provider, purpose: 'client' });
    assert.equal(result.path.length, 3);
  });

  test('createCertificateVerifier fits the handshake verifier type', () => {
    const verifier: CertificateVerifier = createCertificateVerifier(trustOf(pki.root), provider);
    assert.equal(verifier({ chain: ders(pki.chainPem), hostname: 'localhost', purpose: 'server', time: now }).path.length, 3);
    assert.throws(() => verifier({ chain: ders(pki.chainPem), hostname: 'example.com', purpose: 'server', time: now }), TLSError);
  });
});

describe('malformed and hostile input', () => {
  const pki = cachedPki();

  test('rejects an empty chain (CERT_CHAIN_EMPTY)', () => {
    rejects(() => verify([], [pki.root]), 'CERT_CHAIN_EMPTY');
  });

  test('rejects a certificate that does not parse (UNABLE_TO_DECODE_CERT)', () => {
    rejects(() => verify([pki.leaf.der, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])], [pki.root]), 'UNABLE_TO_DECODE_CERT');
    rejects(() => verify([pki.leaf.der.subarray(0, 100)], [pki.root]), 'UNABLE_TO_DECODE_CERT');
  });

  test(`rejects more than ${MAX_CERTIFICATE_CHAIN} received certificates before parsing them`, () => {
    const junk = new Uint8Array([0xff]);
    rejects(() => verify([pki.leaf.der, ...new Array<Uint8Array>(MAX_CERTIFICATE_CHAIN).fill(junk)], [pki.root]), 'CERT_CHAIN_TOO_LONG');
  });

  test(`rejects a path longer than ${MAX_PATH_LENGTH} certificates (CERT_CHAIN_TOO_LONG)`, () => {
    const root = issueCertificate({ commonName: 'deep root', isCA: true });
    const cas = [root];
    for (let i = 0; i < MAX_PATH_LENGTH - 1; i++) cas.push(issueCertificate({ commonName: `deep CA ${i}`, isCA: true }, cas[cas.length - 1]!));
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, cas[cas.length - 1]!);
    const intermediates = cas.slice(1).reverse();
    rejects(() => verify(ders(leaf, ...intermediates), [root]), 'CERT_CHAIN_TOO_LONG');
    // One CA fewer fits exactly: leaf + 8 intermediates + root.
    assert.equal(verify(ders(leaf, ...intermediates.slice(0, -1)), [cas[1]!]).path.length, MAX_PATH_LENGTH);
  });

  test('does not loop on CAs that certify each other', () => {
    const a = issueCertificate({ commonName: 'CA A', isCA: true });
    const b = issueCertificate({ commonName: 'CA B', isCA: true });
    const aByB = issueCertificate({ commonName: 'CA A', isCA: true, keyFrom: a }, b);
    const bByA = issueCertificate({ commonName: 'CA B', isCA: true, keyFrom: b }, a);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, a);
    rejects(() => verify(ders(leaf, aByB, bByA, aByB, bByA), [pki.root]), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  test('every code in CERT_ERRORS maps to an alert and a description', () => {
    for (const [code, info] of Object.entries(CERT_ERRORS)) {
      assert.ok(Object.values(AlertDescription).includes(info.alert), code);
      assert.ok(info.description.length > 0, code);
    }
  });
});
