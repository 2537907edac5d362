// TLS 1.2 extensions (RFC 7627, RFC 5746, RFC 5077, RFC 7366, RFC 8422) in the ClientHello and the
// TLS 1.2 ServerHello (SH12), and how the TLS 1.3 contexts treat them. Round trips and strict
// prefixes of every field of every context, SH12 included, run in extensions.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ExtensionType } from '../../src/wire/codes.js';
import { allowedContexts, decodeServerHelloExtensions, encodeExtensions, extensionContexts } from '../../src/wire/extensions.js';
import { Reader } from '../../src/wire/reader.js';
import type { UnknownExtension } from '../../src/wire/types.js';
import { Writer } from '../../src/wire/writer.js';
import { extensionsOf, tls13Contexts } from './arbitraries.js';
import { decodeBlock, decodeErrorAlert, extensionBlock, hexBytes, illegalParameterAlert, throwsAlert, toHex, u16Bytes } from './helpers.js';

const TLS12_ONLY = [
  ExtensionType.extended_master_secret,
  ExtensionType.renegotiation_info,
  ExtensionType.session_ticket,
  ExtensionType.encrypt_then_mac,
  ExtensionType.ec_point_formats,
];
const empty = new Uint8Array(0);
const tls13 = u16Bytes(0x0304);
/** A well-formed body for each TLS 1.2-only extension, as a ClientHello carries it. */
const SAMPLE: Record<number, Uint8Array> = {
  [ExtensionType.extended_master_secret]: empty,
  [ExtensionType.renegotiation_info]: hexBytes('00'),
  [ExtensionType.session_ticket]: hexBytes('c0ffee'),
  [ExtensionType.encrypt_then_mac]: empty,
  [ExtensionType.ec_point_formats]: hexBytes('01 00'),
};

const sh12 = (...entries: [number, Uint8Array][]) => decodeBlock(extensionBlock(...entries), 'SH12');
const ch12 = (type: number, data: Uint8Array) => decodeBlock(extensionBlock([type, data]), 'CH', 'tls12');

describe('TLS 1.2 extensions: the table', () => {
  it('are not in RFC 8446 §4.2’s table, and are decoded in CH and SH12 only', () => {
    for (const type of TLS12_ONLY) {
      assert.equal(allowedContexts(type), undefined, `extension ${type}`);
      assert.deepStrictEqual([...(extensionContexts(type) ?? [])].sort(), ['CH', 'SH12'], `extension ${type}`);
    }
  });

  it('extensions shared with TLS 1.3 add SH12 without changing their RFC 8446 contexts', () => {
    const shared: [number, string[]][] = [
      [ExtensionType.server_name, ['CH', 'EE']],
      [ExtensionType.status_request, ['CH', 'CR', 'CT']],
      [ExtensionType.application_layer_protocol_negotiation, ['CH', 'EE']],
      [ExtensionType.record_size_limit, ['CH', 'EE']],
    ];
    for (const [type, contexts] of shared) {
      assert.deepStrictEqual([...(allowedContexts(type) ?? [])].sort(), contexts.sort());
      assert.deepStrictEqual([...(extensionContexts(type) ?? [])].sort(), [...contexts, 'SH12'].sort());
    }
    assert.ok(!extensionContexts(ExtensionType.supported_groups)?.has('SH12'));
  });
});

describe('TLS 1.2 extensions: in the ClientHello', () => {
  it('a TLS 1.3-only receiver keeps them raw in unknown, malformed or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TLS12_ONLY), fc.uint8Array({ maxLength: 12 }), (type, data) => {
        assert.deepStrictEqual(decodeBlock(extensionBlock([type, data]), 'CH'), { unknown: [{ type, data }] });
      }),
    );
  });

  it('a receiver that accepts TLS 1.2 decodes them', () => {
    const all = decodeBlock(extensionBlock(...TLS12_ONLY.map((t): [number, Uint8Array] => [t, SAMPLE[t]!])), 'CH', 'tls12');
    assert.deepStrictEqual(all, {
      extended_master_secret: true,
      renegotiation_info: empty,
      session_ticket: hexBytes('c0ffee'),
      encrypt_then_mac: true,
      ec_point_formats: [0],
      unknown: [],
    });
  });

  it('writes what RFC 8448 and OpenSSL write: renegotiation_info 00, an empty session_ticket', () => {
    const w = new Writer();
    encodeExtensions(w, 'CH', { renegotiation_info: empty, session_ticket: empty, extended_master_secret: true, unknown: [] });
    assert.equal(toHex(w.finish()), toHex(hexBytes('000d 0017 0000 ff01 0001 00 0023 0000')));
  });

  it('session_ticket: the ticket is the whole extension_data, without a length of its own (RFC 5077 §3.2)', () => {
    assert.deepStrictEqual(ch12(ExtensionType.session_ticket, empty).session_ticket, empty);
    const ticket = hexBytes('0003 aabbcc'); // what looks like a length is part of the ticket
    assert.deepStrictEqual(ch12(ExtensionType.session_ticket, ticket).session_ticket, ticket);
  });

  it('renegotiation_info: rejects trailing bytes and a length past the data', () => {
    throwsAlert(() => ch12(ExtensionType.renegotiation_info, hexBytes('00 00')), decodeErrorAlert, /trailing/);
    throwsAlert(() => ch12(ExtensionType.renegotiation_info, hexBytes('0c 0102')), decodeErrorAlert);
    throwsAlert(() => ch12(ExtensionType.renegotiation_info, empty), decodeErrorAlert);
    assert.deepStrictEqual(ch12(ExtensionType.renegotiation_info, hexBytes('02 0102')).renegotiation_info, hexBytes('0102'));
  });

  it('ec_point_formats: rejects an empty list; keeps the deprecated formats as numbers', () => {
    throwsAlert(() => ch12(ExtensionType.ec_point_formats, hexBytes('00')), decodeErrorAlert);
    throwsAlert(() => ch12(ExtensionType.ec_point_formats, empty), decodeErrorAlert);
    assert.deepStrictEqual(ch12(ExtensionType.ec_point_formats, hexBytes('03 000102')).ec_point_formats, [0, 1, 2]);
  });

  it('extended_master_secret and encrypt_then_mac: reject a non-empty body', () => {
    throwsAlert(() => ch12(ExtensionType.extended_master_secret, hexBytes('00')), decodeErrorAlert, /trailing/);
    throwsAlert(() => ch12(ExtensionType.encrypt_then_mac, hexBytes('00')), decodeErrorAlert, /trailing/);
  });

  it('rejects a duplicate TLS 1.2 extension in either version', () => {
    const twice = extensionBlock([ExtensionType.extended_master_secret, empty], [ExtensionType.extended_master_secret, empty]);
    throwsAlert(() => decodeBlock(twice, 'CH', 'tls12'), illegalParameterAlert, /more than one/);
    throwsAlert(() => decodeBlock(twice, 'CH', 'tls13'), illegalParameterAlert, /more than one/);
  });
});

describe('TLS 1.2 extensions: in TLS 1.3 server messages', () => {
  // RFC 8446 §4.2 lists none of them; the state machine refuses them as unsolicited.
  it('are kept in unknown, not rejected, in every TLS 1.3 context but the ClientHello', () => {
    for (const context of tls13Contexts) {
      if (context === 'CH') continue;
      for (const type of TLS12_ONLY) {
        const others: [number, Uint8Array][] = context === 'SH' ? [[ExtensionType.supported_versions, tls13]] : [];
        const decoded: { unknown: UnknownExtension[] } = decodeBlock(extensionBlock(...others, [type, SAMPLE[type]!]), context, 'tls12');
        assert.deepStrictEqual(decoded.unknown, [{ type, data: SAMPLE[type]! }], `${context} ${type}`);
      }
    }
  });
});

describe('TLS 1.2 extensions: the TLS 1.2 ServerHello (SH12)', () => {
  it('decodes the acknowledgements: empty server_name, status_request, session_ticket', () => {
    assert.deepStrictEqual(
      sh12([ExtensionType.server_name, empty], [ExtensionType.status_request, empty], [ExtensionType.session_ticket, empty]),
      { server_name: true, status_request: true, session_ticket: true, unknown: [] },
    );
  });

  it('rejects a non-empty server_name, status_request, session_ticket, extended_master_secret, encrypt_then_mac', () => {
    for (const type of [
      ExtensionType.server_name,
      ExtensionType.status_request,
      ExtensionType.session_ticket,
      ExtensionType.extended_master_secret,
      ExtensionType.encrypt_then_mac,
    ]) {
      throwsAlert(() => sh12([type, hexBytes('00')]), decodeErrorAlert, /trailing/);
    }
  });

  it('ALPN: exactly one protocol (RFC 7301 §3.1)', () => {
    assert.equal(sh12([ExtensionType.application_layer_protocol_negotiation, hexBytes('0003 02 6832')]).alpn, 'h2');
    throwsAlert(() => sh12([ExtensionType.application_layer_protocol_negotiation, hexBytes('0006 02 6832 02 6833')]), decodeErrorAlert);
  });

  it('record_size_limit: below 64 is illegal_parameter (RFC 8449 §4)', () => {
    assert.equal(sh12([ExtensionType.record_size_limit, u16Bytes(0x4001)]).record_size_limit, 0x4001);
    throwsAlert(() => sh12([ExtensionType.record_size_limit, u16Bytes(63)]), illegalParameterAlert);
  });

  it('renegotiation_info: both verify_data on a renegotiation; trailing bytes rejected', () => {
    const both = new Uint8Array(24).fill(5);
    assert.deepStrictEqual(sh12([ExtensionType.renegotiation_info, new Writer().opaque8(both).finish()]).renegotiation_info, both);
    throwsAlert(() => sh12([ExtensionType.renegotiation_info, hexBytes('00 ff')]), decodeErrorAlert, /trailing/);
  });

  it('keeps TLS 1.3-only and unknown extensions in unknown (whether they were offered is the client’s check)', () => {
    const raw: [number, Uint8Array][] = [
      [ExtensionType.key_share, hexBytes('001d 0001 00')],
      [ExtensionType.pre_shared_key, u16Bytes(0)],
      [ExtensionType.cookie, hexBytes('0001 aa')],
      [ExtensionType.early_data, empty],
      [ExtensionType.supported_groups, u16Bytes(2, 0x1d)],
      [ExtensionType.padding, empty],
      [0xfe00, hexBytes('01')],
    ];
    assert.deepStrictEqual(sh12(...raw), { unknown: raw.map(([type, data]) => ({ type, data })) });
  });

  it('rejects a duplicate extension (RFC 5246 §7.4.1.4)', () => {
    throwsAlert(() => sh12([ExtensionType.extended_master_secret, empty], [ExtensionType.extended_master_secret, empty]), illegalParameterAlert, /more than one/);
    throwsAlert(() => sh12([0xfe00, empty], [0xfe00, empty]), illegalParameterAlert, /more than one/);
  });

  it('decodeServerHelloExtensions: supported_versions selects SH, its absence SH12 (with tls12)', () => {
    fc.assert(
      fc.property(extensionsOf('SH12'), (ext) => {
        const w = new Writer();
        encodeExtensions(w, 'SH12', ext);
        const r = new Reader(w.finish());
        assert.deepStrictEqual(decodeServerHelloExtensions(r, 'tls12'), { context: 'SH12', extensions: ext });
        r.end();
      }),
      { numRuns: 100 },
    );
    const withVersion = new Reader(extensionBlock([ExtensionType.supported_versions, tls13], [ExtensionType.extended_master_secret, empty]));
    assert.deepStrictEqual(decodeServerHelloExtensions(withVersion, 'tls12'), {
      context: 'SH',
      extensions: { supported_versions: 0x0304, unknown: [{ type: ExtensionType.extended_master_secret, data: empty }] },
    });
    assert.deepStrictEqual(decodeServerHelloExtensions(new Reader(empty), 'tls12'), { context: 'SH12', extensions: { unknown: [] } });
    assert.deepStrictEqual(decodeServerHelloExtensions(new Reader(empty), 'tls13'), { context: 'SH', extensions: { unknown: [] } });
  });
});
