import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';

import {
  CBC_BLOCK_LENGTH,
  MAX_CIPHERTEXT_TLS12,
  Tls12RecordDecrypter,
  Tls12RecordEncrypter,
  type Tls12Protection,
} from '../../src/record/protection12.js';
import { Deframer, type RawRecord } from '../../src/record/deframer.js';
import { AEAD_TAG_LENGTH } from '../../src/record/protection.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import type { CbcName, CryptoProvider, MacHashName } from '../../src/crypto/provider.js';
import { TLSError } from '../../src/errors.js';
import { MAX_PLAINTEXT } from '../../src/limits.js';
import { AlertDescription, ContentType } from '../../src/wire/codes.js';
import { throwsAlert, concat, filled } from './helpers.js';

type AeadProtection = Extract<Tls12Protection, { kind: 'aead' }>;
type CbcProtection = Extract<Tls12Protection, { kind: 'cbc' }>;

const MAC_LENGTH: Record<MacHashName, number> = { sha1: 20, sha256: 32, sha384: 48 };
const CBC_KEY: Record<CbcName, number> = { 'aes-128-cbc': 16, 'aes-256-cbc': 32 };

function gcm(bits: 128 | 256, seed = 1): AeadProtection {
  return { kind: 'aead', aead: `aes-${bits}-gcm`, key: filled(bits / 8, seed), fixedIv: filled(4, seed + 50), explicitNonce: true };
}

function chacha(seed = 1): AeadProtection {
  return { kind: 'aead', aead: 'chacha20-poly1305', key: filled(32, seed), fixedIv: filled(12, seed + 50), explicitNonce: false };
}

function cbc(cipher: CbcName, macHash: MacHashName, encryptThenMac: boolean, seed = 1): CbcProtection {
  return { kind: 'cbc', cipher, key: filled(CBC_KEY[cipher], seed), macHash, macKey: filled(MAC_LENGTH[macHash], seed + 70), encryptThenMac };
}

const nameOf = (p: Tls12Protection): string =>
  p.kind === 'aead' ? p.aead.toUpperCase() : `${p.cipher.toUpperCase()} HMAC-${p.macHash.toUpperCase()} ${p.encryptThenMac ? 'EtM' : 'MtE'}`;

const CBC_IV = filled(CBC_BLOCK_LENGTH, 77);

const CBCS: CbcProtection[] = [];
for (const cipher of ['aes-128-cbc', 'aes-256-cbc'] as const) {
  for (const mac of ['sha1', 'sha256', 'sha384'] as const) {
    for (const etm of [false, true]) CBCS.push(cbc(cipher, mac, etm));
  }
}
const ALL: Tls12Protection[] = [gcm(128), gcm(256), chacha(), ...CBCS];

function pair(p: Tls12Protection, sequence = 0n, provider: CryptoProvider = nodeProvider) {
  return { enc: new Tls12RecordEncrypter(provider, p, sequence), dec: new Tls12RecordDecrypter(provider, p, sequence) };
}

/** Bytes on the wire as one record, checking the header's length against the body. */
function toRecord(bytes: Uint8Array): RawRecord {
  assert.equal((bytes[3]! << 8) | bytes[4]!, bytes.length - 5, 'header length matches the body');
  return { type: bytes[0]!, version: (bytes[1]! << 8) | bytes[2]!, fragment: bytes.subarray(5) };
}

/** The length of the fragment each kind must produce, from the RFCs rather than the code. */
function expectedFragmentLength(p: Tls12Protection, n: number): number {
  if (p.kind === 'aead') return (p.explicitNonce ? 8 : 0) + n + AEAD_TAG_LENGTH;
  const mac = MAC_LENGTH[p.macHash];
  const roundUp = (x: number) => Math.ceil(x / 16) * 16;
  return p.encryptThenMac ? 16 + roundUp(n + 1) + mac : 16 + roundUp(n + mac + 1);
}

/** n pseudo-random bytes from a seed (xorshift32), so a property's case replays exactly. */
function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// Independent record builders on raw node:crypto, from RFC 5246 §6.2.3, RFC 5288, RFC 7905, RFC 7366.

function seqBytes(seq: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[7 - i] = Number((seq >> BigInt(8 * i)) & 0xffn);
  return out;
}

const header = (type: number, length: number) => Uint8Array.of(type, 3, 3, length >> 8, length & 0xff);
/** seq_num + type + version + length (RFC 5246 §6.2.3.1 and §6.2.3.3). */
const additionalData = (seq: bigint, type: number, length: number) => concat([seqBytes(seq), header(type, length)]);

function gcmRecord(p: AeadProtection, explicit: Uint8Array, seq: bigint, type: number, content: Uint8Array): Uint8Array {
  const c = createCipheriv(p.aead as 'aes-128-gcm', p.key, concat([p.fixedIv, explicit]), { authTagLength: 16 });
  c.setAAD(additionalData(seq, type, content.length));
  const body = concat([explicit, c.update(content), c.final(), c.getAuthTag()]);
  return concat([header(type, body.length), body]);
}

function chachaRecord(p: AeadProtection, seq: bigint, type: number, content: Uint8Array): Uint8Array {
  const nonce = p.fixedIv.slice();
  const s = seqBytes(seq);
  for (let i = 0; i < 8; i++) nonce[4 + i]! ^= s[i]!;
  const c = createCipheriv('chacha20-poly1305', p.key, nonce, { authTagLength: 16 });
  c.setAAD(additionalData(seq, type, content.length), { plaintextLength: content.length });
  const body = concat([c.update(content), c.final(), c.getAuthTag()]);
  return concat([header(type, body.length), body]);
}

const hmac = (p: CbcProtection, data: Uint8Array) => new Uint8Array(createHmac(p.macHash, p.macKey).update(data).digest());

function cbcEncrypt(p: CbcProtection, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(p.cipher, p.key, iv).setAutoPadding(false);
  return concat([c.update(plaintext), c.final()]);
}

/** `length` + 1 bytes of value `length`: a well-formed RFC 5246 §6.2.3.2 padding. */
const padding = (length: number) => new Uint8Array(length + 1).fill(length);

/** MAC-then-encrypt with everything after the content given verbatim (MAC, then padding). */
function mteRecord(p: CbcProtection, iv: Uint8Array, type: number, plaintext: Uint8Array): Uint8Array {
  const body = concat([iv, cbcEncrypt(p, iv, plaintext)]);
  return concat([header(type, body.length), body]);
}

function mtePlaintext(p: CbcProtection, seq: bigint, type: number, content: Uint8Array, padLength: number): Uint8Array {
  return concat([content, hmac(p, concat([additionalData(seq, type, content.length), content])), padding(padLength)]);
}

/** Encrypt-then-MAC of `plaintext` (content and padding, verbatim). */
function etmRecord(p: CbcProtection, iv: Uint8Array, seq: bigint, type: number, plaintext: Uint8Array): Uint8Array {
  const covered = concat([iv, cbcEncrypt(p, iv, plaintext)]);
  const body = concat([covered, hmac(p, concat([additionalData(seq, type, covered.length), covered]))]);
  return concat([header(type, body.length), body]);
}

function errorOf(fn: () => unknown): TLSError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TLSError, `a TLSError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a TLSError');
}

const arbType = fc.constantFrom(ContentType.handshake, ContentType.alert, ContentType.application_data);
const arbLength = fc.oneof(fc.constantFrom(0, 1, 15, 16, 17, 31, 32, 33, 255, 256, MAX_PLAINTEXT - 1, MAX_PLAINTEXT), fc.nat({ max: MAX_PLAINTEXT }));

describe('Tls12RecordEncrypter / Tls12RecordDecrypter round trips', () => {
  for (const p of ALL) {
    it(`round-trips content of 0..2^14 bytes of every type with ${nameOf(p)} (property)`, () => {
      const arbRecord = fc.record({ type: arbType, length: arbLength, seed: fc.integer() });
      fc.assert(
        fc.property(fc.array(arbRecord, { minLength: 1, maxLength: 4 }), (records) => {
          const { enc, dec } = pair(p);
          const inputs = records.map((r) => ({
            type: r.type,
            // RFC 5246 §6.2.1: handshake and alert fragments are never empty.
            content: pseudoRandom(r.type === ContentType.application_data ? r.length : Math.max(1, r.length), r.seed),
          }));
          const deframer = new Deframer();
          deframer.push(concat(inputs.map((r) => enc.seal(r.type, r.content))));
          for (const input of inputs) {
            const record = deframer.next()!;
            assert.equal(record.type, input.type, 'TLS 1.2 records carry their real type');
            assert.equal(record.version, 0x0303);
            assert.equal(record.fragment.length, expectedFragmentLength(p, input.content.length));
            assert.deepEqual(dec.open(record), { type: input.type, content: input.content });
          }
          assert.ok(deframer.empty);
          assert.equal(enc.sequence, BigInt(records.length));
          assert.equal(dec.sequence, BigInt(records.length));
        }),
        { numRuns: 25 },
      );
    });
  }

  it('opens only at the sequence number it was sealed at (reordering, replay, dropping: bad_record_mac)', () => {
    for (const p of ALL) {
      const { enc } = pair(p);
      const records = [0, 1, 2].map((i) => enc.seal(ContentType.application_data, filled(40, i)));
      const dec = new Tls12RecordDecrypter(nodeProvider, p);
      dec.open(toRecord(records[0]!));
      for (const wrong of [records[0]!, records[2]!]) {
        throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, p, 1n).open(toRecord(wrong)), AlertDescription.bad_record_mac);
      }
      assert.deepEqual(dec.open(toRecord(records[1]!)).content, filled(40, 1));
    }
  });

  it('does not open a record under another key or MAC key (bad_record_mac)', () => {
    for (const p of ALL) {
      const record = toRecord(new Tls12RecordEncrypter(nodeProvider, p).seal(ContentType.handshake, filled(50, 2)));
      // RFC 7366 §3: with encrypt_then_mac the MAC covers the ciphertext, so another cipher key
      // with the right MAC key is not an authentication failure; the garbage it decrypts to fails
      // the padding check only 255 times in 256. The keys come from one key block, so no peer can
      // hold one without the other: the MAC key is what is tested.
      const others: Tls12Protection[] = p.kind === 'cbc' && p.encryptThenMac ? [] : [{ ...p, key: filled(p.key.length, 99) }];
      if (p.kind === 'cbc') others.push({ ...p, macKey: filled(p.macKey.length, 99) });
      else others.push({ ...p, fixedIv: filled(p.fixedIv.length, 99) });
      for (const other of others) throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, other).open(record), AlertDescription.bad_record_mac);
    }
  });

  it('draws a fresh CBC IV per record from the provider (RFC 5246 §6.2.3.2)', () => {
    for (const p of CBCS) {
      const ivs = [filled(16, 1), filled(16, 2)];
      const provider = createDeterministicProvider({ random: ivs });
      const enc = new Tls12RecordEncrypter(provider, p);
      const first = enc.seal(ContentType.application_data, filled(20, 7));
      const second = enc.seal(ContentType.application_data, filled(20, 7));
      assert.deepEqual(first.subarray(5, 21), ivs[0]);
      assert.deepEqual(second.subarray(5, 21), ivs[1]);
      assert.notDeepEqual(first.subarray(21), second.subarray(21));
      assert.equal(provider.remaining().random, 0);
    }
  });
});

describe('known answers built with raw node:crypto', () => {
  const CONTENT = filled(100, 9);

  for (const bits of [128, 256] as const) {
    it(`AES-${bits}-GCM: explicit nonce = sequence number, nonce = salt || explicit, AD of the plaintext length (RFC 5288 §3)`, () => {
      const p = gcm(bits, 3);
      // Past 2^53, where a Number would lose the low bits.
      const start = (1n << 53n) + 1n;
      const enc = new Tls12RecordEncrypter(nodeProvider, p, start);
      for (const [i, type] of [ContentType.handshake, ContentType.application_data].entries()) {
        const seq = start + BigInt(i);
        const record = enc.seal(type, CONTENT);
        assert.deepEqual(record.subarray(5, 13), seqBytes(seq));
        assert.deepEqual(record, gcmRecord(p, seqBytes(seq), seq, type, CONTENT));
      }
    });

    it(`AES-${bits}-GCM: opens a record whatever explicit nonce the peer chose`, () => {
      const p = gcm(bits, 4);
      const explicit = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4);
      const dec = new Tls12RecordDecrypter(nodeProvider, p, 7n);
      assert.deepEqual(dec.open(toRecord(gcmRecord(p, explicit, 7n, ContentType.alert, Uint8Array.of(1, 0)))), {
        type: ContentType.alert,
        content: Uint8Array.of(1, 0),
      });
    });
  }

  it('ChaCha20-Poly1305: nonce = IV XOR padded sequence number, no explicit nonce (RFC 7905 §2)', () => {
    const p = chacha(5);
    const start = 0x0102_0304_0506_0708n;
    const enc = new Tls12RecordEncrypter(nodeProvider, p, start);
    const dec = new Tls12RecordDecrypter(nodeProvider, p, start);
    for (let i = 0n; i < 2n; i++) {
      const expected = chachaRecord(p, start + i, ContentType.handshake, CONTENT);
      assert.deepEqual(enc.seal(ContentType.handshake, CONTENT), expected);
      assert.deepEqual(dec.open(toRecord(expected)).content, CONTENT);
    }
  });

  for (const p of CBCS) {
    it(`${nameOf(p)}: seal matches ${p.encryptThenMac ? 'RFC 7366 §3' : 'RFC 5246 §6.2.3.2'} byte for byte, and opens larger padding too`, () => {
      const iv = filled(16, 33);
      const seq = 0x1_0000_0005n;
      const enc = new Tls12RecordEncrypter(createDeterministicProvider({ random: [iv] }), p, seq);
      const macLength = MAC_LENGTH[p.macHash];
      const minimal = p.encryptThenMac ? 15 - (CONTENT.length % 16) : 15 - ((CONTENT.length + macLength) % 16);
      const expected = p.encryptThenMac
        ? etmRecord(p, iv, seq, ContentType.handshake, concat([CONTENT, padding(minimal)]))
        : mteRecord(p, iv, ContentType.handshake, mtePlaintext(p, seq, ContentType.handshake, CONTENT, minimal));
      assert.deepEqual(enc.seal(ContentType.handshake, CONTENT), expected);

      // RFC 5246 §6.2.3.2: any padding up to 255 bytes that makes whole blocks is valid.
      for (const extra of [16, 64, 240]) {
        const padLength = minimal + extra;
        if (padLength > 255) continue;
        const record = p.encryptThenMac
          ? etmRecord(p, iv, seq, ContentType.handshake, concat([CONTENT, padding(padLength)]))
          : mteRecord(p, iv, ContentType.handshake, mtePlaintext(p, seq, ContentType.handshake, CONTENT, padLength));
        assert.deepEqual(new Tls12RecordDecrypter(nodeProvider, p, seq).open(toRecord(record)), { type: ContentType.handshake, content: CONTENT });
      }
    });
  }
});

describe('tampering', () => {
  for (const p of ALL) {
    it(`${nameOf(p)}: every flipped bit of the fragment or version is bad_record_mac`, () => {
      const sealed = new Tls12RecordEncrypter(nodeProvider, p).seal(ContentType.handshake, filled(37, 4));
      for (let i = 1; i < sealed.length; i++) {
        if (i === 3 || i === 4) continue; // the length: truncation tests below
        for (let bit = 0; bit < 8; bit++) {
          const tampered = sealed.slice();
          tampered[i]! ^= 1 << bit;
          const dec = new Tls12RecordDecrypter(nodeProvider, p);
          throwsAlert(() => dec.open(toRecord(tampered)), AlertDescription.bad_record_mac);
          assert.equal(dec.sequence, 0n);
        }
      }
    });

    it(`${nameOf(p)}: a record relabelled as another protected type is bad_record_mac (the type is authenticated)`, () => {
      const sealed = new Tls12RecordEncrypter(nodeProvider, p).seal(ContentType.handshake, filled(37, 4));
      for (const type of [ContentType.alert, ContentType.application_data]) {
        const tampered = sealed.slice();
        tampered[0] = type;
        throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(tampered)), AlertDescription.bad_record_mac);
      }
    });

    it(`${nameOf(p)}: every truncation and extension of the fragment is bad_record_mac`, () => {
      const fragment = toRecord(new Tls12RecordEncrypter(nodeProvider, p).seal(ContentType.application_data, filled(70, 5))).fragment;
      const variants = [concat([fragment, new Uint8Array(1)]), concat([fragment, new Uint8Array(16)])];
      for (let n = 0; n < fragment.length; n++) variants.push(fragment.subarray(0, n), fragment.subarray(fragment.length - n));
      for (const variant of variants) {
        throwsAlert(
          () => new Tls12RecordDecrypter(nodeProvider, p).open({ type: ContentType.application_data, version: 0x0303, fragment: variant }),
          AlertDescription.bad_record_mac,
        );
      }
    });
  }

  it('CBC: short records and bodies of partial blocks are bad_record_mac, whatever the bytes', () => {
    for (const p of CBCS) {
      const macLength = MAC_LENGTH[p.macHash];
      // Shortest valid fragments: EtM IV + one block + MAC; MtE IV + blocks holding MAC and padding_length.
      const shortest = p.encryptThenMac ? 32 + macLength : 16 + Math.ceil((macLength + 1) / 16) * 16;
      for (let length = 0; length <= shortest + 40; length++) {
        const valid = length >= shortest && (length - (p.encryptThenMac ? macLength : 0)) % 16 === 0;
        if (valid) continue;
        const error = errorOf(() => new Tls12RecordDecrypter(nodeProvider, p).open({ type: 23, version: 0x0303, fragment: filled(length, length) }));
        assert.equal(error.alert, AlertDescription.bad_record_mac, `${nameOf(p)}, ${length} bytes`);
      }
    }
  });
});

describe('CBC MAC-then-encrypt padding (RFC 5246 §6.2.3.2, Lucky Thirteen)', () => {
  const MTE = CBCS.filter((p) => !p.encryptThenMac);
  const IV = filled(16, 44);

  it('rejects a padding with any one byte wrong, for every padding length a record allows', () => {
    for (const p of MTE) {
      const macLength = MAC_LENGTH[p.macHash];
      for (const padLength of [...Array.from({ length: 21 }, (_, i) => i), 63, 100, 128, 200, 254, 255]) {
        // Content sized so that content + MAC + padding fills whole blocks.
        const contentLength = (16 - ((macLength + padLength + 1) % 16)) % 16 + 16;
        const content = filled(contentLength, padLength);
        const good = mtePlaintext(p, 0n, 23, content, padLength);
        assert.deepEqual(new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(mteRecord(p, IV, 23, good))).content, content);
        for (let i = good.length - 1 - padLength; i < good.length - 1; i++) {
          const bad = good.slice();
          bad[i]! ^= 0x01;
          throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(mteRecord(p, IV, 23, bad))), AlertDescription.bad_record_mac);
        }
      }
    }
  });

  /** Records of one length (body 128 bytes) that fail in different ways, with a valid one. */
  function cases(p: CbcProtection) {
    const macLength = MAC_LENGTH[p.macHash];
    const plain = (padLength: number, tamper?: (bytes: Uint8Array, contentLength: number) => void) => {
      const contentLength = 128 - macLength - 1 - padLength;
      const bytes = mtePlaintext(p, 0n, 23, filled(contentLength, padLength), padLength);
      tamper?.(bytes, contentLength);
      return mteRecord(p, IV, 23, bytes);
    };
    // A MAC that would be right were padding_length 0, then padding_length 5: only the padding
    // check rejects it, since a bad padding is MACed as if it were empty.
    const unpadded = filled(128 - macLength - 1, 8);
    const zeroPaddingMac = concat([unpadded, hmac(p, concat([additionalData(0n, 23, unpadded.length), unpadded])), Uint8Array.of(5)]);
    return {
      valid: [plain(0), plain(15), plain(40)],
      invalid: {
        'bad padding, good MAC': plain(15, (b) => (b[b.length - 3]! ^= 1)),
        'bad MAC, good padding': plain(15, (b, c) => (b[c]! ^= 1)),
        'bad content, good padding': plain(15, (b) => (b[0]! ^= 1)),
        'padding longer than the record': plain(15, (b) => b.fill(200, b.length - 16)),
        'padding_length 255 over 128 bytes': plain(15, (b) => (b[b.length - 1] = 255)),
        'a MAC valid for empty padding, padding_length 5': mteRecord(p, IV, 23, zeroPaddingMac),
        'bad padding and bad MAC': plain(15, (b, c) => {
          b[c]! ^= 1;
          b[b.length - 2]! ^= 1;
        }),
      },
    };
  }

  it('answers bad padding and bad MAC with the identical error', () => {
    for (const p of MTE) {
      const errors = Object.entries(cases(p).invalid).map(([what, record]) => {
        const e = errorOf(() => new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(record)));
        return { what, alert: e.alert, code: e.code, message: e.message };
      });
      for (const e of errors) {
        assert.deepEqual({ ...e, what: '' }, { ...errors[0]!, what: '' }, `${nameOf(p)}: ${e.what}`);
        assert.equal(e.alert, AlertDescription.bad_record_mac);
      }
    }
  });

  it('hashes the same number of bytes in the same number of HMAC calls whatever the padding and whether it is good', () => {
    for (const p of MTE) {
      const work: string[] = [];
      for (const record of [...cases(p).valid, ...Object.values(cases(p).invalid)]) {
        let calls = 0;
        let bytes = 0;
        const provider: CryptoProvider = {
          ...nodeProvider,
          mac(alg, key, parts) {
            calls++;
            for (const part of parts) bytes += part.length;
            return nodeProvider.mac(alg, key, parts);
          },
        };
        try {
          new Tls12RecordDecrypter(provider, p).open(toRecord(record));
        } catch {
          // Failures are the point here; their alerts are checked above.
        }
        work.push(`${calls} calls, ${bytes} bytes`);
      }
      assert.equal(new Set(work).size, 1, `${nameOf(p)}: ${work.join('; ')}`);
    }
  });

  it('encrypt-then-MAC: bad padding under a good MAC is the same bad_record_mac as a bad MAC', () => {
    for (const p of CBCS.filter((c) => c.encryptThenMac)) {
      const badPadding = etmRecord(p, IV, 0n, 23, concat([filled(28, 1), Uint8Array.of(3, 3, 2, 3)]));
      const tooLong = etmRecord(p, IV, 0n, 23, concat([filled(15, 1), Uint8Array.of(200)]));
      const badMac = etmRecord(p, IV, 0n, 23, concat([filled(28, 1), padding(3)]));
      badMac[badMac.length - 1]! ^= 1;
      const errors = [badPadding, tooLong, badMac].map((r) => errorOf(() => new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(r))));
      for (const e of errors) {
        assert.equal(e.alert, AlertDescription.bad_record_mac);
        assert.equal(e.message, errors[0]!.message);
      }
    }
  });
});

describe('limits and misuse', () => {
  it('rejects a fragment over 2^14 + 2048 bytes before decrypting (record_overflow)', () => {
    for (const p of ALL) {
      const dec = new Tls12RecordDecrypter(nodeProvider, p);
      throwsAlert(() => dec.open({ type: 23, version: 0x0303, fragment: new Uint8Array(MAX_CIPHERTEXT_TLS12 + 1) }), AlertDescription.record_overflow);
      // One byte less is judged by its MAC instead.
      throwsAlert(() => dec.open({ type: 23, version: 0x0303, fragment: new Uint8Array(MAX_CIPHERTEXT_TLS12) }), AlertDescription.bad_record_mac);
    }
  });

  it('rejects authentic content over 2^14 bytes (record_overflow), and accepts exactly 2^14', () => {
    const over = filled(MAX_PLAINTEXT + 1, 1);
    const exact = over.subarray(0, MAX_PLAINTEXT);
    const g = gcm(128);
    const c = chacha();
    const mte = cbc('aes-128-cbc', 'sha256', false);
    const etm = cbc('aes-256-cbc', 'sha384', true);
    const build: [Tls12Protection, (content: Uint8Array) => Uint8Array][] = [
      [g, (content) => gcmRecord(g, seqBytes(0n), 0n, 23, content)],
      [c, (content) => chachaRecord(c, 0n, 23, content)],
      [mte, (content) => mteRecord(mte, CBC_IV, 23, mtePlaintext(mte, 0n, 23, content, 15 - ((content.length + 32) % 16)))],
      [etm, (content) => etmRecord(etm, CBC_IV, 0n, 23, concat([content, padding(15 - (content.length % 16))]))],
    ];
    for (const [p, record] of build) {
      throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(record(over))), AlertDescription.record_overflow);
      assert.equal(new Tls12RecordDecrypter(nodeProvider, p).open(toRecord(record(exact))).content.length, MAX_PLAINTEXT);
    }
  });

  it('refuses to seal more than 2^14 bytes, change_cipher_spec, or empty handshake and alert records (internal_error)', () => {
    for (const p of ALL) {
      const enc = new Tls12RecordEncrypter(nodeProvider, p);
      throwsAlert(() => enc.seal(ContentType.application_data, new Uint8Array(MAX_PLAINTEXT + 1)), AlertDescription.internal_error);
      throwsAlert(() => enc.seal(ContentType.change_cipher_spec, Uint8Array.of(1)), AlertDescription.internal_error);
      throwsAlert(() => enc.seal(ContentType.handshake, new Uint8Array(0)), AlertDescription.internal_error);
      throwsAlert(() => enc.seal(ContentType.alert, new Uint8Array(0)), AlertDescription.internal_error);
      assert.equal(enc.sequence, 0n);
      assert.equal(toRecord(enc.seal(ContentType.application_data, new Uint8Array(0))).type, ContentType.application_data);
    }
  });

  it('refuses a protected change_cipher_spec or an unknown type before decrypting (unexpected_message)', () => {
    for (const p of ALL) {
      const fragment = toRecord(new Tls12RecordEncrypter(nodeProvider, p).seal(ContentType.application_data, Uint8Array.of(1))).fragment;
      for (const type of [ContentType.change_cipher_spec, 24, 99]) {
        const dec = new Tls12RecordDecrypter(nodeProvider, p);
        throwsAlert(() => dec.open({ type, version: 0x0303, fragment }), AlertDescription.unexpected_message);
        assert.equal(dec.sequence, 0n);
      }
    }
  });

  it('counts sequence numbers per record and refuses to wrap them (internal_error)', () => {
    for (const p of ALL) {
      const last = (1n << 64n) - 1n;
      const { enc, dec } = pair(p, last);
      const record = enc.seal(ContentType.application_data, Uint8Array.of(9));
      assert.equal(enc.sequence, 1n << 64n);
      throwsAlert(() => enc.seal(ContentType.application_data, Uint8Array.of(9)), AlertDescription.internal_error);
      assert.deepEqual(dec.open(toRecord(record)).content, Uint8Array.of(9));
      assert.equal(dec.sequence, 1n << 64n);
      throwsAlert(() => dec.open(toRecord(record)), AlertDescription.internal_error);
    }
    throwsAlert(() => new Tls12RecordEncrypter(nodeProvider, gcm(128), 1n << 64n), AlertDescription.internal_error);
  });

  it('refuses keys, IVs and MAC keys of the wrong length, and a nonce scheme the AEAD does not use (internal_error)', () => {
    const bad: Tls12Protection[] = [
      { ...gcm(128), key: filled(32, 1) },
      { ...gcm(256), key: filled(16, 1) },
      { ...gcm(128), fixedIv: filled(12, 1) },
      { ...gcm(128), explicitNonce: false },
      { ...chacha(), fixedIv: filled(4, 1) },
      { ...chacha(), explicitNonce: true },
      { ...chacha(), key: filled(16, 1) },
      { ...cbc('aes-128-cbc', 'sha1', false), key: filled(32, 1) },
      { ...cbc('aes-256-cbc', 'sha256', true), key: filled(16, 1) },
      { ...cbc('aes-128-cbc', 'sha384', false), macKey: filled(32, 1) },
      { ...cbc('aes-128-cbc', 'sha1', true), macKey: filled(32, 1) },
    ];
    for (const p of bad) {
      throwsAlert(() => new Tls12RecordEncrypter(nodeProvider, p), AlertDescription.internal_error);
      throwsAlert(() => new Tls12RecordDecrypter(nodeProvider, p), AlertDescription.internal_error);
    }
  });

  it('does not depend on the caller keeping the keys unchanged', () => {
    for (const make of [() => gcm(128), () => chacha(), () => cbc('aes-128-cbc', 'sha256', false)]) {
      const p = make();
      const enc = new Tls12RecordEncrypter(nodeProvider, p);
      const dec = new Tls12RecordDecrypter(nodeProvider, make());
      p.key.fill(0);
      if (p.kind === 'aead') p.fixedIv.fill(0);
      else p.macKey.fill(0);
      assert.deepEqual(dec.open(toRecord(enc.seal(ContentType.handshake, Uint8Array.of(5)))).content, Uint8Array.of(5));
    }
  });
});

describe('provider: createCbc and mac', () => {
  it('createCbc is raw AES-CBC without padding, agreeing with node:crypto both ways', () => {
    for (const cipher of ['aes-128-cbc', 'aes-256-cbc'] as const) {
      const p = cbc(cipher, 'sha256', false, 6);
      const box = nodeProvider.createCbc(cipher, p.key);
      for (const length of [0, 16, 48, 1024]) {
        const plaintext = filled(length, length + 1);
        const ciphertext = box.encrypt(CBC_IV, plaintext);
        assert.deepEqual(ciphertext, cbcEncrypt(p, CBC_IV, plaintext));
        assert.deepEqual(box.decrypt(CBC_IV, ciphertext), plaintext);
        const out = new Uint8Array(length + 3);
        box.encryptInto(CBC_IV, [plaintext.subarray(0, 5), plaintext.subarray(5)], out, 3);
        assert.deepEqual(out.subarray(3), ciphertext);
      }
    }
  });

  it('createCbc refuses partial blocks, a wrong IV length and a wrong key length (internal_error)', () => {
    const box = nodeProvider.createCbc('aes-128-cbc', filled(16, 1));
    throwsAlert(() => box.encrypt(CBC_IV, new Uint8Array(15)), AlertDescription.internal_error);
    throwsAlert(() => box.decrypt(CBC_IV, new Uint8Array(17)), AlertDescription.internal_error);
    throwsAlert(() => box.encrypt(new Uint8Array(12), new Uint8Array(16)), AlertDescription.internal_error);
    throwsAlert(() => nodeProvider.createCbc('aes-256-cbc', filled(16, 1)), AlertDescription.internal_error);
  });

  it('mac is HMAC over the concatenated parts, SHA-1 included (RFC 2104)', () => {
    const data = filled(300, 3);
    for (const alg of ['sha1', 'sha256', 'sha384'] as const) {
      const key = filled(MAC_LENGTH[alg], 4);
      const expected = new Uint8Array(createHmac(alg, key).update(data).digest());
      assert.equal(expected.length, MAC_LENGTH[alg]);
      assert.deepEqual(nodeProvider.mac(alg, key, [data]), expected);
      assert.deepEqual(nodeProvider.mac(alg, key, [data.subarray(0, 13), new Uint8Array(0), data.subarray(13)]), expected);
      assert.deepEqual(createDeterministicProvider().mac(alg, key, [data]), expected);
    }
  });
});
