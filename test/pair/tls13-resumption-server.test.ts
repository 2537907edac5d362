// TLS 1.3 resumption on the server (src/server/tls13.ts, src/tls13/ticket.ts; RFC 8446 §2.2,
// §4.2.11, §4.6.1), against the scripted client of test/helpers/tls13-resumption-scripted-client.ts:
// the tickets issued, a resumed handshake, every reason to decline a PSK (a full handshake
// follows), a binder that does not verify (decrypt_error), and resumption after HelloRetryRequest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tls13Suite } from '../../src/crypto/suites.js';
import { Connection } from '../../src/connection.js';
import type { ServerConfig } from '../../src/server/config.js';
import { TicketKeys } from '../../src/server/tickets.js';
import { MAX_PSK_IDENTITIES_TRIED, TICKET_AGE_TOLERANCE } from '../../src/server/tls13.js';
import { SESSION_FORMAT, decodeSession, encodeSession } from '../../src/tls12/session.js';
import { TICKET_FORMAT, type TicketState, decodeTicketState, encodeTicketState } from '../../src/tls13/ticket.js';
import { AlertDescription, CipherSuite, ContentType, NamedGroup, ProtocolVersion, PskKeyExchangeMode } from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import type { ServerHello } from '../../src/wire/types.js';
import { serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { readRecords, record, splitHandshakes } from '../helpers/records.js';
import {
  Clock,
  type ClientTicket,
  ResumptionScriptedClient,
  providerAt,
  runHandshake,
} from '../helpers/tls13-resumption-scripted-client.js';

const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });

interface Setup {
  clock: Clock;
  config: ServerConfig;
  keys: TicketKeys;
}

function setup(overrides: Partial<ServerConfig> = {}): Setup {
  const keys = new TicketKeys();
  return { clock: new Clock(), keys, config: serverFor(pki, { tickets: keys, ...overrides }) };
}

/** A full handshake; returns the client and the tickets it got. */
function issue(s: Setup, config: ServerConfig = s.config): { client: ResumptionScriptedClient; tickets: ClientTicket[] } {
  const client = new ResumptionScriptedClient(config, s.clock);
  runHandshake(client);
  assert.ok(client.completed, 'full handshake completed');
  return { client, tickets: client.tickets() };
}

/** A handshake offering `ticket`; returns the client (completed or failed). */
function offer(s: Setup, ticket: ClientTicket, options: Parameters<ResumptionScriptedClient['pskClientHello']>[1] = {}, config = s.config) {
  const client = new ResumptionScriptedClient(config, s.clock);
  const hello = client.pskClientHello(ticket, options);
  client.sendClientHello(hello);
  if (client.serverHello?.type === 'server_hello') {
    client.sendFinished();
    client.startApplicationData();
  }
  return client;
}

const selected = (c: ResumptionScriptedClient) => (c.serverHello as ServerHello | undefined)?.extensions.pre_shared_key;

function assertResumed(c: ResumptionScriptedClient): void {
  assert.equal(c.failure, undefined, c.failure?.message);
  assert.equal(selected(c), 0, 'ServerHello selects identity 0');
  // RFC 8446 §2.2: no certificate messages in a PSK handshake.
  assert.deepEqual(c.flightTypes(), ['encrypted_extensions', 'finished']);
  assert.ok(c.completed);
  assert.equal(c.info?.resumed, true);
  assert.equal(c.info?.signatureScheme, 0);
  assert.equal(c.info?.signatureSchemeName, 'none');
}

function assertFull(c: ResumptionScriptedClient): void {
  assert.equal(c.failure, undefined, c.failure?.message);
  assert.equal(selected(c), undefined, 'no pre_shared_key in ServerHello');
  assert.deepEqual(c.flightTypes(), ['encrypted_extensions', 'certificate', 'certificate_verify', 'finished']);
  assert.ok(c.completed);
  assert.notEqual(c.info?.resumed, true);
}

describe('TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1)', () => {
  test('no tickets configured: no NewSessionTicket', () => {
    const s = setup({ tickets: undefined });
    const { client, tickets } = issue(s);
    assert.equal(tickets.length, 0);
    assert.equal(client.newSessionTickets().length, 0);
  });

  test('default: two tickets, lifetime = sessionTimeout, distinct nonces and ages, no early_data', () => {
    const s = setup({ sessionTimeout: 1234 });
    const { client } = issue(s);
    const nsts = client.newSessionTickets();
    assert.equal(nsts.length, 2);
    for (const n of nsts) {
      assert.equal(n.ticket_lifetime, 1234);
      assert.equal(n.extensions.early_data, undefined);
    }
    assert.notDeepEqual(nsts[0]!.ticket_nonce, nsts[1]!.ticket_nonce);
    assert.notDeepEqual(nsts[0]!.ticket, nsts[1]!.ticket);
    assert.notEqual(nsts[0]!.ticket_age_add, nsts[1]!.ticket_age_add);
  });

  test('no NewSessionTicket when the client offers no PSK mode we resume with (RFC 8446 §4.2.9)', () => {
    const s = setup();
    for (const modes of [undefined, [PskKeyExchangeMode.psk_ke]]) {
      const c = new ResumptionScriptedClient(s.config, s.clock);
      runHandshake(c, c.clientHello({ psk_key_exchange_modes: modes }));
      assert.ok(c.completed);
      assert.equal(c.newSessionTickets().length, 0, String(modes));
    }
    const c = new ResumptionScriptedClient({ ...s.config, pskKe: true }, s.clock);
    runHandshake(c, c.clientHello({ psk_key_exchange_modes: [PskKeyExchangeMode.psk_ke] }));
    assert.equal(c.newSessionTickets().length, 2);
  });

  test('tls13Tickets sets the count; 0 sends none', () => {
    assert.equal(issue(setup({ tls13Tickets: 3 })).tickets.length, 3);
    assert.equal(issue(setup({ tls13Tickets: 0 })).tickets.length, 0);
    assert.throws(() => Connection.server(serverFor(pki, { tls13Tickets: 17 })), /tls13Tickets/);
  });
});

describe('TLS 1.3 resumption (RFC 8446 §2.2, §4.2.11)', () => {
  test('a ticket resumes: no Certificate, resumed, psk_dhe_ke with a key share', () => {
    const s = setup();
    const { tickets } = issue(s);
    s.clock.advance(2_000);
    const c = offer(s, tickets[0]!);
    assertResumed(c);
    assert.ok((c.serverHello as ServerHello).extensions.key_share, 'psk_dhe_ke: the ServerHello carries a share');
    assert.deepEqual(c.info?.peerCertificates, []);
    // RFC 8446 §9.2: no signature_algorithms is fine in a ClientHello that offers a PSK.
    assertResumed(offer(s, tickets[0]!, { extensions: { signature_algorithms: undefined } }));
    // Either ticket works.
    assertResumed(offer(s, tickets[1]!));
  });

  test('a resumed handshake issues tickets that resume again', () => {
    const s = setup();
    const { tickets } = issue(s);
    const c = offer(s, tickets[0]!);
    assertResumed(c);
    const next = c.tickets();
    assert.equal(next.length, 2);
    assertResumed(offer(s, next[0]!));
  });

  test('the first identity that is one of our tickets is selected; only MAX_PSK_IDENTITIES_TRIED are tried', () => {
    const s = setup();
    const { tickets } = issue(s);
    const c = offer(s, tickets[0]!, { decoysBefore: 2 });
    assert.equal(c.failure, undefined, c.failure?.message);
    assert.equal(selected(c), 2);
    assert.deepEqual(c.flightTypes(), ['encrypted_extensions', 'finished']);
    assert.equal(c.info?.resumed, true);
    assertFull(offer(s, tickets[1]!, { decoysBefore: MAX_PSK_IDENTITIES_TRIED }));
  });

  test('a ticket sealer that throws: no tickets, and a PSK is declined (full handshake)', () => {
    const s = setup();
    const { tickets } = issue(s);
    const broken = {
      seal: () => {
        throw new Error('key service down');
      },
      open: () => {
        throw new Error('key service down');
      },
    };
    const c = offer(s, tickets[0]!, {}, { ...s.config, tickets: broken });
    assertFull(c);
    assert.equal(c.newSessionTickets().length, 0);
  });

  test('a binder that does not verify is decrypt_error', () => {
    const s = setup();
    const { tickets } = issue(s);
    const c = offer(s, tickets[0]!, { corruptBinder: true });
    assert.equal(c.alert, AlertDescription.decrypt_error);
    assert.equal(c.completed, false);
  });

  test('an unknown or tampered ticket: full handshake', () => {
    const s = setup();
    const { tickets } = issue(s);
    assertFull(offer(s, tickets[0]!, { identity: new Uint8Array(100).fill(7) }));
    const tampered = Uint8Array.from(tickets[0]!.ticket);
    tampered[tampered.length - 1]! ^= 1;
    assertFull(offer(s, tickets[0]!, { identity: tampered }));
  });

  test("the trace says why a PSK was declined", () => {
    const s = setup({ sessionTimeout: 60 });
    const { tickets } = issue(s);
    s.clock.advance(61_000);
    const c = offer(s, tickets[0]!);
    assertFull(c);
    const hello = c.events.find((e) => e.type === 'trace' && e.event.direction === 'received' && e.event.name === 'ClientHello');
    assert.ok(hello && hello.type === 'trace');
    assert.match(hello.event.detail ?? '', /PSK declined \(expired\): full handshake/);
  });

  test('random identities of every length: a full handshake, never an error', () => {
    const s = setup();
    const { tickets } = issue(s);
    for (let i = 0; i < 40; i++) {
      const identity = providerAt(s.clock).randomBytes(1 + ((i * 37) % 400));
      assertFull(offer(s, tickets[0]!, { identity }));
    }
  });

  test('an expired ticket: full handshake', () => {
    const s = setup({ sessionTimeout: 60 });
    const { tickets } = issue(s);
    s.clock.advance(59_000);
    assertResumed(offer(s, tickets[0]!));
    s.clock.advance(1_000);
    assertFull(offer(s, tickets[1]!));
  });

  test('a ticket age far from ours: full handshake; within the tolerance: resumed', () => {
    const s = setup();
    const { tickets } = issue(s);
    s.clock.advance(30_000);
    assertFull(offer(s, tickets[0]!, { ageMs: 30_000 + TICKET_AGE_TOLERANCE + 1_000 }));
    assertFull(offer(s, tickets[0]!, { ageMs: 0 }));
    assertResumed(offer(s, tickets[0]!, { ageMs: 30_000 - TICKET_AGE_TOLERANCE / 2 }));
  });

  test('a chain of resumptions ends 7 days after the full handshake (RFC 8446 §4.6.1)', () => {
    const s = setup({ sessionTimeout: 7 * 24 * 3600 });
    let { tickets } = issue(s);
    assert.equal(tickets[0]!.lifetime, 7 * 24 * 3600);
    // Resume every 3 days: the tickets of resumed connections live only what is left of the 7 days.
    s.clock.advance(3 * 24 * 3600 * 1000);
    let c = offer(s, tickets[0]!);
    assertResumed(c);
    tickets = c.tickets();
    assert.equal(tickets[0]!.lifetime, 4 * 24 * 3600);
    s.clock.advance(3 * 24 * 3600 * 1000);
    c = offer(s, tickets[0]!);
    assertResumed(c);
    tickets = c.tickets();
    assert.equal(tickets[0]!.lifetime, 1 * 24 * 3600);
    s.clock.advance(1 * 24 * 3600 * 1000);
    assertFull(offer(s, tickets[0]!));
  });

  test('a ticket sealed with a key rotated out past its overlap: full handshake', () => {
    const clock = new Clock();
    const keys = new TicketKeys({ keys: new Uint8Array(48).fill(1), overlap: 60 });
    const s: Setup = { clock, keys, config: serverFor(pki, { tickets: keys, sessionTimeout: 600 }) };
    const { tickets } = issue(s);
    keys.setTicketKeys(providerAt(clock), new Uint8Array(48).fill(2));
    clock.advance(30_000);
    assertResumed(offer(s, tickets[0]!)); // within the overlap the old key still opens
    clock.advance(31_000);
    assertFull(offer(s, tickets[1]!));
  });

  test('psk_ke alone is refused by default (full handshake); pskKe allows it, without a key share', () => {
    const s = setup();
    const { tickets } = issue(s);
    assertFull(offer(s, tickets[0]!, { modes: [PskKeyExchangeMode.psk_ke] }));

    const allowing = { ...s.config, pskKe: true };
    const c = new ResumptionScriptedClient(allowing, s.clock);
    const hello = c.pskClientHello(tickets[1]!, { modes: [PskKeyExchangeMode.psk_ke] });
    c.server.receive(record(ContentType.handshake, hello));
    const [sh] = readRecords(c.server.takeOutput()).filter((r) => r.type === ContentType.handshake);
    const msg = decodeHandshakeMessage(splitHandshakes(sh!.fragment)[0]!) as ServerHello;
    assert.equal(msg.type, 'server_hello');
    assert.equal(msg.extensions.pre_shared_key, 0);
    assert.equal(msg.extensions.key_share, undefined);
  });

  test('another server_name: full handshake', () => {
    const s = setup();
    const client = new ResumptionScriptedClient(s.config, s.clock);
    runHandshake(client);
    const tickets = client.tickets();
    assertFull(offer(s, tickets[0]!, { extensions: { server_name: 'other.example' } }));
  });

  test("a suite with another hash: full handshake (RFC 8446 §4.2.11)", () => {
    const s = setup();
    const { tickets } = issue(s);
    assert.equal(tickets[0]!.suite.id, CipherSuite.TLS_AES_128_GCM_SHA256);
    const c = offer(s, tickets[0]!, {}, { ...s.config, cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384] });
    assertFull(c);
    // Same hash, another suite: resumes.
    assertResumed(offer(s, tickets[1]!, {}, { ...s.config, cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256] }));
  });

  test('client authentication turned on since the ticket was issued: not resumed (full handshake, CertificateRequest)', () => {
    const s = setup();
    const { tickets } = issue(s);
    const withAuth = { ...s.config, clientAuth: { verifier: verifierTrusting(pki.root), required: false } };
    const c = new ResumptionScriptedClient(withAuth, s.clock);
    c.sendClientHello(c.pskClientHello(tickets[0]!));
    assert.equal(selected(c), undefined);
    assert.ok(c.flightTypes().includes('certificate_request'));
  });

  test('HelloRetryRequest during resumption: the second ClientHello binder is checked against the new transcript', () => {
    const s = setup();
    const { tickets } = issue(s);
    // The same ticket keys, on a server that asks for another group than the client's share.
    s.config = { ...s.config, groups: [NamedGroup.secp256r1] };
    const c = new ResumptionScriptedClient(s.config, s.clock);
    c.sendClientHello(c.pskClientHello(tickets[0]!));
    assert.equal(c.serverHello?.type, 'hello_retry_request');
    c.sendClientHello(c.pskClientHello(tickets[0]!));
    c.sendFinished();
    c.startApplicationData();
    assertResumed(c);
    assert.equal(c.info?.helloRetryRequest, true);

    // RFC 8446 §9.2: a ClientHello with pre_shared_key may leave out signature_algorithms, before and after the retry.
    const bare = new ResumptionScriptedClient(s.config, s.clock);
    bare.sendClientHello(bare.pskClientHello(tickets[0]!, { extensions: { signature_algorithms: undefined } }));
    assert.equal(bare.serverHello?.type, 'hello_retry_request', bare.failure?.message);
    bare.sendClientHello(bare.pskClientHello(tickets[0]!, { extensions: { signature_algorithms: undefined } }));
    bare.sendFinished();
    bare.startApplicationData();
    assertResumed(bare);

    const bad = new ResumptionScriptedClient(s.config, s.clock);
    bad.sendClientHello(bad.pskClientHello(tickets[1]!));
    bad.sendClientHello(bad.pskClientHello(tickets[1]!, { corruptBinder: true }));
    assert.equal(bad.alert, AlertDescription.decrypt_error);
  });
});

describe('TLS 1.3 ticket state (src/tls13/ticket.ts)', () => {
  const state: TicketState = {
    version: ProtocolVersion.TLS1_3,
    cipherSuite: CipherSuite.TLS_AES_256_GCM_SHA384,
    psk: new Uint8Array(48).fill(9),
    ticketAgeAdd: 0xfedcba98,
    created: 1_700_000_000_123,
    authenticated: 1_699_999_000_456,
    lifetime: 7200,
    maxEarlyData: 16384,
    context: Uint8Array.of(1, 2, 3),
    serverName: 'example.com',
    alpnProtocol: 'h2',
    client: {
      kind: 'certificate',
      received: [Uint8Array.of(1, 2), Uint8Array.of(3)],
      verified: [Uint8Array.of(1, 2), Uint8Array.of(4)],
      authorized: false,
      error: { alert: 42, code: 'CERT_HAS_EXPIRED', message: 'expired' },
    },
  };

  test('round trip; every strict prefix and any trailing byte is no ticket', () => {
    const bytes = encodeTicketState(state)!;
    assert.deepEqual(decodeTicketState(bytes), state);
    for (let i = 0; i < bytes.length; i++) assert.equal(decodeTicketState(bytes.subarray(0, i)), undefined, `prefix ${i}`);
    assert.equal(decodeTicketState(Uint8Array.of(...bytes, 0)), undefined);
    for (const client of [{ kind: 'not-requested' as const }, { kind: 'absent' as const, error: { alert: 116, code: 'X', message: 'none' } }]) {
      assert.deepEqual(decodeTicketState(encodeTicketState({ ...state, client, serverName: undefined, alpnProtocol: false })!), {
        ...state,
        client,
        serverName: undefined,
        alpnProtocol: false,
      });
    }
  });

  test('another format or version is no ticket; a TLS 1.2 session never decodes as one, nor the reverse', () => {
    const bytes = encodeTicketState(state)!;
    assert.equal(bytes[0], TICKET_FORMAT);
    assert.equal(decodeTicketState(Uint8Array.of(SESSION_FORMAT, ...bytes.subarray(1))), undefined);
    const v12 = Uint8Array.from(bytes);
    v12[2] = 0x03;
    assert.equal(decodeTicketState(v12), undefined);
    assert.equal(decodeSession(bytes), undefined);
    const session = encodeSession({
      version: ProtocolVersion.TLS1_2,
      cipherSuite: 0xc02b,
      masterSecret: new Uint8Array(48),
      extendedMasterSecret: true,
      encryptThenMac: false,
      created: 1,
      lifetime: 1,
      context: new Uint8Array(0),
      serverName: undefined,
      alpnProtocol: false,
      client: { kind: 'not-requested' },
    })!;
    assert.equal(decodeTicketState(session), undefined);
  });

  test('a PSK of the wrong length is not encoded', () => {
    assert.equal(encodeTicketState({ ...state, psk: new Uint8Array(31) }), undefined);
    assert.equal(tls13Suite(state.cipherSuite)?.hashLength, 48);
  });
});
