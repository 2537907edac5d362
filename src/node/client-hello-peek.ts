// A look at the ClientHello before the core starts, for what the adapter must fetch first: the
// certificate an async SNICallback picks, and a shared session store's answers (the core is
// synchronous, DESIGN §1, so whatever it will ask a network store is fetched beforehand).
import { TLSError } from '../errors.js';
import { HandshakeJoiner } from '../record/joiner.js';
import { Deframer } from '../record/deframer.js';
import { ContentType, HandshakeType, ProtocolVersion } from '../wire/codes.js';
import { decodeHandshake } from '../wire/handshake.js';
import type { WireVersion } from '../wire/types.js';

/** The fields of a ClientHello that decide what to fetch before the handshake. */
export interface PeekedHello {
  /** RFC 6066 §3 server_name. */
  serverName: string | undefined;
  /** legacy_session_id: a TLS 1.2 session to resume (RFC 5246 §7.4.1.2), or a TLS 1.3 client's random one. */
  sessionId: Uint8Array;
  /** A non-empty RFC 5077 session_ticket: with it, the TLS 1.2 session_id is not looked up (RFC 5077 §3.4). */
  sessionTicket: boolean;
  /** supported_versions lists TLS 1.3 (RFC 8446 §4.2.1). */
  offersTls13: boolean;
  /** RFC 8446 §4.2.11 pre_shared_key identities, in order. */
  pskIdentities: Uint8Array[];
  /** RFC 8446 §4.2.10 early_data. */
  earlyData: boolean;
}

export type HelloPeek = { done: false } | { done: true; hello: PeekedHello | undefined };

/**
 * Reads the ClientHello from the first plaintext records without consuming them. `version` as the
 * core decodes it ('tls12' when TLS 1.2 may be negotiated: its extensions are then decoded too).
 * Anything malformed gives `done` with no hello: the core then sees the same bytes and answers
 * with the right alert.
 */
export function peekClientHello(bytes: Uint8Array, version: WireVersion = 'tls13'): HelloPeek {
  const deframer = new Deframer();
  const joiner = new HandshakeJoiner();
  try {
    deframer.push(bytes);
    for (let rec = deframer.next(); rec; rec = deframer.next()) {
      if (rec.type !== ContentType.handshake) return { done: true, hello: undefined };
      joiner.push(rec.fragment);
      const msg = joiner.next();
      if (!msg) continue;
      if (msg.msgType !== HandshakeType.client_hello) return { done: true, hello: undefined };
      const ch = decodeHandshake(msg.msgType, msg.body, version);
      if (ch.type !== 'client_hello') return { done: true, hello: undefined };
      const x = ch.extensions;
      return {
        done: true,
        hello: {
          serverName: x.server_name,
          sessionId: ch.legacy_session_id,
          sessionTicket: (x.session_ticket?.length ?? 0) > 0,
          offersTls13: x.supported_versions?.includes(ProtocolVersion.TLS1_3) ?? false,
          pskIdentities: x.pre_shared_key?.identities.map((i) => i.identity) ?? [],
          earlyData: x.early_data === true,
        },
      };
    }
    return { done: false };
  } catch (err) {
    if (err instanceof TLSError) return { done: true, hello: undefined };
    throw err;
  }
}
