// TLS 1.2 resumption on the server (src/server/tls12.ts; RFC 5246 §7.3, RFC 5077, RFC 7627 §5.3),
// against the scripted client of test/helpers/tls12-resumption-client.ts: abbreviated handshakes by
// session ID and by ticket, every reason to fall back to a full handshake, ticket key rotation,
// the session cache's bound, and the session state's encoding (src/tls12/session.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesEqual } from '../../src/bytes.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { tls12SuiteByName } from '../../src/crypto/suites.js';
import type { HandshakeInfo } from '../../src/events.js';
import type { ServerConfig } from '../../src/server/config.js';
import { MemorySessionStore } from '../../src/server/session-cache.js';
import { TICKET_KEYS_LENGTH, TICKET_KEY_NAME_LENGTH, TicketKeys } from '../../src/server/tickets.js';
import { SESSION_ID_LENGTH } from '../../src/server/tls12.js';
import {
  MAX_SESSION_STATE,
  SESSION_FORMAT,
  type SessionState,
  type StoredError,
  decodeSession,
  encodeSession,
} from '../../src/tls12/session.js';
import { AlertDescription, AlertLevel, ContentType, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { certifiedKey, serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { type ClientSession, ResumptionClient } from '../helpers/tls12-resumption-client.js';

const ecdsaPki = cachedPki({ leafKeyType: 'ecdsa-p256' });
const rsaPki = cachedPki({ leafKeyType: 'rsa-2048' });
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });

const suiteId = (name: string): number => {
  const suite = tls12SuiteByName(name);
  assert.ok(suite, name);
  return suite.id;
};
const ECDHE_ECDSA_AES128_GCM = suiteId('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
const ECDHE_ECDSA_AES256_GCM = suiteId('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
const ECDHE_RSA_AES128_GCM = suiteId('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
const ECDHE_RSA_AES128_CBC_SHA256 = suiteId('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256');
const DHE_RSA_AES128_GCM = suiteId('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
const RSA_AES128_GCM = suiteId('TLS_RSA_WITH_AES_128_GCM_SHA256');
const RSA_AES256_CBC_SHA = suiteId('TLS_RSA_WITH_AES_256_CBC_SHA');

/** A provider whose clock the test moves (ms since the epoch). */
function clocked(start = Date.now()): { provider: CryptoProvider; advance(seconds: number): void } {
  let now = start;
  return { provider: { ...nodeProvider, now: () => now }, advance: (seconds) => void (now += seconds * 1000) };
}

interface Setup {
  config: ServerConfig;
  store: MemorySessionStore;
  keys: TicketKeys;
  provider: CryptoProvider;
  advance(seconds: number): void;
}

/** A TLS 1.2 server with a session cache and ticket keys of its own, on a clock the test moves. */
function setup(
  overrides: Partial<ServerConfig> = {},
  pki: Pki = ecdsaPki,
  options: { maxEntries?: number; rotation?: number } = {},
): Setup {
  const clock = clocked();
  const store = new MemorySessionStore({ maxEntries: options.maxEntries ?? 100 });
  const keys = new TicketKeys(options.rotation === undefined ? {} : { rotation: options.rotation });
  const config = serverFor(pki, { minVersion: 'TLSv1.2', sessionCache: store, tickets: keys, ...overrides });
  return { config, store, keys, ...clock };
}

/** The server completed; its HandshakeInfo. */
function completeInfo(c: ResumptionClient): HandshakeInfo {
  const done = c.events.find((e) => e.type === 'handshake-complete');
  assert.ok(done && done.type === 'handshake-complete', `server completed: ${c.failure?.message}`);
  return done.info;
}

/** Application data both ways over the finished connection. */
function exchangeData(c: ResumptionClient): void {
  c.sendProtected(ContentType.application_data, Buffer.from('ping'));
  c.server.write(Buffer.from('pong'));
  c.collect();
  assert.equal(c.applicationData, 'pong');
  const data = c.events.filter((e) => e.type === 'data').map((e) => Buffer.from((e as { data: Uint8Array }).data).toString());
  assert.deepEqual(data, ['ping']);
}

/** A full handshake (asking for a ticket unless `extensions` says otherwise); the session it leaves. */
function fullHandshake(
  s: Setup,
  suites: readonly number[] = [ECDHE_ECDSA_AES128_GCM],
  extensions = {},
): { c: ResumptionClient; session: ClientSession } {
  const c = new ResumptionClient(s.config, { provider: s.provider });
  c.sendClientHello(c.clientHello({ cipher_suites: [...suites] }, { session_ticket: new Uint8Array(0), ...extensions }));
  assert.equal(c.failure, undefined, c.failure?.message);
  assert.equal(c.resumed, false);
  c.finishHandshake();
  assert.ok(c.serverFinishedVerified, 'server Finished verified');
  exchangeData(c);
  return { c, session: c.session() };
}

/** Offers `session`; when the server resumes, finishes the abbreviated handshake and exchanges data. */
function offer(
  s: Setup,
  session: ClientSession,
  via: 'session-id' | 'ticket',
  overrides: Parameters<ResumptionClient['offer']>[2] = {},
  extensions: Parameters<ResumptionClient['offer']>[3] = {},
): ResumptionClient {
  const c = new ResumptionClient(s.config, { provider: s.provider });
  c.offer(session, via, { cipher_suites: [session.suite], ...overrides }, extensions);
  assert.equal(c.failure, undefined, c.failure?.message);
  if (c.resumed) {
    assert.ok(c.serverFinishedVerified, "the server's Finished verifies under the session's master secret");
    c.finishResumption();
    exchangeData(c);
  }
  return c;
}

/** The server resumed: the abbreviated ladder, and info says so. */
function assertResumed(c: ResumptionClient, session: ClientSession): HandshakeInfo {
  assert.equal(c.resumed, true, 'abbreviated handshake');
  const info = completeInfo(c);
  assert.equal(info.resumed, true);
  assert.equal(info.cipherSuite, session.suite);
  assert.equal(info.extendedMasterSecret, true);
  return info;
}

/** The server went on with a full handshake, which completes. */
function assertFull(c: ResumptionClient): HandshakeInfo {
  assert.equal(c.resumed, false, 'full handshake');
  assert.ok(c.fromServer.some((m) => m.type === 'certificate_tls12'), 'the server sent its Certificate');
  assert.equal(c.echoedSessionId, false, 'the offered session_id is not echoed');
  c.finishHandshake();
  exchangeData(c);
  const info = completeInfo(c);
  assert.equal(info.resumed, undefined);
  return info;
}

describe('TLS 1.2 resumption by session ID (RFC 5246 §7.3)', () => {
  test('a full handshake gives a fresh 32-byte session_id and caches the session after our Finished', () => {
    const s = setup();
    const c = new ResumptionClient(s.config, { provider: s.provider });
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }));
    assert.equal(c.serverHello!.session_id.length, SESSION_ID_LENGTH);
    // No session_ticket asked for: none announced.
    assert.equal(c.serverHello!.extensions.session_ticket, undefined);
    assert.equal(s.store.size, 0, 'nothing cached before the handshake completes');
    c.finishHandshake();
    completeInfo(c);
    assert.equal(s.store.size, 1);
    assert.ok(s.store.get(c.serverHello!.session_id, s.provider.now()));
  });

  test('the session resumes: echoed session_id, ServerHello + ChangeCipherSpec + Finished, keys from the master secret', () => {
    const s = setup();
    const { session } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined });
    const c = offer(s, session, 'session-id');
    const info = assertResumed(c, session);
    assert.equal(c.echoedSessionId, true);
    assert.deepEqual(
      c.fromServer.map((m) => m.type),
      ['server_hello_tls12', 'finished'],
    );
    const x = c.serverHello!.extensions;
    assert.equal(x.extended_master_secret, true);
    assert.equal(x.session_ticket, undefined);
    // RFC 6066 §3: no server_name in a resumed ServerHello.
    assert.equal(x.server_name, undefined);
    assert.equal(info.groupName, 'none');
    assert.equal(info.signatureScheme, 0);
    // The key log names the new client random with the session's master secret.
    const lines = c.events.filter((e) => e.type === 'keylog').map((e) => (e as { line: string }).line);
    assert.deepEqual(lines, [`CLIENT_RANDOM ${Buffer.from(c.random).toString('hex')} ${Buffer.from(session.master).toString('hex')}`]);
    // And again: a session resumes more than once within its lifetime.
    assertResumed(offer(s, session, 'session-id'), session);
  });

  test('an unknown session_id: a full handshake with a fresh one', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    const c = offer(s, { ...session, sessionId: new Uint8Array(32).fill(7) }, 'session-id');
    assertFull(c);
    assert.equal(c.serverHello!.session_id.length, SESSION_ID_LENGTH);
  });

  test('an expired session (sessionTimeout, default 300 s) does not resume', () => {
    const s = setup();
    const { session } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined });
    s.advance(299);
    assertResumed(offer(s, session, 'session-id'), session);
    s.advance(2);
    assertFull(offer(s, session, 'session-id'));
  });

  test('a shorter sessionTimeout configured after the session was made applies to it', () => {
    const s = setup();
    const { session } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined });
    s.advance(61);
    assertFull(offer({ ...s, config: { ...s.config, sessionTimeout: 60 } }, session, 'session-id'));
  });

  test('the cache bound evicts the least recently used session', () => {
    const s = setup({}, ecdsaPki, { maxEntries: 2 });
    const first = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined }).session;
    const second = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined }).session;
    // Resuming the first makes the second the least recently used.
    assertResumed(offer(s, first, 'session-id'), first);
    const third = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined }).session;
    assert.equal(s.store.size, 2);
    assertResumed(offer(s, first, 'session-id'), first);
    assertResumed(offer(s, third, 'session-id'), third);
    // Last: its full handshake caches a new session, evicting another.
    assertFull(offer(s, second, 'session-id'));
  });

  test('a modified client Finished in an abbreviated handshake: decrypt_error, and the session is forgotten (RFC 5246 §7.2.2)', () => {
    const s = setup();
    const { session } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined });
    const c = new ResumptionClient(s.config, { provider: s.provider });
    c.offer(session, 'session-id', { cipher_suites: [session.suite] });
    c.finishResumption({ corrupt: true });
    const err = c.failure;
    assert.ok(err);
    assert.equal(err.alertName, alertName(AlertDescription.decrypt_error), err.message);
    assert.deepEqual(c.alerts, [[AlertLevel.fatal, AlertDescription.decrypt_error]]);
    assert.equal(c.completed, false);
    assertFull(offer(s, session, 'session-id'));
  });

  test('sessionCache: false (or none): an empty session_id, and nothing resumes by ID', () => {
    const s = setup({ sessionCache: false, tickets: false });
    const { c, session } = fullHandshake(s);
    assert.equal(c.serverHello!.session_id.length, 0);
    assert.equal(c.serverHello!.extensions.session_ticket, undefined);
    assert.equal(c.newSessionTicket, undefined);
    assertFull(offer(s, { ...session, sessionId: new Uint8Array(32).fill(1) }, 'session-id'));
  });

  test('a store that throws is a miss, not a failure', () => {
    const s = setup();
    const broken = {
      get: () => {
        throw new Error('store down');
      },
      set: () => {
        throw new Error('store down');
      },
      delete: () => {},
    };
    const t = { ...s, config: { ...s.config, sessionCache: broken } };
    const { session } = fullHandshake(t, [ECDHE_ECDSA_AES128_GCM], { session_ticket: undefined });
    assertFull(offer(t, session, 'session-id'));
  });
});

describe('TLS 1.2 resumption by ticket (RFC 5077)', () => {
  test('a client that sends session_ticket gets an empty one in the ServerHello and a NewSessionTicket before our ChangeCipherSpec', () => {
    const s = setup();
    const { c, session } = fullHandshake(s);
    assert.equal(c.serverHello!.extensions.session_ticket, true);
    const types = c.fromServer.map((m) => m.type);
    assert.deepEqual(types.slice(-2), ['new_session_ticket_tls12', 'finished']);
    assert.ok(session.ticket, 'a ticket');
    assert.equal(session.lifetimeHint, 300);
    // RFC 5077 §4: key_name first, the key that seals now.
    const name = s.keys.getTicketKeys(s.provider).subarray(0, TICKET_KEY_NAME_LENGTH);
    assert.ok(bytesEqual(session.ticket.subarray(0, TICKET_KEY_NAME_LENGTH), name));
    // The master secret is not in the clear.
    assert.equal(Buffer.from(session.ticket).includes(Buffer.from(session.master)), false);
  });

  test('the ticket resumes: the client session_id echoed (RFC 5077 §3.4), no new ticket from a current key', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    const c = offer(s, session, 'ticket');
    assertResumed(c, session);
    assert.equal(c.echoedSessionId, true);
    assert.equal(c.serverHello!.extensions.session_ticket, undefined);
    assert.deepEqual(c.fromServer.map((m) => m.type), ['server_hello_tls12', 'finished']);
  });

  test('a ticket resumes with the session cache off, and sessions are cached and ticketed independently', () => {
    const s = setup({ sessionCache: false });
    const { c, session } = fullHandshake(s);
    assert.equal(c.serverHello!.session_id.length, 0);
    assertResumed(offer(s, session, 'ticket'), session);
  });

  test('a tampered ticket: a full handshake and a new ticket', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    const ticket = session.ticket!.slice();
    ticket[ticket.length - 20]! ^= 1;
    const c = offer(s, { ...session, ticket }, 'ticket');
    assertFull(c);
    assert.ok(c.newSessionTicket?.ticket.length, 'a new ticket');
  });

  test('a ticket with an unknown key name (another server): a full handshake', () => {
    const s = setup();
    const other = setup();
    const { session } = fullHandshake(other);
    assertFull(offer(s, session, 'ticket'));
  });

  test('a truncated or empty-looking ticket: a full handshake', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    assertFull(offer(s, { ...session, ticket: session.ticket!.subarray(0, 20) }, 'ticket'));
    assertFull(offer(s, { ...session, ticket: session.ticket!.subarray(0, 60) }, 'ticket'));
  });

  test('an expired ticket: a full handshake', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    s.advance(300);
    assertFull(offer(s, session, 'ticket'));
  });

  test('a ticket that does not open is not replaced by the session_id beside it (RFC 5077 §3.4)', () => {
    const s = setup();
    const { session } = fullHandshake(s);
    // The session is cached under its ID as well, but a ticket was presented.
    assert.equal(session.sessionId.length, SESSION_ID_LENGTH);
    const ticket = session.ticket!.slice();
    ticket[20]! ^= 1;
    const c = new ResumptionClient(s.config, { provider: s.provider });
    c.offer(session, 'session-id', { cipher_suites: [session.suite] }, { session_ticket: ticket });
    assertFull(c);
  });

  test('tickets: false: no session_ticket in the ServerHello, no NewSessionTicket, a ticket is ignored', () => {
    const s = setup({ tickets: false });
    const { c } = fullHandshake(s);
    assert.equal(c.serverHello!.extensions.session_ticket, undefined);
    assert.equal(c.newSessionTicket, undefined);
    const withTickets = setup();
    const { session } = fullHandshake(withTickets);
    assertFull(offer({ ...s, provider: withTickets.provider }, session, 'ticket'));
  });

  test('ticket key rotation: a ticket from the previous key resumes within the overlap, with a renewed ticket', () => {
    const s = setup({ sessionTimeout: 86_400 }, ecdsaPki, { rotation: 3600 });
    const { session } = fullHandshake(s);
    s.advance(3600);
    // The next ticket the server seals rotates the key.
    const fresh = fullHandshake(s).session;
    assert.equal(bytesEqual(fresh.ticket!.subarray(0, 16), session.ticket!.subarray(0, 16)), false, 'a new key name');
    s.advance(299);
    const c = offer(s, session, 'ticket');
    assertResumed(c, session);
    assert.equal(c.serverHello!.extensions.session_ticket, true);
    assert.deepEqual(c.fromServer.map((m) => m.type), ['server_hello_tls12', 'new_session_ticket_tls12', 'finished']);
    const renewed = c.newSessionTicket!;
    assert.ok(bytesEqual(renewed.ticket.subarray(0, 16), fresh.ticket!.subarray(0, 16)), 'sealed by the current key');
    // The session keeps its creation time: the hint is what is left of its lifetime.
    assert.equal(renewed.ticket_lifetime_hint, 86_400 - 3600 - 299);
    s.advance(2);
    // Past the overlap (the default 300 s): the old key is gone, the renewed ticket still resumes.
    assertFull(offer(s, session, 'ticket'));
    assertResumed(offer(s, { ...session, ticket: renewed.ticket }, 'ticket'), session);
  });

  test('setTicketKeys: the replaced key opens for the overlap; getTicketKeys returns the 48 bytes that seal', () => {
    const s = setup({ sessionTimeout: 86_400 });
    const { session } = fullHandshake(s);
    const replacement = new Uint8Array(TICKET_KEYS_LENGTH).fill(9);
    s.keys.setTicketKeys(s.provider, replacement);
    assert.deepEqual(s.keys.getTicketKeys(s.provider), replacement);
    const fresh = fullHandshake(s).session;
    assert.deepEqual(fresh.ticket!.subarray(0, 16), replacement.subarray(0, 16));
    assertResumed(offer(s, session, 'ticket'), session);
    s.advance(301);
    assertFull(offer(s, session, 'ticket'));
    // Given keys do not rotate.
    s.advance(30 * 86_400);
    assert.deepEqual(s.keys.getTicketKeys(s.provider), replacement);
  });

  test('TicketKeys refuse keys that are not 48 bytes', () => {
    assert.throws(() => new TicketKeys({ keys: new Uint8Array(32) }), RangeError);
    assert.throws(() => new TicketKeys().setTicketKeys(nodeProvider, new Uint8Array(80)), RangeError);
  });
});

describe('TLS 1.2 resumption: when a known session must not resume', () => {
  const both = ['session-id', 'ticket'] as const;

  for (const via of both) {
    test(`${via}: a ClientHello without extended_master_secret gets a full handshake (RFC 7627 §5.3)`, () => {
      const s = setup();
      const { session } = fullHandshake(s);
      const c = offer(s, session, via, {}, { extended_master_secret: undefined });
      assertFull(c);
      // RFC 7627 §5.4: and that session is not kept.
      assert.equal(c.serverHello!.session_id.length, 0);
      assert.equal(c.serverHello!.extensions.session_ticket, undefined);
    });

    test(`${via}: another server_name gets a full handshake (RFC 6066 §3)`, () => {
      const s = setup();
      const { session } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { server_name: 'localhost' });
      assertResumed(offer(s, session, via, {}, { server_name: 'localhost' }), session);
      assertFull(offer(s, session, via, {}, { server_name: 'other.example' }));
      assertFull(offer(s, session, via));
    });

    test(`${via}: a suite the client no longer offers, or we no longer enable, gets a full handshake`, () => {
      const s = setup();
      const { session } = fullHandshake(s);
      assertFull(offer(s, session, via, { cipher_suites: [ECDHE_ECDSA_AES256_GCM] }));
      const narrowed = { ...s, config: { ...s.config, cipherSuites: [0x1301, ECDHE_ECDSA_AES256_GCM] } };
      const c = new ResumptionClient(narrowed.config, { provider: s.provider });
      c.offer(session, via, { cipher_suites: [session.suite, ECDHE_ECDSA_AES256_GCM] });
      assertFull(c);
      assert.equal(completeInfo(c).cipherSuite, ECDHE_ECDSA_AES256_GCM);
    });

    test(`${via}: another sessionIdContext gets a full handshake`, () => {
      const s = setup({ sessionIdContext: Uint8Array.of(1) });
      const { session } = fullHandshake(s);
      assertResumed(offer(s, session, via), session);
      assertFull(offer({ ...s, config: { ...s.config, sessionIdContext: Uint8Array.of(2) } }, session, via));
    });

    test(`${via}: ALPN is negotiated again from the new ClientHello (RFC 7301 §3.1)`, () => {
      const s = setup({ alpnProtocols: ['h2', 'http/1.1'] });
      const { session, c: first } = fullHandshake(s, [ECDHE_ECDSA_AES128_GCM], { alpn: ['h2'] });
      assert.equal(completeInfo(first).alpnProtocol, 'h2');
      const c = offer(s, session, via, {}, { alpn: ['http/1.1'] });
      assert.equal(assertResumed(c, session).alpnProtocol, 'http/1.1');
      assert.equal(c.serverHello!.extensions.alpn, 'http/1.1');
    });
  }

  test('encrypt_then_mac must be negotiated as in the session (RFC 7366 §3.1): a full handshake otherwise', () => {
    const s = setup({ cipherSuites: [0x1301, ECDHE_RSA_AES128_CBC_SHA256] }, rsaPki);
    const { session } = fullHandshake(s, [ECDHE_RSA_AES128_CBC_SHA256], { encrypt_then_mac: true });
    const c = offer(s, session, 'ticket', {}, { encrypt_then_mac: true });
    assertResumed(c, session);
    assert.equal(c.serverHello!.extensions.encrypt_then_mac, true);
    assert.equal(completeInfo(c).encryptThenMac, true);
    assertFull(offer(s, session, 'ticket'));
  });
});

describe('TLS 1.2 resumption: each key exchange', () => {
  const legacy = [0x1301, ECDHE_RSA_AES128_GCM, DHE_RSA_AES128_GCM, RSA_AES128_GCM, RSA_AES256_CBC_SHA];
  const cases: [string, number][] = [
    ['ECDHE-RSA AES-128-GCM', ECDHE_RSA_AES128_GCM],
    ['DHE-RSA AES-128-GCM', DHE_RSA_AES128_GCM],
    ['RSA key exchange AES-128-GCM', RSA_AES128_GCM],
    ['RSA key exchange AES-256-CBC-SHA', RSA_AES256_CBC_SHA],
  ];
  for (const [name, suite] of cases) {
    test(`a ${name} session resumes by session ID and by ticket`, () => {
      const s = setup({ cipherSuites: legacy }, rsaPki);
      const { session } = fullHandshake(s, [suite]);
      assertResumed(offer(s, session, 'session-id'), session);
      assertResumed(offer(s, session, 'ticket'), session);
    });
  }
});

describe('TLS 1.2 resumption: client authentication', () => {
  const clientCert = certifiedKey(clientPki.leaf, clientPki.intermediate);
  const auth = (required: boolean) => ({ clientAuth: { verifier: verifierTrusting(clientPki.root), required } });

  /** A full handshake with the client's certificate (or none). */
  function authenticated(s: Setup, withCertificate = true): ClientSession {
    const c = new ResumptionClient(s.config, { provider: s.provider });
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }, { session_ticket: new Uint8Array(0) }));
    c.sendCertificate(withCertificate ? clientCert : undefined);
    c.sendClientKeyExchange();
    if (withCertificate) c.sendCertificateVerify(clientCert, SignatureScheme.ecdsa_secp256r1_sha256);
    c.sendChangeCipherSpec();
    c.sendFinished();
    assert.equal(completeInfo(c).authorized, withCertificate);
    return c.session();
  }

  for (const via of ['session-id', 'ticket'] as const) {
    test(`${via}: a resumed session keeps the client's identity, without asking again`, () => {
      const s = setup(auth(true));
      const session = authenticated(s);
      const c = offer(s, session, via);
      const info = assertResumed(c, session);
      assert.equal(c.fromServer.some((m) => m.type === 'certificate_request_tls12'), false);
      assert.equal(info.authorized, true);
      assert.equal(info.authorizationError, undefined);
      assert.ok(info.peerCertificates[0]?.subject.includes('client one'));
      assert.equal(info.peerCertificates.length, 2);
      assert.deepEqual(
        info.verifiedChain.map((cert) => cert.fingerprint256),
        [clientPki.leaf, clientPki.intermediate, clientPki.root].map((cert) => nodeProvider.parseCertificate(cert.der).fingerprint256),
      );
    });
  }

  test('a session without a client certificate does not resume where one is required', () => {
    const optional = setup(auth(false));
    const session = authenticated(optional, false);
    const resumed = assertResumed(offer(optional, session, 'ticket'), session);
    assert.equal(resumed.authorized, false);
    assert.equal(resumed.authorizationError?.code, 'UNABLE_TO_GET_ISSUER_CERT');
    const required = { ...optional, config: { ...optional.config, ...auth(true) } };
    const c = offer(required, session, 'ticket');
    assert.equal(c.resumed, false);
    assert.ok(c.fromServer.some((m) => m.type === 'certificate_request_tls12'));
  });

  test('a session made without client authentication does not resume where it is on, and back', () => {
    const plain = setup();
    const session = fullHandshake(plain).session;
    const c = offer({ ...plain, config: { ...plain.config, ...auth(false) } }, session, 'ticket');
    assert.equal(c.resumed, false);
    const authed = setup(auth(true));
    const withCert = authenticated(authed);
    assertFull(offer({ ...authed, config: { ...authed.config, clientAuth: undefined } }, withCert, 'ticket'));
  });
});

describe('TLS 1.2 session state encoding (src/tls12/session.ts)', () => {
  const certificates = [clientPki.leaf.der, clientPki.intermediate.der];
  const state = (client: SessionState['client'] = { kind: 'not-requested' }): SessionState => ({
    version: 0x0303,
    cipherSuite: ECDHE_ECDSA_AES128_GCM,
    masterSecret: new Uint8Array(48).fill(0xab),
    extendedMasterSecret: true,
    encryptThenMac: false,
    created: 1_700_000_000_123,
    lifetime: 300,
    context: Uint8Array.of(1, 2, 3),
    serverName: 'example.com',
    alpnProtocol: 'h2',
    client,
  });
  const withCertificate = (verified: Uint8Array[], authorized: boolean, error: StoredError | undefined) =>
    state({ kind: 'certificate', received: certificates, verified, authorized, error });
  const cases: [string, SessionState][] = [
    ['no client authentication', state()],
    ['no client certificate', state({ kind: 'absent', error: { alert: 116, code: 'UNABLE_TO_GET_ISSUER_CERT', message: 'none' } })],
    ['a client certificate', withCertificate([...certificates, clientPki.root.der], true, undefined)],
    ['an unauthorized client certificate', withCertificate([], false, { alert: 48, code: 'X', message: 'é' })],
    [
      'no name, no ALPN, encrypt_then_mac',
      { ...state(), serverName: undefined, alpnProtocol: false, encryptThenMac: true, context: new Uint8Array(0) },
    ],
  ];
  for (const [name, s] of cases) {
    test(`${name}: encode → decode is the identity, and every strict prefix is no session`, () => {
      const bytes = encodeSession(s);
      assert.ok(bytes);
      assert.deepEqual(decodeSession(bytes), s);
      for (let n = 0; n < bytes.length; n++) assert.equal(decodeSession(bytes.subarray(0, n)), undefined, `prefix ${n}`);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      assert.equal(decodeSession(longer), undefined, 'a trailing byte');
    });
  }

  test('another format version, a missing EMS flag, an unknown flag or client kind: no session, never a throw', () => {
    const bytes = encodeSession(state())!;
    const patched = (at: number, value: number) => {
      const b = bytes.slice();
      b[at] = value;
      return b;
    };
    assert.equal(bytes[0], SESSION_FORMAT);
    assert.equal(decodeSession(patched(0, SESSION_FORMAT + 1)), undefined);
    const flags = 1 + 2 + 2 + 48;
    assert.equal(decodeSession(patched(flags, 0)), undefined);
    assert.equal(decodeSession(patched(flags, 5)), undefined);
    assert.equal(decodeSession(patched(bytes.length - 1, 3)), undefined);
    for (let i = 0; i < 200; i++) assert.equal(decodeSession(nodeProvider.randomBytes(i)), undefined);
  });

  test(`a state above MAX_SESSION_STATE (${MAX_SESSION_STATE} bytes) is not kept`, () => {
    const big = new Uint8Array(MAX_SESSION_STATE);
    const huge = state({ kind: 'certificate', received: [big], verified: [], authorized: false, error: undefined });
    assert.equal(encodeSession(huge), undefined);
  });
});
