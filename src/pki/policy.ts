// Certificate policy: the RFC 5280 §6.1 rules that do not involve finding issuers, each a small
// function that throws a TLSError with its own code (./errors.ts) or returns.
//
// Choices, where RFC 5280 leaves room or the Web PKI does better:
// - extendedKeyUsage: absent means any purpose (RFC 5280 §4.2.1.12). anyExtendedKeyUsage is
//   accepted in place of serverAuth/clientAuth, as Go, OpenSSL and browsers do (rustls-webpki does
//   not; the CA/Browser Forum forbids it in server certificates, so refusing it would only break
//   private PKIs).
// - EKU on CAs constrains what they may issue, as Go, Chrome and Firefox enforce: a CA (the trust
//   anchor included) whose extendedKeyUsage lacks the purpose and anyExtendedKeyUsage cannot vouch
//   for a leaf of that purpose (INVALID_PURPOSE).
// - keyUsage on the leaf must allow digitalSignature when present: TLS 1.3 proves possession of
//   the key with a signature (RFC 8446 §4.4.3). keyEncipherment alone is a TLS 1.2 RSA thing.
// - Trust anchors are certificates here, and like Go and OpenSSL we hold them to the CA rules when
//   they issue (basicConstraints cA, keyCertSign, pathLenConstraint, EKU, nameConstraints, key
//   size, validity) — but never to the algorithm of their own signature, which nothing relies on.
// - Name constraints apply to the SANs and the subject DN (as a directoryName) of the leaf and of
//   every CA below the constraining one that is not self-issued (RFC 5280 §6.1.3 (b)-(c)). Never
//   to the subject Common Name: hostname.ts has no Common Name fallback, so a CN names nothing.
//   Nor to emailAddress attributes in the subject DN (RFC 5280 §4.2.1.10's legacy form).
import type { TLSError } from '../errors.js';
import type { CertificateInfo, DistinguishedName, NameAttribute, NameConstraintBase, NameConstraints } from './certificate.js';
import { type CertErrorCode, certError } from './errors.js';
import { base64ToBytes } from './pem.js';

export type CertificatePurpose = 'server' | 'client';

/** RSA moduli below this are refused (NIST SP 800-131A, CA/Browser Forum BR §6.1.5). */
export const MIN_RSA_BITS = 2048;
/** The lowest `minRsaBits` a caller may configure (RFC 8448's example key has 1024 bits). */
export const MIN_RSA_BITS_FLOOR = 1024;

/** Checks a configured minimum RSA size; a TypeError for one below MIN_RSA_BITS_FLOOR. */
export function checkMinRsaBits(bits: number): number {
  if (!Number.isInteger(bits) || bits < MIN_RSA_BITS_FLOOR) throw new TypeError(`minRsaBits must be an integer of at least ${MIN_RSA_BITS_FLOOR}`);
  return bits;
}

/** RFC 5480 §2.1.1.1 curves TLS 1.3 signs with (RFC 8446 §4.2.3). */
const ACCEPTED_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

/** Extensions whose meaning we enforce or expose, so a critical one is processed (RFC 5280 §4.2). */
export const HANDLED_EXTENSIONS: ReadonlySet<string> = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extendedKeyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.30', // nameConstraints
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '1.3.6.1.5.5.7.1.24', // RFC 7633 TLS feature (must-staple), exposed as CertificateInfo.mustStaple for OCSP
]);

const WEAK_HASHES: ReadonlySet<string> = new Set(['md2', 'md4', 'md5', 'sha1']);

const id_kp_serverAuth = '1.3.6.1.5.5.7.3.1';
const id_kp_clientAuth = '1.3.6.1.5.5.7.3.2';
const anyExtendedKeyUsage = '2.5.29.37.0';
const PURPOSE_OIDS: Record<CertificatePurpose, string> = { server: id_kp_serverAuth, client: id_kp_clientAuth };

// RFC 5280 §4.2.1.3 KeyUsage bits, as CertificateInfo.keyUsage holds them.
const KU_DIGITAL_SIGNATURE = 1;
const KU_KEY_CERT_SIGN = 32;

const fail = (code: CertErrorCode, detail: string): TLSError => certError(code, detail);

// ---- one certificate on its own

/** RFC 5280 §4.2: a critical extension we do not process makes the certificate unusable. */
export function checkCriticalExtensions(info: CertificateInfo): void {
  for (const [oid, { critical }] of info.extensions) {
    if (critical && !HANDLED_EXTENSIONS.has(oid)) throw fail('UNHANDLED_CRITICAL_EXTENSION', `unhandled critical extension ${oid}`);
  }
}

/** RSA below `minRsaBits` (MIN_RSA_BITS); EC on other curves than P-256/384/521; DSA and unknown algorithms. */
export function checkPublicKey(info: CertificateInfo, role: 'end-entity' | 'ca', minRsaBits = MIN_RSA_BITS): void {
  const key = info.key;
  switch (key.algorithm) {
    case 'rsa':
    case 'rsa-pss':
      if ((key.bits ?? 0) < minRsaBits) {
        throw fail(role === 'ca' ? 'CA_KEY_TOO_SMALL' : 'EE_KEY_TOO_SMALL', `${role === 'ca' ? 'CA' : 'EE'} certificate has a ${key.bits}-bit RSA key (minimum ${minRsaBits})`);
      }
      return;
    case 'ec':
      if (!key.curve || !ACCEPTED_CURVES.has(key.curve)) throw fail('UNSUPPORTED_PUBLIC_KEY', `EC key on unsupported curve ${key.curve ?? '(explicit parameters)'}`);
      return;
    case 'ed25519':
    case 'ed448':
      return;
    default:
      throw fail('UNSUPPORTED_PUBLIC_KEY', `unsupported public key algorithm ${key.oid}`);
  }
}

/**
 * MD5 and SHA-1 signatures are refused (collisions are practical: RFC 6151, SHAttered). Not
 * called for a trust anchor: its own signature is never relied on, so SHA-1 roots stay usable.
 */
export function checkSignatureAlgorithm(info: CertificateInfo): void {
  if (!info.signatureAlgorithmConsistent) throw fail('SIGNATURE_ALGORITHM_INCONSISTENCY', 'certificate signature algorithm differs from the one in its TBSCertificate');
  const hash = info.signatureAlgorithm.hash;
  if (hash && WEAK_HASHES.has(hash)) throw fail('CA_MD_TOO_WEAK', `certificate is signed with ${info.signatureAlgorithm.name}`);
}

/** RFC 5280 §4.1.2.5: valid from notBefore through notAfter, both inclusive. */
export function checkValidity(info: CertificateInfo, time: number): void {
  if (time < info.notBefore) throw certError('CERT_NOT_YET_VALID');
  if (time > info.notAfter) throw certError('CERT_HAS_EXPIRED');
}

/** The leaf's keyUsage and extendedKeyUsage allow this purpose. */
export function checkEndEntityUsage(info: CertificateInfo, purpose: CertificatePurpose): void {
  if (info.keyUsage !== undefined && !(info.keyUsage & KU_DIGITAL_SIGNATURE)) {
    throw fail('KEYUSAGE_NO_DIGITAL_SIGNATURE', 'leaf keyUsage does not allow digitalSignature, which TLS 1.3 needs');
  }
  checkExtendedKeyUsage(info, purpose, 'leaf');
}

function checkExtendedKeyUsage(info: CertificateInfo, purpose: CertificatePurpose, what: string): void {
  const eku = info.extendedKeyUsage;
  if (eku === undefined || eku.includes(PURPOSE_OIDS[purpose]) || eku.includes(anyExtendedKeyUsage)) return;
  throw fail('INVALID_PURPOSE', `${what} extendedKeyUsage does not allow ${purpose === 'server' ? 'serverAuth' : 'clientAuth'}`);
}

/**
 * RFC 5280 §6.1.4 (k): an issuer must be a version 3 certificate asserting basicConstraints cA;
 * (n): when keyUsage is present, keyCertSign must be set.
 */
export function checkCertificateAuthority(info: CertificateInfo): void {
  if (info.version < 3) throw fail('INVALID_CA', `a version ${info.version} certificate cannot be a CA`);
  if (!info.basicConstraints?.cA) throw certError('INVALID_CA');
  if (info.keyUsage !== undefined && !(info.keyUsage & KU_KEY_CERT_SIGN)) throw certError('KEYUSAGE_NO_CERTSIGN');
}

// ---- a CA and the certificates below it (`below[0]` is the leaf, the last one is issued by `ca`)

/**
 * RFC 5280 §6.1.4 (l)-(m): pathLenConstraint counts the non-self-issued intermediates between the
 * CA and the leaf. The leaf never counts; a self-issued intermediate (key rollover) does not either.
 */
export function checkPathLength(ca: CertificateInfo, below: readonly CertificateInfo[]): void {
  const limit = ca.basicConstraints?.pathLenConstraint;
  if (limit === undefined) return;
  const intermediates = below.slice(1).filter((c) => !c.selfIssued).length;
  if (intermediates > limit) {
    throw fail('PATH_LENGTH_EXCEEDED', `CA allows ${limit} intermediate CA(s) below it, the path has ${intermediates}`);
  }
}

/** A CA's extendedKeyUsage, when present, bounds the purposes of what it issues (see the header). */
export function checkIssuerPurpose(ca: CertificateInfo, purpose: CertificatePurpose): void {
  checkExtendedKeyUsage(ca, purpose, 'CA');
}

// ---- name constraints (RFC 5280 §4.2.1.10)

const lower = (s: string) => s.toLowerCase();
const stripDot = (s: string) => (s.endsWith('.') ? s.slice(0, -1) : s);

/**
 * dNSName: "any DNS name that can be constructed by simply adding zero or more labels to the
 * left-hand side". A constraint with a leading '.' (a common extension, honoured by Go and OpenSSL)
 * matches only names below it; "" matches every name.
 */
function dnsWithin(name: string, constraint: string): boolean {
  const n = stripDot(lower(name));
  const c = stripDot(lower(constraint));
  if (c === '' || c === '.') return true;
  if (c.startsWith('.')) return n.endsWith(c) && n.length > c.length;
  return n === c || n.endsWith(`.${c}`);
}

/**
 * Whether a presented dNSName can denote a name in the subtree. A wildcard "*.rest" stands for
 * every "x.rest": it is within a permitted subtree when all of them are (rest within it), and hits
 * an excluded subtree when any of them is (rest within it, or the subtree is exactly one label
 * below rest) — otherwise "*.example.com" would slip past an excluded "www.example.com".
 */
function dnsMatches(name: string, constraint: string, mode: 'permitted' | 'excluded'): boolean {
  // '*' never occurs in a constraint, so the wildcard label itself stands for "any one label".
  if (dnsWithin(name, constraint)) return true;
  if (!name.startsWith('*.') || mode === 'permitted') return false;
  const c = stripDot(lower(constraint));
  const rest = stripDot(lower(name.slice(2)));
  return !c.startsWith('.') && c.endsWith(`.${rest}`) && !c.slice(0, -rest.length - 1).includes('.');
}

/**
 * rfc822Name: "local@host" is that mailbox; "host" every mailbox at host; ".host" every mailbox
 * at a host below it. Hosts compare case-insensitively, local parts exactly (RFC 5280 §7.5).
 */
function emailWithin(address: string, constraint: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const local = address.slice(0, at);
  const host = lower(address.slice(at + 1));
  if (constraint.includes('@')) {
    const cAt = constraint.lastIndexOf('@');
    return local === constraint.slice(0, cAt) && host === lower(constraint.slice(cAt + 1));
  }
  const c = lower(constraint);
  if (c.startsWith('.')) return host.endsWith(c);
  return host === c;
}

/** iPAddress: same family, and the address equals the constraint's under its mask. */
function ipWithin(ip: Uint8Array, base: { address: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== base.address.length) return false;
  return ip.every((octet, i) => (octet & base.mask[i]!) === (base.address[i]! & base.mask[i]!));
}

const sameAttributes = (a: readonly NameAttribute[], b: readonly NameAttribute[]) =>
  a.length === b.length && a.every((x, i) => x.type === b[i]!.type && x.value === b[i]!.value);

/** directoryName: the constraint's RDNs are the first RDNs of the name (RFC 5280 §7.1 comparison). */
function directoryWithin(name: DistinguishedName, constraint: DistinguishedName): boolean {
  if (constraint.rdns.length > name.rdns.length) return false;
  return constraint.rdns.every((rdn, i) => sameAttributes(rdn, name.rdns[i]!));
}

type Presented =
  | { type: 'dNSName'; value: string }
  | { type: 'rfc822Name'; value: string }
  | { type: 'iPAddress'; value: Uint8Array }
  | { type: 'directoryName'; value: DistinguishedName };

function presentedNames(cert: CertificateInfo): Presented[] {
  const out: Presented[] = [];
  // RFC 5280 §4.2.1.10: restrictions apply to the subject DN too; an empty one names nothing.
  if (cert.subjectDer.length > 2) out.push({ type: 'directoryName', value: cert.subject });
  const san = cert.subjectAltName;
  if (san) {
    for (const value of san.dNSName) out.push({ type: 'dNSName', value });
    for (const value of san.rfc822Name) out.push({ type: 'rfc822Name', value });
    for (const value of san.iPAddress) out.push({ type: 'iPAddress', value });
    for (const value of san.directoryName) out.push({ type: 'directoryName', value });
  }
  return out;
}

function matches(name: Presented, base: NameConstraintBase, mode: 'permitted' | 'excluded'): boolean {
  if (name.type !== base.type) return false;
  switch (name.type) {
    case 'dNSName':
      return dnsMatches(name.value, (base as { value: string }).value, mode);
    case 'rfc822Name':
      return emailWithin(name.value, (base as { value: string }).value);
    case 'iPAddress':
      return ipWithin(name.value, base as { address: Uint8Array; mask: Uint8Array });
    case 'directoryName':
      return directoryWithin(name.value, (base as { value: DistinguishedName }).value);
  }
}

const describeName = (name: Presented): string => {
  switch (name.type) {
    case 'iPAddress':
      return name.value.length === 4 ? name.value.join('.') : `IPv6 ${Array.from(name.value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    case 'directoryName':
      return `DirName "${name.value.text}"`;
    default:
      return name.value;
  }
};

function checkOneCertificate(constraints: NameConstraints, cert: CertificateInfo): void {
  const names = presentedNames(cert);
  // Types we cannot evaluate constrain only names of the same type; a certificate carrying one is refused.
  for (const base of [...(constraints.permitted ?? []), ...constraints.excluded]) {
    if (base.type === 'unsupported' && cert.subjectAltName?.other.has(base.nameType)) {
      throw fail('UNSUPPORTED_CONSTRAINT_TYPE', `name constraint on ${base.nameType} names, which are not checked, over a certificate that has one`);
    }
  }
  for (const name of names) {
    const excluded = constraints.excluded.find((base) => matches(name, base, 'excluded'));
    if (excluded) throw fail('EXCLUDED_VIOLATION', `${describeName(name)} is in an excluded subtree of a CA above it`);
    const permitted = constraints.permitted?.filter((base) => base.type === name.type);
    if (permitted?.length && !permitted.some((base) => matches(name, base, 'permitted'))) {
      throw fail('PERMITTED_SUBTREE_VIOLATION', `${describeName(name)} is outside the permitted subtrees of a CA above it`);
    }
  }
}

/** RFC 5280 §6.1.3 (b)-(c) for the constraints of `ca` over the certificates below it. */
export function checkNameConstraints(ca: CertificateInfo, below: readonly CertificateInfo[]): void {
  const constraints = ca.nameConstraints;
  if (!constraints) return;
  below.forEach((cert, i) => {
    // Self-issued intermediates are exempt (§6.1.3 (b)); the leaf never is.
    if (i > 0 && cert.selfIssued) return;
    checkOneCertificate(constraints, cert);
  });
}

// ---- the whole path

const PIN_PREFIX = 'sha256/';

/**
 * Pins in comparable form: base64 of a SHA-256 of a subjectPublicKeyInfo, optionally written
 * "sha256/…" (RFC 7469 §2.1.1 pin-sha256, as Chrome and curl's --pinnedpubkey spell them).
 * Throws a TypeError for anything else: a pin that can never match is a configuration mistake.
 */
export function normalizePins(pins: readonly string[]): string[] {
  return pins.map((pin) => {
    const value = pin.startsWith(PIN_PREFIX) ? pin.slice(PIN_PREFIX.length) : pin;
    let bytes: Uint8Array | undefined;
    try {
      bytes = base64ToBytes(value);
    } catch {
      bytes = undefined;
    }
    if (bytes?.length !== 32) throw new TypeError(`pin "${pin}" is not a base64 SHA-256 (44 characters)`);
    return value;
  });
}

/** At least one certificate on the path has one of the pinned SPKI SHA-256 values (RFC 7469 §2.6 semantics). */
export function checkPins(pathPins: readonly string[], pins: readonly string[]): void {
  if (!pathPins.some((pin) => pins.includes(pin))) {
    throw fail('ERR_TLS_PIN_MISMATCH', `no certificate on the path matches a pinned public key (path: ${pathPins.map((p) => `sha256/${p}`).join(', ')})`);
  }
}

export interface RoleOptions {
  purpose: CertificatePurpose;
  time: number;
  isAnchor: boolean;
  minRsaBits?: number | undefined;
}

/** Composite checks for the two roles a certificate plays. */
export function checkEndEntity(info: CertificateInfo, options: RoleOptions): void {
  checkCriticalExtensions(info);
  checkPublicKey(info, 'end-entity', options.minRsaBits);
  if (!options.isAnchor) checkSignatureAlgorithm(info);
  checkValidity(info, options.time);
  checkEndEntityUsage(info, options.purpose);
}

/** `ca` issues below[below.length - 1]; `below` runs from the leaf up. */
export function checkIssuer(ca: CertificateInfo, below: readonly CertificateInfo[], options: RoleOptions): void {
  checkCertificateAuthority(ca);
  checkCriticalExtensions(ca);
  checkPublicKey(ca, 'ca', options.minRsaBits);
  if (!options.isAnchor) checkSignatureAlgorithm(ca);
  checkValidity(ca, options.time);
  checkPathLength(ca, below);
  checkIssuerPurpose(ca, options.purpose);
  checkNameConstraints(ca, below);
}
