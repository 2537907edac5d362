// Fuzzing receive() on both roles: random bytes, and mutated recordings of a real session, fed
// whole, one byte at a time and in random chunks. Whatever arrives, receive() must not throw; the
// connection either waits for more or fails once, with a TLSError (never internal_error, which
// would mean one of our own checks threw something else), and ignores everything after.
// Separately: floods of well-framed garbage must fail early instead of being buffered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Connection } from '../../src/connection.js';
import type { TLSError } from '../../src/errors.js';
import { tls13Suite } from '../../src/crypto/suites.js';
import { AlertDescription, ContentType, HandshakeType, alertName } from '../../src/wire/codes.js';
import { type Role, chunked, editRecords, feed, freshEndpoint, mutate, mutation, peerChunks, peerStream, recordEdits, runs } from '../helpers/fuzz.js';
import { keylogSecret } from '../helpers/flight.js';
import { makePair } from '../helpers/pair.js';
import { recordSession } from '../helpers/recorded.js';
import { concat, record } from '../helpers/records.js';
import { sealerFor } from '../helpers/scripted.js';

const rec = recordSession();

const fresh = (role: Role): Connection => freshEndpoint(rec, role);

const whole = (bytes: Uint8Array) => [bytes];
function* bytewise(bytes: Uint8Array) {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

const delivery = fc.oneof(
  fc.constant<'whole' | 'bytewise' | number[]>('whole'),
  fc.constant<'whole' | 'bytewise' | number[]>('bytewise'),
  fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }),
);
const deliver = (bytes: Uint8Array, how: 'whole' | 'bytewise' | number[]) =>
  how === 'whole' ? whole(bytes) : how === 'bytewise' ? bytewise(bytes) : chunked(bytes, how);

describe('the recording', () => {
  // Without this, mutated recordings would only ever exercise the first record.
  for (const role of ['client', 'server'] as const) {
    for (const how of ['whole', 'bytewise', [7, 300, 1]] as const) {
      test(`replayed unchanged into a fresh ${role} (${Array.isArray(how) ? 'chunked' : how}) completes, carries the data and closes`, () => {
        const conn = fresh(role);
        const { events, failed } = feed(rec, conn, deliver(peerStream(rec, role), how as never));
        assert.equal(failed, undefined, failed?.message);
        assert.ok(events.some((e) => e.type === 'handshake-complete'));
        assert.ok(events.some((e) => e.type === 'data'));
        assert.ok(events.some((e) => e.type === 'key-update'));
        assert.ok(events.some((e) => e.type === 'peer-closed'));
      });
    }
  }
});

describe('random bytes', () => {
  for (const role of ['client', 'server'] as const) {
    test(`into a fresh ${role}: never throws, fails once with a TLSError or waits`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 3000 }), delivery, (bytes, how) => {
          feed(rec, fresh(role), deliver(bytes, how));
        }),
        runs(400),
      );
    });

    test(`records with valid headers and random bodies into a fresh ${role}`, () => {
      const anyRecord = fc
        .tuple(fc.integer({ min: 20, max: 23 }), fc.uint8Array({ maxLength: 400 }))
        .map(([type, body]) => record(type, body));
      fc.assert(
        fc.property(fc.array(anyRecord, { maxLength: 12 }), delivery, (records, how) => {
          feed(rec, fresh(role), deliver(concat(records), how));
        }),
        runs(400),
      );
    });
  }
});

describe('mutated recordings', () => {
  for (const role of ['client', 'server'] as const) {
    test(`the recorded peer stream, mutated, into a fresh ${role}`, () => {
      let failedRuns = 0;
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), delivery, (mutations, how) => {
          const bytes = mutate(peerStream(rec, role), mutations);
          if (feed(rec, fresh(role), deliver(bytes, how)).failed) failedRuns++;
        }),
        runs(1500),
      );
      assert.ok(failedRuns > 0, 'some mutations are detected');
    });

    test(`whole recorded records duplicated, dropped or swapped, into a fresh ${role}`, () => {
      const chunks = peerChunks(rec, role);
      fc.assert(
        fc.property(recordEdits(chunks.length), delivery, (edits, how) => {
          feed(rec, fresh(role), deliver(concat(editRecords(chunks, edits)), how));
        }),
        runs(500),
      );
    });
  }
});

describe('floods of well-framed garbage fail early instead of being buffered', () => {
  const TEN_MB = 10 * 1024 * 1024;

  /**
   * Feeds up to 10 MB from `next` (called with the bytes fed so far) into `conn` and returns how
   * many bytes went in before it failed. Past `bound` without a failure it stops, so a connection
   * that buffers everything fails the test instead of the process.
   */
  function flood(conn: Connection, next: (fed: number) => Uint8Array, bound: number): { fedBeforeFailure: number; error: TLSError | undefined } {
    let fed = 0;
    let error: TLSError | undefined;
    while (fed < TEN_MB) {
      const chunk = next(fed);
      conn.receive(chunk);
      fed += chunk.length;
      conn.takeOutput();
      const failedEvent = conn.takeEvents().find((e) => e.type === 'failed');
      if (failedEvent && failedEvent.type === 'failed') {
        error = failedEvent.error;
        break;
      }
      if (fed > bound) return { fedBeforeFailure: fed, error: undefined };
    }
    // The rest of the 10 MB, all of it ignored.
    const fedBeforeFailure = fed;
    const rest = next(fed);
    for (; fed < TEN_MB; fed += rest.length) conn.receive(rest);
    assert.deepEqual(conn.takeEvents(), []);
    assert.deepEqual(conn.takeOutput(), []);
    return { fedBeforeFailure, error };
  }

  const expectFlood = (result: ReturnType<typeof flood>, alerts: number[], bound: number) => {
    assert.ok(result.error, `no failure after ${result.fedBeforeFailure} bytes`);
    assert.ok(
      alerts.map((a) => alertName(a)).includes(alertName(result.error.alert)),
      `${alertName(result.error.alert)}: ${result.error.message}`,
    );
    assert.ok(result.fedBeforeFailure <= bound, `failed only after ${result.fedBeforeFailure} bytes`);
  };

  const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const garbage = new Uint8Array(1 << 14).fill(0x41);

  for (const role of ['client', 'server'] as const) {
    const msgType = role === 'server' ? HandshakeType.client_hello : HandshakeType.server_hello;

    test(`${role}: fragments of a handshake message declaring 2^24-1 bytes fail at the header with decode_error`, () => {
      const first = record(ContentType.handshake, concat([Uint8Array.of(msgType, ...u24(0xffffff)), garbage.subarray(4)]));
      const more = record(ContentType.handshake, garbage);
      const result = flood(fresh(role), (fed) => (fed === 0 ? first : more), 1 << 15);
      expectFlood(result, [AlertDescription.decode_error], first.length);
    });

    test(`${role}: a handshake message declaring just under the 64 KiB limit is refused once complete, not later`, () => {
      const first = record(ContentType.handshake, concat([Uint8Array.of(msgType, ...u24(65_000)), garbage.subarray(4)]));
      const more = record(ContentType.handshake, garbage);
      const result = flood(fresh(role), (fed) => (fed === 0 ? first : more), 200_000);
      expectFlood(result, [AlertDescription.decode_error], 65_000 + 5 * 5 + 4 + (1 << 14));
    });

    test(`${role}: records declaring more than 2^14 + 256 bytes fail at the header with record_overflow`, () => {
      const header = Uint8Array.of(ContentType.handshake, 3, 3, 0x41, 0x01); // 16641 bytes
      const result = flood(fresh(role), (fed) => (fed === 0 ? header : garbage), 1 << 16);
      expectFlood(result, [AlertDescription.record_overflow], header.length);
    });

    test(`${role}: plaintext records of 2^14 + 1 bytes fail with record_overflow`, () => {
      const big = record(ContentType.handshake, new Uint8Array((1 << 14) + 1).fill(0x41));
      const result = flood(fresh(role), () => big, 1 << 16);
      expectFlood(result, [AlertDescription.record_overflow], big.length);
    });

    test(`${role}: endless change_cipher_spec records fail on the second with unexpected_message`, () => {
      const ccs = new Uint8Array(6 * 1024);
      for (let i = 0; i < ccs.length; i += 6) ccs.set([20, 3, 3, 0, 1, 1], i);
      const result = flood(fresh(role), () => ccs, 1 << 16);
      expectFlood(result, [AlertDescription.unexpected_message], ccs.length);
    });

    test(`${role}: endless plaintext application data before the handshake fails with unexpected_message`, () => {
      const data = record(ContentType.application_data, garbage);
      const result = flood(fresh(role), () => data, 1 << 16);
      expectFlood(result, [AlertDescription.unexpected_message], data.length);
    });

    // RFC 8446 §6 has one non-fatal alert, user_canceled, and says close_notify should follow it.
    // Ignoring it without a bound lets a peer keep a connection busy forever at 7 bytes a record
    // (DESIGN §3.10 and limits.ts MAX_WARNING_ALERTS name this bound).
    test(`${role}: endless user_canceled alerts fail early with unexpected_message`, () => {
      const alerts = new Uint8Array(7 * 1024);
      for (let i = 0; i < alerts.length; i += 7) alerts.set([21, 3, 3, 0, 2, 1, AlertDescription.user_canceled], i);
      const result = flood(fresh(role), () => alerts, 1 << 16);
      expectFlood(result, [AlertDescription.unexpected_message], alerts.length);
    });

    // DESIGN §3.10: "handshake message 64 KiB (Certificate larger only once the version is
    // known)". Before any hello, a Certificate is not even acceptable, so its declared size must
    // not buy it the larger bound.
    test(`${role}: a Certificate declaring 200 KB before any hello is refused from its header`, () => {
      const first = record(ContentType.handshake, concat([Uint8Array.of(HandshakeType.certificate, ...u24(200_000)), garbage.subarray(4)]));
      const more = record(ContentType.handshake, garbage);
      const result = flood(fresh(role), (fed) => (fed === 0 ? first : more), 1 << 20);
      expectFlood(result, [AlertDescription.decode_error, AlertDescription.unexpected_message], first.length);
    });
  }

  test('endless empty protected application_data records after the handshake fail with unexpected_message', () => {
    const pair = makePair(rec.clientConfig, rec.serverConfig);
    const secret = keylogSecret(pair.clientEvents, 'CLIENT_TRAFFIC_SECRET_0')!;
    const sealer = sealerFor(tls13Suite(pair.client.handshakeInfo!.cipherSuite)!, secret);
    const EMPTY_RECORD = 5 + 1 + 16; // header, inner content type, tag
    const batch = () => concat(Array.from({ length: 256 }, () => sealer.seal(ContentType.application_data, new Uint8Array(0))));
    const result = flood(pair.server, batch, 1 << 16);
    expectFlood(result, [AlertDescription.unexpected_message], 256 * EMPTY_RECORD);
  });

  test('endless KeyUpdates without data in between fail with unexpected_message', () => {
    const pair = makePair(rec.clientConfig, rec.serverConfig);
    for (let i = 0; i < 100 && !pair.server.error; i++) {
      pair.client.updateKeys(false);
      pair.run();
    }
    assert.equal(alertName(pair.server.error?.alert ?? 0), 'unexpected_message');
  });
});
