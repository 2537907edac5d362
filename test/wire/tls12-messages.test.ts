// TLS 1.2 handshake messages (RFC 5246 §7.4, RFC 5077 §3.3, RFC 6066 §8) and the key exchange
// bodies (RFC 5246 §7.4.3, §7.4.7, RFC 8422 §5.4, §5.7). Round trips of every kind run in
// messages.test.ts; here: the body parsers, the version split, named negatives, and OpenSSL's bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, verify } from 'node:crypto';
import fc from 'fast-check';

import { AlertDescription, ExtensionType, HandshakeType, SignatureScheme } from '../../src/wire/codes.js';
import { decodeHandshake, decodeHandshakeMessage, encodeHandshake, handshakeType } from '../../src/wire/handshake.js';
import {
  decodeDheClientKeyExchange,
  decodeEcdheClientKeyExchange,
  decodeRsaClientKeyExchange,
  encodeDheClientKeyExchange,
  encodeEcdheClientKeyExchange,
  encodeRsaClientKeyExchange,
} from '../../src/wire/messages/client-key-exchange.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../src/wire/messages/server-hello.js';
import {
  decodeDheServerKeyExchange,
  decodeEcdheServerKeyExchange,
  encodeDheServerKeyExchange,
  encodeEcdheServerKeyExchange,
  encodeServerDhParams,
  encodeServerEcdhParams,
} from '../../src/wire/messages/server-key-exchange.js';
import type {
  Certificate12,
  CertificateRequest12,
  CertificateStatus,
  CertificateVerify,
  ClientHello,
  HandshakeMessage,
  NewSessionTicket12,
  ServerHello12,
  ServerKeyExchange,
  WireVersion,
} from '../../src/wire/types.js';
import { bytes, digitallySigned, messages, serverDhParams, serverEcdhParams, versionOf } from './arbitraries.js';
import { decodeErrorAlert, hexBytes, illegalParameterAlert, throwsAlert, toHex } from './helpers.js';
import { DHE_RSA, ECDHE_ECDSA, RSA } from './openssl-tls12.js';

const unexpectedAlert = AlertDescription.unexpected_message;
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const withByte = (b: Uint8Array) => concat(b, Uint8Array.of(0));

/** Every strict prefix of `encoded` is decode_error for `parse`. */
function prefixesRejected(encoded: Uint8Array, parse: (b: Uint8Array) => unknown): void {
  for (let k = 0; k < encoded.length; k++) throwsAlert(() => parse(encoded.subarray(0, k)), decodeErrorAlert);
}

describe('TLS 1.2 messages: leftover bytes', () => {
  // A byte past the end: trailing bytes, or (for a hello without extensions) a truncated block.
  const opaque = new Set(['finished', 'server_key_exchange', 'client_key_exchange']);
  for (const [kind, arb] of Object.entries(messages) as [string, fc.Arbitrary<HandshakeMessage>][]) {
    if (opaque.has(kind)) continue;
    it(`${kind}: a byte appended to the body is decode_error`, () => {
      fc.assert(
        fc.property(arb, (msg) => {
          const body = withByte(encodeHandshake(msg).subarray(4));
          throwsAlert(() => decodeHandshake(handshakeType(msg), body, versionOf[msg.type]), decodeErrorAlert);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('rejects a HelloRequest and a ServerHelloDone with a body', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.hello_request, hexBytes('00'), 'tls12'), decodeErrorAlert, /trailing/);
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello_done, hexBytes('0000'), 'tls12'), decodeErrorAlert, /trailing/);
  });
});

describe('TLS 1.2 messages: which version decodes what', () => {
  const tls13Only = [
    HandshakeType.encrypted_extensions,
    HandshakeType.end_of_early_data,
    HandshakeType.key_update,
    HandshakeType.message_hash,
  ];
  const tls12Only = [
    HandshakeType.hello_request,
    HandshakeType.server_key_exchange,
    HandshakeType.server_hello_done,
    HandshakeType.client_key_exchange,
    HandshakeType.certificate_status,
  ];

  it('answers TLS 1.3-only messages in tls12 mode with unexpected_message', () => {
    for (const t of tls13Only) throwsAlert(() => decodeHandshake(t, new Uint8Array(1), 'tls12'), unexpectedAlert);
  });

  it('answers TLS 1.2-only messages in tls13 mode (the default) with unexpected_message', () => {
    for (const t of tls12Only) {
      throwsAlert(() => decodeHandshake(t, new Uint8Array(0)), unexpectedAlert);
      throwsAlert(() => decodeHandshake(t, new Uint8Array(0), 'tls13'), unexpectedAlert);
    }
  });

  it('rejects the TLS 1.3 forms of Certificate, CertificateRequest and NewSessionTicket in tls12 mode', () => {
    const tls13Bodies: [number, string, string][] = [
      // context<0>, one entry "30" with no extensions: read as TLS 1.2, an empty list then leftovers.
      [HandshakeType.certificate, 'certificate', '00 000006 000001 30 0000'],
      // context<0>, signature_algorithms: read as TLS 1.2, empty certificate_types.
      [HandshakeType.certificate_request, 'certificate_request', '00 0008 000d 0004 0002 0403'],
      // lifetime, age_add, nonce<0>, ticket "aa", no extensions: read as TLS 1.2, leftovers.
      [HandshakeType.new_session_ticket, 'new_session_ticket', '00000e10 00000000 00 0001 aa 0000'],
    ];
    for (const [t, kind, hex] of tls13Bodies) {
      assert.equal(decodeHandshake(t, hexBytes(hex)).type, kind);
      throwsAlert(() => decodeHandshake(t, hexBytes(hex), 'tls12'), decodeErrorAlert);
    }
  });

  it('decodes CertificateVerify and Finished the same in both versions', () => {
    fc.assert(
      fc.property(fc.oneof(messages.certificate_verify, messages.finished), (msg) => {
        const body = encodeHandshake(msg).subarray(4);
        for (const version of ['tls13', 'tls12'] as WireVersion[]) {
          assert.deepStrictEqual(decodeHandshake(handshakeType(msg), body, version), msg);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('decodes a ClientHello in either version; only the TLS 1.2 extensions differ', () => {
    const ch = decodeHandshakeMessage(hexBytes(ECDHE_ECDSA.ClientHello), 'tls12') as ClientHello;
    const ch13 = decodeHandshakeMessage(hexBytes(ECDHE_ECDSA.ClientHello), 'tls13') as ClientHello;
    assert.deepStrictEqual({ ...ch13, extensions: {} }, { ...ch, extensions: {} });
    assert.equal(ch.extensions.extended_master_secret, true);
    assert.equal(ch13.extensions.extended_master_secret, undefined);
    assert.deepStrictEqual(
      ch13.extensions.unknown.map((u) => u.type),
      [ExtensionType.ec_point_formats, ExtensionType.session_ticket, ExtensionType.encrypt_then_mac, ExtensionType.extended_master_secret],
    );
  });
});

describe('TLS 1.2 messages: ServerHello', () => {
  const sh = (random: Uint8Array, extensions: string) => hexBytes(`0303 ${toHex(random)} 00 c02f 00 ${extensions}`);
  const random = new Uint8Array(32).fill(7);

  it('without supported_versions: server_hello_tls12 in tls12 mode, server_hello in tls13 mode', () => {
    const body = sh(random, '0005 ff01 0001 00');
    assert.deepStrictEqual(decodeHandshake(HandshakeType.server_hello, body, 'tls12'), {
      type: 'server_hello_tls12',
      server_version: 0x0303,
      random,
      session_id: new Uint8Array(0),
      cipher_suite: 0xc02f,
      compression_method: 0,
      extensions: { renegotiation_info: new Uint8Array(0), unknown: [] },
    });
    const legacy = decodeHandshake(HandshakeType.server_hello, body);
    assert.equal(legacy.type, 'server_hello');
    assert.deepStrictEqual(legacy.type === 'server_hello' && legacy.extensions, {
      unknown: [{ type: ExtensionType.renegotiation_info, data: hexBytes('00') }],
    });
  });

  it('with supported_versions: server_hello in tls12 mode too (the ServerHello picks the version)', () => {
    const msg = decodeHandshake(HandshakeType.server_hello, sh(random, '0006 002b 0002 0304'), 'tls12');
    assert.equal(msg.type, 'server_hello');
    assert.equal(msg.type === 'server_hello' && msg.extensions.supported_versions, 0x0304);
  });

  it('the HelloRetryRequest random is a hello_retry_request in tls12 mode too', () => {
    const msg = decodeHandshake(HandshakeType.server_hello, sh(HELLO_RETRY_REQUEST_RANDOM, '0006 002b 0002 0304'), 'tls12');
    assert.equal(msg.type, 'hello_retry_request');
  });

  it('decodes a ServerHello without an extensions block; encodes none when there are no extensions', () => {
    const body = sh(random, '');
    const msg = decodeHandshake(HandshakeType.server_hello, body, 'tls12') as ServerHello12;
    assert.deepStrictEqual(msg.extensions, { unknown: [] });
    assert.equal(toHex(encodeHandshake(msg).subarray(4)), toHex(body));
    const empty = decodeHandshake(HandshakeType.server_hello, sh(random, '0000'), 'tls12');
    assert.deepStrictEqual(empty, msg);
  });

  it('rejects a duplicate extension, a 33-byte session_id, and bytes after the block', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, sh(random, '0008 0017 0000 0017 0000'), 'tls12'), illegalParameterAlert, /more than one/);
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, hexBytes(`0303 ${toHex(random)} 21 ${'00'.repeat(33)} c02f 00`), 'tls12'), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, sh(random, '0000 00'), 'tls12'), decodeErrorAlert, /trailing/);
  });
});

describe('TLS 1.2 messages: bodies', () => {
  it('Certificate: rejects an empty ASN.1Cert and a list longer than its bytes; accepts an empty list', () => {
    assert.deepStrictEqual(decodeHandshake(HandshakeType.certificate, hexBytes('000000'), 'tls12'), {
      type: 'certificate_tls12',
      certificate_list: [],
    });
    throwsAlert(() => decodeHandshake(HandshakeType.certificate, hexBytes('000003 000000'), 'tls12'), decodeErrorAlert);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate, hexBytes('000005 000001 30'), 'tls12'), decodeErrorAlert);
  });

  it('CertificateRequest: rejects empty certificate_types', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_request, hexBytes('00 0002 0403 0000'), 'tls12'), decodeErrorAlert, /certificate_types/);
  });

  it('CertificateRequest: rejects empty and odd-length signature algorithms and an empty DistinguishedName', () => {
    const cr = (hex: string) => decodeHandshake(HandshakeType.certificate_request, hexBytes(hex), 'tls12');
    throwsAlert(() => cr('01 40 0000 0000'), decodeErrorAlert);
    throwsAlert(() => cr('01 40 0003 0403 04 0000'), decodeErrorAlert, /odd/);
    throwsAlert(() => cr('01 40 0002 0403 0002 0000'), decodeErrorAlert);
    assert.deepStrictEqual(cr('02 01 40 0002 0403 0003 0001 30'), {
      type: 'certificate_request_tls12',
      certificate_types: [1, 64],
      supported_signature_algorithms: [0x0403],
      certificate_authorities: [hexBytes('30')],
    });
  });

  it('NewSessionTicket: an empty ticket is allowed (RFC 5077 §3.3)', () => {
    assert.deepStrictEqual(decodeHandshake(HandshakeType.new_session_ticket, hexBytes('00000e10 0000'), 'tls12'), {
      type: 'new_session_ticket_tls12',
      ticket_lifetime_hint: 3600,
      ticket: new Uint8Array(0),
    });
  });

  it('CertificateStatus: rejects a status_type other than ocsp and an empty OCSPResponse', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_status, hexBytes('02 000001 30'), 'tls12'), illegalParameterAlert, /not ocsp/);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_status, hexBytes('01 000000'), 'tls12'), decodeErrorAlert);
  });
});

describe('TLS 1.2 key exchange bodies', () => {
  it('ECDHE ServerKeyExchange: encode → decode → equal, raw_params are the signed params', () => {
    fc.assert(
      fc.property(serverEcdhParams, digitallySigned, (params, signed) => {
        const body = encodeEcdheServerKeyExchange(params, signed);
        const raw = encodeServerEcdhParams(params);
        assert.deepStrictEqual(decodeEcdheServerKeyExchange(body), { params, raw_params: raw, signed_params: signed });
        assert.equal(toHex(body.subarray(0, raw.length)), toHex(raw));
        prefixesRejected(body, decodeEcdheServerKeyExchange);
        throwsAlert(() => decodeEcdheServerKeyExchange(withByte(body)), decodeErrorAlert, /trailing/);
      }),
      { numRuns: 100 },
    );
  });

  it('DHE ServerKeyExchange: encode → decode → equal, raw_params are the signed params', () => {
    fc.assert(
      fc.property(serverDhParams, digitallySigned, (params, signed) => {
        const body = encodeDheServerKeyExchange(params, signed);
        const raw = encodeServerDhParams(params);
        assert.deepStrictEqual(decodeDheServerKeyExchange(body), { params, raw_params: raw, signed_params: signed });
        prefixesRejected(body, decodeDheServerKeyExchange);
        throwsAlert(() => decodeDheServerKeyExchange(withByte(body)), decodeErrorAlert, /trailing/);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects an explicit-curve ServerKeyExchange with illegal_parameter (RFC 8422 §5.4)', () => {
    const signature = '0403 0001 00';
    // explicit_prime(1), explicit_char2(2): whatever follows, the curve type itself is refused.
    throwsAlert(() => decodeEcdheServerKeyExchange(hexBytes(`01 ${'11'.repeat(40)} ${signature}`)), illegalParameterAlert, /curve_type 1/);
    throwsAlert(() => decodeEcdheServerKeyExchange(hexBytes(`02 ${'11'.repeat(40)} ${signature}`)), illegalParameterAlert, /curve_type 2/);
    for (const t of [0, 4, 0xff]) {
      throwsAlert(() => decodeEcdheServerKeyExchange(hexBytes(`${t.toString(16).padStart(2, '0')} 0017 01 04 ${signature}`)), illegalParameterAlert);
    }
    assert.equal(decodeEcdheServerKeyExchange(hexBytes(`03 0017 01 04 ${signature}`)).params.group, 0x17);
  });

  it('rejects an empty point, an empty dh_p, dh_g or dh_Ys, and a missing signature', () => {
    throwsAlert(() => decodeEcdheServerKeyExchange(hexBytes('03 001d 00 0403 0000')), decodeErrorAlert);
    throwsAlert(() => decodeDheServerKeyExchange(hexBytes('0000 0001 02 0001 05 0401 0000')), decodeErrorAlert);
    throwsAlert(() => decodeDheServerKeyExchange(hexBytes('0001 17 0000 0001 05 0401 0000')), decodeErrorAlert);
    throwsAlert(() => decodeDheServerKeyExchange(hexBytes('0001 17 0001 02 0000 0401 0000')), decodeErrorAlert);
    throwsAlert(() => decodeEcdheServerKeyExchange(hexBytes('03 001d 01 09')), decodeErrorAlert);
  });

  const clientKeyExchanges = [
    { name: 'ECDHE', arb: bytes(1, 255), encode: encodeEcdheClientKeyExchange, decode: decodeEcdheClientKeyExchange, empty: '00' },
    { name: 'DHE', arb: bytes(1, 300), encode: encodeDheClientKeyExchange, decode: decodeDheClientKeyExchange, empty: '0000' },
    { name: 'RSA', arb: bytes(0, 300), encode: encodeRsaClientKeyExchange, decode: decodeRsaClientKeyExchange, empty: undefined },
  ];
  for (const { name, arb, encode, decode, empty } of clientKeyExchanges) {
    it(`${name} ClientKeyExchange: encode → decode → equal; prefixes and trailing bytes rejected`, () => {
      fc.assert(
        fc.property(arb, (value) => {
          const body = encode(value);
          assert.deepStrictEqual(decode(body), value);
          prefixesRejected(body, decode);
          throwsAlert(() => decode(withByte(body)), decodeErrorAlert, /trailing/);
        }),
        { numRuns: 100 },
      );
      if (empty) throwsAlert(() => decode(hexBytes(empty)), decodeErrorAlert);
    });
  }

  it('RSA ClientKeyExchange: an empty EncryptedPreMasterSecret is well formed (the key exchange refuses it)', () => {
    assert.deepStrictEqual(decodeRsaClientKeyExchange(hexBytes('0000')), new Uint8Array(0));
  });

  it('the parsers own their bytes', () => {
    const body = encodeEcdheServerKeyExchange({ group: 0x1d, point: new Uint8Array(32).fill(9) }, { algorithm: 0x0403, signature: Uint8Array.of(1) });
    const decoded = decodeEcdheServerKeyExchange(body);
    body.fill(0);
    assert.deepStrictEqual(decoded.params.point, new Uint8Array(32).fill(9));
    assert.equal(decoded.raw_params[0], 3);
  });
});

describe('TLS 1.2 messages: OpenSSL 3.0 handshakes (known answers)', () => {
  const decode12 = (hex: string) => decodeHandshakeMessage(hexBytes(hex), 'tls12');
  /** Decodes, then re-encodes to the same bytes (in the wire's extension order where there is one). */
  function roundTrip(hex: string, extensionOrder?: number[]): HandshakeMessage {
    const msg = decode12(hex);
    assert.equal(toHex(encodeHandshake(msg, extensionOrder ? { extensionOrder } : {})), toHex(hexBytes(hex)));
    return msg;
  }
  const certificateKey = (cert: Certificate12) => new X509Certificate(cert.certificate_list[0]!).publicKey;

  describe('ECDHE-ECDSA-AES128-GCM-SHA256', () => {
    const ch = roundTrip(ECDHE_ECDSA.ClientHello, [0, 11, 10, 35, 22, 23, 13]) as ClientHello;
    const sh = roundTrip(ECDHE_ECDSA.ServerHello, [0xff01, 11, 35, 23]) as ServerHello12;
    const cert = roundTrip(ECDHE_ECDSA.Certificate) as Certificate12;
    const ske = roundTrip(ECDHE_ECDSA.ServerKeyExchange) as ServerKeyExchange;

    it('ClientHello', () => {
      assert.deepStrictEqual(ch.cipher_suites, [0xc02b, 0x00ff]);
      assert.equal(ch.extensions.server_name, 'localhost');
      assert.deepStrictEqual(ch.extensions.ec_point_formats, [0, 1, 2]);
      assert.deepStrictEqual(ch.extensions.supported_groups, [0x1d, 0x17, 0x1e, 0x19, 0x18]);
      assert.deepStrictEqual(ch.extensions.session_ticket, new Uint8Array(0));
      assert.equal(ch.extensions.encrypt_then_mac, true);
      assert.equal(ch.extensions.extended_master_secret, true);
      assert.equal(ch.extensions.signature_algorithms?.length, 20);
      assert.deepStrictEqual(ch.extensions.unknown, []);
    });

    it('ServerHello', () => {
      assert.equal(sh.type, 'server_hello_tls12');
      assert.equal(sh.server_version, 0x0303);
      assert.equal(sh.cipher_suite, 0xc02b);
      assert.equal(sh.compression_method, 0);
      assert.deepStrictEqual(sh.session_id, new Uint8Array(0)); // a ticket is coming
      assert.deepStrictEqual(sh.extensions, {
        renegotiation_info: new Uint8Array(0),
        ec_point_formats: [0, 1, 2],
        session_ticket: true,
        extended_master_secret: true,
        unknown: [],
      });
    });

    it('Certificate: one DER certificate for CN=localhost', () => {
      assert.equal(cert.certificate_list.length, 1);
      assert.equal(new X509Certificate(cert.certificate_list[0]!).subject, 'CN=localhost');
    });

    it('ServerKeyExchange: x25519, and its signature verifies over client_random + server_random + raw_params', () => {
      const parsed = decodeEcdheServerKeyExchange(ske.body);
      assert.equal(parsed.params.group, 0x1d);
      assert.equal(parsed.params.point.length, 32);
      assert.equal(parsed.signed_params.algorithm, SignatureScheme.ecdsa_secp256r1_sha256);
      assert.equal(toHex(parsed.raw_params), toHex(ske.body.subarray(0, 1 + 2 + 1 + 32)));
      const signed = concat(ch.random, sh.random, parsed.raw_params);
      assert.ok(verify('sha256', signed, certificateKey(cert), parsed.signed_params.signature));
    });

    it('ServerHelloDone, ClientKeyExchange, Finished, NewSessionTicket', () => {
      assert.deepStrictEqual(roundTrip(ECDHE_ECDSA.ServerHelloDone), { type: 'server_hello_done' });
      const cke = roundTrip(ECDHE_ECDSA.ClientKeyExchange);
      assert.equal(cke.type, 'client_key_exchange');
      assert.equal(decodeEcdheClientKeyExchange(cke.type === 'client_key_exchange' ? cke.body : new Uint8Array()).length, 32);
      const fin = roundTrip(ECDHE_ECDSA.ClientFinished);
      assert.equal(fin.type === 'finished' && fin.verify_data.length, 12);
      const nst = roundTrip(ECDHE_ECDSA.NewSessionTicket) as NewSessionTicket12;
      assert.equal(nst.type, 'new_session_ticket_tls12');
      assert.equal(nst.ticket_lifetime_hint, 7200);
      assert.equal(nst.ticket.length, 0xb0);
    });
  });

  describe('DHE-RSA-AES128-GCM-SHA256 with OCSP stapling and a client certificate', () => {
    const ch = roundTrip(DHE_RSA.ClientHello, [35, 5, 22, 23, 13]) as ClientHello;
    const sh = roundTrip(DHE_RSA.ServerHello, [0xff01, 35, 5, 23]) as ServerHello12;
    const cert = roundTrip(DHE_RSA.Certificate) as Certificate12;
    const ske = roundTrip(DHE_RSA.ServerKeyExchange) as ServerKeyExchange;

    it('ClientHello and ServerHello: status_request offered and acknowledged', () => {
      assert.equal(ch.extensions.status_request, true);
      assert.deepStrictEqual(ch.extensions.signature_algorithms, [0x0401, 0x0403]);
      assert.deepStrictEqual(sh.extensions, {
        renegotiation_info: new Uint8Array(0),
        session_ticket: true,
        status_request: true,
        extended_master_secret: true,
        unknown: [],
      });
      assert.equal(sh.cipher_suite, 0x009e);
    });

    it('CertificateStatus: a DER OCSPResponse', () => {
      const status = roundTrip(DHE_RSA.CertificateStatus) as CertificateStatus;
      assert.equal(status.type, 'certificate_status');
      assert.equal(status.ocsp_response[0], 0x30); // SEQUENCE
      assert.equal(status.ocsp_response.length, 0x179);
    });

    it('ServerKeyExchange: a 1024-bit group, g = 2, and its signature verifies', () => {
      const parsed = decodeDheServerKeyExchange(ske.body);
      assert.equal(parsed.params.dh_p.length, 128);
      assert.deepStrictEqual(parsed.params.dh_g, Uint8Array.of(2));
      assert.equal(parsed.params.dh_Ys.length, 128);
      assert.equal(parsed.signed_params.algorithm, SignatureScheme.rsa_pkcs1_sha256);
      const signed = concat(ch.random, sh.random, parsed.raw_params);
      assert.ok(verify('sha256', signed, certificateKey(cert), parsed.signed_params.signature));
    });

    it('CertificateRequest: rsa_sign, dss_sign, ecdsa_sign, 23 schemes, one authority', () => {
      const cr = roundTrip(DHE_RSA.CertificateRequest) as CertificateRequest12;
      assert.deepStrictEqual(cr.certificate_types, [1, 2, 64]);
      assert.equal(cr.supported_signature_algorithms.length, 23);
      assert.deepStrictEqual(cr.certificate_authorities, [hexBytes('30143112 30100603 5504030c 096c6f63 616c686f 7374')]);
    });

    it('the client flight: Certificate, ClientKeyExchange, and a CertificateVerify over every message before it', () => {
      assert.deepStrictEqual(roundTrip(DHE_RSA.ServerHelloDone), { type: 'server_hello_done' });
      const clientCert = roundTrip(DHE_RSA.ClientCertificate) as Certificate12;
      const cke = roundTrip(DHE_RSA.ClientKeyExchange);
      assert.equal(decodeDheClientKeyExchange(cke.type === 'client_key_exchange' ? cke.body : new Uint8Array()).length, 128);
      const cv = roundTrip(DHE_RSA.CertificateVerify) as CertificateVerify;
      assert.equal(cv.algorithm, SignatureScheme.ecdsa_secp256r1_sha256);
      // RFC 5246 §7.4.8: handshake_messages, from ClientHello up to ClientKeyExchange.
      const transcript = concat(
        ...[
          DHE_RSA.ClientHello,
          DHE_RSA.ServerHello,
          DHE_RSA.Certificate,
          DHE_RSA.CertificateStatus,
          DHE_RSA.ServerKeyExchange,
          DHE_RSA.CertificateRequest,
          DHE_RSA.ServerHelloDone,
          DHE_RSA.ClientCertificate,
          DHE_RSA.ClientKeyExchange,
        ].map(hexBytes),
      );
      assert.ok(verify('sha256', transcript, certificateKey(clientCert), cv.signature));
    });
  });

  describe('AES128-SHA256 (RSA key exchange) with ALPN and encrypt_then_mac', () => {
    it('ClientHello: ALPN h2, http/1.1', () => {
      const ch = roundTrip(RSA.ClientHello, [0, 35, 16, 22, 23, 13]) as ClientHello;
      assert.deepStrictEqual(ch.extensions.alpn, ['h2', 'http/1.1']);
      assert.deepStrictEqual(ch.cipher_suites, [0x003c, 0x00ff]);
    });

    it('ServerHello: a 32-byte session_id, ALPN http/1.1, encrypt_then_mac, extended_master_secret', () => {
      const sh = roundTrip(RSA.ServerHello, [0xff01, 16, 22, 23]) as ServerHello12;
      assert.equal(sh.session_id.length, 32);
      assert.equal(sh.cipher_suite, 0x003c);
      assert.deepStrictEqual(sh.extensions, {
        renegotiation_info: new Uint8Array(0),
        alpn: 'http/1.1',
        encrypt_then_mac: true,
        extended_master_secret: true,
        unknown: [],
      });
    });

    it('ClientKeyExchange: a 128-byte EncryptedPreMasterSecret (RSA-1024)', () => {
      const cke = roundTrip(RSA.ClientKeyExchange);
      assert.equal(decodeRsaClientKeyExchange(cke.type === 'client_key_exchange' ? cke.body : new Uint8Array()).length, 128);
    });
  });
});
