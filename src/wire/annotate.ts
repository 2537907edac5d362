// Byte-by-byte annotation of handshake messages, alerts and ChangeCipherSpec, for hexdumps. The
// decoders run with a ReadObserver (wire/reader.ts), so each annotation is a read the decoder
// itself made, not a second parser's opinion of the bytes. Annotation never throws: a message the
// decoder rejects is annotated up to the failure, then an error marker carries the reason.
import { quoteText } from '../display.js';
import { messageName } from '../trace.js';
import {
  AlertDescription,
  AlertLevel,
  CertificateStatusType,
  ClientCertificateType,
  ContentType,
  ECCurveType,
  ECPointFormat,
  HandshakeType,
  KeyUpdateRequest,
  ProtocolVersion,
  PskKeyExchangeMode,
  cipherSuiteName,
  extensionName,
  groupName,
  handshakeName,
  isGrease,
  schemeName,
} from './codes.js';
import { latin1String } from './ext/codec.js';
import { decodeCertificateRequest12 } from './messages/certificate-request-tls12.js';
import { decodeCertificateRequest } from './messages/certificate-request.js';
import { decodeCertificateStatus } from './messages/certificate-status.js';
import { decodeCertificate12 } from './messages/certificate-tls12.js';
import { decodeCertificateVerify } from './messages/certificate-verify.js';
import { decodeCertificate } from './messages/certificate.js';
import { decodeClientHello } from './messages/client-hello.js';
import {
  decodeClientKeyExchange,
  decodeDheClientKeyExchange,
  decodeEcdheClientKeyExchange,
  decodeRsaClientKeyExchange,
} from './messages/client-key-exchange.js';
import { decodeEncryptedExtensions } from './messages/encrypted-extensions.js';
import { decodeEndOfEarlyData } from './messages/end-of-early-data.js';
import { decodeFinished } from './messages/finished.js';
import { decodeHelloRequest } from './messages/hello-request.js';
import { decodeKeyUpdate } from './messages/key-update.js';
import { decodeNewSessionTicket12 } from './messages/new-session-ticket-tls12.js';
import { decodeNewSessionTicket } from './messages/new-session-ticket.js';
import { decodeServerHelloDone } from './messages/server-hello-done.js';
import { HELLO_RETRY_REQUEST_RANDOM, decodeServerHello } from './messages/server-hello.js';
import {
  decodeDheServerKeyExchange,
  decodeEcdheServerKeyExchange,
  decodeServerKeyExchange,
} from './messages/server-key-exchange.js';
import { type ReadKind, type ReadObserver, Reader } from './reader.js';
import type { WireVersion } from './types.js';

/**
 * `error` marks where decoding failed (its value is the reason; it may be zero bytes long when
 * the failure was a check on bytes already read); `unread` covers bytes the decoder never reached.
 */
export type AnnotationKind = ReadKind | 'error' | 'unread';

export interface Annotation {
  /** Position in the annotated bytes (a handshake message's header included). */
  offset: number;
  length: number;
  /** Where the field sits: `ClientHello.extensions[3].key_share.client_shares[0]`. */
  path: string;
  /** The field's name as the RFC writes it: `group`; a length prefix bears its vector's name. */
  field: string;
  /** The decoded value in words, where there is one: `x25519 (0x001d)`, `32`, `"localhost"`. */
  value?: string;
  kind: AnnotationKind;
}

export interface AnnotateContext {
  /**
   * The negotiated cipher suite: the layout of a TLS 1.2 ServerKeyExchange or ClientKeyExchange
   * depends on its key exchange (RFC 5246 §7.4.3, §7.4.7). Without it the known layouts are tried.
   */
  cipherSuite?: number;
}

// --- values in words ---------------------------------------------------------------------------

const hex4 = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

/** A 16-bit code point: its name and hex, GREASE (RFC 8701) recognised. */
function codePoint(lookup: (v: number) => string): (v: number) => string {
  return (v) => {
    const name = lookup(v);
    // codes.ts names unknown values `kind(0x…)`; a known name never has parentheses.
    if (!name.includes('(')) return `${name} (${hex4(v)})`;
    return `${isGrease(v) ? 'GREASE' : 'unknown'} (${hex4(v)})`;
  };
}

function enumOf(table: Readonly<Record<string, number>>): (v: number) => string {
  const names = new Map(Object.entries(table).map(([name, v]) => [v, name]));
  return (v) => `${names.get(v) ?? 'unknown'} (${v})`;
}

const VERSIONS = new Map<number, string>([
  [0x0300, 'SSL 3.0'],
  [ProtocolVersion.TLS1_0, 'TLS 1.0'],
  [ProtocolVersion.TLS1_1, 'TLS 1.1'],
  [ProtocolVersion.TLS1_2, 'TLS 1.2'],
  [ProtocolVersion.TLS1_3, 'TLS 1.3'],
]);
const version = codePoint((v) => VERSIONS.get(v) ?? '(unknown)');
const suite = codePoint(cipherSuiteName);
const group = codePoint(groupName);
const scheme = codePoint(schemeName);
const seconds = (v: number) => `${v} s`;

/** Integer fields whose values have names, by the field name the decoders read them with. */
const UINT_VALUES: Readonly<Record<string, (v: number) => string>> = {
  msg_type: enumOf(HandshakeType),
  legacy_version: version,
  selected_version: version,
  ProtocolVersion: version,
  cipher_suite: suite,
  CipherSuite: suite,
  group,
  selected_group: group,
  namedcurve: group,
  NamedGroup: group,
  algorithm: scheme,
  SignatureScheme: scheme,
  extension_type: codePoint(extensionName),
  // RFC 5246 §7.4.1.2: enum { null(0), (255) } CompressionMethod.
  legacy_compression_method: enumOf({ null: 0 }),
  // RFC 6066 §3: enum { host_name(0), (255) } NameType.
  name_type: enumOf({ host_name: 0 }),
  status_type: enumOf(CertificateStatusType),
  curve_type: enumOf(ECCurveType),
  request_update: enumOf(KeyUpdateRequest),
  level: enumOf(AlertLevel),
  description: enumOf(AlertDescription),
  // RFC 5246 §7.1: enum { change_cipher_spec(1), (255) } type.
  type: enumOf({ change_cipher_spec: 1 }),
  ticket_lifetime: seconds,
  ticket_lifetime_hint: seconds,
  max_early_data_size: (v) => `${v} bytes`,
  content_type: enumOf(ContentType),
  legacy_record_version: version,
};

/** One-byte code lists read as opaque vectors: each byte named. */
const BYTE_LIST_VALUES: Readonly<Record<string, (v: number) => string>> = {
  legacy_compression_methods: enumOf({ null: 0 }),
  ke_modes: enumOf(PskKeyExchangeMode),
  ec_point_format_list: enumOf(ECPointFormat),
  certificate_types: enumOf(ClientCertificateType),
};

/** Opaque fields that hold text: RFC 6066 HostName, RFC 7301 ProtocolName. */
const TEXT_FIELDS: ReadonlySet<string> = new Set(['name', 'ProtocolName']);
/** A HostName may be 2^16-1 bytes: the value shows the start, the hex column the rest. */
const MAX_TEXT = 64;

/** Peer bytes as quoted text, safe on a terminal: latin1 lets C1 controls through JSON's escaping. */
function text(b: Uint8Array): string {
  return quoteText(latin1String(b.subarray(0, MAX_TEXT))) + (b.length > MAX_TEXT ? '…' : '');
}

function bigEndian(b: Uint8Array): number {
  let v = 0;
  for (const byte of b) v = v * 256 + byte;
  return v;
}

function isHelloRetryRandom(b: Uint8Array): boolean {
  return b.length === HELLO_RETRY_REQUEST_RANDOM.length && b.every((x, i) => x === HELLO_RETRY_REQUEST_RANDOM[i]);
}

function describe(field: string, kind: ReadKind, b: Uint8Array): string | undefined {
  if (kind === 'length') return String(bigEndian(b));
  if (kind === 'uint') return (UINT_VALUES[field] ?? String)(bigEndian(b));
  if (TEXT_FIELDS.has(field)) return text(b);
  const byteList = BYTE_LIST_VALUES[field];
  if (byteList) return Array.from(b, byteList).join(', ');
  // RFC 8446 §4.1.3: this random makes a ServerHello a HelloRetryRequest.
  if (field === 'random' && isHelloRetryRandom(b)) return 'HelloRetryRequest (SHA-256 of "HelloRetryRequest")';
  return undefined;
}

// --- the observer ------------------------------------------------------------------------------

/** Vectors of several elements: each element gets an index in the path. */
const LISTS: ReadonlySet<string> = new Set([
  'extensions',
  'cipher_suites',
  'client_shares',
  'named_group_list',
  'supported_signature_algorithms',
  'versions',
  'server_name_list',
  'protocol_name_list',
  'identities',
  'binders',
  'authorities',
  'responder_id_list',
  'certificate_list',
  'certificate_authorities',
]);

/** Element names of the u16 lists (Reader.u16List reads each element under the vector's name). */
const ELEMENTS: Readonly<Record<string, string>> = {
  cipher_suites: 'CipherSuite',
  named_group_list: 'NamedGroup',
  supported_signature_algorithms: 'SignatureScheme',
};

/** extensions.ts names each body `<extension name>.extension_data`. */
const EXTENSION_DATA = '.extension_data';

/** Collects annotations over `bytes`; `cursor` is where the latest read ended. */
class Collector {
  readonly annotations: Annotation[] = [];
  cursor = 0;

  constructor(readonly bytes: Uint8Array) {}

  add(offset: number, length: number, path: string, field: string, kind: ReadKind): void {
    this.cursor = offset + length;
    // An empty vector's body covers nothing; its length prefix (0) already says so.
    if (length === 0) return;
    const value = describe(field, kind, this.bytes.subarray(offset, offset + length));
    this.annotations.push(value === undefined ? { offset, length, path, field, kind } : { offset, length, path, field, value, kind });
  }

  /** A scratch collector, for a layout that may not fit. */
  trial(): Collector {
    return new Collector(this.bytes);
  }

  commit(trial: Collector): void {
    this.annotations.push(...trial.annotations);
    this.cursor = trial.cursor;
  }
}

/** The reads of one Reader: a struct, or a list whose elements each start with the same read. */
class Scope implements ReadObserver {
  private index = -1;
  private first: string | undefined;

  constructor(
    private readonly out: Collector,
    readonly path: string,
    /** The vector this scope reads, as the decoder named it ('' for a message). */
    private readonly vector = '',
    /** Added to offsets: a decoder that reads a copy of the body counts from its start. */
    private readonly base = 0,
  ) {}

  read(offset: number, length: number, field: string, kind: ReadKind): void {
    const at = this.at(`${kind} ${field}`);
    this.out.add(this.base + offset, length, at, this.fieldName(field), kind);
  }

  nested(field: string): ReadObserver {
    const segment = field.endsWith(EXTENSION_DATA) ? field.slice(0, -EXTENSION_DATA.length) : field;
    return new Scope(this.out, `${this.at(`nested ${field}`)}.${segment}`, field, this.base);
  }

  /** The path of a read: in a list, the element it belongs to, counting a new one each time the first read recurs. */
  private at(key: string): string {
    if (!LISTS.has(this.vector)) return this.path;
    this.first ??= key;
    if (key === this.first) this.index++;
    return `${this.path}[${this.index}]`;
  }

  private fieldName(field: string): string {
    if (field.endsWith(EXTENSION_DATA)) return 'extension_data';
    if (field === 'rest') return this.vector.endsWith(EXTENSION_DATA) ? 'extension_data' : this.vector || 'body';
    if (field === this.vector) return ELEMENTS[field] ?? field;
    return field;
  }
}

// --- messages ----------------------------------------------------------------------------------

interface Body {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** The reader's name in error messages, as decodeHandshake names it. */
  readonly what: string;
}

type BodyAnnotator = (body: Body, scope: Scope, out: Collector, version: WireVersion, context: AnnotateContext) => void;

/** A message decoder run over the body with the observer, ending exactly as decodeHandshake does. */
function decoded(decode: (r: Reader, version: WireVersion) => unknown): BodyAnnotator {
  return (body, scope, _out, version) => {
    const r = new Reader(body.bytes, body.what, body.start, body.end, scope);
    decode(r, version);
    r.end();
  };
}

type KeyExchange = 'ecdhe' | 'dhe' | 'rsa';

/** The key exchange a TLS 1.2 suite names (TLS_ECDHE_…, TLS_DHE_…, TLS_RSA_…). */
function keyExchangeOf(cipherSuite: number | undefined): KeyExchange | undefined {
  if (cipherSuite === undefined) return undefined;
  const name = cipherSuiteName(cipherSuite);
  if (name.startsWith('TLS_ECDHE_')) return 'ecdhe';
  if (name.startsWith('TLS_DHE_')) return 'dhe';
  if (name.startsWith('TLS_RSA_')) return 'rsa';
  return undefined;
}

type KeyExchangeLayout = (body: Uint8Array, observer: ReadObserver) => unknown;

/**
 * RFC 5246 §7.4.3, §7.4.7: the body's layout is the suite's. With the suite known, its layout
 * decides (and its failure is the message's); without it, the first layout that reads the whole
 * body wins, else the body stays one opaque field as the message decoder (`whole`) reads it.
 */
function keyExchange(
  layouts: Readonly<Record<KeyExchange, KeyExchangeLayout | undefined>>,
  whole: (r: Reader) => unknown,
): BodyAnnotator {
  return (body, scope, out, version, context) => {
    const bytes = body.bytes.subarray(body.start, body.end);
    const observer = (into: Collector) => new Scope(into, scope.path, '', body.start);
    const known = keyExchangeOf(context.cipherSuite);
    const layout = known && layouts[known];
    if (layout) return void layout(bytes, observer(out));
    for (const candidate of Object.values(layouts)) {
      if (!candidate) continue;
      const trial = out.trial();
      try {
        candidate(bytes, observer(trial));
      } catch {
        continue;
      }
      return out.commit(trial);
    }
    decoded(whole)(body, scope, out, version, context);
  };
}

const serverKeyExchange = keyExchange(
  { ecdhe: decodeEcdheServerKeyExchange, dhe: decodeDheServerKeyExchange, rsa: undefined },
  decodeServerKeyExchange,
);
const clientKeyExchange = keyExchange(
  { ecdhe: decodeEcdheClientKeyExchange, dhe: decodeDheClientKeyExchange, rsa: decodeRsaClientKeyExchange },
  decodeClientKeyExchange,
);

/**
 * The messages each version defines, as in handshake.ts's decoder table (a test checks the two
 * agree), except that the TLS 1.2 key exchange bodies are read in the suite's layout.
 */
const MESSAGES: { readonly [V in WireVersion]: ReadonlyMap<number, BodyAnnotator> } = {
  tls13: new Map([
    [HandshakeType.client_hello, decoded(decodeClientHello)],
    [HandshakeType.server_hello, decoded(decodeServerHello)],
    [HandshakeType.encrypted_extensions, decoded(decodeEncryptedExtensions)],
    [HandshakeType.certificate, decoded(decodeCertificate)],
    [HandshakeType.certificate_request, decoded(decodeCertificateRequest)],
    [HandshakeType.certificate_verify, decoded(decodeCertificateVerify)],
    [HandshakeType.finished, decoded(decodeFinished)],
    [HandshakeType.new_session_ticket, decoded(decodeNewSessionTicket)],
    [HandshakeType.end_of_early_data, decoded(decodeEndOfEarlyData)],
    [HandshakeType.key_update, decoded(decodeKeyUpdate)],
  ]),
  tls12: new Map([
    [HandshakeType.hello_request, decoded(decodeHelloRequest)],
    [HandshakeType.client_hello, decoded(decodeClientHello)],
    [HandshakeType.server_hello, decoded(decodeServerHello)],
    [HandshakeType.certificate, decoded(decodeCertificate12)],
    [HandshakeType.certificate_status, decoded(decodeCertificateStatus)],
    [HandshakeType.server_key_exchange, serverKeyExchange],
    [HandshakeType.certificate_request, decoded(decodeCertificateRequest12)],
    [HandshakeType.server_hello_done, decoded(decodeServerHelloDone)],
    [HandshakeType.certificate_verify, decoded(decodeCertificateVerify)],
    [HandshakeType.client_key_exchange, clientKeyExchange],
    [HandshakeType.finished, decoded(decodeFinished)],
    [HandshakeType.new_session_ticket, decoded(decodeNewSessionTicket12)],
  ]),
};

/** The message types annotateHandshake decodes for `version` (the same as decodeHandshake's). */
export function annotatedTypes(version: WireVersion): number[] {
  return [...MESSAGES[version].keys()];
}

/** The path a message's fields hang from: its RFC name. */
function messageRoot(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'Handshake';
  const type = bytes[0]!;
  // RFC 8446 §4.1.4: a HelloRetryRequest is a ServerHello with a special random (after the
  // 4-byte header and the 2-byte legacy_version).
  if (type === HandshakeType.server_hello && isHelloRetryRandom(bytes.subarray(6, 38))) return 'HelloRetryRequest';
  return messageName(handshakeName(type));
}

/**
 * Annotates one handshake message, header included (as TraceEvent.bytes holds it), decoded as
 * `version` decodes it (see WireVersion: a ClientHello's TLS 1.2 extensions are read only with
 * 'tls12'). Every byte is covered by exactly one annotation, in offset order.
 */
export function annotateHandshake(bytes: Uint8Array, version: WireVersion, context: AnnotateContext = {}): Annotation[] {
  return annotate(bytes, messageRoot(bytes), (scope, out) => {
    // RFC 8446 §4: struct { HandshakeType msg_type; uint24 length; ... } Handshake.
    const header = new Reader(bytes, 'Handshake', 0, bytes.length, scope);
    const msgType = header.u8('msg_type');
    const length = header.sub24('length').remaining;
    const annotator = MESSAGES[version].get(msgType);
    if (!annotator) throw new Error(`unexpected ${handshakeName(msgType)} message`);
    annotator({ bytes, start: 4, end: 4 + length, what: handshakeName(msgType) }, scope, out, version, context);
    header.end();
  });
}

/** RFC 8446 §6: struct { AlertLevel level; AlertDescription description; } Alert. */
export function annotateAlert(bytes: Uint8Array): Annotation[] {
  return annotate(bytes, 'Alert', (scope) => {
    const r = new Reader(bytes, 'alert', 0, bytes.length, scope);
    r.u8('level');
    r.u8('description');
    r.end();
  });
}

/**
 * One record as it crossed the wire, RFC 8446 §5.1 / §5.2: the 5-byte header, then the fragment,
 * which is a plaintext one or, once keys are in use, an encrypted_record (its inner content type
 * hidden by the encryption, RFC 8446 §5.2; in TLS 1.2 the content type is the real one).
 * `encrypted`: whether the fragment is protected.
 */
export function annotateRecord(bytes: Uint8Array, encrypted: boolean): Annotation[] {
  return annotate(bytes, 'TLSRecord', (scope) => {
    const r = new Reader(bytes, 'record', 0, bytes.length, scope);
    r.u8('content_type');
    r.u16('legacy_record_version');
    r.vec16(encrypted ? 'encrypted_record' : 'fragment');
    r.end();
  });
}

/** RFC 5246 §7.1: struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec. */
export function annotateChangeCipherSpec(bytes: Uint8Array): Annotation[] {
  return annotate(bytes, 'ChangeCipherSpec', (scope) => {
    const r = new Reader(bytes, 'change_cipher_spec', 0, bytes.length, scope);
    r.u8('type');
    r.end();
  });
}

function annotate(bytes: Uint8Array, root: string, run: (scope: Scope, out: Collector) => void): Annotation[] {
  const out = new Collector(bytes);
  let failure: string | undefined;
  try {
    run(new Scope(out, root), out);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  return complete(out, root, failure);
}

/**
 * Sorts the reads and covers what they left: the bytes where decoding stopped carry the failure,
 * any others (e.g. extension bodies after the one that failed) are `unread`. Markers hang from the
 * message itself: the failure's text already names the reader that failed.
 */
function complete(out: Collector, root: string, failure: string | undefined): Annotation[] {
  const sorted = out.annotations.sort((a, b) => a.offset - b.offset);
  const result: Annotation[] = [];
  let placed = failure === undefined;
  const gap = (offset: number, length: number) => {
    if (length <= 0) return;
    if (!placed && offset === out.cursor) {
      placed = true;
      result.push({ offset, length, path: root, field: 'error', value: failure!, kind: 'error' });
    } else {
      result.push({ offset, length, path: root, field: 'unread', value: failure === undefined ? 'not read by the decoder' : 'not decoded', kind: 'unread' });
    }
  };
  let at = 0;
  for (const a of sorted) {
    gap(at, a.offset - at);
    result.push(a);
    at = Math.max(at, a.offset + a.length);
  }
  gap(at, out.bytes.length - at);
  if (!placed) {
    // The failure was a check on bytes already read (a value out of range, a duplicate): mark the spot.
    const error: Annotation = { offset: out.cursor, length: 0, path: root, field: 'error', value: failure!, kind: 'error' };
    const next = result.findIndex((a) => a.offset >= out.cursor);
    result.splice(next === -1 ? result.length : next, 0, error);
  }
  return result;
}
