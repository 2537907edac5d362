// The public verifier (verifyCertificateChain), SPKI pinning, and the node:tls-style options that
// feed the handshake's verifier: `extraCA` and `pinnedSpkiSha256`, down to the alert on the wire.
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { id_kp_clientAuth } from '@peculiar/asn1-x509';
import { verifyCertificateChain as verifyWithNodeDefaults } from '../../src/index.js';
import { clientConfigFrom, trustStoreFor } from '../../src/node/options.js';
import { createCertificateVerifier } from '../../src/pki/chain.js';
import { TrustStore } from '../../src/pki/roots.js';
import { verifyCertificateChain } from '../../src/pki/verify.js';
import { AlertDescription, alertName } from '../../src/wire/codes.js';
import { certifiedKey, serverFor } from '../helpers/endpoints.js';
import { type Pair, failure, makePair } from '../helpers/pair.js';
import * as rfc8448 from '../vectors/rfc8448.js';
import { type IssuedCertificate, assertCertError, cachedPki, ders, fingerprints, issueCertificate, provider, trustOf, verifyCase } from '../helpers/pki.js';

/** RFC 7469 pin-sha256, computed by node:crypto rather than by the code under test. */
const pinOf = (cert: IssuedCertificate) =>
  createHash('sha256')
    .update(new X509Certificate(cert.der).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

const pathOf = (path: { fingerprint256: string }[]) => path.map((c) => c.fingerprint256);

describe('verifyCertificateChain', () => {
  const pki = cachedPki();

  test('takes PEM or DER for the leaf, the intermediates and the anchors, and returns the path used', () => {
    const fromPem = verifyCertificateChain({ leaf: pki.leafPem, intermediates: pki.intermediatePem, anchors: pki.rootPem, hostname: 'localhost', purpose: 'server', provider });
    assert.deepEqual(pathOf(fromPem.chain), fingerprints(pki.leaf, pki.intermediate, pki.root));
    const fromDer = verifyCertificateChain({ leaf: pki.leaf.der, intermediates: [pki.intermediate.der], anchors: [pki.root.der], purpose: 'server', provider });
    assert.deepEqual(pathOf(fromDer.chain), pathOf(fromPem.chain));
    const fromStore = verifyCertificateChain({ leaf: pki.chainPem, intermediates: [pki.intermediatePem], anchors: trustOf(pki.root), purpose: 'server', provider });
    assert.equal(fromStore.chain.length, 3);
  });

  test("the package entry trusts Node's bundled roots by default, and `anchors` replaces them", () => {
    assertCertError(() => verifyWithNodeDefaults({ leaf: pki.leafPem, intermediates: pki.intermediatePem, purpose: 'server' }), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(verifyWithNodeDefaults({ leaf: pki.leafPem, intermediates: pki.intermediatePem, anchors: pki.rootPem, purpose: 'server' }).chain.length, 3);
  });

  test('validates at the given time, as a Date or ms since the epoch', () => {
    const c = { leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root] };
    assertCertError(() => verifyCase(c, { time: new Date(Date.now() + 400 * 86_400_000) }), 'CERT_HAS_EXPIRED');
    assertCertError(() => verifyCase(c, { time: Date.now() - 86_400_000 }), 'CERT_NOT_YET_VALID');
  });

  test('checks the host name or the IP address for a server, neither for a client', () => {
    const c = { leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root] };
    assert.equal(verifyCase(c, { hostname: undefined, ip: '::1' }).length, 3);
    assertCertError(() => verifyCase(c, { hostname: undefined, ip: '10.0.0.1' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assertCertError(() => verifyCase(c, { hostname: 'example.com' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(verifyCase(c, { hostname: 'example.com', purpose: 'client' }).length, 3);
  });

  test('refuses inconsistent options with a TypeError', () => {
    const c = { leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root] };
    assert.throws(() => verifyCase(c, { ip: '127.0.0.1' }), TypeError);
    assert.throws(() => verifyCase(c, { hostname: undefined, ip: 'localhost' }), /not an IP address/);
    assert.throws(() => verifyCase(c, { purpose: 'email' as 'server' }), /unknown purpose/);
    assert.throws(() => verifyCase(c, { time: new Date('not a date') }), /time is not a valid date/);
    assert.throws(() => verifyCertificateChain({ leaf: pki.leaf.der, purpose: 'server', provider }), /anchors are required/);
  });

  test('reports input that is not a certificate as UNABLE_TO_DECODE_CERT', () => {
    const anchors = [pki.root.der];
    assertCertError(() => verifyCertificateChain({ leaf: 'no certificate here', anchors, purpose: 'server', provider }), 'UNABLE_TO_DECODE_CERT');
    assertCertError(() => verifyCertificateChain({ leaf: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), anchors, purpose: 'server', provider }), 'UNABLE_TO_DECODE_CERT');
    assertCertError(() => verifyCertificateChain({ leaf: pki.leaf.der, intermediates: [new Uint8Array([0x30, 0x00])], anchors, purpose: 'server', provider }), 'UNABLE_TO_DECODE_CERT');
  });
});

describe('SPKI pinning', () => {
  const pki = cachedPki();
  const c = { leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root] };

  test('accepts a path on which the leaf, an intermediate or the anchor is pinned', () => {
    for (const cert of [pki.leaf, pki.intermediate, pki.root]) assert.equal(verifyCase(c, { pins: [pinOf(cert)] }).length, 3);
  });

  test('takes pins written sha256/…, among others', () => {
    assert.equal(verifyCase(c, { pins: [pinOf(issueCertificate()), `sha256/${pinOf(pki.root)}`] }).length, 3);
  });

  test('rejects a path without a pinned key (ERR_TLS_PIN_MISMATCH)', () => {
    const err = assertCertError(() => verifyCase(c, { pins: [pinOf(issueCertificate())] }), 'ERR_TLS_PIN_MISMATCH');
    assert.equal(err.alert, AlertDescription.bad_certificate);
    assert.ok(err.message.includes(`sha256/${pinOf(pki.leaf)}`), err.message);
  });

  test('a trusted leaf is checked against the pins too', () => {
    const self = issueCertificate({ dnsNames: ['localhost'] });
    assert.equal(verifyCase({ leaf: self, anchors: [self] }, { pins: [pinOf(self)] }).length, 1);
    assertCertError(() => verifyCase({ leaf: self, anchors: [self] }, { pins: [pinOf(pki.root)] }), 'ERR_TLS_PIN_MISMATCH');
  });

  test('pins choose among paths: the one through the pinned root is built', () => {
    const oldRoot = issueCertificate({ commonName: 'old root', isCA: true });
    const newRoot = issueCertificate({ commonName: 'new root', isCA: true });
    const issuing = issueCertificate({ commonName: 'issuing', isCA: true }, newRoot);
    const newByOld = issueCertificate({ commonName: 'new root', isCA: true, keyFrom: newRoot }, oldRoot);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, issuing);
    const both = { leaf, intermediates: [issuing, newByOld], anchors: [newRoot, oldRoot] };
    assert.deepEqual(pathOf(verifyCase(both)), fingerprints(leaf, issuing, newRoot));
    assert.deepEqual(pathOf(verifyCase(both, { pins: [pinOf(oldRoot)] })), fingerprints(leaf, issuing, newByOld, oldRoot));
  });

  test('refuses a malformed pin with a TypeError', () => {
    assert.throws(() => verifyCase(c, { pins: ['not a pin'] }), /not a base64 SHA-256/);
    assert.throws(() => verifyCase(c, { pins: [Buffer.alloc(20).toString('base64')] }), TypeError);
    assert.throws(() => createCertificateVerifier(trustOf(pki.root), provider, { pins: ['sha256/'] }), TypeError);
  });

  test('createCertificateVerifier carries pins into the handshake verifier', () => {
    const verifier = createCertificateVerifier(trustOf(pki.root), provider, { pins: [pinOf(pki.intermediate)] });
    assert.equal(verifier({ chain: ders(pki.chainPem), hostname: 'localhost', purpose: 'server', time: Date.now() }).path.length, 3);
    const wrong = createCertificateVerifier(trustOf(pki.root), provider, { pins: [pinOf(issueCertificate())] });
    assertCertError(() => wrong({ chain: ders(pki.chainPem), hostname: 'localhost', purpose: 'server', time: Date.now() }), 'ERR_TLS_PIN_MISMATCH');
  });
});

describe('minRsaBits', () => {
  // RFC 8448's server certificate is self-signed with a 1024-bit RSA key; its replay test trusts it.
  const trust = TrustStore.fromDer([rfc8448.SERVER_CERTIFICATE_DER], provider);
  const check = { chain: [rfc8448.SERVER_CERTIFICATE_DER], hostname: undefined, purpose: 'server' as const, time: Date.UTC(2020, 0, 1) };

  test('refuses RSA keys below 2048 bits by default, and down to 1024 when configured', () => {
    assertCertError(() => createCertificateVerifier(trust, provider)(check), 'EE_KEY_TOO_SMALL');
    assert.equal(createCertificateVerifier(trust, provider, { minRsaBits: 1024 })(check).path.length, 1);
  });

  test('refuses a minimum below 1024 bits with a TypeError', () => {
    assert.throws(() => createCertificateVerifier(trust, provider, { minRsaBits: 512 }), /at least 1024/);
  });
});

describe('trust options: ca replaces the roots, extraCA adds to them', () => {
  const pki = cachedPki();
  const other = cachedPki({ leafDnsNames: ['other.example'] });

  test("extraCA adds to Node's bundled roots", () => {
    const store = trustStoreFor(undefined, provider, pki.rootPem);
    assert.equal(store.size, rootCertificates.length + 1);
    assert.ok(store.anchorFor(provider.parseCertificate(pki.root.der)));
  });

  test('extraCA adds to ca when both are given', () => {
    const store = trustStoreFor(other.rootPem, provider, [pki.rootPem]);
    assert.equal(store.size, 2);
  });

  test('the same extraCA object yields the same store (parsed once)', () => {
    const extra = [pki.rootPem];
    assert.equal(trustStoreFor(undefined, provider, extra), trustStoreFor(undefined, provider, extra));
  });

  test('TrustStore.with keeps its anchors and adds more', () => {
    const base = trustOf(other.root);
    const more = base.with([provider.parseCertificate(pki.root.der)]);
    assert.equal(more.size, 2);
    assert.equal(base.size, 1);
    assert.ok(more instanceof TrustStore);
  });
});

describe('handshakes: our client refuses a bad server chain with the right alert', () => {
  const pki = cachedPki();
  const client = (options: Parameters<typeof clientConfigFrom>[0]) => clientConfigFrom({ servername: 'localhost', ...options }, provider);

  function assertClientRefused(pair: Pair, alert: AlertDescription, code: string): void {
    const c = failure(pair.clientEvents);
    const s = failure(pair.serverEvents);
    assert.ok(c && s, 'both sides failed');
    assert.equal(c.code, code, c.message);
    assert.equal(alertName(c.alert), alertName(alert));
    assert.equal(alertName(s.alert), alertName(alert));
    assert.equal(s.fromPeer, true);
  }

  const completes = (pair: Pair) => {
    assert.equal(failure(pair.clientEvents), undefined, failure(pair.clientEvents)?.message);
    assert.equal(pair.client.handshakeInfo?.authorized, true);
  };

  test('extraCA: a private CA next to the public roots', () => {
    completes(makePair(client({ extraCA: pki.rootPem }), serverFor(pki)));
    assertClientRefused(makePair(client({}), serverFor(pki)), AlertDescription.unknown_ca, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  test('pinnedSpkiSha256: a pinned CA key passes, an unpinned chain fails with bad_certificate', () => {
    completes(makePair(client({ ca: pki.rootPem, pinnedSpkiSha256: [pinOf(pki.intermediate)] }), serverFor(pki)));
    assertClientRefused(
      makePair(client({ ca: pki.rootPem, pinnedSpkiSha256: [pinOf(issueCertificate())] }), serverFor(pki)),
      AlertDescription.bad_certificate,
      'ERR_TLS_PIN_MISMATCH',
    );
  });

  test('a leaf without serverAuth: unsupported_certificate', () => {
    const clientOnly = cachedPki({ leaf: { extendedKeyUsage: [id_kp_clientAuth] } });
    assertClientRefused(makePair(client({ ca: clientOnly.rootPem }), serverFor(clientOnly)), AlertDescription.unsupported_certificate, 'INVALID_PURPOSE');
  });

  test('a SHA-1 signed intermediate: unsupported_certificate', () => {
    const weak = cachedPki({ intermediate: { signatureHash: 'sha1' } });
    assertClientRefused(makePair(client({ ca: weak.rootPem }), serverFor(weak)), AlertDescription.unsupported_certificate, 'CA_MD_TOO_WEAK');
  });

  test('a name outside the CA name constraints: bad_certificate', () => {
    const constrained = cachedPki({ intermediate: { nameConstraints: { permitted: [{ dns: 'example.com' }] } } });
    assertClientRefused(makePair(client({ ca: constrained.rootPem }), serverFor(constrained)), AlertDescription.bad_certificate, 'PERMITTED_SUBTREE_VIOLATION');
  });

  test('an intermediate with pathLenConstraint 0 above another CA: bad_certificate', () => {
    const base = cachedPki({ intermediate: { pathLength: 0 } });
    const lower = issueCertificate({ commonName: 'lower', isCA: true }, base.intermediate);
    const leaf = issueCertificate({ dnsNames: ['localhost'] }, lower);
    const pair = makePair(client({ ca: base.rootPem }), { certificates: [certifiedKey(leaf, lower, base.intermediate)] });
    assertClientRefused(pair, AlertDescription.bad_certificate, 'PATH_LENGTH_EXCEEDED');
  });
});
