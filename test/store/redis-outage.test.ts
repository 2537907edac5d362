// Redis going away under two running Servers, and coming back: handshakes go on (full ones where
// a lookup was needed, resumed ones where the ticket keys already held suffice), each Server says
// so once, notices the recovery, and resumption across the fleet works again on an empty Redis.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisSessionStore } from '../../src/node/redis-store.js';
import { type Instance, startInstance, stopInstances, visit } from './fleet.js';
import { RedisProcess } from './redis-server.js';

let redis: RedisProcess;
const stores: RedisSessionStore[] = [];
const instances: Instance[] = [];

before(async () => {
  redis = await RedisProcess.start();
});

after(async () => {
  await stopInstances(...instances);
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

const tls12 = { maxVersion: 'TLSv1.2' } as const;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('Redis stopped: handshakes complete, one error event each; restarted: resumption across servers again', { timeout: 20_000 }, async () => {
  for (let i = 0; i < 2; i++) stores.push(new RedisSessionStore({ url: redis.url, prefix: 'outage:' }));
  await Promise.all(stores.map((s) => s.ready));
  // A and B keep sessions in tickets (and TLS 1.2 session IDs); C and D in TLS 1.2 session IDs only.
  const a = await startInstance(stores[0], { maxEarlyData: 1024 });
  const b = await startInstance(stores[1], { maxEarlyData: 1024 });
  const c = await startInstance(stores[0], { tickets: false });
  const d = await startInstance(stores[1], { tickets: false });
  instances.push(a, b, c, d);

  // Before: sessions made on one resume on the other.
  const made13 = await visit(a.port);
  assert.equal((await visit(b.port, { session: made13.session })).reused, true);
  const byId = await visit(c.port, tls12);
  assert.equal((await visit(d.port, { ...tls12, session: byId.session })).reused, true);
  assert.deepEqual(instances.map((i) => i.errors), [[], [], [], []]);

  // A ticket kept for 0-RTT during the outage.
  const fresh = await visit(a.port);

  await redis.stop();
  // Unrecorded early data is never accepted (RFC 8446 §8): rejected, sent after the handshake.
  const early = await visit(b.port, { session: fresh.session, earlyData: Buffer.from('early') });
  assert.equal(early.reused, true);
  assert.equal(early.earlyData, 'rejected');
  assert.equal(early.body, 'reused=true');
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    for (const x of [a, b]) {
      const full = await visit(x.port);
      assert.equal(full.body, 'reused=false');
      assert.equal(full.protocol, 'TLSv1.3');
      assert.equal((await visit(x.port, tls12)).protocol, 'TLSv1.2');
      // A TLS 1.3 ticket still resumes: the keys fetched before the outage are kept.
      assert.equal((await visit(x.port, { session: made13.session })).reused, true);
    }
    for (const x of [c, d]) {
      // A TLS 1.2 session ID is in Redis only: a full handshake.
      const again = await visit(x.port, { ...tls12, session: byId.session });
      assert.equal(again.body, 'reused=false');
      assert.equal(again.protocol, 'TLSv1.2');
    }
    // Offline calls fail at once: no handshake waits for the store's timeout.
    assert.ok(Date.now() - started < 3000, `eight handshakes took ${Date.now() - started} ms`);
  }
  for (const [n, x] of instances.entries()) {
    assert.equal(x.errors.length, 1, `server ${n} reported the outage once: ${x.errors.map((e) => e.message).join('; ')}`);
    assert.equal(x.recoveries, 0);
  }

  await redis.restart();
  // Full TLS 1.2 handshakes write their sessions through: the first to reach Redis ends the outage.
  for (let i = 0; i < 80 && instances.some((x) => x.recoveries === 0); i++) {
    await Promise.all(instances.map((x) => visit(x.port, tls12)));
    await pause(100);
  }
  for (const [n, x] of instances.entries()) {
    assert.equal(x.recoveries, 1, `server ${n} noticed the recovery`);
    assert.equal(x.errors.length, 1, `server ${n}: no further error event`);
  }

  // Redis came back empty; sessions made now resume across the fleet again.
  const again12 = await visit(c.port, tls12);
  assert.equal((await visit(d.port, { ...tls12, session: again12.session })).reused, true);
  const again13 = await visit(b.port);
  assert.equal((await visit(a.port, { session: again13.session })).reused, true);
  assert.equal((await visit(a.port, { session: again13.session, earlyData: Buffer.from('early') })).earlyData, 'accepted');
});
