// RFC 8446 §4.4.4: struct { opaque verify_data[Hash.length]; } Finished. The hash length belongs
// to the negotiated suite, so the state machine checks it; here verify_data is the whole body.
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { Finished } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeFinished(r: Reader): Finished {
  return { type: 'finished', verify_data: copyBytes(r.rest()) };
}

export function encodeFinished(w: Writer, m: Finished): void {
  w.bytes(m.verify_data);
}
