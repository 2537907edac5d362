import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { TrustStore } from '../../src/pki/roots.js';
import { cachedPki, generateSelfSigned, issueCertificate, nodeRootTrustStore, parse, provider } from '../helpers/pki.js';

test("builds a TrustStore of all Node's bundled roots", () => {
  const started = performance.now();
  const store = TrustStore.fromPem(rootCertificates, provider);
  const ms = performance.now() - started;
  console.log(`# TrustStore of ${store.size} Node roots built in ${ms.toFixed(1)} ms`);
  assert.equal(store.size, rootCertificates.length);
  for (const anchor of store.anchors) assert.deepEqual(store.issuersOf(anchor).includes(anchor), anchor.issuer === anchor.subject);
});

test('nodeRootTrustStore parses the roots once per process', () => {
  const first = nodeRootTrustStore(provider);
  const started = performance.now();
  const second = nodeRootTrustStore(provider);
  console.log(`# second nodeRootTrustStore() call took ${(performance.now() - started).toFixed(3)} ms`);
  assert.equal(first, second);
  assert.equal(first.size, rootCertificates.length);
});

test('indexes anchors by subject for issuer lookup', () => {
  const pki = cachedPki();
  const store = TrustStore.fromDer([pki.root.der, pki.intermediate.der], provider);
  assert.deepEqual(
    store.issuersOf(parse(pki.leaf)).map((a) => a.fingerprint256),
    [parse(pki.intermediate).fingerprint256],
  );
  assert.equal(store.issuersOf(parse(generateSelfSigned({ commonName: 'stranger' }))).length, 0);
});

test('drops duplicate anchors', () => {
  const pki = cachedPki();
  assert.equal(TrustStore.fromPem([pki.rootPem, pki.rootPem + pki.rootPem], provider).size, 1);
});

test('anchorFor finds the same DER, or the same subject and key, but not a namesake', () => {
  const root = issueCertificate({ commonName: 'anchor', isCA: true });
  const store = TrustStore.fromDer([root.der], provider);
  assert.ok(store.anchorFor(parse(root)));
  const reissued = issueCertificate({ commonName: 'anchor', isCA: true, days: 10, keyFrom: root });
  assert.ok(store.anchorFor(parse(reissued)));
  const namesake = issueCertificate({ commonName: 'anchor', isCA: true });
  assert.equal(store.anchorFor(parse(namesake)), undefined);
});

test('refuses an anchor that does not parse', () => {
  assert.throws(() => TrustStore.fromDer([new Uint8Array([0x30, 0x00])], provider), /trust anchor 0 is not a valid certificate/);
});
