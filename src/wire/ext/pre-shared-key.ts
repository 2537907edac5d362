// RFC 8446 §4.2.11 pre_shared_key: OfferedPsks in ClientHello, selected_identity in ServerHello.
import { illegalParameter } from '../../errors.js';
import type { OfferedPsks, PskIdentity } from '../types.js';
import { type ExtCodec, copyBytes } from './codec.js';

// struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
// struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
// opaque PskBinderEntry<32..255>;
export const preSharedKeyClientHello: ExtCodec<OfferedPsks> = {
  decode(r) {
    const ids = r.sub16('identities', 7, 0xffff);
    const identities: PskIdentity[] = [];
    while (ids.remaining > 0) {
      const identity = copyBytes(ids.vec16('identity', 1, 0xffff));
      identities.push({ identity, obfuscated_ticket_age: ids.u32('obfuscated_ticket_age') });
    }
    const list = r.sub16('binders', 33, 0xffff);
    const binders: Uint8Array[] = [];
    while (list.remaining > 0) binders.push(copyBytes(list.vec8('PskBinderEntry', 32, 0xff)));
    // RFC 8446 §4.2.11: binder N is for identity N; a missing binder cannot validate.
    if (binders.length !== identities.length) {
      throw illegalParameter(`pre_shared_key: ${identities.length} identities but ${binders.length} binders`);
    }
    return { identities, binders };
  },
  encode(w, offered) {
    w.vec16((ids) => {
      for (const id of offered.identities) ids.opaque16(id.identity).u32(id.obfuscated_ticket_age);
    });
    w.vec16((list) => {
      for (const binder of offered.binders) list.opaque8(binder);
    });
  },
};

/** uint16 selected_identity. */
export const preSharedKeyServerHello: ExtCodec<number> = {
  decode: (r) => r.u16('selected_identity'),
  encode: (w, index) => void w.u16(index),
};

/**
 * Bytes the binders vector takes at the very end of the encoded ClientHello (pre_shared_key is the
 * last extension, binders its last field): its 2-byte length plus each binder's 1-byte length
 * and value. RFC 8446 §4.2.11.2 hashes the ClientHello without exactly these bytes.
 */
export function bindersLength(offered: OfferedPsks): number {
  let n = 2;
  for (const binder of offered.binders) n += 1 + binder.length;
  return n;
}
