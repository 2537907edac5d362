// fast-check arbitraries for every TLS 1.3 and TLS 1.2 message and extension context, within the
// RFC bounds (sizes kept small so every vector fits its length prefix).
import fc from 'fast-check';

import { type ExtContext, type ExtensionsOf, extensionContexts } from '../../src/wire/extensions.js';
import type { DigitallySigned, ServerDhParams, ServerEcdhParams } from '../../src/wire/messages/server-key-exchange.js';
import type {
  Certificate,
  Certificate12,
  CertificateRequest,
  CertificateRequest12,
  CertificateStatus,
  CertificateVerify,
  ClientHello,
  ClientKeyExchange,
  EncryptedExtensions,
  EndOfEarlyData,
  Finished,
  HandshakeKind,
  HandshakeMessage,
  HelloRequest,
  HelloRetryRequest,
  KeyShareEntry,
  KeyUpdate,
  MessageOf,
  NewSessionTicket,
  NewSessionTicket12,
  OfferedPsks,
  ServerHello,
  ServerHello12,
  ServerHelloDone,
  ServerKeyExchange,
  UnknownExtension,
  WireVersion,
} from '../../src/wire/types.js';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

/** RFC 8701 GREASE: 0x0A0A, 0x1A1A, ... 0xFAFA. */
export const grease = fc.integer({ min: 0, max: 15 }).map((i) => ((i << 4) | 0x0a) * 0x0101);
/** Code points with GREASE mixed in, as real clients send them. */
const codePoint = fc.oneof({ weight: 4, arbitrary: u16 }, { weight: 1, arbitrary: grease });
const codePoints = (maxLength: number) => fc.array(codePoint, { minLength: 1, maxLength });

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
/** RFC 6066 host_name: printable ASCII, no trailing dot. */
export const hostName = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 1, maxLength: 40 })
  .filter((cs) => cs[cs.length - 1] !== 0x2e)
  .map((cs) => String.fromCharCode(...cs));
/** RFC 7301 ProtocolName<1..2^8-1>: opaque bytes, one char per byte. */
export const protocolName = fc.oneof(bytes(1, 20).map(latin1), bytes(255, 255).map(latin1), fc.constantFrom('h2', 'http/1.1'));

export const keyShareEntry: fc.Arbitrary<KeyShareEntry> = fc.record(
  { group: codePoint, key_exchange: bytes(1, 70) },
  { noNullPrototype: true },
);

export const offeredPsks: fc.Arbitrary<OfferedPsks> = fc
  .array(fc.tuple(bytes(1, 40), u32, bytes(32, 64)), { minLength: 1, maxLength: 3 })
  .map((entries) => ({
    identities: entries.map(([identity, obfuscated_ticket_age]) => ({ identity, obfuscated_ticket_age })),
    binders: entries.map(([, , binder]) => binder),
  }));

/** Extension types the table does not know, GREASE among them: these land in `unknown` everywhere. */
export const unknownExtensionType = fc.oneof(grease, u16).filter((t) => extensionContexts(t) === undefined);

export const unknownExtensions: fc.Arbitrary<UnknownExtension[]> = fc.uniqueArray(
  fc.record({ type: unknownExtensionType, data: bytes(0, 24) }, { noNullPrototype: true }),
  { selector: (e) => e.type, maxLength: 4 },
);

/** RFC 5746 §3.2 renegotiated_connection<0..255>: empty, or 12 + 12 bytes of verify_data. */
const renegotiatedConnection = fc.oneof(fc.constant(new Uint8Array(0)), bytes(24, 24), bytes(0, 255));
/** RFC 8422 §5.1.2 ECPointFormat list<1..2^8-1>. */
const ecPointFormats = fc.array(u8, { minLength: 1, maxLength: 4 });

type Fields<C extends ExtContext> = { [F in Exclude<keyof ExtensionsOf[C], 'unknown'>]-?: fc.Arbitrary<NonNullable<ExtensionsOf[C][F]>> };

/** One arbitrary per typed field of every context: a field added to types.ts must be added here. */
export const extensionFields: { [C in ExtContext]: Fields<C> } = {
  CH: {
    server_name: hostName,
    status_request: fc.constant(true),
    supported_groups: codePoints(20),
    signature_algorithms: codePoints(20),
    signature_algorithms_cert: codePoints(20),
    alpn: fc.array(protocolName, { minLength: 1, maxLength: 4 }),
    record_size_limit: fc.integer({ min: 64, max: 0xffff }),
    supported_versions: codePoints(127),
    cookie: bytes(1, 40),
    psk_key_exchange_modes: fc.array(u8, { minLength: 1, maxLength: 4 }),
    key_share: fc.uniqueArray(keyShareEntry, { selector: (e) => e.group, maxLength: 4 }),
    early_data: fc.constant(true),
    post_handshake_auth: fc.constant(true),
    pre_shared_key: offeredPsks,
    extended_master_secret: fc.constant(true),
    renegotiation_info: renegotiatedConnection,
    session_ticket: bytes(0, 80),
    encrypt_then_mac: fc.constant(true),
    ec_point_formats: ecPointFormats,
  },
  SH: {
    supported_versions: codePoint,
    key_share: keyShareEntry,
    pre_shared_key: u16,
  },
  HRR: {
    supported_versions: codePoint,
    key_share: codePoint,
    cookie: bytes(1, 40),
  },
  EE: {
    server_name: fc.constant(true),
    supported_groups: codePoints(20),
    alpn: protocolName,
    record_size_limit: fc.integer({ min: 64, max: 0xffff }),
    early_data: fc.constant(true),
  },
  CT: {
    status_request: bytes(1, 60),
  },
  CR: {
    signature_algorithms: codePoints(20),
    signature_algorithms_cert: codePoints(20),
    status_request: fc.constant(true),
    certificate_authorities: fc.array(bytes(1, 30), { minLength: 1, maxLength: 3 }),
  },
  NST: {
    early_data: u32,
  },
  SH12: {
    server_name: fc.constant(true),
    status_request: fc.constant(true),
    ec_point_formats: ecPointFormats,
    alpn: protocolName,
    encrypt_then_mac: fc.constant(true),
    extended_master_secret: fc.constant(true),
    record_size_limit: fc.integer({ min: 64, max: 0xffff }),
    session_ticket: fc.constant(true),
    renegotiation_info: renegotiatedConnection,
  },
};

/** The contexts RFC 8446 §4.2's table governs. */
export const tls13Contexts: readonly ExtContext[] = ['CH', 'SH', 'HRR', 'EE', 'CT', 'CR', 'NST'];
export const contexts: readonly ExtContext[] = [...tls13Contexts, 'SH12'];

/** Any subset of the context's typed fields, plus unknown extensions. */
export function extensionsOf<C extends ExtContext>(context: C): fc.Arbitrary<ExtensionsOf[C]> {
  const model = { ...extensionFields[context], unknown: unknownExtensions };
  return fc.record(model, { requiredKeys: ['unknown'], noNullPrototype: true }) as unknown as fc.Arbitrary<ExtensionsOf[C]>;
}

export const clientHello: fc.Arbitrary<ClientHello> = fc.record(
  {
    type: fc.constant('client_hello' as const),
    legacy_version: u16,
    random: bytes(32, 32),
    legacy_session_id: bytes(0, 32),
    cipher_suites: codePoints(30),
    legacy_compression_methods: bytes(1, 4),
    extensions: extensionsOf('CH'),
  },
  { noNullPrototype: true },
);

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export const serverHello: fc.Arbitrary<ServerHello> = fc.record(
  {
    type: fc.constant('server_hello' as const),
    legacy_version: u16,
    random: bytes(32, 32).filter((r) => hex(r) !== HRR_RANDOM),
    legacy_session_id_echo: bytes(0, 32),
    cipher_suite: u16,
    legacy_compression_method: u8,
    extensions: extensionsOf('SH'),
  },
  { noNullPrototype: true },
);

export const helloRetryRequest: fc.Arbitrary<HelloRetryRequest> = fc.record(
  {
    type: fc.constant('hello_retry_request' as const),
    legacy_version: u16,
    legacy_session_id_echo: bytes(0, 32),
    cipher_suite: u16,
    legacy_compression_method: u8,
    extensions: extensionsOf('HRR'),
  },
  { noNullPrototype: true },
);

export const encryptedExtensions: fc.Arbitrary<EncryptedExtensions> = fc.record(
  { type: fc.constant('encrypted_extensions' as const), extensions: extensionsOf('EE') },
  { noNullPrototype: true },
);

export const certificate: fc.Arbitrary<Certificate> = fc.record(
  {
    type: fc.constant('certificate' as const),
    certificate_request_context: bytes(0, 16),
    certificate_list: fc.array(
      fc.record({ cert_data: bytes(1, 80), extensions: extensionsOf('CT') }, { noNullPrototype: true }),
      { maxLength: 3 },
    ),
  },
  { noNullPrototype: true },
);

export const certificateRequest: fc.Arbitrary<CertificateRequest> = fc.record(
  { type: fc.constant('certificate_request' as const), certificate_request_context: bytes(0, 16), extensions: extensionsOf('CR') },
  { noNullPrototype: true },
);

export const certificateVerify: fc.Arbitrary<CertificateVerify> = fc.record(
  { type: fc.constant('certificate_verify' as const), algorithm: codePoint, signature: bytes(0, 128) },
  { noNullPrototype: true },
);

export const finished: fc.Arbitrary<Finished> = fc.record(
  { type: fc.constant('finished' as const), verify_data: bytes(0, 64) },
  { noNullPrototype: true },
);

export const newSessionTicket: fc.Arbitrary<NewSessionTicket> = fc.record(
  {
    type: fc.constant('new_session_ticket' as const),
    ticket_lifetime: u32,
    ticket_age_add: u32,
    ticket_nonce: bytes(0, 32),
    ticket: bytes(1, 100),
    extensions: extensionsOf('NST'),
  },
  { noNullPrototype: true },
);

export const endOfEarlyData: fc.Arbitrary<EndOfEarlyData> = fc.constant({ type: 'end_of_early_data' as const });

export const keyUpdate: fc.Arbitrary<KeyUpdate> = fc.record(
  { type: fc.constant('key_update' as const), request_update: fc.constantFrom(0, 1) },
  { noNullPrototype: true },
);

// --- TLS 1.2 -----------------------------------------------------------------------------------

export const helloRequest: fc.Arbitrary<HelloRequest> = fc.constant({ type: 'hello_request' as const });

export const serverHello12: fc.Arbitrary<ServerHello12> = fc.record(
  {
    type: fc.constant('server_hello_tls12' as const),
    server_version: u16,
    random: bytes(32, 32).filter((r) => hex(r) !== HRR_RANDOM),
    session_id: bytes(0, 32),
    cipher_suite: u16,
    compression_method: u8,
    extensions: extensionsOf('SH12'),
  },
  { noNullPrototype: true },
);

export const certificate12: fc.Arbitrary<Certificate12> = fc.record(
  { type: fc.constant('certificate_tls12' as const), certificate_list: fc.array(bytes(1, 80), { maxLength: 3 }) },
  { noNullPrototype: true },
);

export const serverKeyExchange: fc.Arbitrary<ServerKeyExchange> = fc.record(
  { type: fc.constant('server_key_exchange' as const), body: bytes(0, 120) },
  { noNullPrototype: true },
);

export const certificateRequest12: fc.Arbitrary<CertificateRequest12> = fc.record(
  {
    type: fc.constant('certificate_request_tls12' as const),
    certificate_types: fc.array(u8, { minLength: 1, maxLength: 4 }),
    supported_signature_algorithms: codePoints(20),
    certificate_authorities: fc.array(bytes(1, 30), { maxLength: 3 }),
  },
  { noNullPrototype: true },
);

export const serverHelloDone: fc.Arbitrary<ServerHelloDone> = fc.constant({ type: 'server_hello_done' as const });

export const clientKeyExchange: fc.Arbitrary<ClientKeyExchange> = fc.record(
  { type: fc.constant('client_key_exchange' as const), body: bytes(0, 140) },
  { noNullPrototype: true },
);

export const newSessionTicket12: fc.Arbitrary<NewSessionTicket12> = fc.record(
  { type: fc.constant('new_session_ticket_tls12' as const), ticket_lifetime_hint: u32, ticket: bytes(0, 100) },
  { noNullPrototype: true },
);

export const certificateStatus: fc.Arbitrary<CertificateStatus> = fc.record(
  { type: fc.constant('certificate_status' as const), ocsp_response: bytes(1, 100) },
  { noNullPrototype: true },
);

export const digitallySigned: fc.Arbitrary<DigitallySigned> = fc.record(
  { algorithm: codePoint, signature: bytes(0, 80) },
  { noNullPrototype: true },
);

export const serverEcdhParams: fc.Arbitrary<ServerEcdhParams> = fc.record(
  { group: codePoint, point: fc.oneof(bytes(1, 70), bytes(255, 255)) },
  { noNullPrototype: true },
);

export const serverDhParams: fc.Arbitrary<ServerDhParams> = fc.record(
  { dh_p: bytes(1, 130), dh_g: bytes(1, 2), dh_Ys: bytes(1, 130) },
  { noNullPrototype: true },
);

/** One arbitrary per message kind: a kind added to types.ts must be added here. */
export const messages: { [K in HandshakeKind]: fc.Arbitrary<MessageOf<K>> } = {
  client_hello: clientHello,
  server_hello: serverHello,
  hello_retry_request: helloRetryRequest,
  encrypted_extensions: encryptedExtensions,
  certificate,
  certificate_request: certificateRequest,
  certificate_verify: certificateVerify,
  finished,
  new_session_ticket: newSessionTicket,
  end_of_early_data: endOfEarlyData,
  key_update: keyUpdate,
  hello_request: helloRequest,
  server_hello_tls12: serverHello12,
  certificate_tls12: certificate12,
  server_key_exchange: serverKeyExchange,
  certificate_request_tls12: certificateRequest12,
  server_hello_done: serverHelloDone,
  client_key_exchange: clientKeyExchange,
  new_session_ticket_tls12: newSessionTicket12,
  certificate_status: certificateStatus,
};

/**
 * The WireVersion that decodes each kind back to itself. A ClientHello needs 'tls12' for its TLS 1.2
 * extensions; a TLS 1.3 ServerHello arbitrary may lack supported_versions, which only 'tls13'
 * reads as a server_hello. CertificateVerify and Finished decode the same in both.
 */
export const versionOf: { readonly [K in HandshakeKind]: WireVersion } = {
  client_hello: 'tls12',
  server_hello: 'tls13',
  hello_retry_request: 'tls13',
  encrypted_extensions: 'tls13',
  certificate: 'tls13',
  certificate_request: 'tls13',
  certificate_verify: 'tls13',
  finished: 'tls13',
  new_session_ticket: 'tls13',
  end_of_early_data: 'tls13',
  key_update: 'tls13',
  hello_request: 'tls12',
  server_hello_tls12: 'tls12',
  certificate_tls12: 'tls12',
  server_key_exchange: 'tls12',
  certificate_request_tls12: 'tls12',
  server_hello_done: 'tls12',
  client_key_exchange: 'tls12',
  new_session_ticket_tls12: 'tls12',
  certificate_status: 'tls12',
};

export const anyMessage: fc.Arbitrary<HandshakeMessage> = fc.oneof(...Object.values(messages));
