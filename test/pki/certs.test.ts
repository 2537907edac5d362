import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';
import { SignatureScheme } from '../../src/wire/codes.js';
import { type IssuedCertificate, type KeyType, cachedPki, generateSelfSigned, issueCertificate, parse, provider } from '../helpers/pki.js';

function extensionsOf(cert: IssuedCertificate) {
  const parsed = AsnConvert.parse(cert.der, Certificate);
  const find = (id: string) => parsed.tbsCertificate.extensions?.find((e) => e.extnID === id);
  return {
    all: () => Array.from(parsed.tbsCertificate.extensions ?? [], (e) => ({ id: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) })),
    nameConstraints: () => {
      const e = find(id_ce_nameConstraints);
      return e && { critical: e.critical, value: AsnConvert.parse(e.extnValue, NameConstraints) };
    },
    basicConstraints: () => {
      const e = find(id_ce_basicConstraints);
      return e && { critical: e.critical, value: AsnConvert.parse(e.extnValue, BasicConstraints) };
    },
    keyUsage: () => {
      const e = find(id_ce_keyUsage);
      return e && { critical: e.critical, value: AsnConvert.parse(e.extnValue, KeyUsage).toNumber() };
    },
    extendedKeyUsage: () => {
      const e = find(id_ce_extKeyUsage);
      return e && [...AsnConvert.parse(e.extnValue, ExtendedKeyUsage)];
    },
  };
}

const SCHEMES: Record<KeyType, number> = {
  'ecdsa-p256': SignatureScheme.ecdsa_secp256r1_sha256,
  'ecdsa-p384': SignatureScheme.ecdsa_secp384r1_sha384,
  'rsa-2048': SignatureScheme.rsa_pss_rsae_sha256,
  'rsa-pss': SignatureScheme.rsa_pss_pss_sha256,
  ed25519: SignatureScheme.ed25519,
};

describe('generateSelfSigned', () => {
  for (const keyType of Object.keys(SCHEMES) as KeyType[]) {
    test(`${keyType}: the key signs what the certificate's key verifies`, () => {
      const cert = generateSelfSigned({ keyType, dnsNames: ['example.test'], ips: ['192.0.2.7'] });
      const parsed = parse(cert);
      assert.equal(parsed.publicKey.kind, keyType.startsWith('ecdsa') ? 'ec' : keyType === 'rsa-2048' ? 'rsa' : keyType);
      assert.equal(parsed.subjectAltName, 'DNS:example.test, IP Address:192.0.2.7');
      assert.equal(parsed.verifySignedBy(parsed), true);
      const data = new TextEncoder().encode('handshake');
      const signature = provider.loadPrivateKey(cert.keyPem).sign(SCHEMES[keyType], data);
      assert.equal(parsed.publicKey.verify(SCHEMES[keyType], data, signature), true);
      assert.match(cert.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    });
  }

  test('defaults to localhost, 127.0.0.1 and ::1, an end-entity certificate', () => {
    const cert = generateSelfSigned();
    const parsed = parse(cert);
    assert.deepEqual(parsed.dnsNames, ['localhost']);
    assert.deepEqual(parsed.ipAddresses, ['127.0.0.1', '0:0:0:0:0:0:0:1']);
    assert.equal(parsed.isCA, false);
    assert.deepEqual(extensionsOf(cert).keyUsage(), { critical: true, value: KeyUsageFlags.digitalSignature });
    assert.deepEqual(extensionsOf(cert).extendedKeyUsage(), [id_kp_serverAuth, id_kp_clientAuth]);
  });

  test('an id-RSASSA-PSS key gets no keyEncipherment (RFC 4055 §1.2)', () => {
    assert.equal(extensionsOf(generateSelfSigned({ keyType: 'rsa-pss' })).keyUsage()?.value, KeyUsageFlags.digitalSignature);
  });

  test('honours days', () => {
    const parsed = parse(generateSelfSigned({ days: 2 }));
    const days = (parsed.notAfter - parsed.notBefore) / 86_400_000;
    assert.ok(days > 2 && days < 2.1, String(days));
  });
});

describe('generatePki', () => {
  const pki = cachedPki();

  test('root and intermediate are CAs with critical basicConstraints and keyCertSign', () => {
    for (const ca of [pki.root, pki.intermediate]) {
      const ext = extensionsOf(ca);
      assert.deepEqual(ext.basicConstraints(), { critical: true, value: new BasicConstraints({ cA: true }) });
      const ku = ext.keyUsage();
      assert.ok(ku?.critical && ku.value & KeyUsageFlags.keyCertSign);
      assert.equal(ext.extendedKeyUsage(), undefined);
    }
  });

  test('the leaf is for localhost, 127.0.0.1 and ::1, serverAuth and clientAuth, not a CA', () => {
    const ext = extensionsOf(pki.leaf);
    assert.equal(ext.basicConstraints()?.value.cA, false);
    assert.equal(ext.keyUsage()?.value, KeyUsageFlags.digitalSignature);
    assert.deepEqual(ext.extendedKeyUsage(), [id_kp_serverAuth, id_kp_clientAuth]);
    assert.equal(new X509Certificate(pki.leafPem).subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  test('each certificate is issued by the next, key identifiers included', () => {
    const [leaf, intermediate, root] = [pki.leaf, pki.intermediate, pki.root].map((c) => new X509Certificate(c.der));
    assert.ok(leaf!.checkIssued(intermediate!) && leaf!.verify(intermediate!.publicKey));
    assert.ok(intermediate!.checkIssued(root!) && intermediate!.verify(root!.publicKey));
    assert.ok(root!.checkIssued(root!));
    assert.equal(pki.chainPem, pki.leafPem + pki.intermediatePem);
  });

  test('an RSA leaf also gets keyEncipherment', () => {
    const rsa = cachedPki({ leafKeyType: 'rsa-2048' });
    assert.equal(extensionsOf(rsa.leaf).keyUsage()?.value, KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment);
    assert.equal(parse(rsa.leaf).publicKey.bits, 2048);
  });

  test('makes the defects it is asked for', () => {
    const now = Date.now();
    assert.ok(parse(cachedPki({ leafValidity: 'expired' }).leaf).notAfter < now);
    assert.ok(parse(cachedPki({ leafValidity: 'not-yet-valid' }).leaf).notBefore > now);
    assert.ok(parse(cachedPki({ intermediateValidity: 'expired' }).intermediate).notAfter < now);
    assert.deepEqual(parse(cachedPki({ leafDnsNames: ['wrong.example'] }).leaf).dnsNames, ['wrong.example']);
    assert.equal(parse(cachedPki({ intermediateIsCA: false }).intermediate).isCA, false);
    const leafAsCA = cachedPki({ leafAsIssuer: true });
    assert.ok(parse(leafAsCA.leafIssuedByLeaf!).verifySignedBy(parse(leafAsCA.leaf)));
  });
});

describe('issueCertificate defect and policy options', () => {
  const ca = issueCertificate({ commonName: 'options CA', isCA: true });

  test('pathLength, and basicConstraints left out', () => {
    assert.equal(extensionsOf(issueCertificate({ isCA: true, pathLength: 2 })).basicConstraints()?.value.pathLenConstraint, 2);
    assert.equal(extensionsOf(issueCertificate({ isCA: true, basicConstraints: false })).basicConstraints(), undefined);
  });

  test('extendedKeyUsage as a list of purposes, or none', () => {
    assert.deepEqual(extensionsOf(issueCertificate({ extendedKeyUsage: [id_kp_clientAuth] })).extendedKeyUsage(), [id_kp_clientAuth]);
    assert.equal(extensionsOf(issueCertificate({ extendedKeyUsage: false })).extendedKeyUsage(), undefined);
  });

  test('nameConstraints, critical, with dNSName, CIDR iPAddress, rfc822Name and directoryName subtrees', () => {
    const cert = issueCertificate({
      isCA: true,
      nameConstraints: { permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }, { ip: '2001:db8::/32' }], excluded: [{ email: 'example.org' }, { directoryName: { organization: 'x' } }] },
    });
    const nc = extensionsOf(cert).nameConstraints();
    assert.equal(nc?.critical, true);
    assert.deepEqual(
      Array.from(nc?.value.permittedSubtrees ?? [], (t) => t.base.dNSName ?? t.base.iPAddress),
      ['example.com', '10.0.0.0/8', '2001:db8::/32'],
    );
    assert.equal(nc?.value.excludedSubtrees?.[0]?.base.rfc822Name, 'example.org');
    assert.ok(nc?.value.excludedSubtrees?.[1]?.base.directoryName);
  });

  test('signatureHash picks the digest, which node:crypto then verifies', () => {
    for (const [hash, oid] of [['sha1', '1.2.840.10045.4.1'], ['sha384', '1.2.840.10045.4.3.3']] as const) {
      const cert = issueCertificate({ signatureHash: hash }, ca);
      assert.equal(AsnConvert.parse(cert.der, Certificate).signatureAlgorithm.algorithm, oid);
      assert.ok(new X509Certificate(cert.der).verify(new X509Certificate(ca.der).publicKey));
    }
    const rsa = issueCertificate({ keyType: 'rsa-2048', isCA: true });
    const md5 = issueCertificate({ signatureHash: 'md5' }, rsa);
    assert.equal(AsnConvert.parse(md5.der, Certificate).signatureAlgorithm.algorithm, '1.2.840.113549.1.1.4');
    assert.throws(() => issueCertificate({ signatureHash: 'md5' }, ca), /ECDSA cannot sign with md5/);
  });

  test('rsaBits and namedCurve choose the key', () => {
    assert.equal(new X509Certificate(issueCertificate({ keyType: 'rsa-2048', rsaBits: 1024 }).der).publicKey.asymmetricKeyDetails?.modulusLength, 1024);
    assert.equal(new X509Certificate(issueCertificate({ namedCurve: 'secp256k1' }).der).publicKey.asymmetricKeyDetails?.namedCurve, 'secp256k1');
  });

  test('version 1: no extensions at all', () => {
    const v1 = AsnConvert.parse(issueCertificate({ version: 1, isCA: true, dnsNames: ['x.example'] }).der, Certificate);
    assert.equal(v1.tbsCertificate.version, 0);
    assert.equal(v1.tbsCertificate.extensions, undefined);
  });

  test('extraExtensions are appended as given, duplicates included', () => {
    const value = new Uint8Array([0x05, 0x00]);
    const ids = extensionsOf(issueCertificate({ extraExtensions: [{ id: '1.2.3.4', critical: true, value }, { id: '1.2.3.4', value }] }))
      .all()
      .filter((e) => e.id === '1.2.3.4');
    assert.deepEqual(ids, [{ id: '1.2.3.4', critical: true, value }, { id: '1.2.3.4', critical: false, value }]);
  });

  test('mustStaple adds the RFC 7633 TLS feature status_request', () => {
    const feature = extensionsOf(issueCertificate({ mustStaple: true })).all().find((e) => e.id === '1.3.6.1.5.5.7.1.24');
    assert.deepEqual(feature, { id: '1.3.6.1.5.5.7.1.24', critical: false, value: Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]) });
  });

  test('emails and uris become rfc822Name and uniformResourceIdentifier SANs', () => {
    const cert = issueCertificate({ dnsNames: ['a.example'], emails: ['ops@example.com'], uris: ['https://example.com/x'] });
    assert.equal(new X509Certificate(cert.der).subjectAltName, 'DNS:a.example, email:ops@example.com, URI:https://example.com/x');
  });

  test('generatePki passes per-certificate options through', () => {
    const pki = cachedPki({ root: { pathLength: 1 }, intermediate: { extendedKeyUsage: [id_kp_serverAuth] }, leaf: { dnsNames: ['svc.example'] } });
    assert.equal(extensionsOf(pki.root).basicConstraints()?.value.pathLenConstraint, 1);
    assert.deepEqual(extensionsOf(pki.intermediate).extendedKeyUsage(), [id_kp_serverAuth]);
    assert.deepEqual(parse(pki.leaf).dnsNames, ['svc.example']);
  });
});
