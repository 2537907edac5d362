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
import { MAX_CERTIFICATE_MESSAGE, MAX_CIPHERTEXT_TLS12 } from '../../src/limits.js';
import { NamedGroup, SignatureScheme, Tls12CipherSuite, alertName } from '../../src/wire/codes.js';
import {
  type Outcome,
  type Role,
  chunked,
  editRecords,
  feed as feedRecording,
  freshEndpoint,
  mutate,
  mutation,
  peerChunks,
  peerStream,
  recordEdits,
  runs,
} from '../helpers/fuzz.js';
import { concat } from '../helpers/records.js';
import { type Tls12Recording, recordTls12Session } from '../helpers/tls12-pair-recording.js';

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

/** The bytes buffered inside a connection: its deframer's and joiner's queues (private fields, read for this check). */
function buffered(conn: Connection): { deframer: number; joiner: number } {
  const inner = conn as unknown as { deframer?: { buffered?: unknown }; joiner?: { buffered?: unknown } };
  const deframer = inner.deframer?.buffered;
  const joiner = inner.joiner?.buffered;
  assert.equal(typeof deframer, 'number', 'Connection has a deframer with `buffered` (update this test if it moved)');
  assert.equal(typeof joiner, 'number', 'Connection has a joiner with `buffered` (update this test if it moved)');
  return { deframer: deframer as number, joiner: joiner as number };
}

/** feed() with the memory bounds on top: output per receive(), and what stays buffered while it goes on. */
function feed(rec: Tls12Recording, conn: Connection, pieces: Iterable<Uint8Array>): Outcome {
  return feedRecording(rec, conn, pieces, (_, output, failedNow) => {
    const out = output.reduce((n, c) => n + c.length, 0);
    assert.ok(out <= MAX_OUTPUT_PER_RECEIVE, `one receive() produced ${out} bytes of output`);
    if (failedNow) return;
    // Still going: only a partial record and a partial handshake message may be held.
    const b = buffered(conn);
    assert.ok(b.deframer < MAX_DEFRAMER_BYTES, `the deframer holds ${b.deframer} bytes`);
    assert.ok(b.joiner <= MAX_JOINER_BYTES, `the joiner holds ${b.joiner} bytes`);
  });
}

type Delivery = 'whole' | 'records' | number[];
const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  fc.constant<Delivery>('whole'),
  fc.constant<Delivery>('records'),
  fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
);
/** `records`: as the recording's chunks were (mutations may have moved their borders: cut at the old lengths). */
function deliver(bytes: Uint8Array, how: Delivery, lengths: number[]): Iterable<Uint8Array> {
  if (how === 'whole') return [bytes];
  if (how === 'records') return chunked(bytes, [...lengths, bytes.length || 1]);
  return chunked(bytes, how);
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
          const { events, failed } = feed(rec, freshEndpoint(rec, role), deliver(peerStream(rec, role), how, lengths));
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
            const { failed } = feed(rec, freshEndpoint(rec, role), deliver(mutate(peerStream(rec, role), mutations), how, lengths));
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
              const { failed } = feed(rec, freshEndpoint(rec, role), deliver(concat(list), how, lengths));
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
        fc.assert(
          fc.property(recordEdits(chunks.length), delivery, (edits, how) => {
            const list = editRecords(chunks, edits);
            feed(rec, freshEndpoint(rec, role), deliver(concat(list), how, list.map((c) => c.length)));
          }),
          runs(200),
        );
      });
    }
  });
}
