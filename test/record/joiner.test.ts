import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { HandshakeJoiner, type HandshakeMessage } from '../../src/record/joiner.js';
import { TLSError } from '../../src/errors.js';
import { MAX_CERTIFICATE_MESSAGE, MAX_HANDSHAKE_MESSAGE } from '../../src/limits.js';
import { AlertDescription, HandshakeType } from '../../src/wire/codes.js';
import { throwsAlert, concat, filled } from './helpers.js';

function message(msgType: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([msgType, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  out.set(body, 4);
  return out;
}

function drain(j: HandshakeJoiner): HandshakeMessage[] {
  const out: HandshakeMessage[] = [];
  for (let m = j.next(); m; m = j.next()) out.push(m);
  return out;
}

const plain = (m: HandshakeMessage) => ({ msgType: m.msgType, body: Array.from(m.body), raw: Array.from(m.raw) });

describe('HandshakeJoiner', () => {
  it('joins a message split across 3 records', () => {
    const body = filled(40_000, 1);
    const raw = message(HandshakeType.certificate, body);
    const j = new HandshakeJoiner();
    j.push(raw.subarray(0, 2)); // not even the whole header
    assert.equal(j.next(), undefined);
    assert.ok(!j.empty);
    j.push(raw.subarray(2, 20_000));
    assert.equal(j.next(), undefined);
    assert.ok(!j.empty);
    j.push(raw.subarray(20_000));
    const m = j.next()!;
    assert.equal(m.msgType, HandshakeType.certificate);
    assert.deepEqual(m.body, body);
    assert.deepEqual(m.raw, raw);
    assert.equal(j.next(), undefined);
    assert.ok(j.empty);
  });

  it('splits 3 messages in one record, each raw including its 4-byte header', () => {
    const msgs = [
      message(HandshakeType.encrypted_extensions, filled(6, 1)),
      message(HandshakeType.certificate, filled(300, 2)),
      message(HandshakeType.finished, filled(32, 3)),
    ];
    const j = new HandshakeJoiner();
    j.push(concat(msgs));
    const out = drain(j);
    assert.deepEqual(out.map((m) => m.msgType), [8, 11, 20]);
    for (let i = 0; i < msgs.length; i++) {
      assert.deepEqual(out[i]!.raw, msgs[i]);
      assert.deepEqual(out[i]!.body, msgs[i]!.subarray(4));
    }
    assert.ok(j.empty);
  });

  it('returns an empty body for a zero-length message (e.g. end_of_early_data)', () => {
    const j = new HandshakeJoiner();
    j.push(Uint8Array.of(HandshakeType.end_of_early_data, 0, 0, 0));
    const m = j.next()!;
    assert.equal(m.msgType, HandshakeType.end_of_early_data);
    assert.equal(m.body.length, 0);
    assert.equal(m.raw.length, 4);
  });

  it('rejects a handshake message of N bytes exceeding limit before its body arrives (decode_error)', () => {
    const j = new HandshakeJoiner();
    const n = MAX_HANDSHAKE_MESSAGE + 1;
    throwsAlert(
      () => j.push(Uint8Array.of(HandshakeType.client_hello, n >> 16, (n >> 8) & 0xff, n & 0xff)),
      AlertDescription.decode_error,
      new RegExp(`handshake message of ${n} bytes exceeds limit`),
    );
    throwsAlert(() => j.next(), AlertDescription.decode_error);
  });

  it('rejects an oversized length whose header arrives across fragments', () => {
    const j = new HandshakeJoiner();
    j.push(Uint8Array.of(HandshakeType.server_hello, 0xff));
    throwsAlert(() => j.push(Uint8Array.of(0xff, 0xff)), AlertDescription.decode_error);
  });

  it('rejects an oversized second message in a record from its header', () => {
    const j = new HandshakeJoiner();
    j.push(concat([message(HandshakeType.finished, filled(32, 1)), Uint8Array.of(HandshakeType.finished, 0x10, 0, 0)]));
    assert.equal(j.next()!.msgType, HandshakeType.finished);
    throwsAlert(() => j.next(), AlertDescription.decode_error, /handshake message of 1048576 bytes exceeds limit/);
  });

  it('holds a Certificate to the general limit until large certificates are allowed', () => {
    const big = MAX_HANDSHAKE_MESSAGE + 1;
    const j = new HandshakeJoiner();
    throwsAlert(
      () => j.push(Uint8Array.of(HandshakeType.certificate, big >> 16, (big >> 8) & 0xff, big & 0xff)),
      AlertDescription.decode_error,
    );
  });

  it('allows a Certificate larger than the general limit, up to its own limit, once allowed', () => {
    const ok = MAX_HANDSHAKE_MESSAGE + 1;
    const j = new HandshakeJoiner();
    j.allowLargeCertificates();
    j.push(Uint8Array.of(HandshakeType.certificate, ok >> 16, (ok >> 8) & 0xff, ok & 0xff));
    assert.equal(j.next(), undefined);

    const tooBig = MAX_CERTIFICATE_MESSAGE + 1;
    const k = new HandshakeJoiner();
    k.allowLargeCertificates();
    throwsAlert(
      () => k.push(Uint8Array.of(HandshakeType.certificate, tooBig >> 16, (tooBig >> 8) & 0xff, tooBig & 0xff)),
      AlertDescription.decode_error,
    );
  });

  it('honours limits given to the constructor', () => {
    const j = new HandshakeJoiner({ maxHandshakeMessage: 100, maxCertificateMessage: 200 });
    j.push(message(HandshakeType.finished, filled(100, 1)));
    assert.equal(j.next()!.body.length, 100);
    throwsAlert(() => j.push(message(HandshakeType.finished, filled(101, 1))), AlertDescription.decode_error);
  });

  it('rejects an empty fragment (unexpected_message)', () => {
    const j = new HandshakeJoiner();
    throwsAlert(() => j.push(new Uint8Array(0)), AlertDescription.unexpected_message);
  });

  it('reports empty only when no partial message is pending', () => {
    const j = new HandshakeJoiner();
    assert.ok(j.empty);
    const a = message(HandshakeType.finished, filled(32, 1));
    j.push(concat([a, a.subarray(0, 3)]));
    assert.ok(!j.empty);
    assert.ok(j.next());
    assert.ok(!j.empty, 'a partial message is still pending');
    assert.equal(j.buffered, 3);
    j.push(a.subarray(3));
    assert.ok(j.next());
    assert.ok(j.empty);
  });

  it('yields the same messages for any fragmentation (property)', () => {
    const arbMessage = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 600 }))
      .map(([t, body]) => message(t, body));
    fc.assert(
      fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (msgs, rawCuts) => {
        const stream = concat(msgs);
        const cuts = [...new Set(rawCuts.map((c) => c % stream.length))].filter((c) => c > 0).sort((a, b) => a - b);
        const points = [0, ...cuts, stream.length];
        const j = new HandshakeJoiner();
        const out: HandshakeMessage[] = [];
        for (let i = 1; i < points.length; i++) {
          j.push(stream.subarray(points[i - 1]!, points[i]!));
          out.push(...drain(j));
        }
        assert.deepEqual(out.map(plain), msgs.map((raw) => ({ msgType: raw[0]!, body: Array.from(raw.subarray(4)), raw: Array.from(raw) })));
        assert.ok(j.empty);
      }),
      { numRuns: 300 },
    );
  });
});
