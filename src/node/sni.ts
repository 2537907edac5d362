import { TLSError } from '../errors.js';
import { HandshakeJoiner } from '../record/joiner.js';
import { Deframer } from '../record/deframer.js';
import { ContentType, HandshakeType } from '../wire/codes.js';
import { decodeHandshake } from '../wire/handshake.js';

export type PeekResult = { done: false } | { done: true; serverName: string | undefined };

/**
 * Reads the server_name of a ClientHello from the first plaintext records without consuming them,
 * so an async SNICallback can pick the certificate before the core starts. Anything malformed
 * gives `done` with no name: the core then sees the same bytes and answers with the right alert.
 */
export function peekServerName(bytes: Uint8Array): PeekResult {
  const deframer = new Deframer();
  const joiner = new HandshakeJoiner();
  try {
    deframer.push(bytes);
    for (let rec = deframer.next(); rec; rec = deframer.next()) {
      if (rec.type !== ContentType.handshake) return { done: true, serverName: undefined };
      joiner.push(rec.fragment);
      const msg = joiner.next();
      if (!msg) continue;
      if (msg.msgType !== HandshakeType.client_hello) return { done: true, serverName: undefined };
      const ch = decodeHandshake(msg.msgType, msg.body);
      return { done: true, serverName: ch.type === 'client_hello' ? ch.extensions.server_name : undefined };
    }
    return { done: false };
  } catch (err) {
    if (err instanceof TLSError) return { done: true, serverName: undefined };
    throw err;
  }
}
