// `handshake connect --hexdump`: every traced message as hex with each field named beside its
// bytes (wire/annotate.ts). One line per field: offset, up to 16 bytes of hex, the field's path
// within the message, its value in words. Needs trace events with bytes (ConnectionOptions.traceBytes).
import pc from 'picocolors';
import type { TraceEvent } from '../trace.js';
import {
  type AnnotateContext,
  type Annotation,
  annotateAlert,
  annotateChangeCipherSpec,
  annotateHandshake,
  annotateRecord,
} from '../wire/annotate.js';
import { ContentType, HandshakeType, contentTypeName } from '../wire/codes.js';
import { decodeHandshakeMessage } from '../wire/handshake.js';
import type { WireVersion } from '../wire/types.js';
import { type CertificateDetail, certificateDetails } from './hexdump-certificates.js';
import { ladderLabel } from './ladder.js';

export interface HexdumpOptions {
  color: boolean;
  /** Decode with this version rather than the one the trace shows was negotiated. */
  version?: WireVersion;
}

const BYTES_PER_LINE = 16;
const HEX_WIDTH = BYTES_PER_LINE * 3 - 1;
/** Longer names push their value right instead of widening every line. */
const MAX_NAME_WIDTH = 64;
/** How far a field's summary lines sit right of its name. */
const DETAIL_INDENT = 2;

/** What decoding the later messages depends on: the version, and the suite for TLS 1.2 key exchange. */
interface Negotiated {
  version: WireVersion;
  context: AnnotateContext;
}

/** Messages only TLS 1.2 has: telling the version when the ServerHello's bytes are missing. */
const TLS12_ONLY: ReadonlySet<string> = new Set(['ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'CertificateStatus']);

/**
 * RFC 8446 §4.1.3, §4.2.1: a ServerHello without supported_versions negotiated TLS 1.2; 'tls12'
 * decoding reads either form and says which.
 */
function negotiated(events: readonly TraceEvent[]): Negotiated {
  for (const e of events) {
    if (e.kind !== 'handshake' || e.name !== 'ServerHello' || !e.bytes) continue;
    try {
      const hello = decodeHandshakeMessage(e.bytes, 'tls12');
      if (hello.type === 'server_hello_tls12') return { version: 'tls12', context: { cipherSuite: hello.cipher_suite } };
      if (hello.type === 'server_hello') return { version: 'tls13', context: { cipherSuite: hello.cipher_suite } };
    } catch {
      // A malformed ServerHello shows its error where it is drawn.
    }
  }
  return { version: events.some((e) => TLS12_ONLY.has(e.name)) ? 'tls12' : 'tls13', context: {} };
}

const failed = (annotations: readonly Annotation[]) => annotations.some((a) => a.kind === 'error');

function annotateEvent(bytes: Uint8Array, e: TraceEvent, n: Negotiated, forced: WireVersion | undefined): Annotation[] {
  if (e.kind === 'alert') return annotateAlert(bytes);
  if (e.kind === 'change_cipher_spec') return annotateChangeCipherSpec(bytes);
  if (forced) return annotateHandshake(bytes, forced, n.context);
  // The hellos come before the version is settled, and 'tls12' reads more of them: a
  // ClientHello's TLS 1.2 extensions, either form of ServerHello. Should that fail, the
  // negotiated version's reading is the one that counts.
  const type = bytes[0];
  if (type === HandshakeType.client_hello || type === HandshakeType.server_hello) {
    const wide = annotateHandshake(bytes, 'tls12', n.context);
    if (!failed(wide) || n.version === 'tls12') return wide;
  }
  return annotateHandshake(bytes, n.version, n.context);
}

const PROTECTION: Readonly<Record<TraceEvent['protection'], string>> = {
  plaintext: 'plaintext',
  early: 'early data keys',
  handshake: 'handshake keys',
  application: 'application keys',
};

type Colors = ReturnType<typeof pc.createColors>;

function header(e: TraceEvent, c: Colors): string {
  const arrow = e.direction === 'sent' ? '>>> sent' : '<<< received';
  return c.bold(`${arrow} ${ladderLabel(e)}`) + c.dim(` (${PROTECTION[e.protection]}, ${e.size} ${e.size === 1 ? 'byte' : 'bytes'})`);
}

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** `extensions[3].key_share.client_shares[0].group`: the path below the message's own name. */
function nameOf(a: Annotation): string {
  const root = /^[^.[]*/.exec(a.path)![0];
  const below = a.path.slice(root.length).replace(/^\./, '');
  const name = below ? `${below}.${a.field}` : a.field;
  // The handshake header's own field is already called length (RFC 8446 §4: uint24 length).
  return a.kind === 'length' && a.field !== 'length' ? `${name} length` : name;
}

function valueOf(a: Annotation): string {
  const more = a.length > BYTES_PER_LINE ? `… (${a.length} bytes)` : '';
  return [more, a.value ?? ''].filter(Boolean).join('  ');
}

function styleFor(a: Annotation, c: Colors): { name: (s: string) => string; value: (s: string) => string } {
  if (a.kind === 'error') return { name: c.red, value: c.red };
  if (a.kind === 'unread') return { name: c.yellow, value: c.yellow };
  return { name: c.cyan, value: a.kind === 'length' ? c.dim : c.green };
}

/** Lines under a field, in its name column and indented past it: a certificate's summary. */
type Below = (a: Annotation) => readonly CertificateDetail[];

function renderDetails(details: readonly CertificateDetail[], indent: string, c: Colors): string[] {
  const width = details.reduce((w, d) => ('label' in d ? Math.max(w, d.label.length) : w), 0);
  return details.map((d) => indent + ('label' in d ? `${c.cyan(d.label.padEnd(width))}  ${c.green(d.value)}` : c.yellow(d.note)));
}

function renderFields(bytes: Uint8Array, annotations: readonly Annotation[], c: Colors, below: Below = () => []): string[] {
  const offsetWidth = Math.max(4, bytes.length.toString(16).length);
  const names = annotations.map(nameOf);
  const width = Math.min(MAX_NAME_WIDTH, names.reduce((w, n) => Math.max(w, n.length), 0));
  const indent = ' '.repeat(2 + offsetWidth + 2 + HEX_WIDTH + 2 + DETAIL_INDENT);
  return annotations.flatMap((a, i) => {
    const shown = bytes.subarray(a.offset, a.offset + Math.min(a.length, BYTES_PER_LINE));
    const offset = a.offset.toString(16).padStart(offsetWidth, '0');
    const value = valueOf(a);
    const style = styleFor(a, c);
    // No padding after the last column: colour codes would hide it from trimming.
    const name = value ? `${style.name(names[i]!.padEnd(width))}  ${style.value(value)}` : style.name(names[i]!);
    return [`  ${c.dim(offset)}  ${hexOf(shown).padEnd(HEX_WIDTH)}  ${name}`, ...renderDetails(below(a), indent, c)];
  });
}

/**
 * One block per traced message, in order: a header (direction, name in RFC 8446 §2 notation,
 * protection, size), then its fields, a certificate's followed by what it holds (subject, issuer,
 * validity, …). Application data is listed without its bytes, which traces never carry.
 */
export function renderHexdump(events: readonly TraceEvent[], options: HexdumpOptions): string {
  const c = pc.createColors(options.color);
  const n = negotiated(events);
  const blocks = events.map((e) => {
    const lines = [header(e, c)];
    const bytes = e.bytes;
    if (bytes) lines.push(...renderFields(bytes, annotateEvent(bytes, e, n, options.version), c, (a) => certificateDetails(a, bytes)));
    else if (e.kind !== 'application_data') lines.push(c.dim('  (no bytes: trace with traceBytes: true)'));
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** A record as it crossed the wire, header included (what handshake connect's record tap keeps). */
export interface RawRecord {
  direction: 'sent' | 'received';
  bytes: Uint8Array;
}

/**
 * The records themselves, in order: each 5-byte header field named, then the fragment. A fragment
 * is encrypted (RFC 8446 §5.2: an encrypted_record, whose real type is inside) when its type is
 * application_data in TLS 1.3, and in TLS 1.2 once the sender's ChangeCipherSpec went by; the
 * messages it carries are the ones the message dump shows decrypted.
 */
export function renderRecords(records: readonly RawRecord[], events: readonly TraceEvent[], options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const tls12 = negotiated(events).version === 'tls12';
  const changed = { sent: false, received: false };
  return records
    .map((record) => {
      const type = record.bytes[0]!;
      const encrypted = tls12 ? changed[record.direction] : type === ContentType.application_data;
      if (tls12 && type === ContentType.change_cipher_spec) changed[record.direction] = true;
      const arrow = record.direction === 'sent' ? '>>> sent' : '<<< received';
      const what = `${contentTypeName(type)}${encrypted ? ', encrypted' : ''}`;
      const head = c.bold(`${arrow} record`) + c.dim(` (${what}, ${record.bytes.length} bytes)`);
      return [head, ...renderFields(record.bytes, annotateRecord(record.bytes, encrypted), c)].join('\n');
    })
    .join('\n\n');
}
