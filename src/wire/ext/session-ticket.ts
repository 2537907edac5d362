// RFC 5077 §3.2 session_ticket.
import { type ExtCodec, copyBytes, emptyExtension } from './codec.js';

/**
 * ClientHello: the ticket is the whole extension_data, with no length of its own (RFC 5077 §3.2:
 * struct { opaque ticket<0..2^16-1>; } SessionTicket, where the extension's length is the
 * ticket's), and is empty when the client asks for a ticket without having one.
 */
export const sessionTicketClientHello: ExtCodec<Uint8Array> = {
  decode: (r) => copyBytes(r.rest('ticket')),
  encode: (w, ticket) => void w.bytes(ticket),
};

/** ServerHello: RFC 5077 §3.2, zero-length: the server announces a NewSessionTicket. */
export const sessionTicketServerHello: ExtCodec<true> = emptyExtension;
