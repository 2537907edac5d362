// The Server's side of a shared session store without Redis: which ClientHellos cost a store call
// (only those offering something to look up), a store that never answers (cut by the timeout), one
// that throws or rejects (a miss, reported once), outage bookkeeping, and the ClientHello peek.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Connection } from '../../src/connection.js';
import { peekClientHello } from '../../src/node/client-hello-peek.js';
import { MemorySharedSessionStore } from '../../src/node/session-store.js';
import { peekServerName } from '../../src/node/sni.js';
import { StoreCalls } from '../../src/node/store-calls.js';
import { clientFor } from '../helpers/endpoints.js';
import { waitUntil } from '../helpers/interop.js';
import { pki, startInstance, stopInstances, visit } from './fleet.js';

const TEST = { timeout: 15_000 };
const tls12 = { maxVersion: 'TLSv1.2' } as const;

type Method = 'getSession' | 'setSession' | 'deleteSession' | 'claim' | 'ticketKey';

/** A MemorySharedSessionStore that counts calls and can be made to hang, throw or reject. */
class FaultyStore extends MemorySharedSessionStore {
  calls: Record<Method, number> = { getSession: 0, setSession: 0, deleteSession: 0, claim: 0, ticketKey: 0 };
  mode: 'ok' | 'hang' | 'throw' | 'reject' = 'ok';

  private fault<T>(method: Method, call: () => Promise<T>): Promise<T> {
    this.calls[method]++;
    switch (this.mode) {
      case 'hang':
        return new Promise<T>(() => {});
      case 'throw':
        throw new Error('store bug');
      case 'reject':
        return Promise.reject(new Error('store down'));
      default:
        return call();
    }
  }

  override getSession(id: Uint8Array) {
    return this.fault('getSession', () => super.getSession(id));
  }
  override setSession(id: Uint8Array, state: Uint8Array, ttl: number) {
    return this.fault('setSession', () => super.setSession(id, state, ttl));
  }
  override deleteSession(id: Uint8Array) {
    return this.fault('deleteSession', () => super.deleteSession(id));
  }
  override claim(id: Uint8Array, ttl: number) {
    return this.fault('claim', () => super.claim(id, ttl));
  }
  override ticketKey(period: number, candidate: Uint8Array, ttl: number) {
    return this.fault('ticketKey', () => super.ticketKey(period, candidate, ttl));
  }
}

describe('store calls made per ClientHello', () => {
  test('only a TLS 1.2 session ID (without a ticket) is looked up; TLS 1.3 and new clients cost nothing', TEST, async () => {
    const store = new FaultyStore();
    const a = await startInstance(store);
    const b = await startInstance(store, { tickets: false });
    try {
      const made13 = await visit(a.port);
      const resumed13 = await visit(a.port, { session: made13.session });
      assert.equal(resumed13.reused, true);
      // TLS 1.3 clients send a random legacy_session_id (middlebox compatibility): never looked up.
      assert.equal(store.calls.getSession, 0, 'no lookup for TLS 1.3');
      const made12 = await visit(a.port, tls12);
      assert.equal(store.calls.getSession, 0, 'no lookup for a client offering nothing');
      assert.equal(store.calls.setSession, 1, 'the new TLS 1.2 session is written through');
      assert.equal((await visit(a.port, { ...tls12, session: made12.session })).reused, true);
      assert.equal(store.calls.getSession, 0, 'a ticket resumes without a lookup (RFC 5077 §3.4)');

      const byId = await visit(b.port, tls12);
      const resumed = await visit(b.port, { ...tls12, session: byId.session });
      assert.equal(resumed.reused, true);
      assert.equal(store.calls.getSession, 1, 'one lookup, for the session ID offered');
      assert.equal(store.calls.claim, 0, '0-RTT is off');
    } finally {
      await stopInstances(a, b);
    }
  });
});

describe('a store that fails', () => {
  test('never answering: each call is cut by sessionStoreTimeout, the handshake goes on in full', TEST, async () => {
    const store = new FaultyStore();
    const a = await startInstance(store, { tickets: false, sessionStoreTimeout: 150 });
    try {
      const made = await visit(a.port, tls12);
      store.mode = 'hang';
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const again = await visit(a.port, { ...tls12, session: made.session });
        const took = Date.now() - started;
        assert.equal(again.body, 'reused=false');
        assert.ok(took >= 140 && took < 2000, `the handshake waited for the timeout, no longer: ${took} ms`);
      }
      await waitUntil(() => a.errors.length > 0, 'the error event');
      assert.equal(a.errors.length, 1, 'reported once');
      assert.equal((a.errors[0] as Error & { code?: string }).code, 'ERR_SESSION_STORE_TIMEOUT');

      store.mode = 'ok';
      const fresh = await visit(a.port, tls12);
      await waitUntil(() => a.recoveries === 1, 'the recovery event');
      assert.equal((await visit(a.port, { ...tls12, session: fresh.session })).reused, true);
      assert.equal(a.errors.length, 1);
    } finally {
      await stopInstances(a);
    }
  });

  test('never answering from the start: tickets are sealed with a local key, which resumes here', TEST, async () => {
    const store = new FaultyStore();
    store.mode = 'hang';
    const a = await startInstance(store, { sessionStoreTimeout: 100 });
    try {
      const made = await visit(a.port);
      assert.equal(made.protocol, 'TLSv1.3');
      assert.equal((await visit(a.port, { session: made.session })).reused, true);
      await waitUntil(() => a.errors.length > 0, 'the error event');
      assert.equal(a.errors.length, 1);
    } finally {
      await stopInstances(a);
    }
  });

  for (const mode of ['throw', 'reject'] as const) {
    test(`a store that ${mode}s: a miss, reported once, no unhandled rejection`, TEST, async () => {
      const store = new FaultyStore();
      const a = await startInstance(store, { tickets: false });
      try {
        const made = await visit(a.port, tls12);
        store.mode = mode;
        for (let i = 0; i < 3; i++) {
          assert.equal((await visit(a.port, { ...tls12, session: made.session })).reused, false);
          assert.equal((await visit(a.port)).protocol, 'TLSv1.3');
        }
        assert.equal(a.errors.length, 1);
        assert.match(a.errors[0]!.message, mode === 'throw' ? /store bug/ : /store down/);
      } finally {
        await stopInstances(a);
      }
    });
  }
});

describe('StoreCalls', () => {
  test('one report per outage, and one per recovery; late answers from before a change do not count', async () => {
    const events: string[] = [];
    const calls = new StoreCalls(new MemorySharedSessionStore(), 1000, {
      down: (err) => events.push(`down: ${err.message}`),
      up: () => events.push('up'),
    });
    let finishEarly!: (v: boolean) => void;
    const early = calls.run(() => new Promise<boolean>((resolve) => (finishEarly = resolve)), false);
    assert.equal(await calls.run(() => Promise.reject(new Error('one')), 'fallback'), 'fallback');
    assert.equal(await calls.run(() => Promise.reject(new Error('two')), 'fallback'), 'fallback');
    // Sent before the outage: its success says nothing about recovery.
    finishEarly(true);
    assert.equal(await early, true);
    assert.deepEqual(events, ['down: one']);
    assert.equal(calls.isHealthy, false);
    assert.equal(await calls.run(async () => 7, 0), 7);
    assert.deepEqual(events, ['down: one', 'up']);
    assert.equal(calls.isHealthy, true);
  });

  test('a call that never settles answers the fallback after the timeout', async () => {
    const events: string[] = [];
    const calls = new StoreCalls(new MemorySharedSessionStore(), 50, { down: (err) => events.push(err.message), up: () => {} });
    const started = Date.now();
    // The timeout timer is unreferenced (a waiting handshake has its socket): keep this test alive.
    const alive = setTimeout(() => {}, 5000);
    assert.equal(await calls.run(() => new Promise(() => {}), 'miss'), 'miss');
    clearTimeout(alive);
    assert.ok(Date.now() - started >= 45);
    assert.deepEqual(events, ['the session store did not answer within 50 ms']);
  });
});

describe('two Servers sharing a MemorySharedSessionStore', () => {
  test('resume each other’s sessions', TEST, async () => {
    const store = new MemorySharedSessionStore();
    const [a, b] = [await startInstance(store), await startInstance(store)];
    const [c, d] = [await startInstance(store, { tickets: false }), await startInstance(store, { tickets: false })];
    try {
      assert.equal((await visit(b.port, { session: (await visit(a.port)).session })).reused, true);
      assert.equal((await visit(d.port, { ...tls12, session: (await visit(c.port, tls12)).session })).reused, true);
    } finally {
      await stopInstances(a, b, c, d);
    }
  });
});

describe('peekClientHello', () => {
  const helloBytes = (overrides: Parameters<typeof clientFor>[1] = {}) => {
    const client = Connection.client(clientFor(pki, overrides));
    return Buffer.concat(client.takeOutput());
  };

  test('reads the fields that decide the store lookups; waits for the whole ClientHello', () => {
    const bytes = helloBytes();
    const peek = peekClientHello(bytes, 'tls12');
    assert.ok(peek.done && peek.hello);
    assert.equal(peek.hello.serverName, 'localhost');
    assert.equal(peek.hello.offersTls13, true);
    assert.equal(peek.hello.sessionId.length, 32, 'middlebox compatibility mode');
    assert.deepEqual(peek.hello.pskIdentities, []);
    assert.equal(peek.hello.earlyData, false);
    assert.deepEqual(peekClientHello(bytes.subarray(0, bytes.length - 1)), { done: false });
    assert.deepEqual(peekServerName(bytes), { done: true, serverName: 'localhost' });
    assert.deepEqual(peekServerName(bytes.subarray(0, 10)), { done: false });
  });

  test('anything else is done, with nothing to fetch', () => {
    assert.deepEqual(peekClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')), { done: true, hello: undefined });
    // A handshake record holding a message that is not a ClientHello.
    assert.deepEqual(peekClientHello(Uint8Array.of(22, 3, 3, 0, 4, 2, 0, 0, 0)), { done: true, hello: undefined });
    assert.deepEqual(peekServerName(Uint8Array.of(21, 3, 3, 0, 2, 2, 40)), { done: true, serverName: undefined });
  });
});
