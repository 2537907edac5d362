// The policy view of a certificate (src/pki/certificate.ts): what it reads, what it refuses, and
// that it parses each certificate once.
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { KeyUsageFlags, anyExtendedKeyUsage, id_kp_serverAuth } from '@peculiar/asn1-x509';
import { createNodeProvider } from '../../src/crypto/node.js';
import { certificateInfo, describePublicKey, parseCertificateInfo, spkiSha256 } from '../../src/pki/certificate.js';
import { type CertErrorCode } from '../../src/pki/errors.js';
import { assertCertError, issueCertificate, parse, provider } from '../helpers/pki.js';

const spkiOf = (der: Uint8Array) => new Uint8Array(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));
const decodeFails = (der: Uint8Array, code: CertErrorCode) => assertCertError(() => parseCertificateInfo(der), code);

describe('parseCertificateInfo', () => {
  const root = issueCertificate({ commonName: 'info root', organization: 'info', isCA: true, pathLength: 2 });
  const leaf = issueCertificate(
    {
      commonName: 'info leaf',
      dnsNames: ['a.example', '*.b.example'],
      ips: ['192.0.2.1', '2001:db8::1'],
      emails: ['ops@example.com'],
      uris: ['https://example.com/id'],
      extendedKeyUsage: [id_kp_serverAuth, anyExtendedKeyUsage],
      mustStaple: true,
    },
    root,
  );

  test('reads version, serial, names as received, validity and key', () => {
    const info = parseCertificateInfo(leaf.der);
    const x509 = new X509Certificate(leaf.der);
    assert.equal(info.version, 3);
    assert.equal(info.serialNumber.toUpperCase(), x509.serialNumber);
    assert.equal(info.issuer.text, 'O=info, CN=info root');
    assert.equal(info.subject.text, 'CN=info leaf');
    assert.deepEqual(info.issuerDer, parseCertificateInfo(root.der).subjectDer);
    assert.equal(info.selfIssued, false);
    assert.equal(parseCertificateInfo(root.der).selfIssued, true);
    assert.equal(info.notBefore, Date.parse(x509.validFrom));
    assert.equal(info.notAfter, Date.parse(x509.validTo));
    assert.deepEqual(info.spki, spkiOf(leaf.der));
    assert.deepEqual(info.key, { algorithm: 'ec', oid: '1.2.840.10045.2.1', curve: 'P-256' });
    assert.deepEqual(info.signatureAlgorithm, { oid: '1.2.840.10045.4.3.2', hash: 'sha256', name: 'ecdsa-with-SHA256' });
    assert.equal(info.signatureAlgorithmConsistent, true);
  });

  test('reads basicConstraints, keyUsage, extendedKeyUsage and key identifiers', () => {
    const rootInfo = parseCertificateInfo(root.der);
    assert.deepEqual(rootInfo.basicConstraints, { cA: true, pathLenConstraint: 2 });
    assert.equal(rootInfo.keyUsage, KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    assert.equal(rootInfo.extendedKeyUsage, undefined);
    const info = parseCertificateInfo(leaf.der);
    assert.deepEqual(info.basicConstraints, { cA: false, pathLenConstraint: undefined });
    assert.equal(info.keyUsage, KeyUsageFlags.digitalSignature);
    assert.deepEqual(info.extendedKeyUsage, [id_kp_serverAuth, anyExtendedKeyUsage]);
    assert.deepEqual(info.authorityKeyIdentifier, root.keyIdentifier);
    assert.deepEqual(info.subjectKeyIdentifier, leaf.keyIdentifier);
    assert.deepEqual(rootInfo.authorityKeyIdentifier, undefined);
  });

  test('reads subjectAltName by type, IP addresses as octets', () => {
    const san = parseCertificateInfo(leaf.der).subjectAltName!;
    assert.deepEqual(san.dNSName, ['a.example', '*.b.example']);
    assert.deepEqual(san.iPAddress, [Uint8Array.from([192, 0, 2, 1]), Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1])]);
    assert.deepEqual(san.rfc822Name, ['ops@example.com']);
    assert.deepEqual([...san.other], ['uniformResourceIdentifier']);
  });

  test('lists every extension with its critical flag, and exposes the RFC 7633 must-staple feature', () => {
    const info = parseCertificateInfo(leaf.der);
    assert.deepEqual(Object.fromEntries([...info.extensions].map(([oid, e]) => [oid, e.critical])), {
      '2.5.29.19': true,
      '2.5.29.14': false,
      '2.5.29.35': false,
      '2.5.29.15': true,
      '2.5.29.37': false,
      '2.5.29.17': false,
      '1.3.6.1.5.5.7.1.24': false,
    });
    assert.equal(info.mustStaple, true);
    assert.equal(parseCertificateInfo(root.der).mustStaple, false);
  });

  test('reads nameConstraints subtrees', () => {
    const constrained = issueCertificate({
      commonName: 'nc',
      isCA: true,
      nameConstraints: { permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }, { directoryName: { organization: 'Acme  Corp' } }], excluded: [{ email: '.example.org' }, { uri: 'https://x' }] },
    });
    const nc = parseCertificateInfo(constrained.der).nameConstraints!;
    assert.deepEqual(nc.permitted?.slice(0, 2), [
      { type: 'dNSName', value: 'example.com' },
      { type: 'iPAddress', address: Uint8Array.from([10, 0, 0, 0]), mask: Uint8Array.from([255, 0, 0, 0]) },
    ]);
    const dir = nc.permitted?.[2];
    assert.ok(dir?.type === 'directoryName');
    assert.deepEqual(dir.value.rdns, [[{ type: '2.5.4.10', value: 'acme corp' }]]);
    assert.deepEqual(nc.excluded, [{ type: 'rfc822Name', value: '.example.org' }, { type: 'unsupported', nameType: 'uniformResourceIdentifier' }]);
  });

  test('describes keys: RSA size, EC curve, EdDSA', () => {
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ keyType: 'rsa-2048' }).der).key), 'RSA 2048');
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ keyType: 'rsa-2048', rsaBits: 1024 }).der).key), 'RSA 1024');
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ keyType: 'rsa-pss' }).der).key), 'RSA-PSS 2048');
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ keyType: 'ecdsa-p384' }).der).key), 'EC P-384');
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ namedCurve: 'secp256k1' }).der).key), 'EC 1.3.132.0.10');
    assert.equal(describePublicKey(parseCertificateInfo(issueCertificate({ keyType: 'ed25519' }).der).key), 'Ed25519');
  });

  test('reads the digest of RSASSA-PSS and PKCS #1 signatures', () => {
    const pss = issueCertificate({ keyType: 'rsa-pss' });
    assert.equal(parseCertificateInfo(pss.der).signatureAlgorithm.hash, 'sha256');
    const sha1 = issueCertificate({ keyType: 'rsa-2048', signatureHash: 'sha1' });
    assert.deepEqual(parseCertificateInfo(sha1.der).signatureAlgorithm, { oid: '1.2.840.113549.1.1.5', hash: 'sha1', name: 'sha1WithRSAEncryption' });
  });

  test('reads a version 1 certificate: no extensions', () => {
    const info = parseCertificateInfo(issueCertificate({ version: 1, commonName: 'v1' }).der);
    assert.equal(info.version, 1);
    assert.equal(info.extensions.size, 0);
    assert.equal(info.basicConstraints, undefined);
  });

  test('rejects duplicate extensions (DUPLICATE_EXTENSION)', () => {
    const unknown = { id: '1.3.6.1.4.1.55555.2', value: new Uint8Array([0x05, 0x00]) };
    decodeFails(issueCertificate({ extraExtensions: [unknown, unknown] }).der, 'DUPLICATE_EXTENSION');
  });

  test('rejects extensions that break their RFC 5280 rules (INVALID_EXTENSION)', () => {
    const emptyKeyUsage = { id: '2.5.29.15', critical: true, value: new Uint8Array([0x03, 0x01, 0x00]) };
    assert.match(decodeFails(issueCertificate({ keyUsage: null, extraExtensions: [emptyKeyUsage] }).der, 'INVALID_EXTENSION').message, /keyUsage with no bit set/);
    assert.match(decodeFails(issueCertificate({ isCA: false, pathLength: 0 }).der, 'INVALID_EXTENSION').message, /pathLenConstraint without cA/);
    // permittedSubtrees [0] { iPAddress 10.0.0.0 mask 255.0.255.0 }: the mask is not contiguous.
    const holeyMask = { id: '2.5.29.30', critical: true, value: Uint8Array.from([0x30, 0x0e, 0xa0, 0x0c, 0x30, 0x0a, 0x87, 0x08, 10, 0, 0, 0, 255, 0, 255, 0]) };
    assert.match(decodeFails(issueCertificate({ isCA: true, extraExtensions: [holeyMask] }).der, 'INVALID_EXTENSION').message, /not contiguous/);
    const notAnExtension = { id: '2.5.29.17', value: new Uint8Array([0x02, 0x01, 0x00]) };
    decodeFails(issueCertificate({ extraExtensions: [notAnExtension] }).der, 'INVALID_EXTENSION');
  });

  test('rejects what is not a certificate (UNABLE_TO_DECODE_CERT)', () => {
    decodeFails(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'UNABLE_TO_DECODE_CERT');
  });
});

describe('certificateInfo', () => {
  const cert = issueCertificate({ dnsNames: ['cache.example'] });

  test('parses a certificate once, even through another provider object for the same DER', () => {
    const first = certificateInfo(parse(cert));
    assert.equal(certificateInfo(parse(cert)), first);
    const elsewhere = createNodeProvider().parseCertificate(cert.der);
    assert.notEqual(elsewhere, parse(cert));
    assert.equal(certificateInfo(elsewhere), first);
  });

  test('remembers a certificate that does not parse as its error', () => {
    const dup = { id: '1.3.6.1.4.1.55555.3', value: new Uint8Array([0x05, 0x00]) };
    const bad = parse(issueCertificate({ extraExtensions: [dup, dup] }));
    const first = assertCertError(() => certificateInfo(bad), 'DUPLICATE_EXTENSION');
    assert.equal(assertCertError(() => certificateInfo(bad), 'DUPLICATE_EXTENSION'), first);
  });

  test('spkiSha256 is base64 SHA-256 of the DER SubjectPublicKeyInfo (RFC 7469 pin-sha256)', () => {
    const expected = createHash('sha256').update(spkiOf(cert.der)).digest('base64');
    assert.equal(spkiSha256(certificateInfo(parse(cert)), provider), expected);
  });
});
