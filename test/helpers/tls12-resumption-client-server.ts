// The scripted TLS 1.2 server (tls12-scripted-server.ts) taught resumption, for our client's side of
// it: it issues sessions (a session ID, a NewSessionTicket) in a full handshake and runs the
// abbreviated handshake (RFC 5246 §7.3, RFC 5077 §3.1) from the session's master secret, the way a
// server that kept the session (or read it from its ticket) would. Every step can be bent by the
// test to send what a correct server would not.
import assert from 'node:assert/strict';
import type { ClientConfig } from '../../src/client/config.js';
import { type ClientSession, decodeClientSession } from '../../src/client/sessions.js';
import { Tls12CipherSuite } from '../../src/crypto/suites.js';
import type { ConnectionEvent } from '../../src/events.js';
import type { CertifiedKey } from '../../src/server/config.js';
import { keyBlock } from '../../src/tls12/keys.js';
import { ContentType } from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import type { NewSessionTicket12, ServerHello12 } from '../../src/wire/types.js';
import { provider } from './pki.js';
import { Tls12ScriptedServer } from './tls12-scripted-server.js';

export interface IssueOptions {
  /** The ServerHello's session_id (default 32 random bytes; empty for a ticket-only server). */
  sessionId?: Uint8Array;
  /** Acknowledge session_ticket and send this NewSessionTicket before our ChangeCipherSpec. */
  ticket?: { ticket: Uint8Array; lifetime: number };
  /** Leave extended_master_secret out of the ServerHello. */
  noEms?: boolean;
}

export interface ResumeOptions {
  /** The cipher suite to resume with (default: the session's). */
  suite?: number;
  /** Leave extended_master_secret out of the ServerHello (RFC 7627 §5.3 says we must not). */
  noEms?: boolean;
  /** Acknowledge session_ticket and send this NewSessionTicket before our ChangeCipherSpec. */
  ticket?: { ticket: Uint8Array; lifetime: number };
}

export class ResumptionScriptedServer extends Tls12ScriptedServer {
  constructor(config: ClientConfig) {
    super(config);
  }

  /** The sessions the client emitted, decoded, in order. */
  get sessions(): Uint8Array[] {
    this.collect();
    return this.events.filter((e): e is Extract<ConnectionEvent, { type: 'session' }> => e.type === 'session').map((e) => e.session);
  }

  /** The names of the handshake messages the client sent, in order. */
  get clientLadder(): string[] {
    this.collect();
    return this.received.map((raw) => decodeHandshakeMessage(raw, 'tls12').type);
  }

  newSessionTicket(ticket: Uint8Array, lifetime: number): NewSessionTicket12 {
    return { type: 'new_session_ticket_tls12', ticket_lifetime_hint: lifetime, ticket };
  }

  /**
   * A correct full handshake that issues a session: a session ID in the ServerHello and, when
   * asked, a ticket (RFC 5077 §3.3: NewSessionTicket after the client's Finished).
   */
  issue(cert: CertifiedKey, options: IssueOptions = {}): void {
    const sh = this.serverHello();
    sh.session_id = options.sessionId ?? provider.randomBytes(32);
    if (options.ticket) sh.extensions.session_ticket = true;
    if (options.noEms) delete sh.extensions.extended_master_secret;
    this.sendHello(sh);
    this.send(this.certificate(cert));
    this.send(this.serverKeyExchange(cert));
    this.send(this.serverHelloDone());
    assert.equal(this.failure, undefined, 'the client accepted the server flight');
    assert.ok(this.clientFinishedVerified, 'the client Finished verified');
    if (options.ticket) this.send(this.newSessionTicket(options.ticket.ticket, options.ticket.lifetime));
    this.sendChangeCipherSpec();
    this.send(this.finished());
  }

  /**
   * RFC 5246 §7.4.1.3: a ServerHello that resumes `session`: it echoes the ClientHello's
   * session_id, and its keys come from the session's master secret with the new randoms.
   * Only adopted, not sent: the test sends it (sendHello) and what follows.
   */
  resumingHello(session: ClientSession, options: ResumeOptions = {}): ServerHello12 {
    const sh = this.serverHello(options.suite ?? session.cipherSuite);
    sh.session_id = this.clientHello.legacy_session_id;
    if (options.noEms) delete sh.extensions.extended_master_secret;
    if (options.ticket) sh.extensions.session_ticket = true;
    this.adopt(sh);
    this.master = session.masterSecret;
    this.keys = keyBlock(provider, this.suite!, session.masterSecret, this.clientHello.random, this.serverRandom!);
    return sh;
  }

  /** The whole abbreviated server flight: ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished. */
  resume(session: ClientSession, options: ResumeOptions = {}): void {
    const sh = this.resumingHello(session, options);
    this.sendHello(sh);
    if (options.ticket) this.send(this.newSessionTicket(options.ticket.ticket, options.ticket.lifetime));
    this.sendChangeCipherSpec();
    this.send(this.finished());
  }

  /** Application data from the server, under its keys. */
  sendData(text: string): void {
    this.sendRecord(ContentType.application_data, new TextEncoder().encode(text));
  }
}

/** A session issued by a full handshake with `config` (its blob, decoded too). */
export function issuedSession(
  config: ClientConfig,
  cert: CertifiedKey,
  options: IssueOptions = {},
): { blob: Uint8Array; session: ClientSession; server: ResumptionScriptedServer } {
  const server = new ResumptionScriptedServer(config);
  server.issue(cert, options);
  assert.ok(server.completed, 'the full handshake completed');
  const [blob] = server.sessions;
  assert.ok(blob, 'the client emitted a session');
  return { blob, session: decodeClientSession(blob), server };
}

export const DEFAULT_SUITE = Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
