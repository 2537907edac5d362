// RFC 8446 §4.2.1 supported_versions.
import { decodeError } from '../../errors.js';
import type { ExtCodec } from './codec.js';

/** ClientHello: ProtocolVersion versions<2..254> (a one-byte length). */
export const supportedVersionsClientHello: ExtCodec<number[]> = {
  decode(r) {
    const list = r.sub8('versions', 2, 254);
    if (list.remaining % 2 !== 0) throw decodeError('supported_versions: versions has odd length');
    const versions: number[] = [];
    while (list.remaining > 0) versions.push(list.u16('ProtocolVersion'));
    return versions;
  },
  encode(w, versions) {
    w.vec8((list) => {
      for (const v of versions) list.u16(v);
    });
  },
};

/** ServerHello and HelloRetryRequest: ProtocolVersion selected_version. */
export const supportedVersionsServerHello: ExtCodec<number> = {
  decode: (r) => r.u16('selected_version'),
  encode: (w, version) => void w.u16(version),
};
