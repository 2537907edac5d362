// RFC 8446 §4.2.10 early_data: empty in ClientHello and EncryptedExtensions; in NewSessionTicket
// it is uint32 max_early_data_size.
import type { ExtCodec } from './codec.js';

export const earlyDataIndication: ExtCodec<true> = {
  decode: () => true,
  encode: () => {},
};

export const earlyDataNewSessionTicket: ExtCodec<number> = {
  decode: (r) => r.u32('max_early_data_size'),
  encode: (w, size) => void w.u32(size),
};
