// verifyOcspResponse and checkStapledOcsp (src/pki/ocsp.ts): one test per RFC 6960 rule, over a
// generated root → intermediate → leaf PKI; the intermediate issues the leaf and answers for it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OctetString } from '@peculiar/asn1-schema';
import type { CertID } from '@peculiar/asn1-ocsp';
import { Extension } from '@peculiar/asn1-x509';
import type { TLSError } from '../../src/errors.js';
import {
  OCSP_CLOCK_SKEW_MS,
  type VerifyOcspOptions,
  checkStapledOcsp,
  ocspStatusError,
  requiresStaple,
  verifyOcspResponse,
} from '../../src/pki/ocsp.js';
import { alertName } from '../../src/wire/codes.js';
import {
  OCSPResponseStatus,
  type OcspResponseOptions,
  certIdFor,
  days,
  issueResponder,
  minutes,
  mustStaple,
  ocspResponse,
} from '../helpers/ocsp.js';
import { type IssuedCertificate, type KeyType, cachedPki, issueCertificate, parse, provider } from '../helpers/pki.js';

const pki = cachedPki();
const { root, intermediate, leaf } = pki;
const NOW = Date.now();

/** verifyOcspResponse for the PKI's leaf at NOW, on a response built from `options`. */
function verify(options: Partial<OcspResponseOptions> = {}, overrides: Partial<VerifyOcspOptions> = {}) {
  const forLeaf = options.leaf ?? leaf;
  const issuer = options.issuer ?? intermediate;
  return verifyOcspResponse({
    response: ocspResponse({ leaf: forLeaf, issuer, ...options }),
    leaf: parse(forLeaf),
    issuer: parse(issuer),
    time: NOW,
    provider,
    ...overrides,
  });
}

/** A CertID editor for OcspResponseOptions.certId. */
const edit = (change: (id: CertID) => unknown) => (id: CertID) => {
  change(id);
  return id;
};

function rejects(run: () => unknown, code: string, alert = 'bad_certificate_status_response', message?: RegExp): TLSError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  const error = caught as TLSError;
  assert.ok(error, `expected ${code}`);
  assert.equal(error.code, code, error.message);
  assert.equal(alertName(error.alert), alert);
  if (message) assert.match(error.message, message);
  return error;
}

describe('status', () => {
  test('a good response signed by the issuer verifies, with its times', () => {
    const thisUpdate = new Date(NOW - minutes(30));
    const nextUpdate = new Date(NOW + days(3));
    const producedAt = new Date(NOW - minutes(10));
    const result = verify({ thisUpdate, nextUpdate, producedAt });
    assert.equal(result.status, 'good');
    assert.equal(result.signer, 'issuer');
    assert.equal(result.thisUpdate, thisUpdate.getTime());
    assert.equal(result.nextUpdate, nextUpdate.getTime());
    assert.equal(result.producedAt, producedAt.getTime());
    assert.equal(ocspStatusError(result), undefined);
  });

  test('a revoked response verifies as revoked, with time and reason, and stands for CERT_REVOKED', () => {
    const revocationTime = new Date(NOW - days(2));
    const result = verify({ status: 'revoked', revocationTime, revocationReason: 1 /* keyCompromise */ });
    assert.equal(result.status, 'revoked');
    assert.equal(result.revocationTime, revocationTime.getTime());
    assert.equal(result.revocationReason, 1);
    const error = ocspStatusError(result)!;
    assert.equal(error.code, 'CERT_REVOKED');
    assert.equal(alertName(error.alert), 'certificate_revoked');
  });

  test('a revoked status stands even when the response has expired (revocation is final)', () => {
    const result = verify({ status: 'revoked', thisUpdate: new Date(NOW - days(20)), nextUpdate: new Date(NOW - days(10)) });
    assert.equal(result.status, 'revoked');
  });

  test('an unknown status verifies as unknown and stands for OCSP_CERT_UNKNOWN', () => {
    const result = verify({ status: 'unknown' });
    assert.equal(result.status, 'unknown');
    const error = ocspStatusError(result)!;
    assert.equal(error.code, 'OCSP_CERT_UNKNOWN');
    assert.equal(alertName(error.alert), 'bad_certificate_status_response');
  });
});

describe('CertID (RFC 6960 §4.1.1)', () => {
  test('a SHA-256 CertID is accepted', () => {
    assert.equal(verify({ certIdHash: 'sha256' }).status, 'good');
  });

  test('rejects a response for another serial number', () => {
    const other = issueCertificate({ dnsNames: ['other.example'] }, intermediate);
    rejects(() => verify({ certId: edit((id) => (id.serialNumber = certIdFor(other, intermediate).serialNumber)) }), 'OCSP_CERTID_MISMATCH', undefined, /serial/);
  });

  test('rejects a response whose issuerNameHash is of another name', () => {
    rejects(
      () => verify({ certId: edit((id) => (id.issuerNameHash = new OctetString(new Uint8Array(20).fill(7)))) }),
      'OCSP_CERTID_MISMATCH',
      undefined,
      /issuerNameHash/,
    );
  });

  test('rejects a response whose issuerKeyHash is of another key', () => {
    rejects(
      () => verify({ certId: edit((id) => (id.issuerKeyHash = new OctetString(new Uint8Array(20).fill(7)))) }),
      'OCSP_CERTID_MISMATCH',
      undefined,
      /issuerKeyHash/,
    );
  });

  test("rejects a response from the CA above the leaf's issuer (the root), CertID and all", () => {
    // Signed by the root with a CertID for the root as issuer: the root is not the leaf's issuer.
    rejects(
      () => verifyOcspResponse({ response: ocspResponse({ leaf, issuer: root }), leaf: parse(leaf), issuer: parse(intermediate), time: NOW, provider }),
      'OCSP_RESPONDER_UNAUTHORIZED',
    );
  });

  test('rejects a CertID with an unsupported hash algorithm', () => {
    rejects(
      () => verify({ certId: edit((id) => (id.hashAlgorithm.algorithm = '1.2.840.113549.2.5' /* md5 */)) }),
      'OCSP_CERTID_MISMATCH',
      undefined,
      /hash algorithm/,
    );
  });
});

describe('freshness', () => {
  test('rejects a response whose nextUpdate has passed', () => {
    rejects(
      () => verify({ thisUpdate: new Date(NOW - days(3)), nextUpdate: new Date(NOW - minutes(10)) }),
      'OCSP_RESPONSE_STALE',
      undefined,
      /expired/,
    );
  });

  test(`accepts a nextUpdate that passed within the clock skew (${OCSP_CLOCK_SKEW_MS / 60_000} min)`, () => {
    assert.equal(verify({ thisUpdate: new Date(NOW - days(1)), nextUpdate: new Date(NOW - minutes(2)) }).status, 'good');
  });

  test('rejects a response whose thisUpdate is in the future', () => {
    rejects(() => verify({ thisUpdate: new Date(NOW + minutes(30)) }), 'OCSP_RESPONSE_STALE', undefined, /not yet valid/);
  });

  test('accepts a thisUpdate ahead of our clock by less than the skew', () => {
    assert.equal(verify({ thisUpdate: new Date(NOW + minutes(2)) }).status, 'good');
  });

  test('without nextUpdate: accepted for 7 days after thisUpdate, then stale', () => {
    assert.equal(verify({ nextUpdate: null, thisUpdate: new Date(NOW - days(6)) }).nextUpdate, undefined);
    rejects(() => verify({ nextUpdate: null, thisUpdate: new Date(NOW - days(8)) }), 'OCSP_RESPONSE_STALE', undefined, /7 days/);
  });

  test('the validation time is the one given, not the wall clock', () => {
    const response = { nextUpdate: new Date(NOW + days(1)) };
    assert.equal(verify(response, { time: NOW + days(1) - minutes(1) }).status, 'good');
    rejects(() => verify(response, { time: NOW + days(2) }), 'OCSP_RESPONSE_STALE');
  });
});

describe('signature and signer (RFC 6960 §4.2.2.2)', () => {
  test('rejects a response whose signature does not verify', () => {
    rejects(() => verify({ corruptSignature: true }), 'OCSP_SIGNATURE_FAILURE');
  });

  test('rejects a response that names the issuer but is signed by another key', () => {
    const impostor = issueCertificate({ commonName: 'impostor', isCA: true });
    rejects(() => verify({ signer: impostor, responderIdOf: intermediate }), 'OCSP_SIGNATURE_FAILURE');
  });

  test('accepts a ResponderID byKey', () => {
    assert.equal(verify({ responderId: 'key' }).signer, 'issuer');
  });

  test('accepts a delegated responder issued by the issuer with id-kp-OCSPSigning', () => {
    const responder = issueResponder(intermediate);
    const result = verify({ signer: responder, certs: [responder] });
    assert.equal(result.status, 'good');
    assert.equal(result.signer, 'delegated');
    assert.equal(verify({ signer: responder, certs: [responder], responderId: 'key' }).signer, 'delegated');
  });

  test('rejects a delegated responder without id-kp-OCSPSigning', () => {
    const responder = issueResponder(intermediate, { ocspSigning: false });
    rejects(() => verify({ signer: responder, certs: [responder] }), 'OCSP_RESPONDER_UNAUTHORIZED', undefined, /id-kp-OCSPSigning/);
  });

  test('rejects a delegated responder issued by another CA (the root), even with id-kp-OCSPSigning', () => {
    const responder = issueResponder(root);
    rejects(() => verify({ signer: responder, certs: [responder] }), 'OCSP_RESPONDER_UNAUTHORIZED', undefined, /not issued by/);
  });

  test('rejects a delegated responder whose certificate has expired', () => {
    const responder = issueResponder(intermediate, { validity: 'expired' });
    rejects(() => verify({ signer: responder, certs: [responder] }), 'OCSP_RESPONDER_UNAUTHORIZED', undefined, /not valid/);
  });

  test('rejects a response signed by a responder it does not carry', () => {
    const responder = issueResponder(intermediate);
    rejects(() => verify({ signer: responder }), 'OCSP_RESPONDER_UNAUTHORIZED', undefined, /neither/);
  });

  test('rejects a response signed by the leaf itself', () => {
    rejects(() => verify({ signer: leaf, certs: [leaf] }), 'OCSP_RESPONDER_UNAUTHORIZED');
  });
});

describe('signature algorithms', () => {
  const ofKeyType = (caKeyType: KeyType) => cachedPki({ caKeyType });

  for (const caKeyType of ['rsa-2048', 'rsa-pss', 'ed25519', 'ecdsa-p384'] as const) {
    test(`a response signed by a ${caKeyType} issuer with its certificate algorithm verifies`, () => {
      const p = ofKeyType(caKeyType);
      assert.equal(verify({ leaf: p.leaf, issuer: p.intermediate }).status, 'good');
    });
  }

  test('RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) with an rsaEncryption key verifies', () => {
    const p = ofKeyType('rsa-2048');
    assert.equal(verify({ leaf: p.leaf, issuer: p.intermediate, signature: 'pss' }).status, 'good');
  });

  test('rejects a SHA-1-signed response (sha1WithRSAEncryption)', () => {
    const p = ofKeyType('rsa-2048');
    rejects(() => verify({ leaf: p.leaf, issuer: p.intermediate, signature: 'sha1' }), 'OCSP_RESPONSE_INVALID', undefined, /sha1WithRSAEncryption/);
  });

  test('rejects a SHA-1-signed response (ecdsa-with-SHA1)', () => {
    rejects(() => verify({ signature: 'sha1' }), 'OCSP_RESPONSE_INVALID', undefined, /ecdsa-with-SHA1/);
  });

  test('rejects ecdsa-with-SHA384 from a P-256 key (TLS 1.3 binds the hash to the curve)', () => {
    rejects(() => verify({ signature: 'sha384' }), 'OCSP_RESPONSE_INVALID', undefined, /does not fit/);
  });
});

describe('response structure', () => {
  for (const status of [OCSPResponseStatus.tryLater, OCSPResponseStatus.internalError, OCSPResponseStatus.unauthorized]) {
    test(`rejects responseStatus ${OCSPResponseStatus[status]}`, () => {
      rejects(() => verify({ responseStatus: status }), 'OCSP_RESPONSE_INVALID', undefined, /not successful/);
    });
  }

  test('rejects a responseType other than id-pkix-ocsp-basic', () => {
    rejects(() => verify({ responseType: '1.3.6.1.5.5.7.48.1.99' }), 'OCSP_RESPONSE_INVALID', undefined, /id-pkix-ocsp-basic/);
  });

  test('rejects bytes after the OCSPResponse, a truncated one and garbage', () => {
    const good = ocspResponse({ leaf, issuer: intermediate });
    const run = (response: Uint8Array) => () =>
      verifyOcspResponse({ response, leaf: parse(leaf), issuer: parse(intermediate), time: NOW, provider });
    rejects(run(Uint8Array.of(...good, 0)), 'OCSP_RESPONSE_INVALID');
    rejects(run(good.subarray(0, good.length - 1)), 'OCSP_RESPONSE_INVALID');
    rejects(run(Uint8Array.of(0x30, 0x00)), 'OCSP_RESPONSE_INVALID');
    rejects(run(Uint8Array.of(0x04, 0x01, 0x00)), 'OCSP_RESPONSE_INVALID');
  });

  test('rejects an unknown critical extension in the SingleResponse; a non-critical one is ignored', () => {
    const ext = (critical: boolean) => new Extension({ extnID: '1.3.6.1.4.1.99999.1', critical, extnValue: new OctetString(Uint8Array.of(5, 0)) });
    rejects(() => verify({ singleExtensions: [ext(true)] }), 'OCSP_RESPONSE_INVALID', undefined, /critical/);
    assert.equal(verify({ singleExtensions: [ext(false)] }).status, 'good');
  });
});

describe('the per-provider cache of checked responses', () => {
  const at = (response: Uint8Array, time: number, forLeaf: IssuedCertificate = leaf) =>
    verifyOcspResponse({ response, leaf: parse(forLeaf), issuer: parse(intermediate), time, provider });

  test('the same response is checked against the clock at each use', () => {
    const response = ocspResponse({ leaf, issuer: intermediate, nextUpdate: new Date(NOW + days(1)) });
    assert.equal(at(response, NOW).status, 'good');
    rejects(() => at(response, NOW + days(2)), 'OCSP_RESPONSE_STALE');
    assert.equal(at(response, NOW + minutes(1)).status, 'good');
  });

  test("a delegated responder's validity is checked at each use", () => {
    const responder = issueResponder(intermediate, { validity: { notBefore: new Date(NOW - days(1)), notAfter: new Date(NOW + days(1)) } });
    const response = ocspResponse({ leaf, issuer: intermediate, signer: responder, certs: [responder], nextUpdate: new Date(NOW + days(5)) });
    assert.equal(at(response, NOW).signer, 'delegated');
    rejects(() => at(response, NOW + days(2)), 'OCSP_RESPONDER_UNAUTHORIZED', undefined, /not valid/);
  });

  test('a response checked for one leaf is not taken for another', () => {
    const response = ocspResponse({ leaf, issuer: intermediate });
    assert.equal(at(response, NOW).status, 'good');
    const sibling = issueCertificate({ dnsNames: ['sibling.test'] }, intermediate);
    rejects(() => at(response, NOW, sibling), 'OCSP_CERTID_MISMATCH');
  });

  test('callers cannot change a cached result', () => {
    const response = ocspResponse({ leaf, issuer: intermediate });
    const first = at(response, NOW);
    first.status = 'revoked';
    assert.equal(at(response, NOW).status, 'good');
  });
});

describe('must-staple (RFC 7633)', () => {
  test('a leaf with the TLS feature status_request requires a staple; others do not', () => {
    assert.equal(requiresStaple(parse(mustStaple(leaf, intermediate))), true);
    assert.equal(requiresStaple(parse(mustStaple(leaf, intermediate, [17]))), false, 'status_request_v2 alone is not status_request');
    assert.equal(requiresStaple(parse(leaf)), false);
  });

  test('no staple for a must-staple leaf is CERT_MUST_STAPLE_MISSING (bad_certificate)', () => {
    const ms = mustStaple(leaf, intermediate);
    const check = checkStapledOcsp({ staple: undefined, leaf: parse(ms), path: [parse(ms), parse(intermediate), parse(root)], received: [ms.der], time: NOW, provider });
    assert.equal(check.error?.code, 'CERT_MUST_STAPLE_MISSING');
    assert.equal(alertName(check.error.alert), 'bad_certificate');
  });

  test('no staple for an ordinary leaf is no error', () => {
    const check = checkStapledOcsp({ staple: undefined, leaf: parse(leaf), path: [], received: [leaf.der], time: NOW, provider });
    assert.deepEqual(check, { ocsp: undefined, error: undefined });
  });
});

describe('checkStapledOcsp', () => {
  const path = [parse(leaf), parse(intermediate), parse(root)];

  test('verifies against the issuer on the validated path', () => {
    const check = checkStapledOcsp({ staple: ocspResponse({ leaf, issuer: intermediate }), leaf: parse(leaf), path, received: [], time: NOW, provider });
    assert.equal(check.error, undefined);
    assert.equal(check.ocsp?.status, 'good');
  });

  test('a revoked staple is CERT_REVOKED with the verified status alongside', () => {
    const check = checkStapledOcsp({ staple: ocspResponse({ leaf, issuer: intermediate, status: 'revoked' }), leaf: parse(leaf), path, received: [], time: NOW, provider });
    assert.equal(check.ocsp?.status, 'revoked');
    assert.equal(check.error?.code, 'CERT_REVOKED');
  });

  test('an invalid staple is returned as the error, not thrown', () => {
    const check = checkStapledOcsp({ staple: Uint8Array.of(1, 2, 3), leaf: parse(leaf), path, received: [], time: NOW, provider });
    assert.equal(check.error?.code, 'OCSP_RESPONSE_INVALID');
  });

  test('without a validated path, the issuer is the received certificate that signed the leaf', () => {
    const staple = ocspResponse({ leaf, issuer: intermediate, status: 'revoked' });
    const check = checkStapledOcsp({ staple, leaf: parse(leaf), path: [], received: [leaf.der, root.der, intermediate.der], time: NOW, provider });
    assert.equal(check.error?.code, 'CERT_REVOKED');
  });

  test('without a validated path or a received issuer, the staple is not checked', () => {
    const check = checkStapledOcsp({ staple: ocspResponse({ leaf, issuer: intermediate }), leaf: parse(leaf), path: [], received: [leaf.der], time: NOW, provider });
    assert.deepEqual(check, { ocsp: undefined, error: undefined });
  });
});

