// A scripted TLS 1.2 client for the server's resumption tests (RFC 5246 §7.3, RFC 5077): the
// client of test/helpers/tls12-server-client.ts, which also keeps what a client keeps of a session
// (master secret, session_id, ticket) and can offer it back, following the server through an
// abbreviated handshake when it resumes and through a full one when it does not. Independent of
// src/client.
import assert from 'node:assert/strict';
import { bytesEqual } from '../../src/bytes.js';
import type { ConnectionOptions } from '../../src/connection.js';
import { Tls12RecordEncrypter } from '../../src/record/protection12.js';
import type { ServerConfig } from '../../src/server/config.js';
import { tls12Suite } from '../../src/crypto/suites.js';
import { keyBlock } from '../../src/tls12/keys.js';
import { tls12Protection } from '../../src/tls12/record-protection.js';
import type { ClientHello, HandshakeMessage, NewSessionTicket12 } from '../../src/wire/types.js';
import { provider } from './pki.js';
import { type KeyExchangeOptions, ScriptedTls12Client, TLS12_CLIENT_SCHEMES, TLS12_CLIENT_SUITES } from './tls12-server-client.js';

export { type KeyExchangeOptions, TLS12_CLIENT_SCHEMES, TLS12_CLIENT_SUITES };

/** What a client keeps of a session to offer it again. */
export interface ClientSession {
  master: Uint8Array;
  suite: number;
  /** The ServerHello's session_id (empty when the server did not cache the session). */
  sessionId: Uint8Array;
  /** The last NewSessionTicket's ticket, if one came (and was not empty). */
  ticket: Uint8Array | undefined;
  lifetimeHint: number | undefined;
}

export class ResumptionClient extends ScriptedTls12Client {
  /** Set by offer(): the master secret the server uses if it resumes. */
  private offered: ClientSession | undefined;
  /** The server's NewSessionTicket, if one came. */
  newSessionTicket: NewSessionTicket12 | undefined;

  constructor(config: ServerConfig, options: ConnectionOptions = {}) {
    super(config, { trace: 'off', ...options });
  }

  /** The server resumed: its ChangeCipherSpec came without a Certificate before it. */
  get resumed(): boolean {
    return this.serverChangedCipherSpec && !this.fromServer.some((m) => m.type === 'certificate_tls12');
  }

  /** What this connection leaves a client to resume with. */
  session(): ClientSession {
    assert.ok(this.master && this.suite && this.serverHello, 'a handshake happened');
    const ticket = this.newSessionTicket?.ticket;
    return {
      master: this.master,
      suite: this.suite.id,
      sessionId: this.serverHello.session_id,
      ticket: ticket?.length ? ticket : undefined,
      lifetimeHint: this.newSessionTicket?.ticket_lifetime_hint,
    };
  }

  /**
   * A ClientHello offering `session`: its session_id, or (`via: 'ticket'`) its ticket in
   * session_ticket with a fresh random session_id, as RFC 5077 §3.4 has clients do.
   */
  offer(
    session: ClientSession,
    via: 'session-id' | 'ticket',
    overrides: Partial<Omit<ClientHello, 'extensions'>> = {},
    extensions: Partial<ClientHello['extensions']> = {},
  ): void {
    this.offered = session;
    const ticket = session.ticket ?? new Uint8Array(0);
    const hello =
      via === 'ticket'
        ? this.clientHello({ legacy_session_id: provider.randomBytes(32), ...overrides }, { session_ticket: ticket, ...extensions })
        : this.clientHello({ legacy_session_id: session.sessionId, ...overrides }, extensions);
    this.sendClientHello(hello);
  }

  /** Our ChangeCipherSpec and Finished after the server's (the abbreviated handshake's end). */
  finishResumption(options: { corrupt?: boolean } = {}): void {
    assert.ok(this.resumed, 'the server resumed');
    this.sendChangeCipherSpec();
    this.sendFinished(options);
  }

  /** No ClientKeyExchange yet: an abbreviated handshake, keyed by the offered session (RFC 5246 §7.3). */
  protected override beforeServerChangeCipherSpec(): void {
    if (!this.serverProtection) this.resumeKeys();
  }

  /** The ServerHello as it arrives (resumeKeys needs it mid-flight), and the ticket. */
  protected override onServerMessage(msg: HandshakeMessage): void {
    if (msg.type === 'server_hello_tls12') {
      this.serverHello = msg;
      this.suite = tls12Suite(msg.cipher_suite);
    }
    if (msg.type === 'new_session_ticket_tls12') this.newSessionTicket = msg;
  }

  /** RFC 5246 §6.3: the offered session's master secret with this connection's randoms. */
  private resumeKeys(): void {
    const session = this.offered;
    const sh = this.serverHello;
    assert.ok(session && sh, 'a ChangeCipherSpec before the ClientKeyExchange only when resuming');
    assert.equal(sh.cipher_suite, session.suite, 'the resumed session keeps its suite');
    this.master = session.master;
    const suite = this.suite!;
    const etm = sh.extensions.encrypt_then_mac === true;
    const block = keyBlock(provider, suite, this.master, this.random, sh.random);
    this.encrypter = new Tls12RecordEncrypter(provider, tls12Protection(suite, block.client, etm));
    this.serverProtection = tls12Protection(suite, block.server, etm);
  }

  /** Whether the ServerHello echoed the session_id we offered. */
  get echoedSessionId(): boolean {
    const offered = this.clientHelloMessage?.legacy_session_id;
    return offered !== undefined && offered.length > 0 && bytesEqual(offered, this.serverHello!.session_id);
  }
}
