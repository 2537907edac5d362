// Splits the received byte stream into TLSPlaintext/TLSCiphertext records (RFC 8446 §5.1, §5.2).
// Headers are checked as their bytes arrive, before any body is waited for, so garbage (plaintext
// HTTP, SSLv2) and oversized lengths fail at once instead of pinning memory.

import { TLSError, decodeError, unexpectedMessage } from '../errors.js';
import { MAX_CIPHERTEXT, MAX_CIPHERTEXT_TLS12 } from '../limits.js';
import { AlertDescription, ContentType } from '../wire/codes.js';

/** A record's header fields and body, as a caller may hold them (type not yet checked). */
export interface RawRecord {
  readonly type: number;
  readonly version: number;
  readonly fragment: Uint8Array;
}

/** One record as it came off the wire; `fragment` is exactly `length` bytes. */
export interface TLSRecord extends RawRecord {
  readonly type: ContentType;
}

export const RECORD_HEADER_LENGTH = 5;

const EMPTY = new Uint8Array(0);

/**
 * A FIFO of received chunks, consumed from the front. Chunks are kept by reference; bytes are
 * copied only when a requested run spans chunks, so each byte is copied at most once.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk holding unconsumed bytes. */
  private head = 0;
  /** Bytes of chunks[head] already consumed. */
  private offset = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** Keeps a reference to `bytes`: the caller must not modify them afterwards. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /** The byte `index` positions past the read position; `index` must be below `length`. */
  byteAt(index: number): number {
    let i = this.head;
    let at = this.offset + index;
    for (;;) {
      const chunk = this.chunks[i]!;
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
      i++;
    }
  }

  /** Removes the next `n` bytes (n ≤ length): a view when they lie in one chunk, else one copy. */
  take(n: number): Uint8Array {
    const first = this.chunks[this.head];
    if (n === 0 || first === undefined) return EMPTY;
    if (this.offset + n <= first.length) {
      const view = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      this.size -= n;
      if (this.offset === first.length) this.dropHead();
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(chunk.length - this.offset, n - filled);
      out.set(chunk.subarray(this.offset, this.offset + count), filled);
      filled += count;
      this.offset += count;
      if (this.offset === chunk.length) this.dropHead();
    }
    this.size -= n;
    return out;
  }

  private dropHead(): void {
    this.chunks[this.head] = EMPTY; // release the chunk now, not at the next compaction
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      // Amortised O(1): the array never holds more than twice the live chunks.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

export function isContentType(value: number): value is ContentType {
  return value >= ContentType.change_cipher_spec && value <= ContentType.application_data;
}

export class Deframer {
  private readonly queue = new ByteQueue();
  /** Failure is sticky: once the stream is out of sync nothing after it can be trusted. */
  private failure: TLSError | undefined;
  private maxLength = MAX_CIPHERTEXT;

  /**
   * RFC 5246 §6.2.3: TLS 1.2 ciphertext may reach 2^14 + 2048 (CBC padding, MAC, explicit IV),
   * more than TLS 1.3's 2^14 + 256. Called once TLS 1.2 is negotiated.
   */
  allowTls12Records(): void {
    this.maxLength = MAX_CIPHERTEXT_TLS12;
  }

  /** Bytes received and not yet returned in a record. */
  get buffered(): number {
    return this.queue.length;
  }

  get empty(): boolean {
    return this.queue.length === 0;
  }

  /** Appends received bytes (any chunking). Keeps a reference: do not modify `bytes` afterwards. */
  push(bytes: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.queue.push(bytes);
    this.header();
  }

  /** The next complete record, or undefined when more bytes are needed. */
  next(): TLSRecord | undefined {
    if (this.failure) throw this.failure;
    const length = this.header();
    if (length === undefined || this.queue.length < RECORD_HEADER_LENGTH + length) return undefined;
    const record = this.queue.take(RECORD_HEADER_LENGTH + length);
    return {
      type: record[0]! as ContentType,
      version: (record[1]! << 8) | record[2]!,
      fragment: record.subarray(RECORD_HEADER_LENGTH),
    };
  }

  /**
   * Checks as much of the pending header as has arrived; returns the body length once all five
   * bytes are in.
   */
  private header(): number | undefined {
    const have = this.queue.length;
    if (have === 0) return undefined;
    const type = this.queue.byteAt(0);
    // RFC 8446 §5: an unexpected record type MUST be answered with unexpected_message.
    if (!isContentType(type)) this.fail(unexpectedMessage(`unknown record content type ${type}`));
    if (have < 2) return undefined;
    // Every TLS and SSLv3 record carries major version 3; anything else is not TLS at all.
    const major = this.queue.byteAt(1);
    if (major !== 3) this.fail(decodeError(`record version major ${major} is not 3`));
    if (have < RECORD_HEADER_LENGTH) return undefined;
    const length = (this.queue.byteAt(3) << 8) | this.queue.byteAt(4);
    // RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256 (TLS 1.2: 2^14 + 2048). The
    // tighter 2^14 bound for plaintext records needs to know whether the record is protected:
    // RecordLayer checks it.
    if (length > this.maxLength) {
      this.fail(new TLSError(AlertDescription.record_overflow, `record of ${length} bytes exceeds ${this.maxLength}`));
    }
    return length;
  }

  private fail(error: TLSError): never {
    this.failure = error;
    throw error;
  }
}
