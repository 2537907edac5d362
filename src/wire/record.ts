// RFC 8446 §5.1/§5.2: the 5-byte header shared by TLSPlaintext and TLSCiphertext:
// ContentType type; ProtocolVersion legacy_record_version; uint16 length. Structure only: which
// types, versions and lengths are acceptable is the record layer's business.
import { decodeError } from '../errors.js';

export const RECORD_HEADER_LENGTH = 5;

export interface RecordHeader {
  type: number;
  legacy_record_version: number;
  length: number;
}

export function encodeRecordHeader(header: RecordHeader): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH);
  writeRecordHeader(out, 0, header);
  return out;
}

/** Writes the header in place, e.g. in front of a payload already in `out`. */
export function writeRecordHeader(out: Uint8Array, offset: number, header: RecordHeader): void {
  if (header.length > 0xffff) throw new RangeError(`record length ${header.length} does not fit uint16`);
  out[offset] = header.type;
  out[offset + 1] = header.legacy_record_version >>> 8;
  out[offset + 2] = header.legacy_record_version & 0xff;
  out[offset + 3] = header.length >>> 8;
  out[offset + 4] = header.length & 0xff;
}

/** Reads the header at `offset`; fewer than 5 bytes there is decode_error. */
export function decodeRecordHeader(bytes: Uint8Array, offset = 0): RecordHeader {
  if (bytes.length - offset < RECORD_HEADER_LENGTH) throw decodeError('truncated record header');
  return {
    type: bytes[offset]!,
    legacy_record_version: (bytes[offset + 1]! << 8) | bytes[offset + 2]!,
    length: (bytes[offset + 3]! << 8) | bytes[offset + 4]!,
  };
}
