// RFC 8446 §4.2.8 key_share: a list in ClientHello, one entry in ServerHello, the selected group
// alone in HelloRetryRequest.
import { illegalParameter } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { KeyShareEntry } from '../types.js';
import { type ExtCodec, copyBytes } from './codec.js';

// struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
function readEntry(r: Reader): KeyShareEntry {
  const group = r.u16('group');
  return { group, key_exchange: copyBytes(r.vec16('key_exchange', 1, 0xffff)) };
}

function writeEntry(w: Writer, entry: KeyShareEntry): void {
  w.u16(entry.group).opaque16(entry.key_exchange);
}

/** KeyShareEntry client_shares<0..2^16-1>. */
export const keyShareClientHello: ExtCodec<KeyShareEntry[]> = {
  decode(r) {
    const list = r.sub16('client_shares');
    const shares: KeyShareEntry[] = [];
    const groups = new Set<number>();
    while (list.remaining > 0) {
      const entry = readEntry(list);
      // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same
      // group"; servers MAY abort with illegal_parameter, and we do.
      if (groups.has(entry.group)) throw illegalParameter(`key_share: two shares for group 0x${entry.group.toString(16)}`);
      groups.add(entry.group);
      shares.push(entry);
    }
    return shares;
  },
  encode(w, shares) {
    w.vec16((list) => {
      for (const entry of shares) writeEntry(list, entry);
    });
  },
};

/** KeyShareEntry server_share. */
export const keyShareServerHello: ExtCodec<KeyShareEntry> = {
  decode: readEntry,
  encode: writeEntry,
};

/** NamedGroup selected_group. */
export const keyShareHelloRetryRequest: ExtCodec<number> = {
  decode: (r) => r.u16('selected_group'),
  encode: (w, group) => void w.u16(group),
};
