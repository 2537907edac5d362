// RFC 8446 §4.4.4: struct { opaque verify_data[Hash.length]; } Finished; RFC 5246 §7.4.9:
// verify_data[verify_data_length], 12 bytes for every TLS 1.2 suite we know. The length belongs to
// the negotiated version and suite, so the state machine checks it; here verify_data is the whole body.
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { Finished } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeFinished(r: Reader): Finished {
  return { type: 'finished', verify_data: copyBytes(r.rest('verify_data')) };
}

export function encodeFinished(w: Writer, m: Finished): void {
  w.bytes(m.verify_data);
}
