// The record layer of one connection (RFC 8446 §5): records in, content out, and back; plaintext
// until keys are installed, then TLS 1.3 protection. It knows keys, not handshakes (DESIGN §2).

import { TLSError, illegalParameter, internalError, unexpectedMessage } from '../errors.js';
import { MAX_EMPTY_RECORDS, MAX_PLAINTEXT } from '../limits.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import { AlertDescription, ContentType, ProtocolVersion, contentTypeName } from '../wire/codes.js';
import { Deframer, RECORD_HEADER_LENGTH, isContentType, type RawRecord } from './deframer.js';
import { fragment } from './fragmenter.js';
import { MAX_INNER_PLAINTEXT, RecordDecrypter, RecordEncrypter, type DecryptedRecord } from './protection.js';

/** RFC 8449 §4: a record_size_limit below 64 MUST be answered with illegal_parameter. */
export const MIN_RECORD_SIZE_LIMIT = 64;

export interface EncodeOptions {
  /**
   * legacy_record_version of plaintext records. RFC 8446 §5.1: 0x0303, except that an initial
   * ClientHello MAY use 0x0301 for compatibility. Protected records always carry 0x0303.
   */
  readonly legacyRecordVersion?: number;
}

export class RecordLayer {
  private readonly deframer = new Deframer();
  private decrypter: RecordDecrypter | undefined;
  private encrypter: RecordEncrypter | undefined;
  /** Content bytes per protected record we send (RFC 8449). */
  private protectedFragment = MAX_PLAINTEXT;
  private emptyRecords = 0;

  constructor(private readonly provider: CryptoProvider) {}

  get readProtected(): boolean {
    return this.decrypter !== undefined;
  }

  get writeProtected(): boolean {
    return this.encrypter !== undefined;
  }

  /** Content bytes that fit in one protected record we send. */
  get maxFragment(): number {
    return this.protectedFragment;
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
    this.decrypter = new RecordDecrypter(this.provider, suite, key, iv);
  }

  /** Installs new write traffic keys; the sequence number restarts at 0 (RFC 8446 §5.3). */
  setWriteKeys(suite: Tls13Suite, key: Uint8Array, iv: Uint8Array): void {
    this.encrypter = new RecordEncrypter(this.provider, suite, key, iv);
  }

  clearReadKeys(): void {
    this.decrypter = undefined;
  }

  clearWriteKeys(): void {
    this.encrypter = undefined;
  }

  /**
   * Applies the peer's record_size_limit to the protected records we send. RFC 8449 §4: in
   * TLS 1.3 the limit counts TLSInnerPlaintext (content, type byte, padding); unprotected
   * messages are not subject to it; a larger value than the protocol allows changes nothing.
   */
  setRecordSizeLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < MIN_RECORD_SIZE_LIMIT) {
      throw illegalParameter(`record_size_limit ${limit} is below ${MIN_RECORD_SIZE_LIMIT}`);
    }
    this.protectedFragment = Math.min(limit, MAX_INNER_PLAINTEXT) - 1;
  }

  /** `data` as records ready to send: fragmented, and protected once write keys are set. */
  encode(type: ContentType, data: Uint8Array, options: EncodeOptions = {}): Uint8Array[] {
    const encrypter = this.encrypter;
    if (encrypter) return fragment(data, this.protectedFragment).map((piece) => encrypter.seal(type, piece));

    const version = options.legacyRecordVersion ?? ProtocolVersion.TLS1_2;
    if (version !== ProtocolVersion.TLS1_2 && version !== ProtocolVersion.TLS1_0) {
      throw internalError(`legacy_record_version 0x${version.toString(16)} is neither 0x0303 nor 0x0301`);
    }
    return fragment(data, MAX_PLAINTEXT).map((piece) => {
      const record = new Uint8Array(RECORD_HEADER_LENGTH + piece.length);
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
    this.deframer.push(bytes);
  }

  /** The next received record's content, or undefined when more bytes are needed. */
  next(): DecryptedRecord | undefined {
    const record = this.deframer.next();
    return record === undefined ? undefined : this.decode(record);
  }

  /** Bytes received and not yet returned as records. */
  get buffered(): number {
    return this.deframer.buffered;
  }

  /**
   * One received record's content. Once read keys are set, only protected records and
   * change_cipher_spec pass: RFC 8446 §5 lets a peer send an unprotected change_cipher_spec during
   * the handshake for middlebox compatibility; the caller judges its value and count.
   */
  decode(record: RawRecord): DecryptedRecord {
    let result: DecryptedRecord;
    if (this.decrypter && record.type === ContentType.application_data) {
      result = this.decrypter.open(record);
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
