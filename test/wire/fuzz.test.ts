// Only TLSError may escape a decoder, whatever the input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { TLSError } from '../../src/errors.js';
import { HandshakeType } from '../../src/wire/codes.js';
import { decodeHandshake, decodeHandshakeMessage, encodeHandshake, handshakeType } from '../../src/wire/handshake.js';
import {
  decodeDheClientKeyExchange,
  decodeEcdheClientKeyExchange,
  decodeRsaClientKeyExchange,
} from '../../src/wire/messages/client-key-exchange.js';
import { decodeDheServerKeyExchange, decodeEcdheServerKeyExchange } from '../../src/wire/messages/server-key-exchange.js';
import type { WireVersion } from '../../src/wire/types.js';
import { anyMessage, contexts } from './arbitraries.js';
import { decodeBlock, extensionBlock } from './helpers.js';

function onlyTLSError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TLSError, `a decoder threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

const versions: readonly WireVersion[] = ['tls13', 'tls12'];

const decodedTypes = [
  HandshakeType.hello_request,
  HandshakeType.client_hello,
  HandshakeType.server_hello,
  HandshakeType.new_session_ticket,
  HandshakeType.end_of_early_data,
  HandshakeType.encrypted_extensions,
  HandshakeType.certificate,
  HandshakeType.certificate_request,
  HandshakeType.certificate_verify,
  HandshakeType.server_key_exchange,
  HandshakeType.server_hello_done,
  HandshakeType.client_key_exchange,
  HandshakeType.finished,
  HandshakeType.certificate_status,
  HandshakeType.key_update,
];

const bodyParsers = [
  decodeEcdheServerKeyExchange,
  decodeDheServerKeyExchange,
  decodeEcdheClientKeyExchange,
  decodeDheClientKeyExchange,
  decodeRsaClientKeyExchange,
];

/** Byte-level damage to a valid encoding: flips, overwrites, insertions, deletions, cuts. */
const mutated = anyMessage.chain((msg) => {
  const encoded = encodeHandshake(msg);
  const at = fc.nat({ max: encoded.length });
  const edit = fc.oneof(
    fc.tuple(fc.constant('set' as const), at, fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant('insert' as const), at, fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant('delete' as const), at, fc.constant(0)),
    fc.tuple(fc.constant('cut' as const), at, fc.constant(0)),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = Array.from(encoded);
    for (const [kind, i, v] of edits) {
      if (kind === 'set') bytes[i] = v;
      else if (kind === 'insert') bytes.splice(i, 0, v);
      else if (kind === 'delete') bytes.splice(i, 1);
      else bytes = bytes.slice(0, i);
    }
    return { type: handshakeType(msg), bytes: Uint8Array.from(bytes.map((b) => b ?? 0)) };
  });
});

describe('decoders: only TLSError escapes', () => {
  for (const type of decodedTypes) {
    it(`random bodies for handshake type ${type}`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
          for (const version of versions) onlyTLSError(() => decodeHandshake(type, body, version));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('random bodies for every handshake type 0..255', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...versions), (type, body, version) =>
        onlyTLSError(() => decodeHandshake(type, body, version)),
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages', () => {
    fc.assert(
      fc.property(mutated, ({ type, bytes }) => {
        for (const version of versions) {
          onlyTLSError(() => decodeHandshakeMessage(bytes, version));
          onlyTLSError(() => decodeHandshake(type, bytes.subarray(4), version));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('random extension bodies for every known type in every context', () => {
    const knownType = fc.constantFrom(0, 5, 10, 11, 13, 16, 18, 21, 22, 23, 28, 35, 41, 42, 43, 44, 45, 47, 48, 49, 50, 51, 0xff01);
    fc.assert(
      fc.property(
        fc.constantFrom(...contexts),
        fc.constantFrom(...versions),
        fc.array(fc.tuple(knownType, fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }),
        (context, version, entries) => onlyTLSError(() => decodeBlock(extensionBlock(...entries), context, version)),
      ),
      { numRuns: 3000 },
    );
  });

  it('random and mutated key exchange bodies', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // Plausible starts: named_curve, a short length, a 16-bit length.
      fc.tuple(fc.constantFrom(Uint8Array.of(3, 0, 0x1d), Uint8Array.of(0x20), Uint8Array.of(0, 0x80)), fc.uint8Array({ maxLength: 140 })).map(
        ([head, tail]) => Uint8Array.from([...head, ...tail]),
      ),
    );
    fc.assert(
      fc.property(body, (b) => {
        for (const parse of bodyParsers) onlyTLSError(() => parse(b));
      }),
      { numRuns: 3000 },
    );
  });
});
