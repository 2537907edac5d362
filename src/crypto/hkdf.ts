// HKDF (RFC 5869) and the TLS 1.3 wrappers around it (RFC 8446 §7.1).
// node:crypto's hkdfSync always extracts first and cannot expand a PRK we already hold, so Expand
// is the RFC's HMAC loop over provider.hmac.
import { internalError } from '../errors.js';
import type { CryptoProvider, HashName } from './provider.js';

const HASH_LENGTHS: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** HashLen in RFC 5869 terms. */
export const hashLength = (hash: HashName): number => HASH_LENGTHS[hash];

const EMPTY: Uint8Array = new Uint8Array(0);

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); a missing salt is HashLen zero octets. */
export function hkdfExtract(provider: CryptoProvider, hash: HashName, salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array {
  return provider.hmac(hash, salt && salt.length > 0 ? salt : new Uint8Array(hashLength(hash)), ikm);
}

/** RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i); OKM = first L octets of T(1) | T(2) | … */
export function hkdfExpand(provider: CryptoProvider, hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hashLen = hashLength(hash);
  // RFC 5869 §2.3: L <= 255*HashLen, since the block counter is one octet.
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen) {
    throw internalError(`HKDF-Expand length ${length} outside 0..${255 * hashLen}`);
  }
  if (length <= hashLen) {
    const input = new Uint8Array(info.length + 1);
    input.set(info);
    input[info.length] = 1;
    return expandOneBlock(provider, hash, prk, input, length, hashLen);
  }
  const okm = new Uint8Array(length);
  const input = new Uint8Array(hashLen + info.length + 1);
  let previous = EMPTY;
  for (let i = 1, at = 0; at < length; i++) {
    // T(0) is empty, so the first block hashes only info | 0x01.
    const start = hashLen - previous.length;
    input.set(previous, start);
    input.set(info, hashLen);
    input[hashLen + info.length] = i;
    previous = provider.hmac(hash, prk, input.subarray(start));
    const n = Math.min(hashLen, length - at);
    okm.set(n === hashLen ? previous : previous.subarray(0, n), at);
    at += n;
  }
  return okm;
}

/**
 * Every TLS 1.3 derivation asks for at most HashLen octets: OKM = T(1) = HMAC(PRK, info | 0x01),
 * one HMAC and no copy. `input` already ends with the counter octet. This path runs about twenty
 * times per handshake, so it allocates nothing beyond the HMAC's output (DESIGN §6).
 */
function expandOneBlock(
  provider: CryptoProvider,
  hash: HashName,
  prk: Uint8Array,
  input: Uint8Array,
  length: number,
  hashLen: number,
): Uint8Array {
  const block = provider.hmac(hash, prk, input);
  return length === hashLen ? block : block.subarray(0, length);
}

const encoder = new TextEncoder();
const LABEL_PREFIX = encoder.encode('tls13 ');

// The protocol's labels are a dozen constants; exporter labels come from callers, hence the bound.
interface LabelEntry {
  readonly bytes: Uint8Array;
  /**
   * HkdfLabel || 0x01 for an empty context, by length: it then depends only on the label and the
   * length, and "key", "iv", "finished" and "traffic upd" are derived about ten times per handshake.
   */
  readonly emptyContext: Uint8Array[];
}
const labelCache = new Map<string, LabelEntry>();
const MAX_CACHED_LABELS = 64;

function labelEntry(label: string): LabelEntry {
  let entry = labelCache.get(label);
  if (!entry) {
    entry = { bytes: encoder.encode(label), emptyContext: [] };
    if (labelCache.size < MAX_CACHED_LABELS) labelCache.set(label, entry);
  }
  return entry;
}

/** HkdfLabel (RFC 8446 §7.1), followed by HKDF-Expand's first counter octet when `counter`. */
function hkdfLabel(labelBytes: Uint8Array, context: Uint8Array, length: number, counter: boolean): Uint8Array {
  const fullLabelLength = LABEL_PREFIX.length + labelBytes.length;
  if (fullLabelLength > 255) throw internalError(`HKDF-Expand-Label label of ${fullLabelLength} bytes exceeds 255`);
  if (context.length > 255) throw internalError(`HKDF-Expand-Label context of ${context.length} bytes exceeds 255`);
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw internalError(`HKDF-Expand-Label length ${length} does not fit uint16`);
  const infoLength = 2 + 1 + fullLabelLength + 1 + context.length;
  const info = new Uint8Array(counter ? infoLength + 1 : infoLength);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabelLength;
  info.set(LABEL_PREFIX, 3);
  info.set(labelBytes, 3 + LABEL_PREFIX.length);
  info[3 + fullLabelLength] = context.length;
  info.set(context, 4 + fullLabelLength);
  if (counter) info[infoLength] = 1;
  return info;
}

/**
 * RFC 8446 §7.1:
 *   HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255> = Context; } HkdfLabel;
 */
export function hkdfExpandLabel(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string | Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const hashLen = hashLength(hash);
  const entry = typeof label === 'string' ? labelEntry(label) : undefined;
  const labelBytes = entry ? entry.bytes : (label as Uint8Array);
  if (length > hashLen) return hkdfExpand(provider, hash, secret, hkdfLabel(labelBytes, context, length, false), length);
  // One block (always, in TLS 1.3): the info and the counter octet go in one buffer. With an
  // empty context it is a constant, shared read-only (provider.hmac only reads its input).
  const info =
    entry && context.length === 0
      ? (entry.emptyContext[length] ??= hkdfLabel(labelBytes, context, length, true))
      : hkdfLabel(labelBytes, context, length, true);
  return expandOneBlock(provider, hash, secret, info, length, hashLen);
}

/**
 * RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length).
 * Takes the transcript hash itself, so callers hash once and reuse it for sibling secrets.
 */
export function deriveSecret(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(provider, hash, secret, label, transcriptHash, hashLength(hash));
}
