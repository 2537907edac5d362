// fast-check arbitraries for every TLS 1.3 message and extension context, within the RFC bounds
// (sizes kept small so every vector fits its length prefix).
import fc from 'fast-check';

import { allowedContexts, type ExtContext, type ExtensionsOf } from '../../src/wire/extensions.js';
import type {
  Certificate,
  CertificateRequest,
  CertificateVerify,
  ClientHello,
  EncryptedExtensions,
  EndOfEarlyData,
  Finished,
  HandshakeKind,
  HandshakeMessage,
  HelloRetryRequest,
  KeyShareEntry,
  KeyUpdate,
  MessageOf,
  NewSessionTicket,
  OfferedPsks,
  ServerHello,
  UnknownExtension,
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

/** Extension types the table does not know, GREASE among them: these land in `unknown`. */
export const unknownExtensionType = fc.oneof(grease, u16).filter((t) => allowedContexts(t) === undefined);

export const unknownExtensions: fc.Arbitrary<UnknownExtension[]> = fc.uniqueArray(
  fc.record({ type: unknownExtensionType, data: bytes(0, 24) }, { noNullPrototype: true }),
  { selector: (e) => e.type, maxLength: 4 },
);

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
    pre_shared_key: offeredPsks,
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
};

export const contexts: readonly ExtContext[] = ['CH', 'SH', 'HRR', 'EE', 'CT', 'CR', 'NST'];

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
};

export const anyMessage: fc.Arbitrary<HandshakeMessage> = fc.oneof(...Object.values(messages));
