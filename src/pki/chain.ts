// Certificate path validation, first version: one greedy path from the leaf to a trust anchor
// (RFC 5280 §6.1 reduced to signatures, validity periods and basicConstraints cA), then the
// server identity check (RFC 9525). Errors carry node:tls / OpenSSL codes (./errors.ts).
//
// Order of checks follows OpenSSL's X509_verify_cert so the first error reported matches
// node:tls: build the path (unknown issuer, self-signed, bad signature), then issuer fitness
// (INVALID_CA), then validity periods from the anchor down to the leaf, then the host name.
//
// Not yet (a later issue): backtracking over alternative issuers, keyUsage / extendedKeyUsage,
// pathLenConstraint, name constraints, policies, revocation (OCSP, CRL).
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import type { TLSError } from '../errors.js';
import { MAX_CERTIFICATE_CHAIN, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS } from '../limits.js';
import { CERT_ERRORS, certError } from './errors.js';
import { matchesHostname, parseIpAddress } from './hostname.js';
import type { TrustStore } from './roots.js';

export { MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS };

export type CertificatePurpose = 'server' | 'client';

/** The chain actually used, leaf first, ending with the trust anchor. */
export interface VerifiedChain {
  leaf: ParsedCertificate;
  path: ParsedCertificate[];
}

export interface VerifyCertificateOptions {
  /** DER certificates as received, leaf first; the rest in any order. */
  chain: readonly Uint8Array[];
  trust: TrustStore;
  /** Host name or IP literal the server must be valid for; undefined or '' skips the check. */
  hostname?: string | undefined;
  /** Validation time, ms since the epoch (from the provider's clock, so tests can fix it). */
  time: number;
  provider: CryptoProvider;
}

export interface CertificateCheck {
  chain: readonly Uint8Array[];
  hostname?: string | undefined;
  purpose: CertificatePurpose;
  time: number;
}

function parseChain(chain: readonly Uint8Array[], provider: CryptoProvider): ParsedCertificate[] {
  if (chain.length === 0) throw certError('CERT_CHAIN_EMPTY');
  // Bounded before parsing: each parse costs ~150 µs (DESIGN.md §6).
  if (chain.length > MAX_CERTIFICATE_CHAIN) throw certError('CERT_CHAIN_TOO_LONG', `peer sent more than ${MAX_CERTIFICATE_CHAIN} certificates`);
  return chain.map((der, depth) => {
    try {
      return provider.parseCertificate(der);
    } catch (cause) {
      throw certError('UNABLE_TO_DECODE_CERT', `${CERT_ERRORS.UNABLE_TO_DECODE_CERT.description} at depth ${depth}`, cause);
    }
  });
}

const withinValidity = (cert: ParsedCertificate, time: number) => cert.notBefore <= time && time <= cert.notAfter;

/**
 * Issuer candidates, most promising first: key identifiers match (isIssuedBy), then CA, then
 * currently valid. Only an ordering — unfit candidates stay so the error names the real problem.
 */
function rank(candidates: readonly ParsedCertificate[], subject: ParsedCertificate, time: number): ParsedCertificate[] {
  const score = (c: ParsedCertificate) => (subject.isIssuedBy(c) ? 4 : 0) + (c.isCA ? 2 : 0) + (withinValidity(c, time) ? 1 : 0);
  return candidates
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => b.s - a.s)
    .map(({ c }) => c);
}

function buildPath(received: readonly ParsedCertificate[], trust: TrustStore, time: number): ParsedCertificate[] {
  const leaf = received[0]!;
  const path = [leaf];
  const onPath = new Set([leaf.fingerprint256]);
  let budget = MAX_SIGNATURE_CHECKS;
  const signedBy = (cert: ParsedCertificate, issuer: ParsedCertificate): boolean => {
    if (budget-- <= 0) throw certError('CERT_CHAIN_TOO_LONG', 'too many signature checks while building the certificate path');
    return cert.verifySignedBy(issuer);
  };

  for (let current = leaf; ; ) {
    // A received certificate that is itself an anchor ends the path; further up it is replaced by
    // the trusted copy, whose validity then counts. A self-signed one not in the store does not.
    const anchor = trust.anchorFor(current);
    if (anchor) {
      if (path.length > 1) path[path.length - 1] = anchor;
      return path;
    }
    if (path.length >= MAX_PATH_LENGTH) throw certError('CERT_CHAIN_TOO_LONG');

    // RFC 5280 §6.1.3 (a)(1), (a)(4): the issuer's subject names it and its key verifies the signature.
    // Anchors first, so a chain that also carries a cross-signed copy of a root stops at the root.
    const anchorCandidates = trust.issuersOf(current);
    const trusted = rank(anchorCandidates, current, time).find((a) => signedBy(current, a));
    if (trusted) {
      path.push(trusted);
      return path;
    }
    const receivedCandidates = received.filter((c) => c.subject === current.issuer && !onPath.has(c.fingerprint256));
    const next = rank(receivedCandidates, current, time).find((c) => signedBy(current, c));
    if (!next) {
      if (current.issuer === current.subject && signedBy(current, current)) {
        throw certError(path.length === 1 ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'SELF_SIGNED_CERT_IN_CHAIN');
      }
      // A bad signature only when some candidate really looks like the issuer (name and key
      // identifiers agree, OpenSSL's X509_check_issued); a mere namesake is an unknown issuer.
      if ([...anchorCandidates, ...receivedCandidates].some((c) => current.isIssuedBy(c))) throw certError('CERT_SIGNATURE_FAILURE');
      throw certError(path.length === 1 ? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    }
    path.push(next);
    onPath.add(next.fingerprint256);
    current = next;
  }
}

function checkIssuers(path: readonly ParsedCertificate[]): void {
  // RFC 5280 §6.1.4 (k): every issuer on the path must assert basicConstraints cA.
  for (let i = 1; i < path.length; i++) {
    if (!path[i]!.isCA) throw certError('INVALID_CA');
  }
}

function checkValidity(path: readonly ParsedCertificate[], time: number): void {
  // RFC 5280 §4.1.2.5: the period runs from notBefore through notAfter, inclusive. Checked from
  // the anchor down, as OpenSSL does, so the error names the highest failing certificate.
  for (let i = path.length - 1; i >= 0; i--) {
    const cert = path[i]!;
    if (time < cert.notBefore) throw certError('CERT_NOT_YET_VALID');
    if (time > cert.notAfter) throw certError('CERT_HAS_EXPIRED');
  }
}

/** node:tls's checkServerIdentity wording, so messages read the same as with node:tls. */
function identityError(leaf: ParsedCertificate, hostname: string): TLSError {
  const prefix = `${CERT_ERRORS.ERR_TLS_CERT_ALTNAME_INVALID.description}: `;
  let reason: string;
  if (parseIpAddress(hostname)) reason = `IP: ${hostname} is not in the cert's list: ${leaf.ipAddresses.join(', ')}`;
  else if (leaf.dnsNames.length > 0) reason = `Host: ${hostname}. is not in the cert's altnames: ${leaf.subjectAltName ?? ''}`;
  else reason = 'Cert does not contain a DNS name';
  return certError('ERR_TLS_CERT_ALTNAME_INVALID', prefix + reason);
}

/**
 * The one entry the handshake calls. Validates `chain` to an anchor in `trust` at `time`; for
 * purpose 'server' also checks `hostname` (a client certificate has no name to check against).
 * Returns the path used or throws a TLSError whose code is a key of CERT_ERRORS.
 */
export function verifyCertificate(options: VerifyCertificateOptions & { purpose: CertificatePurpose }): VerifiedChain {
  const received = parseChain(options.chain, options.provider);
  const path = buildPath(received, options.trust, options.time);
  checkIssuers(path);
  checkValidity(path, options.time);
  const leaf = received[0]!;
  if (options.purpose === 'server' && options.hostname && !matchesHostname(leaf, options.hostname)) {
    throw identityError(leaf, options.hostname);
  }
  return { leaf, path };
}

export function verifyServerCertificate(options: VerifyCertificateOptions): VerifiedChain {
  return verifyCertificate({ ...options, purpose: 'server' });
}

/**
 * Binds a store and provider into the function shape the handshake takes as its verifier
 * (handshake/verify.ts `CertificateVerifier`).
 */
export function createCertificateVerifier(trust: TrustStore, provider: CryptoProvider): (check: CertificateCheck) => VerifiedChain {
  return (check) => verifyCertificate({ ...check, trust, provider });
}
