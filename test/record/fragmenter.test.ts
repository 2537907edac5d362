import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { fragment } from '../../src/record/fragmenter.js';
import { TLSError } from '../../src/errors.js';
import { MAX_PLAINTEXT } from '../../src/limits.js';
import { AlertDescription } from '../../src/wire/codes.js';

describe('fragment', () => {
  it('gives no fragments for empty input', () => {
    assert.deepEqual(fragment(new Uint8Array(0)), []);
  });

  it('keeps input of at most 2^14 bytes whole, and splits at 2^14 by default', () => {
    assert.equal(fragment(new Uint8Array(MAX_PLAINTEXT)).length, 1);
    const parts = fragment(new Uint8Array(MAX_PLAINTEXT * 2 + 1));
    assert.deepEqual(parts.map((p) => p.length), [MAX_PLAINTEXT, MAX_PLAINTEXT, 1]);
  });

  it('returns views of the input, not copies', () => {
    const data = new Uint8Array(100);
    for (const part of fragment(data, 30)) assert.equal(part.buffer, data.buffer);
  });

  it('rejects a fragment size below 1 (internal_error)', () => {
    assert.throws(() => fragment(new Uint8Array(4), 0), (e: unknown) => e instanceof TLSError && e.alert === AlertDescription.internal_error);
  });

  it('splits into pieces of at most max bytes that concatenate to the input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 1200 }), (data, max) => {
        const parts = fragment(data, max);
        assert.equal(parts.length, Math.ceil(data.length / max));
        for (const p of parts) assert.ok(p.length >= 1 && p.length <= max);
        assert.deepEqual(Uint8Array.from(parts.flatMap((p) => Array.from(p))), data);
      }),
    );
  });
});
