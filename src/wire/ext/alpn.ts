// RFC 7301 §3.1 application_layer_protocol_negotiation:
// ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>.
// Names are opaque bytes, held as one char per byte (latin1) so any name round-trips.
import { decodeError } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type ExtCodec, latin1Bytes, latin1String } from './codec.js';

function readList(r: Reader): string[] {
  const list = r.sub16('protocol_name_list', 2, 0xffff);
  const names: string[] = [];
  while (list.remaining > 0) names.push(latin1String(list.vec8('ProtocolName', 1, 0xff)));
  return names;
}

function writeList(w: Writer, names: readonly string[]): void {
  w.vec16((list) => {
    for (const name of names) list.opaque8(latin1Bytes(name));
  });
}

export const alpnClientHello: ExtCodec<string[]> = {
  decode: readList,
  encode: writeList,
};

/** RFC 7301 §3.1: the server's list "MUST contain exactly one ProtocolName". */
export const alpnEncryptedExtensions: ExtCodec<string> = {
  decode(r) {
    const names = readList(r);
    if (names.length !== 1) throw decodeError(`application_layer_protocol_negotiation: server named ${names.length} protocols`);
    return names[0];
  },
  encode: (w, name) => writeList(w, [name]),
};
