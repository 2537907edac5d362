// RFC 8446 §4.2: the one table of extensions we know, which messages may carry each, and the codec
// for its body in each of them. Everything else is kept raw in `unknown` for the state machines.
//
//   context  message                     context  message
//   CH       ClientHello                 CT       CertificateEntry (in Certificate)
//   SH       ServerHello                 CR       CertificateRequest
//   HRR      HelloRetryRequest           NST      NewSessionTicket
//   EE       EncryptedExtensions
//
// Decoding rules (RFC 8446 §4.2):
// - extension_data is read into a nested reader that must end exactly (decode_error otherwise);
// - a second extension of one type is illegal_parameter ("There MUST NOT be more than one
//   extension of the same type in a given extension block"; the block is well formed, its
//   content is not, hence illegal_parameter rather than decode_error);
// - a known extension in a message the table does not list is illegal_parameter;
// - in the ClientHello, pre_shared_key must be last (§4.2.11), else illegal_parameter;
// - a ServerHello without supported_versions is TLS 1.2 or older (RFC 5246 §7.4.1.4): the TLS 1.3
//   table does not apply to it, so known extensions it does not allow (server_name,
//   application_layer_protocol_negotiation, ...) go to `unknown` for the TLS 1.2 code.

import { illegalParameter } from '../errors.js';
import { ExtensionType, extensionName } from './codes.js';
import { alpnClientHello, alpnEncryptedExtensions } from './ext/alpn.js';
import { certificateAuthorities } from './ext/certificate-authorities.js';
import type { ExtCodec } from './ext/codec.js';
import { copyBytes } from './ext/codec.js';
import { cookie } from './ext/cookie.js';
import { earlyDataIndication, earlyDataNewSessionTicket } from './ext/early-data.js';
import { keyShareClientHello, keyShareHelloRetryRequest, keyShareServerHello } from './ext/key-share.js';
import { bindersLength, preSharedKeyClientHello, preSharedKeyServerHello } from './ext/pre-shared-key.js';
import { pskKeyExchangeModes } from './ext/psk-key-exchange-modes.js';
import { recordSizeLimit } from './ext/record-size-limit.js';
import { serverNameClientHello, serverNameEncryptedExtensions } from './ext/server-name.js';
import { signatureAlgorithms } from './ext/signature-algorithms.js';
import { certificateStatus, statusRequestCertificateRequest, statusRequestClientHello } from './ext/status-request.js';
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
  ServerHelloExtensions,
  UnknownExtension,
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
}

/**
 * In encoding order: roughly the order browsers (NSS, RFC 8448's traces) use, with pre_shared_key
 * last (RFC 8446 §4.2.11).
 */
const EXTENSIONS: { readonly [F in Field]: ExtensionSpec<F> } = {
  server_name: { type: ExtensionType.server_name, codecs: { CH: serverNameClientHello, EE: serverNameEncryptedExtensions } },
  supported_groups: { type: ExtensionType.supported_groups, codecs: { CH: supportedGroups, EE: supportedGroups } },
  alpn: {
    type: ExtensionType.application_layer_protocol_negotiation,
    codecs: { CH: alpnClientHello, EE: alpnEncryptedExtensions },
  },
  status_request: {
    type: ExtensionType.status_request,
    codecs: { CH: statusRequestClientHello, CR: statusRequestCertificateRequest, CT: certificateStatus },
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
  record_size_limit: { type: ExtensionType.record_size_limit, codecs: { CH: recordSizeLimit, EE: recordSizeLimit } },
  cookie: { type: ExtensionType.cookie, codecs: { CH: cookie, HRR: cookie } },
  early_data: {
    type: ExtensionType.early_data,
    codecs: { CH: earlyDataIndication, EE: earlyDataIndication, NST: earlyDataNewSessionTicket },
  },
  certificate_authorities: { type: ExtensionType.certificate_authorities, codecs: { CR: certificateAuthorities }, untyped: ['CH'] },
  pre_shared_key: { type: ExtensionType.pre_shared_key, codecs: { CH: preSharedKeyClientHello, SH: preSharedKeyServerHello } },
};

interface Rule {
  readonly field: string;
  readonly type: number;
  readonly allowed: ReadonlySet<ExtContext>;
  readonly codecs: Partial<Record<ExtContext, ExtCodec<unknown>>>;
}

const RULES: readonly Rule[] = Object.entries(EXTENSIONS).map(([field, spec]: [string, ExtensionSpec<Field>]) => {
  const codecs: Partial<Record<ExtContext, ExtCodec<unknown>>> = spec.codecs;
  const typed = Object.keys(codecs) as ExtContext[];
  return { field, type: spec.type, allowed: new Set([...typed, ...(spec.untyped ?? [])]), codecs };
});

/**
 * Extensions of the RFC 8446 §4.2 table that no message type gives a field: their context is
 * checked all the same, then they are kept in `unknown`.
 */
const UNTYPED: readonly { readonly type: number; readonly allowed: readonly ExtContext[] }[] = [
  { type: ExtensionType.padding, allowed: ['CH'] }, // RFC 7685
  { type: ExtensionType.signed_certificate_timestamp, allowed: ['CH', 'CR', 'CT'] }, // RFC 6962
  { type: ExtensionType.oid_filters, allowed: ['CR'] },
  { type: ExtensionType.post_handshake_auth, allowed: ['CH'] },
];

const RULE_BY_TYPE: ReadonlyMap<number, Rule> = new Map([
  ...RULES.map((rule): [number, Rule] => [rule.type, rule]),
  ...UNTYPED.map(({ type, allowed }): [number, Rule] => [type, { field: '', type, allowed: new Set(allowed), codecs: {} }]),
]);

/** The message contexts RFC 8446 §4.2 allows extension `type` in; undefined if we do not know it. */
export function allowedContexts(type: number): ReadonlySet<ExtContext> | undefined {
  return RULE_BY_TYPE.get(type)?.allowed;
}

/** Reads `Extension extensions<0..2^16-1>` (the ClientHello's <8..> is relaxed to 0) for `context`. */
export function decodeExtensions<C extends ExtContext>(r: Reader, context: C): ExtensionsOf[C] {
  const block = r.sub16('extensions');
  const raw: { type: number; data: Reader }[] = [];
  const seen = new Set<number>();
  while (block.remaining > 0) {
    const type = block.u16('extension_type');
    const data = block.sub16(`${extensionName(type)}.extension_data`);
    if (seen.has(type)) throw illegalParameter(`more than one ${extensionName(type)} extension`);
    seen.add(type);
    if (context === 'CH' && type === ExtensionType.pre_shared_key && block.remaining > 0) {
      throw illegalParameter('pre_shared_key is not the last ClientHello extension');
    }
    raw.push({ type, data });
  }
  const legacyServerHello = context === 'SH' && !seen.has(ExtensionType.supported_versions);

  const unknown: UnknownExtension[] = [];
  const out: Record<string, unknown> = { unknown };
  for (const { type, data } of raw) {
    const rule = RULE_BY_TYPE.get(type);
    if (rule && !rule.allowed.has(context) && !legacyServerHello) {
      throw illegalParameter(`${extensionName(type)} extension is not allowed in ${context}`);
    }
    const codec = rule?.codecs[context];
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
  const items: { type: number; write: (w: Writer) => void }[] = [];
  let last: { type: number; write: (w: Writer) => void } | undefined;
  for (const rule of RULES) {
    const codec = rule.codecs[context];
    const value = fields[rule.field];
    if (!codec || value === undefined) continue;
    const item = { type: rule.type, write: (b: Writer) => codec.encode(b, value) };
    if (rule.type === ExtensionType.pre_shared_key) last = item;
    else items.push(item);
  }
  for (const u of ext.unknown) items.push({ type: u.type, write: (b) => void b.bytes(u.data) });
  const order = options.extensionOrder;
  if (order) {
    const rank = (type: number) => {
      const i = order.indexOf(type);
      return i < 0 ? order.length : i;
    };
    items.sort((a, b) => rank(a.type) - rank(b.type)); // stable: unlisted keep the default order
  }
  if (last) items.push(last);
  w.vec16((block) => {
    for (const item of items) block.u16(item.type).vec16(item.write);
  });
}

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
