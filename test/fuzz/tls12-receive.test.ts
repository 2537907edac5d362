// Fuzzing receive() on both TLS 1.2 roles with mutated flights of real TLS 1.2 sessions (recorded
// in memory with deterministic providers, so the unmutated recording takes a fresh endpoint through
// the whole handshake, data and close): byte flips, overwrites, truncations, insertions, deletions,
// duplicated runs, and whole records dropped, duplicated or swapped. Whatever arrives:
// - receive() never throws; a failure is one `failed` event carrying a TLSError with a known
//   alert, never internal_error (which would mean one of our own checks threw something else);
// - after a failure nothing more comes out, whatever else is fed;
// - memory stays bounded: the bytes the record deframer and the handshake joiner hold stay below
//   the record and handshake message limits (src/limits.ts), and one receive() never makes more
//   than a flight's worth of output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Connection } from '../../src/connection.js';
import { TLSError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/events.js';
import { MAX_CERTIFICATE_MESSAGE, MAX_CIPHERTEXT_TLS12 } from '../../src/limits.js';
import { AlertDescription, NamedGroup, SignatureScheme, Tls12CipherSuite, alertName } from '../../src/wire/codes.js';
import { runs } from '../helpers/fuzz.js';
import { concat } from '../helpers/records.js';
import { type Tls12Recording, recordTls12Session } from '../helpers/tls12-pair-recording.js';

const KNOWN_ALERTS = new Set<number>(Object.values(AlertDescription));
/** A partial record (header and up to the TLS 1.2 ciphertext limit) is all the deframer may hold. */
const MAX_DEFRAMER_BYTES = 5 + MAX_CIPHERTEXT_TLS12;
/** A partial handshake message (header and up to the largest bound, Certificate's) is all the joiner may hold. */
const MAX_JOINER_BYTES = 4 + MAX_CERTIFICATE_MESSAGE;
/** One receive() answers with at most a flight: our certificate chain, a key exchange, alerts. */
const MAX_OUTPUT_PER_RECEIVE = 32 * 1024;

const RECORDINGS: Tls12Recording[] = [
  // Ed25519 signs deterministically, so a fresh server re-sends the recorded ServerKeyExchange.
  recordTls12Session({
    name: 'ECDHE-ECDSA AES-128-GCM, Ed25519, x25519, ALPN',
    keyType: 'ed25519',
    client: { cipherSuites: [Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], groups: [NamedGroup.x25519], alpnProtocols: ['h2'] },
    // A server that speaks TLS 1.3 too, as deployed: it answers this TLS 1.2-only client with the sentinel.
    server: { maxVersion: 'TLSv1.3', alpnProtocols: ['h2'] },
    clientReplays: true,
  }),
  // CBC with encrypt_then_mac, finite-field DHE, an RSA PKCS#1 v1.5 (deterministic) signature.
  recordTls12Session({
    name: 'DHE-RSA AES-128-CBC-SHA256 (EtM), ffdhe2048, rsa_pkcs1_sha256',
    keyType: 'rsa-2048',
    client: {
      cipherSuites: [Tls12CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256],
      groups: [NamedGroup.ffdhe2048],
      signatureSchemes: [SignatureScheme.rsa_pkcs1_sha256],
    },
    server: { cipherSuites: [Tls12CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256] },
    clientReplays: true,
  }),
  // RSA key transport (the server decrypts whatever ClientKeyExchange comes), CBC with SHA-1.
  recordTls12Session({
    name: 'RSA AES-256-CBC-SHA (EtM)',
    keyType: 'rsa-2048',
    client: { cipherSuites: [Tls12CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA] },
    server: { cipherSuites: [Tls12CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA] },
    clientReplays: false,
  }),
];

type Role = 'client' | 'server';

/** A fresh endpoint of `role`, its ClientHello (client) already taken. */
function fresh(rec: Tls12Recording, role: Role): Connection {
  const conn = role === 'client' ? rec.newClient() : rec.newServer();
  conn.takeOutput();
  conn.takeEvents();
  return conn;
}
/** What the peer of `role` sent in the recording, record by record. */
const peerChunks = (rec: Tls12Recording, role: Role) => (role === 'client' ? rec.fromServer : rec.fromClient);
const peerStream = (rec: Tls12Recording, role: Role) => (role === 'client' ? rec.serverStream : rec.clientStream);

/** The bytes buffered inside a connection: its deframer's and joiner's queues (private fields, read for this check). */
function buffered(conn: Connection): { deframer: number; joiner: number } {
  const inner = conn as unknown as { deframer?: { buffered?: unknown }; joiner?: { buffered?: unknown } };
  const deframer = inner.deframer?.buffered;
  const joiner = inner.joiner?.buffered;
  assert.equal(typeof deframer, 'number', 'Connection has a deframer with `buffered` (update this test if it moved)');
  assert.equal(typeof joiner, 'number', 'Connection has a joiner with `buffered` (update this test if it moved)');
  return { deframer: deframer as number, joiner: joiner as number };
}

interface Outcome {
  events: ConnectionEvent[];
  failed: TLSError | undefined;
}

/** Feeds `pieces` one receive() at a time and checks the invariants after each. */
function feed(rec: Tls12Recording, conn: Connection, pieces: Iterable<Uint8Array>): Outcome {
  const events: ConnectionEvent[] = [];
  let failed: TLSError | undefined;
  for (const piece of pieces) {
    try {
      conn.receive(piece);
    } catch (err) {
      assert.fail(`receive() threw ${err instanceof Error ? err.stack : String(err)}`);
    }
    const now = conn.takeEvents();
    const output = conn.takeOutput();
    if (failed) {
      assert.deepEqual(now, [], 'no events after the failure');
      assert.deepEqual(output, [], 'no output after the failure');
      continue;
    }
    const out = output.reduce((n, c) => n + c.length, 0);
    assert.ok(out <= MAX_OUTPUT_PER_RECEIVE, `one receive() produced ${out} bytes of output`);
    events.push(...now);
    const failures = now.filter((e): e is Extract<ConnectionEvent, { type: 'failed' }> => e.type === 'failed');
    assert.ok(failures.length <= 1, 'one failure at most');
    if (failures.length === 1) {
      failed = failures[0]!.error;
      assert.ok(failed instanceof TLSError, `failed with ${String(failed)}`);
      if (!failed.fromPeer) {
        assert.ok(KNOWN_ALERTS.has(failed.alert), `unknown alert ${failed.alert}`);
        assert.notEqual(alertName(failed.alert), 'internal_error', `internal_error: ${failed.message}\n${failed.stack}`);
      }
      assert.equal(conn.error, failed);
      assert.equal(conn.open, false);
      continue;
    }
    // Still going: only a partial record and a partial handshake message may be held.
    const b = buffered(conn);
    assert.ok(b.deframer < MAX_DEFRAMER_BYTES, `the deframer holds ${b.deframer} bytes`);
    assert.ok(b.joiner <= MAX_JOINER_BYTES, `the joiner holds ${b.joiner} bytes`);
  }
  if (failed) {
    // Ignored afterwards, whatever comes.
    conn.receive(peerStream(rec, conn.role));
    conn.receive(new Uint8Array([22, 3, 3, 0, 1]));
    assert.deepEqual(conn.takeEvents(), []);
    assert.deepEqual(conn.takeOutput(), []);
  } else {
    assert.equal(conn.error, undefined);
  }
  return { events, failed };
}

type Delivery = 'whole' | 'records' | number[];
const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  fc.constant<Delivery>('whole'),
  fc.constant<Delivery>('records'),
  fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
);
function* chunked(bytes: Uint8Array, sizes: number[]) {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
/** `records`: as the recording's chunks were (mutations may have moved their borders: cut at the old lengths). */
function deliver(bytes: Uint8Array, how: Delivery, lengths: number[]): Iterable<Uint8Array> {
  if (how === 'whole') return [bytes];
  if (how === 'records') return chunked(bytes, [...lengths, bytes.length || 1]);
  return chunked(bytes, how);
}

/** One change to a byte string; `where` is a fraction of its current length, so it stays in range. */
interface Mutation {
  kind: 'flip' | 'set' | 'truncate' | 'insert' | 'delete' | 'duplicate';
  where: number;
  bit: number;
  value: number;
  length: number;
  bytes: Uint8Array;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('flip', 'flip', 'flip', 'set', 'truncate', 'insert', 'delete', 'duplicate'),
  where: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  bit: fc.integer({ min: 0, max: 7 }),
  value: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 64 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
});

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b: Uint8Array = input.slice();
  for (const m of mutations) {
    const at = Math.floor(m.where * b.length);
    switch (m.kind) {
      case 'flip':
        if (at < b.length) b[at]! ^= 1 << m.bit;
        break;
      case 'set':
        if (at < b.length) b[at] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'insert':
        b = concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case 'duplicate':
        b = concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
        break;
    }
  }
  return b;
}

const rolesOf = (rec: Tls12Recording): Role[] => (rec.clientReplays ? ['client', 'server'] : ['server']);

for (const rec of RECORDINGS) {
  describe(`TLS 1.2 recording: ${rec.name}`, () => {
    for (const role of rolesOf(rec)) {
      const chunks = peerChunks(rec, role);
      const lengths = chunks.map((c) => c.length);

      // Without this, mutated recordings would only ever exercise the first flight.
      test(`replayed unchanged into a fresh ${role} (whole, record by record, one byte at a time): completes, carries the data, closes`, () => {
        for (const how of ['whole', 'records', [1]] as Delivery[]) {
          const { events, failed } = feed(rec, fresh(rec, role), deliver(peerStream(rec, role), how, lengths));
          // DESIGN §1: randomness comes from the provider, so a fresh endpoint with the same seed
          // sends the same bytes and accepts the recorded peer's.
          assert.equal(failed, undefined, `a fresh ${role} did not reproduce the recorded session: ${failed?.message}`);
          const done = events.find((e) => e.type === 'handshake-complete');
          assert.ok(done && done.type === 'handshake-complete', 'the handshake completed');
          assert.equal(done.info.version, 'TLSv1.2');
          assert.ok(events.some((e) => e.type === 'data'));
          assert.ok(events.some((e) => e.type === 'peer-closed'));
        }
      });

      test(`the peer's stream, mutated anywhere, into a fresh ${role}`, () => {
        const alerts = new Set<string>();
        fc.assert(
          fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), delivery, (mutations, how) => {
            const { failed } = feed(rec, fresh(rec, role), deliver(mutate(peerStream(rec, role), mutations), how, lengths));
            if (failed) alerts.add(alertName(failed.alert));
          }),
          runs(400),
        );
        assert.ok(alerts.size >= 2, `mutations are detected, with several alerts: ${[...alerts].join(', ')}`);
      });

      // Uniform positions mostly land in the certificate; this spreads mutations over every record,
      // so the ServerKeyExchange, ClientKeyExchange, Finished and protected records get their share.
      test(`one record of the peer's stream mutated (every record alike), into a fresh ${role}`, () => {
        const alerts = new Set<string>();
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: chunks.length - 1 }),
            fc.array(mutation, { minLength: 1, maxLength: 2 }),
            delivery,
            (i, mutations, how) => {
              const list = chunks.map((c, j) => (j === i ? mutate(c, mutations) : c));
              const { failed } = feed(rec, fresh(rec, role), deliver(concat(list), how, lengths));
              if (failed) alerts.add(alertName(failed.alert));
            },
          ),
          runs(500),
        );
        // Protected records fail to authenticate; plaintext ones fail to parse or to check.
        assert.ok(alerts.has('bad_record_mac'), `protected records were reached: ${[...alerts].join(', ')}`);
        assert.ok(alerts.size >= 3, `several kinds of failure: ${[...alerts].join(', ')}`);
      });

      test(`whole records dropped, duplicated or swapped, into a fresh ${role}`, () => {
        const edit = fc.record({
          kind: fc.constantFrom('duplicate', 'drop', 'swap'),
          i: fc.integer({ min: 0, max: chunks.length - 1 }),
          j: fc.integer({ min: 0, max: chunks.length - 1 }),
        });
        fc.assert(
          fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), delivery, (edits, how) => {
            const list = [...chunks];
            for (const e of edits) {
              const i = e.i % list.length;
              const j = e.j % list.length;
              if (e.kind === 'duplicate') list.splice(i, 0, list[i]!);
              else if (e.kind === 'drop' && list.length > 1) list.splice(i, 1);
              else [list[i], list[j]] = [list[j]!, list[i]!];
            }
            feed(rec, fresh(rec, role), deliver(concat(list), how, list.map((c) => c.length)));
          }),
          runs(200),
        );
      });
    }
  });
}
