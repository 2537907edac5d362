// RFC 8446 §4.2.9: PskKeyExchangeMode ke_modes<1..255>. Unknown modes are kept; the server
// ignores them.
import type { ExtCodec } from './codec.js';

export const pskKeyExchangeModes: ExtCodec<number[]> = {
  decode: (r) => [...r.vec8('ke_modes', 1, 0xff)],
  encode: (w, modes) => void w.opaque8(Uint8Array.from(modes)),
};
