// RFC 8446 §4.5: struct {} EndOfEarlyData. The body is empty; handshake.ts rejects anything else.
import type { Reader } from '../reader.js';
import type { EndOfEarlyData } from '../types.js';

export function decodeEndOfEarlyData(_r: Reader): EndOfEarlyData {
  return { type: 'end_of_early_data' };
}

export function encodeEndOfEarlyData(): void {}
