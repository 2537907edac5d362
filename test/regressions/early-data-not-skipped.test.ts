// Bug: a server that does not accept 0-RTT failed with bad_record_mac on the client's early data
// instead of skipping it. RFC 8446 §4.2.10: a server that ignores the PSK "MUST skip past early
// data by attempting to deprotect received records using the handshake traffic key, discarding
// records which fail deprotection (up to the configured max_early_data_size)". A client resuming
// with a ticket this server cannot use sends exactly that. Found by
// test/pair/malicious-client.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContentType } from '../../src/wire/codes.js';
import type { OfferedPsks } from '../../src/wire/types.js';
import { serverFor } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { record } from '../helpers/records.js';
import { ScriptedClient } from '../helpers/scripted.js';

const pki = cachedPki();
const psks: OfferedPsks = {
  identities: [{ identity: new Uint8Array(48).fill(7), obfuscated_ticket_age: 12345 }],
  binders: [new Uint8Array(32).fill(9)],
};
// Two 0-RTT records, as a client sealed them under its early traffic key (which the server never
// derives: to it they are undecryptable).
const earlyData = [
  record(ContentType.application_data, Uint8Array.from(Buffer.from('8f2a'.repeat(40), 'hex'))),
  record(ContentType.application_data, Uint8Array.from(Buffer.from('51c7'.repeat(25), 'hex'))),
];

test('0-RTT records after a ClientHello offering early_data are skipped and the handshake completes', () => {
  const c = new ScriptedClient(serverFor(pki));
  c.sendClientHello(c.clientHello({ early_data: true, pre_shared_key: psks }));
  for (const r of earlyData) c.server.receive(r);
  const skipped = c.failure;
  assert.equal(skipped, undefined, skipped?.message);
  c.sendFinished();
  const error = c.failure;
  assert.equal(error, undefined, error?.message);
  assert.ok(c.completed);
});
