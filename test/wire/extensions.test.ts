import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ExtensionType } from '../../src/wire/codes.js';
import { type ExtContext, type ExtensionsOf, allowedContexts, encodeExtensions } from '../../src/wire/extensions.js';
import { Reader } from '../../src/wire/reader.js';
import { Writer } from '../../src/wire/writer.js';
import { contexts, extensionFields, extensionsOf, grease, tls13Contexts } from './arbitraries.js';
import { decodeBlock, decodeErrorAlert, extensionBlock, hexBytes, illegalParameterAlert, throwsAlert, u16Bytes } from './helpers.js';

function encodeBlock<C extends ExtContext>(context: C, ext: ExtensionsOf[C], extensionOrder?: number[]): Uint8Array {
  const w = new Writer();
  encodeExtensions(w, context, ext, extensionOrder ? { extensionOrder } : {});
  return w.finish();
}

/** The (type, extension_data) entries of an encoded block, read by hand. */
function entries(block: Uint8Array): [number, Uint8Array][] {
  const r = new Reader(block);
  const list = r.sub16('extensions');
  const out: [number, Uint8Array][] = [];
  while (list.remaining > 0) out.push([list.u16('type'), list.vec16('data')]);
  r.end();
  return out;
}

const ocspRequest = hexBytes('01 0000 0000');
const tls13 = u16Bytes(0x0304);

// RFC 8446 §4.2's table (and RFC 8449 §5 for record_size_limit), restricted to the extensions
// codes.ts names, transcribed independently of the implementation's table.
const RFC_TABLE: Record<number, readonly ExtContext[]> = {
  [ExtensionType.server_name]: ['CH', 'EE'],
  [ExtensionType.status_request]: ['CH', 'CR', 'CT'],
  [ExtensionType.supported_groups]: ['CH', 'EE'],
  [ExtensionType.signature_algorithms]: ['CH', 'CR'],
  [ExtensionType.application_layer_protocol_negotiation]: ['CH', 'EE'],
  [ExtensionType.record_size_limit]: ['CH', 'EE'],
  [ExtensionType.key_share]: ['CH', 'SH', 'HRR'],
  [ExtensionType.pre_shared_key]: ['CH', 'SH'],
  [ExtensionType.psk_key_exchange_modes]: ['CH'],
  [ExtensionType.early_data]: ['CH', 'EE', 'NST'],
  [ExtensionType.cookie]: ['CH', 'HRR'],
  [ExtensionType.supported_versions]: ['CH', 'SH', 'HRR'],
  [ExtensionType.certificate_authorities]: ['CH', 'CR'],
  [ExtensionType.signature_algorithms_cert]: ['CH', 'CR'],
  [ExtensionType.padding]: ['CH'],
  [ExtensionType.signed_certificate_timestamp]: ['CH', 'CR', 'CT'],
  [ExtensionType.oid_filters]: ['CR'],
  [ExtensionType.post_handshake_auth]: ['CH'],
};

describe('extensions: round trips', () => {
  // 'tls12' decodes every field (a TLS 1.3-only receiver leaves the ClientHello's TLS 1.2 ones raw).
  for (const context of contexts) {
    it(`${context}: any extensions → encode → decode → equal`, () => {
      fc.assert(
        fc.property(extensionsOf(context), (ext) => {
          assert.deepStrictEqual(decodeBlock(encodeBlock(context, ext), context, 'tls12'), ext);
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const context of contexts) {
    for (const [field, arb] of Object.entries(extensionFields[context]) as [string, fc.Arbitrary<unknown>][]) {
      // RFC 5077 §3.2: the ClientHello's ticket is the whole extension_data, so a prefix is a shorter ticket.
      if (context === 'CH' && field === 'session_ticket') continue;
      it(`${context}.${field}: every strict prefix of extension_data is decode_error`, () => {
        fc.assert(
          fc.property(arb, (value) => {
            const ext = { unknown: [], [field]: value } as unknown as ExtensionsOf[ExtContext];
            const [[type, data]] = entries(encodeBlock(context, ext)) as [[number, Uint8Array]];
            for (let k = 0; k < data.length; k++) {
              throwsAlert(() => decodeBlock(extensionBlock([type, data.subarray(0, k)]), context, 'tls12'), decodeErrorAlert);
            }
          }),
          { numRuns: 50 },
        );
      });
    }
  }
});

describe('extensions: the RFC 8446 §4.2 table', () => {
  it('allows each known extension in exactly the messages the RFC lists', () => {
    for (const [type, expected] of Object.entries(RFC_TABLE)) {
      assert.deepStrictEqual([...(allowedContexts(Number(type)) ?? [])].sort(), [...expected].sort(), `extension ${type}`);
    }
  });

  it('knows no extension the RFC table above does not list', () => {
    for (let type = 0; type <= 0xffff; type++) {
      if (allowedContexts(type) !== undefined) assert.ok(type in RFC_TABLE, `extension ${type}`);
    }
  });

  it('rejects every known extension in every message the table does not allow it in', () => {
    for (const [type, allowed] of Object.entries(RFC_TABLE)) {
      for (const context of tls13Contexts) {
        if (allowed.includes(context)) continue;
        // A ServerHello is TLS 1.3 (and the table applies) only with supported_versions.
        const others: [number, Uint8Array][] = context === 'SH' ? [[ExtensionType.supported_versions, tls13]] : [];
        throwsAlert(() => decodeBlock(extensionBlock(...others, [Number(type), new Uint8Array(0)]), context), illegalParameterAlert, /not allowed/);
      }
    }
  });

  it('rejects key_share in EncryptedExtensions', () => {
    const ee = encodeBlock('EE', { unknown: [{ type: ExtensionType.key_share, data: hexBytes('001d 0001 00') }] });
    throwsAlert(() => decodeBlock(ee, 'EE'), illegalParameterAlert, /key_share/);
  });

  it('accepts pre_shared_key (selected_identity) in a TLS 1.3 ServerHello', () => {
    const sh = extensionBlock([ExtensionType.supported_versions, tls13], [ExtensionType.pre_shared_key, u16Bytes(0)]);
    assert.equal(decodeBlock(sh, 'SH').pre_shared_key, 0);
  });

  it('keeps padding in a ClientHello and signed_certificate_timestamp in a CertificateEntry in unknown', () => {
    const padding = new Uint8Array(5);
    assert.deepStrictEqual(decodeBlock(extensionBlock([ExtensionType.padding, padding]), 'CH'), {
      unknown: [{ type: ExtensionType.padding, data: padding }],
    });
    const sct = hexBytes('0003 0001 aa');
    assert.deepStrictEqual(decodeBlock(extensionBlock([ExtensionType.signed_certificate_timestamp, sct]), 'CT'), {
      unknown: [{ type: ExtensionType.signed_certificate_timestamp, data: sct }],
    });
  });

  it('keeps certificate_authorities in a ClientHello in unknown (allowed, no typed field)', () => {
    const data = hexBytes('0004 0002 3000');
    assert.deepStrictEqual(decodeBlock(extensionBlock([ExtensionType.certificate_authorities, data]), 'CH'), {
      unknown: [{ type: ExtensionType.certificate_authorities, data }],
    });
  });

  it('keeps unknown and GREASE extensions in unknown, in wire order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(grease, { minLength: 1, maxLength: 4 }), (types) => {
        const raw: [number, Uint8Array][] = [[0xfe00, hexBytes('aa')], ...types.map((t): [number, Uint8Array] => [t, new Uint8Array(0)])];
        for (const context of contexts) {
          const decoded = decodeBlock(extensionBlock(...raw), context);
          assert.deepStrictEqual(decoded, { unknown: raw.map(([type, data]) => ({ type, data })) });
        }
      }),
    );
  });

  it('keeps TLS 1.2 ServerHello extensions the TLS 1.3 table forbids in unknown', () => {
    const alpn = hexBytes('0003 02 6832');
    const decoded = decodeBlock(extensionBlock([ExtensionType.server_name, new Uint8Array(0)], [ExtensionType.application_layer_protocol_negotiation, alpn]), 'SH');
    assert.deepStrictEqual(decoded, {
      unknown: [
        { type: ExtensionType.server_name, data: new Uint8Array(0) },
        { type: ExtensionType.application_layer_protocol_negotiation, data: alpn },
      ],
    });
    const tls13ServerHello = extensionBlock([ExtensionType.supported_versions, tls13], [ExtensionType.server_name, new Uint8Array(0)]);
    throwsAlert(() => decodeBlock(tls13ServerHello, 'SH'), illegalParameterAlert);
  });
});

describe('extensions: block rules', () => {
  it('rejects a duplicate extension', () => {
    throwsAlert(() => decodeBlock(extensionBlock([0xfe00, hexBytes('')], [0xfe00, hexBytes('01')]), 'EE'), illegalParameterAlert, /more than one/);
    const groups = u16Bytes(4, 0x1d, 0x17);
    throwsAlert(
      () => decodeBlock(extensionBlock([ExtensionType.supported_groups, groups], [ExtensionType.supported_groups, groups]), 'CH'),
      illegalParameterAlert,
    );
  });

  it('rejects pre_shared_key not last', () => {
    const psk = encodeBlock('CH', {
      unknown: [],
      pre_shared_key: { identities: [{ identity: hexBytes('01'), obfuscated_ticket_age: 0 }], binders: [new Uint8Array(32)] },
    });
    const [[type, data]] = entries(psk) as [[number, Uint8Array]];
    assert.ok(decodeBlock(extensionBlock([0xfe00, hexBytes('')], [type, data]), 'CH').pre_shared_key);
    throwsAlert(() => decodeBlock(extensionBlock([type, data], [0xfe00, hexBytes('')]), 'CH'), illegalParameterAlert, /last/);
  });

  it('rejects extension_data with trailing bytes', () => {
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.record_size_limit, hexBytes('4000 00')]), 'EE'), decodeErrorAlert, /trailing/);
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.early_data, hexBytes('00')]), 'EE'), decodeErrorAlert, /trailing/);
  });

  it('rejects an extension_data length beyond the block', () => {
    throwsAlert(() => decodeBlock(hexBytes('0005 0000 0002 00'), 'CH'), decodeErrorAlert);
  });

  it('accepts an empty block in every context', () => {
    for (const context of contexts) assert.deepStrictEqual(decodeBlock(hexBytes('0000'), context), { unknown: [] });
  });

  it('writes known extensions in table order, then unknown, then pre_shared_key', () => {
    const block = encodeBlock('CH', {
      unknown: [{ type: 0xfe01, data: new Uint8Array(0) }],
      pre_shared_key: { identities: [{ identity: hexBytes('01'), obfuscated_ticket_age: 0 }], binders: [new Uint8Array(32)] },
      supported_versions: [0x0304],
      key_share: [],
      server_name: 'example.com',
    });
    assert.deepStrictEqual(
      entries(block).map(([t]) => t),
      [ExtensionType.server_name, ExtensionType.key_share, ExtensionType.supported_versions, 0xfe01, ExtensionType.pre_shared_key],
    );
  });

  it('follows extensionOrder, keeping pre_shared_key last', () => {
    const block = encodeBlock(
      'CH',
      {
        unknown: [{ type: 0xfe01, data: new Uint8Array(0) }],
        pre_shared_key: { identities: [{ identity: hexBytes('01'), obfuscated_ticket_age: 0 }], binders: [new Uint8Array(32)] },
        supported_versions: [0x0304],
        key_share: [],
        server_name: 'example.com',
      },
      [ExtensionType.pre_shared_key, 0xfe01, ExtensionType.supported_versions],
    );
    assert.deepStrictEqual(
      entries(block).map(([t]) => t),
      [0xfe01, ExtensionType.supported_versions, ExtensionType.server_name, ExtensionType.key_share, ExtensionType.pre_shared_key],
    );
  });
});

describe('extensions: bodies', () => {
  const ch = (type: number, data: Uint8Array) => decodeBlock(extensionBlock([type, data]), 'CH');
  const ee = (type: number, data: Uint8Array) => decodeBlock(extensionBlock([type, data]), 'EE');
  const sni = (...names: [number, string][]) =>
    new Writer()
      .vec16((w) => {
        for (const [t, n] of names) w.u8(t).opaque16(Buffer.from(n, 'latin1'));
      })
      .finish();

  it('server_name: reads the host_name and skips other name types', () => {
    assert.equal(ch(ExtensionType.server_name, sni([7, 'ignored'], [0, 'example.com'])).server_name, 'example.com');
    assert.deepStrictEqual(ch(ExtensionType.server_name, sni([7, 'ignored'])), { unknown: [] });
  });

  it('server_name: rejects two host_name entries', () => {
    throwsAlert(() => ch(ExtensionType.server_name, sni([0, 'a.example'], [0, 'b.example'])), illegalParameterAlert, /more than one/);
  });

  it('server_name: rejects NUL, non-ASCII and a trailing dot; and an empty list or name', () => {
    throwsAlert(() => ch(ExtensionType.server_name, sni([0, 'a\0.example'])), illegalParameterAlert);
    throwsAlert(() => ch(ExtensionType.server_name, sni([0, 'caf\xe9.example'])), illegalParameterAlert);
    throwsAlert(() => ch(ExtensionType.server_name, sni([0, 'example.com.'])), illegalParameterAlert, /dot/);
    throwsAlert(() => ch(ExtensionType.server_name, hexBytes('0000')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.server_name, sni([0, ''])), decodeErrorAlert);
  });

  it('server_name: is empty in EncryptedExtensions', () => {
    assert.equal(ee(ExtensionType.server_name, new Uint8Array(0)).server_name, true);
    throwsAlert(() => ee(ExtensionType.server_name, sni([0, 'example.com'])), decodeErrorAlert);
  });

  it('status_request: accepts responder ids and request extensions; skips another status_type', () => {
    assert.equal(ch(ExtensionType.status_request, hexBytes('01 0006 0004 aabbccdd 0002 0000')).status_request, true);
    assert.deepStrictEqual(ch(ExtensionType.status_request, hexBytes('02 1234')), { unknown: [] });
    throwsAlert(() => ch(ExtensionType.status_request, hexBytes('01 0002 0000 0000')), decodeErrorAlert);
  });

  it('status_request: is empty when we send it in a CertificateRequest, and accepted either way', () => {
    assert.deepStrictEqual(entries(encodeBlock('CR', { unknown: [], status_request: true })), [[ExtensionType.status_request, new Uint8Array(0)]]);
    assert.equal(decodeBlock(extensionBlock([ExtensionType.status_request, ocspRequest]), 'CR').status_request, true);
    assert.deepStrictEqual(entries(encodeBlock('CH', { unknown: [], status_request: true })), [[ExtensionType.status_request, ocspRequest]]);
  });

  it('status_request: a CertificateStatus of a type other than ocsp is illegal_parameter', () => {
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.status_request, hexBytes('02 000001 00')]), 'CT'), illegalParameterAlert);
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.status_request, hexBytes('01 000000')]), 'CT'), decodeErrorAlert);
  });

  it('supported_groups and signature_algorithms: reject empty and odd-length lists', () => {
    throwsAlert(() => ch(ExtensionType.supported_groups, hexBytes('0000')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.supported_groups, hexBytes('0003 001d 00')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.signature_algorithms, hexBytes('0000')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.signature_algorithms_cert, hexBytes('0001 08')), decodeErrorAlert);
  });

  it('rejects an empty ALPN protocol name', () => {
    throwsAlert(() => ch(ExtensionType.application_layer_protocol_negotiation, hexBytes('0004 02 6832 00')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.application_layer_protocol_negotiation, hexBytes('0000')), decodeErrorAlert);
  });

  it('ALPN: EncryptedExtensions names exactly one protocol', () => {
    assert.equal(ee(ExtensionType.application_layer_protocol_negotiation, hexBytes('0003 02 6832')).alpn, 'h2');
    throwsAlert(() => ee(ExtensionType.application_layer_protocol_negotiation, hexBytes('0006 02 6832 02 6833')), decodeErrorAlert, /exactly one|named 2/);
  });

  it('ALPN: a name is opaque bytes and round-trips byte for byte', () => {
    const name = hexBytes('00ff80 41');
    const decoded = ch(ExtensionType.application_layer_protocol_negotiation, new Writer().vec16((w) => w.opaque8(name)).finish());
    assert.deepStrictEqual(entries(encodeBlock('CH', decoded)), [[ExtensionType.application_layer_protocol_negotiation, hexBytes('0005 04 00ff8041')]]);
  });

  it('rejects record_size_limit below 64', () => {
    throwsAlert(() => ee(ExtensionType.record_size_limit, u16Bytes(63)), illegalParameterAlert, /below 64/);
    throwsAlert(() => ch(ExtensionType.record_size_limit, u16Bytes(0)), illegalParameterAlert);
    assert.equal(ee(ExtensionType.record_size_limit, u16Bytes(64)).record_size_limit, 64);
  });

  it('supported_versions: a one-byte length, even, 2..254 bytes in the ClientHello', () => {
    assert.deepStrictEqual(ch(ExtensionType.supported_versions, hexBytes('04 0304 0303')).supported_versions, [0x0304, 0x0303]);
    throwsAlert(() => ch(ExtensionType.supported_versions, hexBytes('03 0304 03')), decodeErrorAlert, /odd/);
    throwsAlert(() => ch(ExtensionType.supported_versions, hexBytes('00')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.supported_versions, hexBytes('0002 0304')), decodeErrorAlert);
  });

  it('cookie: rejects an empty cookie', () => {
    throwsAlert(() => ch(ExtensionType.cookie, hexBytes('0000')), decodeErrorAlert);
  });

  it('psk_key_exchange_modes: rejects an empty list', () => {
    throwsAlert(() => ch(ExtensionType.psk_key_exchange_modes, hexBytes('00')), decodeErrorAlert);
  });

  it('key_share: accepts an empty client_shares, rejects an empty key_exchange and a repeated group', () => {
    assert.deepStrictEqual(ch(ExtensionType.key_share, hexBytes('0000')).key_share, []);
    throwsAlert(() => ch(ExtensionType.key_share, hexBytes('0004 001d 0000')), decodeErrorAlert);
    throwsAlert(() => ch(ExtensionType.key_share, hexBytes('000a 001d 0001 aa 001d 0001 bb')), illegalParameterAlert, /two shares/);
  });

  it('key_share: one entry in ServerHello, selected_group alone in HelloRetryRequest', () => {
    const sh = decodeBlock(extensionBlock([ExtensionType.supported_versions, tls13], [ExtensionType.key_share, hexBytes('001d 0002 abcd')]), 'SH');
    assert.deepStrictEqual(sh.key_share, { group: 0x1d, key_exchange: hexBytes('abcd') });
    assert.equal(decodeBlock(extensionBlock([ExtensionType.key_share, hexBytes('0017')]), 'HRR').key_share, 0x17);
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.key_share, hexBytes('0017 0001 00')]), 'HRR'), decodeErrorAlert);
  });

  it('early_data: empty in ClientHello/EncryptedExtensions, max_early_data_size in NewSessionTicket', () => {
    assert.equal(ch(ExtensionType.early_data, new Uint8Array(0)).early_data, true);
    assert.equal(decodeBlock(extensionBlock([ExtensionType.early_data, hexBytes('00004000')]), 'NST').early_data, 0x4000);
    throwsAlert(() => decodeBlock(extensionBlock([ExtensionType.early_data, new Uint8Array(0)]), 'NST'), decodeErrorAlert);
  });

  it('pre_shared_key: enforces identities<7..>, binders<33..>, each binder <32..255>, one binder per identity', () => {
    const psk = (ids: string, binders: string) => ch(ExtensionType.pre_shared_key, hexBytes(ids + binders));
    const oneId = '0007 0001 aa 00000000';
    const binder32 = '0021 20' + '00'.repeat(32);
    assert.equal(psk(oneId, binder32).pre_shared_key?.identities.length, 1);
    throwsAlert(() => psk('0000', binder32), decodeErrorAlert);
    throwsAlert(() => psk(oneId, '0020 1f' + '00'.repeat(31)), decodeErrorAlert);
    throwsAlert(() => psk(oneId, '0042 20' + '00'.repeat(32) + '20' + '00'.repeat(32)), illegalParameterAlert, /binders/);
    throwsAlert(() => psk('0007 0000 00000000 00', binder32), decodeErrorAlert);
  });

  it('certificate_authorities: enforces authorities<3..> and DistinguishedName<1..>', () => {
    const cr = (data: string) => decodeBlock(extensionBlock([ExtensionType.certificate_authorities, hexBytes(data)]), 'CR');
    assert.deepStrictEqual(cr('0003 0001 30').certificate_authorities, [hexBytes('30')]);
    throwsAlert(() => cr('0002 0000'), decodeErrorAlert);
  });
});
