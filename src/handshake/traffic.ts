// The post-handshake phase shared by both roles: RFC 8446 §4.6.
import type { Tls13Suite } from '../crypto/suites.js';
import { TLSError, unexpectedMessage } from '../errors.js';
import { MAX_KEY_UPDATES } from '../limits.js';
import { type SessionTemplate13, encodeClientSession13, session13FromTicket } from '../client/sessions.js';
import { nextTrafficSecret, resumptionPsk } from '../tls13/key-schedule.js';
import { AlertDescription, KeyUpdateRequest } from '../wire/codes.js';
import type { HandshakeMessage } from '../wire/types.js';
import type { HandshakeContext } from './context.js';
import type { FinishedVerified } from './verified.js';

export interface TrafficState {
  kind: 'Traffic';
  role: 'client' | 'server';
  suite: Tls13Suite;
  readSecret: Uint8Array;
  writeSecret: Uint8Array;
  /** KeyUpdates (client: and post-handshake CertificateRequests) received since the last application data (a flood is refused). */
  keyUpdates: number;
  /** The peer's Finished was verified; (client role) its certificate and signature too. */
  finished: FinishedVerified;
  /**
   * Client: the resumption_master_secret (RFC 8446 §7.1, over the transcript through our
   * Finished) and what a ticket's session records of this connection; undefined for a server.
   */
  tickets?: { resumptionMasterSecret: Uint8Array; template: SessionTemplate13 };
}

/** RFC 8446 §4.6.1 NewSessionTicket (client: a 'session' event), §4.6.3 KeyUpdate. */
export function handleTraffic<S extends TrafficState>(state: S, msg: HandshakeMessage, ctx: HandshakeContext): S {
  switch (msg.type) {
    case 'new_session_ticket':
      if (state.role !== 'client') throw unexpectedMessage('a client sent NewSessionTicket');
      ctx.describe(() => `lifetime=${msg.ticket_lifetime}s`);
      if (state.tickets) {
        const psk = resumptionPsk(ctx.provider, state.suite, state.tickets.resumptionMasterSecret, msg.ticket_nonce);
        // RFC 8446 §4.6.1: a lifetime of 0 means the ticket is to be discarded.
        const session = session13FromTicket(ctx.provider, state.tickets.template, psk, msg);
        if (session) ctx.emit({ type: 'session', session: encodeClientSession13(session) });
      }
      return state;
    case 'key_update': {
      if (state.keyUpdates + 1 > MAX_KEY_UPDATES) {
        throw new TLSError(AlertDescription.unexpected_message, 'too many KeyUpdates without application data');
      }
      const readSecret = nextTrafficSecret(ctx.provider, state.suite, state.readSecret);
      ctx.setReadKeys(state.suite, readSecret, 'application');
      ctx.emit({ type: 'key-update', direction: 'read' });
      let writeSecret = state.writeSecret;
      if (msg.request_update === KeyUpdateRequest.update_requested) {
        ctx.send({ type: 'key_update', request_update: KeyUpdateRequest.update_not_requested });
        writeSecret = nextTrafficSecret(ctx.provider, state.suite, writeSecret);
        ctx.setWriteKeys(state.suite, writeSecret, 'application');
        ctx.emit({ type: 'key-update', direction: 'write' });
      }
      return { ...state, readSecret, writeSecret, keyUpdates: state.keyUpdates + 1 };
    }
    default:
      throw unexpectedMessage(`unexpected post-handshake message ${msg.type}`);
  }
}

/** Our own KeyUpdate (RFC 8446 §4.6.3), e.g. before a sequence number runs out. */
export function sendKeyUpdate<S extends TrafficState>(state: S, ctx: HandshakeContext, requestPeer: boolean): S {
  ctx.send({
    type: 'key_update',
    request_update: requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested,
  });
  const writeSecret = nextTrafficSecret(ctx.provider, state.suite, state.writeSecret);
  ctx.setWriteKeys(state.suite, writeSecret, 'application');
  ctx.emit({ type: 'key-update', direction: 'write' });
  return { ...state, writeSecret };
}
