import type { TLSError } from './errors.js';
import type { ParsedCertificate } from './crypto/provider.js';
import type { OcspResult } from './pki/ocsp.js';
import type { TraceEvent } from './trace.js';

/** What a finished handshake negotiated. */
export interface HandshakeInfo {
  version: 'TLSv1.3' | 'TLSv1.2';
  cipherSuite: number;
  cipherSuiteName: string;
  group: number;
  groupName: string;
  /**
   * The scheme the server signed CertificateVerify (TLS 1.3) or ServerKeyExchange (TLS 1.2 ECDHE,
   * DHE) with; 0 with no server signature (TLS 1.2 RSA key exchange).
   */
  signatureScheme: number;
  signatureSchemeName: string;
  alpnProtocol: string | false;
  /** SNI as sent (client) or received (server). */
  serverName: string | undefined;
  /** Leaf first, as the peer sent them (empty when the peer sent none). */
  peerCertificates: ParsedCertificate[];
  /** The chain validation built (leaf first, anchor last); empty when not validated. */
  verifiedChain: ParsedCertificate[];
  /** Whether the peer's certificate validated. */
  authorized: boolean;
  authorizationError: TLSError | undefined;
  helloRetryRequest: boolean;
  /** An abbreviated handshake resumed an earlier session (TLS 1.2 session ID or ticket, TLS 1.3 PSK). */
  resumed?: boolean;
  /** TLS 1.2: RFC 7627 extended master secret was negotiated (always, unless the peer lacks it). */
  extendedMasterSecret?: boolean;
  /** TLS 1.2: RFC 7366 encrypt_then_mac protects the records (CBC suites only). */
  encryptThenMac?: boolean;
  /**
   * Client: the server's stapled OCSP status for its leaf, verified (RFC 8446 §4.4.2.1); absent
   * when none was stapled or it could not be checked against an issuer.
   */
  ocsp?: OcspResult;
  /**
   * 0-RTT (RFC 8446 §4.2.10), when the client offered it: 'accepted' (the server read it as early
   * data) or 'rejected' (skipped by the server; a client sent it again after the handshake).
   */
  earlyData?: 'accepted' | 'rejected';
}

export type ConnectionEvent =
  | { type: 'handshake-complete'; info: HandshakeInfo }
  /**
   * Client: a session the next connection to the same server may resume (pass it back as the
   * `session` option). Opaque, versioned bytes: node:tls's 'session' event and getSession().
   */
  | { type: 'session'; session: Uint8Array }
  | { type: 'data'; data: Uint8Array }
  /**
   * Server: 0-RTT application data (RFC 8446 §2.3), before the handshake completes. Unlike 'data',
   * an attacker can replay it (RFC 8446 §8): act on it only if repeating it is harmless.
   */
  | { type: 'early-data'; data: Uint8Array }
  | { type: 'key-update'; direction: 'read' | 'write' }
  /**
   * How long a costly step of the handshake took, in ms (only while tracing): the (EC)DHE
   * computations ('key-exchange': our share, the agreement; one event each) and the validation
   * of the peer's certificate chain with its stapled OCSP ('certificate-validation').
   */
  | { type: 'timing'; phase: 'key-exchange' | 'certificate-validation'; ms: number }
  /**
   * Server: the client answered a post-handshake CertificateRequest (RFC 8446 §4.6.2); its
   * identity is now this one (handshakeInfo is updated with it).
   */
  | { type: 'peer-authenticated'; peer: Pick<HandshakeInfo, 'peerCertificates' | 'verifiedChain' | 'authorized' | 'authorizationError'> }
  | { type: 'peer-closed' }
  | { type: 'failed'; error: TLSError }
  /** One NSS key-log line (SSLKEYLOGFILE format), without newline. */
  | { type: 'keylog'; line: string }
  | { type: 'trace'; event: TraceEvent };
