// RFC 8449 §4: uint16 RecordSizeLimit, in ClientHello and EncryptedExtensions.
import { illegalParameter } from '../../errors.js';
import type { ExtCodec } from './codec.js';

/** RFC 8449 §4: "Endpoints MUST NOT send a value smaller than 64". */
export const MIN_RECORD_SIZE_LIMIT = 64;

export const recordSizeLimit: ExtCodec<number> = {
  decode(r) {
    const limit = r.u16('RecordSizeLimit');
    // RFC 8449 §4: receipt of a smaller value is an illegal_parameter error.
    if (limit < MIN_RECORD_SIZE_LIMIT) throw illegalParameter(`record_size_limit ${limit} is below ${MIN_RECORD_SIZE_LIMIT}`);
    return limit;
  },
  encode: (w, limit) => void w.u16(limit),
};
