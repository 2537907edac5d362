// A man in the middle for TLS 1.2 pairs (test/helpers/pair.ts): Tamper hooks that read and rewrite
// the plaintext handshake records of a TLS 1.2 handshake (ClientHello, the server's first flight),
// re-framing them with correct lengths, and pick out the protected records after a
// ChangeCipherSpec. Nothing here knows keys: a change the endpoints can detect must be detected
// by them.
import { ContentType, HandshakeType } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type { ClientHello, ServerHello12 } from '../../src/wire/types.js';
import type { Tamper } from './pair.js';
import { concat, readRecords, record, splitHandshakes } from './records.js';

/** RFC 5246 §6.2.1: a plaintext fragment is at most 2^14 bytes. */
const MAX_FRAGMENT = 1 << 14;

/**
 * The handshake messages (header included) of a chunk of plaintext handshake records, or undefined
 * if it holds anything else or does not split into whole messages (a protected Finished, say).
 */
export function plaintextHandshakes(chunk: Uint8Array): Uint8Array[] | undefined {
  try {
    const records = readRecords(chunk);
    if (!records.length || records.some((r) => r.type !== ContentType.handshake)) return undefined;
    return splitHandshakes(concat(records.map((r) => r.fragment)));
  } catch {
    return undefined;
  }
}

/**
 * The server's first flight (ServerHello .. ServerHelloDone) if `chunk` is it: the only chunk whose
 * first message is a ServerHello.
 */
export function serverFlight(from: 'client' | 'server', chunk: Uint8Array): Uint8Array[] | undefined {
  if (from !== 'server') return undefined;
  const messages = plaintextHandshakes(chunk);
  return messages?.[0]?.[0] === HandshakeType.server_hello ? messages : undefined;
}

/** Messages packed into handshake records of at most 2^14 bytes, with `version` in each header. */
export function frameHandshakes(messages: readonly Uint8Array[], version: number): Uint8Array {
  const all = concat([...messages]);
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += MAX_FRAGMENT) out.push(record(ContentType.handshake, all.subarray(at, at + MAX_FRAGMENT), version));
  return concat(out);
}

/** legacy_record_version of the first record of a chunk. */
export const recordVersion = (chunk: Uint8Array): number => (chunk[1]! << 8) | chunk[2]!;

/**
 * Rewrites the client's first chunk, its ClientHello: decoded as a TLS 1.2-capable server reads it,
 * changed by `edit`, re-encoded and re-framed (so the record length is right again). Everything
 * else passes unchanged. `seen` (if given) receives the original and the rewritten bytes.
 */
export function editClientHello(edit: (ch: ClientHello) => ClientHello, seen?: { original?: Uint8Array; sent?: Uint8Array }): Tamper {
  let done = false;
  return (from, chunk) => {
    if (from !== 'client' || done) return chunk;
    const messages = plaintextHandshakes(chunk);
    if (messages?.[0]?.[0] !== HandshakeType.client_hello) return chunk;
    done = true;
    const ch = decodeHandshakeMessage(messages[0], 'tls12') as ClientHello;
    const raw = encodeHandshake(edit(ch));
    if (seen) {
      seen.original = messages[0].slice();
      seen.sent = raw;
    }
    return frameHandshakes([raw, ...messages.slice(1)], recordVersion(chunk));
  };
}

/**
 * Rewrites the server's first flight (ServerHello .. ServerHelloDone, the plaintext handshake
 * records before its ChangeCipherSpec): `edit` gets the raw messages and returns what to send.
 */
export function editServerFlight12(edit: (messages: Uint8Array[]) => Uint8Array[]): Tamper {
  let done = false;
  return (from, chunk) => {
    const messages = done ? undefined : serverFlight(from, chunk);
    if (!messages) return chunk;
    done = true;
    return frameHandshakes(edit(messages), recordVersion(chunk));
  };
}

/** Replaces the first message of type `type` in a flight with `replace(raw)`. */
export const replaceMessage =
  (type: number, replace: (raw: Uint8Array) => Uint8Array) =>
  (messages: Uint8Array[]): Uint8Array[] => {
    const i = messages.findIndex((m) => m[0] === type);
    if (i < 0) throw new Error(`no handshake message of type ${type} in the flight`);
    return messages.map((m, j) => (j === i ? replace(m) : m));
  };

/** The ServerHello of a TLS 1.2 flight, decoded. */
export function serverHello12(raw: Uint8Array): ServerHello12 {
  const sh = decodeHandshakeMessage(raw, 'tls12');
  if (sh.type !== 'server_hello_tls12') throw new Error(`not a TLS 1.2 ServerHello: ${sh.type}`);
  return sh;
}

/** The body of a handshake message (after its 4-byte header). */
export const bodyOf = (raw: Uint8Array): Uint8Array => raw.subarray(4);

/** A handshake message with a new body (the uint24 length rewritten). */
export function withBody(raw: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = raw[0]!;
  out[1] = (body.length >> 16) & 0xff;
  out[2] = (body.length >> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/**
 * Each side's protected records: every chunk a side sends after its own ChangeCipherSpec (TLS 1.2
 * protects its Finished, then application data and alerts). `change` sees the n-th such record of
 * `side` (from 0) and returns what to deliver; others pass.
 */
export function onProtectedRecord(side: 'client' | 'server', n: number, change: (chunk: Uint8Array) => Uint8Array | undefined): Tamper {
  let changed = false;
  let seen = -1;
  return (from, chunk) => {
    if (from !== side) return chunk;
    if (chunk[0] === ContentType.change_cipher_spec) {
      changed = true;
      return chunk;
    }
    if (!changed) return chunk;
    seen++;
    return seen === n ? change(chunk) : chunk;
  };
}

/** A copy of `chunk` with one bit flipped at `at(chunk)`. */
export const flipBit =
  (at: (chunk: Uint8Array) => number, bit = 0x01) =>
  (chunk: Uint8Array): Uint8Array => {
    const out = chunk.slice();
    out[at(out)]! ^= bit;
    return out;
  };

/** Drops the n-th ChangeCipherSpec chunk `side` sends. */
export function dropChangeCipherSpec(side: 'client' | 'server'): Tamper {
  let dropped = false;
  return (from, chunk) => {
    if (from !== side || dropped || chunk[0] !== ContentType.change_cipher_spec) return chunk;
    dropped = true;
    return undefined;
  };
}

/** Runs several tampers in turn on each chunk (a dropped chunk stops there). */
export function chain(...tampers: Tamper[]): Tamper {
  return (from, chunk, index, pair) => {
    let current: Uint8Array | undefined = chunk;
    for (const t of tampers) {
      if (!current) return undefined;
      current = t(from, current, index, pair);
    }
    return current;
  };
}
