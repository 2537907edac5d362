import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import type { ConnectionEvent, HandshakeInfo } from '../events.js';
import type { KeyLogLabel } from '../keylog.js';
import type { HandshakeEncodeOptions } from '../wire/handshake.js';
import type { HandshakeMessage } from '../wire/types.js';

/**
 * A trace annotation. A function is called only when the connection traces, so a handshake that
 * nobody watches does not build strings for it.
 */
export type Detail = string | (() => string);

/** What a state machine may do to its connection. The Connection implements it. */
export interface HandshakeContext {
  readonly provider: CryptoProvider;
  /** Encodes and queues a handshake message; returns its bytes for the transcript. */
  send(msg: HandshakeMessage, detail?: Detail, options?: HandshakeEncodeOptions): Uint8Array;
  /** RFC 8446 §D.4 middlebox-compatibility change_cipher_spec (always plaintext). */
  sendChangeCipherSpec(): void;
  setReadKeys(suite: Tls13Suite, secret: Uint8Array, phase: 'handshake' | 'application'): void;
  setWriteKeys(suite: Tls13Suite, secret: Uint8Array, phase: 'handshake' | 'application'): void;
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
  complete(info: HandshakeInfo): void;
  emit(event: ConnectionEvent): void;
}
