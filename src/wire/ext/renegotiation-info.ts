// RFC 5746 §3.2: struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo, the same in
// the ClientHello and the TLS 1.2 ServerHello. Whether it is empty (initial handshake) or holds the
// verify_data of the previous handshake is the state machine's check (RFC 5746 §3.4, §3.6).
import { type ExtCodec, copyBytes } from './codec.js';

export const renegotiationInfo: ExtCodec<Uint8Array> = {
  decode: (r) => copyBytes(r.vec8('renegotiated_connection', 0, 0xff)),
  encode: (w, value) => void w.opaque8(value),
};
