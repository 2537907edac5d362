// The record layer of one connection (RFC 8446 §5, RFC 5246 §6): records in, content out, and
// back; plaintext until keys are installed, then TLS 1.3 or TLS 1.2 protection. It knows keys, not
// handshakes (DESIGN §2).

import { type Alloc, newBytes } from '../bytes.js';
import { TLSError, illegalParameter, internalError, unexpectedMessage } from '../errors.js';
import { MAX_EMPTY_RECORDS, MAX_PLAINTEXT } from '../limits.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import { AlertDescription, ContentType, ProtocolVersion, contentTypeName } from '../wire/codes.js';
import { Deframer, RECORD_HEADER_LENGTH, isContentType, type RawRecord } from './deframer.js';
import { fragment } from './fragmenter.js';
import {
  MAX_INNER_PLAINTEXT,
  RecordDecrypter,
  RecordEncrypter,
  type DecryptedRecord,
  type ProtectionVersion,
  type RecordOpener,
  type RecordSealer,
} from './protection.js';

/** RFC 8449 §4: a record_size_limit below 64 MUST be answered with illegal_parameter. */
export const MIN_RECORD_SIZE_LIMIT = 64;

export interface EncodeOptions {
  /**
   * legacy_record_version of plaintext records. RFC 8446 §5.1: 0x0303, except that an initial
   * ClientHello MAY use 0x0301 for compatibility. Protected records always carry 0x0303.
   */
  readonly legacyRecordVersion?: number;
  /** Where the records' bytes come from (see ByteSlab). */
  readonly alloc?: Alloc;
}

export class RecordLayer {
  /** For receive()/next() only: a Connection deframes itself and calls decode(). */
  private deframerInstance: Deframer | undefined;
  private decrypter: RecordOpener | undefined;
  private encrypter: RecordSealer | undefined;
  /** The peer's record_size_limit (RFC 8449), applied to protected records we send. */
  private recordSizeLimit: number | undefined;
  private emptyRecords = 0;

  constructor(private readonly provider: CryptoProvider) {}

  get readProtected(): boolean {
    return this.decrypter !== undefined;
  }

  get writeProtected(): boolean {
    return this.encrypter !== undefined;
  }

  /**
   * Content bytes that fit in one protected record we send, counted as the current write
   * protection's version counts record_size_limit (TLS 1.3 until there is one).
   */
  get maxFragment(): number {
    return fragmentLimit(this.recordSizeLimit, this.encrypter?.version ?? ProtocolVersion.TLS1_3);
  }

  /** The read sequence number (the next record's), or undefined while reading plaintext. */
  get readSequence(): bigint | undefined {
    return this.decrypter?.sequence;
  }

  /** The write sequence number (the next record's), or undefined while writing plaintext. */
  get writeSequence(): bigint | undefined {
    return this.encrypter?.sequence;
  }

  /** Installs new read traffic keys; the sequence number restarts at 0 (RFC 8446 §5.3). */
  setReadKeys(suite: Tls13Suite, key: Uint8Array, iv: Uint8Array): void {
    this.setReadProtection(new RecordDecrypter(this.provider, suite, key, iv));
  }

  /** Installs new write traffic keys; the sequence number restarts at 0 (RFC 8446 §5.3). */
  setWriteKeys(suite: Tls13Suite, key: Uint8Array, iv: Uint8Array): void {
    this.setWriteProtection(new RecordEncrypter(this.provider, suite, key, iv));
  }

  /**
   * Installs read protection of either version, such as a Tls12RecordDecrypter once the peer's
   * ChangeCipherSpec has been read (RFC 5246 §7.1).
   */
  setReadProtection(opener: RecordOpener): void {
    this.decrypter = opener;
  }

  /** Installs write protection of either version, such as a Tls12RecordEncrypter after our ChangeCipherSpec. */
  setWriteProtection(sealer: RecordSealer): void {
    this.encrypter = sealer;
  }

  clearReadKeys(): void {
    this.decrypter = undefined;
  }

  clearWriteKeys(): void {
    this.encrypter = undefined;
  }

  /**
   * Applies the peer's record_size_limit to the protected records we send, whichever version
   * protects them (see fragmentLimit); unprotected messages are not subject to it (RFC 8449 §4).
   */
  setRecordSizeLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < MIN_RECORD_SIZE_LIMIT) {
      throw illegalParameter(`record_size_limit ${limit} is below ${MIN_RECORD_SIZE_LIMIT}`);
    }
    this.recordSizeLimit = limit;
  }

  /** `data` as records ready to send: fragmented, and protected once write keys are set. */
  encode(type: ContentType, data: Uint8Array, options: EncodeOptions = {}): Uint8Array[] {
    const encrypter = this.encrypter;
    const alloc = options.alloc ?? newBytes;
    if (encrypter) return fragment(data, this.maxFragment).map((piece) => encrypter.seal(type, piece, alloc));

    const version = options.legacyRecordVersion ?? ProtocolVersion.TLS1_2;
    if (version !== ProtocolVersion.TLS1_2 && version !== ProtocolVersion.TLS1_0) {
      throw internalError(`legacy_record_version 0x${version.toString(16)} is neither 0x0303 nor 0x0301`);
    }
    return fragment(data, MAX_PLAINTEXT).map((piece) => {
      const record = alloc(RECORD_HEADER_LENGTH + piece.length);
      record[0] = type;
      record[1] = version >> 8;
      record[2] = version & 0xff;
      record[3] = piece.length >> 8;
      record[4] = piece.length & 0xff;
      record.set(piece, RECORD_HEADER_LENGTH);
      return record;
    });
  }

  /** Appends received bytes. Keeps a reference: do not modify `bytes` afterwards. */
  receive(bytes: Uint8Array): void {
    (this.deframerInstance ??= new Deframer()).push(bytes);
  }

  /** The next received record's content, or undefined when more bytes are needed. */
  next(): DecryptedRecord | undefined {
    const record = this.deframerInstance?.next();
    return record === undefined ? undefined : this.decode(record);
  }

  /** Bytes received and not yet returned as records. */
  get buffered(): number {
    return this.deframerInstance?.buffered ?? 0;
  }

  /**
   * One received record's content. Once TLS 1.3 read keys are set, only protected records and
   * change_cipher_spec pass: RFC 8446 §5 lets a peer send an unprotected change_cipher_spec during
   * the handshake for middlebox compatibility; the caller judges its value and count. Once TLS 1.2
   * read protection is set, every record is protected under its real type (RFC 5246 §6.2.3); the
   * caller reads ChangeCipherSpec before it installs that protection, so one arriving later is
   * refused by it.
   */
  decode(record: RawRecord): DecryptedRecord {
    let result: DecryptedRecord;
    const decrypter = this.decrypter;
    if (decrypter && (decrypter.version === ProtocolVersion.TLS1_2 || record.type === ContentType.application_data)) {
      result = decrypter.open(record);
    } else {
      // Deframer already checks this; a record from elsewhere gets the same RFC 8446 §5 rule.
      if (!isContentType(record.type)) throw unexpectedMessage(`unknown record content type ${record.type}`);
      if (this.decrypter && record.type !== ContentType.change_cipher_spec) {
        throw unexpectedMessage(`unprotected ${contentTypeName(record.type)} record after keys were set`);
      }
      // RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14.
      if (record.fragment.length > MAX_PLAINTEXT) {
        throw new TLSError(AlertDescription.record_overflow, `plaintext record of ${record.fragment.length} bytes exceeds ${MAX_PLAINTEXT}`);
      }
      result = { type: record.type, content: record.fragment };
    }

    if (result.content.length !== 0) {
      this.emptyRecords = 0;
    } else if (result.type !== ContentType.application_data) {
      // RFC 8446 §5.1, §5.4: no zero-length Handshake or Alert fragments (and a change_cipher_spec
      // is exactly one byte).
      throw unexpectedMessage(`zero-length ${contentTypeName(result.type)} record`);
    } else if (++this.emptyRecords > MAX_EMPTY_RECORDS) {
      // Empty application_data is legal, but a stream of them makes no progress: a cheap DoS.
      throw unexpectedMessage(`more than ${MAX_EMPTY_RECORDS} empty records in a row`);
    }
    return result;
  }
}

/**
 * Content bytes per protected record under the peer's record_size_limit. RFC 8449 §4: in TLS 1.3
 * the limit counts TLSInnerPlaintext (content, type byte, padding), in TLS 1.2 the plaintext
 * alone; a larger value than the protocol allows changes nothing.
 */
function fragmentLimit(limit: number | undefined, version: ProtectionVersion): number {
  if (limit === undefined) return MAX_PLAINTEXT;
  return version === ProtocolVersion.TLS1_2 ? Math.min(limit, MAX_PLAINTEXT) : Math.min(limit, MAX_INNER_PLAINTEXT) - 1;
}
