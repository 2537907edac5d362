// RFC 8446 §4.2.7: NamedGroup named_group_list<2..2^16-1>; the same in ClientHello and
// EncryptedExtensions. GREASE values are kept: they are numbers the state machines ignore.
import type { ExtCodec } from './codec.js';

export const supportedGroups: ExtCodec<number[]> = {
  decode: (r) => r.u16List('named_group_list', 2, 0xffff),
  encode: (w, groups) => void w.u16List(groups),
};
