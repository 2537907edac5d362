// RFC 7627 §5.1 extended_master_secret: "The "extension_data" field of this extension is empty",
// in the ClientHello and the TLS 1.2 ServerHello.
import { type ExtCodec, emptyExtension } from './codec.js';

export const extendedMasterSecret: ExtCodec<true> = emptyExtension;
