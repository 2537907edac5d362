// Bug: before any hello, a handshake header of type certificate got the 256 KiB Certificate bound
// (record/joiner.ts picks the bound from the message type alone), so a peer could make a fresh
// connection buffer a quarter megabyte of a message it can never accept. DESIGN §3.10:
// "handshake message 64 KiB (Certificate larger only once the version is known)". Found by the
// flood tests in test/fuzz/receive.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/connection.js';
import { ContentType, alertName } from '../../src/wire/codes.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { record } from '../helpers/records.js';

const pki = cachedPki();
// msg_type certificate (11), declared length 200 000, then the first bytes of its body.
const first = record(ContentType.handshake, Uint8Array.from([11, 0x03, 0x0d, 0x40, ...new Uint8Array(1000)]));

for (const role of ['client', 'server'] as const) {
  test(`${role}: a 200 KB Certificate header before any hello is refused at once`, () => {
    const conn = role === 'client' ? Connection.client(clientFor(pki)) : Connection.server(serverFor(pki));
    conn.takeOutput();
    conn.receive(first);
    const error = conn.error;
    assert.ok(error, 'refused from the header, before its body is buffered');
    assert.ok(['decode_error', 'unexpected_message'].includes(alertName(error.alert)), `${alertName(error.alert)}: ${error.message}`);
  });
}
