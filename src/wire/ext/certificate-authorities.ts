// RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>; opaque DistinguishedName<1..2^16-1>
// (DER, not parsed here).
import { type ExtCodec, copyBytes } from './codec.js';

export const certificateAuthorities: ExtCodec<Uint8Array[]> = {
  decode(r) {
    const list = r.sub16('authorities', 3, 0xffff);
    const names: Uint8Array[] = [];
    while (list.remaining > 0) names.push(copyBytes(list.vec16('DistinguishedName', 1, 0xffff)));
    return names;
  },
  encode(w, names) {
    w.vec16((list) => {
      for (const name of names) list.opaque16(name);
    });
  },
};
