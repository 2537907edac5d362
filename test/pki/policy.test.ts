// One test per rule of issue 3's "Policy" section, each positive and negative, on a fresh
// root → intermediate → leaf PKI built for the case.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, KeyUsageFlags, anyExtendedKeyUsage, id_kp_clientAuth, id_kp_serverAuth } from '@peculiar/asn1-x509';
import {
  type CertificateOptions,
  type ChainCase,
  type IssuedCertificate,
  assertCertError,
  fingerprints,
  issueCertificate,
  verifyCase,
} from '../helpers/pki.js';

interface Spec {
  root?: CertificateOptions;
  intermediate?: CertificateOptions;
  leaf?: CertificateOptions;
}

interface Built extends ChainCase {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
}

function build(spec: Spec = {}): Built {
  const root = issueCertificate({ commonName: 'policy root', organization: 'policy', isCA: true, ...spec.root });
  const intermediate = issueCertificate({ commonName: 'policy intermediate', organization: 'policy', isCA: true, ...spec.intermediate }, root);
  const leaf = issueCertificate({ dnsNames: ['localhost'], ...spec.leaf }, intermediate);
  return { root, intermediate, leaf, intermediates: [intermediate], anchors: [root] };
}

const accepts = (c: ChainCase, options: Parameters<typeof verifyCase>[1] = {}) => assert.equal(verifyCase(c, options).length, 1 + (c.intermediates?.length ?? 0) + 1);
const noHost = { hostname: undefined };

describe('basicConstraints (RFC 5280 §4.2.1.9, §6.1.4 (k))', () => {
  test('accepts CAs that assert cA', () => {
    accepts(build());
  });

  test('rejects a leaf used as a CA', () => {
    const c = build();
    const below = issueCertificate({ dnsNames: ['localhost'] }, c.leaf);
    assertCertError(() => verifyCase({ leaf: below, intermediates: [c.leaf, c.intermediate], anchors: [c.root] }), 'INVALID_CA');
  });

  test('rejects an intermediate without basicConstraints', () => {
    assertCertError(() => verifyCase(build({ intermediate: { basicConstraints: false } })), 'INVALID_CA');
  });

  test('rejects a v1 certificate as a CA', () => {
    const err = assertCertError(() => verifyCase(build({ intermediate: { version: 1 } })), 'INVALID_CA');
    assert.match(err.message, /version 1 certificate cannot be a CA/);
  });

  test('rejects a v1 trust anchor as a CA', () => {
    assertCertError(() => verifyCase(build({ root: { version: 1 } })), 'INVALID_CA');
  });

  test('accepts a v1 end-entity certificate', () => {
    accepts(build({ leaf: { version: 1, commonName: 'v1 client' } }), { purpose: 'client' });
  });
});

describe('pathLenConstraint (RFC 5280 §6.1.4 (l)-(m))', () => {
  test('accepts pathLenConstraint 0 directly above the leaf', () => {
    accepts(build({ intermediate: { pathLength: 0 } }));
  });

  test('rejects pathLenConstraint 0 with an intermediate below', () => {
    const c = build({ intermediate: { pathLength: 0 } });
    const lower = issueCertificate({ commonName: 'lower CA', isCA: true }, c.intermediate);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, lower);
    assertCertError(() => verifyCase({ leaf, intermediates: [lower, c.intermediate], anchors: [c.root] }), 'PATH_LENGTH_EXCEEDED');
  });

  test('rejects pathLenConstraint 0 with two intermediates below', () => {
    const c = build({ root: { pathLength: 0 } });
    const lower = issueCertificate({ commonName: 'lower CA', isCA: true }, c.intermediate);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, lower);
    const err = assertCertError(() => verifyCase({ leaf, intermediates: [lower, c.intermediate], anchors: [c.root] }), 'PATH_LENGTH_EXCEEDED');
    assert.match(err.message, /allows 0 .* has 2/);
  });

  test('accepts pathLenConstraint 1 with one intermediate below, rejects it with two', () => {
    const c = build({ root: { pathLength: 1 } });
    accepts(c);
    const lower = issueCertificate({ commonName: 'lower CA', isCA: true }, c.intermediate);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, lower);
    assertCertError(() => verifyCase({ leaf, intermediates: [lower, c.intermediate], anchors: [c.root] }), 'PATH_LENGTH_EXCEEDED');
  });

  test('does not count a self-issued intermediate (key rollover)', () => {
    const c = build({ intermediate: { pathLength: 0 } });
    // Same name as the intermediate, a new key, signed with the old one: self-issued.
    const rolled = issueCertificate({ commonName: 'policy intermediate', organization: 'policy', isCA: true }, c.intermediate);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, rolled);
    const path = verifyCase({ leaf, intermediates: [rolled, c.intermediate], anchors: [c.root] });
    assert.deepEqual(
      path.map((p) => p.fingerprint256),
      fingerprints(leaf, rolled, c.intermediate, c.root),
    );
  });
});

describe('keyUsage (RFC 5280 §4.2.1.3)', () => {
  test('rejects an issuer whose keyUsage lacks keyCertSign', () => {
    assertCertError(() => verifyCase(build({ intermediate: { keyUsage: KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature } })), 'KEYUSAGE_NO_CERTSIGN');
  });

  test('rejects a trust anchor whose keyUsage lacks keyCertSign', () => {
    assertCertError(() => verifyCase(build({ root: { keyUsage: KeyUsageFlags.cRLSign } })), 'KEYUSAGE_NO_CERTSIGN');
  });

  test('accepts an issuer without keyUsage', () => {
    accepts(build({ intermediate: { keyUsage: null } }));
  });

  test('rejects a TLS 1.3 leaf whose keyUsage lacks digitalSignature', () => {
    const c = build({ leaf: { keyType: 'rsa-2048', keyUsage: KeyUsageFlags.keyEncipherment } });
    assertCertError(() => verifyCase(c), 'KEYUSAGE_NO_DIGITAL_SIGNATURE');
  });

  test('accepts a leaf without keyUsage', () => {
    accepts(build({ leaf: { keyUsage: null } }));
  });
});

describe('extendedKeyUsage (RFC 5280 §4.2.1.12)', () => {
  test('rejects serverAuth-less EKU for a server', () => {
    const err = assertCertError(() => verifyCase(build({ leaf: { extendedKeyUsage: [id_kp_clientAuth] } })), 'INVALID_PURPOSE');
    assert.match(err.message, /leaf extendedKeyUsage does not allow serverAuth/);
  });

  test('rejects clientAuth-less EKU for a client', () => {
    assertCertError(() => verifyCase(build({ leaf: { extendedKeyUsage: [id_kp_serverAuth] } }), { purpose: 'client' }), 'INVALID_PURPOSE');
  });

  test('accepts serverAuth for a server and clientAuth for a client', () => {
    accepts(build({ leaf: { extendedKeyUsage: [id_kp_serverAuth] } }));
    accepts(build({ leaf: { extendedKeyUsage: [id_kp_clientAuth] } }), { purpose: 'client' });
  });

  test('accepts anyExtendedKeyUsage for either purpose', () => {
    const c = build({ leaf: { extendedKeyUsage: [anyExtendedKeyUsage] } });
    accepts(c);
    accepts(c, { purpose: 'client' });
  });

  test('accepts a leaf without extendedKeyUsage for either purpose', () => {
    const c = build({ leaf: { extendedKeyUsage: false } });
    accepts(c);
    accepts(c, { purpose: 'client' });
  });

  test('rejects a leaf below an intermediate whose EKU lacks serverAuth', () => {
    const err = assertCertError(() => verifyCase(build({ intermediate: { extendedKeyUsage: [id_kp_clientAuth] } })), 'INVALID_PURPOSE');
    assert.match(err.message, /CA extendedKeyUsage/);
  });

  test('accepts an intermediate whose EKU lists serverAuth, or anyExtendedKeyUsage', () => {
    accepts(build({ intermediate: { extendedKeyUsage: [id_kp_serverAuth] } }));
    accepts(build({ intermediate: { extendedKeyUsage: [anyExtendedKeyUsage] } }));
  });

  test("applies the trust anchor's EKU", () => {
    assertCertError(() => verifyCase(build({ root: { extendedKeyUsage: [id_kp_clientAuth] } })), 'INVALID_PURPOSE');
  });
});

describe('nameConstraints (RFC 5280 §4.2.1.10)', () => {
  const constrained = (nameConstraints: CertificateOptions['nameConstraints'], leaf: CertificateOptions, on: 'intermediate' | 'root' = 'intermediate') =>
    build({ [on]: { nameConstraints }, leaf: { dnsNames: [], ...leaf } });

  test('accepts names inside permitted dNSName subtrees', () => {
    accepts(constrained({ permitted: [{ dns: 'example.com' }] }, { dnsNames: ['example.com', 'www.example.com', 'a.b.EXAMPLE.com.'] }), noHost);
  });

  test('rejects a name outside permitted dNSName subtrees', () => {
    const err = assertCertError(
      () => verifyCase(constrained({ permitted: [{ dns: 'example.com' }] }, { dnsNames: ['www.example.com', 'www.example.org'] }), noHost),
      'PERMITTED_SUBTREE_VIOLATION',
    );
    assert.match(err.message, /www\.example\.org is outside the permitted subtrees/);
  });

  test('a dNSName subtree matches whole labels only', () => {
    assertCertError(() => verifyCase(constrained({ permitted: [{ dns: 'example.com' }] }, { dnsNames: ['badexample.com'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('a leading-dot dNSName subtree permits names below it only', () => {
    accepts(constrained({ permitted: [{ dns: '.example.com' }] }, { dnsNames: ['www.example.com'] }), noHost);
    assertCertError(() => verifyCase(constrained({ permitted: [{ dns: '.example.com' }] }, { dnsNames: ['example.com'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('rejects a name in an excluded dNSName subtree', () => {
    const c = constrained({ excluded: [{ dns: 'internal.example.com' }] }, { dnsNames: ['www.example.com', 'db.internal.example.com'] });
    assertCertError(() => verifyCase(c, noHost), 'EXCLUDED_VIOLATION');
    accepts(constrained({ excluded: [{ dns: 'internal.example.com' }] }, { dnsNames: ['www.example.com'] }), noHost);
  });

  test('rejects a wildcard that covers an excluded name', () => {
    assertCertError(() => verifyCase(constrained({ excluded: [{ dns: 'admin.example.com' }] }, { dnsNames: ['*.example.com'] }), noHost), 'EXCLUDED_VIOLATION');
    accepts(constrained({ permitted: [{ dns: 'example.com' }], excluded: [{ dns: 'a.admin.example.com' }] }, { dnsNames: ['*.example.com'] }), noHost);
  });

  test('a wildcard is permitted only when every name it covers is', () => {
    assertCertError(() => verifyCase(constrained({ permitted: [{ dns: 'www.example.com' }] }, { dnsNames: ['*.example.com'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('iPAddress subtrees: permitted ranges and excluded ranges, each family on its own', () => {
    const nc = { permitted: [{ ip: '10.0.0.0/8' }, { ip: '2001:db8::/32' }], excluded: [{ ip: '10.9.0.0/16' }] };
    accepts(constrained(nc, { ips: ['10.1.2.3', '2001:db8::1'] }), noHost);
    assertCertError(() => verifyCase(constrained(nc, { ips: ['10.1.2.3', '192.168.0.1'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
    assertCertError(() => verifyCase(constrained(nc, { ips: ['10.9.8.7'] }), noHost), 'EXCLUDED_VIOLATION');
    assertCertError(() => verifyCase(constrained(nc, { ips: ['2001:db9::1'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
    // An IPv4-mapped IPv6 address is an IPv6 address: the IPv4 subtree does not cover it.
    assertCertError(() => verifyCase(constrained(nc, { ips: ['::ffff:10.1.2.3'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('directoryName subtrees apply to the subject DN, compared case-insensitively', () => {
    const nc = { permitted: [{ directoryName: { organization: 'Policy' } }] };
    accepts(constrained(nc, { organization: 'POLICY', commonName: 'svc', dnsNames: ['localhost'] }), noHost);
    assertCertError(() => verifyCase(constrained(nc, { organization: 'other', commonName: 'svc', dnsNames: ['localhost'] }), noHost), 'PERMITTED_SUBTREE_VIOLATION');
    assertCertError(
      () => verifyCase(constrained({ excluded: [{ directoryName: { organization: 'evil' } }] }, { organization: 'Evil', dnsNames: ['localhost'] }), noHost),
      'EXCLUDED_VIOLATION',
    );
  });

  test('rfc822Name subtrees: a host, a domain below, one mailbox', () => {
    accepts(constrained({ permitted: [{ email: 'example.com' }] }, { emails: ['alice@EXAMPLE.com'] }), { ...noHost, purpose: 'client' });
    accepts(constrained({ permitted: [{ email: '.example.com' }] }, { emails: ['alice@mail.example.com'] }), { ...noHost, purpose: 'client' });
    assertCertError(
      () => verifyCase(constrained({ permitted: [{ email: 'example.com' }] }, { emails: ['alice@mail.example.com'] }), { ...noHost, purpose: 'client' }),
      'PERMITTED_SUBTREE_VIOLATION',
    );
    assertCertError(
      () => verifyCase(constrained({ excluded: [{ email: 'mallory@example.com' }] }, { emails: ['mallory@example.com'] }), { ...noHost, purpose: 'client' }),
      'EXCLUDED_VIOLATION',
    );
  });

  test('a constraint on one name type does not restrict names of another', () => {
    accepts(constrained({ permitted: [{ ip: '10.0.0.0/8' }] }, { dnsNames: ['anything.example'], ips: ['10.0.0.1'] }), noHost);
  });

  test('does not constrain the subject common name (no CN fallback exists)', () => {
    accepts(constrained({ permitted: [{ dns: 'example.com' }] }, { commonName: 'outside.example.org', dnsNames: ['www.example.com'] }), noHost);
  });

  test("applies a trust anchor's name constraints", () => {
    assertCertError(() => verifyCase(constrained({ permitted: [{ dns: 'example.com' }] }, { dnsNames: ['example.org'] }, 'root'), noHost), 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('rejects a URI name below a URI constraint we do not evaluate (UNSUPPORTED_CONSTRAINT_TYPE)', () => {
    const nc = { permitted: [{ uri: 'https://example.com' }] };
    assertCertError(() => verifyCase(constrained(nc, { dnsNames: ['localhost'], uris: ['https://example.com/x'] }), noHost), 'UNSUPPORTED_CONSTRAINT_TYPE');
    accepts(constrained(nc, { dnsNames: ['localhost'] }), noHost);
  });

  test('exempts a self-issued intermediate, but not the leaf (RFC 5280 §6.1.3 (b))', () => {
    // The constrained CA excludes its own name; a self-issued rollover certificate carries that name too.
    const ownName = { directoryName: { organization: 'policy', commonName: 'policy intermediate' } };
    const c = build({ intermediate: { nameConstraints: { excluded: [ownName] } } });
    const rolled = issueCertificate({ commonName: 'policy intermediate', organization: 'policy', isCA: true }, c.intermediate);
    const leaf = issueCertificate({ organization: 'policy', dnsNames: ['localhost'] }, rolled);
    assert.equal(verifyCase({ leaf, intermediates: [rolled, c.intermediate], anchors: [c.root] }).length, 4);
    const namesake = issueCertificate({ organization: 'policy', commonName: 'policy intermediate', dnsNames: ['localhost'] }, rolled);
    assertCertError(() => verifyCase({ leaf: namesake, intermediates: [rolled, c.intermediate], anchors: [c.root] }), 'EXCLUDED_VIOLATION');
  });
});

describe('extensions (RFC 5280 §4.2)', () => {
  const unknown = { id: '1.3.6.1.4.1.55555.1', value: new Uint8Array([0x05, 0x00]) };

  test('rejects an unknown critical extension', () => {
    const err = assertCertError(() => verifyCase(build({ leaf: { extraExtensions: [{ ...unknown, critical: true }] } })), 'UNHANDLED_CRITICAL_EXTENSION');
    assert.match(err.message, /1\.3\.6\.1\.4\.1\.55555\.1/);
  });

  test('rejects an unknown critical extension on an intermediate', () => {
    assertCertError(() => verifyCase(build({ intermediate: { extraExtensions: [{ ...unknown, critical: true }] } })), 'UNHANDLED_CRITICAL_EXTENSION');
  });

  test('accepts an unknown non-critical extension', () => {
    accepts(build({ leaf: { extraExtensions: [unknown] }, intermediate: { extraExtensions: [unknown] } }));
  });

  test('accepts the critical extensions it processes', () => {
    accepts(build({ intermediate: { nameConstraints: { permitted: [{ dns: 'localhost' }] } } }));
  });

  test('rejects duplicate extensions', () => {
    const again = { id: '2.5.29.19', critical: true, value: new Uint8Array(AsnConvert.serialize(new BasicConstraints({ cA: false }))) };
    const err = assertCertError(() => verifyCase(build({ leaf: { extraExtensions: [again] } })), 'DUPLICATE_EXTENSION');
    assert.match(err.message, /2\.5\.29\.19/);
    assertCertError(() => verifyCase(build({ intermediate: { extraExtensions: [unknown, unknown] } })), 'DUPLICATE_EXTENSION');
  });

  test('rejects an extension that does not decode (INVALID_EXTENSION)', () => {
    const garbage = { id: '2.5.29.19', critical: true, value: new Uint8Array([0x04, 0x01, 0x00]) };
    assertCertError(() => verifyCase(build({ intermediate: { basicConstraints: false, extraExtensions: [garbage] } })), 'INVALID_EXTENSION');
  });
});

describe('keys', () => {
  test('rejects a 1024-bit RSA leaf', () => {
    const err = assertCertError(() => verifyCase(build({ leaf: { keyType: 'rsa-2048', rsaBits: 1024 } })), 'EE_KEY_TOO_SMALL');
    assert.match(err.message, /1024-bit/);
  });

  test('rejects a 1024-bit RSA intermediate', () => {
    assertCertError(() => verifyCase(build({ intermediate: { keyType: 'rsa-2048', rsaBits: 1024 } })), 'CA_KEY_TOO_SMALL');
  });

  test('rejects a 1024-bit RSA trust anchor', () => {
    assertCertError(() => verifyCase(build({ root: { keyType: 'rsa-2048', rsaBits: 1024 } })), 'CA_KEY_TOO_SMALL');
  });

  test('accepts 2048-bit RSA, P-384 and Ed25519 keys', () => {
    accepts(build({ root: { keyType: 'ecdsa-p384' }, intermediate: { keyType: 'rsa-2048' }, leaf: { keyType: 'ed25519' } }));
  });

  test('rejects an EC key on a curve other than P-256, P-384, P-521', () => {
    const err = assertCertError(() => verifyCase(build({ leaf: { namedCurve: 'secp256k1' } })), 'UNSUPPORTED_PUBLIC_KEY');
    assert.match(err.message, /1\.3\.132\.0\.10/);
    assertCertError(() => verifyCase(build({ intermediate: { namedCurve: 'secp256k1' } })), 'UNSUPPORTED_PUBLIC_KEY');
  });
});

describe('signature algorithms', () => {
  test('rejects a SHA-1 signed leaf', () => {
    const err = assertCertError(() => verifyCase(build({ leaf: { signatureHash: 'sha1' } })), 'CA_MD_TOO_WEAK');
    assert.match(err.message, /ecdsa-with-SHA1/);
  });

  test('rejects a SHA-1 signed intermediate', () => {
    assertCertError(() => verifyCase(build({ intermediate: { signatureHash: 'sha1' } })), 'CA_MD_TOO_WEAK');
  });

  test('rejects an MD5 signed leaf', () => {
    const c = build({ intermediate: { keyType: 'rsa-2048' }, leaf: { signatureHash: 'md5' } });
    assert.match(assertCertError(() => verifyCase(c), 'CA_MD_TOO_WEAK').message, /md5WithRSAEncryption/);
  });

  test('accepts a SHA-1 self-signed trust anchor', () => {
    accepts(build({ root: { signatureHash: 'sha1' } }));
  });

  test('accepts a trusted SHA-1 self-signed leaf', () => {
    const self = issueCertificate({ dnsNames: ['localhost'], signatureHash: 'sha1' });
    assert.equal(verifyCase({ leaf: self, anchors: [self] }).length, 1);
  });

  test('accepts SHA-384 and SHA-512 signatures', () => {
    accepts(build({ intermediate: { signatureHash: 'sha384' }, leaf: { signatureHash: 'sha512' } }));
  });

  test('rejects a certificate whose signatureAlgorithm differs from its TBSCertificate signature field', () => {
    const c = build();
    const der = c.leaf.der.slice();
    // The last ecdsa-with-SHA256 OID is the outer signatureAlgorithm; make it ecdsa-with-SHA384.
    const oid = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let at = -1;
    for (let i = 0; i + oid.length <= der.length; i++) if (oid.every((b, j) => der[i + j] === b)) at = i;
    der[at + oid.length - 1] = 0x03;
    assertCertError(() => verifyCase({ ...c, leaf: { ...c.leaf, der } }), 'SIGNATURE_ALGORITHM_INCONSISTENCY');
  });
});

describe('time (RFC 5280 §4.1.2.5) at the injected time, for every certificate', () => {
  const y = (year: number) => new Date(Date.UTC(year, 0, 1));
  const c = build({
    root: { validity: { notBefore: y(2020), notAfter: y(2040) } },
    intermediate: { validity: { notBefore: y(2030), notAfter: y(2035) } },
    leaf: { validity: { notBefore: y(2020), notAfter: y(2040) } },
  });

  test('accepts inside every validity period', () => {
    accepts(c, { time: y(2031) });
  });

  test('rejects an intermediate not yet valid at the time', () => {
    assertCertError(() => verifyCase(c, { time: y(2029) }), 'CERT_NOT_YET_VALID');
  });

  test('rejects an intermediate expired at the time', () => {
    assertCertError(() => verifyCase(c, { time: y(2036) }), 'CERT_HAS_EXPIRED');
  });

  test('rejects a trust anchor expired at the time', () => {
    const old = build({
      root: { validity: { notBefore: y(2020), notAfter: y(2030) } },
      intermediate: { validity: { notBefore: y(2020), notAfter: y(2040) } },
      leaf: { validity: { notBefore: y(2020), notAfter: y(2040) } },
    });
    accepts(old, { time: y(2029) });
    assertCertError(() => verifyCase(old, { time: y(2031) }), 'CERT_HAS_EXPIRED');
  });
});
