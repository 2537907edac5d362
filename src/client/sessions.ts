// The client's resumable sessions: TLS 1.2 (RFC 5246 §7.3 abbreviated handshake, RFC 5077 §3.4
// tickets) and TLS 1.3 tickets (RFC 8446 §2.2, §4.6.1): what the application holds between connections, as opaque versioned bytes (node:tls's
// 'session' event and `session` option), and the rules for offering one again.
//
// A session holds the master secret (TLS 1.3: the PSK) in the clear, as node:tls's session blobs do: it is as secret
// as the connection it came from, and an application that stores it must protect it as such.
import type { CryptoProvider } from '../crypto/provider.js';
import { type Tls13Suite, tls12Suite, tls13Suite } from '../crypto/suites.js';
import { TLSError } from '../errors.js';
import { MAX_CERTIFICATE_CHAIN, MAX_CERTIFICATE_MESSAGE, MAX_PATH_LENGTH } from '../limits.js';
import type { OcspCertStatus, OcspResult } from '../pki/ocsp.js';
import { MASTER_SECRET_LENGTH } from '../tls12/prf.js';
import { type AlertDescription, ProtocolVersion } from '../wire/codes.js';
import { latin1Bytes, latin1String } from '../wire/ext/codec.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import type { ResolvedClientConfig } from './config.js';

/** What a session of either version keeps of the server it talked to, for a resumption to report. */
export interface SessionPeer {
  /** The name the server's certificate was checked against (normalized), '' for none. */
  readonly serverName: string;
  /** SNI as sent; undefined when none was. */
  readonly sni: string | undefined;
  readonly alpnProtocol: string | false;
  /** The server's certificates as it sent them, leaf first (DER). */
  readonly peerCertificates: Uint8Array[];
  /** The validated path, leaf first, anchor last (DER); empty when it did not validate. */
  readonly verifiedChain: Uint8Array[];
  readonly authorized: boolean;
  readonly authorizationError: { alert: AlertDescription; code: string; message: string } | undefined;
  readonly ocsp: OcspResult | undefined;
  /** The leaf's notAfter (ms): a session outlives neither its lifetime nor its certificate. */
  readonly leafNotAfter: number;
}

/** Everything a resumption needs, and the peer identity the resumed connection reports. */
export interface ClientSession extends SessionPeer {
  /** ProtocolVersion; TLS1_2 (a TLS 1.3 session is a ClientSession13). */
  readonly version: number;
  readonly cipherSuite: number;
  readonly masterSecret: Uint8Array;
  /**
   * RFC 7627 §5.3: a session without extended master secret is never kept, so this is always
   * true; it is in the encoding so a future reader cannot mistake an older format for one.
   */
  readonly extendedMasterSecret: true;
  /** The server's session_id (RFC 5246 §7.4.1.3), empty when it issued a ticket only. */
  readonly sessionId: Uint8Array;
  /** RFC 5077 §3.3 ticket, opaque to us; undefined when the server issued none (or an empty one). */
  readonly ticket: Uint8Array | undefined;
  /** RFC 5077 §3.3 ticket_lifetime_hint in seconds; 0: none given. */
  readonly ticketLifetimeHint: number;
  /** When we received the session (ms since the epoch, the provider's clock). */
  readonly createdAt: number;
}

/** A session to offer, and how (RFC 5077 §3.4: by ticket when there is one, else by session_id). */
export interface SessionOffer {
  readonly session: ClientSession;
  readonly byTicket: boolean;
}

/**
 * How long a session is offered when the server gave no ticket_lifetime_hint (session IDs, or a
 * hint of 0, "unspecified" in RFC 5077 §3.3): node:tls servers' default sessionTimeout. A server
 * that forgot it sooner just answers with a full handshake.
 */
export const DEFAULT_SESSION_LIFETIME_SECONDS = 300;
/**
 * The longest a ticket is offered, whatever its hint says: RFC 8446 §4.6.1's seven days, the
 * bound TLS 1.3 put on what TLS 1.2 left open.
 */
export const MAX_SESSION_LIFETIME_SECONDS = 7 * 24 * 3600;
/** RFC 5246 §7.4.1.2: SessionID session_id<0..32>. */
export const MAX_SESSION_ID_LENGTH = 32;
/** RFC 5077 §3.3: opaque ticket<0..2^16-1>. */
export const MAX_TICKET_LENGTH = 0xffff;
/**
 * A session blob larger than this is refused before it is read: two certificate lists (as sent,
 * and the validated path), each within a Certificate message's bound, plus a ticket and the
 * fixed fields.
 */
export const MAX_SESSION_BYTES = 2 * MAX_CERTIFICATE_MESSAGE + MAX_TICKET_LENGTH + 4096;

/** "hs": handshake's session blobs; then the format number. */
const MAGIC = [0x68, 0x73] as const;
const FORMAT = 1;

const FLAG_EMS = 0x01;
const FLAG_AUTHORIZED = 0x02;
const FLAG_SNI = 0x04;
const FLAGS_KNOWN = FLAG_EMS | FLAG_AUTHORIZED | FLAG_SNI;

const OCSP_STATUSES: readonly OcspCertStatus[] = ['good', 'revoked', 'unknown'];
const OCSP_SIGNERS: readonly OcspResult['signer'][] = ['issuer', 'delegated'];
const OCSP_NEXT_UPDATE = 0x01;
const OCSP_REVOCATION_TIME = 0x02;
const OCSP_REVOCATION_REASON = 0x04;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The host a session is bound to: case and a trailing dot do not make another host. */
export const normalizeServerName = (name: string | undefined): string => (name ?? '').replace(/\.$/, '').toLowerCase();

// --- encoding -------------------------------------------------------------------------------

function u64(w: Writer, n: number): void {
  w.u32(Math.floor(n / 2 ** 32)).u32(n >>> 0);
}

function readU64(r: Reader, field: string): number {
  const hi = r.u32(field);
  if (hi > 0x1fffff) throw new Error(`malformed session: ${field} is beyond 2^53`);
  return hi * 2 ** 32 + r.u32(field);
}

function writeCertificates(w: Writer, certs: readonly Uint8Array[]): void {
  w.vec24((list) => {
    for (const der of certs) list.opaque24(der);
  });
}

function readCertificates(r: Reader, field: string, max: number): Uint8Array[] {
  const list = r.sub24(field);
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    if (out.length === max) throw new Error(`malformed session: more than ${max} ${field}`);
    out.push(list.vec24('certificate', 1).slice());
  }
  return out;
}

/**
 * The session as bytes (format 1):
 *
 *   opaque magic[2] = "hs"; uint8 format = 1;
 *   uint16 version; uint16 cipher_suite; uint8 flags (EMS, authorized, SNI present);
 *   uint64 created_at_ms; uint32 ticket_lifetime_hint; uint64 leaf_not_after_ms;
 *   opaque master_secret<48..48>; opaque session_id<0..32>; opaque ticket<0..2^16-1>;
 *   opaque server_name<0..2^16-1>; opaque sni<0..2^16-1>; opaque alpn<0..255>;
 *   ASN1Cert peer_certificates<0..2^24-1>; ASN1Cert verified_chain<0..2^24-1>;
 *   AuthorizationError error<0..2^16-1>  (empty when authorized: uint8 alert, code<1..255>, message<0..2^16-1>);
 *   OcspStatus ocsp<0..255>              (empty when none)
 */
export function encodeClientSession(s: ClientSession): Uint8Array {
  const w = new Writer(1024);
  w.u8(MAGIC[0]).u8(MAGIC[1]).u8(FORMAT);
  const flags = FLAG_EMS | (s.authorized ? FLAG_AUTHORIZED : 0) | (s.sni !== undefined ? FLAG_SNI : 0);
  w.u16(s.version).u16(s.cipherSuite).u8(flags);
  u64(w, s.createdAt);
  w.u32(s.ticketLifetimeHint);
  u64(w, s.leafNotAfter);
  w.opaque8(s.masterSecret).opaque8(s.sessionId).opaque16(s.ticket ?? new Uint8Array(0));
  writePeer(w, s);
  return w.finish();
}

/** What both versions keep of the server they talked to; the flags byte carries FLAG_AUTHORIZED and FLAG_SNI. */
type PeerFields = Omit<SessionPeer, 'leafNotAfter'>;

/** The fields both formats end with: names, ALPN, the server's chains, the authorization error and OCSP status. */
function writePeer(w: Writer, s: PeerFields): void {
  w.opaque16(utf8.encode(s.serverName)).opaque16(utf8.encode(s.sni ?? ''));
  w.opaque8(s.alpnProtocol === false ? new Uint8Array(0) : latin1Bytes(s.alpnProtocol));
  writeCertificates(w, s.peerCertificates);
  writeCertificates(w, s.verifiedChain);
  w.vec16((e) => {
    const err = s.authorizationError;
    if (!err || s.authorized) return;
    e.u8(err.alert).opaque8(latin1Bytes((err.code || 'ERR_TLS').slice(0, 255))).opaque16(utf8.encode(err.message.slice(0, 16_000)));
  });
  w.vec8((o) => {
    const ocsp = s.ocsp;
    if (!ocsp) return;
    const present =
      (ocsp.nextUpdate !== undefined ? OCSP_NEXT_UPDATE : 0) |
      (ocsp.revocationTime !== undefined ? OCSP_REVOCATION_TIME : 0) |
      (ocsp.revocationReason !== undefined ? OCSP_REVOCATION_REASON : 0);
    o.u8(OCSP_STATUSES.indexOf(ocsp.status)).u8(OCSP_SIGNERS.indexOf(ocsp.signer)).u8(present);
    u64(o, ocsp.producedAt);
    u64(o, ocsp.thisUpdate);
    if (ocsp.nextUpdate !== undefined) u64(o, ocsp.nextUpdate);
    if (ocsp.revocationTime !== undefined) u64(o, ocsp.revocationTime);
    if (ocsp.revocationReason !== undefined) o.u8(ocsp.revocationReason);
  });
}

/** Reads what writePeer wrote. */
function readPeer(r: Reader, flags: number): PeerFields {
  const serverName = fromUtf8.decode(r.vec16('server_name'));
  const sniText = fromUtf8.decode(r.vec16('sni'));
  const alpn = r.vec8('alpn');
  const peerCertificates = readCertificates(r, 'peer_certificates', MAX_CERTIFICATE_CHAIN);
  if (!peerCertificates.length) throw new Error('malformed session: no server certificate');
  const verifiedChain = readCertificates(r, 'verified_chain', MAX_PATH_LENGTH);
  const authorized = (flags & FLAG_AUTHORIZED) !== 0;
  const authorizationError = readError(r.sub16('authorization_error'));
  if (authorized === (authorizationError !== undefined)) throw new Error('malformed session: authorization and its error disagree');
  const ocsp = readOcsp(r.sub8('ocsp'));
  return {
    serverName,
    sni: flags & FLAG_SNI ? sniText : undefined,
    alpnProtocol: alpn.length ? latin1String(alpn) : false,
    peerCertificates,
    verifiedChain,
    authorized,
    authorizationError,
    ocsp,
  };
}

function readOcsp(r: Reader): OcspResult | undefined {
  if (r.remaining === 0) return undefined;
  const status = OCSP_STATUSES[r.u8('ocsp status')];
  const signer = OCSP_SIGNERS[r.u8('ocsp signer')];
  const present = r.u8('ocsp fields');
  if (!status || !signer || present & ~(OCSP_NEXT_UPDATE | OCSP_REVOCATION_TIME | OCSP_REVOCATION_REASON)) {
    throw new Error('malformed session: unknown OCSP status');
  }
  const result: OcspResult = { status, signer, producedAt: readU64(r, 'producedAt'), thisUpdate: readU64(r, 'thisUpdate') };
  if (present & OCSP_NEXT_UPDATE) result.nextUpdate = readU64(r, 'nextUpdate');
  if (present & OCSP_REVOCATION_TIME) result.revocationTime = readU64(r, 'revocationTime');
  if (present & OCSP_REVOCATION_REASON) result.revocationReason = r.u8('revocationReason');
  r.end();
  return result;
}

function readError(r: Reader): ClientSession['authorizationError'] {
  if (r.remaining === 0) return undefined;
  const alert = r.u8('alert') as AlertDescription;
  const code = latin1String(r.vec8('code', 1));
  const message = fromUtf8.decode(r.vec16('message'));
  r.end();
  return { alert, code, message };
}

function decode(bytes: Uint8Array): ClientSession | ClientSession13 {
  const r = new Reader(bytes, 'session');
  if (r.u8('magic') !== MAGIC[0] || r.u8('magic') !== MAGIC[1]) throw new Error('not a session made by this library');
  const format = r.u8('format');
  if (format !== FORMAT) throw new Error(`session format ${format} is not one this version reads`);
  const version = r.u16('version');
  if (version === ProtocolVersion.TLS1_3) return decode13(r);
  if (version !== ProtocolVersion.TLS1_2) throw new Error(`session for version 0x${version.toString(16)} is not supported`);
  const cipherSuite = r.u16('cipher_suite');
  if (!tls12Suite(cipherSuite)) throw new Error(`session cipher suite 0x${cipherSuite.toString(16)} is not a TLS 1.2 suite we know`);
  const flags = r.u8('flags');
  if (flags & ~FLAGS_KNOWN) throw new Error('malformed session: unknown flags');
  // RFC 7627 §5.3: a session without extended master secret must not be resumed; we never make one.
  if (!(flags & FLAG_EMS)) throw new Error('session without extended master secret');
  const createdAt = readU64(r, 'created_at');
  const ticketLifetimeHint = r.u32('ticket_lifetime_hint');
  const leafNotAfter = readU64(r, 'leaf_not_after');
  const masterSecret = r.vec8('master_secret', MASTER_SECRET_LENGTH, MASTER_SECRET_LENGTH).slice();
  const sessionId = r.vec8('session_id', 0, MAX_SESSION_ID_LENGTH).slice();
  const ticket = r.vec16('ticket', 0, MAX_TICKET_LENGTH).slice();
  if (!sessionId.length && !ticket.length) throw new Error('malformed session: neither a session ID nor a ticket');
  const peer = readPeer(r, flags);
  r.end();
  return {
    version,
    cipherSuite,
    masterSecret,
    extendedMasterSecret: true,
    sessionId,
    ticket: ticket.length ? ticket : undefined,
    ticketLifetimeHint,
    createdAt,
    ...peer,
    leafNotAfter,
  };
}

/**
 * Reads a session blob the application passed in. It is configuration, not input from the peer:
 * anything wrong with it is a plain Error (thrown when the connection is configured), never a
 * TLSError.
 */
export function decodeAnyClientSession(bytes: Uint8Array): ClientSession | ClientSession13 {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('session must be a Buffer or Uint8Array');
  if (bytes.length > MAX_SESSION_BYTES) throw new Error(`session is larger than ${MAX_SESSION_BYTES} bytes`);
  try {
    return decode(bytes);
  } catch (err) {
    if (err instanceof TLSError) throw new Error(`malformed session: ${err.message}`);
    if (err instanceof TypeError) throw new Error(`malformed session: ${err.message}`);
    throw err;
  }
}

/** A TLS 1.2 session blob; a TLS 1.3 one is an Error here (decodeAnyClientSession reads both). */
export function decodeClientSession(bytes: Uint8Array): ClientSession {
  const s = decodeAnyClientSession(bytes);
  if (isSession13(s)) throw new Error('a TLS 1.3 session is not a TLS 1.2 session');
  return s;
}

// --- offering -------------------------------------------------------------------------------

/**
 * When the session stops being offered (ms): the ticket's lifetime hint from receipt (at most
 * seven days), else DEFAULT_SESSION_LIFETIME_SECONDS.
 */
export function sessionExpiresAt(s: ClientSession): number {
  const hint = s.ticket !== undefined && s.ticketLifetimeHint > 0 ? s.ticketLifetimeHint : DEFAULT_SESSION_LIFETIME_SECONDS;
  return s.createdAt + Math.min(hint, MAX_SESSION_LIFETIME_SECONDS) * 1000;
}

/** RFC 5077 §3.1: the session_ticket extension goes in every ClientHello that may be answered in TLS 1.2. */
export const offersSessionTicket = (config: ResolvedClientConfig): boolean =>
  config.tickets && config.minVersion <= ProtocolVersion.TLS1_2;

/**
 * The configured session, if this ClientHello may offer it: TLS 1.2 is enabled and its suite is
 * still offered, it was made for the same server (the name its certificate was checked against,
 * and the same SNI: a server's session cache is per virtual host), and it has not expired. A
 * client that rejects unauthorized servers resumes only an authorized session whose leaf is still
 * valid, since the resumed connection reports the original peer identity without a new check (as
 * Go's crypto/tls does).
 */
export function sessionToOffer(config: ResolvedClientConfig, provider: CryptoProvider): SessionOffer | undefined {
  const session = config.session;
  if (!session || config.minVersion > ProtocolVersion.TLS1_2) return undefined;
  if (session.version !== ProtocolVersion.TLS1_2 || !config.cipherSuites.includes(session.cipherSuite)) return undefined;
  if (!sameServer(session, config)) return undefined;
  const now = provider.now();
  if (now >= sessionExpiresAt(session)) return undefined;
  if (config.rejectUnauthorized && (!session.authorized || now > session.leafNotAfter)) return undefined;
  const byTicket = session.ticket !== undefined && config.tickets;
  if (!byTicket && !session.sessionId.length) return undefined;
  return { session, byTicket };
}

/** The same server name (the one its certificate was checked against) and the same SNI. */
function sameServer(session: ClientSession | ClientSession13, config: ResolvedClientConfig): boolean {
  if (session.serverName !== normalizeServerName(config.serverName)) return false;
  if ((session.sni === undefined) !== (config.sni === undefined) || normalizeServerName(session.sni) !== normalizeServerName(config.sni)) {
    return false;
  }
  return true;
}

// --- TLS 1.3 (RFC 8446 §4.6.1, §2.2) --------------------------------------------------------

/** A TLS 1.3 ticket and the PSK it stands for, with the peer identity a resumption reports. */
export interface ClientSession13 extends SessionPeer {
  readonly version: typeof ProtocolVersion.TLS1_3;
  readonly cipherSuite: number;
  /** RFC 8446 §4.6.1: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  readonly psk: Uint8Array;
  /** The PSK identity to offer (opaque to us). */
  readonly ticket: Uint8Array;
  /** RFC 8446 §4.6.1 ticket_lifetime in seconds, at most MAX_SESSION_LIFETIME_SECONDS. */
  readonly lifetime: number;
  readonly ticketAgeAdd: number;
  /** When we received the ticket (ms since the epoch, the provider's clock). */
  readonly createdAt: number;
  /** RFC 8446 §4.2.10 max_early_data_size; 0 when the ticket allows none. */
  readonly maxEarlyData: number;
}

/** What a connection knows of its peer when its handshake completes: a ticket adds the rest. */
export type SessionTemplate13 = Omit<ClientSession13, 'psk' | 'ticket' | 'lifetime' | 'ticketAgeAdd' | 'createdAt' | 'maxEarlyData'>;

export const isSession13 = (s: ClientSession | ClientSession13): s is ClientSession13 => s.version === ProtocolVersion.TLS1_3;

/** RFC 8446 §7.1: a PSK is Hash.length bytes. */
const MIN_PSK_LENGTH = 32;
const MAX_PSK_LENGTH = 48;

/**
 * The TLS 1.3 session as bytes (format 1, version 0x0304):
 *
 *   opaque magic[2] = "hs"; uint8 format = 1; uint16 version = 0x0304; uint16 cipher_suite;
 *   uint8 flags (authorized, SNI present); uint64 created_at_ms; uint32 lifetime;
 *   uint32 ticket_age_add; uint32 max_early_data; uint64 leaf_not_after_ms;
 *   opaque psk<32..48>; opaque ticket<1..2^16-1>;
 *   opaque server_name<0..2^16-1>; opaque sni<0..2^16-1>; opaque alpn<0..255>;
 *   ASN1Cert peer_certificates<0..2^24-1>; ASN1Cert verified_chain<0..2^24-1>;
 *   AuthorizationError error<0..2^16-1>; OcspStatus ocsp<0..255>   (as in the TLS 1.2 format)
 */
export function encodeClientSession13(s: ClientSession13): Uint8Array {
  const w = new Writer(1024);
  w.u8(MAGIC[0]).u8(MAGIC[1]).u8(FORMAT);
  const flags = (s.authorized ? FLAG_AUTHORIZED : 0) | (s.sni !== undefined ? FLAG_SNI : 0);
  w.u16(s.version).u16(s.cipherSuite).u8(flags);
  u64(w, s.createdAt);
  w.u32(s.lifetime).u32(s.ticketAgeAdd >>> 0).u32(s.maxEarlyData >>> 0);
  u64(w, s.leafNotAfter);
  w.opaque8(s.psk).opaque16(s.ticket);
  writePeer(w, s);
  return w.finish();
}

function decode13(r: Reader): ClientSession13 {
  const cipherSuite = r.u16('cipher_suite');
  if (!tls13Suite(cipherSuite)) throw new Error(`session cipher suite 0x${cipherSuite.toString(16)} is not a TLS 1.3 suite we know`);
  const flags = r.u8('flags');
  if (flags & ~(FLAG_AUTHORIZED | FLAG_SNI)) throw new Error('malformed session: unknown flags');
  const createdAt = readU64(r, 'created_at');
  const lifetime = r.u32('lifetime');
  if (lifetime === 0 || lifetime > MAX_SESSION_LIFETIME_SECONDS) throw new Error('malformed session: lifetime out of range');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const maxEarlyData = r.u32('max_early_data');
  const leafNotAfter = readU64(r, 'leaf_not_after');
  const psk = r.vec8('psk', MIN_PSK_LENGTH, MAX_PSK_LENGTH).slice();
  if (psk.length !== tls13Suite(cipherSuite)!.hashLength) throw new Error('malformed session: PSK length does not fit the suite');
  const ticket = r.vec16('ticket', 1, MAX_TICKET_LENGTH).slice();
  const peer = readPeer(r, flags);
  r.end();
  return {
    version: ProtocolVersion.TLS1_3,
    cipherSuite,
    psk,
    ticket,
    lifetime,
    ticketAgeAdd,
    createdAt,
    maxEarlyData,
    ...peer,
    leafNotAfter,
  };
}

/**
 * RFC 8446 §4.6.1: the session a NewSessionTicket makes, or undefined for a lifetime of 0 ("the
 * ticket should be discarded"). A lifetime over seven days is capped to seven days.
 */
export function session13FromTicket(
  provider: CryptoProvider,
  template: SessionTemplate13,
  psk: Uint8Array,
  nst: { ticket_lifetime: number; ticket_age_add: number; ticket: Uint8Array; extensions: { early_data?: number } },
): ClientSession13 | undefined {
  if (nst.ticket_lifetime === 0 || nst.ticket.length === 0 || nst.ticket.length > MAX_TICKET_LENGTH) return undefined;
  return {
    ...template,
    psk,
    ticket: nst.ticket,
    lifetime: Math.min(nst.ticket_lifetime, MAX_SESSION_LIFETIME_SECONDS),
    ticketAgeAdd: nst.ticket_age_add >>> 0,
    createdAt: provider.now(),
    maxEarlyData: nst.extensions.early_data ?? 0,
  };
}

/** A TLS 1.3 session to offer: the PSK and its suite's hash (RFC 8446 §4.2.11). */
export interface Session13Offer {
  readonly session: ClientSession13;
  readonly suite: Tls13Suite;
}

/**
 * The configured TLS 1.3 session, if this ClientHello may offer it: TLS 1.3 is enabled, one of
 * our TLS 1.3 suites shares its hash (RFC 8446 §4.2.11), it was made for the same server, and it
 * has not expired (RFC 8446 §4.6.1: never beyond its lifetime).
 */
export function session13ToOffer(config: ResolvedClientConfig, provider: CryptoProvider): Session13Offer | undefined {
  const session = config.session13;
  if (!session || config.maxVersion < ProtocolVersion.TLS1_3) return undefined;
  const hash = tls13Suite(session.cipherSuite)?.hash;
  const suite = config.cipherSuites.map(tls13Suite).find((s) => s !== undefined && s.hash === hash);
  if (!suite) return undefined;
  if (!sameServer(session, config)) return undefined;
  const now = provider.now();
  if (now < session.createdAt || now >= session.createdAt + session.lifetime * 1000) return undefined;
  if (config.rejectUnauthorized && (!session.authorized || now > session.leafNotAfter)) return undefined;
  return { session, suite: tls13Suite(session.cipherSuite)! };
}

/** RFC 8446 §4.2.11.1: obfuscated_ticket_age = (age in ms + ticket_age_add) mod 2^32. */
export const obfuscatedTicketAge = (session: ClientSession13, now: number): number =>
  (Math.max(0, now - session.createdAt) + session.ticketAgeAdd) % 2 ** 32;
