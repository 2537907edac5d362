import type { ParsedCertificate, SigningKey } from '../crypto/provider.js';
import { DEFAULT_GROUPS } from '../crypto/groups.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../crypto/schemes.js';
import { DEFAULT_TLS13_SUITES } from '../crypto/suites.js';

/** A certificate chain with its private key, parsed once (DESIGN §6: never re-parse per handshake). */
export interface CertifiedKey {
  /** DER, leaf first. */
  chain: Uint8Array[];
  key: SigningKey;
  leaf: ParsedCertificate;
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
  signatureSchemes: readonly number[];
  honorCipherOrder: boolean;
}

export function resolveServerConfig(config: ServerConfig): ResolvedServerConfig {
  if (!config.certificates.length && !config.selectCertificates) throw new Error('a server needs at least one certificate');
  return {
    certificates: config.certificates,
    selectCertificates: config.selectCertificates,
    alpnProtocols: config.alpnProtocols ?? [],
    cipherSuites: config.cipherSuites?.length ? config.cipherSuites : DEFAULT_TLS13_SUITES,
    groups: config.groups?.length ? config.groups : DEFAULT_GROUPS,
    signatureSchemes: config.signatureSchemes?.length ? config.signatureSchemes : DEFAULT_SIGNATURE_SCHEMES,
    honorCipherOrder: config.honorCipherOrder ?? false,
  };
}
