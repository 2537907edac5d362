// Path building: out-of-order and extra certificates, cross-signing, key rollover, backtracking,
// anchors by subject and key, bounds, and which error is reported when no path works.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { id_kp_clientAuth } from '@peculiar/asn1-x509';
import { MAX_SIGNATURE_CHECKS, verifyCertificate } from '../../src/pki/chain.js';
import { type IssuedCertificate, assertCertError, fingerprints, issueCertificate, provider, trustOf, verifyCase } from '../helpers/pki.js';

const ca = (commonName: string, issuer?: IssuedCertificate, extra: Parameters<typeof issueCertificate>[0] = {}) =>
  issueCertificate({ commonName, organization: 'path', isCA: true, ...extra }, issuer);
const leafOf = (issuer: IssuedCertificate) => issueCertificate({ dnsNames: ['localhost'] }, issuer);
const pathOf = (path: { fingerprint256: string }[]) => path.map((c) => c.fingerprint256);
const days = (n: number) => Date.now() + n * 86_400_000;
const expired = { validity: { notBefore: new Date(days(-30)), notAfter: new Date(days(-1)) } };

describe('path building', () => {
  const root = ca('path root');
  const intermediate = ca('path intermediate', root);
  const leaf = leafOf(intermediate);

  test('ignores order and extra certificates, and a root sent along', () => {
    const stranger = ca('stranger');
    const path = verifyCase({ leaf, intermediates: [stranger, root, leafOf(stranger), intermediate], anchors: [root] });
    assert.deepEqual(pathOf(path), fingerprints(leaf, intermediate, root));
  });

  test('prefers an anchor: an intermediate in the store ends the path', () => {
    const path = verifyCase({ leaf, intermediates: [intermediate], anchors: [root, intermediate] });
    assert.deepEqual(pathOf(path), fingerprints(leaf, intermediate));
  });

  test('builds a path through the cross-signed intermediate', () => {
    // The new root is not trusted yet; its cross-signature by the old, trusted root is sent.
    const oldRoot = ca('old root');
    const newRoot = ca('new root');
    const issuing = ca('issuing CA', newRoot);
    const newRootByOld = ca('new root', oldRoot, { keyFrom: newRoot });
    const served = leafOf(issuing);
    const path = verifyCase({ leaf: served, intermediates: [issuing, newRoot, newRootByOld], anchors: [oldRoot] });
    assert.deepEqual(pathOf(path), fingerprints(served, issuing, newRootByOld, oldRoot));
    // Once the new root is trusted, the shorter path to it is taken.
    const direct = verifyCase({ leaf: served, intermediates: [issuing, newRootByOld], anchors: [oldRoot, newRoot] });
    assert.deepEqual(pathOf(direct), fingerprints(served, issuing, newRoot));
  });

  test('backtracks past an expired cross-sign to a valid path', () => {
    // issuing CA has two certificates with the same name and key: one under a bridge CA whose
    // cross-signature by root A has expired, one directly under root B. The first is tried first.
    const rootA = ca('root A');
    const rootB = ca('root B');
    const bridge = ca('bridge');
    const bridgeByA = ca('bridge', rootA, { keyFrom: bridge, ...expired });
    const issuing = ca('issuing CA');
    const issuingByBridge = ca('issuing CA', bridge, { keyFrom: issuing });
    const issuingByB = ca('issuing CA', rootB, { keyFrom: issuing });
    const served = leafOf(issuing);
    const path = verifyCase({ leaf: served, intermediates: [issuingByBridge, bridgeByA, issuingByB], anchors: [rootA, rootB] });
    assert.deepEqual(pathOf(path), fingerprints(served, issuingByB, rootB));
    // Without the alternative, the expired cross-sign is the reason.
    assertCertError(() => verifyCase({ leaf: served, intermediates: [issuingByBridge, bridgeByA], anchors: [rootA, rootB] }), 'CERT_HAS_EXPIRED');
  });

  test('backtracks past a candidate that breaks a CA rule', () => {
    const rootB = ca('root B');
    const issuing = ca('issuing CA');
    const clientOnly = ca('issuing CA', root, { keyFrom: issuing, extendedKeyUsage: [id_kp_clientAuth] });
    const serverToo = ca('issuing CA', rootB, { keyFrom: issuing });
    const served = leafOf(issuing);
    const path = verifyCase({ leaf: served, intermediates: [clientOnly, serverToo], anchors: [root, rootB] });
    assert.deepEqual(pathOf(path), fingerprints(served, serverToo, rootB));
  });

  test('key rollover: tries each key of a CA with the same name', () => {
    const oldKey = ca('rolling CA', root);
    const newKey = ca('rolling CA', root);
    const served = leafOf(newKey);
    const path = verifyCase({ leaf: served, intermediates: [oldKey, newKey], anchors: [root] });
    assert.deepEqual(pathOf(path), fingerprints(served, newKey, root));
  });

  test('anchors with the same name: uses the one whose key signed', () => {
    const first = ca('twin root');
    const second = ca('twin root');
    const issuing = ca('twin issuing', second);
    const served = leafOf(issuing);
    const path = verifyCase({ leaf: served, intermediates: [issuing], anchors: [first, second] });
    assert.deepEqual(pathOf(path), fingerprints(served, issuing, second));
  });

  test('returns the anchor from the store, not the copy the peer sent', () => {
    const reissuedRoot = ca('path root', ca('other'), { keyFrom: root });
    const path = verifyCase({ leaf, intermediates: [intermediate, reissuedRoot], anchors: [root] });
    assert.deepEqual(pathOf(path), fingerprints(leaf, intermediate, root));
  });

  test('trusts a received certificate only by its subject and key matching an anchor', () => {
    // Same name as the trusted root, another key: a chain certificate claiming to be the root.
    const impostor = ca('path root');
    const fakeIntermediate = ca('path intermediate', impostor);
    assertCertError(
      () => verifyCase({ leaf: leafOf(fakeIntermediate), intermediates: [fakeIntermediate, impostor], anchors: [root] }),
      'SELF_SIGNED_CERT_IN_CHAIN',
    );
  });

  test('a trusted leaf is a path of one', () => {
    const self = issueCertificate({ dnsNames: ['localhost'] });
    assert.deepEqual(pathOf(verifyCase({ leaf: self, anchors: [self] })), fingerprints(self));
  });

  test('uses a received cross-signed copy of an expired anchor', () => {
    const oldRoot = ca('aging root', undefined, expired);
    const otherRoot = ca('other root');
    const oldByOther = ca('aging root', otherRoot, { keyFrom: oldRoot });
    const issuing = ca('aging issuing', oldRoot);
    const served = leafOf(issuing);
    const path = verifyCase({ leaf: served, intermediates: [issuing, oldByOther], anchors: [oldRoot, otherRoot] });
    assert.deepEqual(pathOf(path), fingerprints(served, issuing, oldByOther, otherRoot));
  });
});

describe('which error is reported', () => {
  test('the error from the deepest position reached', () => {
    const root = ca('deep root');
    const goodKey = ca('deep issuing');
    const expiredIssuing = ca('deep issuing', root, { keyFrom: goodKey, ...expired });
    const unknownParent = ca('unknown parent');
    const viaUnknown = ca('deep issuing', unknownParent, { keyFrom: goodKey });
    const served = leafOf(goodKey);
    // Path 1 fails at depth 1 (expired); path 2 reaches depth 2 and finds no issuer there.
    const err = assertCertError(() => verifyCase({ leaf: served, intermediates: [expiredIssuing, viaUnknown], anchors: [root] }), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(err.message, 'unable to get local issuer certificate');
  });

  test('at equal depth, a failing candidate rather than a missing issuer', () => {
    const root = ca('tie root');
    const other = ca('tie other');
    const key = ca('tie issuing');
    const parentA = ca('parent A');
    const parentB = ca('parent B', root, expired);
    const byA = ca('tie issuing', parentA, { keyFrom: key });
    const byB = ca('tie issuing', parentB, { keyFrom: key });
    const served = leafOf(key);
    // byA's issuer is missing at depth 2; parentB is expired at depth 2.
    assertCertError(() => verifyCase({ leaf: served, intermediates: [byA, byB, parentB], anchors: [root, other] }), 'CERT_HAS_EXPIRED');
  });

  test('a leaf unacceptable in itself fails before issuers are looked for', () => {
    const root = ca('leaf-first root');
    const served = issueCertificate({ dnsNames: ['localhost'], ...expired }, ca('unknown'));
    assertCertError(() => verifyCase({ leaf: served, anchors: [root] }), 'CERT_HAS_EXPIRED');
  });

  test('a bad signature from a certificate that looks like the issuer', () => {
    const root = ca('sig root');
    const issuing = ca('sig issuing', root);
    const served = leafOf(issuing);
    const tampered = served.der.slice();
    tampered[tampered.length - 1]! ^= 1;
    assertCertError(() => verifyCase({ leaf: { ...served, der: tampered }, intermediates: [issuing], anchors: [root] }), 'CERT_SIGNATURE_FAILURE');
  });
});

describe('bounds', () => {
  test(`stops after ${MAX_SIGNATURE_CHECKS} signature checks (CERT_CHAIN_TOO_LONG)`, () => {
    // Three levels of five certificates each, every one a valid issuer of every one below, and
    // no anchor at the top: 5 + 25 + 125 paths to explore.
    const keys = ['level 1', 'level 2', 'level 3', 'level 4'].map((name) => ca(name));
    const top = keys[3]!;
    const levels = [0, 1, 2].map((level) => [1, 2, 3, 4, 5].map(() => ca(`level ${level + 1}`, keys[level + 1], { keyFrom: keys[level]! })));
    levels[2] = levels[2]!.map(() => ca('level 3', top, { keyFrom: keys[2]! }));
    const served = leafOf(keys[0]!);
    const chain = [served.der, ...levels.flat().map((c) => c.der)];
    const err = assertCertError(
      () => verifyCertificate({ chain, trust: trustOf(ca('unrelated root')), hostname: 'localhost', time: Date.now(), provider, purpose: 'server' }),
      'CERT_CHAIN_TOO_LONG',
    );
    assert.match(err.message, /too many signature checks/);
  });

  test('a loop of CAs that certify each other ends (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)', () => {
    const a = ca('loop A');
    const b = ca('loop B');
    const aByB = ca('loop A', b, { keyFrom: a });
    const bByA = ca('loop B', a, { keyFrom: b });
    assertCertError(() => verifyCase({ leaf: leafOf(a), intermediates: [aByB, bByA], anchors: [ca('loop root')] }), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });
});
