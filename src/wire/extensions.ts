// The one table of extensions we know, which messages may carry each, and the codec for its body
// in each of them. Everything else is kept raw in `unknown` for the state machines.
//
//   context  message                     context  message
//   CH       ClientHello                 CT       CertificateEntry (in Certificate)
//   SH       ServerHello                 CR       CertificateRequest
//   HRR      HelloRetryRequest           NST      NewSessionTicket
//   EE       EncryptedExtensions         SH12     TLS 1.2 ServerHello (RFC 5246 §7.4.1.3)
//
// Decoding rules (RFC 8446 §4.2, RFC 5246 §7.4.1.4):
// - extension_data is read into a nested reader that must end exactly (decode_error otherwise);
// - a second extension of one type is illegal_parameter ("There MUST NOT be more than one
//   extension of the same type", in both RFCs; the block is well formed, its content is not,
//   hence illegal_parameter rather than decode_error);
// - in the TLS 1.3 contexts, a known extension in a message RFC 8446 §4.2's table does not list
//   is illegal_parameter;
// - in the ClientHello, pre_shared_key must be last (§4.2.11), else illegal_parameter;
// - the TLS 1.2 extensions (extended_master_secret, renegotiation_info, session_ticket,
//   encrypt_then_mac, ec_point_formats) are not in RFC 8446's table. In a TLS 1.3 server message
//   they stay in `unknown` instead of failing: §4.2 says "recognizes and ... not specified for the
//   message", and whether a TLS 1.2 extension counts as recognized in a TLS 1.3 message is for the
//   state machine to decide; it already rejects every unsolicited extension (unsupported_extension,
//   §4.2), and this codec cannot tell solicited from unsolicited. In a ClientHello they are decoded
//   only when TLS 1.2 may be negotiated (WireVersion 'tls12'): a TLS 1.3-only server ignores them
//   like any extension it does not use, so their contents cannot fail its handshake;
// - a TLS 1.2 ServerHello (SH12) follows RFC 5246 §7.4.1.4, not RFC 8446's table: the server may
//   send only what the client offered, a check that belongs to the client state machine, so known
//   extensions with an SH12 codec are decoded and every other one is kept in `unknown`;
// - with WireVersion 'tls13', a ServerHello without supported_versions keeps the SH rules but is
//   TLS 1.2 or older (RFC 8446 §4.1.3): known extensions the TLS 1.3 table does not allow there go
//   to `unknown`, for the TLS 1.3 client to refuse the version (protocol_version).

import { illegalParameter } from '../errors.js';
import { ExtensionType, extensionName } from './codes.js';
import { alpnClientHello, alpnEncryptedExtensions } from './ext/alpn.js';
import { certificateAuthorities } from './ext/certificate-authorities.js';
import type { ExtCodec } from './ext/codec.js';
import { copyBytes, emptyExtension } from './ext/codec.js';
import { cookie } from './ext/cookie.js';
import { earlyDataIndication, earlyDataNewSessionTicket } from './ext/early-data.js';
import { ecPointFormats } from './ext/ec-point-formats.js';
import { encryptThenMac } from './ext/encrypt-then-mac.js';
import { extendedMasterSecret } from './ext/extended-master-secret.js';
import { keyShareClientHello, keyShareHelloRetryRequest, keyShareServerHello } from './ext/key-share.js';
import { bindersLength, preSharedKeyClientHello, preSharedKeyServerHello } from './ext/pre-shared-key.js';
import { pskKeyExchangeModes } from './ext/psk-key-exchange-modes.js';
import { recordSizeLimit } from './ext/record-size-limit.js';
import { renegotiationInfo } from './ext/renegotiation-info.js';
import { serverNameClientHello, serverNameEncryptedExtensions } from './ext/server-name.js';
import { sessionTicketClientHello, sessionTicketServerHello } from './ext/session-ticket.js';
import { signatureAlgorithms } from './ext/signature-algorithms.js';
import {
  certificateStatus,
  statusRequestCertificateRequest,
  statusRequestClientHello,
  statusRequestServerHello,
} from './ext/status-request.js';
import { supportedGroups } from './ext/supported-groups.js';
import { supportedVersionsClientHello, supportedVersionsServerHello } from './ext/supported-versions.js';
import type { Reader } from './reader.js';
import type {
  CertificateEntryExtensions,
  CertificateRequestExtensions,
  ClientHello,
  ClientHelloExtensions,
  EncryptedExtensionsExtensions,
  HelloRetryRequestExtensions,
  NewSessionTicketExtensions,
  ServerHello12Extensions,
  ServerHelloExtensions,
  UnknownExtension,
  WireVersion,
} from './types.js';
import type { Writer } from './writer.js';

/** The decoded extensions of each message context. */
export interface ExtensionsOf {
  CH: ClientHelloExtensions;
  SH: ServerHelloExtensions;
  HRR: HelloRetryRequestExtensions;
  EE: EncryptedExtensionsExtensions;
  CT: CertificateEntryExtensions;
  CR: CertificateRequestExtensions;
  NST: NewSessionTicketExtensions;
  SH12: ServerHello12Extensions;
}
export type ExtContext = keyof ExtensionsOf;

/** Every typed extension field of any context. */
type Field = { [C in ExtContext]: Exclude<keyof ExtensionsOf[C], 'unknown'> }[ExtContext];
/** The contexts whose type has field F. */
type TypedIn<F extends Field> = { [C in ExtContext]: F extends keyof ExtensionsOf[C] ? C : never }[ExtContext];
type ValueOf<C extends ExtContext, F extends Field> = F extends keyof ExtensionsOf[C] ? NonNullable<ExtensionsOf[C][F]> : never;

interface ExtensionSpec<F extends Field> {
  readonly type: number;
  /** A codec for every context whose type has this field: a missing one is a compile error. */
  readonly codecs: { readonly [C in TypedIn<F>]: ExtCodec<ValueOf<C, F>> };
  /** Contexts the RFC also allows but types.ts has no field for: kept in `unknown` there. */
  readonly untyped?: readonly ExtContext[];
  /** A TLS 1.2 extension, not in RFC 8446 §4.2's table (see the rules above). */
  readonly tls12Only?: true;
}

/**
 * In encoding order: roughly the order browsers (NSS, Chrome, RFC 8448's traces) use, with
 * pre_shared_key last (RFC 8446 §4.2.11).
 */
const EXTENSIONS: { readonly [F in Field]: ExtensionSpec<F> } = {
  server_name: {
    type: ExtensionType.server_name,
    codecs: { CH: serverNameClientHello, EE: serverNameEncryptedExtensions, SH12: serverNameEncryptedExtensions },
  },
  extended_master_secret: {
    type: ExtensionType.extended_master_secret,
    codecs: { CH: extendedMasterSecret, SH12: extendedMasterSecret },
    tls12Only: true,
  },
  renegotiation_info: {
    type: ExtensionType.renegotiation_info,
    codecs: { CH: renegotiationInfo, SH12: renegotiationInfo },
    tls12Only: true,
  },
  supported_groups: { type: ExtensionType.supported_groups, codecs: { CH: supportedGroups, EE: supportedGroups } },
  ec_point_formats: {
    type: ExtensionType.ec_point_formats,
    codecs: { CH: ecPointFormats, SH12: ecPointFormats },
    tls12Only: true,
  },
  session_ticket: {
    type: ExtensionType.session_ticket,
    codecs: { CH: sessionTicketClientHello, SH12: sessionTicketServerHello },
    tls12Only: true,
  },
  encrypt_then_mac: {
    type: ExtensionType.encrypt_then_mac,
    codecs: { CH: encryptThenMac, SH12: encryptThenMac },
    tls12Only: true,
  },
  alpn: {
    type: ExtensionType.application_layer_protocol_negotiation,
    codecs: { CH: alpnClientHello, EE: alpnEncryptedExtensions, SH12: alpnEncryptedExtensions },
  },
  status_request: {
    type: ExtensionType.status_request,
    codecs: {
      CH: statusRequestClientHello,
      CR: statusRequestCertificateRequest,
      CT: certificateStatus,
      SH12: statusRequestServerHello,
    },
  },
  key_share: {
    type: ExtensionType.key_share,
    codecs: { CH: keyShareClientHello, SH: keyShareServerHello, HRR: keyShareHelloRetryRequest },
  },
  supported_versions: {
    type: ExtensionType.supported_versions,
    codecs: { CH: supportedVersionsClientHello, SH: supportedVersionsServerHello, HRR: supportedVersionsServerHello },
  },
  signature_algorithms: { type: ExtensionType.signature_algorithms, codecs: { CH: signatureAlgorithms, CR: signatureAlgorithms } },
  signature_algorithms_cert: {
    type: ExtensionType.signature_algorithms_cert,
    codecs: { CH: signatureAlgorithms, CR: signatureAlgorithms },
  },
  psk_key_exchange_modes: { type: ExtensionType.psk_key_exchange_modes, codecs: { CH: pskKeyExchangeModes } },
  record_size_limit: {
    type: ExtensionType.record_size_limit,
    codecs: { CH: recordSizeLimit, EE: recordSizeLimit, SH12: recordSizeLimit },
  },
  cookie: { type: ExtensionType.cookie, codecs: { CH: cookie, HRR: cookie } },
  early_data: {
    type: ExtensionType.early_data,
    codecs: { CH: earlyDataIndication, EE: earlyDataIndication, NST: earlyDataNewSessionTicket },
  },
  // RFC 8446 §4.2.6: empty extension_data.
  post_handshake_auth: { type: ExtensionType.post_handshake_auth, codecs: { CH: emptyExtension } },
  certificate_authorities: { type: ExtensionType.certificate_authorities, codecs: { CR: certificateAuthorities }, untyped: ['CH'] },
  pre_shared_key: { type: ExtensionType.pre_shared_key, codecs: { CH: preSharedKeyClientHello, SH: preSharedKeyServerHello } },
};

interface Rule {
  readonly field: string;
  readonly type: number;
  /** Every context the table handles this type in (SH12 included). */
  readonly allowed: ReadonlySet<ExtContext>;
  /** The RFC 8446 §4.2 contexts; undefined for a TLS 1.2 extension. */
  readonly tls13: ReadonlySet<ExtContext> | undefined;
  readonly codecs: Partial<Record<ExtContext, ExtCodec<unknown>>>;
}

const withoutSH12 = (contexts: Iterable<ExtContext>) => new Set([...contexts].filter((c) => c !== 'SH12'));

const RULES: readonly Rule[] = Object.entries(EXTENSIONS).map(([field, spec]: [string, ExtensionSpec<Field>]) => {
  const codecs: Partial<Record<ExtContext, ExtCodec<unknown>>> = spec.codecs;
  const allowed = new Set([...(Object.keys(codecs) as ExtContext[]), ...(spec.untyped ?? [])]);
  return { field, type: spec.type, allowed, tls13: spec.tls12Only ? undefined : withoutSH12(allowed), codecs };
});

/**
 * Extensions of the RFC 8446 §4.2 table that no message type gives a field: their context is
 * checked all the same, then they are kept in `unknown`.
 */
const UNTYPED: readonly { readonly type: number; readonly allowed: readonly ExtContext[] }[] = [
  { type: ExtensionType.padding, allowed: ['CH'] }, // RFC 7685
  { type: ExtensionType.signed_certificate_timestamp, allowed: ['CH', 'CR', 'CT'] }, // RFC 6962
  { type: ExtensionType.oid_filters, allowed: ['CR'] },
];

const RULE_BY_TYPE: ReadonlyMap<number, Rule> = new Map([
  ...RULES.map((rule): [number, Rule] => [rule.type, rule]),
  ...UNTYPED.map(({ type, allowed }): [number, Rule] => {
    const contexts = new Set(allowed);
    return [type, { field: '', type, allowed: contexts, tls13: contexts, codecs: {} }];
  }),
]);

/**
 * The TLS 1.3 messages RFC 8446 §4.2 allows extension `type` in; undefined if the type is not in
 * that table (unknown to us, or a TLS 1.2 extension).
 */
export function allowedContexts(type: number): ReadonlySet<ExtContext> | undefined {
  return RULE_BY_TYPE.get(type)?.tls13;
}

/**
 * Every context this table decodes or checks `type` in, TLS 1.2 ones included; undefined if the
 * type always lands in `unknown`.
 */
export function extensionContexts(type: number): ReadonlySet<ExtContext> | undefined {
  return RULE_BY_TYPE.get(type)?.allowed;
}

interface RawBlock {
  readonly entries: readonly { readonly type: number; readonly data: Reader }[];
  readonly types: ReadonlySet<number>;
}

/** Reads `Extension extensions<0..2^16-1>` (the ClientHello's <8..> is relaxed to 0). */
function readBlock(r: Reader, context: ExtContext): RawBlock {
  const block = r.sub16('extensions');
  const entries: { type: number; data: Reader }[] = [];
  const types = new Set<number>();
  while (block.remaining > 0) {
    const type = block.u16('extension_type');
    const data = block.sub16(`${extensionName(type)}.extension_data`);
    if (types.has(type)) throw illegalParameter(`more than one ${extensionName(type)} extension`);
    types.add(type);
    if (context === 'CH' && type === ExtensionType.pre_shared_key && block.remaining > 0) {
      throw illegalParameter('pre_shared_key is not the last ClientHello extension');
    }
    entries.push({ type, data });
  }
  return { entries, types };
}

/** The codec for `rule` in `context`, undefined to keep it in `unknown`; throws where it is illegal. */
function codecFor(rule: Rule, context: ExtContext, version: WireVersion, legacyServerHello: boolean): ExtCodec<unknown> | undefined {
  if (!rule.tls13) return context === 'CH' && version === 'tls13' ? undefined : rule.codecs[context];
  if (context !== 'SH12' && !legacyServerHello && !rule.tls13.has(context)) {
    throw illegalParameter(`${extensionName(rule.type)} extension is not allowed in ${context}`);
  }
  return rule.codecs[context];
}

function decodeBlock<C extends ExtContext>(block: RawBlock, context: C, version: WireVersion): ExtensionsOf[C] {
  const legacyServerHello = context === 'SH' && !block.types.has(ExtensionType.supported_versions);
  const unknown: UnknownExtension[] = [];
  const out: Record<string, unknown> = { unknown };
  for (const { type, data } of block.entries) {
    const rule = RULE_BY_TYPE.get(type);
    const codec = rule && codecFor(rule, context, version, legacyServerHello);
    if (!rule || !codec) {
      unknown.push({ type, data: copyBytes(data.rest()) });
      continue;
    }
    const value = codec.decode(data);
    data.end();
    if (value !== undefined) out[rule.field] = value;
  }
  // `out` holds only fields whose codec belongs to this context, each with that codec's type.
  return out as unknown as ExtensionsOf[C];
}

/**
 * Reads `Extension extensions<0..2^16-1>` for `context`. `version` matters only for the
 * ClientHello: its TLS 1.2 extensions are decoded with 'tls12' and kept in `unknown` with 'tls13'.
 */
export function decodeExtensions<C extends ExtContext>(r: Reader, context: C, version: WireVersion = 'tls13'): ExtensionsOf[C] {
  return decodeBlock(readBlock(r, context), context, version);
}

export type ServerHelloExtensionsOf =
  | { readonly context: 'SH'; readonly extensions: ServerHelloExtensions }
  | { readonly context: 'SH12'; readonly extensions: ServerHello12Extensions };

/**
 * A ServerHello's extensions. supported_versions is what makes a ServerHello TLS 1.3 (RFC 8446
 * §4.1.3, §4.2.1), so without it a receiver that accepts TLS 1.2 gets the SH12 rules; a TLS 1.3-only
 * receiver keeps the SH rules (see above). No block at all (RFC 5246 §7.4.1.3: a TLS 1.2-or-earlier
 * ServerHello may end after compression_method) reads as an empty one.
 */
export function decodeServerHelloExtensions(r: Reader, version: WireVersion): ServerHelloExtensionsOf {
  const block = r.remaining === 0 ? { entries: [], types: new Set<number>() } : readBlock(r, 'SH');
  if (version === 'tls12' && !block.types.has(ExtensionType.supported_versions)) {
    return { context: 'SH12', extensions: decodeBlock(block, 'SH12', version) };
  }
  return { context: 'SH', extensions: decodeBlock(block, 'SH', version) };
}

/** True when `ext` holds no extension: every typed field undefined, `unknown` empty. */
export function hasNoExtensions(ext: ExtensionsOf[ExtContext]): boolean {
  return Object.entries(ext).every(([field, value]) => (field === 'unknown' ? ext.unknown.length === 0 : value === undefined));
}

export interface ExtensionOrder {
  /**
   * Extension types in the order to write them (e.g. to reproduce a recorded ClientHello).
   * Types not listed follow in the default order; pre_shared_key stays last regardless.
   */
  readonly extensionOrder?: readonly number[];
}

/**
 * Writes `extensions<0..2^16-1>` for `context`: by default the known fields in table order, then
 * `unknown` in its order, then pre_shared_key. Encoders write what they are given, without
 * policy, so tests can build invalid messages (an `unknown` entry may even reuse a known type).
 */
export function encodeExtensions<C extends ExtContext>(w: Writer, context: C, ext: ExtensionsOf[C], options: ExtensionOrder = {}): void {
  const fields = ext as unknown as Record<string, unknown>;
  const rules = RULES_BY_CONTEXT.get(context) ?? [];
  const order = options.extensionOrder;
  const block = w.open16();
  // Types the requested order placed first; the rest follow in the default order (a stable sort).
  const placed = order ? new Set<number>() : undefined;
  if (order) {
    for (const type of order) {
      if (type === ExtensionType.pre_shared_key || placed!.has(type)) continue;
      placed!.add(type);
      const rule = rules.find((r) => r.type === type);
      if (rule && fields[rule.field] !== undefined) writeExtension(w, type, rule.codecs[context]!, fields[rule.field]);
      for (const u of ext.unknown) if (u.type === type) writeRawExtension(w, u);
    }
  }
  let psk: Rule | undefined;
  for (const rule of rules) {
    const value = fields[rule.field];
    if (value === undefined || placed?.has(rule.type)) continue;
    if (rule.type === ExtensionType.pre_shared_key) psk = rule;
    else writeExtension(w, rule.type, rule.codecs[context]!, value);
  }
  for (const u of ext.unknown) if (!placed?.has(u.type)) writeRawExtension(w, u);
  if (psk) writeExtension(w, psk.type, psk.codecs[context]!, fields[psk.field]);
  w.close16(block);
}

function writeExtension(w: Writer, type: number, codec: ExtCodec<unknown>, value: unknown): void {
  w.u16(type);
  const at = w.open16();
  codec.encode(w, value);
  w.close16(at);
}

function writeRawExtension(w: Writer, u: UnknownExtension): void {
  w.u16(u.type);
  const at = w.open16();
  w.bytes(u.data);
  w.close16(at);
}

/** For each context, the rules with a codec for it, in table (encoding) order. */
const RULES_BY_CONTEXT: ReadonlyMap<ExtContext, readonly Rule[]> = new Map(
  (['CH', 'SH', 'HRR', 'EE', 'CT', 'CR', 'NST', 'SH12'] as ExtContext[]).map((c) => [c, RULES.filter((r) => r.codecs[c] !== undefined)]),
);

/**
 * RFC 8446 §4.2.11.2: the PSK binders are an HMAC over the "truncated" ClientHello, i.e. the
 * encoded ClientHello (handshake header included) without the binders list at its end. This is
 * how many bytes that list takes (0 without pre_shared_key). It holds for a received ClientHello
 * as well as one we encode, because pre_shared_key is always last.
 */
export function pskBindersLength(ch: ClientHello): number {
  const offered = ch.extensions.pre_shared_key;
  return offered ? bindersLength(offered) : 0;
}

/** The truncated ClientHello of RFC 8446 §4.2.11.2, a view into `encoded` (header included). */
export function truncatedClientHello(encoded: Uint8Array, ch: ClientHello): Uint8Array {
  return encoded.subarray(0, encoded.length - pskBindersLength(ch));
}
