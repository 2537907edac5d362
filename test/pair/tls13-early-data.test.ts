// 0-RTT (RFC 8446 §2.3, §4.2.10, §8) between our client and our server, in memory: accepted,
// rejected for each reason (used ticket, HelloRetryRequest, suite, ALPN, not enabled), the data
// resent after a rejection, a replayed first flight, too much early data, a dropped
// EndOfEarlyData, and the anti-replay store itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Connection } from '../../src/connection.js';
import type { ClientConfig } from '../../src/client/config.js';
import type { ConnectionEvent, HandshakeInfo } from '../../src/events.js';
import { MemoryReplayGuard, type ReplayGuard } from '../../src/server/anti-replay.js';
import { type ServerConfig, resolveServerConfig } from '../../src/server/config.js';
import { TicketKeys } from '../../src/server/tickets.js';
import { AlertDescription, CipherSuite, ContentType, NamedGroup, alertName } from '../../src/wire/codes.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { failure, makePair, receivedBytes } from '../helpers/pair.js';
import { cachedPki } from '../helpers/pki.js';

const pki = cachedPki();
const REQUEST = new TextEncoder().encode('GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n');

interface Fleet {
  tickets: TicketKeys;
  antiReplay: MemoryReplayGuard;
  server: ServerConfig;
}

function fleet(overrides: Partial<ServerConfig> = {}): Fleet {
  const tickets = new TicketKeys();
  const antiReplay = new MemoryReplayGuard();
  return { tickets, antiReplay, server: serverFor(pki, { tickets, antiReplay, maxEarlyData: 4096, alpnProtocols: ['h2', 'http/1.1'], ...overrides }) };
}

const client = (overrides: ClientConfig = {}) => clientFor(pki, { alpnProtocols: ['h2'], ...overrides });

/** A full handshake; the sessions its tickets made. */
function sessionsFrom(server: ServerConfig, overrides: ClientConfig = {}): Uint8Array[] {
  const p = makePair(client(overrides), server);
  assert.equal(failure(p.clientEvents), undefined);
  const sessions = p.clientEvents.flatMap((e) => (e.type === 'session' ? [e.session] : []));
  assert.equal(sessions.length, 2);
  return sessions;
}

const infoOf = (events: ConnectionEvent[]): HandshakeInfo | undefined =>
  events.find((e): e is Extract<ConnectionEvent, { type: 'handshake-complete' }> => e.type === 'handshake-complete')?.info;

const earlyBytes = (events: ConnectionEvent[]): Buffer =>
  Buffer.concat(events.flatMap((e) => (e.type === 'early-data' ? [e.data] : [])));

const traced = (events: ConnectionEvent[], direction: 'sent' | 'received') =>
  events.flatMap((e) => (e.type === 'trace' && e.event.direction === direction ? [`${e.event.name}/${e.event.protection}`] : []));

/** A resumed connection that offers REQUEST (or `data`) as 0-RTT; the client also writes `after` once it can. */
function resume(server: ServerConfig, session: Uint8Array, overrides: ClientConfig = {}, data = REQUEST) {
  const p = makePair(client({ session, earlyData: data, ...overrides }), server, { deferRun: true });
  p.client.write(new TextEncoder().encode('after'));
  p.run();
  return p;
}

describe('0-RTT accepted', () => {
  test('the server reads the early data as early-data events, then EndOfEarlyData, then the rest as data', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const p = resume(f.server, session!);
    assert.equal(failure(p.clientEvents), undefined);
    assert.equal(failure(p.serverEvents), undefined);
    assert.equal(infoOf(p.clientEvents)?.earlyData, 'accepted');
    assert.equal(infoOf(p.serverEvents)?.earlyData, 'accepted');
    assert.equal(infoOf(p.serverEvents)?.resumed, true);
    assert.deepEqual(earlyBytes(p.serverEvents), Buffer.from(REQUEST), 'the early data, once');
    assert.equal(receivedBytes(p.serverEvents).toString(), 'after', 'only what followed the handshake is data');
    const ladder = traced(p.serverEvents, 'received');
    assert.deepEqual(ladder, [
      'ClientHello/plaintext',
      'ChangeCipherSpec/plaintext',
      'EarlyData/early',
      'EndOfEarlyData/early',
      'Finished/handshake',
    ]);
    assert.ok(traced(p.serverEvents, 'sent').includes('EncryptedExtensions/handshake'));
    // The early data went out right after the ClientHello and the compatibility CCS.
    assert.deepEqual(traced(p.clientEvents, 'sent').slice(0, 3), ['ClientHello/plaintext', 'ChangeCipherSpec/plaintext', 'EarlyData/early']);
  });

  test('both sides log the same CLIENT_EARLY_TRAFFIC_SECRET', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const p = resume(f.server, session!);
    const line = (events: ConnectionEvent[]) =>
      events.flatMap((e) => (e.type === 'keylog' && e.line.startsWith('CLIENT_EARLY_TRAFFIC_SECRET ') ? [e.line] : []));
    assert.equal(line(p.clientEvents).length, 1);
    assert.deepEqual(line(p.serverEvents), line(p.clientEvents));
  });

  test('tickets advertise max_early_data_size; a client session keeps it', () => {
    const f = fleet({ maxEarlyData: 1234 });
    const p = makePair(client(), f.server);
    const tickets = p.serverEvents.flatMap((e) => (e.type === 'trace' && e.event.name === 'NewSessionTicket' ? [e.event.detail] : []));
    assert.deepEqual(tickets, ['lifetime=300s max_early_data=1234', 'lifetime=300s max_early_data=1234']);
  });

  test('more than max_early_data_size: the prefix goes early, the rest after the handshake, in order', () => {
    const f = fleet({ maxEarlyData: 16 });
    const [session] = sessionsFrom(f.server);
    const data = new TextEncoder().encode('0123456789abcdefTHE-REST');
    const p = resume(f.server, session!, {}, data);
    assert.equal(infoOf(p.clientEvents)?.earlyData, 'accepted');
    assert.equal(earlyBytes(p.serverEvents).toString(), '0123456789abcdef');
    assert.equal(receivedBytes(p.serverEvents).toString(), 'THE-RESTafter');
  });

  test('each ticket carries early data once: the second ticket of the same connection works too', () => {
    const f = fleet();
    const [a, b] = sessionsFrom(f.server);
    assert.equal(infoOf(resume(f.server, a!).serverEvents)?.earlyData, 'accepted');
    assert.equal(infoOf(resume(f.server, b!).serverEvents)?.earlyData, 'accepted');
  });
});

/** A connection whose early data the server rejected: nothing early, all of it sent again after the handshake. */
function assertRejected(p: ReturnType<typeof resume>, data = REQUEST): void {
  assert.equal(failure(p.clientEvents), undefined, failure(p.clientEvents)?.message);
  assert.equal(failure(p.serverEvents), undefined, failure(p.serverEvents)?.message);
  assert.equal(infoOf(p.clientEvents)?.earlyData, 'rejected');
  assert.equal(infoOf(p.serverEvents)?.earlyData, 'rejected');
  assert.equal(earlyBytes(p.serverEvents).length, 0, 'no early-data event');
  assert.equal(receivedBytes(p.serverEvents).toString(), `${Buffer.from(data).toString()}after`, 'the early data again, first, then the rest');
  assert.ok(!traced(p.serverEvents, 'received').includes('EndOfEarlyData/early'));
}

const rejectionReason = (p: ReturnType<typeof resume>) =>
  p.serverEvents.flatMap((e) => (e.type === 'trace' && e.event.name === 'ClientHello' ? [e.event.detail ?? ''] : [])).at(-1);

describe('0-RTT rejected: safe and silent, the data resent', () => {
  test('a ticket that already carried early data (RFC 8446 §8.1)', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    assert.equal(infoOf(resume(f.server, session!).serverEvents)?.earlyData, 'accepted');
    const again = resume(f.server, session!);
    assertRejected(again);
    assert.equal(infoOf(again.serverEvents)?.resumed, true, 'the ticket still resumes, without 0-RTT');
    assert.match(rejectionReason(again)!, /0-RTT rejected \(ticket already used for early data\)/);
  });

  test('after a HelloRetryRequest (RFC 8446 §4.1.2): the second ClientHello is plaintext and resumes', () => {
    const f = fleet({ groups: [NamedGroup.secp256r1] });
    const [session] = sessionsFrom(f.server, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] });
    const p = resume(f.server, session!, { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519] });
    assertRejected(p);
    assert.equal(infoOf(p.clientEvents)?.helloRetryRequest, true);
    assert.equal(infoOf(p.clientEvents)?.resumed, true);
    const sent = traced(p.clientEvents, 'sent');
    assert.deepEqual(sent.slice(0, 4), ['ClientHello/plaintext', 'ChangeCipherSpec/plaintext', 'EarlyData/early', 'ClientHello/plaintext']);
    assert.equal(sent.filter((s) => s.startsWith('ChangeCipherSpec')).length, 1, 'one compatibility CCS');
  });

  test('a server that no longer enables 0-RTT', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const p = resume({ ...f.server, maxEarlyData: 0 }, session!);
    assertRejected(p);
    assert.match(rejectionReason(p)!, /not enabled/);
  });

  test('another cipher suite of the same hash (RFC 8446 §4.2.10)', () => {
    const f = fleet();
    const suites = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
    const [session] = sessionsFrom(f.server, { cipherSuites: suites });
    const p = resume({ ...f.server, cipherSuites: [...suites].reverse(), honorCipherOrder: true }, session!, { cipherSuites: suites });
    assertRejected(p);
    assert.equal(infoOf(p.serverEvents)?.cipherSuite, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    assert.match(rejectionReason(p)!, /another cipher suite/);
  });

  test('another ALPN protocol (RFC 8446 §4.2.10)', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const p = resume({ ...f.server, alpnProtocols: ['http/1.1', 'h2'] }, session!, { alpnProtocols: ['h2', 'http/1.1'] });
    assertRejected(p);
    assert.equal(infoOf(p.serverEvents)?.alpnProtocol, 'http/1.1');
    assert.match(rejectionReason(p)!, /another ALPN protocol/);
  });

  test('a replay guard that cannot record (full, or a store that is down) refuses early data', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const down: ReplayGuard = {
      claim: () => {
        throw new Error('store unreachable');
      },
    };
    assertRejected(resume({ ...f.server, antiReplay: down }, session!));
    assertRejected(resume({ ...f.server, antiReplay: { claim: () => false } }, session!));
  });
});

describe('0-RTT not offered', () => {
  test('a ticket without early_data: the data goes after the handshake, earlyData unset', () => {
    const f = fleet({ maxEarlyData: 0, antiReplay: undefined });
    const [session] = sessionsFrom(f.server);
    const p = resume(f.server, session!);
    assert.equal(failure(p.clientEvents), undefined);
    assert.equal(infoOf(p.clientEvents)?.resumed, true);
    assert.equal(infoOf(p.clientEvents)?.earlyData, undefined);
    assert.equal(infoOf(p.serverEvents)?.earlyData, undefined);
    assert.equal(receivedBytes(p.serverEvents).toString(), `${Buffer.from(REQUEST).toString()}after`);
    assert.ok(!traced(p.clientEvents, 'sent').some((s) => s.startsWith('EarlyData')));
  });

  test('no session at all: earlyData is ordinary data', () => {
    const f = fleet();
    const p = makePair(client({ earlyData: REQUEST }), f.server);
    assert.equal(receivedBytes(p.serverEvents).toString(), Buffer.from(REQUEST).toString());
    assert.equal(infoOf(p.clientEvents)?.earlyData, undefined);
  });

  test("the session's ALPN protocol is not among ours: no early_data in the ClientHello", () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const p = resume(f.server, session!, { alpnProtocols: ['http/1.1'] });
    assert.equal(infoOf(p.clientEvents)?.earlyData, undefined);
    assert.equal(infoOf(p.clientEvents)?.resumed, true);
    assert.equal(receivedBytes(p.serverEvents).toString(), `${Buffer.from(REQUEST).toString()}after`);
  });
});

describe('replayed and malicious first flights', () => {
  test('a replayed ClientHello with its early data is not accepted twice (RFC 8446 §8)', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    const flight: Uint8Array[] = [];
    const p = makePair(client({ session: session!, earlyData: REQUEST }), f.server, {
      tamper: (from, chunk) => {
        if (from === 'client' && flight.length < 3) flight.push(chunk);
        return chunk;
      },
    });
    assert.equal(infoOf(p.serverEvents)?.earlyData, 'accepted');
    // An attacker sends the recorded ClientHello, CCS and early data to another connection of the same server.
    const replay = Connection.server(f.server);
    for (const chunk of flight) replay.receive(chunk);
    const events = replay.takeEvents();
    assert.equal(earlyBytes(events).length, 0, 'the replayed early data is not delivered');
    assert.equal(failure(events), undefined, 'rejected early data is skipped silently');
    const hello = events.find((e) => e.type === 'trace' && e.event.name === 'ClientHello');
    assert.match(hello?.type === 'trace' ? hello.event.detail ?? '' : '', /0-RTT rejected \(ticket already used for early data\)/);
  });

  test('more early data than max_early_data_size: unexpected_message', () => {
    const f = fleet({ maxEarlyData: 4096 });
    const [session] = sessionsFrom(f.server);
    // The ticket allows 4096 bytes; a server now configured for 100 reads at most 100.
    const p = resume({ ...f.server, maxEarlyData: 100 }, session!, {}, new Uint8Array(1000).fill(0x61));
    const err = failure(p.serverEvents);
    assert.equal(err && alertName(err.alert), alertName(AlertDescription.unexpected_message));
    assert.match(err!.message, /max_early_data_size/);
  });

  test('a dropped EndOfEarlyData: the Finished does not decrypt under the early keys (bad_record_mac)', () => {
    const f = fleet();
    const [session] = sessionsFrom(f.server);
    let clientRecords = 0;
    const p = makePair(client({ session: session!, earlyData: REQUEST }), f.server, {
      tamper: (from, chunk) => {
        // ClientHello, early data, then (second flight) EndOfEarlyData: drop the third record besides CCS.
        if (from === 'client' && chunk[0] !== ContentType.change_cipher_spec && ++clientRecords === 3) return undefined;
        return chunk;
      },
    });
    const err = failure(p.serverEvents);
    assert.equal(err && alertName(err.alert), alertName(AlertDescription.bad_record_mac));
  });
});

describe('configuration', () => {
  test('maxEarlyData needs an anti-replay store and tickets', () => {
    const tickets = new TicketKeys();
    assert.throws(() => resolveServerConfig(serverFor(pki, { tickets, maxEarlyData: 10 })), /antiReplay/);
    assert.throws(() => resolveServerConfig(serverFor(pki, { antiReplay: new MemoryReplayGuard(), maxEarlyData: 10 })), /tickets/);
    assert.throws(() => resolveServerConfig(serverFor(pki, { tickets, antiReplay: new MemoryReplayGuard(), maxEarlyData: -1 })), /maxEarlyData/);
    assert.equal(resolveServerConfig(serverFor(pki, { tickets, antiReplay: new MemoryReplayGuard(), maxEarlyData: 10 })).maxEarlyData, 10);
  });
});

describe('MemoryReplayGuard', () => {
  const id = (n: number) => new Uint8Array(32).fill(n);

  test('claims an id once until it expires', () => {
    const g = new MemoryReplayGuard();
    assert.equal(g.claim(id(1), 1000, 2000), true);
    assert.equal(g.claim(id(1), 1500, 2500), false, 'a replay');
    assert.equal(g.claim(id(2), 1500, 2500), true, 'another ticket');
    assert.equal(g.claim(id(1), 2000, 3000), true, 'expired: a new claim');
  });

  test('full of live entries: refuses (fails closed); expired ones make room', () => {
    const g = new MemoryReplayGuard({ maxEntries: 2 });
    assert.equal(g.claim(id(1), 0, 100), true);
    assert.equal(g.claim(id(2), 0, 200), true);
    assert.equal(g.claim(id(3), 50, 300), false, 'no room, nothing evicted');
    assert.equal(g.claim(id(1), 60, 300), false, 'still recorded');
    assert.equal(g.claim(id(3), 100, 300), true, 'id 1 expired at 100');
    assert.equal(g.size, 2);
    assert.throws(() => new MemoryReplayGuard({ maxEntries: 0 }), RangeError);
  });
});
