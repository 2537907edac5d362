import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { AlertDescription, ExtensionType, HandshakeType } from '../../src/wire/codes.js';
import { pskBindersLength, truncatedClientHello } from '../../src/wire/extensions.js';
import {
  decodeHandshake,
  decodeHandshakeMessage,
  encodeHandshake,
  encodeMessageHash,
  handshakeType,
} from '../../src/wire/handshake.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../src/wire/messages/server-hello.js';
import type { ClientHello, HandshakeMessage } from '../../src/wire/types.js';
import { Writer } from '../../src/wire/writer.js';
import { anyMessage, clientHello, messages, offeredPsks, versionOf } from './arbitraries.js';
import { decodeErrorAlert, hexBytes, illegalParameterAlert, throwsAlert, toHex } from './helpers.js';

const body = (msg: HandshakeMessage) => encodeHandshake(msg).subarray(4);
const decode = (msg: HandshakeMessage, b: Uint8Array) => decodeHandshake(handshakeType(msg), b, versionOf[msg.type]);

/** Kinds whose body is all one opaque value, so that every prefix is a valid body. */
const OPAQUE_BODIES: ReadonlySet<string> = new Set(['finished', 'server_key_exchange', 'client_key_exchange']);

/**
 * Where a strict prefix is itself a valid body: a hello cut just before its extensions block is a
 * TLS 1.2-style hello without extensions.
 */
function validPrefixes(msg: HandshakeMessage): (k: number) => boolean {
  switch (msg.type) {
    case 'client_hello': {
      const end = 2 + 32 + 1 + msg.legacy_session_id.length + 2 + 2 * msg.cipher_suites.length + 1 + msg.legacy_compression_methods.length;
      return (k) => k === end;
    }
    case 'server_hello':
    case 'hello_retry_request': {
      const end = 2 + 32 + 1 + msg.legacy_session_id_echo.length + 2 + 1;
      return (k) => k === end;
    }
    case 'server_hello_tls12': {
      const end = 2 + 32 + 1 + msg.session_id.length + 2 + 1;
      return (k) => k === end;
    }
    default:
      return () => false;
  }
}

describe('messages: round trips', () => {
  for (const [kind, arb] of Object.entries(messages) as [string, fc.Arbitrary<HandshakeMessage>][]) {
    it(`${kind}: encode → decode → equal, with a correct header`, () => {
      fc.assert(
        fc.property(arb, (msg) => {
          const encoded = encodeHandshake(msg);
          assert.equal(encoded[0], handshakeType(msg));
          assert.equal((encoded[1]! << 16) | (encoded[2]! << 8) | encoded[3]!, encoded.length - 4);
          assert.deepStrictEqual(decodeHandshake(encoded[0]!, encoded.subarray(4), versionOf[msg.type]), msg);
          assert.deepStrictEqual(decodeHandshakeMessage(encoded, versionOf[msg.type]), msg);
        }),
        { numRuns: 200 },
      );
    });
  }

  for (const [kind, arb] of Object.entries(messages) as [string, fc.Arbitrary<HandshakeMessage>][]) {
    if (OPAQUE_BODIES.has(kind)) continue;
    it(`${kind}: every strict prefix of the body is decode_error`, () => {
      fc.assert(
        fc.property(arb, (msg) => {
          const b = body(msg);
          const valid = validPrefixes(msg);
          for (let k = 0; k < b.length; k++) {
            if (valid(k)) continue;
            throwsAlert(() => decode(msg, b.subarray(0, k)), decodeErrorAlert);
          }
        }),
        { numRuns: 50 },
      );
    });
  }

  it('every strict prefix of a whole message is decode_error', () => {
    fc.assert(
      fc.property(anyMessage, (msg) => {
        const encoded = encodeHandshake(msg);
        for (let k = 0; k < encoded.length; k++) {
          throwsAlert(() => decodeHandshakeMessage(encoded.subarray(0, k), versionOf[msg.type]), decodeErrorAlert);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('decoded values own their bytes', () => {
    fc.assert(
      fc.property(clientHello, (ch) => {
        const encoded = encodeHandshake(ch);
        const decoded = decodeHandshakeMessage(encoded, 'tls12');
        encoded.fill(0x55);
        assert.deepStrictEqual(decoded, ch);
      }),
      { numRuns: 50 },
    );
  });
});

describe('messages: ClientHello', () => {
  const minimal = (suites: string) => hexBytes(`0303 ${'11'.repeat(32)} 00 ${suites} 01 00`);

  it('decodes a ClientHello without extensions', () => {
    const ch = decodeHandshake(HandshakeType.client_hello, minimal('0002 002f'));
    assert.deepStrictEqual(ch, {
      type: 'client_hello',
      legacy_version: 0x0303,
      random: new Uint8Array(32).fill(0x11),
      legacy_session_id: new Uint8Array(0),
      cipher_suites: [0x002f],
      legacy_compression_methods: hexBytes('00'),
      extensions: { unknown: [] },
    });
  });

  it('rejects an odd-length cipher_suites', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, minimal('0003 1301 13')), decodeErrorAlert, /odd/);
  });

  it('rejects an empty cipher_suites, a 33-byte session id, no compression methods', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, minimal('0000')), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, hexBytes(`0303 ${'11'.repeat(32)} 21 ${'00'.repeat(33)} 0002 1301 01 00`)), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, hexBytes(`0303 ${'11'.repeat(32)} 00 0002 1301 00`)), decodeErrorAlert);
  });

  it('rejects bytes after the extensions block', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, hexBytes(`${toHex(minimal('0002 1301'))} 0000 00`)), decodeErrorAlert, /trailing/);
  });

  it('pskBindersLength and truncatedClientHello cut exactly the binders list (RFC 8446 §4.2.11.2)', () => {
    const withPsk = clientHello.chain((ch) =>
      offeredPsks.map((psk): ClientHello => ({ ...ch, extensions: { ...ch.extensions, pre_shared_key: psk } })),
    );
    fc.assert(
      fc.property(withPsk, (ch) => {
        const psk = ch.extensions.pre_shared_key!;
        const encoded = encodeHandshake(ch);
        const binders = new Writer()
          .vec16((w) => {
            for (const b of psk.binders) w.opaque8(b);
          })
          .finish();
        const cut = encoded.length - pskBindersLength(ch);
        assert.equal(toHex(encoded.subarray(cut)), toHex(binders));
        assert.equal(truncatedClientHello(encoded, ch).length, cut);
        // The truncated hello does not depend on the binder values, only their lengths.
        const other = { ...ch, extensions: { ...ch.extensions, pre_shared_key: { ...psk, binders: psk.binders.map((b) => b.map((x) => x ^ 0xff)) } } };
        assert.equal(toHex(truncatedClientHello(encodeHandshake(other), other)), toHex(truncatedClientHello(encoded, ch)));
      }),
      { numRuns: 100 },
    );
  });

  it('pskBindersLength is 0 without pre_shared_key', () => {
    const ch = decodeHandshake(HandshakeType.client_hello, minimal('0002 1301')) as ClientHello;
    assert.equal(pskBindersLength(ch), 0);
  });
});

describe('messages: ServerHello and HelloRetryRequest', () => {
  const sh = (random: Uint8Array, extensions: string) =>
    hexBytes(`0303 ${toHex(random)} 00 1301 00 ${extensions}`);

  it('decodes the HRR random as hello_retry_request', () => {
    const msg = decodeHandshake(HandshakeType.server_hello, sh(HELLO_RETRY_REQUEST_RANDOM, '000c 002b 0002 0304 0033 0002 0017'));
    assert.deepStrictEqual(msg, {
      type: 'hello_retry_request',
      legacy_version: 0x0303,
      legacy_session_id_echo: new Uint8Array(0),
      cipher_suite: 0x1301,
      legacy_compression_method: 0,
      extensions: { supported_versions: 0x0304, key_share: 0x17, unknown: [] },
    });
  });

  it('writes the HRR random for a hello_retry_request, as a server_hello', () => {
    const encoded = encodeHandshake({
      type: 'hello_retry_request',
      legacy_version: 0x0303,
      legacy_session_id_echo: new Uint8Array(0),
      cipher_suite: 0x1301,
      legacy_compression_method: 0,
      extensions: { unknown: [] },
    });
    assert.equal(encoded[0], HandshakeType.server_hello);
    assert.equal(toHex(encoded.subarray(6, 38)), 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');
  });

  it('decodes a ServerHello whose random differs from the HRR constant in one bit as a server_hello', () => {
    const random = HELLO_RETRY_REQUEST_RANDOM.slice();
    random[31]! ^= 1;
    assert.equal(decodeHandshake(HandshakeType.server_hello, sh(random, '0006 002b 0002 0304')).type, 'server_hello');
  });

  it('decodes a TLS 1.2 ServerHello without extensions', () => {
    const msg = decodeHandshake(HandshakeType.server_hello, sh(new Uint8Array(32), ''));
    assert.equal(msg.type, 'server_hello');
    assert.deepStrictEqual(msg.type === 'server_hello' && msg.extensions, { unknown: [] });
  });

  it('rejects cookie in a ServerHello and pre_shared_key in a HelloRetryRequest', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, sh(new Uint8Array(32), '000b 002b 0002 0304 002c 0001 aa')), illegalParameterAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, sh(HELLO_RETRY_REQUEST_RANDOM, '000c 002b 0002 0304 0029 0002 0000')), illegalParameterAlert);
  });
});

describe('messages: the others', () => {
  it('rejects trailing bytes after Finished (the header length is exact)', () => {
    const fin = encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) });
    const longer = new Uint8Array(fin.length + 1);
    longer.set(fin);
    throwsAlert(() => decodeHandshakeMessage(longer), decodeErrorAlert, /trailing/);
  });

  it('a Finished body is all verify_data: its length is the state machine’s to check', () => {
    assert.deepStrictEqual(decodeHandshake(HandshakeType.finished, hexBytes('0102')), { type: 'finished', verify_data: hexBytes('0102') });
  });

  it('rejects trailing bytes after KeyUpdate, CertificateVerify and EndOfEarlyData', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.key_update, hexBytes('0000')), decodeErrorAlert, /trailing/);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_verify, hexBytes('0804 0001 aa bb')), decodeErrorAlert, /trailing/);
    throwsAlert(() => decodeHandshake(HandshakeType.end_of_early_data, hexBytes('00')), decodeErrorAlert, /trailing/);
  });

  it('rejects KeyUpdate request_update 2', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.key_update, hexBytes('02')), illegalParameterAlert, /request_update/);
    throwsAlert(() => decodeHandshake(HandshakeType.key_update, hexBytes('ff')), illegalParameterAlert);
  });

  it('rejects an empty NewSessionTicket ticket and a nonce past its length', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.new_session_ticket, hexBytes('00000e10 00000000 00 0000 0000')), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.new_session_ticket, hexBytes('00000e10 00000000 05 00 0001 aa 0000')), decodeErrorAlert);
  });

  it('rejects an empty cert_data and key_share in a CertificateEntry', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.certificate, hexBytes('00 000005 000000 0000')), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate, hexBytes('00 00000b 000001 30 0005 0033 0001 00')), illegalParameterAlert);
  });

  it('decodes an empty Certificate (no client certificate)', () => {
    assert.deepStrictEqual(decodeHandshake(HandshakeType.certificate, hexBytes('00 000000')), {
      type: 'certificate',
      certificate_request_context: new Uint8Array(0),
      certificate_list: [],
    });
  });

  it('answers handshake types it does not decode with unexpected_message', () => {
    for (const t of [
      HandshakeType.hello_request,
      HandshakeType.server_key_exchange,
      HandshakeType.server_hello_done,
      HandshakeType.client_key_exchange,
      HandshakeType.message_hash,
      3,
      99,
      255,
    ]) {
      throwsAlert(() => decodeHandshake(t, new Uint8Array(0)), AlertDescription.unexpected_message);
    }
  });

  it('encodeMessageHash writes message_hash(254), uint24 length, hash', () => {
    const hash = new Uint8Array(48).fill(7);
    assert.equal(toHex(encodeMessageHash(hash)), `fe000030${'07'.repeat(48)}`);
  });

  it('encoders write what they are given: key_share put in EncryptedExtensions.unknown is then rejected', () => {
    const msg: HandshakeMessage = {
      type: 'encrypted_extensions',
      extensions: { unknown: [{ type: ExtensionType.key_share, data: hexBytes('001d') }] },
    };
    throwsAlert(() => decodeHandshakeMessage(encodeHandshake(msg)), illegalParameterAlert);
  });
});
