// A scripted TLS 1.3 server for the client's resumption (RFC 8446 §2.2): the ScriptedServer of
// scripted.ts, with a key schedule that starts from a PSK, a PSK binder check, and tickets.
import assert from 'node:assert/strict';
import type { ClientConfig } from '../../src/client/config.js';
import { type Tls13Suite, tls13Suite } from '../../src/crypto/suites.js';
import { EarlySecret, finishedVerifyData, resumptionPsk } from '../../src/tls13/key-schedule.js';
import { CipherSuite } from '../../src/wire/codes.js';
import { truncatedClientHello } from '../../src/wire/extensions.js';
import { decodeHandshakeMessage, encodeHandshake, encodeMessageHash } from '../../src/wire/handshake.js';
import type { HelloRetryRequest, NewSessionTicket, ServerHello } from '../../src/wire/types.js';
import { provider } from './pki.js';
import { concat } from './records.js';
import { ScriptedServer } from './scripted.js';

export class ResumptionServer extends ScriptedServer {
  /** The PSK the key schedule starts from (set before sendHello of a PSK ServerHello). */
  psk: Uint8Array | undefined = undefined;
  /** The first ClientHello, for the binder of a second one (RFC 8446 §4.2.11.2). */
  readonly firstHelloRaw: Uint8Array;

  constructor(config: ClientConfig) {
    super(config);
    this.firstHelloRaw = this.clientHelloRaw;
  }

  protected override deriveHandshakeKeys(suite: Tls13Suite, shared: Uint8Array): void {
    const hs = new EarlySecret(provider, suite, this.psk).handshakeSecret(shared);
    this.handshakeSecret = hs;
    const th = this.transcript.current();
    this.clientHandshakeSecret = hs.clientHandshakeTrafficSecret(th);
    this.serverHandshakeSecret = hs.serverHandshakeTrafficSecret(th);
  }

  /** A ServerHello selecting PSK identity `selected` (psk_dhe_ke: our key share too). */
  pskServerHello(selected = 0, suite: number = CipherSuite.TLS_AES_128_GCM_SHA256): ServerHello {
    const sh = this.serverHello({ suite });
    return { ...sh, extensions: { ...sh.extensions, pre_shared_key: selected } };
  }

  /**
   * The binder the current ClientHello should carry for `psk`: HMAC over the transcript through
   * the truncated ClientHello (after `hrr`, message_hash(ClientHello1) and the HelloRetryRequest).
   */
  expectedBinder(psk: Uint8Array, suiteId: number, hrr?: HelloRetryRequest): Uint8Array {
    const suite = tls13Suite(suiteId)!;
    const before = hrr ? [encodeMessageHash(provider.hash(suite.hash, this.firstHelloRaw)), encodeHandshake(hrr)] : [];
    const th = provider.hash(suite.hash, concat([...before, truncatedClientHello(this.clientHelloRaw, this.clientHello)]));
    return finishedVerifyData(provider, suite, new EarlySecret(provider, suite, psk).binderKey('res'), th);
  }

  /** The 'session' events the client emitted so far. */
  sessions(): Uint8Array[] {
    this.collect();
    return this.events.flatMap((e) => (e.type === 'session' ? [e.session] : []));
  }

  /**
   * After our Finished: reads the client's Finished, switches to the application key and sends
   * a NewSessionTicket; returns the PSK it stands for (RFC 8446 §4.6.1).
   */
  issueTicket(nst: Partial<Omit<NewSessionTicket, 'type'>> = {}): Uint8Array {
    assert.ok(this.completed, 'the client completed');
    const fin = this.received.at(-1)!;
    assert.equal(decodeHandshakeMessage(fin).type, 'finished', "the client's Finished");
    this.startApplicationData();
    this.transcript.add(fin);
    const rms = this.handshakeSecret!.masterSecret().resumptionMasterSecret(this.transcript.current());
    const msg: NewSessionTicket = {
      type: 'new_session_ticket',
      ticket_lifetime: 3600,
      ticket_age_add: 0x01020304,
      ticket_nonce: new Uint8Array([0, 1]),
      ticket: new Uint8Array(40).fill(7),
      extensions: { unknown: [] },
      ...nst,
    };
    this.sendEncrypted(msg);
    return resumptionPsk(provider, this.suite!, rms, msg.ticket_nonce);
  }
}
