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
//       uint32 max_early_data;                  // the max_early_data_size the ticket advertised; 0: no 0-RTT
//       opaque context<0..32>;                  // sessionIdContext
//       opaque server_name<0..2^16-1>;          // empty: none
//       opaque alpn_protocol<0..2^8-1>;         // empty: none
//       StoredClient client;                    // as a TLS 1.2 session stores it (tls12/session.ts writeClient)
//   } TicketState;
//
// The format byte differs from the TLS 1.2 session state's (tls12/session.ts SESSION_FORMAT), so
// one TicketKeys can seal both and a ticket of one version never opens as the other's.
import {
  MAX_SESSION_CONTEXT,
  MAX_SESSION_STATE,
  type StoredClient,
  readMs,
  readSessionTail,
  writeMs,
  writeSessionTail,
} from '../tls12/session.js';
import { ProtocolVersion } from '../wire/codes.js';
import { copyBytes } from '../wire/ext/codec.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

/** The encoding's version: a state in any other format is no ticket (never an error). */
export const TICKET_FORMAT = 13;
/** The largest encoded state we seal or decode (as a TLS 1.2 session, MAX_SESSION_STATE). */
export const MAX_TICKET_STATE = MAX_SESSION_STATE;
/** SHA-256 and SHA-384 PSKs: Hash.length bytes (RFC 8446 §4.6.1). */
const MIN_PSK = 32;
const MAX_PSK = 48;

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
  /** RFC 8446 §4.2.10: the max_early_data_size the ticket's NewSessionTicket advertised (0: none). */
  maxEarlyData: number;
  context: Uint8Array;
  serverName: string | undefined;
  /** RFC 8446 §4.2.10: kept for early data, which requires the same protocol; a PSK handshake negotiates ALPN again. */
  alpnProtocol: string | false;
  client: StoredClient;
}

/** The state as bytes; undefined when it does not fit its fields or MAX_TICKET_STATE (no ticket is sent). */
export function encodeTicketState(s: TicketState): Uint8Array | undefined {
  if (s.psk.length < MIN_PSK || s.psk.length > MAX_PSK || s.context.length > MAX_SESSION_CONTEXT) return undefined;
  try {
    const w = new Writer(256);
    w.u8(TICKET_FORMAT).u16(s.version).u16(s.cipherSuite).opaque8(s.psk).u32(s.ticketAgeAdd >>> 0);
    writeMs(w, s.created);
    writeMs(w, s.authenticated);
    w.u32(s.lifetime).u32(s.maxEarlyData >>> 0);
    writeSessionTail(w, s);
    const out = w.finish();
    return out.length <= MAX_TICKET_STATE ? out : undefined;
  } catch {
    return undefined; // a vector too long for its length prefix
  }
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
    const created = readMs(r, 'created');
    const authenticated = readMs(r, 'authenticated');
    const lifetime = r.u32('lifetime');
    const maxEarlyData = r.u32('max_early_data');
    const tail = readSessionTail(r);
    r.end();
    return {
      version,
      cipherSuite,
      psk,
      ticketAgeAdd,
      created,
      authenticated,
      lifetime,
      maxEarlyData,
      ...tail,
    };
  } catch {
    return undefined;
  }
}
