// Records and handshake messages as bytes on the wire, for tests that read what a connection sent
// or build what a peer sends.
import { concatBytes } from '../../src/bytes.js';
import { ContentType } from '../../src/wire/codes.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import type { HandshakeMessage } from '../../src/wire/types.js';

export interface WireRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
  /** Header and fragment, as sent. */
  bytes: Uint8Array;
}

/** Splits a byte stream (or a list of chunks) into whole records; a trailing partial record is an error. */
export function readRecords(input: Uint8Array | readonly Uint8Array[]): WireRecord[] {
  const bytes = input instanceof Uint8Array ? input : concatBytes(input);
  const out: WireRecord[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < 5) throw new Error(`partial record header at ${at}`);
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (bytes.length - at < 5 + length) throw new Error(`partial record at ${at}`);
    out.push({
      type: bytes[at]!,
      version: (bytes[at + 1]! << 8) | bytes[at + 2]!,
      fragment: bytes.subarray(at + 5, at + 5 + length),
      bytes: bytes.subarray(at, at + 5 + length),
    });
    at += 5 + length;
  }
  return out;
}

/** One record with a hand-made header (legacy_record_version 0x0303 unless given). */
export function record(type: number, fragment: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + fragment.length);
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = fragment.length >> 8;
  out[4] = fragment.length & 0xff;
  out.set(fragment, 5);
  return out;
}

/** Encodes handshake messages (or takes them already encoded) into one plaintext handshake record. */
export function handshakeRecord(...messages: (HandshakeMessage | Uint8Array)[]): Uint8Array {
  return record(ContentType.handshake, concatBytes(messages.map((m) => (m instanceof Uint8Array ? m : encodeHandshake(m)))));
}

/** The middlebox-compatibility change_cipher_spec record. */
export const CHANGE_CIPHER_SPEC = Uint8Array.of(20, 3, 3, 0, 1, 1);

/** A plaintext alert record. */
export const alertRecord = (level: number, description: number): Uint8Array => record(ContentType.alert, Uint8Array.of(level, description));

/** Splits the content of handshake records into whole messages (header included). */
export function splitHandshakes(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const length = (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    if (data.length - at < 4 + length) throw new Error(`partial handshake message at ${at}`);
    out.push(data.subarray(at, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** The first plaintext alert among records `output`, as [level, description]. */
export function plaintextAlert(output: readonly Uint8Array[]): [number, number] | undefined {
  const alert = readRecords(output).find((r) => r.type === ContentType.alert);
  if (!alert) return undefined;
  if (alert.fragment.length !== 2) throw new Error(`alert record of ${alert.fragment.length} bytes`);
  return [alert.fragment[0]!, alert.fragment[1]!];
}

export const concat = concatBytes;
