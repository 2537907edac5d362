import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { Deframer, type TLSRecord } from '../../src/record/deframer.js';
import { TLSError } from '../../src/errors.js';
import { MAX_CIPHERTEXT } from '../../src/limits.js';
import { AlertDescription, ContentType } from '../../src/wire/codes.js';
import { throwsAlert, concat, filled } from './helpers.js';

function encodeRecord(type: number, version: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out.set([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
}

function drain(d: Deframer, into: TLSRecord[]): void {
  for (let r = d.next(); r; r = d.next()) into.push(r);
}

const plain = (r: TLSRecord) => ({ type: r.type, version: r.version, fragment: Array.from(r.fragment) });

const RECORDS: Array<[number, number, Uint8Array]> = [
  [ContentType.handshake, 0x0301, filled(200, 1)],
  [ContentType.change_cipher_spec, 0x0303, Uint8Array.of(1)],
  [ContentType.application_data, 0x0303, new Uint8Array(0)],
  [ContentType.alert, 0x0303, Uint8Array.of(2, 40)],
  [ContentType.application_data, 0x0303, filled(MAX_CIPHERTEXT, 7)],
  [ContentType.handshake, 0x0303, filled(3, 9)],
];
const STREAM = concat(RECORDS.map(([t, v, b]) => encodeRecord(t, v, b)));
const EXPECTED = RECORDS.map(([type, version, body]) => ({ type, version, fragment: Array.from(body) }));

/** A cheap equality for the every-split-point loop, which runs ~17 000 times. */
function matches(out: readonly TLSRecord[]): boolean {
  return (
    out.length === RECORDS.length &&
    out.every((r, i) => {
      const [type, version, body] = RECORDS[i]!;
      return r.type === type && r.version === version && Buffer.from(r.fragment.buffer, r.fragment.byteOffset, r.fragment.length).equals(body);
    })
  );
}

describe('Deframer', () => {
  it('yields the records pushed in one piece, with fragments of exactly `length` bytes', () => {
    const d = new Deframer();
    d.push(STREAM);
    const out: TLSRecord[] = [];
    drain(d, out);
    assert.deepEqual(out.map(plain), EXPECTED);
    assert.equal(d.buffered, 0);
    assert.ok(d.empty);
  });

  it('yields the same records when the stream is split at every point', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const d = new Deframer();
      const out: TLSRecord[] = [];
      d.push(STREAM.subarray(0, cut));
      drain(d, out);
      d.push(STREAM.subarray(cut));
      drain(d, out);
      assert.ok(matches(out), `split at ${cut}`);
      assert.ok(d.empty);
    }
  });

  it('yields the same records when fed one byte at a time', () => {
    const d = new Deframer();
    const out: TLSRecord[] = [];
    for (let i = 0; i < STREAM.length; i++) {
      d.push(STREAM.subarray(i, i + 1));
      drain(d, out);
    }
    assert.deepEqual(out.map(plain), EXPECTED);
    assert.ok(d.empty);
  });

  it('yields the same records for any chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), STREAM.length];
        const d = new Deframer();
        const out: TLSRecord[] = [];
        for (let i = 1; i < points.length; i++) {
          d.push(STREAM.subarray(points[i - 1]!, points[i]!));
          drain(d, out);
        }
        assert.deepEqual(out.map(plain), EXPECTED);
      }),
      { numRuns: 200 },
    );
  });

  it('returns undefined until the whole record has arrived', () => {
    const d = new Deframer();
    const record = encodeRecord(ContentType.handshake, 0x0303, filled(10, 3));
    d.push(record.subarray(0, 14));
    assert.equal(d.next(), undefined);
    assert.equal(d.buffered, 14);
    assert.ok(!d.empty);
    d.push(record.subarray(14));
    assert.deepEqual(Array.from(d.next()!.fragment), Array.from(filled(10, 3)));
    assert.equal(d.next(), undefined);
  });

  it('rejects an oversized length from the 5-byte header alone (record_overflow)', () => {
    const d = new Deframer();
    // 20000 > 2^14 + 256: no body byte is needed to refuse it.
    throwsAlert(() => d.push(Uint8Array.of(23, 3, 3, 0x4e, 0x20)), AlertDescription.record_overflow);
    throwsAlert(() => d.next(), AlertDescription.record_overflow);
  });

  it('rejects an oversized length even when the header arrives one byte at a time', () => {
    const d = new Deframer();
    const header = Uint8Array.of(22, 3, 3, (MAX_CIPHERTEXT + 1) >> 8, (MAX_CIPHERTEXT + 1) & 0xff);
    for (let i = 0; i < 4; i++) d.push(header.subarray(i, i + 1));
    assert.equal(d.next(), undefined);
    throwsAlert(() => d.push(header.subarray(4)), AlertDescription.record_overflow);
  });

  it('accepts a record of exactly 2^14 + 256 bytes', () => {
    const d = new Deframer();
    d.push(encodeRecord(23, 0x0303, new Uint8Array(MAX_CIPHERTEXT)));
    assert.equal(d.next()!.fragment.length, MAX_CIPHERTEXT);
  });

  it('rejects an unknown content type from the first byte (unexpected_message)', () => {
    for (const type of [0, 19, 24, 0x47 /* 'G' of "GET /" */, 0x80 /* SSLv2 */, 255]) {
      const d = new Deframer();
      throwsAlert(() => d.push(Uint8Array.of(type)), AlertDescription.unexpected_message);
    }
  });

  it('rejects plaintext HTTP at once', () => {
    const d = new Deframer();
    throwsAlert(() => d.push(new TextEncoder().encode('GET / HTTP/1.1\r\n')), AlertDescription.unexpected_message);
  });

  it('rejects a record version whose major byte is not 3 (decode_error)', () => {
    for (const major of [0, 2, 4, 0x16]) {
      const d = new Deframer();
      d.push(Uint8Array.of(22));
      throwsAlert(() => d.push(Uint8Array.of(major)), AlertDescription.decode_error);
    }
  });

  it('accepts any minor version (RFC 8446 §5.1: legacy_record_version is ignored)', () => {
    const d = new Deframer();
    d.push(concat([encodeRecord(22, 0x0300, Uint8Array.of(1)), encodeRecord(22, 0x0304, Uint8Array.of(2))]));
    assert.equal(d.next()!.version, 0x0300);
    assert.equal(d.next()!.version, 0x0304);
  });

  it('rejects a bad header that follows good records', () => {
    const d = new Deframer();
    d.push(concat([encodeRecord(22, 0x0303, Uint8Array.of(1)), Uint8Array.of(99, 3, 3, 0, 1, 0)]));
    assert.equal(d.next()!.type, 22);
    throwsAlert(() => d.next(), AlertDescription.unexpected_message);
  });

  it('stays failed after an error', () => {
    const d = new Deframer();
    throwsAlert(() => d.push(Uint8Array.of(1)), AlertDescription.unexpected_message);
    throwsAlert(() => d.push(encodeRecord(22, 0x0303, Uint8Array.of(1))), AlertDescription.unexpected_message);
    throwsAlert(() => d.next(), AlertDescription.unexpected_message);
  });

  it('keeps at most one record buffered when 1 MB is fed one byte at a time', () => {
    const body = 1000;
    const record = encodeRecord(23, 0x0303, filled(body, 5));
    const count = Math.ceil((1 << 20) / record.length);
    const stream = concat(Array.from({ length: count }, () => record));
    const d = new Deframer();
    let records = 0;
    let peak = 0;
    for (let i = 0; i < stream.length; i++) {
      d.push(stream.subarray(i, i + 1));
      for (let r = d.next(); r; r = d.next()) {
        assert.equal(r.fragment.length, body);
        records++;
      }
      peak = Math.max(peak, d.buffered);
    }
    assert.equal(records, count);
    assert.ok(peak < record.length, `peak ${peak} bytes buffered`);
    assert.ok(d.empty);
  });

  it('returns views into the pushed bytes when a record lies in one push', () => {
    const stream = encodeRecord(23, 0x0303, filled(64, 2));
    const d = new Deframer();
    d.push(stream);
    const r = d.next()!;
    assert.equal(r.fragment.buffer, stream.buffer);
    assert.equal(r.fragment.byteOffset, stream.byteOffset + 5);
  });
});
