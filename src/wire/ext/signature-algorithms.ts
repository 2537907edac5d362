// RFC 8446 §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>; also the body of
// signature_algorithms_cert.
import type { ExtCodec } from './codec.js';

export const signatureAlgorithms: ExtCodec<number[]> = {
  decode: (r) => r.u16List('supported_signature_algorithms', 2, 0xfffe),
  encode: (w, schemes) => void w.u16List(schemes),
};
