// RFC 5077 §3.3: struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { NewSessionTicket12 } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeNewSessionTicket12(r: Reader): NewSessionTicket12 {
  const ticket_lifetime_hint = r.u32('ticket_lifetime_hint');
  return { type: 'new_session_ticket_tls12', ticket_lifetime_hint, ticket: copyBytes(r.vec16('ticket')) };
}

export function encodeNewSessionTicket12(w: Writer, m: NewSessionTicket12): void {
  w.u32(m.ticket_lifetime_hint).opaque16(m.ticket);
}
