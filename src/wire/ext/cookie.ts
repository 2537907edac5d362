// RFC 8446 §4.2.2: opaque cookie<1..2^16-1>, in HelloRetryRequest and the second ClientHello.
import { type ExtCodec, copyBytes } from './codec.js';

export const cookie: ExtCodec<Uint8Array> = {
  decode: (r) => copyBytes(r.vec16('cookie', 1, 0xffff)),
  encode: (w, value) => void w.opaque16(value),
};
