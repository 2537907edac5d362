// Our TLS 1.2 client resuming sessions (RFC 5246 §7.3 abbreviated handshake, RFC 5077 tickets,
// RFC 7627 §5.3) against the scripted server of test/helpers/tls12-resumption-client-server.ts.
// The first tests show that the unchanged script resumes, so each failure below is caused by the
// one thing its test changes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import {
  type ClientSession,
  DEFAULT_SESSION_LIFETIME_SECONDS,
  decodeClientSession,
  encodeClientSession,
} from '../../src/client/sessions.js';
import { Connection } from '../../src/connection.js';
import { Tls12CipherSuite } from '../../src/crypto/suites.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription, AlertLevel, CipherSuite, NamedGroup, ProtocolVersion, alertName } from '../../src/wire/codes.js';
import { clientFor, serverCertificate } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { ResumptionScriptedServer, issuedSession } from '../helpers/tls12-resumption-client-server.js';

const pki = cachedPki();
const cert = serverCertificate(pki);

/** TLS 1.2 only; two ECDHE suites, so the server has another one to switch to. */
const config = clientFor(pki, {
  maxVersion: 'TLSv1.2',
  groups: [NamedGroup.x25519, NamedGroup.secp256r1],
  cipherSuites: [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384],
});
/** TLS 1.3 offered too. */
const withTls13 = clientFor(pki, {
  minVersion: 'TLSv1.2',
  cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
});

const TICKET = Uint8Array.from({ length: 100 }, (_, i) => i);
const NEW_TICKET = Uint8Array.from({ length: 80 }, (_, i) => 255 - i);

/** The client failed with `alert`, detected by itself, and sent it as a fatal alert. */
function rejects(s: ResumptionScriptedServer, alert: number): void {
  const error = s.failure;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(error.fromPeer, false);
  assert.equal(s.alerts[0] === undefined ? 'no alert' : alertName(s.alerts[0]), alertName(alert), 'the alert on the wire');
  assert.equal(s.alertLevels[0], AlertLevel.fatal);
  assert.equal(s.client.handshakeComplete, false);
}

/** The session, re-encoded with `changes`. */
const modified = (session: ClientSession, changes: Partial<ClientSession>): Uint8Array => encodeClientSession({ ...session, ...changes });

/** Data flows both ways under the resumed keys. */
function exchangesData(s: ResumptionScriptedServer): void {
  s.client.write(new TextEncoder().encode('ping'));
  s.collect();
  assert.equal(Buffer.concat(s.applicationData).toString(), 'ping', 'the server decrypts the client data');
  s.sendData('pong');
  assert.equal(s.receivedText, 'pong', 'the client decrypts the server data');
}

describe('sessions from a full handshake', () => {
  test('a session ID: one session with the ID, the master secret, EMS, the peer identity and the names', () => {
    const sessionId = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const { session, server } = issuedSession(config, cert, { sessionId });
    assert.equal(server.sessions.length, 1);
    assert.equal(session.version, ProtocolVersion.TLS1_2);
    assert.equal(session.cipherSuite, Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    assert.deepEqual(session.sessionId, sessionId);
    assert.equal(session.ticket, undefined);
    assert.deepEqual(session.masterSecret, server.master);
    assert.equal(session.extendedMasterSecret, true);
    assert.equal(session.serverName, 'localhost');
    assert.equal(session.sni, 'localhost');
    assert.deepEqual(session.peerCertificates, cert.chain);
    assert.equal(session.verifiedChain.length, 3);
    assert.equal(session.authorized, true);
    assert.equal(session.authorizationError, undefined);
    // The event follows handshake-complete.
    const kinds = server.events.map((e) => e.type).filter((t) => t === 'handshake-complete' || t === 'session');
    assert.deepEqual(kinds, ['handshake-complete', 'session']);
  });

  test('the ClientHello offers session_ticket (empty) and EMS; tickets: false leaves session_ticket out', () => {
    assert.deepEqual(new ResumptionScriptedServer(config).clientHello.extensions.session_ticket, new Uint8Array(0));
    assert.equal(new ResumptionScriptedServer(config).clientHello.extensions.extended_master_secret, true);
    assert.equal(new ResumptionScriptedServer({ ...config, tickets: false }).clientHello.extensions.session_ticket, undefined);
  });

  test('a ticket (RFC 5077 §3.3): the session has it, its lifetime hint, and the session ID', () => {
    const { session } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 7200 } });
    assert.deepEqual(session.ticket, TICKET);
    assert.equal(session.ticketLifetimeHint, 7200);
    assert.equal(session.sessionId.length, 32);
  });

  test('a ticket-only server (empty session_id): the session has the ticket', () => {
    const { session } = issuedSession(config, cert, { sessionId: new Uint8Array(0), ticket: { ticket: TICKET, lifetime: 0 } });
    assert.deepEqual(session.ticket, TICKET);
    assert.equal(session.sessionId.length, 0);
  });

  test('an empty ticket: the server will not resume by ticket, the session keeps its ID', () => {
    const { session } = issuedSession(config, cert, { ticket: { ticket: new Uint8Array(0), lifetime: 300 } });
    assert.equal(session.ticket, undefined);
    assert.equal(session.sessionId.length, 32);
  });

  test('no session without EMS (RFC 7627 §5.3), nor without an ID or a ticket', () => {
    const noEms = new ResumptionScriptedServer(config);
    noEms.issue(cert, { noEms: true });
    assert.ok(noEms.completed);
    assert.equal(noEms.client.handshakeInfo?.extendedMasterSecret, false);
    assert.equal(noEms.sessions.length, 0);

    const nothing = new ResumptionScriptedServer(config);
    nothing.issue(cert, { sessionId: new Uint8Array(0), ticket: { ticket: new Uint8Array(0), lifetime: 0 } });
    assert.ok(nothing.completed);
    assert.equal(nothing.sessions.length, 0);
  });

  test('a NewSessionTicket the ServerHello did not announce: unexpected_message (RFC 5077 §3.2)', () => {
    const s = new ResumptionScriptedServer(config);
    s.sendHello(s.serverHello());
    s.send(s.certificate(cert));
    s.send(s.serverKeyExchange(cert));
    s.send(s.serverHelloDone());
    assert.ok(s.clientFinishedVerified);
    s.send(s.newSessionTicket(TICKET, 300));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a ServerHello that announces a ticket and then sends none: unexpected_message', () => {
    const s = new ResumptionScriptedServer(config);
    const sh = s.serverHello();
    sh.extensions.session_ticket = true;
    s.sendHello(sh);
    s.send(s.certificate(cert));
    s.send(s.serverKeyExchange(cert));
    s.send(s.serverHelloDone());
    s.sendChangeCipherSpec();
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a NewSessionTicket before ServerHelloDone: unexpected_message', () => {
    const s = new ResumptionScriptedServer(config);
    const sh = s.serverHello();
    sh.extensions.session_ticket = true;
    s.sendHello(sh);
    s.send(s.certificate(cert));
    s.send(s.newSessionTicket(TICKET, 300));
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('resumption by session ID (RFC 5246 §7.3)', () => {
  test('the abbreviated handshake: ladder, keys, resumed flag, the original peer identity', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    assert.deepEqual(s.clientHello.legacy_session_id, session.sessionId, 'the ClientHello offers the session ID');
    assert.deepEqual(s.clientHello.extensions.session_ticket, new Uint8Array(0), 'and asks for a ticket');
    assert.equal(s.clientHello.extensions.extended_master_secret, true);
    s.resume(session);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.deepEqual(s.clientLadder, ['client_hello', 'finished']);
    assert.ok(s.clientChangedCipherSpec, 'the client sent its ChangeCipherSpec');
    assert.ok(s.clientFinishedVerified, 'the client Finished covers ClientHello .. server Finished');
    const info = s.client.handshakeInfo!;
    assert.equal(info.resumed, true);
    assert.equal(info.version, 'TLSv1.2');
    assert.equal(info.cipherSuiteName, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    assert.equal(info.extendedMasterSecret, true);
    assert.equal(info.groupName, 'none', 'no key exchange');
    assert.deepEqual(
      info.peerCertificates.map((c) => c.der),
      cert.chain,
      'the original peer certificates',
    );
    assert.equal(info.verifiedChain.length, 3);
    assert.equal(info.authorized, true);
    assert.equal(info.serverName, 'localhost');
    exchangesData(s);
    assert.equal(s.sessions.length, 0, 'no new session: nothing changed');
  });

  test('an unauthorized session (rejectUnauthorized false) keeps its error, and is not offered once rejectUnauthorized is true', () => {
    // The leaf names localhost: for another name it does not validate.
    const lax: ClientConfig = { ...config, serverName: 'wrong.example', rejectUnauthorized: false };
    const { blob, session } = issuedSession(lax, cert);
    assert.equal(session.authorized, false);
    assert.ok(session.authorizationError);
    const s = new ResumptionScriptedServer({ ...lax, session: blob });
    s.resume(session);
    assert.ok(s.completed);
    const info = s.client.handshakeInfo!;
    assert.equal(info.authorized, false);
    assert.ok(info.authorizationError instanceof TLSError);
    assert.equal(info.authorizationError.code, session.authorizationError.code);
    const strict = new ResumptionScriptedServer({ ...lax, rejectUnauthorized: true, session: blob });
    assert.equal(strict.clientHello.legacy_session_id.length, 0, 'not offered to a client that rejects unauthorized servers');
  });

  test('with TLS 1.3 offered too, the session ID is the legacy_session_id, and a TLS 1.2 server resumes it', () => {
    const { blob, session } = issuedSession(withTls13, cert);
    const s = new ResumptionScriptedServer({ ...withTls13, session: blob });
    assert.deepEqual(s.clientHello.legacy_session_id, session.sessionId);
    assert.deepEqual(s.clientHello.extensions.supported_versions, [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2]);
    s.resume(session);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo?.resumed, true);
  });

  test('a declined resumption (a new session_id): the full handshake completes and issues a new session', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.issue(cert);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo?.resumed, false);
    const [next] = s.sessions;
    assert.ok(next);
    assert.notDeepEqual(decodeClientSession(next).sessionId, session.sessionId);
    assert.notDeepEqual(decodeClientSession(next).masterSecret, session.masterSecret);
  });

  test('another cipher suite on resumption: illegal_parameter', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session, { suite: Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('no extended_master_secret on resumption: handshake_failure (RFC 7627 §5.3)', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session, { noEms: true }));
    rejects(s, AlertDescription.handshake_failure);
  });

  test('a modified server Finished: decrypt_error', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session));
    s.sendChangeCipherSpec();
    const fin = s.finished();
    fin.verify_data[0]! ^= 0x01;
    s.send(fin);
    rejects(s, AlertDescription.decrypt_error);
  });

  test('a Finished under another master secret (the server does not hold the session): decrypt_error', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.resume({ ...session, masterSecret: new Uint8Array(48).fill(7) });
    // The client cannot even read the Finished under the wrong keys.
    const error = s.failure;
    assert.ok(error);
    assert.ok(
      error.alert === AlertDescription.bad_record_mac || error.alert === AlertDescription.decrypt_error,
      alertName(error.alert),
    );
    assert.equal(s.client.handshakeComplete, false);
  });

  test('a Certificate where the resumed server belongs to ChangeCipherSpec: unexpected_message', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session));
    s.send(s.certificate(cert));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a NewSessionTicket in an abbreviated handshake without the acknowledgement: unexpected_message', () => {
    const { blob, session } = issuedSession(config, cert);
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session));
    s.send(s.newSessionTicket(TICKET, 300));
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('resumption by ticket (RFC 5077 §3.4)', () => {
  test('the ticket and a fresh session ID; the server echoes it and renews the ticket: a new session', () => {
    const { blob, session } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    assert.deepEqual(s.clientHello.extensions.session_ticket, TICKET, 'the ticket is offered');
    assert.equal(s.clientHello.legacy_session_id.length, 32, 'with a session ID of its own');
    assert.notDeepEqual(s.clientHello.legacy_session_id, session.sessionId, 'a fresh one, not the session ID');
    s.resume(session, { ticket: { ticket: NEW_TICKET, lifetime: 600 } });
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.deepEqual(s.clientLadder, ['client_hello', 'finished']);
    assert.ok(s.clientFinishedVerified, 'the client Finished covers the NewSessionTicket too');
    const info = s.client.handshakeInfo!;
    assert.equal(info.resumed, true);
    assert.deepEqual(
      info.peerCertificates.map((c) => c.der),
      cert.chain,
    );
    exchangesData(s);
    const [renewed] = s.sessions;
    assert.ok(renewed, 'the fresh ticket makes a session event');
    const next = decodeClientSession(renewed);
    assert.deepEqual(next.ticket, NEW_TICKET);
    assert.equal(next.ticketLifetimeHint, 600);
    assert.deepEqual(next.masterSecret, session.masterSecret, 'the same session');
    assert.deepEqual(next.peerCertificates, session.peerCertificates);
  });

  test('resumed without a new ticket: no session event', () => {
    const { blob, session } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.resume(session);
    assert.ok(s.completed);
    assert.equal(s.sessions.length, 0);
  });

  test('tickets: false offers a ticket session by its ID, without session_ticket', () => {
    const { blob, session } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    const s = new ResumptionScriptedServer({ ...config, session: blob, tickets: false });
    assert.equal(s.clientHello.extensions.session_ticket, undefined);
    assert.deepEqual(s.clientHello.legacy_session_id, session.sessionId);
    s.resume(session);
    assert.ok(s.completed);
  });

  test('a ServerHello acknowledging session_ticket, then ChangeCipherSpec without the ticket: unexpected_message', () => {
    const { blob, session } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    const s = new ResumptionScriptedServer({ ...config, session: blob });
    s.sendHello(s.resumingHello(session, { ticket: { ticket: NEW_TICKET, lifetime: 60 } }));
    s.sendChangeCipherSpec();
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('which session is offered', () => {
  const offered = (c: ClientConfig) => {
    const s = new ResumptionScriptedServer(c);
    return { id: s.clientHello.legacy_session_id, ticket: s.clientHello.extensions.session_ticket };
  };

  test('a session for another host is not offered', () => {
    const { blob } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    assert.equal(offered({ ...config, session: blob }).id.length, 32, 'offered to its own host');
    const other = offered({ ...config, serverName: 'example.com', session: blob });
    assert.equal(other.id.length, 0);
    assert.deepEqual(other.ticket, new Uint8Array(0));
    assert.equal(offered({ ...config, sni: 'example.com', session: blob }).id.length, 0, 'nor under another SNI');
    assert.equal(offered({ ...config, serverName: 'LOCALHOST.', session: blob }).id.length, 32, 'case and a final dot are the same host');
  });

  test('an expired session is not offered: 300 s without a ticket, else the ticket lifetime hint', () => {
    const { session } = issuedSession(config, cert);
    const now = Date.now();
    const age = (seconds: number) => now - seconds * 1000;
    assert.equal(offered({ ...config, session: modified(session, { createdAt: age(DEFAULT_SESSION_LIFETIME_SECONDS - 10) }) }).id.length, 32);
    assert.equal(offered({ ...config, session: modified(session, { createdAt: age(DEFAULT_SESSION_LIFETIME_SECONDS + 1) }) }).id.length, 0);

    const withTicket = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } }).session;
    const ticketOf = (seconds: number) => offered({ ...config, session: modified(withTicket, { createdAt: age(seconds) }) }).ticket;
    assert.deepEqual(ticketOf(1000), TICKET, 'within the hint, past the default');
    assert.deepEqual(ticketOf(3601), new Uint8Array(0), 'past the hint');
  });

  test('a session whose leaf certificate has expired is not offered', () => {
    const { session } = issuedSession(config, cert);
    assert.equal(offered({ ...config, session: modified(session, { leafNotAfter: Date.now() - 1000 }) }).id.length, 0);
  });

  test('a session whose suite we no longer offer, or with TLS 1.2 disabled, is not offered', () => {
    const { blob } = issuedSession(config, cert);
    const suites = [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384];
    assert.equal(offered({ ...config, cipherSuites: suites, session: blob }).id.length, 0);
    const tls13Only = new ResumptionScriptedServer({ ...withTls13, minVersion: 'TLSv1.3', session: blob } as ClientConfig);
    assert.equal(tls13Only.clientHello.extensions.session_ticket, undefined);
    assert.ok(!tls13Only.clientHello.legacy_session_id.every((b, i) => b === decodeClientSession(blob).sessionId[i]));
  });

  test('a malformed session is an Error when the connection is configured, not a TLSError', () => {
    const { blob } = issuedSession(config, cert, { ticket: { ticket: TICKET, lifetime: 3600 } });
    const configure = (session: Uint8Array) => () => Connection.client({ ...config, session });
    const isConfigError = (err: unknown) => err instanceof Error && !(err instanceof TLSError) && /session/.test(err.message);
    assert.doesNotThrow(configure(blob));
    assert.throws(configure(new TextEncoder().encode('not a session')), isConfigError);
    assert.throws(configure(new Uint8Array(0)), isConfigError);
    for (let n = 0; n < blob.length; n += Math.max(1, Math.floor(blob.length / 97))) {
      assert.throws(configure(blob.subarray(0, n)), isConfigError, `a ${n}-byte prefix`);
    }
    assert.throws(configure(new Uint8Array([...blob, 0])), isConfigError, 'a trailing byte');
    const newer = blob.slice();
    newer[2] = 99;
    assert.throws(configure(newer), /format 99/);
  });
});
