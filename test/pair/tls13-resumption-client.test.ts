// The TLS 1.3 client's resumption (RFC 8446 §2.2, §4.2.11, §4.6.1) against a scripted server:
// the session a NewSessionTicket makes, the PSK offer and its binder, the resumed handshake, and
// each ServerHello a client must refuse.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ClientSession13,
  decodeAnyClientSession,
  encodeClientSession13,
  isSession13,
} from '../../src/client/sessions.js';
import { AlertDescription, CipherSuite, NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { clientFor, serverCertificate } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { ResumptionServer } from '../helpers/tls13-resumption-client-server.js';

const pki = cachedPki();
const cert = serverCertificate(pki);
const ECDSA = SignatureScheme.ecdsa_secp256r1_sha256;
const config = clientFor(pki, {
  groups: [NamedGroup.x25519, NamedGroup.secp256r1],
  keyShareGroups: [NamedGroup.x25519],
  cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384],
  alpnProtocols: ['h2'],
});

/** A full handshake that ends with a ticket: the session blob, and the PSK the server holds. */
function fullHandshake(nst: Parameters<ResumptionServer['issueTicket']>[0] = {}) {
  const s = new ResumptionServer(config);
  assert.equal(s.clientHello.extensions.pre_shared_key, undefined, 'no PSK without a session');
  s.sendHello(s.serverHello());
  s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
  s.sendEncrypted(s.certificate(cert));
  s.sendEncrypted(s.certificateVerify(cert, ECDSA));
  s.sendEncrypted(s.finished());
  assert.equal(s.failure, undefined);
  const psk = s.issueTicket(nst);
  const sessions = s.sessions();
  return { s, psk, sessions };
}

function issued(): { blob: Uint8Array; psk: Uint8Array; session: ClientSession13 } {
  const { psk, sessions } = fullHandshake();
  assert.equal(sessions.length, 1, 'one session event');
  const session = decodeAnyClientSession(sessions[0]!);
  assert.ok(isSession13(session));
  return { blob: sessions[0]!, psk, session };
}

function rejects(s: ResumptionServer, alert: number): void {
  const error = s.failure;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(s.alert === undefined ? 'no alert' : alertName(s.alert), alertName(alert), 'the alert on the wire');
  assert.equal(s.client.handshakeComplete, false);
}

describe('NewSessionTicket', () => {
  test('makes a session event whose blob round-trips', () => {
    const { blob, psk, session } = issued();
    assert.deepEqual(session.psk, psk, 'the PSK is HKDF-Expand-Label(rms, "resumption", nonce)');
    assert.deepEqual(session.ticket, new Uint8Array(40).fill(7));
    assert.equal(session.lifetime, 3600);
    assert.equal(session.ticketAgeAdd, 0x01020304);
    assert.equal(session.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
    assert.equal(session.serverName, 'localhost');
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(session.authorized, true);
    assert.ok(session.peerCertificates.length > 0);
    assert.deepEqual(encodeClientSession13(session), blob);
  });

  test('a lifetime of 0 makes no session', () => {
    const { sessions, s } = fullHandshake({ ticket_lifetime: 0 });
    assert.equal(sessions.length, 0);
    assert.equal(s.failure, undefined);
  });

  test('max_early_data_size is kept', () => {
    const { sessions } = fullHandshake({ extensions: { early_data: 16384, unknown: [] } });
    const session = decodeAnyClientSession(sessions[0]!);
    assert.ok(isSession13(session));
    assert.equal(session.maxEarlyData, 16384);
  });

  test('a lifetime over seven days is capped', () => {
    const { sessions } = fullHandshake({ ticket_lifetime: 30 * 24 * 3600 });
    const session = decodeAnyClientSession(sessions[0]!);
    assert.ok(isSession13(session));
    assert.equal(session.lifetime, 7 * 24 * 3600);
  });
});

describe('offering the session', () => {
  test('pre_shared_key is last, with the ticket, the obfuscated age and a binder the server verifies', () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    const offered = s.clientHello.extensions.pre_shared_key;
    assert.ok(offered, 'offered');
    assert.equal(offered.identities.length, 1);
    assert.deepEqual(offered.identities[0]!.identity, new Uint8Array(40).fill(7));
    const age = (offered.identities[0]!.obfuscated_ticket_age - 0x01020304 + 2 ** 32) % 2 ** 32;
    assert.ok(age < 60_000, `ticket age ${age} ms`);
    assert.deepEqual(offered.binders[0], s.expectedBinder(psk, CipherSuite.TLS_AES_128_GCM_SHA256));
    assert.ok(s.clientHello.extensions.key_share?.length, 'psk_dhe_ke: a key share too');
  });

  test('an expired session is not offered', () => {
    const { session } = issued();
    const old = encodeClientSession13({ ...session, createdAt: session.createdAt - session.lifetime * 1000 - 1 });
    const s = new ResumptionServer({ ...config, session: old });
    assert.equal(s.clientHello.extensions.pre_shared_key, undefined);
  });

  test('a session for another server name is not offered', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, serverName: 'other.example', session: blob });
    assert.equal(s.clientHello.extensions.pre_shared_key, undefined);
  });

  test('with TLS 1.3 disabled the session is not offered (and the TLS 1.2 ClientHello is as without one)', () => {
    const { blob } = issued();
    const s = new ResumptionServer(clientFor(pki, { maxVersion: 'TLSv1.2', session: blob }));
    assert.equal(s.clientHello.extensions.pre_shared_key, undefined);
    assert.equal(s.clientHello.legacy_session_id.length, 0);
  });

  test('a session whose hash none of our suites uses is not offered', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384], session: blob });
    assert.equal(s.clientHello.extensions.pre_shared_key, undefined);
  });
});

describe('the resumed handshake', () => {
  test('EncryptedExtensions and Finished: resumed, with the stored peer identity', () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    s.sendEncrypted(s.finished());
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    const info = s.client.handshakeInfo!;
    assert.equal(info.resumed, true);
    assert.equal(info.signatureScheme, 0);
    assert.equal(info.signatureSchemeName, 'none');
    assert.equal(info.authorized, true);
    assert.ok(info.peerCertificates.length > 0, 'the peer certificates of the original handshake');
    // A ticket on the resumed connection is a new session.
    const psk2 = s.issueTicket({ ticket: new Uint8Array(10).fill(9), ticket_nonce: new Uint8Array([5]) });
    const sessions = s.sessions().map(decodeAnyClientSession);
    assert.equal(sessions.length, 1);
    assert.ok(isSession13(sessions[0]!));
    assert.deepEqual((sessions[0] as ClientSession13).psk, psk2);
  });

  test('another PSK: the EncryptedExtensions does not decrypt (bad_record_mac)', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.psk = new Uint8Array(32);
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    // Handshake keys from another PSK: the EncryptedExtensions does not decrypt.
    assert.equal(s.failure && alertName(s.failure.alert), alertName(AlertDescription.bad_record_mac));
  });

  test('selected_identity 1: illegal_parameter', () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.psk = psk;
    s.sendHello(s.pskServerHello(1));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test("a suite whose hash is not the PSK's: illegal_parameter", () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.psk = psk;
    s.sendHello(s.pskServerHello(0, CipherSuite.TLS_AES_256_GCM_SHA384));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a Certificate in a PSK handshake: unexpected_message', () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    s.sendEncrypted(s.certificate(cert));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a server that declines the PSK: a full handshake', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    assert.ok(s.clientHello.extensions.pre_shared_key);
    s.sendHello(s.serverHello());
    s.sendFlight(cert, ECDSA);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.resumed ?? false, false);
    assert.equal(s.client.handshakeInfo!.signatureScheme, ECDSA);
  });

  test('HelloRetryRequest: the second ClientHello has a binder over the new transcript, and resumes', () => {
    const { blob, psk } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    const first = s.clientHello.extensions.pre_shared_key!;
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello(hrr);
    assert.equal(s.failure, undefined);
    const second = s.clientHello.extensions.pre_shared_key;
    assert.ok(second, 'still offered');
    assert.deepEqual(second.identities[0]!.identity, first.identities[0]!.identity);
    assert.notDeepEqual(second.binders[0], first.binders[0]);
    assert.deepEqual(second.binders[0], s.expectedBinder(psk, CipherSuite.TLS_AES_128_GCM_SHA256, hrr));
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    s.sendEncrypted(s.finished());
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.resumed, true);
    assert.equal(s.client.handshakeInfo!.helloRetryRequest, true);
  });

  test('HelloRetryRequest for a suite of another hash: the PSK is dropped', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, session: blob });
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1, CipherSuite.TLS_AES_256_GCM_SHA384));
    assert.equal(s.failure, undefined);
    assert.equal(s.clientHello.extensions.pre_shared_key, undefined);
  });
});

describe('0-RTT (RFC 8446 §4.2.10)', () => {
  const EARLY = new TextEncoder().encode('early request');

  /** A session whose ticket allows early data. */
  function early(): { blob: Uint8Array; psk: Uint8Array } {
    const { psk, sessions } = fullHandshake({ extensions: { early_data: 1024, unknown: [] } });
    return { blob: sessions[0]!, psk };
  }

  /** A client failure, whatever keys its alert went under (the script cannot read early-key records). */
  function fails(s: ResumptionServer, alert: number): void {
    const error = s.failure;
    assert.ok(error, 'the client failed');
    assert.equal(alertName(error.alert), alertName(alert), error.message);
  }

  test('the ClientHello offers early_data; an accepting server completes with earlyData "accepted"', () => {
    const { blob, psk } = early();
    const s = new ResumptionServer({ ...config, session: blob, earlyData: EARLY });
    assert.equal(s.clientHello.extensions.early_data, true);
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2', early_data: true }));
    s.sendEncrypted(s.finished());
    assert.equal(s.failure, undefined);
    assert.equal(s.client.handshakeInfo?.earlyData, 'accepted');
  });

  test('a ticket without max_early_data_size: no early_data offered', () => {
    const { blob } = issued();
    const s = new ResumptionServer({ ...config, session: blob, earlyData: EARLY });
    assert.equal(s.clientHello.extensions.early_data, undefined);
  });

  test('early_data accepted under another cipher suite of the same hash: illegal_parameter', () => {
    const suites = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
    const { blob, psk } = early();
    const s = new ResumptionServer({ ...config, cipherSuites: suites, session: blob, earlyData: EARLY });
    s.psk = psk;
    s.sendHello(s.pskServerHello(0, CipherSuite.TLS_CHACHA20_POLY1305_SHA256));
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2', early_data: true }));
    fails(s, AlertDescription.illegal_parameter);
  });

  test('early_data accepted under another ALPN protocol: illegal_parameter', () => {
    const { blob, psk } = early();
    const s = new ResumptionServer({ ...config, alpnProtocols: ['h2', 'http/1.1'], session: blob, earlyData: EARLY });
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'http/1.1', early_data: true }));
    fails(s, AlertDescription.illegal_parameter);
  });

  test('early_data in a full handshake (PSK not selected): unsupported_extension', () => {
    const { blob } = early();
    const s = new ResumptionServer({ ...config, session: blob, earlyData: EARLY });
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2', early_data: true }));
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('after a HelloRetryRequest: the second ClientHello has no early_data, and early_data in return is unsupported_extension', () => {
    const { blob, psk } = early();
    const s = new ResumptionServer({ ...config, session: blob, earlyData: EARLY });
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1));
    assert.equal(s.failure, undefined);
    assert.equal(s.clientHello.extensions.early_data, undefined, 'RFC 8446 §4.1.2');
    assert.ok(s.clientHello.extensions.pre_shared_key, 'still resuming');
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2', early_data: true }));
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('a rejecting server: the handshake completes with earlyData "rejected"', () => {
    const { blob, psk } = early();
    const s = new ResumptionServer({ ...config, session: blob, earlyData: EARLY });
    s.psk = psk;
    s.sendHello(s.pskServerHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    s.sendEncrypted(s.finished());
    assert.equal(s.failure, undefined);
    assert.equal(s.client.handshakeInfo?.earlyData, 'rejected');
  });
});
