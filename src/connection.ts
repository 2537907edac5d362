// The sans-IO connection (DESIGN §1): bytes in, bytes and events out. No sockets, timers, promises
// or globals. Every failure is caught here, in one place: it becomes an alert to the peer, a
// sticky failure and a `failed` event.
import { type Alloc, ByteSlab, concatBytes, newBytes } from './bytes.js';
import { type ClientConfig, type ResolvedClientConfig, resolveClientConfig } from './client/config.js';
import { type ClientState, handleClientInput } from './client/state.js';
import { startClient } from './client/tls13.js';
import type { CryptoProvider } from './crypto/provider.js';
import { nodeProvider } from './crypto/node.js';
import type { Tls13Suite } from './crypto/suites.js';
import { TLSError, asTLSError, unexpectedMessage } from './errors.js';
import type { ConnectionEvent, HandshakeInfo } from './events.js';
import { CHANGE_CIPHER_SPEC, type Exporter, type HandshakeContext, type KeyPhase, type Tls12Input } from './handshake/context.js';
import { type TrafficState, sendKeyUpdate } from './handshake/traffic.js';
import { type KeyLogLabel, keyLogLine } from './keylog.js';
import {
  AES_GCM_RECORD_LIMIT,
  CHACHA20_POLY1305_RECORD_LIMIT,
  MAX_CHANGE_CIPHER_SPEC,
  MAX_REJECTED_EARLY_DATA,
  MAX_WARNING_ALERTS,
} from './limits.js';
import { Deframer, type RawRecord } from './record/deframer.js';
import { HandshakeJoiner } from './record/joiner.js';
import { AEAD_TAG_LENGTH, type DecryptedRecord } from './record/protection.js';
import { RecordLayer } from './record/record-layer.js';
import { Tls12RecordDecrypter, Tls12RecordEncrypter } from './record/protection12.js';
import { type ResolvedServerConfig, type ServerConfig, resolveServerConfig } from './server/config.js';
import { type ServerState, handleServerInput } from './server/state.js';
import { postHandshakeAuthRefusal, requestClientCertificate, startServer } from './server/tls13.js';
import { trafficKeys } from './tls13/key-schedule.js';
import { type TraceEvent, messageName } from './trace.js';
import { AlertDescription, AlertLevel, ContentType, ProtocolVersion, alertName } from './wire/codes.js';
import { decodeHandshake, encodeHandshake } from './wire/handshake.js';
import type { WireVersion } from './wire/types.js';

export interface ConnectionOptions {
  provider?: CryptoProvider;
  /** 'handshake' traces handshake messages, CCS and alerts; 'all' adds every application-data record. */
  trace?: 'off' | 'handshake' | 'all';
  /**
   * Whether anyone wants key-log lines, asked each time a secret is derived (node:tls, too, only
   * logs keys while a 'keylog' listener exists). Default: always.
   */
  keylog?: () => boolean;
  /**
   * TLS 1.3: records we send under one traffic key before our own KeyUpdate renews it (RFC 8446
   * §5.5). Default: AES_GCM_RECORD_LIMIT or CHACHA20_POLY1305_RECORD_LIMIT for the suite; a
   * lower value rekeys more often (at least 1).
   */
  recordsPerKey?: number;
  /** A monotonic clock in ms for 'timing' events (default performance.now). */
  clock?: () => number;
  /** Trace events carry the bytes of handshake messages, alerts and ChangeCipherSpecs (TraceEvent.bytes). */
  traceBytes?: boolean;
}

type Role =
  | { role: 'client'; config: ResolvedClientConfig; state: ClientState }
  | { role: 'server'; config: ResolvedServerConfig; state: ServerState };

type Protection = TraceEvent['protection'];

// RFC 8446 §5: the change_cipher_spec record, always sent in plaintext.
const CHANGE_CIPHER_SPEC_RECORD = new Uint8Array([ContentType.change_cipher_spec, 0x03, 0x03, 0x00, 0x01, 0x01]);
const CHANGE_CIPHER_SPEC_BODY = Uint8Array.of(1);
const NO_BYTES: { bytes?: Uint8Array } = Object.freeze({});
// Compared with the record layer's bigint sequence numbers after every write.
const AES_GCM_LIMIT = BigInt(AES_GCM_RECORD_LIMIT);
const CHACHA20_POLY1305_LIMIT = BigInt(CHACHA20_POLY1305_RECORD_LIMIT);
const EMPTY = new Uint8Array(0);

export class Connection {
  readonly provider: CryptoProvider;
  private readonly machine: Role;
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner();
  private readonly records: RecordLayer;
  private readonly traceLevel: 'off' | 'handshake' | 'all';
  private readonly wantsKeylog: (() => boolean) | undefined;
  private readonly recordsPerKey: bigint | undefined;
  private readonly clock: () => number;
  private readonly traceBytes: boolean;

  private output: Uint8Array[] = [];
  /** Handshake output comes from a slab (ByteSlab) until the handshake completes, then each array is its own. */
  private alloc: Alloc = new ByteSlab().alloc;
  private events: ConnectionEvent[] = [];
  private pendingHandshake: Uint8Array[] = [];
  private pendingApplicationData: Uint8Array[] = [];
  private readProtection: Protection = 'plaintext';
  private writeProtection: Protection = 'plaintext';
  private readKeysChanged = false;
  private changeCipherSpecs = 0;
  private warningAlerts = 0;
  private earlyDataSkip: { mode: 'application_data' | 'undecryptable'; skipped: number } | undefined;
  /** Server: bytes of 0-RTT data still acceptable (RFC 8446 §4.2.10 max_early_data_size); undefined when none is. */
  private earlyDataAllowance: number | undefined;
  /** Client: the 0-RTT data sent, to send again if the server rejects it. */
  private earlyDataSent: Uint8Array | undefined;
  /** RFC 8449: the record_size_limit we advertised, once the peer agreed to it. */
  private receiveRecordLimit: number | undefined;
  /** Until our first flush, a client's records hold its initial ClientHello. */
  private initialClientHello: boolean;
  private lastReceived: TraceEvent | undefined;
  private exporter: Exporter | undefined;
  /** How handshake messages decode: 'tls12' while TLS 1.2 is negotiated or still possible. */
  private wireVersion: WireVersion = 'tls13';
  /** Set once the state machine settles the version (ServerHello sent or received). */
  private version: 'TLSv1.2' | 'TLSv1.3' | undefined;

  private failure: TLSError | undefined;
  private info: HandshakeInfo | undefined;
  private sentClose = false;
  private receivedClose = false;

  private constructor(machine: Role, options: ConnectionOptions) {
    this.provider = options.provider ?? nodeProvider;
    (this.context as { provider: CryptoProvider }).provider = this.provider;
    this.records = new RecordLayer(this.provider);
    this.machine = machine;
    this.initialClientHello = machine.role === 'client';
    this.traceLevel = options.trace ?? 'handshake';
    this.wantsKeylog = options.keylog;
    this.clock = options.clock ?? (() => performance.now());
    this.traceBytes = options.traceBytes ?? false;
    const perKey = options.recordsPerKey;
    if (perKey !== undefined && (!Number.isSafeInteger(perKey) || perKey < 1)) throw new RangeError('recordsPerKey must be a positive integer');
    this.recordsPerKey = perKey === undefined ? undefined : BigInt(perKey);
  }

  static client(config: ClientConfig, options: ConnectionOptions = {}): Connection {
    const resolved = resolveClientConfig(config);
    const conn = new Connection({ role: 'client', config: resolved, state: undefined as never }, options);
    // A client offering TLS 1.2 reads the ServerHello in TLS 1.2 terms until the version is known.
    if (resolved.minVersion <= ProtocolVersion.TLS1_2) conn.wireVersion = 'tls12';
    conn.guard(() => {
      conn.machine.state = startClient(conn.context, resolved);
    });
    // 0-RTT data no ticket could carry is ordinary data after the handshake.
    if (resolved.earlyData.length && !conn.earlyDataSent) conn.pendingApplicationData.push(resolved.earlyData);
    return conn;
  }

  static server(config: ServerConfig, options: ConnectionOptions = {}): Connection {
    return Connection.serverResolved(resolveServerConfig(config), options);
  }

  /** A server on a configuration resolveServerConfig already checked (adapters reuse one per listener). */
  static serverResolved(resolved: ResolvedServerConfig, options: ConnectionOptions = {}): Connection {
    const conn = new Connection({ role: 'server', config: resolved, state: startServer() }, options);
    // The ClientHello's TLS 1.2 extensions are typed (and checked) only when we may answer in 1.2.
    if (resolved.minVersion <= ProtocolVersion.TLS1_2) conn.wireVersion = 'tls12';
    return conn;
  }

  get role(): 'client' | 'server' {
    return this.machine.role;
  }
  get handshakeComplete(): boolean {
    return this.info !== undefined;
  }
  get handshakeInfo(): HandshakeInfo | undefined {
    return this.info;
  }
  get error(): TLSError | undefined {
    return this.failure;
  }
  get peerClosed(): boolean {
    return this.receivedClose;
  }
  /** Whether the connection can still carry data in at least one direction. */
  get open(): boolean {
    return !this.failure && !(this.sentClose && this.receivedClose);
  }

  /** Bytes from the peer, in any chunking. */
  receive(bytes: Uint8Array): void {
    if (this.failure || this.receivedClose) return;
    this.guard(() => {
      this.deframer.push(bytes);
      for (let record = this.deframer.next(); record; record = this.deframer.next()) {
        this.onRecord(record);
        if (this.failure || this.receivedClose) break;
      }
    });
  }

  /** Application data to send; held until the handshake completes. */
  write(data: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.sentClose) throw new Error('write after close()');
    if (!this.info) {
      this.pendingApplicationData.push(data);
      return;
    }
    this.guard(() => this.sendApplicationData(data));
  }

  /** Sends close_notify (RFC 8446 §6.1). The peer may still send until it closes too. */
  close(): void {
    if (this.failure || this.sentClose) return;
    this.guard(() => {
      this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.sentClose = true;
    });
  }

  /** RFC 8446 §4.6.3: update our sending keys, optionally asking the peer to update too. */
  updateKeys(requestPeer = false): void {
    const m = this.machine;
    if (this.version === 'TLSv1.2') throw new Error('TLS 1.2 has no KeyUpdate');
    if (!this.info || m.state.kind !== 'Traffic' || this.failure) throw new Error('keys can be updated only after the handshake');
    this.guard(() => {
      m.state = sendKeyUpdate(m.state as never, this.context, requestPeer) as never;
    });
  }

  /**
   * Server, RFC 8446 §4.6.2: asks the client for a certificate now, under the application keys.
   * Its answer arrives as a 'peer-authenticated' event (a certificate that fails validation is
   * fatal when clientAuth.required, else recorded as node:tls does). Throws a plain Error when
   * it cannot be asked (see postHandshakeAuthRefusal): TLS 1.2, no post_handshake_auth from the
   * client, no clientAuth configured, a request already in progress.
   */
  requestClientCertificate(): void {
    const m = this.machine;
    if (m.role !== 'server') throw new Error('only a server requests a client certificate');
    if (this.failure || this.sentClose) throw new Error('the connection is closed');
    const refusal = postHandshakeAuthRefusal(m.state, m.config);
    if (refusal) throw new Error(refusal);
    this.guard(() => {
      m.state = requestClientCertificate(m.state as never, this.context, m.config);
    });
  }

  /**
   * RFC 5705 / RFC 8446 §7.5 keying material, as node:tls exportKeyingMaterial(length, label,
   * context). Usable once the handshake is complete; bad arguments throw a plain Error.
   */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    if (!this.info || !this.exporter) throw new Error('keying material can be exported only after the handshake');
    if (!Number.isInteger(length) || length < 1) throw new RangeError(`length must be a positive integer, got ${length}`);
    try {
      return this.exporter(label, context, length);
    } catch (err) {
      // The derivations' own bounds (label and context sizes, output length, reserved labels).
      throw new RangeError(err instanceof Error ? err.message : String(err));
    }
  }

  takeOutput(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  takeEvents(): ConnectionEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  // --- receiving ---------------------------------------------------------------------------

  private onRecord(record: RawRecord): void {
    const tls12 = this.version === 'TLSv1.2';
    // TLS 1.3 protects every record as application_data (RFC 8446 §5.2); TLS 1.2 every record
    // after the peer's ChangeCipherSpec, under its own type.
    const wasProtected = this.readProtection !== 'plaintext' && (tls12 || record.type === ContentType.application_data);
    // RFC 8449 §4: a record larger than the limit we advertised MUST be answered with record_overflow.
    // TLS 1.3 counts TLSInnerPlaintext (content and type byte); TLS 1.2 the plaintext, checked below.
    const limit = this.receiveRecordLimit;
    if (!tls12 && wasProtected && limit !== undefined && record.fragment.length - AEAD_TAG_LENGTH > limit) {
      throw new TLSError(AlertDescription.record_overflow, `protected record exceeds our record_size_limit ${limit}`);
    }
    // A TLS 1.3 peer that fails before it has our keys can only send its alert in plaintext; keep its reason.
    if (!tls12 && record.type === ContentType.alert && !this.info && this.readProtection !== 'plaintext') {
      return this.onAlert(record.fragment);
    }
    let decoded: DecryptedRecord | undefined;
    if (this.earlyDataSkip && record.type === ContentType.application_data) {
      decoded = this.skipEarlyRecord(record);
      if (!decoded) return;
    }
    const { type, content } = decoded ?? this.records.decode(record);
    if (tls12 && wasProtected && limit !== undefined && content.length > limit) {
      throw new TLSError(AlertDescription.record_overflow, `protected record exceeds our record_size_limit ${limit}`);
    }
    // RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other record types.
    if (type !== ContentType.handshake && !this.joiner.empty) {
      throw unexpectedMessage('a record interleaved with a fragmented handshake message');
    }
    switch (type) {
      case ContentType.change_cipher_spec:
        return this.onChangeCipherSpec(content, wasProtected);
      case ContentType.alert:
        return this.onAlert(content);
      case ContentType.handshake:
        // RFC 5246 §7.1: where the peer's ChangeCipherSpec is due (TLS 1.2 states named
        // Expect…ChangeCipherSpec), a handshake record is out of order. Refuse it before the joiner
        // reads protected bytes as a message header.
        if (tls12 && this.awaitingChangeCipherSpec()) throw unexpectedMessage('handshake record where ChangeCipherSpec was expected');
        return this.onHandshakeData(content);
      case ContentType.application_data:
        return this.onApplicationData(content);
      default:
        throw unexpectedMessage(`unexpected record type ${type}`);
    }
  }

  private awaitingChangeCipherSpec(): boolean {
    const state = this.machine.state;
    return 'version' in state && state.version === 'tls12' && state.kind.endsWith('ChangeCipherSpec');
  }

  /**
   * RFC 8446 §4.2.10: drops rejected 0-RTT records (returns undefined), or returns the first record
   * that decrypts under the handshake keys, which ends the skipping.
   */
  private skipEarlyRecord(record: RawRecord): DecryptedRecord | undefined {
    const skip = this.earlyDataSkip!;
    if (skip.mode === 'undecryptable') {
      try {
        const decoded = this.records.decode(record);
        this.earlyDataSkip = undefined;
        return decoded;
      } catch (err) {
        if (!(err instanceof TLSError) || err.alert !== AlertDescription.bad_record_mac) throw err;
      }
    }
    skip.skipped += record.fragment.length;
    const m = this.machine;
    // Per record: the type byte and tag around up to 2^14 bytes of data.
    const configured = m.role === 'server' ? m.config.maxEarlyData + Math.ceil(m.config.maxEarlyData / 2 ** 14 + 1) * (1 + AEAD_TAG_LENGTH) : 0;
    if (skip.skipped > Math.max(MAX_REJECTED_EARLY_DATA, configured)) {
      throw new TLSError(AlertDescription.unexpected_message, 'too much rejected early data');
    }
    return undefined;
  }

  /**
   * RFC 8446 §5: a compatibility CCS is dropped; anything else about it is unexpected_message.
   * RFC 5246 §7.1: in TLS 1.2 it is the peer's switch to the pending keys, for the state machine.
   */
  private onChangeCipherSpec(content: Uint8Array, wasProtected: boolean): void {
    if (this.version === 'TLSv1.2') {
      if (wasProtected || this.info) throw unexpectedMessage('change_cipher_spec at this point');
      if (content.length !== 1 || content[0] !== 1) throw unexpectedMessage('malformed change_cipher_spec');
      this.trace({ direction: 'received', kind: 'change_cipher_spec', name: 'ChangeCipherSpec', size: 1, protection: this.readProtection, ...this.bytesOf(CHANGE_CIPHER_SPEC_BODY) });
      this.dispatch(CHANGE_CIPHER_SPEC, EMPTY);
      return;
    }
    const beforeFirstHello = this.machine.role === 'server' && this.machine.state.kind === 'ExpectClientHello';
    if (wasProtected || this.info || beforeFirstHello) throw unexpectedMessage('change_cipher_spec at this point');
    if (content.length !== 1 || content[0] !== 1) throw unexpectedMessage('malformed change_cipher_spec');
    if (++this.changeCipherSpecs > MAX_CHANGE_CIPHER_SPEC) throw unexpectedMessage('too many change_cipher_spec records');
    this.trace({ direction: 'received', kind: 'change_cipher_spec', name: 'ChangeCipherSpec', size: 1, protection: 'plaintext', ...this.bytesOf(CHANGE_CIPHER_SPEC_BODY) });
  }

  private onAlert(content: Uint8Array): void {
    // RFC 8446 §5.1: alerts are never fragmented or coalesced.
    if (content.length !== 2) throw new TLSError(AlertDescription.decode_error, 'alert record is not 2 bytes');
    const description = content[1]! as AlertDescription;
    this.trace({ direction: 'received', kind: 'alert', name: alertName(description), size: 2, protection: this.readProtection, ...this.bytesOf(content) });
    if (description === AlertDescription.close_notify) {
      this.receivedClose = true;
      this.events.push({ type: 'peer-closed' });
      return;
    }
    // RFC 8446 §6: user_canceled is followed by close_notify; every other alert is fatal. RFC 5246
    // §7.2: TLS 1.2 also has warning alerts (no_renegotiation, …) after which the connection goes on.
    const warning = this.version === 'TLSv1.2' && content[0] === AlertLevel.warning;
    if (description === AlertDescription.user_canceled || warning) {
      if (++this.warningAlerts > MAX_WARNING_ALERTS) throw unexpectedMessage(`too many ${alertName(description)} alerts`);
      return;
    }
    throw new TLSError(description, `peer sent a ${alertName(description)} alert`, { fromPeer: true });
  }

  private onHandshakeData(content: Uint8Array): void {
    this.joiner.push(content);
    for (let m = this.joiner.next(); m; m = this.joiner.next()) {
      const msg = decodeHandshake(m.msgType, m.body, this.wireVersion);
      this.lastReceived = this.trace({
        direction: 'received',
        kind: 'handshake',
        name: messageName(msg.type),
        size: m.raw.length,
        protection: this.readProtection,
        ...this.bytesOf(m.raw),
      });
      this.readKeysChanged = false;
      this.dispatch(msg, m.raw);
      this.lastReceived = undefined;
      // RFC 8446 §5.1: handshake messages MUST NOT span a key change.
      if (this.readKeysChanged && !this.joiner.empty) {
        throw unexpectedMessage('handshake data after a key change in the same record');
      }
      if (this.failure) return;
    }
  }

  private dispatch(msg: Tls12Input, raw: Uint8Array): void {
    const m = this.machine;
    if (m.role === 'client') m.state = handleClientInput(m.state, msg, raw, this.context, m.config);
    else m.state = handleServerInput(m.state, msg, raw, this.context, m.config);
    this.flushHandshake();
  }

  private onApplicationData(content: Uint8Array): void {
    if (!this.info) {
      if (this.readProtection === 'early' && this.earlyDataAllowance !== undefined) return this.onEarlyData(content);
      throw unexpectedMessage('application data before the handshake completed');
    }
    const state = this.machine.state;
    if (state.kind === 'Traffic' && 'keyUpdates' in state) state.keyUpdates = 0;
    if (this.traceLevel === 'all') {
      this.trace({ direction: 'received', kind: 'application_data', name: 'ApplicationData', size: content.length, protection: 'application' });
    }
    if (content.length) this.events.push({ type: 'data', data: content });
  }

  /** RFC 8446 §4.2.10: accepted 0-RTT data, bounded by the max_early_data_size we advertised. */
  private onEarlyData(content: Uint8Array): void {
    this.earlyDataAllowance! -= content.length;
    if (this.earlyDataAllowance! < 0) throw unexpectedMessage('early data exceeds max_early_data_size');
    this.trace({ direction: 'received', kind: 'application_data', name: 'EarlyData', size: content.length, protection: 'early' });
    if (content.length) this.events.push({ type: 'early-data', data: content });
  }

  // --- sending -----------------------------------------------------------------------------

  private sendApplicationData(data: Uint8Array): void {
    if (this.traceLevel === 'all') {
      this.trace({ direction: 'sent', kind: 'application_data', name: 'ApplicationData', size: data.length, protection: 'application' });
    }
    for (const record of this.records.encode(ContentType.application_data, data)) this.output.push(record);
    this.rekeyWhenDue();
  }

  /** RFC 8446 §5.5, §4.6.3: a KeyUpdate before our write key reaches its AEAD's record limit. */
  private rekeyWhenDue(): void {
    const m = this.machine;
    if (this.version !== 'TLSv1.3' || m.state.kind !== 'Traffic') return;
    const sent = this.records.writeSequence;
    const state = m.state as TrafficState;
    const limit = this.recordsPerKey ?? (state.suite.aead === 'chacha20-poly1305' ? CHACHA20_POLY1305_LIMIT : AES_GCM_LIMIT);
    if (sent === undefined || sent < limit) return;
    m.state = sendKeyUpdate(state, this.context, false) as never;
    this.flushHandshake();
  }

  private sendAlert(level: number, description: AlertDescription): void {
    this.flushHandshake();
    this.trace({ direction: 'sent', kind: 'alert', name: alertName(description), size: 2, protection: this.writeProtection, ...this.bytesOf(Uint8Array.of(level, description)) });
    for (const record of this.records.encode(ContentType.alert, new Uint8Array([level, description]))) this.output.push(record);
  }

  private flushHandshake(): void {
    if (!this.pendingHandshake.length) return;
    const data = concatBytes(this.pendingHandshake, this.alloc);
    this.pendingHandshake = [];
    // RFC 8446 §5.1: an initial ClientHello MAY carry legacy_record_version 0x0301; OpenSSL, NSS,
    // Go and rustls send it so, for servers and middleboxes that expect it.
    const options = this.initialClientHello ? { legacyRecordVersion: ProtocolVersion.TLS1_0, alloc: this.alloc } : { alloc: this.alloc };
    this.initialClientHello = false;
    for (const record of this.records.encode(ContentType.handshake, data, options)) this.output.push(record);
  }

  private fail(err: TLSError): void {
    if (this.failure) return;
    this.failure = err;
    this.pendingHandshake = [];
    this.pendingApplicationData = [];
    if (!err.fromPeer) {
      try {
        this.sendAlert(AlertLevel.fatal, err.alert);
      } catch {
        // The alert is a courtesy; the failure stands either way.
      }
    }
    this.events.push({ type: 'failed', error: err });
  }

  private guard(action: () => void): void {
    try {
      action();
      this.flushHandshake();
      // Past the handshake a slab would keep a few KiB alive per idle connection.
      if (this.info) this.alloc = newBytes;
    } catch (err) {
      this.fail(asTLSError(err));
    }
  }

  /** TraceEvent.bytes, a copy (received bytes may be views of buffers that are reused), when wanted. */
  private bytesOf(bytes: Uint8Array): { bytes?: Uint8Array } {
    return this.traceBytes ? { bytes: bytes.slice() } : NO_BYTES;
  }

  private trace(event: Omit<TraceEvent, 'time'>): TraceEvent | undefined {
    if (this.traceLevel === 'off') return undefined;
    const full: TraceEvent = { ...event, time: this.provider.now() };
    this.events.push({ type: 'trace', event: full });
    return full;
  }

  // --- what the state machines may do --------------------------------------------------------

  private readonly context: HandshakeContext = {
    provider: undefined as unknown as CryptoProvider, // set in the constructor
    send: (msg, detail, options) => {
      const bytes = encodeHandshake(msg, options, this.alloc);
      this.pendingHandshake.push(bytes);
      if (this.traceLevel !== 'off') {
        const text = typeof detail === 'function' ? detail() : detail;
        this.trace({
          direction: 'sent',
          kind: 'handshake',
          name: messageName(msg.type),
          size: bytes.length,
          protection: this.writeProtection,
          ...(text ? { detail: text } : {}),
          ...this.bytesOf(bytes),
        });
      }
      return bytes;
    },
    sendChangeCipherSpec: () => {
      this.flushHandshake();
      this.output.push(CHANGE_CIPHER_SPEC_RECORD);
      this.trace({ direction: 'sent', kind: 'change_cipher_spec', name: 'ChangeCipherSpec', size: 1, protection: 'plaintext', ...this.bytesOf(CHANGE_CIPHER_SPEC_BODY) });
    },
    setReadKeys: (suite: Tls13Suite, secret: Uint8Array, phase: KeyPhase) => {
      const { key, iv } = trafficKeys(this.provider, suite, secret);
      this.records.setReadKeys(suite, key, iv);
      this.readProtection = phase;
      if (phase !== 'early') this.earlyDataAllowance = undefined;
      this.readKeysChanged = true;
      // Certificates arrive under handshake keys, never before.
      this.joiner.allowLargeCertificates();
    },
    setWriteKeys: (suite: Tls13Suite, secret: Uint8Array, phase: KeyPhase) => {
      this.flushHandshake();
      const { key, iv } = trafficKeys(this.provider, suite, secret);
      this.records.setWriteKeys(suite, key, iv);
      this.writeProtection = phase;
    },
    clearWriteKeys: () => {
      this.flushHandshake();
      this.records.clearWriteKeys();
      this.writeProtection = 'plaintext';
    },
    sendEarlyData: (data, later) => {
      this.flushHandshake();
      this.trace({ direction: 'sent', kind: 'application_data', name: 'EarlyData', size: data.length, protection: this.writeProtection });
      for (const record of this.records.encode(ContentType.application_data, data)) this.output.push(record);
      this.earlyDataSent = data;
      if (later?.length) this.pendingApplicationData.unshift(later);
    },
    acceptEarlyData: (limit) => {
      this.earlyDataAllowance = limit;
    },
    setRecordSizeLimit: (peer: number, own: number) => {
      this.records.setRecordSizeLimit(peer);
      this.receiveRecordLimit = own;
    },
    keylog: (label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array | (() => Uint8Array)) => {
      if (this.wantsKeylog && !this.wantsKeylog()) return;
      const value = typeof secret === 'function' ? secret() : secret;
      this.events.push({ type: 'keylog', line: keyLogLine(label, clientRandom, value) });
    },
    describe: (detail) => {
      if (this.lastReceived) this.lastReceived.detail = typeof detail === 'function' ? detail() : detail;
    },
    skipEarlyData: (mode) => {
      this.earlyDataSkip = mode ? { mode, skipped: this.earlyDataSkip?.skipped ?? 0 } : undefined;
    },
    setExporter: (exporter) => {
      this.exporter = exporter;
    },
    timed: (phase, step) => {
      if (this.traceLevel === 'off') return step();
      const start = this.clock();
      const result = step();
      this.events.push({ type: 'timing', phase, ms: this.clock() - start });
      return result;
    },
    complete: (info: HandshakeInfo) => {
      this.flushHandshake();
      this.info = info;
      this.events.push({ type: 'handshake-complete', info });
      const pending = this.pendingApplicationData;
      this.pendingApplicationData = [];
      // RFC 8446 §4.2.10: rejected 0-RTT data is lost to the server; it goes again, first.
      if (info.earlyData === 'rejected' && this.earlyDataSent) pending.unshift(this.earlyDataSent);
      this.earlyDataSent = undefined;
      for (const data of pending) this.sendApplicationData(data);
    },
    emit: (event) => {
      if (event.type === 'peer-authenticated' && this.info) this.info = { ...this.info, ...event.peer };
      this.events.push(event);
    },
    settleVersion: (version) => {
      this.version = version;
      if (version === 'TLSv1.3') {
        this.wireVersion = 'tls13';
        return;
      }
      this.wireVersion = 'tls12';
      this.deframer.allowTls12Records();
      // RFC 5246 §7.4.2: the server's Certificate comes in plaintext, right after the ServerHello.
      this.joiner.allowLargeCertificates();
    },
    changeWriteCipherSpec: (protection) => {
      this.flushHandshake();
      this.output.push(CHANGE_CIPHER_SPEC_RECORD);
      this.trace({ direction: 'sent', kind: 'change_cipher_spec', name: 'ChangeCipherSpec', size: 1, protection: this.writeProtection, ...this.bytesOf(CHANGE_CIPHER_SPEC_BODY) });
      this.records.setWriteProtection(new Tls12RecordEncrypter(this.provider, protection));
      this.writeProtection = 'application';
    },
    changeReadCipherSpec: (protection) => {
      this.records.setReadProtection(new Tls12RecordDecrypter(this.provider, protection));
      this.readProtection = 'application';
      this.readKeysChanged = true;
    },
    sendWarningAlert: (description) => {
      this.sendAlert(AlertLevel.warning, description);
    },
  };

}
