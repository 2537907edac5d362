// Small helpers the record-layer tests share.
import assert from 'node:assert/strict';
import { TLSError } from '../../src/errors.js';
import type { AlertDescription } from '../../src/wire/codes.js';
export { concatBytes as concat } from '../../src/bytes.js';

/** Asserts `fn` throws a TLSError carrying `alert` (and, if given, a message matching `message`). */
export function throwsAlert(fn: () => unknown, alert: AlertDescription, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof TLSError && e.alert === alert && (!message || message.test(e.message)));
}

/** n deterministic, non-constant bytes. */
export function filled(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
