import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { Deframer, type TLSRecord } from '../../src/record/deframer.js';
import { AEAD_TAG_LENGTH, RecordDecrypter, RecordEncrypter } from '../../src/record/protection.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { TLS13_SUITES, tls13Suite, type Tls13Suite } from '../../src/crypto/suites.js';
import { TLSError } from '../../src/errors.js';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT } from '../../src/limits.js';
import { AlertDescription, CipherSuite, ContentType } from '../../src/wire/codes.js';
import { throwsAlert, concat } from './helpers.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** Parses bytes on the wire into exactly one record. */
function parseRecord(bytes: Uint8Array): TLSRecord {
  const d = new Deframer();
  d.push(bytes);
  const record = d.next();
  assert.ok(record && d.empty, 'exactly one record');
  return record;
}

function keysFor(suite: Tls13Suite, seed: number): { key: Uint8Array; iv: Uint8Array } {
  const key = new Uint8Array(suite.keyLength).map((_, i) => (i * 7 + seed) & 0xff);
  const iv = new Uint8Array(suite.ivLength).map((_, i) => (i * 11 + seed * 3) & 0xff);
  return { key, iv };
}

function pair(suite: Tls13Suite, sequence = 0n): { enc: RecordEncrypter; dec: RecordDecrypter } {
  const { key, iv } = keysFor(suite, 5);
  return {
    enc: new RecordEncrypter(nodeProvider, suite, key, iv, sequence),
    dec: new RecordDecrypter(nodeProvider, suite, key, iv, sequence),
  };
}

/** Seals `inner` as TLSInnerPlaintext verbatim, bypassing RecordEncrypter's own checks. */
function sealRaw(suite: Tls13Suite, inner: Uint8Array): Uint8Array {
  const { key, iv } = keysFor(suite, 5);
  const length = inner.length + AEAD_TAG_LENGTH;
  const header = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);
  return concat([header, nodeProvider.createAead(suite.aead, key).seal(iv, header, inner)]); // sequence 0: nonce = iv
}

const AES128 = tls13Suite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

// RFC 8448 §3 (Simple 1-RTT Handshake): the server's first protected record, under the server
// handshake traffic keys, carrying EncryptedExtensions, Certificate, CertificateVerify, Finished.
// {server}  derive write traffic keys for handshake data:
const SERVER_HS_KEY = hex('3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc');
const SERVER_HS_IV = hex('5d 31 3e b2 67 12 76 ee 13 00 0b 30');
const ENCRYPTED_EXTENSIONS = hex(`
  08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17
  00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
  00 02 40 01 00 00 00 00
`);
const CERTIFICATE = hex(`
  0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30
  82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a
  86 48 86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a
  06 03 55 04 03 13 03 72 73 61 30 1e 17 0d 31 36
  30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36 30
  37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a
  06 03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06
  09 2a 86 48 86 f7 0d 01 01 01 05 00 03 81 8d 00
  30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30 3d 98
  08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
  d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a
  95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12
  09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b
  63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80
  30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0
  3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a
  8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a 30 18
  30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55
  1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86
  f7 0d 01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5
  b9 27 6b 90 8c 65 f7 3a 72 67 17 06 18 a5 4c 5f
  8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5
  8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a
  03 01 51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02
  70 2e 60 8c ca e6 be c1 fc 63 a4 2a 99 be 5c 3e
  b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84 e0
  a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8
  f8 96 12 29 ac 91 87 b4 2b 4d e1 00 00
`);
const CERTIFICATE_VERIFY = hex(`
  0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2
  e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
  b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3
  3a 5c 14 1a 07 86 53 fa 6b ef 78 0c 5e a2 48 ee
  aa a7 85 c4 f3 94 ca b6 d3 0b be 8d 48 59 ee 51
  1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c
  9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09
  d3 be 15 2a 3d a5 04 3e 06 3d da 65 cd f5 ae a2
  0d 53 df ac d4 2f 74 f3
`);
const FINISHED = hex(`
  14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7
  1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54
  b7 8f 07 18
`);
const COMPLETE_RECORD = hex(`
  17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07
  cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e
  df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca
  07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78
  b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61
  34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
  d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79
  02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9
  d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c
  7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e
  d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3
  60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92
  8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82
  04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94
  5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8
  94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68
  45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63
  aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f
  44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26
  4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26
  f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3
  6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31
  7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64
  7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e
  1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24
  3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da
  8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c
  f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4
  61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c
  74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be
  5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18
  a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb
  99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb
  56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59
  77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14
  63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38
  eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97
  8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84
  5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78
  40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5
  d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31
  ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e
  75 0e dc 53 37 0d 2b
`);

const SERVER_FLIGHT = concat([ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, FINISHED]);

/** RFC 8446 §5.3, computed independently of the code under test. */
function nonceFor(iv: Uint8Array, sequence: bigint): Uint8Array {
  const nonce = iv.slice();
  for (let i = 0; i < 8; i++) nonce[nonce.length - 1 - i]! ^= Number((sequence >> BigInt(8 * i)) & 0xffn);
  return nonce;
}

describe('RFC 8448 §3 known answer', () => {
  it('the server flight has the lengths the RFC states', () => {
    assert.equal(SERVER_FLIGHT.length, 657);
    assert.equal(COMPLETE_RECORD.length, 679);
  });

  it('seal reproduces the complete record byte for byte', () => {
    const enc = new RecordEncrypter(nodeProvider, AES128, SERVER_HS_KEY, SERVER_HS_IV);
    assert.deepEqual(enc.seal(ContentType.handshake, SERVER_FLIGHT), COMPLETE_RECORD);
    assert.equal(enc.sequence, 1n);
  });

  it('open recovers the four handshake messages', () => {
    const dec = new RecordDecrypter(nodeProvider, AES128, SERVER_HS_KEY, SERVER_HS_IV);
    const { type, content } = dec.open(parseRecord(COMPLETE_RECORD));
    assert.equal(type, ContentType.handshake);
    assert.deepEqual(content, SERVER_FLIGHT);
    assert.equal(dec.sequence, 1n);
  });

  it('rejects the record with any single bit flipped in its body or version (bad_record_mac: the header is the AAD)', () => {
    for (let i = 2; i < COMPLETE_RECORD.length; i++) {
      if (i === 3 || i === 4) continue; // the length: next test
      for (const bit of [0x01, 0x80]) {
        const tampered = COMPLETE_RECORD.slice();
        tampered[i]! ^= bit;
        const dec = new RecordDecrypter(nodeProvider, AES128, SERVER_HS_KEY, SERVER_HS_IV);
        throwsAlert(() => dec.open(parseRecord(tampered)), AlertDescription.bad_record_mac);
      }
    }
  });

  it('rejects the record with its length changed (bad_record_mac)', () => {
    const body = COMPLETE_RECORD.subarray(5);
    for (const fragment of [body.subarray(0, body.length - 1), concat([body, Uint8Array.of(0)])]) {
      const dec = new RecordDecrypter(nodeProvider, AES128, SERVER_HS_KEY, SERVER_HS_IV);
      throwsAlert(() => dec.open({ type: ContentType.application_data, version: 0x0303, fragment }), AlertDescription.bad_record_mac);
    }
  });

  it('rejects the record with its outer type changed before trying to decrypt (unexpected_message)', () => {
    for (const type of [ContentType.handshake, ContentType.alert, ContentType.change_cipher_spec]) {
      const tampered = COMPLETE_RECORD.slice();
      tampered[0] = type;
      const dec = new RecordDecrypter(nodeProvider, AES128, SERVER_HS_KEY, SERVER_HS_IV);
      throwsAlert(() => dec.open(parseRecord(tampered)), AlertDescription.unexpected_message);
      assert.equal(dec.sequence, 0n);
    }
  });
});

describe('RecordEncrypter / RecordDecrypter', () => {
  for (const suite of TLS13_SUITES) {
    it(`round-trips random content and padding with ${suite.name} (property)`, () => {
      const arbRecord = fc.oneof(
        fc.record({ type: fc.constant(ContentType.application_data), content: fc.uint8Array({ maxLength: 2000 }) }),
        fc.record({
          type: fc.constantFrom(ContentType.handshake, ContentType.alert),
          content: fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        }),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(arbRecord, fc.nat({ max: 400 })), { minLength: 1, maxLength: 8 }), (records) => {
          const { enc, dec } = pair(suite);
          const wire = concat(records.map(([r, padding]) => enc.sealPadded(r.type, r.content, padding)));
          const d = new Deframer();
          d.push(wire);
          for (const [r, padding] of records) {
            const record = d.next()!;
            assert.equal(record.type, ContentType.application_data);
            assert.equal(record.version, 0x0303);
            assert.equal(record.fragment.length, r.content.length + 1 + padding + AEAD_TAG_LENGTH);
            const opened = dec.open(record);
            assert.equal(opened.type, r.type);
            assert.deepEqual(opened.content, r.content);
          }
          assert.ok(d.empty);
          assert.equal(enc.sequence, BigInt(records.length));
          assert.equal(dec.sequence, BigInt(records.length));
        }),
        { numRuns: 60 },
      );
    });

    it(`uses the RFC 8446 §5.3 nonce with ${suite.name}, exactly past 2^53`, () => {
      const { key, iv } = keysFor(suite, 5);
      for (const sequence of [0n, 1n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, (1n << 63n) + 5n, (1n << 64n) - 2n]) {
        const enc = new RecordEncrypter(nodeProvider, suite, key, iv, sequence);
        const record = enc.seal(ContentType.application_data, Uint8Array.of(1, 2, 3));
        assert.equal(enc.sequence, sequence + 1n);
        // Open with the bare AEAD and an independently computed nonce.
        const aead = nodeProvider.createAead(suite.aead, key);
        const inner = aead.open(nonceFor(iv, sequence), record.subarray(0, 5), record.subarray(5));
        assert.deepEqual(inner, Uint8Array.of(1, 2, 3, ContentType.application_data), `sequence ${sequence}`);

        // One less (2^53 + 1 vs 2^53 collapse in a double) must not open it.
        const behind = new RecordDecrypter(nodeProvider, suite, key, iv, sequence - (sequence > 0n ? 1n : -1n));
        throwsAlert(() => behind.open(parseRecord(record)), AlertDescription.bad_record_mac);
        assert.deepEqual(new RecordDecrypter(nodeProvider, suite, key, iv, sequence).open(parseRecord(record)).content, Uint8Array.of(1, 2, 3));
      }
    });
  }

  it('seals content of 2^14 bytes, and padding up to an inner plaintext of 2^14 + 1', () => {
    const { enc, dec } = pair(AES128);
    const full = enc.seal(ContentType.application_data, new Uint8Array(MAX_PLAINTEXT).fill(7));
    assert.equal(full.length, 5 + MAX_PLAINTEXT + 1 + AEAD_TAG_LENGTH);
    assert.equal(dec.open(parseRecord(full)).content.length, MAX_PLAINTEXT);
    const padded = enc.sealPadded(ContentType.handshake, Uint8Array.of(20, 0, 0, 0), MAX_PLAINTEXT - 4);
    assert.deepEqual(dec.open(parseRecord(padded)), { type: ContentType.handshake, content: Uint8Array.of(20, 0, 0, 0) });
    throwsAlert(() => enc.sealPadded(ContentType.handshake, Uint8Array.of(1), MAX_PLAINTEXT), AlertDescription.internal_error);
    throwsAlert(() => enc.seal(ContentType.application_data, new Uint8Array(MAX_PLAINTEXT + 1)), AlertDescription.internal_error);
  });

  it('refuses to seal change_cipher_spec or zero-length handshake and alert content (internal_error)', () => {
    const { enc } = pair(AES128);
    throwsAlert(() => enc.seal(ContentType.change_cipher_spec, Uint8Array.of(1)), AlertDescription.internal_error);
    throwsAlert(() => enc.seal(ContentType.handshake, new Uint8Array(0)), AlertDescription.internal_error);
    throwsAlert(() => enc.seal(ContentType.alert, new Uint8Array(0)), AlertDescription.internal_error);
    assert.equal(enc.sequence, 0n);
  });

  it('rejects records opened out of order or replayed (bad_record_mac)', () => {
    const { enc, dec } = pair(AES128);
    const first = enc.seal(ContentType.application_data, Uint8Array.of(1));
    const second = enc.seal(ContentType.application_data, Uint8Array.of(2));
    throwsAlert(() => dec.open(parseRecord(second)), AlertDescription.bad_record_mac);
    assert.deepEqual(dec.open(parseRecord(first)).content, Uint8Array.of(1));
    throwsAlert(() => dec.open(parseRecord(first)), AlertDescription.bad_record_mac);
  });

  it('rejects a record under another key (bad_record_mac)', () => {
    const { enc } = pair(AES128);
    const { key, iv } = keysFor(AES128, 6);
    const other = new RecordDecrypter(nodeProvider, AES128, key, iv);
    throwsAlert(() => other.open(parseRecord(enc.seal(ContentType.application_data, Uint8Array.of(1)))), AlertDescription.bad_record_mac);
  });

  it('rejects a ciphertext shorter than the tag (bad_record_mac)', () => {
    const { dec } = pair(AES128);
    throwsAlert(() => dec.open({ type: 23, version: 0x0303, fragment: new Uint8Array(8) }), AlertDescription.bad_record_mac);
    throwsAlert(() => dec.open({ type: 23, version: 0x0303, fragment: new Uint8Array(0) }), AlertDescription.bad_record_mac);
  });

  it('rejects a ciphertext over 2^14 + 256 bytes before decrypting (record_overflow)', () => {
    const { dec } = pair(AES128);
    throwsAlert(() => dec.open({ type: 23, version: 0x0303, fragment: new Uint8Array(MAX_CIPHERTEXT + 1) }), AlertDescription.record_overflow);
    assert.equal(dec.sequence, 0n);
  });

  it('rejects an all-zero inner plaintext, which has no content type (unexpected_message)', () => {
    for (const inner of [new Uint8Array(5), new Uint8Array(1), new Uint8Array(0)]) {
      const { dec } = pair(AES128);
      throwsAlert(() => dec.open(parseRecord(sealRaw(AES128, inner))), AlertDescription.unexpected_message);
    }
  });

  it('rejects a protected change_cipher_spec or an unknown inner type (unexpected_message)', () => {
    for (const inner of [Uint8Array.of(1, 20), Uint8Array.of(1, 99, 0, 0), Uint8Array.of(7, 24)]) {
      const { dec } = pair(AES128);
      throwsAlert(() => dec.open(parseRecord(sealRaw(AES128, inner))), AlertDescription.unexpected_message);
    }
  });

  it('rejects zero-length protected handshake and alert content, accepts empty application_data', () => {
    for (const type of [ContentType.handshake, ContentType.alert]) {
      const { dec } = pair(AES128);
      throwsAlert(() => dec.open(parseRecord(sealRaw(AES128, Uint8Array.of(type, 0, 0)))), AlertDescription.unexpected_message);
    }
    const { dec } = pair(AES128);
    assert.deepEqual(dec.open(parseRecord(sealRaw(AES128, Uint8Array.of(23, 0)))), { type: 23, content: new Uint8Array(0) });
  });

  it('rejects an inner plaintext over 2^14 + 1 bytes, padding included (record_overflow)', () => {
    const content = new Uint8Array(MAX_PLAINTEXT + 2);
    content[MAX_PLAINTEXT + 1] = ContentType.application_data; // 2^14 + 1 bytes of content, then the type
    let { dec } = pair(AES128);
    throwsAlert(() => dec.open(parseRecord(sealRaw(AES128, content))), AlertDescription.record_overflow);

    const padded = new Uint8Array(MAX_PLAINTEXT + 2);
    padded[MAX_PLAINTEXT] = ContentType.application_data; // 2^14 bytes of content, type, one zero
    ({ dec } = pair(AES128));
    throwsAlert(() => dec.open(parseRecord(sealRaw(AES128, padded))), AlertDescription.record_overflow);
  });

  it('refuses to wrap the 64-bit sequence number (internal_error)', () => {
    const last = (1n << 64n) - 1n;
    const { enc, dec } = pair(AES128, last);
    const record = enc.seal(ContentType.application_data, Uint8Array.of(9));
    assert.equal(enc.sequence, 1n << 64n);
    throwsAlert(() => enc.seal(ContentType.application_data, Uint8Array.of(9)), AlertDescription.internal_error);
    assert.deepEqual(dec.open(parseRecord(record)).content, Uint8Array.of(9));
    throwsAlert(() => dec.open(parseRecord(record)), AlertDescription.internal_error);
  });

  it('refuses keys and IVs of the wrong length (internal_error)', () => {
    for (const suite of TLS13_SUITES) {
      const { key, iv } = keysFor(suite, 1);
      throwsAlert(() => new RecordEncrypter(nodeProvider, suite, key.subarray(1), iv), AlertDescription.internal_error);
      throwsAlert(() => new RecordDecrypter(nodeProvider, suite, key, iv.subarray(1)), AlertDescription.internal_error);
    }
  });

  it('does not depend on the caller keeping the key and IV unchanged', () => {
    const { key, iv } = keysFor(AES128, 3);
    const enc = new RecordEncrypter(nodeProvider, AES128, key, iv);
    const dec = new RecordDecrypter(nodeProvider, AES128, key.slice(), iv.slice());
    key.fill(0);
    iv.fill(0);
    assert.deepEqual(dec.open(parseRecord(enc.seal(ContentType.handshake, Uint8Array.of(5)))).content, Uint8Array.of(5));
  });
});
