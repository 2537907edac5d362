import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { decodeAlert, encodeAlert } from '../../src/wire/alert.js';
import { AlertDescription, AlertLevel, ContentType } from '../../src/wire/codes.js';
import { RECORD_HEADER_LENGTH, decodeRecordHeader, encodeRecordHeader, writeRecordHeader } from '../../src/wire/record.js';
import { decodeErrorAlert, hexBytes, throwsAlert, toHex } from './helpers.js';

describe('alert', () => {
  it('encodes level then description', () => {
    assert.equal(toHex(encodeAlert({ level: AlertLevel.fatal, description: AlertDescription.decode_error })), '0232');
  });

  it('round-trips any two bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (level, description) => {
        assert.deepStrictEqual(decodeAlert(encodeAlert({ level, description })), { level, description });
      }),
    );
  });

  it('rejects an alert that is not exactly two bytes', () => {
    for (const bad of ['', '02', '020000', '0100 0100']) throwsAlert(() => decodeAlert(hexBytes(bad)), decodeErrorAlert);
  });
});

describe('record header', () => {
  it('encodes type, legacy_record_version, length', () => {
    assert.equal(toHex(encodeRecordHeader({ type: ContentType.handshake, legacy_record_version: 0x0301, length: 0x00c4 })), '16030100c4');
  });

  it('round-trips any header, also at an offset', () => {
    const header = fc.record({
      type: fc.integer({ min: 0, max: 255 }),
      legacy_record_version: fc.integer({ min: 0, max: 0xffff }),
      length: fc.integer({ min: 0, max: 0xffff }),
    }, { noNullPrototype: true });
    fc.assert(
      fc.property(header, fc.nat({ max: 8 }), (h, offset) => {
        assert.deepStrictEqual(decodeRecordHeader(encodeRecordHeader(h)), h);
        const buf = new Uint8Array(offset + RECORD_HEADER_LENGTH);
        writeRecordHeader(buf, offset, h);
        assert.deepStrictEqual(decodeRecordHeader(buf, offset), h);
      }),
    );
  });

  it('rejects fewer than five bytes', () => {
    for (let n = 0; n < RECORD_HEADER_LENGTH; n++) throwsAlert(() => decodeRecordHeader(new Uint8Array(n)), decodeErrorAlert);
    throwsAlert(() => decodeRecordHeader(new Uint8Array(6), 2), decodeErrorAlert);
  });

  it('refuses to encode a length over 2^16-1', () => {
    assert.throws(() => encodeRecordHeader({ type: 23, legacy_record_version: 0x0303, length: 0x10000 }), RangeError);
  });
});
