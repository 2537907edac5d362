// A scripted TLS 1.3 client that resumes (RFC 8446 §2.2, §4.2.11): test/helpers/scripted.ts's
// ScriptedClient, extended with the tickets our server issues, a PSK ClientHello with its binder,
// and a clock the test moves. It drives one real server Connection per handshake.
import { Connection } from '../../src/connection.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { type Tls13Suite, tls13Suite } from '../../src/crypto/suites.js';
import type { HandshakeInfo } from '../../src/events.js';
import type { ServerConfig } from '../../src/server/config.js';
import { EarlySecret, finishedVerifyData, resumptionPsk } from '../../src/tls13/key-schedule.js';
import { HandshakeType, PskKeyExchangeMode } from '../../src/wire/codes.js';
import { truncatedClientHello } from '../../src/wire/extensions.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type { ClientHello, HelloRetryRequest, NewSessionTicket } from '../../src/wire/types.js';
import { provider as nodeProvider } from './pki.js';
import { ScriptedClient } from './scripted.js';

/** A clock the test sets; the server's provider reads it. */
export class Clock {
  constructor(public now: number = Date.now()) {}
  advance(ms: number): void {
    this.now += ms;
  }
}

/** The node provider with the clock replaced. */
export function providerAt(clock: Clock): CryptoProvider {
  return Object.create(nodeProvider, { now: { value: () => clock.now } }) as CryptoProvider;
}

/** What a client keeps of a NewSessionTicket (RFC 8446 §4.6.1). */
export interface ClientTicket {
  ticket: Uint8Array;
  psk: Uint8Array;
  suite: Tls13Suite;
  ticketAgeAdd: number;
  lifetime: number;
  /** Client clock when received (ms). */
  received: number;
}

export interface OfferOptions {
  /** Ticket age the client claims (ms); default: its clock's view. */
  ageMs?: number;
  /** Modes offered (default psk_dhe_ke). */
  modes?: number[];
  /** Flips a bit of the ticket's binder after computing it. */
  corruptBinder?: boolean;
  /** Replaces the identity (the ticket) with these bytes. */
  identity?: Uint8Array;
  /** Unknown identities (with binders of the right length) offered before the ticket. */
  decoysBefore?: number;
  /** Extensions to change in the ClientHello. */
  extensions?: Partial<ClientHello['extensions']>;
}

export class ResumptionScriptedClient extends ScriptedClient {
  /** The PSK the key schedule starts from (set when the server selected one). */
  psk: Uint8Array | undefined;
  private offeredPsk: Uint8Array | undefined;
  /** ClientHello1 and the HelloRetryRequest, for the binder of ClientHello2 (RFC 8446 §4.2.11.2). */
  private firstHello: Uint8Array | undefined;

  constructor(
    config: ServerConfig,
    readonly clock: Clock,
  ) {
    super(config);
    // The server runs on the test's clock. Its output passes through `replay`: what it sent after
    // our Finished (its tickets, under its application key) is held back until
    // startApplicationData() has the keys to read it.
    const real = Connection.server(config, { provider: providerAt(clock) });
    const self = this;
    (this as { server: Connection }).server = new Proxy(real, {
      get(target, prop) {
        if (prop === 'takeOutput') {
          return () => {
            const out = [...self.replay, ...target.takeOutput()];
            self.replay = [];
            return out;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private replay: Uint8Array[] = [];
  private held: Uint8Array[] = [];

  override sendFinished(options: { corrupt?: boolean; changeCipherSpec?: boolean } = {}): void {
    super.sendFinished(options);
    this.held = this.server.takeOutput();
  }

  override startApplicationData(): void {
    super.startApplicationData();
    this.replay = this.held;
    this.held = [];
  }

  protected override deriveHandshakeKeys(suite: Tls13Suite, shared: Uint8Array): void {
    const sh = this.serverHello;
    this.psk = sh?.type === 'server_hello' && sh.extensions.pre_shared_key !== undefined ? this.offeredPsk : undefined;
    const hs = new EarlySecret(nodeProvider, suite, this.psk).handshakeSecret(shared);
    this.handshakeSecret = hs;
    const th = this.transcript.current();
    this.clientHandshakeSecret = hs.clientHandshakeTrafficSecret(th);
    this.serverHandshakeSecret = hs.serverHandshakeTrafficSecret(th);
  }

  /** Sends a ClientHello, remembering it for a later binder after a HelloRetryRequest. */
  override sendClientHello(hello: ClientHello | Uint8Array, options: { recordVersion?: number } = {}): void {
    const raw = hello instanceof Uint8Array ? hello : encodeHandshake(hello);
    this.firstHello ??= raw;
    super.sendClientHello(raw, options);
  }

  /** A ClientHello offering `ticket` (after a HelloRetryRequest: the second one, for its group). */
  pskClientHello(ticket: ClientTicket, options: OfferOptions = {}): Uint8Array {
    const age = options.ageMs ?? this.clock.now - ticket.received;
    const identity = { identity: options.identity ?? ticket.ticket, obfuscated_ticket_age: (age + ticket.ticketAgeAdd) >>> 0 };
    const decoys = Array.from({ length: options.decoysBefore ?? 0 }, (_, i) => ({ identity: new Uint8Array(64).fill(i + 1), obfuscated_ticket_age: i }));
    const identities = [...decoys, identity];
    const zeroBinders = identities.map(() => new Uint8Array(ticket.suite.hashLength));
    const hrr = this.serverHello?.type === 'hello_retry_request' ? (this.serverHello as HelloRetryRequest) : undefined;
    const base = this.clientHello({
      psk_key_exchange_modes: options.modes ?? [PskKeyExchangeMode.psk_dhe_ke],
      ...(hrr ? { key_share: [{ group: hrr.extensions.key_share!, key_exchange: this.share(hrr.extensions.key_share!).publicKey }] } : {}),
      ...options.extensions,
      pre_shared_key: { identities, binders: zeroBinders },
    });
    const zeroed = encodeHandshake(base);
    const hash = nodeProvider.createHash(ticket.suite.hash);
    if (hrr) {
      const ch1 = nodeProvider.hash(ticket.suite.hash, this.firstHello!);
      hash.update(Uint8Array.of(HandshakeType.message_hash, 0, 0, ch1.length));
      hash.update(ch1);
      hash.update(encodeHandshake(hrr));
    }
    hash.update(truncatedClientHello(zeroed, base));
    const binderKey = new EarlySecret(nodeProvider, ticket.suite, ticket.psk).binderKey('res');
    const binder = finishedVerifyData(nodeProvider, ticket.suite, binderKey, hash.peek());
    if (options.corruptBinder) binder[0]! ^= 1;
    this.offeredPsk = ticket.psk;
    const binders = [...zeroBinders.slice(1), binder];
    return encodeHandshake({ ...base, extensions: { ...base.extensions, pre_shared_key: { identities, binders } } });
  }

  /** The server's NewSessionTickets so far (call after startApplicationData()), as a client keeps them. */
  tickets(): ClientTicket[] {
    this.collect();
    const suite = this.suite!;
    // RFC 8446 §7.1: resumption_master_secret over the transcript through our Finished.
    const rms = this.handshakeSecret!.masterSecret().resumptionMasterSecret(this.transcript.current());
    return this.received
      .filter((raw) => raw[0] === HandshakeType.new_session_ticket)
      .map((raw) => decodeHandshakeMessage(raw) as NewSessionTicket)
      .map((nst) => ({
        ticket: nst.ticket,
        psk: resumptionPsk(nodeProvider, suite, rms, nst.ticket_nonce),
        suite,
        ticketAgeAdd: nst.ticket_age_add,
        lifetime: nst.ticket_lifetime,
        received: this.clock.now,
      }));
  }

  /** The decoded NewSessionTickets so far. */
  newSessionTickets(): NewSessionTicket[] {
    this.collect();
    return this.received.filter((raw) => raw[0] === HandshakeType.new_session_ticket).map((raw) => decodeHandshakeMessage(raw) as NewSessionTicket);
  }

  /** The server's handshake-complete info. */
  get info(): HandshakeInfo | undefined {
    this.collect();
    const e = this.events.find((ev) => ev.type === 'handshake-complete');
    return e && 'info' in e ? (e.info as HandshakeInfo) : undefined;
  }

  /** Handshake types of the server's encrypted flight. */
  flightTypes(): string[] {
    return this.flightMessages().map((m) => m.type);
  }
}

/** A full handshake (or resumption with `hello`), our Finished sent and application keys on. */
export function runHandshake(c: ResumptionScriptedClient, hello?: Uint8Array | ClientHello): void {
  c.sendClientHello(hello ?? c.clientHello());
  c.sendFinished();
  c.startApplicationData();
}

export const suiteById = (id: number): Tls13Suite => tls13Suite(id)!;
