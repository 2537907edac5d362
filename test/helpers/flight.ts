// Tamper hooks for the pair harness that rewrite protected records in flight. The keys come from
// the connections' own keylog events, as Wireshark would get them.
import { type Tls13Suite, tls13Suite } from '../../src/crypto/suites.js';
import type { ConnectionEvent } from '../../src/events.js';
import type { KeyLogLabel } from '../../src/keylog.js';
import { ContentType, HandshakeType } from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import type { Tamper } from './pair.js';
import { concat, readRecords, splitHandshakes } from './records.js';
import { openerFor, sealerFor } from './scripted.js';

/** The secret of the last keylog line with `label`. */
export function keylogSecret(events: readonly ConnectionEvent[], label: KeyLogLabel): Uint8Array | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== 'keylog') continue;
    const [l, , secret] = e.line.split(' ');
    if (l === label) return Uint8Array.from(Buffer.from(secret!, 'hex'));
  }
  return undefined;
}

/** The cipher suite of a ServerHello record, if `chunk` is one. */
function serverHelloSuite(chunk: Uint8Array): Tls13Suite | undefined {
  const [r] = readRecords(chunk);
  if (r?.type !== ContentType.handshake || r.fragment[0] !== HandshakeType.server_hello) return undefined;
  const msg = decodeHandshakeMessage(r.fragment);
  return msg.type === 'server_hello' ? tls13Suite(msg.cipher_suite) : undefined;
}

export interface FlightEdit {
  /** Gets the flight's messages (raw, header included) and returns what to send instead. */
  edit(messages: Uint8Array[]): Uint8Array[];
  /** Each message in its own record (default: packed, 2^14 bytes a record). */
  recordPerMessage?: boolean;
}

/**
 * Holds the server's records protected under its handshake key until the one carrying its
 * Finished, lets `edit` change the messages, and delivers them re-protected (sequence numbers
 * from 0, as the client expects) in one chunk. Everything else passes untouched.
 */
export function editServerFlight(options: FlightEdit): Tamper {
  let suite: Tls13Suite | undefined;
  let messages: Uint8Array[] = [];
  let opener: ReturnType<typeof openerFor> | undefined;
  let done = false;
  return (from, chunk, _index, pair) => {
    if (from !== 'server' || done) return chunk;
    suite ??= serverHelloSuite(chunk);
    const [r] = readRecords(chunk);
    if (r?.type !== ContentType.application_data) return chunk;
    const secret = keylogSecret(pair.serverEvents, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    if (!suite || !secret) throw new Error('protected server record before its ServerHello and keylog');
    opener ??= openerFor(suite, secret);
    const { type, content } = opener.open(r);
    if (type !== ContentType.handshake) throw new Error(`unexpected protected ${type} record in the server flight`);
    messages.push(...splitHandshakes(content));
    if (messages.at(-1)![0] !== HandshakeType.finished) return undefined; // hold until the flight is whole
    done = true;
    const edited = options.edit(messages);
    messages = [];
    const sealer = sealerFor(suite, secret);
    const pieces: Uint8Array[] = [];
    if (options.recordPerMessage) pieces.push(...edited);
    else {
      const all = concat(edited);
      for (let at = 0; at < all.length; at += 1 << 14) pieces.push(all.subarray(at, at + (1 << 14)));
    }
    return concat(pieces.map((p) => sealer.seal(ContentType.handshake, p)));
  };
}

/** The handshake type of a raw message. */
export const typeOf = (raw: Uint8Array): number => raw[0]!;
