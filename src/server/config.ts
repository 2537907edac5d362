import type { ParsedCertificate, SigningKey } from '../crypto/provider.js';
import { DEFAULT_GROUPS } from '../crypto/groups.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../crypto/schemes.js';
import { DEFAULT_TLS13_SUITES } from '../crypto/suites.js';
import { MAX_INNER_PLAINTEXT } from '../record/protection.js';
import { MIN_RECORD_SIZE_LIMIT } from '../record/record-layer.js';

/** A certificate chain with its private key, parsed once (DESIGN §6: never re-parse per handshake). */
export interface CertifiedKey {
  /** DER, leaf first. */
  chain: Uint8Array[];
  key: SigningKey;
  leaf: ParsedCertificate;
  /**
   * An OCSPResponse (DER) for `leaf`, stapled in its CertificateEntry when the client sent
   * status_request (RFC 8446 §4.4.2.1, RFC 6066 §8). Sent as configured: refreshing it before
   * nextUpdate is the application's job, as with nginx's ssl_stapling_file.
   */
  ocsp?: Uint8Array;
}

export interface ServerConfig {
  /** Certificates to serve; the first is the default when SNI picks none. */
  certificates: CertifiedKey[];
  /**
   * Chooses candidate certificates for the SNI name (node:tls SNICallback, made synchronous: the
   * Node adapter resolves an async SNICallback before the core sees the ClientHello).
   */
  selectCertificates?: (serverName: string | undefined) => CertifiedKey[] | undefined;
  /** Server's ALPN protocols, preference order. */
  alpnProtocols?: readonly string[];
  cipherSuites?: readonly number[];
  /** Groups we accept, preference order. A client share outside this list triggers HelloRetryRequest. */
  groups?: readonly number[];
  /**
   * Lists `groups` in EncryptedExtensions (RFC 8446 §4.2.7), a hint the client may use for later
   * connections. Off by default: the client may not act on it during this handshake, and most
   * servers leave it out.
   */
  advertiseGroups?: boolean;
  /**
   * RFC 8449 record_size_limit we answer with when the client offers one: the largest
   * TLSInnerPlaintext we accept, 64..2^14+1 (default 2^14+1, i.e. no limit beyond TLS 1.3's).
   */
  recordSizeLimit?: number;
  signatureSchemes?: readonly number[];
  /** node:tls honorCipherOrder: pick by our order instead of the client's. */
  honorCipherOrder?: boolean;
}

export interface ResolvedServerConfig {
  certificates: CertifiedKey[];
  selectCertificates: ((serverName: string | undefined) => CertifiedKey[] | undefined) | undefined;
  alpnProtocols: readonly string[];
  cipherSuites: readonly number[];
  groups: readonly number[];
  advertiseGroups: boolean;
  recordSizeLimit: number;
  signatureSchemes: readonly number[];
  honorCipherOrder: boolean;
}

/** RFC 6066 §8 CertificateStatus: opaque OCSPResponse<1..2^24-1>. */
export function checkStaple(certified: CertifiedKey): void {
  const n = certified.ocsp?.length;
  if (n !== undefined && (n < 1 || n > 0xffffff)) throw new Error('an OCSP response to staple must have 1 to 2^24-1 bytes');
}

export function resolveServerConfig(config: ServerConfig): ResolvedServerConfig {
  if (!config.certificates.length && !config.selectCertificates) throw new Error('a server needs at least one certificate');
  for (const c of config.certificates) checkStaple(c);
  const recordSizeLimit = config.recordSizeLimit ?? MAX_INNER_PLAINTEXT;
  if (!Number.isInteger(recordSizeLimit) || recordSizeLimit < MIN_RECORD_SIZE_LIMIT || recordSizeLimit > MAX_INNER_PLAINTEXT) {
    // RFC 8449 §4: at least 64, and at most what TLS 1.3 allows (2^14 + 1).
    throw new Error(`recordSizeLimit must be an integer from ${MIN_RECORD_SIZE_LIMIT} to ${MAX_INNER_PLAINTEXT}`);
  }
  return {
    certificates: config.certificates,
    selectCertificates: config.selectCertificates,
    alpnProtocols: config.alpnProtocols ?? [],
    cipherSuites: config.cipherSuites?.length ? config.cipherSuites : DEFAULT_TLS13_SUITES,
    groups: config.groups?.length ? config.groups : DEFAULT_GROUPS,
    advertiseGroups: config.advertiseGroups ?? false,
    recordSizeLimit,
    signatureSchemes: config.signatureSchemes?.length ? config.signatureSchemes : DEFAULT_SIGNATURE_SCHEMES,
    honorCipherOrder: config.honorCipherOrder ?? false,
  };
}
