// Bug: a record of another type arriving between two fragments of one handshake message was
// accepted. RFC 8446 §5.1: "if a handshake message is split over two or more records, there MUST
// NOT be any other records between them" — the connection must fail with unexpected_message.
// Found by test/pair/tamper.test.ts (a CCS between the ServerHello's fragments) and
// test/pair/malicious-server.test.ts (application data between a NewSessionTicket's fragments).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/connection.js';
import { ContentType, alertName } from '../../src/wire/codes.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import { clientFor } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { CHANGE_CIPHER_SPEC, concat, record } from '../helpers/records.js';

const pki = cachedPki();

// A ServerHello (fixed bytes, its session id echo matching nothing), cut after 20 bytes. Had the
// client waited for the whole message it would have failed on the echo (illegal_parameter); the
// change_cipher_spec between the fragments must be refused first.
const serverHello = encodeHandshake({
  type: 'server_hello',
  legacy_version: 0x0303,
  random: new Uint8Array(32).fill(0x11),
  legacy_session_id_echo: new Uint8Array(32).fill(0x22),
  cipher_suite: 0x1301,
  legacy_compression_method: 0,
  extensions: { supported_versions: 0x0304, key_share: { group: 0x001d, key_exchange: new Uint8Array(32).fill(0x33) }, unknown: [] },
});

test('a change_cipher_spec between two fragments of the ServerHello is unexpected_message', () => {
  const client = Connection.client(clientFor(pki));
  client.takeOutput();
  client.receive(concat([
    record(ContentType.handshake, serverHello.subarray(0, 20)),
    CHANGE_CIPHER_SPEC,
    record(ContentType.handshake, serverHello.subarray(20)),
  ]));
  const error = client.error;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), 'unexpected_message', error.message);
});

test('without the change_cipher_spec in between, the same bytes get as far as the ServerHello checks', () => {
  const client = Connection.client(clientFor(pki));
  client.takeOutput();
  client.receive(concat([record(ContentType.handshake, serverHello.subarray(0, 20)), record(ContentType.handshake, serverHello.subarray(20))]));
  assert.equal(alertName(client.error!.alert), 'illegal_parameter', client.error!.message);
});
