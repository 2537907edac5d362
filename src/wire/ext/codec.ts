import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/**
 * The extension_data body of one extension in one message context (RFC 8446 §4.2). The caller
 * hands `decode` a reader over exactly the body and calls `end()` after it.
 */
export interface ExtCodec<T> {
  /** `undefined`: the extension is well formed but carries nothing the typed field can hold. */
  decode(r: Reader): T | undefined;
  encode(w: Writer, value: T): void;
}

/** An extension whose presence is the whole message: extension_data is empty. */
export const emptyExtension: ExtCodec<true> = {
  decode: () => true,
  encode: () => {},
};

/** Decoded values own their bytes: the record buffer they came from may be reused. */
export function copyBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** One char per byte, so any opaque name (RFC 7301 ProtocolName) round-trips exactly. */
export function latin1String(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += String.fromCharCode(byte);
  return s;
}

export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character U+${c.toString(16)} does not fit one byte`);
    out[i] = c;
  }
  return out;
}
