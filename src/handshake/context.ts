import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import type { ConnectionEvent, HandshakeInfo } from '../events.js';
import type { KeyLogLabel } from '../keylog.js';
import type { Tls12Protection } from '../record/protection12.js';
import type { AlertDescription } from '../wire/codes.js';
import type { HandshakeEncodeOptions } from '../wire/handshake.js';
import type { HandshakeMessage } from '../wire/types.js';

/**
 * RFC 5246 §7.1: in TLS 1.2 a change_cipher_spec record is part of the handshake (it switches the
 * peer's records to the pending keys), so it reaches the TLS 1.2 state machines as this input.
 * It is not a handshake message and is not hashed into the transcript.
 */
export interface ChangeCipherSpecSignal {
  readonly type: 'change_cipher_spec';
}
export const CHANGE_CIPHER_SPEC: ChangeCipherSpecSignal = { type: 'change_cipher_spec' };

/** Keying material for `label` and `context` (undefined: none), `length` bytes. */
export type Exporter = (label: string, context: Uint8Array | undefined, length: number) => Uint8Array;

/** What a TLS 1.2 state machine receives: handshake messages and the peer's ChangeCipherSpec. */
export type Tls12Input = HandshakeMessage | ChangeCipherSpecSignal;

/**
 * A trace annotation. A function is called only when the connection traces, so a handshake that
 * nobody watches does not build strings for it.
 */
export type Detail = string | (() => string);

/** Which keys protect records: 0-RTT, handshake or application traffic keys (RFC 8446 §7.3). */
export type KeyPhase = 'early' | 'handshake' | 'application';

/** What a state machine may do to its connection. The Connection implements it. */
export interface HandshakeContext {
  readonly provider: CryptoProvider;
  /** Encodes and queues a handshake message; returns its bytes for the transcript. */
  send(msg: HandshakeMessage, detail?: Detail, options?: HandshakeEncodeOptions): Uint8Array;
  /** RFC 8446 §D.4 middlebox-compatibility change_cipher_spec (always plaintext). */
  sendChangeCipherSpec(): void;
  setReadKeys(suite: Tls13Suite, secret: Uint8Array, phase: KeyPhase): void;
  setWriteKeys(suite: Tls13Suite, secret: Uint8Array, phase: KeyPhase): void;
  /** Client: back to plaintext writes, for a ClientHello after HelloRetryRequest when early keys were set. */
  clearWriteKeys(): void;
  /**
   * Client, RFC 8446 §2.3: `data` as 0-RTT application data under the early write keys, right
   * after the ClientHello. `later` (what did not fit max_early_data_size) is sent after the
   * handshake, and so is `data` again if HandshakeInfo.earlyData ends 'rejected'.
   */
  sendEarlyData(data: Uint8Array, later: Uint8Array | undefined): void;
  /**
   * Server, RFC 8446 §4.2.10: application data under the early read keys is accepted, up to
   * `limit` bytes in all (more is unexpected_message), as 'early-data' events.
   */
  acceptEarlyData(limit: number): void;
  /**
   * RFC 8449 §4: both sides sent record_size_limit. Protected records we send carry at most
   * `peer` bytes of TLSInnerPlaintext; a received one longer than `own` is record_overflow.
   */
  setRecordSizeLimit(peer: number, own: number): void;
  /** A function for `secret` is called only when someone wants key-log lines. */
  keylog(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array | (() => Uint8Array)): void;
  /** Describes the message just received, for the trace. */
  describe(detail: Detail): void;
  /**
   * RFC 8446 §4.2.10: the server declined the client's 0-RTT data, so its early records must be
   * skipped: all application_data records until the second ClientHello (after a
   * HelloRetryRequest), or records that fail to decrypt under the handshake keys (otherwise).
   * undefined ends the skipping.
   */
  skipEarlyData(mode: 'application_data' | 'undecryptable' | undefined): void;
  /**
   * The version is settled (the client saw the ServerHello, the server chose). Messages decode as
   * this version from now on. TLS 1.2 also routes the peer's change_cipher_spec to the state
   * machine (CHANGE_CIPHER_SPEC), accepts TLS 1.2 record sizes (RFC 5246 §6.2.3) and warning
   * alerts (RFC 5246 §7.2), and lets a plaintext Certificate exceed the usual message bound.
   */
  settleVersion(version: 'TLSv1.2' | 'TLSv1.3'): void;
  /** RFC 5246 §7.1: sends our ChangeCipherSpec; every record we send after it is protected so. */
  changeWriteCipherSpec(protection: Tls12Protection): void;
  /** RFC 5246 §7.1: the peer's ChangeCipherSpec arrived; every record it sends next is protected so. */
  changeReadCipherSpec(protection: Tls12Protection): void;
  /** A warning alert; the connection stays open (RFC 5246 §7.2.2: no_renegotiation). */
  sendWarningAlert(description: AlertDescription): void;
  /**
   * The keying material exporter of this connection (RFC 8446 §7.5, RFC 5705), set once the
   * secrets it needs exist; exportKeyingMaterial() calls it after the handshake.
   */
  setExporter(exporter: Exporter): void;
  /** Runs `step`; while tracing, reports how long it took as a 'timing' event. */
  timed<T>(phase: 'key-exchange' | 'certificate-validation', step: () => T): T;
  complete(info: HandshakeInfo): void;
  emit(event: ConnectionEvent): void;
}
