// A TLS 1.3 server's ticket state (RFC 8446 §4.6.1): what a PSK handshake needs from the
// connection that issued the ticket, as the bytes TicketSealer seals into NewSessionTicket.ticket.
//
//   struct {
//       uint8 format = 13;                      // TICKET_FORMAT; another value: no ticket
//       ProtocolVersion version;                // TLS 1.3
//       CipherSuite cipher_suite;
//       opaque psk<32..48>;                     // resumptionPsk(resumption_master_secret, ticket_nonce)
//       uint32 ticket_age_add;
//       uint32 created_high; uint32 created_low;   // ms since the epoch
//       uint32 authenticated_high; uint32 authenticated_low;   // ms: the full handshake this chain began with
//       uint32 lifetime;                        // seconds (ticket_lifetime)
//       opaque context<0..32>;                  // sessionIdContext
//       opaque server_name<0..2^16-1>;          // empty: none
//       opaque alpn_protocol<0..2^8-1>;         // empty: none
//       uint8 client;                           // 0 not requested, 1 absent, 2 certificate
//       select (client) {
//           case absent:      StoredError error;
//           case certificate: ASN.1Cert received<1..2^24-1>; ASN.1Cert verified<0..2^24-1>;
//                             uint8 authorized; uint8 has_error; StoredError error (if has_error);
//       };
//   } TicketState;
//
// The format byte differs from the TLS 1.2 session state's (tls12/session.ts SESSION_FORMAT), so
// one TicketKeys can seal both and a ticket of one version never opens as the other's.
import { MAX_SESSION_CONTEXT, MAX_SESSION_STATE, type StoredClient, type StoredError } from '../tls12/session.js';
import { ProtocolVersion } from '../wire/codes.js';
import { copyBytes, latin1Bytes, latin1String } from '../wire/ext/codec.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

/** The encoding's version: a state in any other format is no ticket (never an error). */
export const TICKET_FORMAT = 13;
/** The largest encoded state we seal or decode (as a TLS 1.2 session, MAX_SESSION_STATE). */
export const MAX_TICKET_STATE = MAX_SESSION_STATE;
/** SHA-256 and SHA-384 PSKs: Hash.length bytes (RFC 8446 §4.6.1). */
const MIN_PSK = 32;
const MAX_PSK = 48;
/** Error messages longer than this are cut: they describe, and need not grow a ticket. */
const MAX_STORED_MESSAGE = 1024;
/** Characters of an error code kept: at most 4 UTF-8 bytes each, within code<0..2^8-1>. */
const MAX_STORED_CODE = 63;

export interface TicketState {
  version: number;
  cipherSuite: number;
  psk: Uint8Array;
  ticketAgeAdd: number;
  /** When the ticket was issued, ms since the epoch. */
  created: number;
  /**
   * When the full handshake that authenticated the peer happened, ms since the epoch: tickets
   * issued on resumed connections carry it on, so a chain of resumptions ends (RFC 8446 §4.6.1).
   */
  authenticated: number;
  /** Seconds from `created` during which the ticket may resume. */
  lifetime: number;
  context: Uint8Array;
  serverName: string | undefined;
  /** RFC 8446 §4.2.10: kept for early data, which requires the same protocol; a PSK handshake negotiates ALPN again. */
  alpnProtocol: string | false;
  client: StoredClient;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function writeError(w: Writer, e: StoredError): void {
  w.u8(e.alert);
  w.opaque8(encoder.encode(e.code.slice(0, MAX_STORED_CODE)));
  w.opaque16(encoder.encode(e.message.slice(0, MAX_STORED_MESSAGE)));
}

function readError(r: Reader): StoredError {
  const alert = r.u8('alert');
  const code = decoder.decode(r.vec8('code'));
  const message = decoder.decode(r.vec16('message'));
  return { alert, code, message };
}

/** The state as bytes; undefined when it does not fit its fields or MAX_TICKET_STATE (no ticket is sent). */
export function encodeTicketState(s: TicketState): Uint8Array | undefined {
  if (s.psk.length < MIN_PSK || s.psk.length > MAX_PSK || s.context.length > MAX_SESSION_CONTEXT) return undefined;
  try {
    const w = new Writer(256);
    w.u8(TICKET_FORMAT).u16(s.version).u16(s.cipherSuite).opaque8(s.psk).u32(s.ticketAgeAdd >>> 0);
    const created = Math.max(0, Math.floor(s.created));
    const authenticated = Math.max(0, Math.floor(s.authenticated));
    w.u32(Math.floor(created / 2 ** 32)).u32(created % 2 ** 32);
    w.u32(Math.floor(authenticated / 2 ** 32)).u32(authenticated % 2 ** 32).u32(s.lifetime);
    w.opaque8(s.context);
    w.opaque16(latin1Bytes(s.serverName ?? ''));
    w.opaque8(latin1Bytes(s.alpnProtocol || ''));
    const c = s.client;
    switch (c.kind) {
      case 'not-requested':
        w.u8(0);
        break;
      case 'absent':
        w.u8(1);
        writeError(w, c.error);
        break;
      case 'certificate':
        w.u8(2);
        w.vec24((l) => {
          for (const der of c.received) l.opaque24(der);
        });
        w.vec24((l) => {
          for (const der of c.verified) l.opaque24(der);
        });
        w.u8(c.authorized ? 1 : 0).u8(c.error ? 1 : 0);
        if (c.error) writeError(w, c.error);
        break;
    }
    const out = w.finish();
    return out.length <= MAX_TICKET_STATE ? out : undefined;
  } catch {
    return undefined; // a vector too long for its length prefix
  }
}

function readClient(r: Reader): StoredClient {
  const kind = r.u8('client');
  if (kind === 0) return { kind: 'not-requested' };
  if (kind === 1) return { kind: 'absent', error: readError(r) };
  if (kind !== 2) throw new Error('unknown client identity');
  const received: Uint8Array[] = [];
  const list = r.sub24('received', 1);
  while (list.remaining) received.push(copyBytes(list.vec24('cert', 1)));
  const verified: Uint8Array[] = [];
  const path = r.sub24('verified');
  while (path.remaining) verified.push(copyBytes(path.vec24('cert', 1)));
  const authorized = r.u8('authorized');
  const hasError = r.u8('has_error');
  if (authorized > 1 || hasError > 1) throw new Error('flag out of range');
  return { kind: 'certificate', received, verified, authorized: authorized === 1, error: hasError ? readError(r) : undefined };
}

/**
 * The state in `bytes`, or undefined for anything malformed, oversized or of another format: a
 * ticket that does not decode is no PSK, and the handshake goes on in full (RFC 8446 §4.2.11).
 * Never throws.
 */
export function decodeTicketState(bytes: Uint8Array): TicketState | undefined {
  if (bytes.length > MAX_TICKET_STATE) return undefined;
  try {
    const r = new Reader(bytes, 'ticket state');
    if (r.u8('format') !== TICKET_FORMAT) return undefined;
    const version = r.u16('version');
    if (version !== ProtocolVersion.TLS1_3) return undefined;
    const cipherSuite = r.u16('cipher_suite');
    const psk = copyBytes(r.vec8('psk', MIN_PSK, MAX_PSK));
    const ticketAgeAdd = r.u32('ticket_age_add');
    const created = r.u32('created_high') * 2 ** 32 + r.u32('created_low');
    const authenticated = r.u32('authenticated_high') * 2 ** 32 + r.u32('authenticated_low');
    const lifetime = r.u32('lifetime');
    const context = copyBytes(r.vec8('context', 0, MAX_SESSION_CONTEXT));
    const name = latin1String(r.vec16('server_name'));
    const alpn = latin1String(r.vec8('alpn_protocol'));
    const client = readClient(r);
    r.end();
    return {
      version,
      cipherSuite,
      psk,
      ticketAgeAdd,
      created,
      authenticated,
      lifetime,
      context,
      serverName: name === '' ? undefined : name,
      alpnProtocol: alpn === '' ? false : alpn,
      client,
    };
  } catch {
    return undefined;
  }
}
