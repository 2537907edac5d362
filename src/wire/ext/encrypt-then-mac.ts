// RFC 7366 §2 encrypt_then_mac: empty extension_data, in the ClientHello and the TLS 1.2
// ServerHello (where it applies to CBC suites only, RFC 7366 §3).
import { type ExtCodec, emptyExtension } from './codec.js';

export const encryptThenMac: ExtCodec<true> = emptyExtension;
