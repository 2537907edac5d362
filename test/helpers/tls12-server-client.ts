// A scripted TLS 1.2 client facing a real server Connection, built from the wire encoders and the
// TLS 1.2 derivations (prf.ts, keys.ts, key-exchange.ts), independent of src/client. It does what
// the test says, step by step, so it can also send what no correct client would.
import assert from 'node:assert/strict';
import { concatBytes } from '../../src/bytes.js';
import { Connection, type ConnectionOptions } from '../../src/connection.js';
import type { KeyShare } from '../../src/crypto/provider.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../../src/crypto/schemes.js';
import { type Tls12Suite, tls12Suite } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/events.js';
import { Tls12RecordDecrypter, Tls12RecordEncrypter } from '../../src/record/protection12.js';
import type { CertifiedKey, ServerConfig } from '../../src/server/config.js';
import { clientDhe, rsaClientPremaster, rsaEncryptPremaster } from '../../src/tls12/key-exchange.js';
import { keyBlock } from '../../src/tls12/keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret } from '../../src/tls12/prf.js';
import { tls12Protection } from '../../src/tls12/record-protection.js';
import { ContentType, ECPointFormat, NamedGroup, ProtocolVersion, SignatureScheme } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import {
  encodeDheClientKeyExchange,
  encodeEcdheClientKeyExchange,
  encodeRsaClientKeyExchange,
} from '../../src/wire/messages/client-key-exchange.js';
import { decodeDheServerKeyExchange, decodeEcdheServerKeyExchange } from '../../src/wire/messages/server-key-exchange.js';
import type { ClientHello, HandshakeMessage, ServerHello12 } from '../../src/wire/types.js';
import { failure } from './pair.js';
import { provider } from './pki.js';
import { readRecords, record, splitHandshakes } from './records.js';

/** What a TLS 1.2 client usually offers: ECDHE, DHE and (listed last) RSA key exchange suites. */
export const TLS12_CLIENT_SUITES: readonly number[] = [0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0x009e, 0x009c];

/** signature_algorithms of a TLS 1.2 client: our defaults plus PKCS#1. */
export const TLS12_CLIENT_SCHEMES: readonly number[] = [
  ...DEFAULT_SIGNATURE_SCHEMES,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
];

export interface KeyExchangeOptions {
  /** ECDHE: send this point instead of ours. */
  point?: Uint8Array;
  /** RSA: the premaster's version bytes (RFC 5246 §7.4.7.1 requires ClientHello.client_version). */
  premasterVersion?: number;
  /** RSA: flip a bit of the ciphertext before sending it. */
  corruptCiphertext?: boolean;
  /** RSA: send the ciphertext one byte short. */
  truncateCiphertext?: boolean;
  /** RSA: encrypt a well-formed premaster other than the one our keys come from. */
  otherPremaster?: boolean;
}

export class ScriptedTls12Client {
  readonly server: Connection;
  readonly events: ConnectionEvent[] = [];
  /** Every handshake message of the handshake, raw, in order (the transcript). */
  readonly messages: Uint8Array[] = [];
  /** The server's handshake messages, decoded, in order. */
  readonly fromServer: HandshakeMessage[] = [];
  /** Alerts the server sent, as [level, description]. */
  readonly alerts: [number, number][] = [];
  /** Application data the server sent, as latin1 text. */
  applicationData = '';
  random = provider.randomBytes(32);
  clientHelloMessage: ClientHello | undefined;
  serverHello: ServerHello12 | undefined;
  suite: Tls12Suite | undefined;
  master: Uint8Array | undefined;
  /** The server's ChangeCipherSpec arrived. */
  serverChangedCipherSpec = false;
  /** The server's Finished arrived and verified. */
  serverFinishedVerified = false;
  private share: KeyShare | undefined;
  protected encrypter: Tls12RecordEncrypter | undefined;
  private decrypter: Tls12RecordDecrypter | undefined;
  protected serverProtection: ReturnType<typeof tls12Protection> | undefined;

  constructor(config: ServerConfig, options: ConnectionOptions = {}) {
    this.server = Connection.server(config, options);
  }

  /** Called as the server's ChangeCipherSpec arrives, before its records are opened. */
  protected beforeServerChangeCipherSpec(): void {}

  /** Called with each handshake message of the server, as it is read. */
  protected onServerMessage(_msg: HandshakeMessage): void {}

  /** A plausible TLS 1.2 ClientHello (no supported_versions); `overrides` replace fields. */
  clientHello(overrides: Partial<Omit<ClientHello, 'extensions'>> = {}, extensions: Partial<ClientHello['extensions']> = {}): ClientHello {
    return {
      type: 'client_hello',
      legacy_version: ProtocolVersion.TLS1_2,
      random: this.random,
      legacy_session_id: new Uint8Array(0),
      cipher_suites: [...TLS12_CLIENT_SUITES],
      legacy_compression_methods: Uint8Array.of(0),
      ...overrides,
      extensions: {
        supported_groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.ffdhe2048],
        signature_algorithms: [...TLS12_CLIENT_SCHEMES],
        ec_point_formats: [ECPointFormat.uncompressed],
        extended_master_secret: true,
        renegotiation_info: new Uint8Array(0),
        unknown: [],
        ...extensions,
      },
    };
  }

  /** Sends a ClientHello in a plaintext record, then reads the server's flight. */
  sendClientHello(hello: ClientHello): void {
    this.clientHelloMessage = hello;
    const raw = encodeHandshake(hello);
    this.messages.push(raw);
    this.server.receive(record(ContentType.handshake, raw, ProtocolVersion.TLS1_0));
    this.collect();
    const sh = this.fromServer.find((m): m is ServerHello12 => m.type === 'server_hello_tls12');
    if (!sh) return;
    this.serverHello = sh;
    this.suite = tls12Suite(sh.cipher_suite);
    assert.ok(this.suite, `server chose a TLS 1.2 suite (0x${sh.cipher_suite.toString(16)})`);
  }

  /** Moves the server's events and output into `events`, `fromServer`, `alerts`, `applicationData`. */
  collect(): void {
    this.events.push(...this.server.takeEvents());
    for (const r of readRecords(this.server.takeOutput())) {
      let content = r.fragment;
      if (r.type === ContentType.change_cipher_spec) {
        assert.deepEqual([...content], [1]);
        this.serverChangedCipherSpec = true;
        this.beforeServerChangeCipherSpec();
        this.decrypter = new Tls12RecordDecrypter(provider, this.serverProtection!);
        continue;
      }
      if (this.decrypter) content = this.decrypter.open(r).content;
      if (r.type === ContentType.alert) this.alerts.push([content[0]!, content[1]!]);
      if (r.type === ContentType.application_data) this.applicationData += Buffer.from(content).toString('latin1');
      if (r.type === ContentType.handshake) {
        for (const raw of splitHandshakes(content)) {
          const msg = decodeHandshakeMessage(raw, 'tls12');
          this.fromServer.push(msg);
          this.onServerMessage(msg);
          if (msg.type === 'finished') {
            const expected = finishedVerifyData(provider, this.suite!.prfHash, this.master!, 'server', this.transcriptHash());
            assert.deepEqual(msg.verify_data, expected, 'server Finished verifies');
            this.serverFinishedVerified = true;
          }
          this.messages.push(raw);
        }
      }
    }
  }

  get failure(): TLSError | undefined {
    this.collect();
    return failure(this.events);
  }

  get completed(): boolean {
    this.collect();
    return this.events.some((e) => e.type === 'handshake-complete');
  }

  /** The first alert description the server sent. */
  get alert(): number | undefined {
    this.collect();
    return this.alerts[0]?.[1];
  }

  transcriptHash(): Uint8Array {
    return provider.hash(this.suite!.prfHash, concatBytes(this.messages));
  }

  private message<K extends HandshakeMessage['type']>(type: K): Extract<HandshakeMessage, { type: K }> | undefined {
    return this.fromServer.find((m) => m.type === type) as Extract<HandshakeMessage, { type: K }> | undefined;
  }

  /** Sends handshake messages (encoded as given) in one plaintext record, keeping the transcript. */
  sendPlaintext(...messages: (HandshakeMessage | Uint8Array)[]): void {
    const raws = messages.map((m) => (m instanceof Uint8Array ? m : encodeHandshake(m)));
    this.messages.push(...raws);
    this.server.receive(record(ContentType.handshake, concatBytes(raws)));
    this.collect();
  }

  /** Our Certificate (RFC 5246 §7.4.6); none sends an empty one. */
  sendCertificate(cert?: CertifiedKey): void {
    this.sendPlaintext({ type: 'certificate_tls12', certificate_list: cert ? cert.chain : [] });
  }

  /** A CertificateVerify over every message so far (RFC 5246 §7.4.8); `corrupt` flips a signature bit. */
  sendCertificateVerify(cert: CertifiedKey, scheme: number, options: { corrupt?: boolean } = {}): void {
    const signature = cert.key.sign(scheme, concatBytes(this.messages));
    if (options.corrupt) signature[signature.length - 1]! ^= 1;
    this.sendPlaintext({ type: 'certificate_verify', algorithm: scheme, signature });
  }

  /**
   * Our ClientKeyExchange for the chosen suite, then the master secret and keys (computed as a
   * correct client would, whatever we actually sent).
   */
  sendClientKeyExchange(options: KeyExchangeOptions = {}): void {
    const suite = this.suite!;
    const sh = this.serverHello!;
    let premaster: Uint8Array;
    let body: Uint8Array;
    if (suite.keyExchange === 'ECDHE') {
      const ske = decodeEcdheServerKeyExchange(this.message('server_key_exchange')!.body);
      this.share = provider.generateKeyShare(ske.params.group)!;
      premaster = this.share.agree(ske.params.point);
      body = encodeEcdheClientKeyExchange(options.point ?? this.share.publicKey);
    } else if (suite.keyExchange === 'DHE') {
      const ske = decodeDheServerKeyExchange(this.message('server_key_exchange')!.body);
      const dh = clientDhe(provider, { p: ske.params.dh_p, g: ske.params.dh_g, Ys: ske.params.dh_Ys });
      premaster = dh.premaster;
      body = encodeDheClientKeyExchange(dh.publicKey);
    } else {
      const leaf = provider.parseCertificate(this.message('certificate_tls12')!.certificate_list[0]!);
      premaster = rsaClientPremaster(provider, this.clientHelloMessage!.legacy_version);
      const sent = options.otherPremaster ? rsaClientPremaster(provider, this.clientHelloMessage!.legacy_version) : premaster.slice();
      if (options.premasterVersion !== undefined) {
        sent[0] = options.premasterVersion >> 8;
        sent[1] = options.premasterVersion & 0xff;
      }
      const encrypted = rsaEncryptPremaster(leaf.publicKey, sent);
      if (options.corruptCiphertext) encrypted[encrypted.length >> 1]! ^= 0x10;
      body = encodeRsaClientKeyExchange(options.truncateCiphertext ? encrypted.subarray(1) : encrypted);
    }
    const raw = encodeHandshake({ type: 'client_key_exchange', body });
    this.messages.push(raw);
    const ems = this.clientHelloMessage!.extensions.extended_master_secret === true && sh.extensions.extended_master_secret === true;
    this.master = ems
      ? extendedMasterSecret(provider, suite.prfHash, premaster, this.transcriptHash())
      : masterSecret(provider, suite.prfHash, premaster, this.random, sh.random);
    const etm = sh.extensions.encrypt_then_mac === true;
    const block = keyBlock(provider, suite, this.master, this.random, sh.random);
    this.encrypter = new Tls12RecordEncrypter(provider, tls12Protection(suite, block.client, etm));
    this.serverProtection = tls12Protection(suite, block.server, etm);
    this.server.receive(record(ContentType.handshake, raw));
    this.collect();
  }

  private changedCipherSpec = false;

  sendChangeCipherSpec(): void {
    this.changedCipherSpec = true;
    this.server.receive(record(ContentType.change_cipher_spec, Uint8Array.of(1)));
    this.collect();
  }

  /** Our Finished (protected once we sent ChangeCipherSpec, plaintext before); `corrupt` flips a bit. */
  sendFinished(options: { corrupt?: boolean } = {}): void {
    const verify_data = finishedVerifyData(provider, this.suite!.prfHash, this.master!, 'client', this.transcriptHash());
    if (options.corrupt) verify_data[0]! ^= 1;
    const raw = encodeHandshake({ type: 'finished', verify_data });
    this.messages.push(raw);
    this.server.receive(this.changedCipherSpec ? this.encrypter!.seal(ContentType.handshake, raw) : record(ContentType.handshake, raw));
    this.collect();
  }

  /** The rest of a correct handshake after the server's flight: ClientKeyExchange, CCS, Finished. */
  finishHandshake(options: KeyExchangeOptions = {}): void {
    this.sendClientKeyExchange(options);
    this.sendChangeCipherSpec();
    this.sendFinished();
  }

  /** One protected record after our ChangeCipherSpec. */
  sendProtected(type: ContentType, content: Uint8Array): void {
    this.server.receive(this.encrypter!.seal(type, content));
    this.collect();
  }
}
