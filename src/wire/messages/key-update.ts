// RFC 8446 §4.6.3: struct { KeyUpdateRequest request_update; } KeyUpdate.
import { illegalParameter } from '../../errors.js';
import { KeyUpdateRequest } from '../codes.js';
import type { Reader } from '../reader.js';
import type { KeyUpdate } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeKeyUpdate(r: Reader): KeyUpdate {
  const request_update = r.u8('request_update');
  // RFC 8446 §4.6.3: any other value is an illegal_parameter error.
  if (request_update !== KeyUpdateRequest.update_not_requested && request_update !== KeyUpdateRequest.update_requested) {
    throw illegalParameter(`KeyUpdate request_update ${request_update} is neither 0 nor 1`);
  }
  return { type: 'key_update', request_update };
}

export function encodeKeyUpdate(w: Writer, m: KeyUpdate): void {
  w.u8(m.request_update);
}
