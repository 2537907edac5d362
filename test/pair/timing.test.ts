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
