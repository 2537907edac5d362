// 'timing' events (for the CLI's key-exchange and certificate-validation times): a tracing client
// reports its (EC)DHE computations and its chain validation, in both versions; not tracing, none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionEvent } from '../../src/events.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { makePair } from '../helpers/pair.js';
import { cachedPki } from '../helpers/pki.js';

const pki = cachedPki();
const timings = (events: ConnectionEvent[]) => events.flatMap((e) => (e.type === 'timing' ? [e] : []));

for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`${maxVersion}: key exchange (share, agreement) and certificate validation, measured by the injected clock`, () => {
    let now = 0;
    // Each clock read advances 5 ms: every step measures exactly 5.
    const clock = () => (now += 5);
    const p = makePair(clientFor(pki, { maxVersion }), serverFor(pki), { clientOptions: { clock } });
    const t = timings(p.clientEvents);
    assert.deepEqual(
      t.map((e) => e.phase).sort(),
      ['certificate-validation', ...(maxVersion === 'TLSv1.2' ? ['certificate-validation'] : []), 'key-exchange', 'key-exchange'].sort(),
    );
    assert.ok(t.every((e) => e.ms === 5));
  });
}

test('without tracing, no timing events', () => {
  const p = makePair(clientFor(pki), serverFor(pki), { clientOptions: { trace: 'off' } });
  assert.equal(timings(p.clientEvents).length, 0);
  assert.ok(p.client.handshakeComplete);
});

test('traceBytes: trace events carry each handshake message, CCS and alert as on the wire', () => {
  const p = makePair(clientFor(pki), serverFor(pki), { clientOptions: { traceBytes: true } });
  p.client.close();
  p.run();
  const traced = p.clientEvents.flatMap((e) => (e.type === 'trace' ? [e.event] : []));
  assert.ok(traced.length > 5);
  for (const e of traced) {
    assert.ok(e.bytes, `${e.name} has bytes`);
    assert.equal(e.bytes.length, e.size, e.name);
  }
  const hello = traced.find((e) => e.name === 'ClientHello')!;
  assert.equal(hello.bytes![0], 1, 'handshake type client_hello');
  assert.deepEqual([...traced.find((e) => e.kind === 'change_cipher_spec')!.bytes!], [1]);
  assert.deepEqual([...traced.find((e) => e.name === 'close_notify')!.bytes!], [1, 0]);
  const plain = makePair(clientFor(pki), serverFor(pki));
  assert.ok(plain.clientEvents.every((e) => e.type !== 'trace' || e.event.bytes === undefined), 'none by default');
});
