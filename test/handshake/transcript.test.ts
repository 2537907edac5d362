// The transcript (src/handshake/transcript.ts): whether it hashes its bytes in one shot (small)
// or incrementally (past its one-shot limit), every Transcript-Hash must equal the hash of the
// concatenated messages, forks must be independent, and the HelloRetryRequest rewrite must be
// RFC 8446 §4.4.1's message_hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nodeProvider } from '../../src/crypto/node.js';
import { Transcript } from '../../src/handshake/transcript.js';

const sha = (alg: 'sha256' | 'sha384', parts: readonly Uint8Array[]): Uint8Array => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

// Sizes around and past the one-shot limit (4 KiB), so sequences cross it at any point.
const arbMessage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.uint8Array({ minLength: 500, maxLength: 2500 }),
  fc.uint8Array({ minLength: 4000, maxLength: 6000 }),
);

describe('Transcript', () => {
  for (const alg of ['sha256', 'sha384'] as const) {
    it(`${alg}: every current() is the hash of all messages so far, buffered before start() or not`, () => {
      fc.assert(
        fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 8 }), fc.nat({ max: 8 }), (messages, startAt) => {
          const t = new Transcript(nodeProvider);
          const added: Uint8Array[] = [];
          messages.forEach((m, i) => {
            if (i === startAt) t.start(alg);
            t.add(m);
            added.push(m);
            if (t.started) assert.deepEqual(t.current(), sha(alg, added));
          });
          t.start(alg);
          assert.deepEqual(t.current(), sha(alg, added));
          // Asking twice gives the same value; a later add() changes it.
          assert.deepEqual(t.current(), sha(alg, added));
          t.add(Uint8Array.of(1));
          assert.deepEqual(t.current(), sha(alg, [...added, Uint8Array.of(1)]));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('keeps no alias of the caller’s bytes: changing a message after add() changes nothing', () => {
    const t = new Transcript(nodeProvider);
    t.start('sha256');
    const m = new Uint8Array(100).fill(7);
    t.add(m);
    m.fill(0);
    assert.deepEqual(t.current(), sha('sha256', [new Uint8Array(100).fill(7)]));
  });

  it('fork(): the copy and the original go on independently, on either side of the one-shot limit', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 4 }), arbMessage, arbMessage, (before, a, b) => {
        const t = new Transcript(nodeProvider);
        t.start('sha256');
        for (const m of before) t.add(m);
        const copy = t.fork();
        t.add(a);
        copy.add(b);
        assert.deepEqual(t.current(), sha('sha256', [...before, a]));
        assert.deepEqual(copy.current(), sha('sha256', [...before, b]));
      }),
      { numRuns: 40 },
    );
  });

  it('replaceWithMessageHash(): message_hash(254), uint24 Hash.length, Hash(ClientHello1), then what follows', () => {
    for (const size of [200, 5000]) {
      const ch1 = new Uint8Array(size).fill(3);
      const t = new Transcript(nodeProvider);
      t.add(ch1);
      t.start('sha384');
      t.replaceWithMessageHash();
      const digest = sha('sha384', [ch1]);
      const header = Uint8Array.of(254, 0, 0, 48);
      assert.deepEqual(t.current(), sha('sha384', [header, digest]));
      const hrr = new Uint8Array(90).fill(9);
      t.add(hrr);
      assert.deepEqual(t.current(), sha('sha384', [header, digest, hrr]));
    }
  });

  it('refuses a hash before the suite is known', () => {
    const t = new Transcript(nodeProvider);
    t.add(Uint8Array.of(1));
    assert.throws(() => t.current(), /before the suite is known/);
    assert.throws(() => t.fork(), /not started/);
  });
});
