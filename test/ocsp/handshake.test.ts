// OCSP stapling in whole TLS 1.3 handshakes (RFC 8446 §4.4.2.1): our client and server in memory,
// and each against a scripted peer where one side has to misbehave.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import type { CertifiedKey, ServerConfig } from '../../src/server/config.js';
import { NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import type { Certificate } from '../../src/wire/types.js';
import { certifiedKey, clientFor } from '../helpers/endpoints.js';
import { days, mustStaple, ocspResponse } from '../helpers/ocsp.js';
import { type Pair, failure, makePair } from '../helpers/pair.js';
import { type IssuedCertificate, cachedPki } from '../helpers/pki.js';
import { ScriptedClient, ScriptedServer } from '../helpers/scripted.js';

const pki = cachedPki();
const { intermediate, leaf } = pki;
const good = ocspResponse({ leaf, issuer: intermediate });
const revoked = ocspResponse({ leaf, issuer: intermediate, status: 'revoked' });

/** The PKI's chain, with `ocsp` to staple. */
function stapling(ocsp: Uint8Array | undefined, forLeaf: IssuedCertificate = leaf): CertifiedKey {
  return { ...certifiedKey(forLeaf, intermediate), ...(ocsp ? { ocsp } : {}) };
}

const serverWith = (certified: CertifiedKey, overrides: Partial<ServerConfig> = {}): ServerConfig => ({ certificates: [certified], ...overrides });

function assertCompleted(pair: Pair): void {
  assert.equal(failure(pair.clientEvents), undefined, `client: ${failure(pair.clientEvents)?.message}`);
  assert.equal(failure(pair.serverEvents), undefined, `server: ${failure(pair.serverEvents)?.message}`);
  assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
}

/** The client refused with `alert` and `code`; the server received that alert. */
function assertClientRefused(pair: Pair, alert: string, code: string): void {
  const c = failure(pair.clientEvents);
  const s = failure(pair.serverEvents);
  assert.ok(c && s, 'both sides failed');
  assert.equal(c.code, code, c.message);
  assert.equal(alertName(c.alert), alert);
  assert.equal(c.fromPeer, false);
  assert.equal(alertName(s.alert), alert, s.message);
  assert.equal(s.fromPeer, true);
  assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false);
}

describe('our client and server', () => {
  test('the server staples a good response; the client verifies it and reports it', () => {
    const pair = makePair(clientFor(pki), serverWith(stapling(good)));
    assertCompleted(pair);
    const info = pair.client.handshakeInfo!;
    assert.equal(info.authorized, true);
    assert.equal(info.ocsp?.status, 'good');
    assert.equal(info.ocsp?.signer, 'issuer');
    assert.ok(info.ocsp.nextUpdate! > Date.now());
    assert.equal(pair.server.handshakeInfo?.ocsp, undefined);
  });

  test('a revoked staple: the client fails with certificate_revoked and the server receives it', () => {
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(revoked))), 'certificate_revoked', 'CERT_REVOKED');
  });

  test('a revoked staple with rejectUnauthorized false: completes, unauthorized, CERT_REVOKED recorded (node:tls semantics)', () => {
    const pair = makePair(clientFor(pki, { rejectUnauthorized: false }), serverWith(stapling(revoked)));
    assertCompleted(pair);
    const info = pair.client.handshakeInfo!;
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError?.code, 'CERT_REVOKED');
    assert.equal(info.ocsp?.status, 'revoked');
  });

  test('a chain error comes first: an untrusted chain with a revoked staple reports the chain error and the revocation', () => {
    const other = cachedPki({ leafCommonName: 'another PKI' });
    const pair = makePair(clientFor(other, { rejectUnauthorized: false }), serverWith(stapling(revoked)));
    assertCompleted(pair);
    const info = pair.client.handshakeInfo!;
    assert.equal(info.authorized, false);
    assert.notEqual(info.authorizationError?.code, 'CERT_REVOKED');
    assert.equal(info.ocsp?.status, 'revoked', 'the staple is checked against the received issuer');
  });

  test('a stale staple fails with bad_certificate_status_response', () => {
    const stale = ocspResponse({ leaf, issuer: intermediate, thisUpdate: new Date(Date.now() - days(3)), nextUpdate: new Date(Date.now() - days(1)) });
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(stale))), 'bad_certificate_status_response', 'OCSP_RESPONSE_STALE');
  });

  test('a staple for another certificate fails with bad_certificate_status_response', () => {
    const other = cachedPki({ leafCommonName: 'other' });
    const wrong = ocspResponse({ leaf: other.leaf, issuer: intermediate });
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(wrong))), 'bad_certificate_status_response', 'OCSP_CERTID_MISMATCH');
  });

  test('a staple that does not parse fails with bad_certificate_status_response', () => {
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(Uint8Array.of(0x30, 0)))), 'bad_certificate_status_response', 'OCSP_RESPONSE_INVALID');
  });

  test('a staple with status unknown fails with bad_certificate_status_response', () => {
    const unknown = ocspResponse({ leaf, issuer: intermediate, status: 'unknown' });
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(unknown))), 'bad_certificate_status_response', 'OCSP_CERT_UNKNOWN');
  });

  test('a must-staple leaf without a staple fails with bad_certificate (RFC 7633 §4.2.3)', () => {
    const ms = mustStaple(leaf, intermediate);
    assertClientRefused(makePair(clientFor(pki), serverWith(stapling(undefined, ms))), 'bad_certificate', 'CERT_MUST_STAPLE_MISSING');
  });

  test('a must-staple leaf with a good staple completes', () => {
    const ms = mustStaple(leaf, intermediate);
    const pair = makePair(clientFor(pki), serverWith(stapling(ocspResponse({ leaf: ms, issuer: intermediate }), ms)));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo?.ocsp?.status, 'good');
  });

  test('a must-staple leaf is not enforced when the client did not ask (requestOCSP false)', () => {
    const ms = mustStaple(leaf, intermediate);
    const pair = makePair(clientFor(pki, { requestOCSP: false }), serverWith(stapling(undefined, ms)));
    assertCompleted(pair);
  });

  test('a client that did not ask gets no staple, though the server has one', () => {
    // A staple would be unsolicited and fail the client with unsupported_extension.
    const pair = makePair(clientFor(pki, { requestOCSP: false }), serverWith(stapling(revoked)));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo?.ocsp, undefined);
  });

  test('a server without a staple: the handshake completes and no status is reported', () => {
    const pair = makePair(clientFor(pki), serverWith(stapling(undefined)));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo?.ocsp, undefined);
  });

  test('the staple survives a HelloRetryRequest (the second ClientHello asks again)', () => {
    const client: ClientConfig = clientFor(pki, { keyShareGroups: [NamedGroup.secp256r1], groups: [NamedGroup.secp256r1, NamedGroup.x25519] });
    const pair = makePair(client, serverWith(stapling(good), { groups: [NamedGroup.x25519] }));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo?.helloRetryRequest, true);
    assert.equal(pair.client.handshakeInfo?.ocsp?.status, 'good');
  });
});

describe('our server, facing a scripted client', () => {
  const entries = (c: ScriptedClient) => (c.flightMessages().find((m) => m.type === 'certificate') as Certificate).certificate_list;

  test('staples only in the leaf entry, when the ClientHello has status_request', () => {
    const c = new ScriptedClient(serverWith(stapling(good)));
    c.sendClientHello(c.clientHello({ status_request: true }));
    const [first, second] = entries(c);
    assert.deepEqual(first?.extensions.status_request, good);
    assert.equal(second?.extensions.status_request, undefined);
  });

  test('does not staple without status_request', () => {
    const c = new ScriptedClient(serverWith(stapling(good)));
    c.sendClientHello(c.clientHello());
    assert.ok(entries(c).every((e) => e.extensions.status_request === undefined));
  });

  test('refuses to start with an empty staple configured', () => {
    assert.throws(() => new ScriptedClient(serverWith(stapling(new Uint8Array(0)))), /1 to 2\^24-1 bytes/);
  });
});

describe('our client, facing a scripted server', () => {
  test('the ClientHello carries status_request by default, and not with requestOCSP false', () => {
    assert.equal(new ScriptedServer(clientFor(pki)).clientHello.extensions.status_request, true);
    assert.equal(new ScriptedServer(clientFor(pki, { requestOCSP: false })).clientHello.extensions.status_request, undefined);
  });

  test('a status on the intermediate entry is accepted and ignored (RFC 8446 §4.4.2.1)', () => {
    const cert = stapling(undefined);
    const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519] }));
    s.sendHello(s.serverHello());
    const c = s.certificate(cert);
    const intermediateStatus = ocspResponse({ leaf: intermediate, issuer: pki.root, status: 'revoked' });
    const withStatus: Certificate = {
      ...c,
      certificate_list: c.certificate_list.map((e, i) => (i === 1 ? { ...e, extensions: { status_request: intermediateStatus, unknown: [] } } : e)),
    };
    s.sendEncrypted(s.encryptedExtensions(), withStatus);
    s.sendEncrypted(s.certificateVerify(cert, SignatureScheme.ecdsa_secp256r1_sha256));
    s.sendEncrypted(s.finished());
    assert.equal(s.failure, undefined, s.failure?.message);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo?.ocsp, undefined);
  });

  test('a staple on the leaf entry is verified when we asked', () => {
    const cert = stapling(undefined);
    const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519] }));
    s.sendHello(s.serverHello());
    const c = s.certificate(cert);
    const stapled: Certificate = {
      ...c,
      certificate_list: c.certificate_list.map((e, i) => (i === 0 ? { ...e, extensions: { status_request: revoked, unknown: [] } } : e)),
    };
    s.sendEncrypted(s.encryptedExtensions(), stapled);
    assert.equal(s.failure?.code, 'CERT_REVOKED');
    assert.equal(alertName(s.alert!), 'certificate_revoked');
  });
});
