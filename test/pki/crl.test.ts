// Revocation checking from supplied CRLs (src/pki/crl.ts): RFC 5280 §5 parsing and §6.3 checking,
// with OpenSSL's CRL_CHECK_ALL policy (what node:tls does when given `crl`): every certificate
// of the path but the trust anchor needs a current CRL from its issuer. One test per rule, over a
// generated root → intermediate → leaf PKI; CRLs are built and signed in the tests (helpers/crl.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AlgorithmIdentifier, CertificateList, Extension, Reason as ReasonBits, ReasonFlags } from '@peculiar/asn1-x509';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { clientConfigFrom, createSecureContext, serverConfigFrom } from '../../src/node/options.js';
import { TLSError } from '../../src/errors.js';
import { createCertificateVerifier, verifyServerCertificate } from '../../src/pki/chain.js';
import { CrlStore, canonicalSerial, checkRevocation, parseCrl, parseCrls } from '../../src/pki/crl.js';
import { CERT_ERRORS } from '../../src/pki/errors.js';
import { Reason, crlDistributionPoints, dpName, id_ce_cRLDistributionPoints, idp, issueCrl, serialOf } from '../helpers/crl.js';
import { assertCertError, cachedPki, ders, generateSelfSigned, issueCertificate, parse, provider, trustOf, verifyCase } from '../helpers/pki.js';

const pki = cachedPki();
const { root, intermediate, leaf } = pki;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();

/** The two CRLs a complete check of the PKI's path needs: the intermediate's (for the leaf) and the root's (for the intermediate). */
const intCrl = issueCrl(intermediate);
const rootCrl = issueCrl(root);

/** verifyCertificateChain of the PKI's leaf (intermediate given) with these CRLs. */
const check = (crls: Array<Uint8Array | string>, time = NOW) => verifyCase({ leaf, intermediates: [intermediate], anchors: [root] }, { crls, time });

const UNKNOWN_OID = '1.3.6.1.4.1.55555.1';

describe('CRL checking: the policy (CRL_CHECK_ALL)', () => {
  test('a path whose certificates are not listed passes, with one CRL per issuer', () => {
    assert.equal(check([intCrl.der, rootCrl.der]).length, 3);
  });

  test('PEM works as well as DER, several CRLs in one string or among certificates', () => {
    assert.equal(check([intCrl.pem + rootCrl.pem]).length, 3);
    assert.equal(check([pki.rootPem + intCrl.pem + pki.leafPem + rootCrl.pem]).length, 3);
    assert.equal(check([Buffer.from(intCrl.pem), rootCrl.der]).length, 3);
  });

  test('a revoked leaf fails with CERT_REVOKED (certificate_revoked)', () => {
    const revoked = issueCrl(intermediate, { revoked: [{ cert: leaf, reason: Reason.keyCompromise }] });
    const err = assertCertError(() => check([revoked.der, rootCrl.der]), 'CERT_REVOKED');
    assert.equal(err.alertName, 'certificate_revoked');
    assert.match(err.message, /depth 0.*keyCompromise/);
  });

  test('a revoked intermediate fails with CERT_REVOKED', () => {
    const revoked = issueCrl(root, { revoked: [{ cert: intermediate }] });
    const err = assertCertError(() => check([intCrl.der, revoked.der]), 'CERT_REVOKED');
    assert.match(err.message, /depth 1/);
  });

  test('other serial numbers on the CRL do not revoke the leaf', () => {
    const other = issueCertificate({ dnsNames: ['other.example'] }, intermediate);
    const crl = issueCrl(intermediate, { revoked: [{ cert: other }, { cert: new Uint8Array([0x01]) }] });
    assert.equal(check([crl.der, rootCrl.der]).length, 3);
  });

  test('no CRL for the intermediate fails with UNABLE_TO_GET_CRL, as CRL_CHECK_ALL does', () => {
    const err = assertCertError(() => check([intCrl.der]), 'UNABLE_TO_GET_CRL');
    assert.equal(err.alertName, 'certificate_unknown');
    assert.match(err.message, /depth 1/);
  });

  test('no CRL for the leaf fails with UNABLE_TO_GET_CRL', () => {
    assertCertError(() => check([rootCrl.der]), 'UNABLE_TO_GET_CRL');
  });

  test('the trust anchor needs no CRL, and a trusted leaf alone needs none at all', () => {
    const selfSigned = generateSelfSigned();
    const path = verifyCase({ leaf: selfSigned, anchors: [selfSigned] }, { crls: [intCrl.der] });
    assert.equal(path.length, 1);
  });

  test('without crls, or with an empty list (as node:tls), nothing is checked', () => {
    assert.equal(verifyCase({ leaf, intermediates: [intermediate], anchors: [root] }).length, 3);
    assert.equal(check([]).length, 3);
  });

  test('an expired CRL: CRL_HAS_EXPIRED', () => {
    const expired = issueCrl(intermediate, { thisUpdate: new Date(NOW - 10 * DAY), nextUpdate: new Date(NOW - 10 * 60_000) });
    assertCertError(() => check([expired.der, rootCrl.der]), 'CRL_HAS_EXPIRED');
    // The same CRL was current within its interval (the leaf is valid from an hour ago).
    assert.equal(check([expired.der, rootCrl.der], NOW - 20 * 60_000).length, 3);
  });

  test('a CRL not yet valid: CRL_NOT_YET_VALID', () => {
    const future = issueCrl(intermediate, { thisUpdate: new Date(NOW + DAY), nextUpdate: new Date(NOW + 8 * DAY) });
    assertCertError(() => check([future.der, rootCrl.der]), 'CRL_NOT_YET_VALID');
  });

  test('a CRL without nextUpdate stays current (as OpenSSL)', () => {
    const open = issueCrl(intermediate, { thisUpdate: new Date(NOW - 400 * DAY), nextUpdate: null });
    assert.equal(check([open.der, rootCrl.der]).length, 3);
  });

  test('a current CRL beside an expired one is used', () => {
    const expired = issueCrl(intermediate, { thisUpdate: new Date(NOW - 10 * DAY), nextUpdate: new Date(NOW - DAY) });
    assert.equal(check([expired.der, intCrl.der, rootCrl.der]).length, 3);
  });

  test('a CRL signed by another key: CRL_SIGNATURE_FAILURE', () => {
    const stranger = issueCertificate({ commonName: 'stranger', isCA: true });
    const forged = issueCrl(intermediate, { signer: stranger });
    const err = assertCertError(() => check([forged.der, rootCrl.der]), 'CRL_SIGNATURE_FAILURE');
    assert.equal(err.alertName, 'certificate_unknown');
    assertCertError(() => check([issueCrl(intermediate, { corruptSignature: true }).der, rootCrl.der]), 'CRL_SIGNATURE_FAILURE');
  });

  test('a forged CRL does not hide a genuine one', () => {
    const forged = issueCrl(intermediate, { signer: issueCertificate({ isCA: true }), thisUpdate: new Date(NOW - 60_000) });
    assert.equal(check([forged.der, intCrl.der, rootCrl.der]).length, 3);
    // … nor a genuine revocation.
    const revoked = issueCrl(intermediate, { revoked: [{ cert: leaf }] });
    assertCertError(() => check([forged.der, revoked.der, rootCrl.der]), 'CERT_REVOKED');
  });

  test('a SHA-1 signature is refused (CRL_SIGNATURE_FAILURE), as for certificates', () => {
    const sha1 = issueCrl(intermediate, { signatureHash: 'sha1' });
    const err = assertCertError(() => check([sha1.der, rootCrl.der]), 'CRL_SIGNATURE_FAILURE');
    assert.match(err.message, /ecdsa-with-SHA1/);
  });

  test('RSA and Ed25519 issuers sign CRLs too', () => {
    for (const caKeyType of ['rsa-2048', 'ed25519', 'ecdsa-p384'] as const) {
      const other = cachedPki({ caKeyType });
      const path = verifyCase(
        { leaf: other.leaf, intermediates: [other.intermediate], anchors: [other.root] },
        { crls: [issueCrl(other.intermediate).der, issueCrl(other.root).der] },
      );
      assert.equal(path.length, 3, caKeyType);
      const revoked = issueCrl(other.intermediate, { revoked: [{ cert: other.leaf }] });
      assertCertError(
        () => verifyCase({ leaf: other.leaf, intermediates: [other.intermediate], anchors: [other.root] }, { crls: [revoked.der, issueCrl(other.root).der] }),
        'CERT_REVOKED',
      );
    }
  });

  test("a CRL from another issuer does not apply, even listing the leaf's serial number", () => {
    const other = cachedPki({ root: { commonName: 'other root' }, intermediate: { commonName: 'other intermediate' } });
    const foreign = issueCrl(other.intermediate, { revoked: [{ cert: serialOf(leaf) }] });
    assert.equal(check([foreign.der, intCrl.der, rootCrl.der]).length, 3);
    assertCertError(() => check([foreign.der, rootCrl.der]), 'UNABLE_TO_GET_CRL');
  });

  test('a CRL under the same name but another key (authorityKeyIdentifier) does not apply', () => {
    const namesake = issueCrl(intermediate, { authorityKeyIdentifier: new Uint8Array(20).fill(7), revoked: [{ cert: leaf }] });
    assertCertError(() => check([namesake.der, rootCrl.der]), 'UNABLE_TO_GET_CRL');
    assert.equal(check([namesake.der, intCrl.der, rootCrl.der]).length, 3);
    // Without an authorityKeyIdentifier, the name decides and the signature must then verify.
    assert.equal(check([issueCrl(intermediate, { authorityKeyIdentifier: false }).der, rootCrl.der]).length, 3);
  });

  test('revocationDate in the future: not revoked yet; revoked from then on', () => {
    const later = new Date(NOW + 2 * DAY);
    const crl = issueCrl(intermediate, { revoked: [{ cert: leaf, date: later }], nextUpdate: new Date(NOW + 30 * DAY) });
    const rootLong = issueCrl(root, { nextUpdate: new Date(NOW + 30 * DAY) });
    assert.equal(check([crl.der, rootLong.der]).length, 3);
    assertCertError(() => check([crl.der, rootLong.der], NOW + 3 * DAY), 'CERT_REVOKED');
  });

  test('the newest current CRL decides (a released certificateHold)', () => {
    const held = issueCrl(intermediate, { thisUpdate: new Date(NOW - 2 * HOUR), crlNumber: 1, revoked: [{ cert: leaf, reason: Reason.certificateHold }] });
    const released = issueCrl(intermediate, { thisUpdate: new Date(NOW - HOUR), crlNumber: 2 });
    assert.equal(check([held.der, released.der, rootCrl.der]).length, 3);
    const err = assertCertError(() => check([held.der, rootCrl.der]), 'CERT_REVOKED');
    assert.match(err.message, /certificateHold/);
  });

  test('removeFromCRL does not revoke', () => {
    const crl = issueCrl(intermediate, { revoked: [{ cert: leaf, reason: Reason.removeFromCRL }] });
    assert.equal(check([crl.der, rootCrl.der]).length, 3);
  });

  test('a CRL of thousands of entries (past asn1js\'s default node limit) parses, and finds the leaf', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ cert: Uint8Array.of(0x11, i >> 8, i & 0xff, 7, 7, 7, 7, 7), reason: Reason.superseded }));
    const big = issueCrl(intermediate, { revoked: [...many, { cert: leaf }] });
    assert.equal(parseCrl(big.der).revoked.size, 3001);
    assertCertError(() => check([big.der, rootCrl.der]), 'CERT_REVOKED');
  });

  test('a version 1 CRL (no extensions) is used', () => {
    const v1 = issueCrl(intermediate, { version: 1, revoked: [{ cert: leaf }] });
    assert.equal(parseCrl(v1.der).authorityKeyIdentifier, undefined);
    assertCertError(() => check([v1.der, rootCrl.der]), 'CERT_REVOKED');
  });

  test('an issuer whose keyUsage lacks cRLSign: KEYUSAGE_NO_CRL_SIGN', () => {
    // keyCertSign only (32): a CA that may issue certificates but not CRLs (RFC 5280 §6.3.3 (f)).
    const noCrlSign = cachedPki({ intermediate: { keyUsage: 32 } });
    const run = () =>
      verifyCase(
        { leaf: noCrlSign.leaf, intermediates: [noCrlSign.intermediate], anchors: [noCrlSign.root] },
        { crls: [issueCrl(noCrlSign.intermediate).der, issueCrl(noCrlSign.root).der] },
      );
    assertCertError(run, 'KEYUSAGE_NO_CRL_SIGN');
  });

  test('checks come after path building and before the host name', () => {
    const revoked = issueCrl(intermediate, { revoked: [{ cert: leaf }] });
    assertCertError(() => verifyCase({ leaf, intermediates: [intermediate], anchors: [root] }, { crls: [revoked.der, rootCrl.der], hostname: 'wrong.example' }), 'CERT_REVOKED');
    assertCertError(
      () => verifyCase({ leaf, intermediates: [intermediate], anchors: [cachedPki({ root: { commonName: 'x' } }).root] }, { crls: [revoked.der, rootCrl.der] }),
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    );
  });
});

describe('CRL checking: what makes a CRL unusable (it covers nothing)', () => {
  const unusable = (crl: Uint8Array, because: RegExp) => {
    assert.match(parseCrl(crl).unusable ?? '', because);
    const err = assertCertError(() => check([crl, rootCrl.der]), 'UNABLE_TO_GET_CRL');
    assert.match(err.message, because);
  };

  test('an unknown critical CRL extension (RFC 5280 §5.2)', () => {
    unusable(issueCrl(intermediate, { extensions: [{ id: UNKNOWN_OID, critical: true, value: new Uint8Array([5, 0]) }] }).der, /unhandled critical extension/);
  });

  test('an unknown non-critical one is ignored', () => {
    const crl = issueCrl(intermediate, { extensions: [{ id: UNKNOWN_OID, value: new Uint8Array([5, 0]) }] });
    assert.equal(parseCrl(crl.der).unusable, undefined);
    assert.equal(check([crl.der, rootCrl.der]).length, 3);
  });

  test('an unknown critical CRL entry extension (RFC 5280 §5.3), even on another entry', () => {
    const crl = issueCrl(intermediate, { revoked: [{ cert: new Uint8Array([0x42]), extensions: [{ id: UNKNOWN_OID, critical: true, value: new Uint8Array([5, 0]) }] }] });
    unusable(crl.der, /entry has the unhandled critical extension/);
  });

  test('a delta CRL', () => {
    unusable(issueCrl(intermediate, { extensions: [{ id: '2.5.29.27', critical: true, value: new Uint8Array([2, 1, 1]) }] }).der, /delta CRL/);
  });

  test('an indirect CRL, by issuingDistributionPoint or by a certificateIssuer entry', () => {
    unusable(issueCrl(intermediate, { issuingDistributionPoint: idp({ indirectCRL: true }) }).der, /indirect/);
    // certificateIssuer: GeneralNames with one dNSName, "a".
    const certificateIssuer = new Uint8Array([0x30, 0x03, 0x82, 0x01, 0x61]);
    unusable(issueCrl(intermediate, { revoked: [{ cert: leaf, extensions: [{ id: '2.5.29.29', critical: true, value: certificateIssuer }] }] }).der, /indirect/);
  });

  test('an issuingDistributionPoint for some reasons only, or for attribute certificates', () => {
    const someReasons = idp({ onlySomeReasons: new ReasonBits(ReasonFlags.keyCompromise) });
    unusable(issueCrl(intermediate, { issuingDistributionPoint: someReasons }).der, /only some revocation reasons/);
    unusable(issueCrl(intermediate, { issuingDistributionPoint: idp({ onlyContainsAttributeCerts: true }) }).der, /attribute certificates/);
  });

  test('onlyContainsUserCerts covers the leaf, not the intermediate; onlyContainsCACerts the reverse', () => {
    const users = issueCrl(root, { issuingDistributionPoint: idp({ onlyContainsUserCerts: true }) });
    assertCertError(() => check([intCrl.der, users.der]), 'UNABLE_TO_GET_CRL');
    const cas = issueCrl(root, { issuingDistributionPoint: idp({ onlyContainsCACerts: true }) });
    assert.equal(check([intCrl.der, cas.der]).length, 3);
    const leafOnly = issueCrl(intermediate, { issuingDistributionPoint: idp({ onlyContainsUserCerts: true }), revoked: [{ cert: leaf }] });
    assertCertError(() => check([leafOnly.der, rootCrl.der]), 'CERT_REVOKED');
    const caOnly = issueCrl(intermediate, { issuingDistributionPoint: idp({ onlyContainsCACerts: true }) });
    assertCertError(() => check([caOnly.der, rootCrl.der]), 'UNABLE_TO_GET_CRL');
  });

  test("a partitioned CRL covers the certificates whose cRLDistributionPoints name it (RFC 5280 §6.3.3 (b)(2)(i))", () => {
    const uri = 'http://crl.example/1.crl';
    const pointed = issueCertificate(
      { dnsNames: ['localhost'], extraExtensions: [{ id: id_ce_cRLDistributionPoints, value: crlDistributionPoints('http://crl.example/0.crl', uri) }] },
      intermediate,
    );
    const partition = (name: string, revoked = false) =>
      issueCrl(intermediate, { issuingDistributionPoint: idp({ distributionPoint: dpName(name) }), revoked: revoked ? [{ cert: pointed }] : [] }).der;
    const run = (crls: Uint8Array[]) => verifyCase({ leaf: pointed, intermediates: [intermediate], anchors: [root] }, { crls: [...crls, rootCrl.der] });
    assert.equal(run([partition(uri)]).length, 3);
    assertCertError(() => run([partition(uri, true)]), 'CERT_REVOKED');
    // Another partition does not cover it; nor does any partition cover a certificate without cRLDistributionPoints.
    assertCertError(() => run([partition('http://crl.example/2.crl')]), 'UNABLE_TO_GET_CRL');
    assertCertError(() => check([partition(uri), rootCrl.der]), 'UNABLE_TO_GET_CRL');
  });
});

describe('CRL parsing: bad input is a configuration error (UNABLE_TO_DECODE_CRL), never a raw exception', () => {
  const decodeError = (run: () => unknown) => {
    let caught: unknown;
    try {
      run();
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof TLSError, `expected a TLSError, got ${String(caught)}`);
    assert.equal(caught.code, 'UNABLE_TO_DECODE_CRL', caught.message);
    assert.equal(caught.alert, CERT_ERRORS.UNABLE_TO_DECODE_CRL.alert);
    return caught;
  };

  test('garbage, empty input, a PEM without a CRL, bad base64', () => {
    decodeError(() => parseCrls(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])));
    decodeError(() => parseCrls(new Uint8Array(0)));
    decodeError(() => parseCrls('not a CRL'));
    decodeError(() => parseCrls(pki.rootPem));
    decodeError(() => parseCrls('-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n'));
    decodeError(() => parseCrls(['-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n']));
    // A certificate is not a CRL.
    decodeError(() => parseCrls(root.der));
    decodeError(() => parseCrls([intCrl.der, 42 as never]));
  });

  test('every strict prefix of a CRL, and the CRL with a byte more', () => {
    const der = issueCrl(intermediate, { revoked: [{ cert: leaf, reason: 1 }] }).der;
    for (let n = 0; n < der.length; n++) decodeError(() => parseCrl(der.subarray(0, n)));
    decodeError(() => parseCrl(Uint8Array.of(...der, 0)));
    const pem = issueCrl(intermediate).pem;
    const lines = pem.trim().split('\n');
    decodeError(() => parseCrls([...lines.slice(0, 2), lines.at(-1)!].join('\n')));
  });

  test('random and mutated bytes: a CRL or UNABLE_TO_DECODE_CRL', () => {
    const der = issueCrl(intermediate, { revoked: [{ cert: leaf }] }).der;
    const mutated = fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const copy = der.slice();
      copy[i]! ^= x;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        try {
          const crl = parseCrl(bytes);
          // What parses must be checkable without a raw exception either.
          checkRevocation({ path: [parse(leaf), parse(intermediate), parse(root)], crls: new CrlStore([crl]), time: NOW });
        } catch (err) {
          assert.ok(err instanceof TLSError, String(err));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a version other than v1 or v2, or the tbsCertList signature differing from signatureAlgorithm', () => {
    const der = issueCrl(intermediate).der;
    // The version INTEGER is the first element of tbsCertList: 02 01 01 → 02 01 05.
    const at = indexOfBytes(der, [0x02, 0x01, 0x01]);
    const v6 = der.slice();
    v6[at + 2] = 5;
    assert.match(decodeError(() => parseCrl(v6)).message, /version 6/);
    const list = AsnConvert.parse(der, CertificateList);
    list.signatureAlgorithm = new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' });
    assert.match(decodeError(() => parseCrl(new Uint8Array(AsnConvert.serialize(list)))).message, /differs from signatureAlgorithm/);
  });

  test('duplicate extensions, and extensions in a version 1 CRL', () => {
    const twice = issueCrl(intermediate, { crlNumber: false, extensions: [{ id: '2.5.29.20', value: new Uint8Array([2, 1, 1]) }, { id: '2.5.29.20', value: new Uint8Array([2, 1, 2]) }] });
    assert.match(decodeError(() => parseCrl(twice.der)).message, /more than once/);
  });

  test('options: createCertificateVerifier, clientConfigFrom, serverConfigFrom and createSecureContext parse CRLs once, up front', () => {
    const garbage = '-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n';
    decodeError(() => createCertificateVerifier(trustOf(root), provider, { crls: garbage }));
    decodeError(() => clientConfigFrom({ ca: pki.rootPem, crl: garbage }, provider));
    // A server without requestCert still refuses a malformed `crl`, as node:tls does.
    decodeError(() => serverConfigFrom({ crl: garbage }, []));
    decodeError(() => createSecureContext({ crl: [garbage] }, provider));
    const crl = Buffer.from(intCrl.pem + rootCrl.pem);
    assert.ok(clientConfigFrom({ ca: pki.rootPem, crl }, provider).verifier);
  });

  test('serial numbers compare by value', () => {
    assert.equal(canonicalSerial('00ff'), '00ff');
    assert.equal(canonicalSerial('007f'), '7f');
    assert.equal(canonicalSerial('00'), '00');
    assert.equal(canonicalSerial('ABCD'), 'abcd');
  });
});

describe('CRL checking through the verifier the handshake uses', () => {
  test('createCertificateVerifier with crls: revoked, then fine with the current CRL', () => {
    const revoked = issueCrl(intermediate, { revoked: [{ cert: leaf }] });
    const verify = createCertificateVerifier(trustOf(root), provider, { crls: [revoked.pem, rootCrl.pem] });
    assertCertError(() => verify({ chain: ders(leaf, intermediate), hostname: 'localhost', purpose: 'server', time: NOW }), 'CERT_REVOKED');
    const store = CrlStore.from([intCrl.der, rootCrl.der]);
    const fine = createCertificateVerifier(trustOf(root), provider, { crls: store });
    assert.equal(fine({ chain: ders(leaf, intermediate), hostname: 'localhost', purpose: 'server', time: NOW }).path.length, 3);
    // The signature check is remembered: the second call verifies nothing again.
    assert.equal(fine({ chain: ders(leaf, intermediate), hostname: 'localhost', purpose: 'server', time: NOW }).path.length, 3);
  });

  test('verifyServerCertificate takes a CrlStore', () => {
    const crls = CrlStore.from(intCrl.pem + rootCrl.pem);
    assert.equal(crls.size, 2);
    assert.equal(verifyServerCertificate({ chain: ders(leaf, intermediate), trust: trustOf(root), hostname: 'localhost', time: NOW, provider, crls }).path.length, 3);
  });

  test('an extension of an entry is read: invalidityDate is informational', () => {
    const invalidity = new Extension({ extnID: '2.5.29.24', critical: false, extnValue: new OctetString(new Uint8Array([0x18, 0x0f, ...Buffer.from('20200101000000Z')])) });
    const crl = issueCrl(intermediate, { revoked: [{ cert: leaf, extensions: [{ id: invalidity.extnID, value: new Uint8Array(invalidity.extnValue.buffer) }] }] });
    assertCertError(() => check([crl.der, rootCrl.der]), 'CERT_REVOKED');
  });
});

function indexOfBytes(haystack: Uint8Array, needle: readonly number[]): number {
  for (let i = 0; i <= haystack.length - needle.length; i++) if (needle.every((b, j) => haystack[i + j] === b)) return i;
  return -1;
}
