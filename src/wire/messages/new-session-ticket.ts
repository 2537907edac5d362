// RFC 8446 §4.6.1 NewSessionTicket.
import { type ExtensionOrder, decodeExtensions, encodeExtensions } from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { NewSessionTicket } from '../types.js';
import type { Writer } from '../writer.js';

// struct { uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
//          opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>; } NewSessionTicket;
export function decodeNewSessionTicket(r: Reader): NewSessionTicket {
  const ticket_lifetime = r.u32('ticket_lifetime');
  const ticket_age_add = r.u32('ticket_age_add');
  const ticket_nonce = copyBytes(r.vec8('ticket_nonce'));
  const ticket = copyBytes(r.vec16('ticket', 1, 0xffff));
  return { type: 'new_session_ticket', ticket_lifetime, ticket_age_add, ticket_nonce, ticket, extensions: decodeExtensions(r, 'NST') };
}

export function encodeNewSessionTicket(w: Writer, m: NewSessionTicket, options?: ExtensionOrder): void {
  w.u32(m.ticket_lifetime).u32(m.ticket_age_add).opaque8(m.ticket_nonce).opaque16(m.ticket);
  encodeExtensions(w, 'NST', m.extensions, options);
}
