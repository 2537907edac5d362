import { internalError } from '../errors.js';
import { MAX_PLAINTEXT } from '../limits.js';

/**
 * Splits `data` into views of at most `max` bytes (RFC 8446 §5.1: TLSPlaintext.length ≤ 2^14).
 * Empty input gives no fragments: zero-length handshake and alert fragments are forbidden, and an
 * empty application_data record carries nothing.
 */
export function fragment(data: Uint8Array, max: number = MAX_PLAINTEXT): Uint8Array[] {
  if (!Number.isInteger(max) || max < 1) throw internalError(`invalid fragment size ${max}`);
  if (data.length <= max) return data.length === 0 ? [] : [data];
  const out = new Array<Uint8Array>(Math.ceil(data.length / max));
  for (let i = 0, at = 0; at < data.length; i++, at += max) out[i] = data.subarray(at, at + max);
  return out;
}
