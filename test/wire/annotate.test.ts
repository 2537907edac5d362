// wire/annotate.ts: every byte of a message annotated exactly once, by the decoders' own reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';

import { TLSError } from '../../src/errors.js';
import type { ClientConfig } from '../../src/client/config.js';
import { TicketKeys } from '../../src/server/tickets.js';
import type { ServerConfig } from '../../src/server/config.js';
import type { TraceEvent } from '../../src/trace.js';
import {
  type Annotation,
  annotateAlert,
  annotateChangeCipherSpec,
  annotateHandshake,
  annotatedTypes,
} from '../../src/wire/annotate.js';
import { AlertDescription, ExtensionType, HandshakeType, NamedGroup, Tls12CipherSuite } from '../../src/wire/codes.js';
import { decodeHandshake, decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import {
  encodeDheServerKeyExchange,
  encodeEcdheServerKeyExchange,
} from '../../src/wire/messages/server-key-exchange.js';
import type { WireVersion } from '../../src/wire/types.js';
import { Writer } from '../../src/wire/writer.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { makePair } from '../helpers/pair.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { anyMessage, digitallySigned, serverDhParams, serverEcdhParams, versionOf } from './arbitraries.js';

/** Sorted, contiguous, nothing overlapping, nothing left: each byte in exactly one annotation. */
function assertCoversExactly(bytes: Uint8Array, annotations: readonly Annotation[], what = 'message'): void {
  let at = 0;
  for (const a of annotations) {
    assert.equal(a.offset, at, `${what}: ${a.path} ${a.field} starts at ${a.offset}, expected ${at}`);
    assert.ok(a.length > 0 || a.kind === 'error', `${what}: ${a.path} ${a.field} is empty`);
    at += a.length;
  }
  assert.equal(at, bytes.length, `${what}: annotations end at ${at} of ${bytes.length}`);
}

function assertClean(bytes: Uint8Array, annotations: readonly Annotation[], what: string): void {
  assertCoversExactly(bytes, annotations, what);
  const bad = annotations.filter((a) => a.kind === 'error' || a.kind === 'unread');
  assert.deepEqual(bad, [], `${what}: decoded without error`);
  // An unindexed list would repeat a name: every field must be told apart by its path.
  const names = annotations.map((a) => `${a.path} ${a.field} ${a.kind}`);
  assert.equal(new Set(names).size, names.length, `${what}: every annotation has its own name`);
  assert.ok(!annotations.some((a) => a.field === 'rest'), `${what}: no generic field names`);
}

/** The one annotation at `path` named `field` (a length prefix when `kind` says so). */
function field(annotations: readonly Annotation[], path: string | RegExp, name: string, kind: Annotation['kind'] = 'uint'): Annotation {
  const found = annotations.filter(
    (a) => (typeof path === 'string' ? a.path === path : path.test(a.path)) && a.field === name && a.kind === kind,
  );
  assert.equal(found.length, 1, `one ${kind} ${name} at ${path}: ${found.map((a) => a.path).join(', ')}`);
  return found[0]!;
}

const slice = (bytes: Uint8Array, a: Annotation) => bytes.subarray(a.offset, a.offset + a.length);

/** The client's trace of a whole handshake with tickets, then close_notify. */
function traced(pki: Pki, client: ClientConfig = {}, server: Partial<ServerConfig> = {}): TraceEvent[] {
  const p = makePair(clientFor(pki, client), serverFor(pki, { tickets: new TicketKeys(), ...server }), {
    clientOptions: { traceBytes: true },
  });
  p.client.close();
  p.run();
  assert.ok(p.client.handshakeInfo, `handshake completed: ${p.client.error?.message}`);
  return p.clientEvents.flatMap((e) => (e.type === 'trace' ? [e.event] : []));
}

function message(events: readonly TraceEvent[], name: string, direction?: TraceEvent['direction']): Uint8Array {
  const e = events.find((x) => x.name === name && (direction === undefined || x.direction === direction));
  assert.ok(e?.bytes, `${name} traced with bytes`);
  return e.bytes;
}

const pki = cachedPki();

describe('TLS 1.3 handshake of an in-memory pair', () => {
  const events = traced(pki);
  const handshake = events.filter((e) => e.kind === 'handshake');

  test('the trace has every message of a full handshake with tickets', () => {
    const names = new Set(handshake.map((e) => e.name));
    for (const n of ['ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished', 'NewSessionTicket']) {
      assert.ok(names.has(n), n);
    }
  });

  test('every message: each byte annotated exactly once, no errors, every field told apart', () => {
    for (const e of handshake) {
      // The ClientHello also carries TLS 1.2 extensions, which only 'tls12' reads.
      for (const version of e.name === 'ClientHello' ? (['tls13', 'tls12'] as const) : (['tls13'] as const)) {
        assertClean(e.bytes!, annotateHandshake(e.bytes!, version), `${e.direction} ${e.name} as ${version}`);
      }
    }
  });

  test('ClientHello: header, suites, server name and key share, named and valued', () => {
    const bytes = message(events, 'ClientHello');
    const a = annotateHandshake(bytes, 'tls13');
    const hello = decodeHandshakeMessage(bytes, 'tls13');
    assert.equal(hello.type, 'client_hello');
    assert.deepEqual(a[0], { offset: 0, length: 1, path: 'ClientHello', field: 'msg_type', value: 'client_hello (1)', kind: 'uint' });
    assert.deepEqual(a[1], { offset: 1, length: 3, path: 'ClientHello', field: 'length', value: String(bytes.length - 4), kind: 'length' });
    assert.equal(field(a, 'ClientHello', 'legacy_version').value, 'TLS 1.2 (0x0303)');
    assert.deepEqual(slice(bytes, field(a, 'ClientHello', 'random', 'bytes')), hello.random);
    assert.equal(field(a, 'ClientHello', 'legacy_session_id', 'length').value, '32');
    assert.equal(field(a, 'ClientHello.cipher_suites[0]', 'CipherSuite').value, 'TLS_AES_128_GCM_SHA256 (0x1301)');
    assert.equal(field(a, 'ClientHello', 'cipher_suites', 'length').value, String(2 * hello.cipher_suites.length));

    const keyShare = hello.extensions.key_share!;
    const index = a.find((x) => x.field === 'extension_type' && x.value === 'key_share (0x0033)')!.path;
    assert.match(index, /^ClientHello\.extensions\[\d+\]$/);
    const share = field(a, `${index}.key_share.client_shares[0]`, 'group');
    assert.equal(share.value, 'x25519 (0x001d)');
    assert.equal(field(a, `${index}.key_share.client_shares[0]`, 'key_exchange', 'length').value, '32');
    assert.deepEqual(slice(bytes, field(a, `${index}.key_share.client_shares[0]`, 'key_exchange', 'bytes')), keyShare[0]!.key_exchange);
    assert.equal(field(a, `${index}.key_share`, 'client_shares', 'length').value, String(4 + 32));
    assert.equal(field(a, index, 'extension_data', 'length').value, String(2 + 4 + 32));

    assert.equal(field(a, /\.server_name\.server_name_list\[0\]$/, 'name', 'bytes').value, '"localhost"');
    assert.equal(field(a, /\.server_name\.server_name_list\[0\]$/, 'name_type').value, 'host_name (0)');
    assert.equal(field(a, /\.supported_versions\.versions\[0\]$/, 'ProtocolVersion').value, 'TLS 1.3 (0x0304)');
    assert.equal(field(a, /\.supported_groups\.named_group_list\[0\]$/, 'NamedGroup').value, 'x25519 (0x001d)');
    assert.equal(field(a, /\.signature_algorithms\.supported_signature_algorithms\[0\]$/, 'SignatureScheme').value, 'ecdsa_secp256r1_sha256 (0x0403)');
    assert.equal(field(a, /\.psk_key_exchange_modes$/, 'ke_modes', 'bytes').value, 'psk_dhe_ke (1)');
  });

  test("ClientHello: with 'tls12' its TLS 1.2 extensions are read field by field, with 'tls13' kept whole", () => {
    const bytes = message(events, 'ClientHello');
    const wide = annotateHandshake(bytes, 'tls12');
    assert.equal(field(wide, /\.ec_point_formats$/, 'ec_point_format_list', 'bytes').value, 'uncompressed (0)');
    assert.equal(field(wide, /\.renegotiation_info$/, 'renegotiated_connection', 'length').value, '0');
    const narrow = annotateHandshake(bytes, 'tls13');
    assert.equal(field(narrow, /\.ec_point_formats$/, 'extension_data', 'bytes').value, undefined);
  });

  test('ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished, NewSessionTicket', () => {
    const sh = annotateHandshake(message(events, 'ServerHello'), 'tls13');
    assert.equal(field(sh, 'ServerHello', 'cipher_suite').value, 'TLS_AES_128_GCM_SHA256 (0x1301)');
    assert.equal(field(sh, 'ServerHello', 'legacy_compression_method').value, 'null (0)');
    assert.equal(field(sh, /\.supported_versions$/, 'selected_version').value, 'TLS 1.3 (0x0304)');
    assert.equal(field(sh, /\.key_share$/, 'group').value, 'x25519 (0x001d)');

    const ee = annotateHandshake(message(events, 'EncryptedExtensions'), 'tls13');
    assert.equal(field(ee, 'EncryptedExtensions.extensions[0]', 'extension_type').value, 'server_name (0x0000)');

    const certBytes = message(events, 'Certificate');
    const cert = annotateHandshake(certBytes, 'tls13');
    assert.equal(field(cert, 'Certificate', 'certificate_request_context', 'length').value, '0');
    assert.deepEqual(slice(certBytes, field(cert, 'Certificate.certificate_list[0]', 'cert_data', 'bytes')), pki.leaf.der);
    assert.deepEqual(slice(certBytes, field(cert, 'Certificate.certificate_list[1]', 'cert_data', 'bytes')), pki.intermediate.der);
    assert.equal(field(cert, 'Certificate.certificate_list[1]', 'extensions', 'length').value, '0');

    const cvBytes = message(events, 'CertificateVerify');
    const cv = annotateHandshake(cvBytes, 'tls13');
    assert.equal(field(cv, 'CertificateVerify', 'algorithm').value, 'ecdsa_secp256r1_sha256 (0x0403)');
    assert.equal(field(cv, 'CertificateVerify', 'signature', 'bytes').length, cvBytes.length - 8);

    for (const direction of ['sent', 'received'] as const) {
      const fin = annotateHandshake(message(events, 'Finished', direction), 'tls13');
      assert.equal(field(fin, 'Finished', 'verify_data', 'bytes').length, 32, 'HMAC-SHA256');
    }

    const nst = annotateHandshake(message(events, 'NewSessionTicket'), 'tls13');
    assert.match(field(nst, 'NewSessionTicket', 'ticket_lifetime').value!, /^\d+ s$/);
    assert.match(field(nst, 'NewSessionTicket', 'ticket_age_add').value!, /^\d+$/);
    assert.ok(field(nst, 'NewSessionTicket', 'ticket', 'bytes').length > 0);
  });

  test('ChangeCipherSpec and close_notify', () => {
    const ccs = annotateChangeCipherSpec(message(events, 'ChangeCipherSpec'));
    assert.deepEqual(ccs, [{ offset: 0, length: 1, path: 'ChangeCipherSpec', field: 'type', value: 'change_cipher_spec (1)', kind: 'uint' }]);
    const alert = annotateAlert(message(events, 'close_notify'));
    assert.deepEqual(
      alert.map((x) => [x.field, x.value]),
      [
        ['level', 'warning (1)'],
        ['description', 'close_notify (0)'],
      ],
    );
    assert.equal(annotateAlert(Uint8Array.of(2, AlertDescription.handshake_failure))[1]!.value, 'handshake_failure (40)');
  });
});

describe('TLS 1.2 handshakes of in-memory pairs', () => {
  const tls12 = { maxVersion: 'TLSv1.2' } as const;

  test('ECDHE_ECDSA: every message covered, key exchange read in the suite layout', () => {
    const events = traced(pki, tls12);
    const names = events.filter((e) => e.kind === 'handshake').map((e) => e.name);
    for (const n of ['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'Finished', 'NewSessionTicket']) {
      assert.ok(names.includes(n), n);
    }
    const sh = decodeHandshakeMessage(message(events, 'ServerHello'), 'tls12');
    assert.equal(sh.type, 'server_hello_tls12');
    const context = { cipherSuite: sh.cipher_suite };
    for (const e of events.filter((x) => x.kind === 'handshake')) {
      assertClean(e.bytes!, annotateHandshake(e.bytes!, 'tls12', context), `${e.direction} ${e.name}`);
    }

    const shA = annotateHandshake(message(events, 'ServerHello'), 'tls12');
    assert.equal(field(shA, 'ServerHello', 'cipher_suite').value, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b)');
    assert.ok(shA.some((x) => x.field === 'extension_type' && x.value === 'extended_master_secret (0x0017)'), 'RFC 7627 named');
    assert.equal(field(shA, /\.renegotiation_info$/, 'renegotiated_connection', 'length').value, '0');

    const cert = annotateHandshake(message(events, 'Certificate'), 'tls12');
    assert.equal(field(cert, 'Certificate.certificate_list[0]', 'ASN.1Cert', 'length').value, String(pki.leaf.der.length));

    const skeBytes = message(events, 'ServerKeyExchange');
    const ske = annotateHandshake(skeBytes, 'tls12', context);
    assert.equal(field(ske, 'ServerKeyExchange', 'curve_type').value, 'named_curve (3)');
    assert.equal(field(ske, 'ServerKeyExchange', 'namedcurve').value, 'x25519 (0x001d)');
    assert.equal(field(ske, 'ServerKeyExchange', 'point', 'length').value, '32');
    assert.equal(field(ske, 'ServerKeyExchange', 'algorithm').value, 'ecdsa_secp256r1_sha256 (0x0403)');
    assert.deepEqual(annotateHandshake(skeBytes, 'tls12'), ske, 'without the suite, the layout that fits');

    const cke = annotateHandshake(message(events, 'ClientKeyExchange'), 'tls12', context);
    assert.equal(field(cke, 'ClientKeyExchange', 'ecdh_Yc', 'length').value, '32');

    const fin = annotateHandshake(message(events, 'Finished', 'sent'), 'tls12');
    assert.equal(field(fin, 'Finished', 'verify_data', 'bytes').length, 12, 'RFC 5246 §7.4.9 verify_data_length');
    const nst = annotateHandshake(message(events, 'NewSessionTicket'), 'tls12');
    assert.match(field(nst, 'NewSessionTicket', 'ticket_lifetime_hint').value!, /^\d+ s$/);
  });

  test('DHE_RSA and RSA key transport: ServerKeyExchange and ClientKeyExchange fields', () => {
    const rsa = cachedPki({ leafKeyType: 'rsa-2048' });
    const dhe = Tls12CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256;
    const events = traced(rsa, { ...tls12, cipherSuites: [dhe], groups: [NamedGroup.ffdhe2048] }, { ...tls12, cipherSuites: [dhe] });
    const context = { cipherSuite: dhe };
    for (const e of events.filter((x) => x.kind === 'handshake')) assertClean(e.bytes!, annotateHandshake(e.bytes!, 'tls12', context), e.name);
    const ske = annotateHandshake(message(events, 'ServerKeyExchange'), 'tls12', context);
    assert.equal(field(ske, 'ServerKeyExchange', 'dh_p', 'length').value, '256', 'ffdhe2048');
    assert.equal(field(ske, 'ServerKeyExchange', 'dh_g', 'length').value, '1');
    assert.ok(field(ske, 'ServerKeyExchange', 'dh_Ys', 'bytes').length > 0);
    assert.deepEqual(annotateHandshake(message(events, 'ServerKeyExchange'), 'tls12'), ske, 'without the suite, the layout that fits');
    const cke = annotateHandshake(message(events, 'ClientKeyExchange'), 'tls12', context);
    assert.ok(field(cke, 'ClientKeyExchange', 'dh_Yc', 'bytes').length > 0);

    const transport = Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256;
    const rsaEvents = traced(rsa, { ...tls12, cipherSuites: [transport] }, { ...tls12, cipherSuites: [transport] });
    assert.ok(!rsaEvents.some((e) => e.name === 'ServerKeyExchange'));
    const rsaCke = annotateHandshake(message(rsaEvents, 'ClientKeyExchange'), 'tls12', { cipherSuite: transport });
    assert.equal(field(rsaCke, 'ClientKeyExchange', 'EncryptedPreMasterSecret', 'length').value, '256');
  });
});

describe('annotation of any message the codec writes', () => {
  test('never throws, covers every byte once, names every field, and decodes without error', () => {
    fc.assert(
      fc.property(anyMessage, (msg) => {
        const bytes = encodeHandshake(msg);
        const annotations = annotateHandshake(bytes, versionOf[msg.type]);
        assertClean(bytes, annotations, msg.type);
      }),
      { numRuns: 300 },
    );
  });

  test('ServerKeyExchange bodies: ECDHE and DHE layouts, with and without the suite', () => {
    const ecdhe = Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    const dhe = Tls12CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256;
    const wrap = (body: Uint8Array) => encodeHandshake({ type: 'server_key_exchange', body });
    fc.assert(
      fc.property(serverEcdhParams, serverDhParams, digitallySigned, (ec, dh, signed) => {
        const ecBytes = wrap(encodeEcdheServerKeyExchange(ec, signed));
        for (const a of [annotateHandshake(ecBytes, 'tls12', { cipherSuite: ecdhe }), annotateHandshake(ecBytes, 'tls12')]) {
          assertClean(ecBytes, a, 'ECDHE');
          assert.equal(field(a, 'ServerKeyExchange', 'point', 'length').value, String(ec.point.length));
        }
        const dhBytes = wrap(encodeDheServerKeyExchange(dh, signed));
        const withSuite = annotateHandshake(dhBytes, 'tls12', { cipherSuite: dhe });
        assertClean(dhBytes, withSuite, 'DHE');
        assert.equal(field(withSuite, 'ServerKeyExchange', 'dh_p', 'length').value, String(dh.dh_p.length));
        assertCoversExactly(dhBytes, annotateHandshake(dhBytes, 'tls12'), 'DHE without the suite');
      }),
    );
  });

  test('a long host name: the value shows its first 64 characters', () => {
    const name = `${'a'.repeat(100)}.example`;
    const bytes = encodeHandshake({
      type: 'client_hello',
      legacy_version: 0x0303,
      random: new Uint8Array(32),
      legacy_session_id: new Uint8Array(0),
      cipher_suites: [0x1301],
      legacy_compression_methods: Uint8Array.of(0),
      extensions: { server_name: name, unknown: [] },
    });
    const host = field(annotateHandshake(bytes, 'tls13'), /server_name_list\[0\]$/, 'name', 'bytes');
    assert.equal(host.length, name.length);
    assert.equal(host.value, `"${'a'.repeat(64)}"…`);
  });

  test('the message table is decodeHandshake’s: the same types for each version', () => {
    for (const version of ['tls13', 'tls12'] as const) {
      const expected: number[] = [];
      for (let type = 0; type < 256; type++) {
        try {
          decodeHandshake(type, new Uint8Array(0), version);
          expected.push(type);
        } catch (e) {
          assert.ok(e instanceof TLSError);
          if (e.alert !== AlertDescription.unexpected_message) expected.push(type);
        }
      }
      assert.deepEqual(annotatedTypes(version).sort((x, y) => x - y), expected, version);
    }
  });
});

describe('malformed messages: annotations up to the failure, then its reason', () => {
  const hello = encodeHandshake(
    {
      type: 'client_hello',
      legacy_version: 0x0303,
      random: new Uint8Array(32).fill(7),
      legacy_session_id: new Uint8Array(0),
      cipher_suites: [0x1301],
      legacy_compression_methods: Uint8Array.of(0),
      extensions: { server_name: 'example.com', supported_versions: [0x0304], unknown: [] },
    },
    {},
  );

  /** `body` as a whole handshake message of type `type` with a correct length. */
  const handshake = (type: number, body: Uint8Array) => new Writer().u8(type).opaque24(body).finish();

  test('a truncated extensions block: everything before it annotated as when whole, then the error', () => {
    const body = hello.subarray(4, hello.length - 3);
    const bytes = handshake(HandshakeType.client_hello, body);
    const a = annotateHandshake(bytes, 'tls13');
    assertCoversExactly(bytes, a);
    const error = a.at(-1)!;
    assert.equal(error.kind, 'error');
    assert.equal(error.value, 'client_hello: truncated extensions');
    const lengthPrefix = a.at(-2)!;
    assert.equal(lengthPrefix.field, 'extensions');
    assert.equal(lengthPrefix.kind, 'length');
    assert.equal(error.offset, lengthPrefix.offset + 2);
    assert.deepEqual(a.slice(2, -2), annotateHandshake(hello, 'tls13').slice(2, a.length - 2), 'the same fields as the whole message');
  });

  test('a failing extension: the error where its decoder stopped, later bodies unread', () => {
    // record_size_limit below 64 fails after its u16 was read (RFC 8449 §4): a zero-length marker.
    const ext = (type: number, data: Uint8Array) => new Writer().u16(type).opaque16(data).finish();
    const block = new Writer()
      .vec16((w) => w.bytes(ext(ExtensionType.record_size_limit, Uint8Array.of(0, 10))).bytes(ext(ExtensionType.supported_groups, Uint8Array.of(0, 2, 0, 0x1d))))
      .finish();
    const bytes = handshake(HandshakeType.encrypted_extensions, block);
    assert.throws(() => decodeHandshakeMessage(bytes), /record_size_limit 10 is below 64/);
    const a = annotateHandshake(bytes, 'tls13');
    assertCoversExactly(bytes, a);
    const error = a.find((x) => x.kind === 'error')!;
    assert.equal(error.length, 0);
    assert.equal(error.value, 'record_size_limit 10 is below 64');
    assert.equal(error.offset, 4 + 2 + 4 + 2, 'just after the value');
    assert.equal(field(a, 'EncryptedExtensions.extensions[0].record_size_limit', 'RecordSizeLimit').value, '10');
    const unread = a.filter((x) => x.kind === 'unread');
    assert.deepEqual(unread.map((x) => [x.offset, x.length]), [[bytes.length - 4, 4]], 'the supported_groups body');
  });

  test('an unknown message type, a header longer than the bytes, trailing bytes, a bad alert', () => {
    const unknown = annotateHandshake(handshake(99, Uint8Array.of(1, 2, 3)), 'tls13');
    assert.equal(unknown.at(-1)!.value, 'unexpected handshake(99) message');
    assert.equal(unknown[0]!.value, 'unknown (99)');
    const tls12Only = annotateHandshake(handshake(HandshakeType.server_hello_done, new Uint8Array(0)), 'tls13');
    assert.equal(tls12Only.at(-1)!.value, 'unexpected server_hello_done message');

    const short = Uint8Array.of(HandshakeType.finished, 0, 0, 40, 1, 2, 3);
    const a = annotateHandshake(short, 'tls13');
    assertCoversExactly(short, a);
    assert.deepEqual(a.map((x) => x.kind), ['uint', 'length', 'error']);
    assert.equal(a[2]!.value, 'Handshake: truncated length');

    const trailing = new Uint8Array([...hello, 0, 0]);
    const t = annotateHandshake(trailing, 'tls13');
    assertCoversExactly(trailing, t);
    assert.deepEqual(t.at(-1), { offset: hello.length, length: 2, path: 'ClientHello', field: 'error', value: 'Handshake: 2 trailing bytes', kind: 'error' });

    for (const bytes of [new Uint8Array(0), Uint8Array.of(1), Uint8Array.of(1, 0, 0)]) {
      assertCoversExactly(bytes, annotateAlert(bytes), 'alert');
      assert.equal(annotateAlert(bytes).filter((x) => x.kind === 'error').length, 1);
    }
    assertCoversExactly(Uint8Array.of(1, 1), annotateChangeCipherSpec(Uint8Array.of(1, 1)), 'ccs');
    assertCoversExactly(new Uint8Array(0), annotateHandshake(new Uint8Array(0), 'tls13'), 'empty');
  });

  test('random mutations: never throws, covers every byte, an error exactly when the decoder rejects', () => {
    const u8Mutation = fc.tuple(fc.constantFrom('flip' as const, 'cut' as const), fc.integer({ min: 0, max: 255 }));
    const mutated = fc.tuple(anyMessage, fc.nat(), fc.nat(), u8Mutation).map(([msg, at, cut, [kind, value]]) => {
      const version: WireVersion = versionOf[msg.type];
      const bytes = encodeHandshake(msg);
      const i = at % bytes.length;
      if (kind === 'flip') bytes[i] = bytes[i]! ^ (value || 1);
      const out = kind === 'cut' ? bytes.subarray(0, cut % bytes.length) : bytes;
      return { version, bytes: out };
    });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.record({ version: fc.constantFrom<WireVersion>('tls12', 'tls13'), bytes: fc.uint8Array({ maxLength: 64 }) })), ({ version, bytes }) => {
        const a = annotateHandshake(bytes, version);
        assertCoversExactly(bytes, a);
        let rejected: string | undefined;
        try {
          decodeHandshakeMessage(bytes, version);
        } catch (e) {
          rejected = (e as Error).message;
        }
        const errors = a.filter((x) => x.kind === 'error');
        assert.equal(errors.length, rejected === undefined ? 0 : 1, `${rejected} vs ${errors.map((x) => x.value)}`);
      }),
      { numRuns: 500 },
    );
  });
});

