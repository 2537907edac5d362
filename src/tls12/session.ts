// A TLS 1.2 server's session state (RFC 5246 §7.3 "session state"; RFC 5077 §4 StatePlaintext):
// what an abbreviated handshake needs from the full handshake that made the session, as the bytes
// a session-ID cache stores and a ticket seals.
//
// Only sessions with an extended master secret exist here: we never cache or ticket a session
// without it (RFC 7627 §5.3, §5.4 — resuming one would re-use a master secret that is not bound
// to its handshake), so `extendedMasterSecret` is always true and a state without it never decodes.
//
//   struct {
//       uint8 format = 1;                       // SESSION_FORMAT; another value: no session
//       ProtocolVersion version;                // TLS 1.2
//       CipherSuite cipher_suite;
//       opaque master_secret[48];
//       uint8 flags;                            // 1: extended_master_secret (required), 2: encrypt_then_mac
//       uint32 created_high; uint32 created_low;   // ms since the epoch
//       uint32 lifetime;                        // seconds
//       opaque context<0..32>;                  // sessionIdContext
//       opaque server_name<0..2^16-1>;          // empty: none
//       opaque alpn_protocol<0..2^8-1>;         // empty: none
//       uint8 client;                           // 0 not requested, 1 absent, 2 certificate
//       select (client) {
//           case absent:      StoredError error;
//           case certificate: ASN.1Cert received<1..2^24-1>;
//                             VerifiedEntry verified<0..2^24-1>;
//                             uint8 authorized; uint8 has_error; StoredError error (if has_error);
//       };
//   } SessionState;
//   struct { uint8 alert; opaque code<0..2^8-1>; opaque message<0..2^16-1>; } StoredError;
//   struct { uint8 from; select (from) { case 0: uint8 received_index; case 1: ASN.1Cert cert; } } VerifiedEntry;
//
// The verified path mostly repeats what the client sent, so its entries point into `received`
// and only the rest (usually the anchor) is stored again.
import { bytesEqual } from '../bytes.js';
import type { ParsedCertificate } from '../crypto/provider.js';
import { TLSError } from '../errors.js';
import type { AlertDescription } from '../wire/codes.js';
import { copyBytes, latin1Bytes, latin1String } from '../wire/ext/codec.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { MASTER_SECRET_LENGTH } from './prf.js';

/** The encoding's version: a state in any other format is no session (and never an error). */
export const SESSION_FORMAT = 1;

/**
 * The largest encoded session we cache, ticket or decode. Without client authentication a state
 * is about 100 bytes; a client chain larger than this leaves its session unresumable rather than
 * letting each cache entry (or ticket) grow to the 2^16-1 bytes NewSessionTicket.ticket allows.
 */
export const MAX_SESSION_STATE = 16 * 1024;

/** OpenSSL's SSL_MAX_SID_CTX_LENGTH: the longest sessionIdContext. */
export const MAX_SESSION_CONTEXT = 32;

const FLAG_EXTENDED_MASTER_SECRET = 1;
const FLAG_ENCRYPT_THEN_MAC = 2;

/** A TLSError kept with a session: node:tls's `authorizationError` survives resumption. */
export interface StoredError {
  alert: number;
  code: string;
  message: string;
}

/** How the full handshake settled the client's identity; a resumed session keeps it. */
export type StoredClient =
  | { kind: 'not-requested' }
  | { kind: 'absent'; error: StoredError }
  | {
      kind: 'certificate';
      /** DER as the client sent them, leaf first. */
      received: Uint8Array[];
      /** DER of the path validation built (leaf first, anchor last); empty when it did not validate. */
      verified: Uint8Array[];
      authorized: boolean;
      error: StoredError | undefined;
    };

export interface SessionState {
  /** ProtocolVersion: TLS 1.2 is the only one a TLS 1.2 server resumes. */
  version: number;
  cipherSuite: number;
  masterSecret: Uint8Array;
  /** RFC 7627: always true (see the file header). */
  extendedMasterSecret: true;
  /** RFC 7366, negotiated for a CBC suite. */
  encryptThenMac: boolean;
  /** When the full handshake completed, ms since the epoch. */
  created: number;
  /** Seconds from `created` during which the session may resume. */
  lifetime: number;
  /** sessionIdContext at creation (OpenSSL's sid_ctx): a server only resumes its own sessions. */
  context: Uint8Array;
  serverName: string | undefined;
  /**
   * The protocol the session was made with. A TLS 1.2 resumption chooses ALPN again (RFC 7301
   * §3.1: it belongs to the connection), so this is a record, kept for what may need it (TLS 1.3
   * early data requires the same protocol, RFC 8446 §4.2.10).
   */
  alpnProtocol: string | false;
  client: StoredClient;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function storedError(err: TLSError): StoredError {
  return { alert: err.alert, code: err.code, message: err.message };
}

export function restoreError(e: StoredError): TLSError {
  return new TLSError(e.alert as AlertDescription, e.message, { code: e.code });
}

/** The DER of each certificate of a validated path. */
export const ders = (chain: readonly ParsedCertificate[]): Uint8Array[] => chain.map((c) => c.der);

/** Error messages longer than this are cut: they describe, and need not grow a session. */
const MAX_STORED_MESSAGE = 1024;
/** Characters of an error code kept: at most 4 UTF-8 bytes each, within code<0..2^8-1>. */
const MAX_STORED_CODE = 63;

function writeError(w: Writer, e: StoredError): void {
  w.u8(e.alert);
  w.opaque8(encoder.encode(e.code.slice(0, MAX_STORED_CODE)));
  w.opaque16(encoder.encode(e.message.slice(0, MAX_STORED_MESSAGE)));
}

/**
 * The state as bytes; undefined when it is larger than MAX_SESSION_STATE or does not fit its
 * fields (such a session is not kept, and the connection is not affected).
 */
export function encodeSession(s: SessionState): Uint8Array | undefined {
  if (s.masterSecret.length !== MASTER_SECRET_LENGTH || s.context.length > MAX_SESSION_CONTEXT) return undefined;
  try {
    return writeSession(s);
  } catch {
    return undefined; // a vector too long for its length prefix: a chain far beyond MAX_SESSION_STATE
  }
}

function writeSession(s: SessionState): Uint8Array | undefined {
  const w = new Writer(256);
  w.u8(SESSION_FORMAT).u16(s.version).u16(s.cipherSuite).bytes(s.masterSecret);
  w.u8(FLAG_EXTENDED_MASTER_SECRET | (s.encryptThenMac ? FLAG_ENCRYPT_THEN_MAC : 0));
  writeMs(w, s.created);
  w.u32(s.lifetime);
  writeSessionTail(w, s);
  const out = w.finish();
  return out.length <= MAX_SESSION_STATE ? out : undefined;
}

/** A time in ms since the epoch as two uint32 halves (created_high, created_low), exact past 2^32. */
export function writeMs(w: Writer, ms: number): void {
  const t = Math.max(0, Math.floor(ms));
  w.u32(Math.floor(t / 2 ** 32)).u32(t % 2 ** 32);
}

export function readMs(r: Reader, field: string): number {
  return r.u32(`${field}_high`) * 2 ** 32 + r.u32(`${field}_low`);
}

/** What a TLS 1.2 session and a TLS 1.3 ticket state both end with (tls13/ticket.ts). */
export interface SessionTail {
  context: Uint8Array;
  serverName: string | undefined;
  alpnProtocol: string | false;
  client: StoredClient;
}

/** opaque context<0..32>; opaque server_name<0..2^16-1>; opaque alpn_protocol<0..2^8-1>; StoredClient client. */
export function writeSessionTail(w: Writer, s: SessionTail): void {
  w.opaque8(s.context);
  // Names as the wire carried them, one byte per character (wire/ext/codec.ts); empty: none.
  w.opaque16(latin1Bytes(s.serverName ?? ''));
  w.opaque8(latin1Bytes(s.alpnProtocol || ''));
  writeClient(w, s.client);
}

export function readSessionTail(r: Reader): SessionTail {
  const context = copyBytes(r.vec8('context', 0, MAX_SESSION_CONTEXT));
  const name = latin1String(r.vec16('server_name'));
  const alpn = latin1String(r.vec8('alpn_protocol'));
  const client = readClient(r);
  return { context, serverName: name === '' ? undefined : name, alpnProtocol: alpn === '' ? false : alpn, client };
}

/**
 * The client identity a session keeps (shared with TLS 1.3 tickets, tls13/ticket.ts). A verified
 * chain's certificates that the client also sent are stored as indexes into the received list.
 */
export function writeClient(w: Writer, c: StoredClient): void {
  switch (c.kind) {
    case 'not-requested':
      w.u8(0);
      break;
    case 'absent':
      w.u8(1);
      writeError(w, c.error);
      break;
    case 'certificate': {
      w.u8(2);
      w.vec24((l) => {
        for (const der of c.received) l.opaque24(der);
      });
      w.vec24((l) => {
        for (const der of c.verified) {
          const at = c.received.findIndex((r) => bytesEqual(r, der));
          if (at >= 0 && at <= 0xff) l.u8(0).u8(at);
          else l.u8(1).opaque24(der);
        }
      });
      w.u8(c.authorized ? 1 : 0);
      w.u8(c.error ? 1 : 0);
      if (c.error) writeError(w, c.error);
      break;
    }
  }
}

function readError(r: Reader): StoredError {
  const alert = r.u8('alert');
  const code = decoder.decode(r.vec8('code'));
  const message = decoder.decode(r.vec16('message'));
  return { alert, code, message };
}

/** Reads what writeClient wrote; throws on anything malformed (callers treat that as no session). */
export function readClient(r: Reader): StoredClient {
  const kind = r.u8('client');
  if (kind === 0) return { kind: 'not-requested' };
  if (kind === 1) return { kind: 'absent', error: readError(r) };
  if (kind !== 2) throw new Error('unknown client identity');
  const received: Uint8Array[] = [];
  const list = r.sub24('received', 1);
  while (list.remaining) received.push(copyBytes(list.vec24('cert', 1)));
  const verified: Uint8Array[] = [];
  const path = r.sub24('verified');
  while (path.remaining) {
    const from = path.u8('from');
    if (from === 0) {
      const der = received[path.u8('received_index')];
      if (!der) throw new Error('verified entry points past the received chain');
      verified.push(der);
    } else if (from === 1) verified.push(copyBytes(path.vec24('cert', 1)));
    else throw new Error('unknown verified entry');
  }
  const authorized = r.u8('authorized');
  const hasError = r.u8('has_error');
  if (authorized > 1 || hasError > 1) throw new Error('flag out of range');
  return { kind: 'certificate', received, verified, authorized: authorized === 1, error: hasError ? readError(r) : undefined };
}

/**
 * The state in `bytes`, or undefined for anything malformed, oversized or of another format:
 * a session that does not decode is no session, and the handshake goes on in full (RFC 5077 §3.4).
 * Never throws.
 */
export function decodeSession(bytes: Uint8Array): SessionState | undefined {
  if (bytes.length > MAX_SESSION_STATE) return undefined;
  try {
    const r = new Reader(bytes, 'session state');
    if (r.u8('format') !== SESSION_FORMAT) return undefined;
    const version = r.u16('version');
    const cipherSuite = r.u16('cipher_suite');
    const masterSecret = copyBytes(r.fixed(MASTER_SECRET_LENGTH, 'master_secret'));
    const flags = r.u8('flags');
    if (!(flags & FLAG_EXTENDED_MASTER_SECRET) || flags & ~(FLAG_EXTENDED_MASTER_SECRET | FLAG_ENCRYPT_THEN_MAC)) return undefined;
    const created = readMs(r, 'created');
    const lifetime = r.u32('lifetime');
    const tail = readSessionTail(r);
    r.end();
    return {
      version,
      cipherSuite,
      masterSecret,
      extendedMasterSecret: true,
      encryptThenMac: (flags & FLAG_ENCRYPT_THEN_MAC) !== 0,
      created,
      lifetime,
      ...tail,
    };
  } catch {
    return undefined;
  }
}

/** Whether the session may still resume at `now` (ms): not expired, and not from the future. */
export function sessionLive(s: SessionState, now: number, maxLifetime: number): boolean {
  const age = now - s.created;
  return age >= 0 && age < Math.min(s.lifetime, maxLifetime) * 1000;
}
