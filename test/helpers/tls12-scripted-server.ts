// A scripted TLS 1.2 server facing a real client: the test drives it message by message, built from
// the wire encoders and the TLS 1.2 derivations (prf.ts, keys.ts), so it can send what no correct
// server would. It speaks the ECDHE suites with a certificate key the test supplies; the default is
// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with x25519.
import assert from 'node:assert/strict';
import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import type { KeyShare } from '../../src/crypto/provider.js';
import { type Tls12Suite, Tls12CipherSuite, tls12Suite } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/events.js';
import { verifyCertificateVerify12 } from '../../src/handshake/verify.js';
import { Tls12RecordDecrypter, Tls12RecordEncrypter } from '../../src/record/protection12.js';
import type { CertifiedKey } from '../../src/server/config.js';
import { decodeEcdheClientKeyExchange } from '../../src/wire/messages/client-key-exchange.js';
import { encodeEcdheServerKeyExchange, encodeServerEcdhParams } from '../../src/wire/messages/server-key-exchange.js';
import { type Tls12KeyBlock, keyBlock } from '../../src/tls12/keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret } from '../../src/tls12/prf.js';
import { tls12Protection } from '../../src/tls12/record-protection.js';
import { ContentType, ECPointFormat, NamedGroup, ProtocolVersion, SignatureScheme } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type {
  Certificate12,
  ClientHello,
  Finished,
  HandshakeMessage,
  ServerHello12,
  ServerKeyExchange,
} from '../../src/wire/types.js';
import { failure } from './pair.js';
import { provider } from './pki.js';
import { concat, readRecords, record, splitHandshakes } from './records.js';

/** RFC 8446 §4.1.3: what a TLS 1.3 server puts at the end of its random when it answers in TLS 1.2. */
export const DOWNGRADE_TLS12 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01);
export const DOWNGRADE_TLS11 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00);

const CHANGE_CIPHER_SPEC = Uint8Array.of(1);

export class Tls12ScriptedServer {
  readonly client: Connection;
  readonly events: ConnectionEvent[] = [];
  /** Alerts the client sent, in order, with their levels (1 warning, 2 fatal). */
  readonly alerts: number[] = [];
  readonly alertLevels: number[] = [];
  /** Handshake messages the client sent (raw, header included), in order, decrypted when protected. */
  readonly received: Uint8Array[] = [];
  /** Application data the client sent. */
  readonly applicationData: Uint8Array[] = [];
  /** Whether the client sent its ChangeCipherSpec. */
  clientChangedCipherSpec = false;
  /** Whether the client's Finished verified against our view of the transcript. */
  clientFinishedVerified = false;

  readonly clientHelloRaw: Uint8Array;
  readonly clientHello: ClientHello;
  /** Every handshake message both sides sent, in order: the transcript (RFC 5246 §7.4.9). */
  readonly messages: Uint8Array[] = [];

  suite: Tls12Suite | undefined;
  serverRandom: Uint8Array | undefined;
  extendedMasterSecret = false;
  encryptThenMac = false;
  /** Our ECDHE share, once a ServerKeyExchange was built. */
  share: KeyShare | undefined;
  master: Uint8Array | undefined;
  keys: Tls12KeyBlock | undefined;

  private sealer: Tls12RecordEncrypter | undefined;
  private opener: Tls12RecordDecrypter | undefined;

  constructor(config: ClientConfig) {
    this.client = Connection.client({ minVersion: 'TLSv1.2', ...config });
    this.collect();
    assert.equal(this.received.length, 1, 'the client sent one ClientHello');
    this.clientHelloRaw = this.received[0]!;
    const ch = decodeHandshakeMessage(this.clientHelloRaw, 'tls12');
    assert.equal(ch.type, 'client_hello');
    this.clientHello = ch as ClientHello;
    this.messages.push(this.clientHelloRaw);
  }

  // --- what a correct server sends ----------------------------------------------------------

  /** ServerHello for `suite` (default ECDHE-ECDSA-AES128-GCM), echoing EMS, renegotiation_info and point formats. */
  serverHello(suite: number = Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256): ServerHello12 {
    const offered = this.clientHello.extensions;
    return {
      type: 'server_hello_tls12',
      server_version: ProtocolVersion.TLS1_2,
      random: provider.randomBytes(32),
      session_id: provider.randomBytes(32),
      cipher_suite: suite,
      compression_method: 0,
      extensions: {
        renegotiation_info: new Uint8Array(0),
        ...(offered.extended_master_secret ? { extended_master_secret: true as const } : {}),
        ...(offered.ec_point_formats ? { ec_point_formats: [ECPointFormat.uncompressed] } : {}),
        unknown: [],
      },
    };
  }

  certificate(cert: CertifiedKey): Certificate12 {
    return { type: 'certificate_tls12', certificate_list: cert.chain };
  }

  /**
   * RFC 8422 §5.4: an ECDHE ServerKeyExchange over a fresh share of `group`, signed with `scheme`
   * over client_random + server_random + params; `tamper` changes the signed bytes or the signature.
   */
  serverKeyExchange(
    cert: CertifiedKey,
    options: { group?: number; scheme?: number; tamperSignature?: boolean } = {},
  ): ServerKeyExchange {
    const group = options.group ?? NamedGroup.x25519;
    const scheme = options.scheme ?? SignatureScheme.ecdsa_secp256r1_sha256;
    this.share = provider.generateKeyShare(group);
    assert.ok(this.share, `a share for group ${group}`);
    const params = { group, point: this.share.publicKey };
    const signed = concat([this.clientHello.random, this.serverRandom!, encodeServerEcdhParams(params)]);
    const signature = cert.key.sign(scheme, signed);
    if (options.tamperSignature) signature[signature.length - 1]! ^= 0x01;
    return { type: 'server_key_exchange', body: encodeEcdheServerKeyExchange(params, { algorithm: scheme, signature }) };
  }

  serverHelloDone(): HandshakeMessage {
    return { type: 'server_hello_done' };
  }

  /** The server Finished over the transcript so far, or over `messages` (for a tampered transcript). */
  finished(messages: readonly Uint8Array[] = this.messages): Finished {
    const hash = provider.hash(this.suite!.prfHash, concat(messages));
    return { type: 'finished', verify_data: finishedVerifyData(provider, this.suite!.prfHash, this.master!, 'server', hash) };
  }

  // --- sending ------------------------------------------------------------------------------

  /**
   * Sends a ServerHello (in a record of its own, or with `trailing` messages after it) and fixes
   * what it negotiates. The random may be set by the test (e.g. a downgrade sentinel).
   */
  sendHello(sh: ServerHello12, ...trailing: HandshakeMessage[]): void {
    this.adopt(sh);
    this.send(sh, ...trailing);
  }

  /** Takes what `sh` negotiates as this server's (done by sendHello; call it before building a ServerKeyExchange by hand). */
  adopt(sh: ServerHello12): void {
    this.suite = tls12Suite(sh.cipher_suite) ?? tls12Suite(Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    this.serverRandom = sh.random;
    this.extendedMasterSecret = sh.extensions.extended_master_secret === true && this.clientHello.extensions.extended_master_secret === true;
    this.encryptThenMac = sh.extensions.encrypt_then_mac === true && this.suite!.cipher.kind === 'cbc';
  }

  /** Encodes the messages (or takes them encoded), keeps them in the transcript, and sends them in one record. */
  send(...messages: (HandshakeMessage | Uint8Array)[]): void {
    this.sendRecord(ContentType.handshake, this.encode(...messages));
  }

  /** The messages' bytes, kept in the transcript but not sent (for a test that sends them itself). */
  encode(...messages: (HandshakeMessage | Uint8Array)[]): Uint8Array {
    const raws = messages.map((m) => (m instanceof Uint8Array ? m : encodeHandshake(m)));
    this.messages.push(...raws);
    return concat(raws);
  }

  /** One record of any type, protected once we sent our ChangeCipherSpec. */
  sendRecord(type: ContentType, content: Uint8Array): void {
    this.client.receive(this.sealer ? this.sealer.seal(type, content) : record(type, content));
    this.collect();
  }

  /** RFC 5246 §7.1: our ChangeCipherSpec; what we send next is protected with the server keys. */
  sendChangeCipherSpec(): void {
    this.client.receive(record(ContentType.change_cipher_spec, CHANGE_CIPHER_SPEC));
    assert.ok(this.keys, 'keys derived from the client flight');
    this.sealer = new Tls12RecordEncrypter(provider, tls12Protection(this.suite!, this.keys.server, this.encryptThenMac));
    this.collect();
  }

  sendRaw(bytes: Uint8Array): void {
    this.client.receive(bytes);
    this.collect();
  }

  /** A whole correct handshake after the ServerHello: Certificate, ServerKeyExchange, ServerHelloDone, CCS, Finished. */
  completeHandshake(cert: CertifiedKey, options: { group?: number; scheme?: number } = {}): void {
    this.send(this.certificate(cert));
    this.send(this.serverKeyExchange(cert, options));
    this.send(this.serverHelloDone());
    assert.equal(this.failure, undefined, 'the client accepted the server flight');
    assert.ok(this.clientFinishedVerified, 'the client Finished verified');
    this.sendChangeCipherSpec();
    this.send(this.finished());
  }

  // --- reading what the client did ----------------------------------------------------------

  /** Moves the client's events and output into `events`, `alerts`, `received`, deriving keys on the way. */
  collect(): void {
    this.events.push(...this.client.takeEvents());
    for (const r of readRecords(this.client.takeOutput())) {
      let content = r.fragment;
      let type = r.type;
      if (this.opener) ({ type, content } = this.opener.open(r));
      switch (type) {
        case ContentType.alert:
          this.alertLevels.push(content[0]!);
          this.alerts.push(content[1]!);
          break;
        case ContentType.change_cipher_spec:
          this.clientChangedCipherSpec = true;
          assert.ok(this.keys, 'the client sent ClientKeyExchange before ChangeCipherSpec');
          this.opener = new Tls12RecordDecrypter(provider, tls12Protection(this.suite!, this.keys.client, this.encryptThenMac));
          break;
        case ContentType.handshake:
          for (const raw of splitHandshakes(content)) this.onClientMessage(raw);
          break;
        case ContentType.application_data:
          this.applicationData.push(content);
          break;
      }
    }
  }

  private onClientMessage(raw: Uint8Array): void {
    this.received.push(raw);
    if (!this.suite) return; // the ClientHello
    const msg = decodeHandshakeMessage(raw, 'tls12');
    const prfHash = this.suite.prfHash;
    if (msg.type === 'finished') {
      const hash = provider.hash(prfHash, concat(this.messages));
      const expected = finishedVerifyData(provider, prfHash, this.master!, 'client', hash);
      this.clientFinishedVerified = provider.equal(expected, msg.verify_data);
    }
    if (msg.type === 'certificate_verify') {
      // RFC 5246 §7.4.8: over every message before it; throws unless the signature verifies.
      const certMsg = this.received.map((m) => decodeHandshakeMessage(m, 'tls12')).find((m) => m.type === 'certificate_tls12');
      assert.ok(certMsg && certMsg.type === 'certificate_tls12' && certMsg.certificate_list.length);
      const leaf = provider.parseCertificate(certMsg.certificate_list[0]!);
      verifyCertificateVerify12(msg, leaf, [msg.algorithm], concat(this.messages));
      this.clientCertificateVerified = true;
    }
    this.messages.push(raw);
    if (msg.type === 'client_key_exchange') {
      const premaster = this.share!.agree(decodeEcdheClientKeyExchange(msg.body));
      this.master = this.extendedMasterSecret
        ? extendedMasterSecret(provider, prfHash, premaster, provider.hash(prfHash, concat(this.messages)))
        : masterSecret(provider, prfHash, premaster, this.clientHello.random, this.serverRandom!);
      this.keys = keyBlock(provider, this.suite, this.master, this.clientHello.random, this.serverRandom!);
    }
  }

  /** Set when the client's CertificateVerify verified. */
  clientCertificateVerified = false;

  get failure(): TLSError | undefined {
    this.collect();
    return failure(this.events);
  }

  get completed(): boolean {
    this.collect();
    return this.events.some((e) => e.type === 'handshake-complete');
  }

  /** The client's data events, as text. */
  get receivedText(): string {
    this.collect();
    return Buffer.concat(
      this.events.filter((e): e is Extract<ConnectionEvent, { type: 'data' }> => e.type === 'data').map((e) => e.data),
    ).toString();
  }
}
