// What the fuzz tests share: run counts, and the pieces of the receive() fuzzers that feed recorded
// sessions, mutated, into fresh endpoints (test/fuzz/receive.test.ts, tls12-receive.test.ts).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Connection } from '../../src/connection.js';
import { TLSError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/events.js';
import { AlertDescription, alertName } from '../../src/wire/codes.js';
import type { RecordedStreams } from './recorded.js';
import { concat } from './records.js';

// The defaults keep the suite fast; FUZZ_SCALE=20 (say) runs twenty times as many cases for a
// deeper search, and FUZZ_SEED replays one fast-check run.
const scale = Number(process.env.FUZZ_SCALE ?? '1');
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** fast-check parameters for `numRuns` cases at scale 1. */
export const runs = (numRuns: number): { numRuns: number; seed?: number } => ({
  numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
  ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
});

// --- recorded sessions fed back into fresh endpoints -------------------------------------------

/** The side of the recording a fresh endpoint plays. */
export type Role = 'client' | 'server';

/** A fresh endpoint of `role` to feed a (mutated) recording into. */
export function freshEndpoint(rec: RecordedStreams, role: Role): Connection {
  const conn = role === 'client' ? rec.newClient() : rec.newServer();
  // The client's ClientHello goes, so that all output from here on answers the fuzzed input.
  conn.takeOutput();
  conn.takeEvents();
  return conn;
}

/** What the peer of `role` sent in the recording, record by record. */
export const peerChunks = (rec: RecordedStreams, role: Role): Uint8Array[] => (role === 'client' ? rec.fromServer : rec.fromClient);
/** What the peer of `role` sent in the recording, as one stream. */
export const peerStream = (rec: RecordedStreams, role: Role): Uint8Array => (role === 'client' ? rec.serverStream : rec.clientStream);

const KNOWN_ALERTS = new Set<number>(Object.values(AlertDescription));

/** What feed() saw: the events up to the failure, and the failure if there was one. */
export interface Outcome {
  events: ConnectionEvent[];
  failed: TLSError | undefined;
}

/** Feeds `pieces` one receive() at a time, checking after each what must hold whatever arrives. */
export function feed(
  rec: RecordedStreams,
  conn: Connection,
  pieces: Iterable<Uint8Array>,
  check?: (conn: Connection, output: Uint8Array[], failedNow: boolean) => void,
): Outcome {
  // Invariants: receive() does not throw; at most one `failed` event, carrying a TLSError with a
  // known alert that is not internal_error (which would mean one of our own checks threw something
  // else); after it, further input changes nothing. `check` adds the caller's own, after each
  // receive() up to and including the one that fails (`failedNow`).
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
    events.push(...now);
    const failures = now.filter((e): e is Extract<ConnectionEvent, { type: 'failed' }> => e.type === 'failed');
    assert.ok(failures.length <= 1, 'one failure at most');
    if (failures.length === 1) {
      failed = failures[0]!.error;
      assert.ok(failed instanceof TLSError, `failed with ${String(failed)}`);
      // A peer may send any alert number; ours must be a real alert, and never internal_error.
      if (!failed.fromPeer) {
        assert.ok(KNOWN_ALERTS.has(failed.alert), `unknown alert ${failed.alert}`);
        assert.notEqual(alertName(failed.alert), 'internal_error', `internal_error: ${failed.message}\n${failed.stack}`);
      }
      assert.equal(conn.error, failed);
      assert.equal(conn.open, false);
    }
    check?.(conn, output, failed !== undefined);
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

/** Splits `bytes` into pieces of `sizes` in turn, to deliver a stream the way a network might. */
export function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

// --- mutations ----------------------------------------------------------------------------------

/** One change to a byte string; `where` is a fraction of its current length, so it stays in range. */
export interface Mutation {
  kind: 'flip' | 'set' | 'truncate' | 'insert' | 'delete' | 'duplicate';
  where: number;
  bit: number;
  value: number;
  length: number;
  bytes: Uint8Array;
}

/** Random Mutations for recorded streams. */
export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('flip', 'flip', 'flip', 'set', 'truncate', 'insert', 'delete', 'duplicate'),
  where: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  bit: fc.integer({ min: 0, max: 7 }),
  value: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 64 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
});

/** A copy of `input` with `mutations` applied in turn (the input, a recording, is left as it is). */
export function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
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

/** One edit of a list of whole records; `i` and `j` wrap, since earlier edits change the length. */
export interface RecordEdit {
  kind: 'duplicate' | 'drop' | 'swap';
  i: number;
  j: number;
}

/** Random RecordEdits (one to three) for a list of `count` records. */
export const recordEdits = (count: number): fc.Arbitrary<RecordEdit[]> =>
  fc.array(
    fc.record({
      kind: fc.constantFrom<RecordEdit['kind']>('duplicate', 'drop', 'swap'),
      i: fc.integer({ min: 0, max: count - 1 }),
      j: fc.integer({ min: 0, max: count - 1 }),
    }),
    { minLength: 1, maxLength: 3 },
  );

/** A copy of `chunks` with `edits` applied in turn; a drop never empties the list. */
export function editRecords(chunks: readonly Uint8Array[], edits: readonly RecordEdit[]): Uint8Array[] {
  const list = [...chunks];
  for (const e of edits) {
    const i = e.i % list.length;
    const j = e.j % list.length;
    if (e.kind === 'duplicate') list.splice(i, 0, list[i]!);
    else if (e.kind === 'drop' && list.length > 1) list.splice(i, 1);
    else [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
