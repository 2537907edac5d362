// Certificate path building and validation (RFC 5280 §6.1, RFC 4158's depth-first search), then
// the server identity check (RFC 9525). Errors carry node:tls / OpenSSL codes (./errors.ts).
//
// The peer's certificates are a pool, not a path: they may come out of order, with extras, with
// the root. From the leaf up, every candidate issuer — a certificate whose subject is the issuer
// name (as DER) — is tried, trust anchors first, then the received certificates most likely to
// work (key identifiers agree, valid now). A candidate whose signature, CA rules or constraints
// fail is dropped and the next one tried (backtracking); a path ends at an anchor, matched by
// subject and public key, never because a received certificate claims to be a root. The first
// complete path that satisfies every rule (and the pins) is the one returned.
//
// Checked along the way, for every certificate on the path (policy.ts): time, keys, signature
// digests, critical extensions; for issuers the CA rules, pathLenConstraint, extendedKeyUsage and
// nameConstraints over everything below them. The leaf's own checks come first: a leaf that is
// unacceptable in itself fails before any issuer is looked for.
//
// When no path works, the error reported is the one from the deepest position reached, so it
// names the furthest problem rather than the first dead end; a complete path refused only by the
// pins counts as deepest of all. At equal depth an error about a real candidate (bad signature,
// expired, a broken CA rule) beats "no issuer found", and otherwise the first encountered (the
// most preferred candidate) wins.
//
// Work is bounded: MAX_PATH_LENGTH certificates on a path, MAX_SIGNATURE_CHECKS signature
// verifications per validation (exceeding it fails with CERT_CHAIN_TOO_LONG).
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import { TLSError } from '../errors.js';
import { MAX_CERTIFICATE_CHAIN, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS } from '../limits.js';
import { type CertificateInfo, certificateInfo, sameBytes, spkiSha256 } from './certificate.js';
import { type CrlInput, CrlStore, checkRevocation } from './crl.js';
import { CERT_ERRORS, type CertErrorCode, certError } from './errors.js';
import { matchesHostname, parseIpAddress } from './hostname.js';
import { type CertificatePurpose, checkEndEntity, checkIssuer, checkMinRsaBits, checkPins, normalizePins } from './policy.js';
import type { TrustStore } from './roots.js';

export { MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS };
export type { CertificatePurpose };

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
  /** SPKI SHA-256 pins, base64 as normalizePins returns them; one certificate on the path must match. */
  pins?: readonly string[] | undefined;
  /** Smallest RSA modulus accepted (default MIN_RSA_BITS, 2048). */
  minRsaBits?: number | undefined;
  /**
   * CRLs to check the path against (crl.ts): when given, every certificate on the path but the
   * trust anchor must be covered by a current CRL from its issuer and not listed on it.
   */
  crls?: CrlStore | undefined;
}

export interface CertificateCheck {
  chain: readonly Uint8Array[];
  hostname?: string | undefined;
  purpose: CertificatePurpose;
  time: number;
}

export interface BuildPathOptions {
  leaf: ParsedCertificate;
  /** Other certificates that may be intermediates, in any order. */
  pool: readonly ParsedCertificate[];
  trust: TrustStore;
  time: number;
  purpose: CertificatePurpose;
  provider: CryptoProvider;
  pins?: readonly string[] | undefined;
  minRsaBits?: number | undefined;
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

interface Candidate {
  cert: ParsedCertificate;
  anchor: boolean;
  /** The parsed view, or why it does not parse. */
  info: CertificateInfo | TLSError;
  /** 2: key identifiers agree; 1: one is missing; 0: they differ (a namesake, RFC 5280 §4.2.1.1). */
  keyMatch: number;
  validNow: boolean;
}

const parsedOrError = (cert: ParsedCertificate): CertificateInfo | TLSError => {
  try {
    return certificateInfo(cert);
  } catch (err) {
    if (err instanceof TLSError) return err;
    throw err;
  }
};

const samePublicIdentity = (a: CertificateInfo, b: CertificateInfo) => sameBytes(a.subjectDer, b.subjectDer) && sameBytes(a.spki, b.spki);

class PathBuilder {
  private signatureBudget = MAX_SIGNATURE_CHECKS;
  private best: { error: TLSError; rank: number } | undefined;

  constructor(private readonly options: BuildPathOptions) {}

  build(): ParsedCertificate[] {
    const { leaf, trust, time, purpose, minRsaBits } = this.options;
    const leafInfo = certificateInfo(leaf);
    const leafAnchor = trust.anchorFor(leaf);
    checkEndEntity(leafInfo, { purpose, time, isAnchor: leafAnchor !== undefined, minRsaBits });
    // A trusted leaf is a path on its own (RFC 5280 §6.1: a path of length one). Should the pins
    // not match it, a longer path through its issuers may still carry a pinned key.
    if (leafAnchor && this.complete([leafInfo])) return [leaf];
    const path = this.extend([leaf], [leafInfo]);
    if (path) return path;
    throw this.best?.error ?? certError('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  }

  private record(error: TLSError, depth: number, specific: boolean): void {
    const rank = depth * 2 + (specific ? 1 : 0);
    if (!this.best || rank > this.best.rank) this.best = { error, rank };
  }

  private signedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
    if (this.signatureBudget-- <= 0) throw certError('CERT_CHAIN_TOO_LONG', 'too many signature checks while building the certificate path');
    return cert.verifySignedBy(issuer);
  }

  /** Pins hold for the finished path; a miss is recorded as the furthest failure and the search goes on. */
  private complete(infos: readonly CertificateInfo[]): boolean {
    const pins = this.options.pins;
    if (!pins?.length) return true;
    try {
      checkPins(
        infos.map((info) => spkiSha256(info, this.options.provider)),
        pins,
      );
      return true;
    } catch (err) {
      if (!(err instanceof TLSError)) throw err;
      this.record(err, MAX_PATH_LENGTH + 1, true);
      return false;
    }
  }

  /** Issuer candidates of `info`, anchors first, then the most promising received ones. */
  private candidates(current: ParsedCertificate, info: CertificateInfo, onPath: readonly CertificateInfo[]): Candidate[] {
    const { trust, pool, time } = this.options;
    const out: Candidate[] = [];
    const consider = (cert: ParsedCertificate, anchor: boolean) => {
      // The provider's name string is an index; the DER comparison decides (RFC 5280 §7.1).
      if (cert.subject !== current.issuer) return;
      const parsed = parsedOrError(cert);
      if (parsed instanceof TLSError) {
        // An unparseable anchor anchors nothing; an unparseable received one may still be the
        // issuer, and then its error is the one to report.
        if (!anchor) out.push({ cert, anchor, info: parsed, keyMatch: 1, validNow: false });
        return;
      }
      if (!sameBytes(parsed.subjectDer, info.issuerDer)) return;
      // RFC 4158 §2.4.2: a certificate already on the path (same name and key) would loop.
      if (onPath.some((c) => samePublicIdentity(c, parsed))) return;
      // A received self-issued copy of an anchor leads nowhere but to the anchor, tried already.
      if (!anchor && parsed.selfIssued && trust.anchorFor(cert)) return;
      const aki = info.authorityKeyIdentifier;
      const ski = parsed.subjectKeyIdentifier;
      const keyMatch = aki && ski ? (sameBytes(aki, ski) ? 2 : 0) : 1;
      out.push({ cert, anchor, info: parsed, keyMatch, validNow: parsed.notBefore <= time && time <= parsed.notAfter });
    };
    for (const anchor of trust.issuersOf(current)) consider(anchor, true);
    const seen = new Set<string>();
    for (const cert of pool) {
      if (seen.has(cert.fingerprint256)) continue;
      seen.add(cert.fingerprint256);
      consider(cert, false);
    }
    const score = (c: Candidate) => (c.anchor ? 8 : 0) + c.keyMatch * 2 + (c.validNow ? 1 : 0);
    // Array.prototype.sort is stable: equal scores keep the peer's order.
    return out.sort((a, b) => score(b) - score(a));
  }

  /** Depth-first from the last certificate of `path`; returns a complete path or undefined. */
  private extend(path: readonly ParsedCertificate[], infos: readonly CertificateInfo[]): ParsedCertificate[] | undefined {
    const { purpose, time, minRsaBits } = this.options;
    const depth = path.length - 1;
    const current = path[depth]!;
    const info = infos[depth]!;
    let selfSigned: boolean | undefined;
    const isSelfSigned = () => (selfSigned ??= info.selfIssued && this.signedBy(current, current));
    let realCandidate = false;

    for (const candidate of this.candidates(current, info, infos)) {
      if (!this.signedBy(current, candidate.cert)) {
        // A bad signature only when the candidate really looks like the issuer (key identifiers
        // agree or are absent, as OpenSSL's X509_check_issued); a namesake is just not the issuer.
        // A self-signed certificate verifies under its own key only, so nothing else is its issuer.
        if (candidate.keyMatch > 0 && !isSelfSigned()) {
          realCandidate = true;
          this.record(certError('CERT_SIGNATURE_FAILURE'), depth + 1, true);
        }
        continue;
      }
      realCandidate = true;
      const candidateInfo = candidate.info;
      if (candidateInfo instanceof TLSError) {
        this.record(candidateInfo, depth + 1, true);
        continue;
      }
      try {
        checkIssuer(candidateInfo, infos, { purpose, time, isAnchor: candidate.anchor, minRsaBits });
      } catch (err) {
        if (!(err instanceof TLSError)) throw err;
        this.record(err, depth + 1, true);
        continue;
      }
      const nextPath = [...path, candidate.cert];
      const nextInfos = [...infos, candidateInfo];
      if (candidate.anchor) {
        if (this.complete(nextInfos)) return nextPath;
        continue;
      }
      if (nextPath.length >= MAX_PATH_LENGTH) {
        this.record(certError('CERT_CHAIN_TOO_LONG', `no trust anchor within ${MAX_PATH_LENGTH} certificates`), depth + 1, true);
        continue;
      }
      const found = this.extend(nextPath, nextInfos);
      if (found) return found;
    }

    if (!realCandidate) {
      let code: CertErrorCode;
      if (isSelfSigned()) code = depth === 0 ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'SELF_SIGNED_CERT_IN_CHAIN';
      else code = depth === 0 ? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
      this.record(certError(code), depth + 1, false);
    }
    return undefined;
  }
}

/**
 * Builds and validates a path from `leaf` to an anchor in `trust` (see the header). Returns it,
 * leaf first, anchor last; throws a TLSError whose code is a key of CERT_ERRORS.
 */
export function buildPath(options: BuildPathOptions): ParsedCertificate[] {
  return new PathBuilder(options).build();
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

/** RFC 9525 §6: the server's leaf must name the host or IP address the client meant. */
export function checkIdentity(leaf: ParsedCertificate, hostname: string): void {
  if (!matchesHostname(leaf, hostname)) throw identityError(leaf, hostname);
}

/**
 * The one entry the handshake calls. Validates `chain` to an anchor in `trust` at `time`; for
 * purpose 'server' also checks `hostname` (a client certificate has no name to check against).
 * Returns the path used or throws a TLSError whose code is a key of CERT_ERRORS.
 */
export function verifyCertificate(options: VerifyCertificateOptions & { purpose: CertificatePurpose }): VerifiedChain {
  const [leaf, ...pool] = parseChain(options.chain, options.provider);
  const path = buildPath({
    leaf: leaf!,
    pool,
    trust: options.trust,
    time: options.time,
    purpose: options.purpose,
    provider: options.provider,
    pins: options.pins,
    minRsaBits: options.minRsaBits,
  });
  // After the path, before the name, as node:tls: OpenSSL checks revocation while verifying the
  // chain, and node:tls checks the name once OpenSSL is done.
  if (options.crls) checkRevocation({ path, crls: options.crls, time: options.time });
  if (options.purpose === 'server' && options.hostname) checkIdentity(leaf!, options.hostname);
  return { leaf: leaf!, path };
}

export function verifyServerCertificate(options: VerifyCertificateOptions): VerifiedChain {
  return verifyCertificate({ ...options, purpose: 'server' });
}

export interface VerifierOptions {
  /** SPKI SHA-256 pins (normalizePins): one certificate on the path must match. */
  pins?: readonly string[] | undefined;
  /**
   * Smallest RSA modulus accepted, default MIN_RSA_BITS (2048), at least MIN_RSA_BITS_FLOOR (1024).
   * Lowering it is for test vectors and legacy private PKIs (RFC 8448's server key has 1024 bits).
   */
  minRsaBits?: number | undefined;
  /**
   * Certificate revocation lists (PEM "X509 CRL" or DER, or a CrlStore made once): when given, as
   * node:tls's `crl` (OpenSSL's CRL_CHECK_ALL), every certificate on the path but the trust anchor
   * must be covered by a current CRL from its issuer (crl.ts). Parsed here, once; a CRL that does
   * not decode throws UNABLE_TO_DECODE_CRL.
   */
  crls?: CrlInput | CrlStore | undefined;
}

/**
 * Binds a store, provider and options into the function shape the handshake takes as its
 * verifier (handshake/verify.ts `CertificateVerifier`). Options are checked here, once.
 */
export function createCertificateVerifier(trust: TrustStore, provider: CryptoProvider, options: VerifierOptions = {}): (check: CertificateCheck) => VerifiedChain {
  const pins = options.pins && normalizePins(options.pins);
  const minRsaBits = options.minRsaBits === undefined ? undefined : checkMinRsaBits(options.minRsaBits);
  const crls = crlStoreOf(options.crls);
  return (check) => verifyCertificate({ ...check, trust, provider, pins, minRsaBits, crls });
}

/**
 * `crls` as a store, parsed now (configuration time); undefined when none were given. An empty
 * list turns checking off, as node:tls (which sets OpenSSL's CRL flags only when it adds a CRL).
 */
export function crlStoreOf(crls: CrlInput | CrlStore | undefined): CrlStore | undefined {
  if (crls === undefined || (Array.isArray(crls) && crls.length === 0)) return undefined;
  return crls instanceof CrlStore ? crls : CrlStore.from(crls);
}
