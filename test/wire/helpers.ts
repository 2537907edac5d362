import assert from 'node:assert/strict';

import { TLSError } from '../../src/errors.js';
import { AlertDescription, alertName } from '../../src/wire/codes.js';
import { type ExtContext, type ExtensionsOf, decodeExtensions } from '../../src/wire/extensions.js';
import { Reader } from '../../src/wire/reader.js';
import type { WireVersion } from '../../src/wire/types.js';
import { Writer } from '../../src/wire/writer.js';

/** `fn` throws a TLSError carrying `alert` (and a message matching `message`, if given). */
export function throwsAlert(fn: () => unknown, alert: AlertDescription, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TLSError, `expected a TLSError, got ${String(e)}`);
    assert.equal(alertName(e.alert), alertName(alert), e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

export const decodeErrorAlert = AlertDescription.decode_error;
export const illegalParameterAlert = AlertDescription.illegal_parameter;

export function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** A raw extensions block: extensions<0..2^16-1> of (type, extension_data). */
export function extensionBlock(...entries: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  return new Writer()
    .vec16((w) => {
      for (const [type, data] of entries) w.u16(type).opaque16(data);
    })
    .finish();
}

/** Decodes a whole extensions block for `context`, requiring it to end exactly. */
export function decodeBlock<C extends ExtContext>(block: Uint8Array, context: C, version: WireVersion = 'tls13'): ExtensionsOf[C] {
  const r = new Reader(block, 'test');
  const out = decodeExtensions(r, context, version);
  r.end();
  return out;
}

export function u16Bytes(...values: number[]): Uint8Array {
  const w = new Writer();
  for (const v of values) w.u16(v);
  return w.finish();
}
