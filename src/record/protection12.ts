// TLS 1.2 record protection (RFC 5246 §6.2.3): AEAD suites (AES-GCM, RFC 5288; ChaCha20-Poly1305,
// RFC 7905) and the legacy AES-CBC + HMAC suites, MAC-then-encrypt (RFC 5246 §6.2.3.2) or
// encrypt-then-MAC (RFC 7366). Unlike TLS 1.3 the record keeps its real content type, every
// record after ChangeCipherSpec is protected, and the MAC or AEAD covers a 64-bit sequence number.

import { type Alloc, newBytes } from '../bytes.js';
import { TLSError, internalError, unexpectedMessage } from '../errors.js';
import { MAX_CIPHERTEXT_TLS12, MAX_PLAINTEXT } from '../limits.js';
import type { Aead, AeadName, Cbc, CbcName, CryptoProvider, MacHashName } from '../crypto/provider.js';
import { AlertDescription, ContentType, ProtocolVersion, contentTypeName } from '../wire/codes.js';
import { RECORD_HEADER_LENGTH, type RawRecord } from './deframer.js';
import {
  AEAD_TAG_LENGTH,
  SequenceNumber,
  writeHeader,
  type DecryptedRecord,
  type ProtectionVersion,
  type RecordOpener,
  type RecordSealer,
} from './protection.js';

export { MAX_CIPHERTEXT_TLS12 };
/** RFC 5288 §3: the explicit part of the GCM nonce, sent before the ciphertext. */
export const GCM_EXPLICIT_NONCE_LENGTH = 8;
/** The AES block, which is also the length of the per-record explicit IV (RFC 5246 §6.2.3.2). */
export const CBC_BLOCK_LENGTH = 16;

/** The keys and rules of one direction of a TLS 1.2 connection, from the key block (RFC 5246 §6.3). */
export type Tls12Protection =
  | {
      readonly kind: 'aead';
      readonly aead: AeadName;
      readonly key: Uint8Array;
      /**
       * AES-GCM: the 4-byte salt (client/server_write_IV, RFC 5288 §3), with explicitNonce true.
       * ChaCha20-Poly1305: the 12-byte IV XORed with the sequence number (RFC 7905 §2), with
       * explicitNonce false.
       */
      readonly fixedIv: Uint8Array;
      readonly explicitNonce: boolean;
    }
  | {
      readonly kind: 'cbc';
      readonly cipher: CbcName;
      readonly key: Uint8Array;
      readonly macHash: MacHashName;
      readonly macKey: Uint8Array;
      /** RFC 7366, when both hellos carried encrypt_then_mac. */
      readonly encryptThenMac: boolean;
    };

const AEAD_KEY_LENGTH: Record<AeadName, number> = { 'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };
const CBC_KEY_LENGTH: Record<CbcName, number> = { 'aes-128-cbc': 16, 'aes-256-cbc': 32 };
const MAC_LENGTH: Record<MacHashName, number> = { sha1: 20, sha256: 32, sha384: 48 };
/** seq_num(8) || type(1) || version(2) || length(2): RFC 5246 §6.2.3.1 MAC input prefix and §6.2.3.3 additional_data. */
const ADDITIONAL_DATA_LENGTH = 13;

/** The one cipher of a direction; the sequence number stays with the caller, which advances it. */
interface Cipher12 {
  seal(seq: SequenceNumber, type: ContentType, content: Uint8Array, alloc: Alloc): Uint8Array;
  /** The content, or bad_record_mac; `fragment` is within MAX_CIPHERTEXT_TLS12. */
  open(seq: SequenceNumber, type: ContentType, version: number, fragment: Uint8Array): Uint8Array;
}

const badRecordMac = () => new TLSError(AlertDescription.bad_record_mac, 'record authentication failed');

function writeAdditionalData(out: Uint8Array, seq: SequenceNumber, type: number, version: number, length: number): void {
  seq.writeTo(out, 0);
  writeHeader(out, type, version, length, 8);
}

class AeadCipher implements Cipher12 {
  private readonly aead: Aead;
  /** GCM: salt || 0^8, so that the nonce is salt || seq_num; ChaCha20-Poly1305: the IV itself. */
  private readonly iv = new Uint8Array(12);
  private readonly explicit: number;
  private readonly ad = new Uint8Array(ADDITIONAL_DATA_LENGTH);

  constructor(provider: CryptoProvider, p: Extract<Tls12Protection, { kind: 'aead' }>) {
    const keyLength = AEAD_KEY_LENGTH[p.aead];
    if (p.key.length !== keyLength) throw internalError(`${p.aead} needs a ${keyLength}-byte key, got ${p.key.length}`);
    // RFC 5288 §3 fixes the explicit nonce for GCM; RFC 7905 §2 forbids one for ChaCha20-Poly1305.
    const gcm = p.aead !== 'chacha20-poly1305';
    if (p.explicitNonce !== gcm) throw internalError(`${p.aead} ${gcm ? 'needs' : 'has no'} explicit nonce in TLS 1.2`);
    const ivLength = gcm ? 4 : 12;
    if (p.fixedIv.length !== ivLength) throw internalError(`${p.aead} needs a ${ivLength}-byte fixed IV, got ${p.fixedIv.length}`);
    this.aead = provider.createAead(p.aead, p.key);
    this.iv.set(p.fixedIv);
    this.explicit = gcm ? GCM_EXPLICIT_NONCE_LENGTH : 0;
  }

  seal(seq: SequenceNumber, type: ContentType, content: Uint8Array, alloc: Alloc): Uint8Array {
    const length = this.explicit + content.length + AEAD_TAG_LENGTH;
    const record = alloc(RECORD_HEADER_LENGTH + length);
    writeHeader(record, type, ProtocolVersion.TLS1_2, length);
    // GCM: the explicit nonce is the sequence number (RFC 5288 §3 allows it), which cannot repeat
    // under one key as a random one could; ChaCha20-Poly1305: the IV XOR the sequence number
    // (RFC 7905 §2).
    const nonce = seq.nonce(this.iv);
    if (this.explicit) record.set(nonce.subarray(12 - GCM_EXPLICIT_NONCE_LENGTH), RECORD_HEADER_LENGTH);
    // RFC 5246 §6.2.3.3: additional_data carries the plaintext length.
    writeAdditionalData(this.ad, seq, type, ProtocolVersion.TLS1_2, content.length);
    this.aead.sealInto(nonce, this.ad, [content], record, RECORD_HEADER_LENGTH + this.explicit);
    return record;
  }

  open(seq: SequenceNumber, type: ContentType, version: number, fragment: Uint8Array): Uint8Array {
    const plaintextLength = fragment.length - this.explicit - AEAD_TAG_LENGTH;
    if (plaintextLength < 0) throw badRecordMac();
    let nonce: Uint8Array;
    if (this.explicit) {
      nonce = this.iv.slice();
      nonce.set(fragment.subarray(0, this.explicit), 12 - this.explicit);
    } else {
      nonce = seq.nonce(this.iv);
    }
    writeAdditionalData(this.ad, seq, type, version, plaintextLength);
    const content = this.aead.open(nonce, this.ad, fragment.subarray(this.explicit));
    if (content === null) throw badRecordMac();
    return content;
  }
}

/** padding_length + 1 bytes, each of value padding_length (RFC 5246 §6.2.3.2), for 0..15. */
const PADDINGS: readonly Uint8Array[] = Array.from({ length: CBC_BLOCK_LENGTH }, (_, n) => new Uint8Array(n + 1).fill(n));

class CbcCipher implements Cipher12 {
  private readonly cbc: Cbc;
  private readonly macHash: MacHashName;
  private readonly macKey: Uint8Array;
  private readonly macLength: number;
  private readonly etm: boolean;
  /** Shortest body after the IV: one block of padding with EtM, else room for MAC and padding_length. */
  private readonly minBody: number;
  private readonly ad = new Uint8Array(ADDITIONAL_DATA_LENGTH);

  constructor(
    private readonly provider: CryptoProvider,
    p: Extract<Tls12Protection, { kind: 'cbc' }>,
  ) {
    const keyLength = CBC_KEY_LENGTH[p.cipher];
    if (p.key.length !== keyLength) throw internalError(`${p.cipher} needs a ${keyLength}-byte key, got ${p.key.length}`);
    this.macLength = MAC_LENGTH[p.macHash];
    // RFC 5246 §6.3: mac_key_length equals the MAC (hash) length.
    if (p.macKey.length !== this.macLength) throw internalError(`HMAC-${p.macHash} needs a ${this.macLength}-byte key, got ${p.macKey.length}`);
    this.cbc = provider.createCbc(p.cipher, p.key);
    this.macHash = p.macHash;
    this.macKey = p.macKey.slice();
    this.etm = p.encryptThenMac;
    this.minBody = this.etm ? CBC_BLOCK_LENGTH : roundUpToBlock(this.macLength + 1);
  }

  seal(seq: SequenceNumber, type: ContentType, content: Uint8Array, alloc: Alloc): Uint8Array {
    const { macLength } = this;
    // Minimal padding: RFC 5246 §6.2.3.2 allows up to 255 bytes to hide lengths; we do not.
    const macInside = this.etm ? 0 : macLength;
    const padding = PADDINGS[CBC_BLOCK_LENGTH - 1 - ((content.length + macInside) % CBC_BLOCK_LENGTH)]!;
    const encrypted = content.length + macInside + padding.length;
    const length = CBC_BLOCK_LENGTH + encrypted + (this.etm ? macLength : 0);
    const record = alloc(RECORD_HEADER_LENGTH + length);
    writeHeader(record, type, ProtocolVersion.TLS1_2, length);
    // RFC 5246 §6.2.3.2: a fresh unpredictable IV per record (the TLS 1.0 chained IV is BEAST).
    const iv = this.provider.randomBytes(CBC_BLOCK_LENGTH);
    record.set(iv, RECORD_HEADER_LENGTH);
    const body = RECORD_HEADER_LENGTH + CBC_BLOCK_LENGTH;
    if (this.etm) {
      this.cbc.encryptInto(iv, [content, padding], record, body);
      // RFC 7366 §3: the MAC covers IV || ciphertext, with their length rather than the plaintext's.
      const covered = record.subarray(RECORD_HEADER_LENGTH, body + encrypted);
      writeAdditionalData(this.ad, seq, type, ProtocolVersion.TLS1_2, covered.length);
      record.set(this.provider.mac(this.macHash, this.macKey, [this.ad, covered]), body + encrypted);
    } else {
      // RFC 5246 §6.2.3.1: MAC(seq_num || type || version || length || content), then encrypt it all.
      writeAdditionalData(this.ad, seq, type, ProtocolVersion.TLS1_2, content.length);
      const mac = this.provider.mac(this.macHash, this.macKey, [this.ad, content]);
      this.cbc.encryptInto(iv, [content, mac, padding], record, body);
    }
    return record;
  }

  open(seq: SequenceNumber, type: ContentType, version: number, fragment: Uint8Array): Uint8Array {
    // Only public lengths decide this: RFC 5246 §7.2.2 wants bad_record_mac for a ciphertext that is
    // not whole blocks too.
    const bodyLength = fragment.length - CBC_BLOCK_LENGTH - (this.etm ? this.macLength : 0);
    if (bodyLength < this.minBody || bodyLength % CBC_BLOCK_LENGTH !== 0) throw badRecordMac();
    const iv = fragment.subarray(0, CBC_BLOCK_LENGTH);
    return this.etm ? this.openEtm(seq, type, version, fragment, iv, bodyLength) : this.openMte(seq, type, version, fragment, iv);
  }

  /** RFC 7366 §3: authenticate IV || ciphertext before decrypting anything. */
  private openEtm(seq: SequenceNumber, type: number, version: number, fragment: Uint8Array, iv: Uint8Array, bodyLength: number): Uint8Array {
    const covered = fragment.subarray(0, CBC_BLOCK_LENGTH + bodyLength);
    writeAdditionalData(this.ad, seq, type, version, covered.length);
    const expected = this.provider.mac(this.macHash, this.macKey, [this.ad, covered]);
    if (!this.provider.equal(expected, fragment.subarray(covered.length))) throw badRecordMac();
    // Authenticated: the padding can no longer be an oracle, so it is checked plainly.
    const plain = this.cbc.decrypt(iv, fragment.subarray(CBC_BLOCK_LENGTH, covered.length));
    const padding = plain[plain.length - 1]!;
    const contentLength = plain.length - 1 - padding;
    if (contentLength < 0) throw badRecordMac();
    for (let i = contentLength; i < plain.length; i++) if (plain[i] !== padding) throw badRecordMac();
    return plain.subarray(0, contentLength);
  }

  /**
   * RFC 5246 §6.2.3.2 with the Lucky Thirteen countermeasures we can reach from JavaScript: the
   * padding is checked without branching on secret bytes, a MAC is computed whether the padding was
   * good or not (over the content as if the padding were empty when it was bad, as the RFC's
   * implementation note says), and a second HMAC over the bytes the first did not cover keeps the
   * total bytes hashed independent of the padding. Residual caveat: the two HMAC calls can still
   * differ by one hash compression (block boundaries fall differently), and neither V8 nor
   * OpenSSL's HMAC promise data-independent timing at that grain, so a local attacker with many
   * samples may still see a faint signal. Prefer AEAD suites, or CBC with encrypt_then_mac, which
   * has no such oracle.
   */
  private openMte(seq: SequenceNumber, type: number, version: number, fragment: Uint8Array, iv: Uint8Array): Uint8Array {
    const { macLength } = this;
    const plain = this.cbc.decrypt(iv, fragment.subarray(CBC_BLOCK_LENGTH));
    const length = plain.length;
    const padding = plain[length - 1]!;
    // 1 while padding_length + 1 + MAC fit in the record, else 0 (the sign bit of the difference).
    let good = ((length - macLength - 1 - padding) >>> 31) ^ 1;
    // Read the last min(256, length) bytes whatever padding_length says: the loop length is public.
    const span = Math.min(256, length);
    for (let i = 1; i < span; i++) {
      const inPadding = (i - padding - 1) >>> 31;
      const differs = ((plain[length - 1 - i]! ^ padding) + 0xff) >>> 8;
      good &= (inPadding & differs) ^ 1;
    }
    const contentLength = length - macLength - 1 - (padding & -good);
    writeAdditionalData(this.ad, seq, type, version, contentLength);
    const expected = this.provider.mac(this.macHash, this.macKey, [this.ad, plain.subarray(0, contentLength)]);
    this.provider.mac(this.macHash, this.macKey, [plain.subarray(contentLength + macLength)]);
    const macGood = this.provider.equal(expected, plain.subarray(contentLength, contentLength + macLength)) ? 1 : 0;
    // RFC 5246 §7.2.2: bad padding and a bad MAC give the same alert, decided in one place.
    if ((good & macGood) === 0) throw badRecordMac();
    return plain.subarray(0, contentLength);
  }
}

function roundUpToBlock(n: number): number {
  return Math.ceil(n / CBC_BLOCK_LENGTH) * CBC_BLOCK_LENGTH;
}

function createCipher(provider: CryptoProvider, protection: Tls12Protection): Cipher12 {
  return protection.kind === 'aead' ? new AeadCipher(provider, protection) : new CbcCipher(provider, protection);
}

/** Protects records we send under one TLS 1.2 key block half. */
export class Tls12RecordEncrypter implements RecordSealer {
  readonly version: ProtectionVersion = ProtocolVersion.TLS1_2;
  private readonly cipher: Cipher12;
  private readonly seq: SequenceNumber;

  /** `sequence` starts above 0 only to test the limit. */
  constructor(provider: CryptoProvider, protection: Tls12Protection, sequence = 0n) {
    this.cipher = createCipher(provider, protection);
    this.seq = new SequenceNumber(sequence);
  }

  /** The sequence number the next record will use. */
  get sequence(): bigint {
    return this.seq.value;
  }

  /** A whole TLSCiphertext record: the real content type, version 0x0303, length, fragment; in bytes from `alloc`. */
  seal(contentType: ContentType, content: Uint8Array, alloc: Alloc = newBytes): Uint8Array {
    // RFC 5246 §7.1: ChangeCipherSpec goes out under the old (here: no) protection; we do not
    // renegotiate, so it is never protected.
    if (contentType !== ContentType.handshake && contentType !== ContentType.alert && contentType !== ContentType.application_data) {
      throw internalError(`${contentTypeName(contentType)} records are never protected`);
    }
    // RFC 5246 §6.2.1: no zero-length handshake or alert fragments.
    if (content.length === 0 && contentType !== ContentType.application_data) {
      throw internalError(`zero-length ${contentTypeName(contentType)} record`);
    }
    if (content.length > MAX_PLAINTEXT) throw internalError(`record content of ${content.length} bytes exceeds ${MAX_PLAINTEXT}`);
    const record = this.cipher.seal(this.seq, contentType, content, alloc);
    this.seq.advance();
    return record;
  }
}

/** Removes protection from records we receive under one TLS 1.2 key block half. */
export class Tls12RecordDecrypter implements RecordOpener {
  readonly version: ProtectionVersion = ProtocolVersion.TLS1_2;
  private readonly cipher: Cipher12;
  private readonly seq: SequenceNumber;

  /** `sequence` starts above 0 only to test the limit. */
  constructor(provider: CryptoProvider, protection: Tls12Protection, sequence = 0n) {
    this.cipher = createCipher(provider, protection);
    this.seq = new SequenceNumber(sequence);
  }

  /** The sequence number the next record must carry. */
  get sequence(): bigint {
    return this.seq.value;
  }

  open(record: RawRecord): DecryptedRecord {
    const type = record.type;
    // A protected change_cipher_spec would mean renegotiation, which we refuse; RFC 5246 §6.2.1:
    // unknown types are unexpected_message.
    if (type !== ContentType.handshake && type !== ContentType.alert && type !== ContentType.application_data) {
      throw unexpectedMessage(`${contentTypeName(type)} record where a protected record was expected`);
    }
    const fragment = record.fragment;
    if (fragment.length > MAX_CIPHERTEXT_TLS12) {
      throw new TLSError(AlertDescription.record_overflow, `protected record of ${fragment.length} bytes exceeds ${MAX_CIPHERTEXT_TLS12}`);
    }
    const content = this.cipher.open(this.seq, type, record.version, fragment);
    this.seq.advance();
    // RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14 (checked once authentic, so that
    // tampering always reads as bad_record_mac).
    if (content.length > MAX_PLAINTEXT) {
      throw new TLSError(AlertDescription.record_overflow, `record content of ${content.length} bytes exceeds ${MAX_PLAINTEXT}`);
    }
    return { type, content };
  }
}
