import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { RecordLayer } from '../../src/record/record-layer.js';
import { RecordEncrypter, AEAD_TAG_LENGTH, type DecryptedRecord } from '../../src/record/protection.js';
import { Tls12RecordDecrypter, Tls12RecordEncrypter, type Tls12Protection } from '../../src/record/protection12.js';
import { Deframer, type TLSRecord } from '../../src/record/deframer.js';
import { HandshakeJoiner } from '../../src/record/joiner.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { TLS13_SUITES, tls13Suite, type Tls13Suite } from '../../src/crypto/suites.js';
import { TLSError } from '../../src/errors.js';
import { MAX_EMPTY_RECORDS, MAX_PLAINTEXT } from '../../src/limits.js';
import { AlertDescription, CipherSuite, ContentType, HandshakeType } from '../../src/wire/codes.js';
import { throwsAlert, concat, filled } from './helpers.js';

function plaintextRecord(type: number, body: Uint8Array): TLSRecord {
  return { type: type as ContentType, version: 0x0303, fragment: body };
}

function drain(layer: RecordLayer): DecryptedRecord[] {
  const out: DecryptedRecord[] = [];
  for (let r = layer.next(); r; r = layer.next()) out.push(r);
  return out;
}

const AES128 = tls13Suite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

function keys(suite: Tls13Suite, seed: number): [Uint8Array, Uint8Array] {
  return [filled(suite.keyLength, seed), filled(suite.ivLength, seed + 100)];
}

/** Two layers with `writer`'s write keys equal to `reader`'s read keys. */
function keyedPair(suite: Tls13Suite = AES128): { writer: RecordLayer; reader: RecordLayer } {
  const writer = new RecordLayer(nodeProvider);
  const reader = new RecordLayer(nodeProvider);
  writer.setWriteKeys(suite, ...keys(suite, 1));
  reader.setReadKeys(suite, ...keys(suite, 1));
  return { writer, reader };
}

describe('RecordLayer', () => {
  it('carries plaintext, then protected records once keys are set, for every suite', () => {
    for (const suite of TLS13_SUITES) {
      const client = new RecordLayer(nodeProvider);
      const server = new RecordLayer(nodeProvider);

      const hello = filled(300, 1);
      const [helloRecord] = client.encode(ContentType.handshake, hello, { legacyRecordVersion: 0x0301 });
      assert.deepEqual(helloRecord!.subarray(0, 5), Uint8Array.of(22, 3, 1, 300 >> 8, 300 & 0xff));
      server.receive(helloRecord!);
      assert.deepEqual(drain(server), [{ type: ContentType.handshake, content: hello }]);

      const serverHello = filled(90, 2);
      const [serverHelloRecord] = server.encode(ContentType.handshake, serverHello);
      assert.deepEqual(serverHelloRecord!.subarray(0, 3), Uint8Array.of(22, 3, 3));

      server.setWriteKeys(suite, ...keys(suite, 10));
      client.setReadKeys(suite, ...keys(suite, 10));
      assert.ok(server.writeProtected && client.readProtected && !client.writeProtected);

      const flight = filled(40_000, 3); // three records
      const records = server.encode(ContentType.handshake, flight);
      assert.equal(records.length, 3);
      for (const r of records) assert.deepEqual(r.subarray(0, 3), Uint8Array.of(23, 3, 3));
      assert.equal(server.writeSequence, 3n);

      client.receive(serverHelloRecord!);
      throwsAlert(() => client.next(), AlertDescription.unexpected_message); // keys were set before it was read
      const fresh = new RecordLayer(nodeProvider);
      fresh.receive(serverHelloRecord!);
      assert.deepEqual(drain(fresh), [{ type: ContentType.handshake, content: serverHello }]);

      const reader = new RecordLayer(nodeProvider);
      reader.setReadKeys(suite, ...keys(suite, 10));
      reader.receive(concat(records));
      const got = drain(reader);
      assert.deepEqual(got.map((r) => r.type), [22, 22, 22]);
      assert.deepEqual(concat(got.map((r) => r.content)), flight);
      assert.equal(reader.readSequence, 3n);
      assert.equal(reader.buffered, 0);
    }
  });

  it('decrypts lazily, so records queued before a key change use the keys current when pulled', () => {
    const { writer, reader } = keyedPair();
    const [first] = writer.encode(ContentType.handshake, filled(10, 1));
    writer.setWriteKeys(AES128, ...keys(AES128, 2));
    const [second] = writer.encode(ContentType.application_data, filled(10, 2));
    reader.receive(concat([first!, second!]));
    assert.equal(reader.next()!.type, ContentType.handshake);
    reader.setReadKeys(AES128, ...keys(AES128, 2));
    assert.equal(reader.readSequence, 0n);
    assert.deepEqual(reader.next(), { type: ContentType.application_data, content: filled(10, 2) });
  });

  it('passes a plaintext change_cipher_spec through while keyed (RFC 8446 §5 middlebox compatibility)', () => {
    const { reader } = keyedPair();
    reader.receive(Uint8Array.of(20, 3, 3, 0, 1, 1));
    assert.deepEqual(reader.next(), { type: ContentType.change_cipher_spec, content: Uint8Array.of(1) });
    assert.equal(reader.readSequence, 0n);
  });

  it('rejects plaintext handshake and alert records once read keys are set (unexpected_message)', () => {
    for (const type of [ContentType.handshake, ContentType.alert]) {
      const { reader } = keyedPair();
      throwsAlert(() => reader.decode(plaintextRecord(type, Uint8Array.of(1, 2))), AlertDescription.unexpected_message);
    }
  });

  it('rejects a record of unknown content type handed to decode directly (unexpected_message)', () => {
    for (const layer of [new RecordLayer(nodeProvider), keyedPair().reader]) {
      throwsAlert(() => layer.decode({ type: 99, version: 0x0303, fragment: Uint8Array.of(1) }), AlertDescription.unexpected_message);
    }
  });

  it('returns to plaintext after clearReadKeys / clearWriteKeys', () => {
    const { writer, reader } = keyedPair();
    writer.clearWriteKeys();
    reader.clearReadKeys();
    const [record] = writer.encode(ContentType.alert, Uint8Array.of(2, 40));
    assert.deepEqual(record, Uint8Array.of(21, 3, 3, 0, 2, 2, 40));
    reader.receive(record!);
    assert.deepEqual(reader.next(), { type: ContentType.alert, content: Uint8Array.of(2, 40) });
  });

  it('rejects a plaintext record over 2^14 bytes (record_overflow)', () => {
    const layer = new RecordLayer(nodeProvider);
    throwsAlert(() => layer.decode(plaintextRecord(22, new Uint8Array(MAX_PLAINTEXT + 1))), AlertDescription.record_overflow);
    assert.equal(layer.decode(plaintextRecord(22, new Uint8Array(MAX_PLAINTEXT))).content.length, MAX_PLAINTEXT);
    const keyed = keyedPair().reader;
    throwsAlert(() => keyed.decode(plaintextRecord(20, new Uint8Array(MAX_PLAINTEXT + 1))), AlertDescription.record_overflow);
  });

  it('rejects zero-length handshake, alert and change_cipher_spec records (unexpected_message)', () => {
    for (const type of [ContentType.handshake, ContentType.alert, ContentType.change_cipher_spec]) {
      throwsAlert(() => new RecordLayer(nodeProvider).decode(plaintextRecord(type, new Uint8Array(0))), AlertDescription.unexpected_message);
    }
    throwsAlert(() => keyedPair().reader.decode(plaintextRecord(20, new Uint8Array(0))), AlertDescription.unexpected_message);
  });

  it(`accepts ${MAX_EMPTY_RECORDS} empty application_data records in a row, not one more (unexpected_message)`, () => {
    const { reader } = keyedPair();
    const enc = new RecordEncrypter(nodeProvider, AES128, ...keys(AES128, 1));
    const empty = () => enc.seal(ContentType.application_data, new Uint8Array(0));
    for (let i = 0; i < MAX_EMPTY_RECORDS; i++) {
      reader.receive(empty());
      assert.deepEqual(reader.next(), { type: ContentType.application_data, content: new Uint8Array(0) });
    }
    reader.receive(empty());
    throwsAlert(() => reader.next(), AlertDescription.unexpected_message);
  });

  it('resets the empty-record count on a record with content', () => {
    const layer = new RecordLayer(nodeProvider);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_EMPTY_RECORDS; i++) layer.decode(plaintextRecord(23, new Uint8Array(0)));
      layer.decode(plaintextRecord(23, Uint8Array.of(1)));
    }
    for (let i = 0; i < MAX_EMPTY_RECORDS; i++) layer.decode(plaintextRecord(23, new Uint8Array(0)));
    throwsAlert(() => layer.decode(plaintextRecord(23, new Uint8Array(0))), AlertDescription.unexpected_message);
  });

  it('fragments protected records to the peer record_size_limit (RFC 8449: the limit counts the inner plaintext)', () => {
    const { writer, reader } = keyedPair();
    writer.setRecordSizeLimit(64);
    assert.equal(writer.maxFragment, 63);
    const data = filled(1000, 4);
    const records = writer.encode(ContentType.application_data, data);
    assert.equal(records.length, Math.ceil(1000 / 63));
    for (const r of records) assert.ok(r.length - 5 <= 64 + AEAD_TAG_LENGTH, `record of ${r.length} bytes`);
    reader.receive(concat(records));
    assert.deepEqual(concat(drain(reader).map((r) => r.content)), data);
  });

  it('never exceeds 2^14 content bytes, whatever the record_size_limit', () => {
    const { writer } = keyedPair();
    writer.setRecordSizeLimit(0xffff);
    assert.equal(writer.maxFragment, MAX_PLAINTEXT);
    writer.setRecordSizeLimit(MAX_PLAINTEXT + 1);
    assert.equal(writer.maxFragment, MAX_PLAINTEXT);
    const records = writer.encode(ContentType.application_data, new Uint8Array(MAX_PLAINTEXT + 1));
    assert.deepEqual(records.map((r) => r.length - 5 - AEAD_TAG_LENGTH - 1), [MAX_PLAINTEXT, 1]);
  });

  it('does not apply record_size_limit to plaintext records (RFC 8449 §4)', () => {
    const layer = new RecordLayer(nodeProvider);
    layer.setRecordSizeLimit(64);
    const records = layer.encode(ContentType.handshake, new Uint8Array(1000));
    assert.equal(records.length, 1);
    assert.equal(layer.encode(ContentType.handshake, new Uint8Array(MAX_PLAINTEXT + 1)).length, 2);
  });

  it('rejects a record_size_limit below 64 (illegal_parameter)', () => {
    throwsAlert(() => new RecordLayer(nodeProvider).setRecordSizeLimit(63), AlertDescription.illegal_parameter);
  });

  it('encodes nothing for empty data and refuses other legacy_record_versions (internal_error)', () => {
    const layer = new RecordLayer(nodeProvider);
    assert.deepEqual(layer.encode(ContentType.application_data, new Uint8Array(0)), []);
    throwsAlert(() => layer.encode(ContentType.handshake, Uint8Array.of(1), { legacyRecordVersion: 0x0304 }), AlertDescription.internal_error);
  });

  it('feeds a joiner: a flight written as records comes back as the same messages', () => {
    const { writer, reader } = keyedPair();
    const messages = [
      Uint8Array.of(HandshakeType.encrypted_extensions, 0, 0, 2, 0, 0),
      concat([Uint8Array.of(HandshakeType.certificate, 0, 0x75, 0x30), filled(30_000, 5)]),
      concat([Uint8Array.of(HandshakeType.finished, 0, 0, 32), filled(32, 6)]),
    ];
    writer.setRecordSizeLimit(1000);
    const wire = concat(writer.encode(ContentType.handshake, concat(messages)));
    const joiner = new HandshakeJoiner();
    const deframer = new Deframer();
    const got: Uint8Array[] = [];
    for (let at = 0; at < wire.length; at += 777) {
      deframer.push(wire.subarray(at, at + 777));
      for (let record = deframer.next(); record; record = deframer.next()) {
        const { type, content } = reader.decode(record);
        assert.equal(type, ContentType.handshake);
        joiner.push(content);
        for (let m = joiner.next(); m; m = joiner.next()) got.push(m.raw);
      }
    }
    assert.deepEqual(got, messages);
    assert.ok(joiner.empty);
  });
});

describe('RecordLayer with TLS 1.2 protection', () => {
  const GCM_KEY = filled(16, 1);
  const GCM_SALT = filled(4, 2);
  const GCM: Tls12Protection = { kind: 'aead', aead: 'aes-128-gcm', key: GCM_KEY, fixedIv: GCM_SALT, explicitNonce: true };
  const CBC: Tls12Protection = {
    kind: 'cbc',
    cipher: 'aes-128-cbc',
    key: filled(16, 3),
    macHash: 'sha1',
    macKey: filled(20, 4),
    encryptThenMac: false,
  };

  function tls12Pair(protection: Tls12Protection): { writer: RecordLayer; reader: RecordLayer } {
    const writer = new RecordLayer(nodeProvider);
    const reader = new RecordLayer(nodeProvider);
    writer.setWriteProtection(new Tls12RecordEncrypter(nodeProvider, protection));
    reader.setReadProtection(new Tls12RecordDecrypter(nodeProvider, protection));
    return { writer, reader };
  }

  it('protects and decrypts handshake, alert and application_data records under their real types', () => {
    for (const protection of [GCM, CBC]) {
      const { writer, reader } = tls12Pair(protection);
      assert.ok(writer.writeProtected && reader.readProtected);
      const sent = [
        { type: ContentType.handshake, content: filled(16, 5) },
        { type: ContentType.application_data, content: filled(3000, 6) },
        { type: ContentType.alert, content: Uint8Array.of(1, 0) },
      ];
      const records = sent.flatMap(({ type, content }) => writer.encode(type, content));
      assert.deepEqual(records.map((r) => r[0]), [22, 23, 21], 'no TLS 1.3 outer type');
      for (const r of records) assert.deepEqual(r.subarray(1, 3), Uint8Array.of(3, 3));
      assert.equal(writer.writeSequence, 3n);
      reader.receive(concat(records));
      assert.deepEqual(drain(reader), sent);
      assert.equal(reader.readSequence, 3n);
    }
  });

  it('reads the plaintext flight, the ChangeCipherSpec, then the protected Finished (RFC 5246 §7.1)', () => {
    const peer = new RecordLayer(nodeProvider);
    const serverHello = peer.encode(ContentType.handshake, filled(70, 1));
    const ccs = peer.encode(ContentType.change_cipher_spec, Uint8Array.of(1));
    peer.setWriteProtection(new Tls12RecordEncrypter(nodeProvider, GCM));
    const finished = peer.encode(ContentType.handshake, filled(16, 2));

    const layer = new RecordLayer(nodeProvider);
    layer.receive(concat([...serverHello, ...ccs, ...finished]));
    assert.deepEqual(layer.next(), { type: ContentType.handshake, content: filled(70, 1) });
    assert.deepEqual(layer.next(), { type: ContentType.change_cipher_spec, content: Uint8Array.of(1) });
    layer.setReadProtection(new Tls12RecordDecrypter(nodeProvider, GCM));
    assert.deepEqual(layer.next(), { type: ContentType.handshake, content: filled(16, 2) });
    assert.equal(layer.readSequence, 1n);
  });

  it('treats a plaintext handshake or alert record as protected once read protection is on (bad_record_mac)', () => {
    for (const type of [ContentType.handshake, ContentType.alert, ContentType.application_data]) {
      const { reader } = tls12Pair(GCM);
      throwsAlert(() => reader.decode(plaintextRecord(type, filled(40, 1))), AlertDescription.bad_record_mac);
    }
  });

  it('refuses a change_cipher_spec once read protection is on, plaintext or not (unexpected_message)', () => {
    const { reader } = tls12Pair(GCM);
    throwsAlert(() => reader.decode(plaintextRecord(ContentType.change_cipher_spec, Uint8Array.of(1))), AlertDescription.unexpected_message);
    throwsAlert(() => reader.decode(plaintextRecord(ContentType.change_cipher_spec, filled(40, 1))), AlertDescription.unexpected_message);
    assert.equal(reader.readSequence, 0n);
  });

  it('rejects authentic zero-length handshake and alert records (unexpected_message)', () => {
    for (const type of [ContentType.handshake, ContentType.alert]) {
      const { reader } = tls12Pair(GCM);
      // Sealed by hand (RFC 5288 §3, sequence number 0): the encrypter refuses to produce them.
      const explicit = new Uint8Array(8);
      const aad = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, type, 3, 3, 0, 0);
      const sealed = nodeProvider.createAead('aes-128-gcm', GCM_KEY).seal(concat([GCM_SALT, explicit]), aad, new Uint8Array(0));
      throwsAlert(() => reader.decode(plaintextRecord(type, concat([explicit, sealed]))), AlertDescription.unexpected_message);
    }
  });

  it('applies record_size_limit to the plaintext alone in TLS 1.2 (RFC 8449 §4), to the inner plaintext in TLS 1.3', () => {
    const { writer, reader } = tls12Pair(CBC);
    writer.setRecordSizeLimit(64);
    assert.equal(writer.maxFragment, 64);
    const data = filled(1000, 7);
    const records = writer.encode(ContentType.application_data, data);
    assert.equal(records.length, Math.ceil(1000 / 64));
    reader.receive(concat(records));
    const got = drain(reader);
    assert.ok(got.every((r) => r.content.length <= 64));
    assert.equal(got[0]!.content.length, 64);
    assert.deepEqual(concat(got.map((r) => r.content)), data);

    writer.setRecordSizeLimit(MAX_PLAINTEXT + 1);
    assert.equal(writer.maxFragment, MAX_PLAINTEXT);

    // The same limit, once the layer switches to TLS 1.3 keys, leaves room for the type byte.
    writer.setRecordSizeLimit(64);
    writer.setWriteKeys(AES128, ...keys(AES128, 1));
    assert.equal(writer.maxFragment, 63);
    writer.setWriteProtection(new Tls12RecordEncrypter(nodeProvider, GCM));
    assert.equal(writer.maxFragment, 64);
  });
});
