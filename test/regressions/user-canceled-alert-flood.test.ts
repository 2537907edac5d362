// Bug: user_canceled alerts were ignored without a bound (limits.ts MAX_WARNING_ALERTS was not
// used), so a peer could keep a connection busy forever, 7 bytes a record. Found by the flood
// tests in test/fuzz/receive.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/connection.js';
import { MAX_WARNING_ALERTS } from '../../src/limits.js';
import { AlertDescription, alertName } from '../../src/wire/codes.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { alertRecord, concat } from '../helpers/records.js';

const pki = cachedPki();
const userCanceled = alertRecord(1, AlertDescription.user_canceled);
const closeNotify = alertRecord(1, AlertDescription.close_notify);

for (const role of ['client', 'server'] as const) {
  const fresh = () => {
    const conn = role === 'client' ? Connection.client(clientFor(pki)) : Connection.server(serverFor(pki));
    conn.takeOutput();
    return conn;
  };

  test(`${role}: a user_canceled then close_notify is a close, not a failure`, () => {
    const conn = fresh();
    conn.receive(concat([userCanceled, closeNotify]));
    assert.equal(conn.error, undefined);
    assert.equal(conn.peerClosed, true);
  });

  test(`${role}: more than MAX_WARNING_ALERTS user_canceled alerts in a row is unexpected_message`, () => {
    const conn = fresh();
    conn.receive(concat(Array.from({ length: MAX_WARNING_ALERTS }, () => userCanceled)));
    const early = conn.error;
    assert.equal(early, undefined, 'up to the bound is tolerated');
    conn.receive(concat(Array.from({ length: 1000 }, () => userCanceled)));
    const error = conn.error;
    assert.ok(error, 'the flood failed');
    assert.equal(alertName(error.alert), 'unexpected_message', error.message);
  });
}
