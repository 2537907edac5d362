import type { SigningKey } from '../crypto/provider.js';
import { DEFAULT_GROUPS } from '../crypto/groups.js';
import { DEFAULT_CERT_SIGNATURE_SCHEMES, DEFAULT_SIGNATURE_SCHEMES } from '../crypto/schemes.js';
import { DEFAULT_TLS13_SUITES } from '../crypto/suites.js';
import type { CertificateVerifier } from '../handshake/verify.js';

/** A client's settings for the sans-IO core. The Node adapter maps node:tls options onto this. */
export interface ClientConfig {
  /** Host to authenticate; sent as SNI unless it is an IP literal (RFC 6066 §3). */
  serverName?: string;
  /** SNI to send when it should differ from serverName; false sends none. */
  sni?: string | false;
  alpnProtocols?: readonly string[];
  cipherSuites?: readonly number[];
  /** supported_groups, preference order. */
  groups?: readonly number[];
  /** Groups to send key shares for in the first ClientHello (default: the first group). */
  keyShareGroups?: readonly number[];
  signatureSchemes?: readonly number[];
  /** Validates the server's chain. Required unless `rejectUnauthorized` is false. */
  verifier?: CertificateVerifier;
  /** node:tls semantics: true aborts on a bad chain; false records the error and goes on. */
  rejectUnauthorized?: boolean;
  /** Our certificate for servers that ask (client authentication). */
  certificate?: { chain: Uint8Array[]; key: SigningKey };
}

export interface ResolvedClientConfig {
  serverName: string | undefined;
  sni: string | undefined;
  alpnProtocols: readonly string[];
  cipherSuites: readonly number[];
  groups: readonly number[];
  keyShareGroups: readonly number[];
  signatureSchemes: readonly number[];
  certSignatureSchemes: readonly number[];
  verifier: CertificateVerifier | undefined;
  rejectUnauthorized: boolean;
  certificate: { chain: Uint8Array[]; key: SigningKey } | undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const isIpLiteral = (host: string): boolean => IPV4.test(host) || host.includes(':');

export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  const groups = config.groups?.length ? config.groups : DEFAULT_GROUPS;
  const serverName = config.serverName;
  let sni: string | undefined;
  if (config.sni === false) sni = undefined;
  else if (typeof config.sni === 'string') sni = config.sni;
  else if (serverName && !isIpLiteral(serverName)) sni = serverName.replace(/\.$/, '');
  const rejectUnauthorized = config.rejectUnauthorized ?? true;
  if (rejectUnauthorized && !config.verifier) throw new Error('a certificate verifier is required when rejectUnauthorized is true');
  return {
    serverName,
    sni,
    alpnProtocols: config.alpnProtocols ?? [],
    cipherSuites: config.cipherSuites?.length ? config.cipherSuites : DEFAULT_TLS13_SUITES,
    groups,
    keyShareGroups: config.keyShareGroups?.length ? config.keyShareGroups : groups.slice(0, 1),
    signatureSchemes: config.signatureSchemes?.length ? config.signatureSchemes : DEFAULT_SIGNATURE_SCHEMES,
    certSignatureSchemes: DEFAULT_CERT_SIGNATURE_SCHEMES,
    verifier: config.verifier,
    rejectUnauthorized,
    certificate: config.certificate,
  };
}
