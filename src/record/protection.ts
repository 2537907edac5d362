// TLS 1.3 record protection (RFC 8446 §5.2–§5.4): AEAD over TLSInnerPlaintext, the record header
// as additional data, and a per-record nonce from the static IV and a 64-bit sequence number.

import { type Alloc, newBytes } from '../bytes.js';
import { TLSError, internalError, unexpectedMessage } from '../errors.js';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT } from '../limits.js';
import type { Aead, CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import { AlertDescription, ContentType, ProtocolVersion, contentTypeName } from '../wire/codes.js';
import { RECORD_HEADER_LENGTH, type RawRecord } from './deframer.js';

/** Every AEAD TLS 1.3 defines (AES-GCM, ChaCha20-Poly1305; RFC 8446 §B.4) has a 16-byte tag. */
export const AEAD_TAG_LENGTH = 16;
/** RFC 8446 §5.4: the encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets. */
export const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1;

export interface DecryptedRecord {
  readonly type: ContentType;
  readonly content: Uint8Array;
}

/** The protocol whose record rules a protection follows: RFC 8446 §5 or RFC 5246 §6.2. */
export type ProtectionVersion = typeof ProtocolVersion.TLS1_3 | typeof ProtocolVersion.TLS1_2;

/** Write-side protection as the record layer drives it, whichever the version. */
export interface RecordSealer {
  readonly version: ProtectionVersion;
  /** The sequence number the next record will use. */
  readonly sequence: bigint;
  /** A whole protected record, header included, in bytes from `alloc` (see ByteSlab). */
  seal(contentType: ContentType, content: Uint8Array, alloc?: Alloc): Uint8Array;
}

/** Read-side protection as the record layer drives it, whichever the version. */
export interface RecordOpener {
  readonly version: ProtectionVersion;
  /** The sequence number the next record must carry. */
  readonly sequence: bigint;
  open(record: RawRecord): DecryptedRecord;
}

const TWO_32 = 0x1_0000_0000;

/**
 * The 64-bit record sequence number as two 32-bit halves, so it stays exact past 2^53.
 * RFC 8446 §5.3: it MUST NOT wrap; we refuse to produce a nonce once it would.
 */
export class SequenceNumber {
  private hi: number;
  private lo: number;
  private exhausted = false;

  constructor(initial: bigint) {
    if (initial < 0n || initial >= 1n << 64n) throw internalError(`sequence number ${initial} out of range`);
    this.hi = Number(initial >> 32n);
    this.lo = Number(initial & 0xffff_ffffn);
  }

  get value(): bigint {
    if (this.exhausted) return 1n << 64n;
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** RFC 8446 §5.3: iv XOR the sequence number, big-endian and left-padded with zeros to iv_length. */
  nonce(iv: Uint8Array): Uint8Array {
    if (this.exhausted) throw internalError('record sequence number exhausted; the connection must rekey');
    const nonce = iv.slice();
    const n = nonce.length;
    nonce[n - 8]! ^= this.hi >>> 24;
    nonce[n - 7]! ^= (this.hi >>> 16) & 0xff;
    nonce[n - 6]! ^= (this.hi >>> 8) & 0xff;
    nonce[n - 5]! ^= this.hi & 0xff;
    nonce[n - 4]! ^= this.lo >>> 24;
    nonce[n - 3]! ^= (this.lo >>> 16) & 0xff;
    nonce[n - 2]! ^= (this.lo >>> 8) & 0xff;
    nonce[n - 1]! ^= this.lo & 0xff;
    return nonce;
  }

  /** The sequence number as 8 big-endian bytes (RFC 5246 §6.2.3.1 seq_num) at `offset`. */
  writeTo(out: Uint8Array, offset: number): void {
    if (this.exhausted) throw internalError('record sequence number exhausted; the connection must rekey');
    out[offset] = this.hi >>> 24;
    out[offset + 1] = (this.hi >>> 16) & 0xff;
    out[offset + 2] = (this.hi >>> 8) & 0xff;
    out[offset + 3] = this.hi & 0xff;
    out[offset + 4] = this.lo >>> 24;
    out[offset + 5] = (this.lo >>> 16) & 0xff;
    out[offset + 6] = (this.lo >>> 8) & 0xff;
    out[offset + 7] = this.lo & 0xff;
  }

  advance(): void {
    if (++this.lo < TWO_32) return;
    this.lo = 0;
    if (++this.hi < TWO_32) return;
    this.hi = 0;
    this.exhausted = true;
  }
}

function checkKeys(suite: Tls13Suite, key: Uint8Array, iv: Uint8Array): void {
  if (key.length !== suite.keyLength) throw internalError(`${suite.name} needs a ${suite.keyLength}-byte key, got ${key.length}`);
  // RFC 8446 §5.3: the IV is at least 8 bytes (N_MIN of RFC 5116), so the sequence number fits.
  if (iv.length !== suite.ivLength || iv.length < 8) throw internalError(`${suite.name} needs a ${suite.ivLength}-byte IV, got ${iv.length}`);
}

/** The 5-byte record header, which is also the AEAD additional_data (RFC 8446 §5.2). */
export function writeHeader(out: Uint8Array, type: number, version: number, length: number, offset = 0): void {
  out[offset] = type;
  out[offset + 1] = version >> 8;
  out[offset + 2] = version & 0xff;
  out[offset + 3] = length >> 8;
  out[offset + 4] = length & 0xff;
}

/** Protects records we send under one traffic key. */
export class RecordEncrypter implements RecordSealer {
  readonly version: ProtectionVersion = ProtocolVersion.TLS1_3;
  private readonly aead: Aead;
  private readonly iv: Uint8Array;
  private readonly seq: SequenceNumber;

  /** `sequence` starts above 0 only to test the limit. */
  constructor(provider: CryptoProvider, readonly suite: Tls13Suite, key: Uint8Array, iv: Uint8Array, sequence = 0n) {
    checkKeys(suite, key, iv);
    this.aead = provider.createAead(suite.aead, key);
    this.iv = iv.slice();
    this.seq = new SequenceNumber(sequence);
  }

  /** The sequence number the next record will use. */
  get sequence(): bigint {
    return this.seq.value;
  }

  /**
   * A whole TLSCiphertext record: opaque_type application_data, legacy_record_version 0x0303,
   * length, then AEAD(TLSInnerPlaintext = content || type || zeros[padding]).
   */
  seal(contentType: ContentType, content: Uint8Array, alloc: Alloc = newBytes): Uint8Array {
    return this.sealPadded(contentType, content, 0, alloc);
  }

  /** seal() with `padding` zero bytes after the content type (RFC 8446 §5.4). */
  sealPadded(contentType: ContentType, content: Uint8Array, padding: number, alloc: Alloc = newBytes): Uint8Array {
    // RFC 8446 §5: change_cipher_spec is never protected; §5.4: no empty handshake or alert records.
    if (contentType === ContentType.change_cipher_spec) throw internalError('change_cipher_spec records are never protected');
    if (content.length === 0 && contentType !== ContentType.application_data) {
      throw internalError(`zero-length ${contentTypeName(contentType)} record`);
    }
    const innerLength = content.length + 1 + padding;
    if (!Number.isInteger(padding) || padding < 0 || innerLength > MAX_INNER_PLAINTEXT) {
      throw internalError(`inner plaintext of ${content.length} bytes plus ${padding} padding exceeds ${MAX_INNER_PLAINTEXT}`);
    }
    const length = innerLength + AEAD_TAG_LENGTH;
    const record = alloc(RECORD_HEADER_LENGTH + length);
    writeHeader(record, ContentType.application_data, ProtocolVersion.TLS1_2, length);
    const header = record.subarray(0, RECORD_HEADER_LENGTH);
    // TLSInnerPlaintext = content || type || zeros, sealed as two parts straight into the record,
    // so the content is copied once (DESIGN §6: no per-record copies we can avoid).
    const trailer = padding === 0 ? TRAILERS[contentType]! : trailerWithPadding(contentType, padding);
    this.aead.sealInto(this.seq.nonce(this.iv), header, [content, trailer], record, RECORD_HEADER_LENGTH);
    this.seq.advance();
    return record;
  }
}

// The one-byte trailers of unpadded records, by content type.
const TRAILERS: Record<number, Uint8Array> = {
  [ContentType.alert]: Uint8Array.of(ContentType.alert),
  [ContentType.handshake]: Uint8Array.of(ContentType.handshake),
  [ContentType.application_data]: Uint8Array.of(ContentType.application_data),
};

function trailerWithPadding(contentType: ContentType, padding: number): Uint8Array {
  const trailer = new Uint8Array(1 + padding);
  trailer[0] = contentType;
  return trailer;
}

/** Removes protection from records we receive under one traffic key. */
export class RecordDecrypter implements RecordOpener {
  readonly version: ProtectionVersion = ProtocolVersion.TLS1_3;
  private readonly aead: Aead;
  private readonly iv: Uint8Array;
  private readonly seq: SequenceNumber;
  private readonly header = new Uint8Array(RECORD_HEADER_LENGTH);

  /** `sequence` starts above 0 only to test the limit. */
  constructor(provider: CryptoProvider, readonly suite: Tls13Suite, key: Uint8Array, iv: Uint8Array, sequence = 0n) {
    checkKeys(suite, key, iv);
    this.aead = provider.createAead(suite.aead, key);
    this.iv = iv.slice();
    this.seq = new SequenceNumber(sequence);
  }

  /** The sequence number the next record must carry. */
  get sequence(): bigint {
    return this.seq.value;
  }

  open(record: RawRecord): DecryptedRecord {
    // RFC 8446 §5.2: protected records carry opaque_type application_data.
    if (record.type !== ContentType.application_data) {
      throw unexpectedMessage(`${contentTypeName(record.type)} record where a protected record was expected`);
    }
    const ciphertext = record.fragment;
    if (ciphertext.length > MAX_CIPHERTEXT) {
      throw new TLSError(AlertDescription.record_overflow, `protected record of ${ciphertext.length} bytes exceeds ${MAX_CIPHERTEXT}`);
    }
    writeHeader(this.header, record.type, record.version, ciphertext.length);
    const plaintext = this.aead.open(this.seq.nonce(this.iv), this.header, ciphertext);
    // RFC 8446 §5.2: decryption failure MUST be answered with bad_record_mac.
    if (plaintext === null) throw new TLSError(AlertDescription.bad_record_mac, 'record authentication failed');
    this.seq.advance();

    if (plaintext.length > MAX_INNER_PLAINTEXT) {
      throw new TLSError(AlertDescription.record_overflow, `inner plaintext of ${plaintext.length} bytes exceeds ${MAX_INNER_PLAINTEXT}`);
    }
    // RFC 8446 §5.4: the content type is the last non-zero byte; all zeros is unexpected_message.
    let end = plaintext.length - 1;
    while (end >= 0 && plaintext[end] === 0) end--;
    if (end < 0) throw unexpectedMessage('protected record has no content type');
    const type = plaintext[end]!;
    // RFC 8446 §5: a protected change_cipher_spec, like an unknown type, is unexpected_message.
    if (type !== ContentType.alert && type !== ContentType.handshake && type !== ContentType.application_data) {
      throw unexpectedMessage(`protected record of inner type ${contentTypeName(type)}`);
    }
    const content = plaintext.subarray(0, end);
    // RFC 8446 §5.4: zero-length Handshake and Alert content MUST be answered with unexpected_message.
    if (content.length === 0 && type !== ContentType.application_data) {
      throw unexpectedMessage(`zero-length protected ${contentTypeName(type)} record`);
    }
    return { type, content };
  }
}
