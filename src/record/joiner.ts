// Reassembles handshake messages from handshake record fragments (RFC 8446 §5.1): a message may
// span records and a record may hold several messages.

import { TLSError, decodeError, unexpectedMessage } from '../errors.js';
import { MAX_CERTIFICATE_MESSAGE, MAX_HANDSHAKE_MESSAGE } from '../limits.js';
import { HandshakeType } from '../wire/codes.js';
import { ByteQueue } from './deframer.js';

/** msg_type (1) + length (3), RFC 8446 §4. */
export const HANDSHAKE_HEADER_LENGTH = 4;

export interface HandshakeMessage {
  readonly msgType: number;
  /** The message body, without its 4-byte header. */
  readonly body: Uint8Array;
  /** The message exactly as received, header included: what the transcript hashes (DESIGN §3.8). */
  readonly raw: Uint8Array;
}

export interface HandshakeLimits {
  readonly maxHandshakeMessage?: number;
  readonly maxCertificateMessage?: number;
}

export class HandshakeJoiner {
  private readonly queue = new ByteQueue();
  private readonly maxMessage: number;
  private maxCertificate: number;
  private failure: TLSError | undefined;

  /**
   * DESIGN §3.10: a Certificate may exceed the general limit only once one can legitimately
   * arrive (after the hellos); until then it is held to the general limit.
   */
  allowLargeCertificates(): void {
    this.maxCertificate = Math.max(this.maxCertificate, this.largeCertificate);
  }

  private readonly largeCertificate: number;

  constructor(limits: HandshakeLimits = {}) {
    this.maxMessage = limits.maxHandshakeMessage ?? MAX_HANDSHAKE_MESSAGE;
    this.largeCertificate = limits.maxCertificateMessage ?? MAX_CERTIFICATE_MESSAGE;
    this.maxCertificate = this.maxMessage;
  }

  /**
   * No bytes pending. RFC 8446 §5.1: handshake messages MUST NOT span key changes, so the caller
   * checks this before switching keys and answers a pending partial message with
   * unexpected_message.
   */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  get buffered(): number {
    return this.queue.length;
  }

  /** Appends the content of one handshake record. Keeps a reference: do not modify it afterwards. */
  push(fragment: Uint8Array): void {
    if (this.failure) throw this.failure;
    // RFC 8446 §5.1: implementations MUST NOT send zero-length fragments of Handshake types.
    if (fragment.length === 0) this.fail(unexpectedMessage('zero-length handshake fragment'));
    this.queue.push(fragment);
    this.header();
  }

  /** The next complete message, or undefined when more fragments are needed. */
  next(): HandshakeMessage | undefined {
    if (this.failure) throw this.failure;
    const length = this.header();
    if (length === undefined || this.queue.length < HANDSHAKE_HEADER_LENGTH + length) return undefined;
    const raw = this.queue.take(HANDSHAKE_HEADER_LENGTH + length);
    return { msgType: raw[0]!, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw };
  }

  /** The pending message's declared length, checked against our bound before its body is buffered. */
  private header(): number | undefined {
    if (this.queue.length < HANDSHAKE_HEADER_LENGTH) return undefined;
    const msgType = this.queue.byteAt(0);
    const length = (this.queue.byteAt(1) << 16) | (this.queue.byteAt(2) << 8) | this.queue.byteAt(3);
    // The protocol allows 2^24 - 1; we refuse far less from the header alone (DESIGN §3.10).
    const limit = msgType === HandshakeType.certificate ? this.maxCertificate : this.maxMessage;
    if (length > limit) this.fail(decodeError(`handshake message of ${length} bytes exceeds limit`));
    return length;
  }

  private fail(error: TLSError): never {
    this.failure = error;
    throw error;
  }
}
