// Scripted TLS 1.3 peers: one real Connection on one side, and on the other a peer the test drives
// message by message, built from the wire encoders and the key schedule. The scripted peer does
// exactly what the test says, so it can send what no correct implementation would.
import assert from 'node:assert/strict';
import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import type { KeyShare } from '../../src/crypto/provider.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../../src/crypto/schemes.js';
import { type Tls13Suite, tls13Suite } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/events.js';
import { certificateVerifyContent } from '../../src/handshake/signed-content.js';
import { Transcript } from '../../src/handshake/transcript.js';
import { RecordDecrypter, RecordEncrypter } from '../../src/record/protection.js';
import type { CertifiedKey, ServerConfig } from '../../src/server/config.js';
import { EarlySecret, type HandshakeSecret, finishedVerifyData, nextTrafficSecret, trafficKeys } from '../../src/tls13/key-schedule.js';
import { CipherSuite, ContentType, HandshakeType, NamedGroup, ProtocolVersion, PskKeyExchangeMode } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type {
  Certificate,
  CertificateVerify,
  ClientHello,
  EncryptedExtensions,
  Finished,
  HandshakeMessage,
  HelloRetryRequest,
  ServerHello,
} from '../../src/wire/types.js';
import { failure } from './pair.js';
import { provider } from './pki.js';
import { handshakeRecord, readRecords, record, splitHandshakes } from './records.js';

const suiteOf = (id: number): Tls13Suite => {
  const suite = tls13Suite(id);
  if (!suite) throw new Error(`not a TLS 1.3 suite: 0x${id.toString(16)}`);
  return suite;
};

/** Seals records under one traffic secret. */
export const sealerFor = (suite: Tls13Suite, secret: Uint8Array) => {
  const { key, iv } = trafficKeys(provider, suite, secret);
  return new RecordEncrypter(provider, suite, key, iv);
};

/** Opens records under one traffic secret. */
export const openerFor = (suite: Tls13Suite, secret: Uint8Array) => {
  const { key, iv } = trafficKeys(provider, suite, secret);
  return new RecordDecrypter(provider, suite, key, iv);
};

/** What the real connection did: its events so far, and the alert it sent (decrypted if need be). */
abstract class Scripted {
  readonly events: ConnectionEvent[] = [];
  readonly transcript = new Transcript(provider);
  suite: Tls13Suite | undefined;
  clientHandshakeSecret: Uint8Array | undefined;
  serverHandshakeSecret: Uint8Array | undefined;
  /** Alert descriptions the real side sent, in order. */
  readonly alerts: number[] = [];
  /** Their levels (1 warning, 2 fatal). */
  readonly alertLevels: number[] = [];
  /** Handshake messages the real side sent, decrypted, in order (raw, header included). */
  readonly received: Uint8Array[] = [];
  private opener: RecordDecrypter | undefined;
  private pastHandshakeKeys = false;

  protected abstract readonly conn: Connection;
  /** The traffic secret the real side writes its handshake records with. */
  protected abstract peerHandshakeSecret(): Uint8Array | undefined;

  /** Moves the real side's events and output into `events`, `alerts` and `received`. */
  protected collect(): void {
    this.events.push(...this.conn.takeEvents());
    for (const r of readRecords(this.conn.takeOutput())) {
      let type = r.type;
      let content = r.fragment;
      if (r.type === ContentType.application_data) {
        const secret = this.peerHandshakeSecret();
        // Protected under keys the script does not hold (application keys): tests read `failure`.
        if (!secret || !this.suite || this.pastHandshakeKeys) continue;
        this.opener ??= openerFor(this.suite, secret);
        try {
          ({ type, content } = this.opener.open(r));
        } catch {
          // The real side moved on to its application key (after its Finished).
          this.pastHandshakeKeys = true;
          continue;
        }
      }
      if (type === ContentType.alert) {
        this.alertLevels.push(content[0]!);
        this.alerts.push(content[1]!);
      }
      if (type === ContentType.handshake) this.received.push(...splitHandshakes(content));
    }
  }

  get failure(): TLSError | undefined {
    this.collect();
    return failure(this.events);
  }

  /** The first alert the real side sent. */
  get alert(): number | undefined {
    this.collect();
    return this.alerts[0];
  }

  get completed(): boolean {
    this.collect();
    return this.events.some((e) => e.type === 'handshake-complete');
  }

  handshakeSecret: HandshakeSecret | undefined;

  protected deriveHandshakeKeys(suite: Tls13Suite, shared: Uint8Array): void {
    const hs = new EarlySecret(provider, suite).handshakeSecret(shared);
    this.handshakeSecret = hs;
    const th = this.transcript.current();
    this.clientHandshakeSecret = hs.clientHandshakeTrafficSecret(th);
    this.serverHandshakeSecret = hs.serverHandshakeTrafficSecret(th);
  }
}

/** A scripted server facing a real client. */
export class ScriptedServer extends Scripted {
  readonly client: Connection;
  protected get conn(): Connection {
    return this.client;
  }
  /** The ClientHello being answered (the second one after a HelloRetryRequest). */
  clientHelloRaw!: Uint8Array;
  clientHello!: ClientHello;
  /** Our key share, once a ServerHello for it was built. */
  share: KeyShare | undefined;
  private sealer: RecordEncrypter | undefined;
  private clientHellosRead = 0;

  constructor(config: ClientConfig) {
    super();
    this.client = Connection.client(config);
    this.readClientHello();
  }

  protected peerHandshakeSecret(): Uint8Array | undefined {
    return this.clientHandshakeSecret;
  }

  private readClientHello(): void {
    this.collect();
    const fresh = this.received.slice(this.clientHellosRead);
    this.clientHellosRead = this.received.length;
    assert.equal(fresh.length, 1, 'the client sent one ClientHello');
    this.clientHelloRaw = fresh[0]!;
    const ch = decodeHandshakeMessage(this.clientHelloRaw);
    assert.equal(ch.type, 'client_hello');
    this.clientHello = ch as ClientHello;
    this.transcript.add(this.clientHelloRaw);
  }

  /** The ServerHello a correct server sends for `group` (default: the client's first share). */
  serverHello(options: { suite?: number; group?: number } = {}): ServerHello {
    const group = options.group ?? this.clientHello.extensions.key_share![0]!.group;
    this.share = provider.generateKeyShare(group);
    if (!this.share) throw new Error(`cannot make a share for group ${group}`);
    return {
      type: 'server_hello',
      legacy_version: ProtocolVersion.TLS1_2,
      random: provider.randomBytes(32),
      legacy_session_id_echo: this.clientHello.legacy_session_id,
      cipher_suite: options.suite ?? CipherSuite.TLS_AES_128_GCM_SHA256,
      legacy_compression_method: 0,
      extensions: {
        supported_versions: ProtocolVersion.TLS1_3,
        key_share: { group, key_exchange: this.share.publicKey },
        unknown: [],
      },
    };
  }

  /** A HelloRetryRequest asking for `group`. */
  helloRetryRequest(group: number, suite: number = CipherSuite.TLS_AES_128_GCM_SHA256): HelloRetryRequest {
    return {
      type: 'hello_retry_request',
      legacy_version: ProtocolVersion.TLS1_2,
      legacy_session_id_echo: this.clientHello.legacy_session_id,
      cipher_suite: suite,
      legacy_compression_method: 0,
      extensions: { supported_versions: ProtocolVersion.TLS1_3, key_share: group, unknown: [] },
    };
  }

  /**
   * Sends a ServerHello or HelloRetryRequest in plaintext and keeps the transcript. After a
   * ServerHello that carries our share, the handshake keys are derived; after a HelloRetryRequest
   * the client's second ClientHello (if it sent one) is read. `trailing` messages go in the same
   * plaintext record, after it (which no correct server does).
   */
  sendHello(msg: ServerHello | HelloRetryRequest, ...trailing: HandshakeMessage[]): void {
    const raw = encodeHandshake(msg);
    const suite = tls13Suite(msg.cipher_suite) ?? suiteOf(CipherSuite.TLS_AES_128_GCM_SHA256);
    this.suite = suite;
    this.transcript.start(suite.hash);
    if (msg.type === 'hello_retry_request') this.transcript.replaceWithMessageHash();
    this.transcript.add(raw);
    // Keys first: the client answers within receive(), maybe under its new handshake key.
    if (msg.type === 'server_hello') this.deriveFrom(msg);
    const rest = trailing.map((m) => encodeHandshake(m));
    for (const r of rest) this.transcript.add(r);
    this.client.receive(handshakeRecord(raw, ...rest));
    if (msg.type === 'hello_retry_request') {
      this.collect();
      if (!failure(this.events)) this.readClientHello();
      return;
    }
  }

  /** Derives the handshake keys a ServerHello carrying our share implies (nothing otherwise). */
  private deriveFrom(msg: ServerHello): void {
    const ours = this.share;
    const theirs = this.clientHello.extensions.key_share?.find((s) => s.group === ours?.group);
    if (!ours || !theirs || msg.extensions.key_share?.group !== ours.group) return;
    let shared: Uint8Array;
    try {
      shared = ours.agree(theirs.key_exchange);
    } catch {
      return;
    }
    this.deriveHandshakeKeys(this.suite!, shared);
    this.sealer = sealerFor(this.suite!, this.serverHandshakeSecret!);
  }

  /** Sends raw bytes to the client. */
  sendRaw(bytes: Uint8Array): void {
    this.client.receive(bytes);
  }

  /** Encodes the messages (transcript kept) into one record protected with the server handshake key. */
  sendEncrypted(...messages: HandshakeMessage[]): void {
    if (!this.sealer) throw new Error('no handshake keys yet');
    const raws = messages.map((m) => {
      const raw = encodeHandshake(m);
      this.transcript.add(raw);
      return raw;
    });
    const content = new Uint8Array(raws.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of raws) {
      content.set(r, at);
      at += r.length;
    }
    this.client.receive(this.sealer.seal(ContentType.handshake, content));
  }

  encryptedExtensions(extensions: Partial<EncryptedExtensions['extensions']> = {}): EncryptedExtensions {
    return { type: 'encrypted_extensions', extensions: { unknown: [], ...extensions } };
  }

  certificate(cert: CertifiedKey): Certificate {
    return {
      type: 'certificate',
      certificate_request_context: new Uint8Array(0),
      certificate_list: cert.chain.map((cert_data) => ({ cert_data, extensions: { unknown: [] } })),
    };
  }

  /** A CertificateVerify over the transcript so far (call after the Certificate is in it). */
  certificateVerify(cert: CertifiedKey, scheme: number): CertificateVerify {
    return { type: 'certificate_verify', algorithm: scheme, signature: cert.key.sign(scheme, certificateVerifyContent('server', this.transcript.current())) };
  }

  /** The server Finished over the transcript so far. */
  finished(): Finished {
    return { type: 'finished', verify_data: finishedVerifyData(provider, this.suite!, this.serverHandshakeSecret!, this.transcript.current()) };
  }

  /**
   * Switches what we send to the server application traffic key (call once our Finished is in
   * the transcript): sendEncrypted() and sendProtected() then write post-handshake records.
   */
  startApplicationData(): void {
    const th = this.transcript.current();
    this.sealer = sealerFor(this.suite!, this.handshakeSecret!.masterSecret().serverApplicationTrafficSecret(th));
  }

  /** One protected record of any content type under our current key, optionally padded. */
  sendProtected(type: ContentType, content: Uint8Array, padding = 0): void {
    if (!this.sealer) throw new Error('no keys yet');
    this.client.receive(this.sealer.sealPadded(type, content, padding));
  }

  /**
   * A whole correct flight after the ServerHello: EncryptedExtensions, Certificate,
   * CertificateVerify and Finished, sent one message per record (so a test can stop anywhere).
   */
  sendFlight(cert: CertifiedKey, scheme: number, options: { skipEncryptedExtensions?: boolean } = {}): void {
    if (!options.skipEncryptedExtensions) this.sendEncrypted(this.encryptedExtensions());
    this.sendEncrypted(this.certificate(cert));
    this.sendEncrypted(this.certificateVerify(cert, scheme));
    this.sendEncrypted(this.finished());
  }
}

/** A scripted client facing a real server. */
export class ScriptedClient extends Scripted {
  readonly server: Connection;
  protected get conn(): Connection {
    return this.server;
  }
  /** Our key shares, by group, for the ClientHello we build. */
  readonly shares = new Map<number, KeyShare>();
  /** The ServerHello (or HelloRetryRequest) the server answered with. */
  serverHello: ServerHello | HelloRetryRequest | undefined;
  random = provider.randomBytes(32);
  sessionId = provider.randomBytes(32);
  /** The server's encrypted handshake messages, raw. */
  readonly flight: Uint8Array[] = [];
  /** Application data the server sent (read once startApplicationData() was called). */
  readonly applicationData: Uint8Array[] = [];
  private serverFlightRead = 0;
  private sealer: RecordEncrypter | undefined;
  private serverOpener: RecordDecrypter | undefined;
  /** The server's output when it failed on a hello, kept for collect() to read its alert. */
  private pending: Uint8Array[] = [];
  private serverFinishedHash: Uint8Array | undefined;
  private appWrite: { secret: Uint8Array; sealer: RecordEncrypter } | undefined;
  private appRead: { secret: Uint8Array; opener: RecordDecrypter } | undefined;

  constructor(config: ServerConfig) {
    super();
    this.server = Connection.server(config);
  }

  /**
   * The server's records after its flight are under its application keys: collect() reads them
   * once startApplicationData() derived those, and skips them before.
   */
  protected peerHandshakeSecret(): Uint8Array | undefined {
    return undefined;
  }

  share(group: number): KeyShare {
    let share = this.shares.get(group);
    if (!share) {
      share = provider.generateKeyShare(group);
      if (!share) throw new Error(`cannot make a share for group ${group}`);
      this.shares.set(group, share);
    }
    return share;
  }

  /** A correct ClientHello with one x25519 share (what our own client sends, minus SNI). */
  clientHello(extensions: Partial<ClientHello['extensions']> = {}): ClientHello {
    return {
      type: 'client_hello',
      legacy_version: ProtocolVersion.TLS1_2,
      random: this.random,
      legacy_session_id: this.sessionId,
      cipher_suites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
      legacy_compression_methods: new Uint8Array([0]),
      extensions: {
        supported_groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
        signature_algorithms: [...DEFAULT_SIGNATURE_SCHEMES],
        supported_versions: [ProtocolVersion.TLS1_3],
        psk_key_exchange_modes: [PskKeyExchangeMode.psk_dhe_ke],
        key_share: [{ group: NamedGroup.x25519, key_exchange: this.share(NamedGroup.x25519).publicKey }],
        unknown: [],
        ...extensions,
      },
    };
  }

  /**
   * Sends a ClientHello (a message, or its encoding as the test made it) in a plaintext record,
   * then reads what the server answered: its ServerHello or HelloRetryRequest and, after a
   * ServerHello, its encrypted flight.
   */
  sendClientHello(hello: ClientHello | Uint8Array, options: { recordVersion?: number } = {}): void {
    const raw = hello instanceof Uint8Array ? hello : encodeHandshake(hello);
    this.transcript.add(raw);
    this.server.receive(record(ContentType.handshake, raw, options.recordVersion));
    this.readServerHello();
  }

  /** Whether the server sent a change_cipher_spec with its first flight. */
  serverSentChangeCipherSpec = false;

  private readServerHello(): void {
    this.events.push(...this.server.takeEvents());
    const output = this.server.takeOutput();
    const records = readRecords(output);
    if (records.some((r) => r.type === ContentType.change_cipher_spec)) this.serverSentChangeCipherSpec = true;
    const hello = records.find((r) => r.type === ContentType.handshake);
    if (!hello) {
      // Failed: put the output back for collect() to read the alert.
      this.pending = output;
      return;
    }
    const [raw, ...rest] = splitHandshakes(hello.fragment);
    assert.equal(rest.length, 0, 'ServerHello alone in its record');
    const msg = decodeHandshakeMessage(raw!);
    assert.ok(msg.type === 'server_hello' || msg.type === 'hello_retry_request');
    this.serverHello = msg;
    const suite = suiteOf(msg.cipher_suite);
    this.suite = suite;
    this.transcript.start(suite.hash);
    if (msg.type === 'hello_retry_request') {
      this.transcript.replaceWithMessageHash();
      this.transcript.add(raw!);
      return;
    }
    this.transcript.add(raw!);
    const serverShare = msg.extensions.key_share!;
    this.deriveHandshakeKeys(suite, this.share(serverShare.group).agree(serverShare.key_exchange));
    this.serverOpener = openerFor(suite, this.serverHandshakeSecret!);
    this.sealer = sealerFor(suite, this.clientHandshakeSecret!);
    // The encrypted flight: decrypt every protected record, keep the messages.
    for (const r of records) {
      if (r.type !== ContentType.application_data) continue;
      const { type, content } = this.serverOpener.open(r);
      assert.equal(type, ContentType.handshake);
      this.flight.push(...splitHandshakes(content));
    }
  }

  protected override collect(): void {
    if (this.pending.length) {
      for (const r of readRecords(this.pending)) {
        if (r.type !== ContentType.alert) continue;
        this.alertLevels.push(r.fragment[0]!);
        this.alerts.push(r.fragment[1]!);
      }
      this.pending = [];
    }
    if (!this.appRead) return super.collect();
    // After the handshake: the server's records under its application keys, following its KeyUpdates.
    this.events.push(...this.server.takeEvents());
    for (const r of readRecords(this.server.takeOutput())) {
      if (r.type !== ContentType.application_data) continue;
      const { type, content } = this.appRead.opener.open(r);
      if (type === ContentType.alert) {
        this.alertLevels.push(content[0]!);
        this.alerts.push(content[1]!);
      } else if (type === ContentType.application_data) {
        this.applicationData.push(content);
      } else if (type === ContentType.handshake) {
        for (const msg of splitHandshakes(content)) {
          this.received.push(msg);
          if (msg[0] === HandshakeType.key_update) {
            const secret = nextTrafficSecret(provider, this.suite!, this.appRead.secret);
            this.appRead = { secret, opener: openerFor(this.suite!, secret) };
          }
        }
      }
    }
  }

  /** Switches to the application traffic keys (after sendFinished()). */
  startApplicationData(): void {
    const suite = this.suite!;
    const master = this.handshakeSecret!.masterSecret();
    const write = master.clientApplicationTrafficSecret(this.serverFinishedHash!);
    const read = master.serverApplicationTrafficSecret(this.serverFinishedHash!);
    this.collect(); // what the server sent under its handshake keys is not read past this point
    this.appWrite = { secret: write, sealer: sealerFor(suite, write) };
    this.appRead = { secret: read, opener: openerFor(suite, read) };
  }

  /** One protected record under our application key; a KeyUpdate we send moves us to the next key. */
  sendProtected(type: ContentType, content: Uint8Array): void {
    const w = this.appWrite!;
    this.server.receive(w.sealer.seal(type, content));
    if (type === ContentType.handshake && splitHandshakes(content).some((m) => m[0] === HandshakeType.key_update)) {
      const secret = nextTrafficSecret(provider, this.suite!, w.secret);
      this.appWrite = { secret, sealer: sealerFor(this.suite!, secret) };
    }
  }

  /** The decoded messages of the server's encrypted flight. */
  flightMessages(): HandshakeMessage[] {
    return this.flight.map((raw) => decodeHandshakeMessage(raw));
  }

  /**
   * Checks the server's Finished and answers with ours (after a compatibility CCS), completing
   * the handshake on the server side.
   */
  sendFinished(options: { corrupt?: boolean; changeCipherSpec?: boolean } = {}): void {
    const suite = this.suite!;
    for (const raw of this.flight.slice(this.serverFlightRead)) {
      const msg = decodeHandshakeMessage(raw);
      if (msg.type === 'finished') {
        const expected = finishedVerifyData(provider, suite, this.serverHandshakeSecret!, this.transcript.current());
        assert.deepEqual(msg.verify_data, expected, 'server Finished verifies');
      }
      this.transcript.add(raw);
    }
    this.serverFlightRead = this.flight.length;
    this.serverFinishedHash = this.transcript.current();
    const verify_data = finishedVerifyData(provider, suite, this.clientHandshakeSecret!, this.transcript.current());
    if (options.corrupt) verify_data[0]! ^= 1;
    const fin = encodeHandshake({ type: 'finished', verify_data });
    this.transcript.add(fin);
    if (options.changeCipherSpec ?? true) this.server.receive(record(ContentType.change_cipher_spec, Uint8Array.of(1)));
    this.server.receive(this.sealer!.seal(ContentType.handshake, fin));
  }
}
