// Two Servers sharing a real redis-server through RedisSessionStore, as two machines behind one
// name: a session made on one resumes on the other, whichever way it was kept (TLS 1.3 ticket,
// TLS 1.2 ticket, TLS 1.2 session ID); both seal with the same ticket key as periods rotate; a
// ticket claimed for early data on one is refused on the other; garbage in Redis is a miss.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { nodeProvider } from '../../src/crypto/node.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { RedisSessionStore } from '../../src/node/redis-store.js';
import type { PeekedHello } from '../../src/node/client-hello-peek.js';
import { SharedTicketKeys } from '../../src/node/shared-ticket-keys.js';
import { StoreCalls } from '../../src/node/store-calls.js';
import { REFUSE_EARLY_DATA, claimIdOf, prefetch } from '../../src/node/store-prefetch.js';
import { TICKET_FORMAT, encodeTicketState } from '../../src/tls13/ticket.js';
import { CipherSuite, ProtocolVersion } from '../../src/wire/codes.js';
import { serverFor } from '../helpers/endpoints.js';
import { type Instance, pki, startInstance, stopInstances, visit } from './fleet.js';
import { RedisProcess } from './redis-server.js';

const TEST = { timeout: 15_000 };
let redis: RedisProcess;
const stores: RedisSessionStore[] = [];
let prefixes = 0;

/** A store of its own (its own connection, as another machine would have), under this test's prefix. */
function storeFor(prefix: string, options: { ticketKeyRotation?: number } = {}): RedisSessionStore {
  const store = new RedisSessionStore({ url: redis.url, prefix, ...options });
  stores.push(store);
  return store;
}

async function fleet(options: Parameters<typeof startInstance>[1] = {}): Promise<{ a: Instance; b: Instance; prefix: string }> {
  const prefix = `fleet${++prefixes}:`;
  const [sa, sb] = [storeFor(prefix), storeFor(prefix)];
  await Promise.all([sa.ready, sb.ready]);
  return { a: await startInstance(sa, options), b: await startInstance(sb, options), prefix };
}

const never = () => ({ down: () => assert.fail('the store failed'), up: () => {} });

before(async () => {
  redis = await RedisProcess.start();
});

after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

describe('two servers, one Redis: a session made on A resumes on B', () => {
  test('TLS 1.3 (a NewSessionTicket sealed with the shared ticket key)', TEST, async () => {
    const { a, b } = await fleet();
    try {
      const first = await visit(a.port);
      assert.equal(first.protocol, 'TLSv1.3');
      assert.equal(first.reused, false);
      assert.ok(first.session, "a 'session' event");
      const second = await visit(b.port, { session: first.session });
      assert.equal(second.body, 'reused=true', 'B resumed the session A made');
      assert.equal(second.reused, true);
      // B's tickets open on A too.
      const third = await visit(a.port, { session: second.session });
      assert.equal(third.reused, true);
      assert.deepEqual(a.server.getTicketKeys(), b.server.getTicketKeys(), 'both seal with the same key');
      assert.deepEqual([a.errors, b.errors], [[], []]);
    } finally {
      await stopInstances(a, b);
    }
  });

  test('TLS 1.2 ticket (RFC 5077), with no session-ID cache to fall back on', TEST, async () => {
    const { a, b } = await fleet({ sessionCache: false });
    try {
      const first = await visit(a.port, { maxVersion: 'TLSv1.2' });
      assert.equal(first.protocol, 'TLSv1.2');
      assert.ok(first.session);
      const second = await visit(b.port, { maxVersion: 'TLSv1.2', session: first.session });
      assert.equal(second.body, 'reused=true');
      assert.equal(second.reused, true);
    } finally {
      await stopInstances(a, b);
    }
  });

  test('TLS 1.2 session ID (tickets off): the session is in Redis, and only there', TEST, async () => {
    const { a, b } = await fleet({ tickets: false });
    const alone = await startInstance(undefined, { tickets: false });
    try {
      const first = await visit(a.port, { maxVersion: 'TLSv1.2' });
      assert.equal(first.protocol, 'TLSv1.2');
      assert.ok(first.session);
      const second = await visit(b.port, { maxVersion: 'TLSv1.2', session: first.session });
      assert.equal(second.body, 'reused=true');
      assert.equal(second.reused, true);
      // The control: a server without the store does not know the session.
      const elsewhere = await visit(alone.port, { maxVersion: 'TLSv1.2', session: first.session });
      assert.equal(elsewhere.reused, false);
      assert.deepEqual([a.errors, b.errors], [[], []]);
    } finally {
      await stopInstances(a, b, alone);
    }
  });

  test('garbage under a session key is a miss: a full handshake, no error', TEST, async () => {
    const { a, b, prefix } = await fleet({ tickets: false });
    const raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
    try {
      const first = await visit(a.port, { maxVersion: 'TLSv1.2' });
      const keys = await raw.keys(`${prefix}session:*`);
      assert.equal(keys.length, 1, 'one session stored');
      await raw.set(keys[0]!, Buffer.from('\x00\xffnot a session at all'));
      const second = await visit(b.port, { maxVersion: 'TLSv1.2', session: first.session });
      assert.equal(second.body, 'reused=false');
      assert.equal(second.reused, false);
      // An empty value too.
      await raw.set(keys[0]!, '');
      assert.equal((await visit(b.port, { maxVersion: 'TLSv1.2', session: first.session })).reused, false);
      assert.deepEqual([a.errors, b.errors], [[], []]);
    } finally {
      await raw.close();
      await stopInstances(a, b);
    }
  });
});

/** The provider with a clock the test moves. */
function clockedProvider(start: number): { provider: CryptoProvider; set(now: number): void } {
  let now = start;
  const provider = Object.create(nodeProvider, { now: { value: () => now } }) as CryptoProvider;
  return { provider, set: (t) => (now = t) };
}

describe('ticket keys across instances', () => {
  const ROTATION = 60;
  const OVERLAP = 45;

  test('both agree on the key of each period; the previous one opens for the overlap', TEST, async () => {
    const prefix = `rotation${++prefixes}:`;
    // Mid-period, so that "now" is unambiguous.
    const period0 = Math.floor(Date.now() / (ROTATION * 1000)) * ROTATION * 1000;
    const t0 = period0 + (ROTATION / 2) * 1000;
    const clock = clockedProvider(t0);
    const keysOf = (store: RedisSessionStore) =>
      new SharedTicketKeys(new StoreCalls(store, 1000, never()), clock.provider, { rotation: ROTATION, overlap: OVERLAP });
    const a = keysOf(storeFor(prefix, { ticketKeyRotation: ROTATION }));
    const b = keysOf(storeFor(prefix, { ticketKeyRotation: ROTATION }));
    await Promise.all([a.ready, b.ready]);
    const p = clock.provider;
    const k0 = a.getTicketKeys(p);
    assert.deepEqual(b.getTicketKeys(p), k0, 'the same current key');
    const ticket = a.seal(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual(b.open(p, ticket), { state: new Uint8Array([1, 2, 3]), renew: false });

    // The next period: its key was fetched ahead, so both rotate without asking the store.
    clock.set(t0 + ROTATION * 1000);
    const k1 = a.getTicketKeys(p);
    assert.notDeepEqual(k1, k0, 'rotated');
    assert.deepEqual(b.getTicketKeys(p), k1, 'both rotated to the same key');
    assert.deepEqual(b.open(p, ticket), { state: new Uint8Array([1, 2, 3]), renew: true }, 'the old key still opens, asking for renewal');
    // A key opens until the overlap after its period ends.
    clock.set(period0 + (ROTATION + OVERLAP) * 1000 - 1);
    assert.ok(a.open(p, ticket));
    clock.set(period0 + (ROTATION + OVERLAP) * 1000);
    assert.equal(a.open(p, ticket), undefined);
    assert.equal(b.open(p, ticket), undefined);

    // A server started later, and the keys republished after Redis lost them.
    await Promise.all([a.refresh(), b.refresh()]);
    const raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
    try {
      const stored = await raw.keys(`${prefix}ticket-key:*`);
      assert.ok(stored.length >= 2, `keys stored: ${stored.join(', ')}`);
      await raw.del(stored);
    } finally {
      await raw.close();
    }
    await a.refresh();
    const c = keysOf(storeFor(prefix, { ticketKeyRotation: ROTATION }));
    await c.ready;
    assert.deepEqual(c.getTicketKeys(p), k1, "a new server gets the fleet's key, put back by the first refresh");
  });
});

describe('0-RTT anti-replay across instances', () => {
  test('end to end: early data with a ticket from A is accepted on B, and its replay on A is refused', TEST, async () => {
    const { a, b } = await fleet({ maxEarlyData: 1024 });
    try {
      const first = await visit(a.port);
      assert.ok(first.session);
      const early = Buffer.from('GET / (0-RTT)');
      const onB = await visit(b.port, { session: first.session, earlyData: early });
      assert.equal(onB.reused, true);
      assert.equal(onB.earlyData, 'accepted', 'B accepted the early data');
      const replay = await visit(a.port, { session: first.session, earlyData: early });
      assert.equal(replay.reused, true, 'the ticket still resumes');
      assert.equal(replay.earlyData, 'rejected', 'but A refuses its early data: B used it');
      assert.equal(replay.body, 'reused=true', 'sent again after the handshake');
      // A fresh ticket (from B's connection) carries early data once more, on A.
      assert.equal((await visit(a.port, { session: onB.session, earlyData: early })).earlyData, 'accepted');
      assert.deepEqual([a.errors, b.errors], [[], []]);
    } finally {
      await stopInstances(a, b);
    }
  });

  test('the store claim: of two servers claiming one ticket at once, exactly one succeeds', TEST, async () => {
    const prefix = `claim${++prefixes}:`;
    // One store on a client of its caller's making (TLS, ACLs, Sentinel would be set up there).
    const raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
    try {
      const [sa, sb] = [storeFor(prefix), new RedisSessionStore({ client: raw, prefix })];
      await Promise.all([sa.ready, sb.ready]);
      const id = nodeProvider.randomBytes(32);
      const results = await Promise.all([sa.claim(id, 10_000), sb.claim(id, 10_000)]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(await sb.claim(id, 10_000), false, 'a replay later is refused too');
      assert.equal(await sa.claim(id, 10_000), false);
      assert.equal(await sa.claim(nodeProvider.randomBytes(32), 10_000), true, 'another ticket is not');
      assert.ok((await raw.pTTL(`${prefix}early:${Buffer.from(id).toString('hex')}`)) > 9000, 'recorded for the ttl given');
    } finally {
      await raw.close();
    }
  });

  test("each server's per-connection guard answers the store's claim, once, for that ticket only", TEST, async () => {
    const prefix = `claim${++prefixes}:`;
    const p = nodeProvider;
    const instances = [storeFor(prefix), storeFor(prefix)].map((store) => {
      const calls = new StoreCalls(store, 1000, never());
      return { store, calls, keys: new SharedTicketKeys(calls, p, { rotation: 3600, overlap: 300 }) };
    });
    await Promise.all(instances.map((i) => Promise.all([i.store.ready, i.keys.ready])));
    await Promise.all(instances.map((i) => i.keys.refresh()));
    const configs = instances.map((i) =>
      resolveServerConfig(serverFor(pki, { tickets: i.keys, maxEarlyData: 1024, antiReplay: REFUSE_EARLY_DATA })),
    );
    // A ticket of ours that allows early data, sealed by A.
    const state = encodeTicketState({
      version: ProtocolVersion.TLS1_3,
      cipherSuite: CipherSuite.TLS_AES_128_GCM_SHA256,
      psk: p.randomBytes(32),
      ticketAgeAdd: 1,
      created: p.now(),
      authenticated: p.now(),
      lifetime: 300,
      maxEarlyData: 1024,
      context: new Uint8Array(0),
      serverName: 'localhost',
      alpnProtocol: false,
      client: { kind: 'not-requested' },
    });
    assert.ok(state, 'ticket state encodes');
    assert.equal(state[0], TICKET_FORMAT);
    const identity = instances[0]!.keys.seal(p, state);
    const hello: PeekedHello = {
      serverName: 'localhost',
      sessionId: p.randomBytes(32),
      sessionTicket: false,
      offersTls13: true,
      pskIdentities: [identity, p.randomBytes(40)],
      earlyData: true,
    };
    const fetched = await Promise.all(instances.map((i, n) => prefetch(hello, configs[n]!, i.calls, undefined, p)));
    const id = claimIdOf(p, identity);
    const guards = fetched.map((f) => {
      assert.ok(f?.antiReplay, 'the store was asked');
      assert.equal(f.sessionCache, undefined, 'no TLS 1.2 lookup for a TLS 1.3 ClientHello');
      return f.antiReplay;
    });
    const answers = guards.map((g) => g.claim(id, p.now(), p.now() + 300_000));
    assert.deepEqual(answers.sort(), [false, true], 'early data accepted on one server only');
    for (const g of guards) assert.equal(g.claim(id, p.now(), p.now() + 300_000), false, 'and only once');

    // What costs no round trip: no early_data, a ticket that is not ours, 0-RTT off.
    assert.equal(prefetch({ ...hello, earlyData: false }, configs[0]!, instances[0]!.calls, undefined, p), undefined);
    assert.equal(prefetch({ ...hello, pskIdentities: [p.randomBytes(64)] }, configs[0]!, instances[0]!.calls, undefined, p), undefined);
    const off = resolveServerConfig(serverFor(pki, { tickets: instances[0]!.keys }));
    assert.equal(prefetch(hello, off, instances[0]!.calls, undefined, p), undefined);
  });
});
