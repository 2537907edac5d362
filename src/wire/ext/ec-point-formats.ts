// RFC 8422 §5.1.2: struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList, in
// the ClientHello and the TLS 1.2 ServerHello. Formats are kept as numbers: whether uncompressed(0)
// is among them is the state machine's check (RFC 8422 §5.1.2, illegal_parameter).
import type { ExtCodec } from './codec.js';

export const ecPointFormats: ExtCodec<number[]> = {
  decode: (r) => [...r.vec8('ec_point_format_list', 1, 0xff)],
  encode: (w, formats) => void w.opaque8(Uint8Array.from(formats)),
};
