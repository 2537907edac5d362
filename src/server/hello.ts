// What the server decides from a ClientHello before it knows the version's state machine: the
// version (RFC 8446 §4.2.1, RFC 5246 Appendix E, RFC 7507), and the choices both versions make the
// same way (ALPN, the certificates the server name allows).
import { TLSError } from '../errors.js';
import { matchesHostname } from '../pki/hostname.js';
import { AlertDescription, CipherSuite, ProtocolVersion, isGrease } from '../wire/codes.js';
import type { ClientHello } from '../wire/types.js';
import type { CertifiedKey, ResolvedServerConfig } from './config.js';

/**
 * RFC 8446 §4.1.3: a server that supports TLS 1.3 and answers TLS 1.2 ends its ServerHello.random
 * with "DOWNGRD" and 01, so a TLS 1.3 client can tell an attacker forced the lower version.
 */
export const DOWNGRADE_TLS12_SENTINEL = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01);

/** The highest version the client offers: supported_versions when present (RFC 8446 §4.2.1), else legacy_version. */
function clientHighestVersion(ch: ClientHello): number {
  const offered = ch.extensions.supported_versions;
  if (!offered) return ch.legacy_version;
  let highest = 0;
  for (const v of offered) if (!isGrease(v) && v > highest) highest = v;
  return highest;
}

/**
 * RFC 8446 §4.2.1: with supported_versions, only it counts ("MUST NOT use the
 * ClientHello.legacy_version value for version negotiation"); without it the client speaks
 * TLS 1.2 or below, and RFC 5246 Appendix E.1 has us answer TLS 1.2 when legacy_version is
 * 0x0303 or higher. RFC 7507 §3: TLS_FALLBACK_SCSV from a client whose highest version is below
 * ours means it retried after a failure we never caused: inappropriate_fallback.
 */
export function chooseVersion(ch: ClientHello, config: ResolvedServerConfig): 'TLSv1.2' | 'TLSv1.3' {
  const offered = ch.extensions.supported_versions;
  if (config.maxVersion >= ProtocolVersion.TLS1_3 && offered?.includes(ProtocolVersion.TLS1_3)) return 'TLSv1.3';
  if (ch.cipher_suites.includes(CipherSuite.TLS_FALLBACK_SCSV) && clientHighestVersion(ch) < config.maxVersion) {
    throw new TLSError(AlertDescription.inappropriate_fallback, 'client fell back to a lower version than we support');
  }
  const offers12 = offered ? offered.includes(ProtocolVersion.TLS1_2) : ch.legacy_version >= ProtocolVersion.TLS1_2;
  if (config.minVersion <= ProtocolVersion.TLS1_2 && offers12) return 'TLSv1.2';
  if (config.minVersion >= ProtocolVersion.TLS1_3) throw new TLSError(AlertDescription.protocol_version, 'client does not offer TLS 1.3');
  throw new TLSError(AlertDescription.protocol_version, 'client offers neither TLS 1.3 nor TLS 1.2');
}

/** ALPN, RFC 7301 §3.2: our first protocol the client offered; none in common is fatal. */
export function chooseAlpn(ch: ClientHello, config: ResolvedServerConfig): string | false {
  const offered = ch.extensions.alpn;
  if (!offered || !config.alpnProtocols.length) return false;
  const pick = config.alpnProtocols.find((p) => offered.includes(p));
  if (pick === undefined) throw new TLSError(AlertDescription.no_application_protocol, 'no ALPN protocol in common');
  return pick;
}

/**
 * The certificates to choose from (RFC 6066 §3): those selectCertificates gives for the client's
 * server_name, else those whose names match it, else all of them. `byName` tells whether the name
 * chose them, which the server then acknowledges.
 */
export function certificateCandidates(ch: ClientHello, config: ResolvedServerConfig): { candidates: CertifiedKey[]; byName: boolean } {
  const name = ch.extensions.server_name;
  const selected = config.selectCertificates?.(name);
  if (selected?.length) return { candidates: selected, byName: name !== undefined };
  if (name !== undefined) {
    const matching = config.certificates.filter((c) => matchesHostname(c.leaf, name));
    if (matching.length) return { candidates: matching, byName: true };
  }
  return { candidates: config.certificates, byName: false };
}
