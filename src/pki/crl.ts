// Certificate revocation lists supplied by configuration (node:tls's `crl` option), checked as
// OpenSSL checks them when node:tls is given CRLs (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL)
// and as RFC 5280 §6.3 describes: every certificate of the validated path but the trust anchor
// must be covered by a current CRL from its issuer, and not be listed on it.
//
// parseCrl reads one CertificateList (RFC 5280 §5.1) once, when the options are read; a CRL that
// does not decode is a configuration error (UNABLE_TO_DECODE_CRL). What we do not implement makes
// a CRL *unusable* rather than wrong — it then covers nothing, so it can only fail a certificate
// (UNABLE_TO_GET_CRL), never pass one:
//   - a critical CRL or CRL entry extension we do not process (RFC 5280 §5.2, §5.3);
//   - a delta CRL (deltaCRLIndicator, §5.2.4): we use complete CRLs only;
//   - an indirect CRL (issuingDistributionPoint indirectCRL, or an entry's certificateIssuer, §5.3.3);
//   - an issuingDistributionPoint limited to some reasons (onlySomeReasons: it does not say
//     whether the certificate was revoked for the others), to attribute certificates, or naming
//     its distribution point relative to the issuer.
// Supported scopes: onlyContainsUserCerts / onlyContainsCACerts (§5.2.5), and a distribution
// point fullName, which must equal a fullName of one of the certificate's cRLDistributionPoints
// (§6.3.3 (b)(2)(i)) — a partitioned CRL covers only the certificates that point to it.
//
// checkRevocation, for each certificate on the path and its issuer (the next one):
//   1. candidates: CRLs whose issuer name is the certificate's issuer (DER octets, as path
//      building compares names) and whose authorityKeyIdentifier, when both sides have one,
//      names the issuer's key and the certificate's authorityKeyIdentifier;
//   2. scope: usable, and covering this certificate (above);
//   3. the issuer may sign CRLs: keyUsage absent or with cRLSign (§6.3.3 (f));
//   4. the signature verifies with the issuer's public key, through the provider, over the
//      tbsCertList bytes as received; MD5 and SHA-1 refused (./signed.ts);
//   5. current: thisUpdate ≤ time ≤ nextUpdate (no nextUpdate: current from thisUpdate on, as OpenSSL);
//   6. the newest current candidate (latest thisUpdate, as OpenSSL picks) decides: the certificate
//      is revoked when it lists the serial number with a revocationDate not after the validation
//      time. Reason certificateHold counts as revoked (OpenSSL too); removeFromCRL, which only a
//      delta CRL should carry (§5.3.1), does not.
// With no candidate left, the error is the most telling one met: a stale CRL (time), then a bad
// signature, then an issuer without cRLSign, then UNABLE_TO_GET_CRL naming why CRLs did not apply.
import { AsnConvert, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  CRLDistributionPoints,
  CRLReason,
  Extension,
  GeneralName,
  IssuingDistributionPoint,
  Time,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_certificateIssuer,
  id_ce_deltaCRLIndicator,
  id_ce_freshestCRL,
  id_ce_invalidityDate,
  id_ce_issuerAltName,
  id_ce_issuingDistributionPoint,
} from '@peculiar/asn1-x509';
import type { ParsedCertificate } from '../crypto/provider.js';
import { TLSError } from '../errors.js';
import { type CertificateInfo, certificateInfo, parseName, sameBytes } from './certificate.js';
import { CERT_ERRORS, certError } from './errors.js';
import { pemToDer } from './pem.js';
import { SignatureAlgorithmRefused, isOneElement, signatureSchemeFor } from './signed.js';

/** What node:tls accepts for `crl`: PEM text ("X509 CRL" blocks) or DER, one or several per entry. */
export type CrlInput = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/**
 * The largest CRL we parse: 64 MiB, over a million entries, beyond the largest public CRLs (tens
 * of MB). Parsing costs ≈ 80 µs an entry with asn1-schema (20 000 entries: 1.6 s), paid once,
 * when the options are read.
 */
export const MAX_CRL_BYTES = 64 * 1024 * 1024;
/** RFC 5280 §5.3.1 CRLReason removeFromCRL. */
const REMOVE_FROM_CRL = 8;
/** RFC 5280 §4.2.1.3 cRLSign, as CertificateInfo.keyUsage holds the bits. */
const KU_CRL_SIGN = 64;
/** RFC 5280 §5.3 id-holdinstructioncode (legacy; informational only). */
const id_ce_holdInstructionCode = '2.5.29.23';
/** RFC 5280 §4.2.2.1 authorityInfoAccess, which RFC 5280 §5.2.7 allows in CRLs. */
const id_pe_authorityInfoAccess = '1.3.6.1.5.5.7.1.1';

/** CRL extensions we read or may ignore (RFC 5280 §5.2); a critical one outside this set makes the CRL unusable. */
const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  id_ce_authorityKeyIdentifier,
  id_ce_issuerAltName, // informational
  id_ce_cRLNumber, // we pick the newest CRL by thisUpdate, as OpenSSL does
  id_ce_issuingDistributionPoint,
  id_ce_freshestCRL, // where delta CRLs are; we use complete CRLs only
  id_pe_authorityInfoAccess,
]);
/** CRL entry extensions we read or may ignore (RFC 5280 §5.3). */
const KNOWN_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([id_ce_cRLReasons, id_ce_invalidityDate, id_ce_holdInstructionCode]);

// ---------------------------------------------------------------------------------------------
// Schemas: @peculiar/asn1-x509's TBSCertList with the issuer kept as the DER received (names are
// compared as octets, certificate.ts), and its CertificateList keeping tbsCertList's raw bytes.

function prop(target: object, key: string, options: Parameters<typeof AsnProp>[0]): void {
  AsnProp(options)(target, key);
}

/** RFC 5280 §5.1 revokedCertificates entry. */
class RawRevokedCertificate {
  userCertificate = new ArrayBuffer(0);
  revocationDate = new Time();
  crlEntryExtensions?: Extension[];
}
prop(RawRevokedCertificate.prototype, 'userCertificate', { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter });
prop(RawRevokedCertificate.prototype, 'revocationDate', { type: Time });
prop(RawRevokedCertificate.prototype, 'crlEntryExtensions', { type: Extension, optional: true, repeated: 'sequence' });

/** RFC 5280 §5.1 TBSCertList. */
class RawTbsCertList {
  version?: number;
  signature = new AlgorithmIdentifier();
  issuer = new ArrayBuffer(0);
  thisUpdate = new Time();
  nextUpdate?: Time;
  revokedCertificates?: RawRevokedCertificate[];
  crlExtensions?: Extension[];
}
prop(RawTbsCertList.prototype, 'version', { type: AsnPropTypes.Integer, optional: true });
prop(RawTbsCertList.prototype, 'signature', { type: AlgorithmIdentifier });
prop(RawTbsCertList.prototype, 'issuer', { type: AsnPropTypes.Any });
prop(RawTbsCertList.prototype, 'thisUpdate', { type: Time });
prop(RawTbsCertList.prototype, 'nextUpdate', { type: Time, optional: true });
prop(RawTbsCertList.prototype, 'revokedCertificates', { type: RawRevokedCertificate, repeated: 'sequence', optional: true });
prop(RawTbsCertList.prototype, 'crlExtensions', { type: Extension, optional: true, context: 0, repeated: 'sequence' });

/** RFC 5280 §5.1 CertificateList. */
class RawCertificateList {
  tbsCertList = new RawTbsCertList();
  tbsCertListRaw?: ArrayBuffer;
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new ArrayBuffer(0);
}
prop(RawCertificateList.prototype, 'tbsCertList', { type: RawTbsCertList, raw: true });
prop(RawCertificateList.prototype, 'signatureAlgorithm', { type: AlgorithmIdentifier });
prop(RawCertificateList.prototype, 'signature', { type: AsnPropTypes.BitString });

// ---------------------------------------------------------------------------------------------
// The parsed view.

export interface RevokedEntry {
  /** ms since the epoch. */
  readonly revocationDate: number;
  /** RFC 5280 §5.3.1 CRLReason, when the entry gives one. */
  readonly reason: number | undefined;
}

/** Which certificates an issuingDistributionPoint lets the CRL cover (RFC 5280 §5.2.5). */
export type CrlScope = 'all' | 'end-entity' | 'ca';

export interface Crl {
  readonly der: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** "CN=…, O=…", for messages. */
  readonly issuer: string;
  readonly thisUpdate: number;
  readonly nextUpdate: number | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
  readonly scope: CrlScope;
  /** The issuingDistributionPoint's fullName, each GeneralName as DER; undefined when it names none. */
  readonly distributionPoint: readonly Uint8Array[] | undefined;
  /** Why the CRL cannot be used to decide any certificate's status, or undefined when it can. */
  readonly unusable: string | undefined;
  /** By serial number: lower-case hex of the INTEGER's minimal content octets. */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** tbsCertList as received: what the signature covers. */
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
}

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A serial number's hex with redundant leading zero octets removed, so that the certificate's
 * and the CRL entry's INTEGERs compare by value (both should be minimal DER already).
 */
export function canonicalSerial(serialHex: string): string {
  let s = serialHex.toLowerCase();
  while (s.length > 2 && s.startsWith('00') && Number.parseInt(s.slice(2, 4), 16) < 0x80) s = s.slice(2);
  return s;
}

const malformed = (detail: string, cause?: unknown): TLSError =>
  certError('UNABLE_TO_DECODE_CRL', `${CERT_ERRORS.UNABLE_TO_DECODE_CRL.description}: ${detail}`, cause);

function decodeExtension<T>(value: ArrayBuffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(value, type);
  } catch (cause) {
    throw malformed(`${what} does not decode`, cause);
  }
}

function timeOf(time: Time, what: string): number {
  let ms: number;
  try {
    ms = time.getTime().getTime();
  } catch (cause) {
    throw malformed(`${what} is not a time`, cause);
  }
  if (!Number.isFinite(ms)) throw malformed(`${what} is not a valid time`);
  return ms;
}

const sameAlgorithm = (a: AlgorithmIdentifier, b: AlgorithmIdentifier): boolean =>
  a.algorithm === b.algorithm && sameBytes(u8(a.parameters ?? new ArrayBuffer(0)), u8(b.parameters ?? new ArrayBuffer(0)));

/** Extensions by OID; a second instance of one is malformed (RFC 5280 §5.2, §5.3 as §4.2). */
function extensionMap(extensions: readonly Extension[] | undefined, where: string): Map<string, Extension> {
  const map = new Map<string, Extension>();
  for (const ext of extensions ?? []) {
    if (map.has(ext.extnID)) throw malformed(`${where} contain extension ${ext.extnID} more than once`);
    map.set(ext.extnID, ext);
  }
  return map;
}

interface Scope {
  scope: CrlScope;
  distributionPoint: Uint8Array[] | undefined;
  unusable: string | undefined;
}

/** RFC 5280 §5.2.5 issuingDistributionPoint: the scopes we implement, or why the CRL is unusable. */
function scopeOf(ext: Extension | undefined): Scope {
  if (!ext) return { scope: 'all', distributionPoint: undefined, unusable: undefined };
  const idp = decodeExtension(ext.extnValue.buffer, IssuingDistributionPoint, 'issuingDistributionPoint');
  const unusable = (why: string): Scope => ({ scope: 'all', distributionPoint: undefined, unusable: why });
  if (idp.indirectCRL) return unusable('it is an indirect CRL');
  if (idp.onlySomeReasons) return unusable('it covers only some revocation reasons (onlySomeReasons)');
  if (idp.onlyContainsAttributeCerts) return unusable('it covers attribute certificates only');
  // §5.2.5: "at most one of onlyContainsUserCerts, onlyContainsCACerts, and onlyContainsAttributeCerts".
  if (idp.onlyContainsUserCerts && idp.onlyContainsCACerts) return unusable('its issuingDistributionPoint asserts both onlyContainsUserCerts and onlyContainsCACerts');
  const scope: CrlScope = idp.onlyContainsUserCerts ? 'end-entity' : idp.onlyContainsCACerts ? 'ca' : 'all';
  const dp = idp.distributionPoint;
  if (dp?.nameRelativeToCRLIssuer) return unusable('its distribution point is named relative to the issuer');
  const distributionPoint = dp?.fullName?.map((name) => u8(AsnConvert.serialize(name)));
  return { scope, distributionPoint, unusable: undefined };
}

/**
 * Parses one DER CertificateList (RFC 5280 §5.1). Throws a TLSError UNABLE_TO_DECODE_CRL when it
 * is not one; a CRL we cannot use is returned with `unusable` set (see the header).
 */
export function parseCrl(der: Uint8Array): Crl {
  try {
    return parseCrlUnchecked(der);
  } catch (err) {
    // Whatever the ASN.1 library throws on input it did not foresee is still a bad CRL.
    if (err instanceof TLSError) throw err;
    throw malformed(err instanceof Error ? err.message : String(err), err);
  }
}

function parseCrlUnchecked(der: Uint8Array): Crl {
  if (!isOneElement(der)) throw malformed('not one DER element (truncated, or with trailing bytes)');
  if (der.length > MAX_CRL_BYTES) throw malformed(`larger than ${MAX_CRL_BYTES} bytes`);
  let list: RawCertificateList;
  try {
    // asn1js refuses more than 10 000 nodes by default, about 1 000 revoked entries: a CRL is as
    // large as its CA's history, so the bound is MAX_CRL_BYTES instead (a node takes two bytes at
    // least). Nothing is read from inside OCTET STRINGs but the extensions we decode ourselves.
    list = AsnConvert.parse(der, RawCertificateList, {
      berOptions: { maxNodes: der.length, maxContentLength: der.length, parseEmbedded: false },
    });
  } catch (cause) {
    throw malformed('not a CertificateList', cause);
  }
  const tbs = list.tbsCertList;
  if (!list.tbsCertListRaw) throw malformed('tbsCertList is missing');
  // §5.1.2.1: absent means v1; when present it MUST be v2 (1).
  const version = tbs.version === undefined ? 1 : tbs.version + 1;
  if (version !== 1 && version !== 2) throw malformed(`unknown CRL version ${version}`);
  // §5.1.1.2: "MUST contain the same algorithm identifier as the signature field in the sequence tbsCertList".
  if (!sameAlgorithm(tbs.signature, list.signatureAlgorithm)) throw malformed('tbsCertList signature differs from signatureAlgorithm');
  const issuerDer = u8(tbs.issuer).slice();
  let issuer: string;
  try {
    issuer = parseName(issuerDer, 'CRL issuer').text;
  } catch (cause) {
    throw malformed('the issuer is not a Name', cause);
  }
  const thisUpdate = timeOf(tbs.thisUpdate, 'thisUpdate');
  const nextUpdate = tbs.nextUpdate === undefined ? undefined : timeOf(tbs.nextUpdate, 'nextUpdate');

  const extensions = extensionMap(tbs.crlExtensions, 'crlExtensions');
  // §5.1.2.1 / §5.1.2.6: extensions appear only in v2 CRLs.
  const entriesHaveExtensions = tbs.revokedCertificates?.some((e) => e.crlEntryExtensions?.length) ?? false;
  if (version === 1 && (extensions.size > 0 || entriesHaveExtensions)) throw malformed('extensions in a version 1 CRL');
  const akiExt = extensions.get(id_ce_authorityKeyIdentifier);
  const aki = akiExt && decodeExtension(akiExt.extnValue.buffer, AuthorityKeyIdentifier, 'authorityKeyIdentifier').keyIdentifier;
  const scope = scopeOf(extensions.get(id_ce_issuingDistributionPoint));
  let unusable = scope.unusable;
  // §5.2.4: a delta CRL lists only changes since a base CRL; alone it proves nothing.
  if (extensions.has(id_ce_deltaCRLIndicator)) unusable ??= 'it is a delta CRL';
  for (const [oid, ext] of extensions) {
    // §5.2: "If a CRL contains a critical extension that the application cannot process, then the
    // application MUST NOT use that CRL to determine the status of certificates."
    if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(oid)) unusable ??= `it has the unhandled critical extension ${oid}`;
  }

  const revoked = new Map<string, RevokedEntry>();
  for (const entry of tbs.revokedCertificates ?? []) {
    const serial = canonicalSerial(hex(u8(entry.userCertificate)));
    const revocationDate = timeOf(entry.revocationDate, 'revocationDate');
    const entryExtensions = extensionMap(entry.crlEntryExtensions, 'crlEntryExtensions');
    for (const [oid, ext] of entryExtensions) {
      // §5.3.3: certificateIssuer (always critical) makes later entries another CA's: an indirect CRL.
      if (oid === id_ce_certificateIssuer) unusable ??= 'an entry names another certificate issuer (indirect CRL)';
      // §5.3: the same rule as above, for a critical CRL entry extension.
      else if (ext.critical && !KNOWN_ENTRY_EXTENSIONS.has(oid)) unusable ??= `an entry has the unhandled critical extension ${oid}`;
    }
    const reasonExt = entryExtensions.get(id_ce_cRLReasons);
    const reason = reasonExt && decodeExtension(reasonExt.extnValue.buffer, CRLReason, 'CRL entry reasonCode').reason;
    const previous = revoked.get(serial);
    // A serial listed twice: the earliest revocation stands.
    if (!previous || revocationDate < previous.revocationDate) revoked.set(serial, { revocationDate, reason });
  }

  return {
    der: der.slice(),
    issuerDer,
    issuer,
    thisUpdate,
    nextUpdate,
    authorityKeyIdentifier: aki ? u8(aki.buffer).slice() : undefined,
    scope: scope.scope,
    distributionPoint: scope.distributionPoint,
    unusable,
    revoked,
    signatureAlgorithm: list.signatureAlgorithm,
    tbs: u8(list.tbsCertListRaw).slice(),
    signature: u8(list.signature).slice(),
  };
}

const looksLikeDer = (bytes: Uint8Array) => bytes[0] === 0x30; // a SEQUENCE tag, never the start of PEM text

/**
 * Parses node:tls-style `crl` input: PEM strings or bytes holding "X509 CRL" blocks, or DER bytes.
 * Throws a TLSError UNABLE_TO_DECODE_CRL naming the entry, when one holds no CRL or a bad one.
 */
export function parseCrls(input: CrlInput): Crl[] {
  const entries = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  const out: Crl[] = [];
  entries.forEach((entry, index) => {
    const where = entries.length > 1 ? ` (crl ${index})` : '';
    const rethrow = (err: unknown): never => {
      if (err instanceof TLSError) throw certError('UNABLE_TO_DECODE_CRL', `${err.message}${where}`, err.cause);
      throw malformed(`${err instanceof Error ? err.message : String(err)}${where}`, err);
    };
    if (typeof entry !== 'string' && !(entry instanceof Uint8Array)) rethrow(new Error('a CRL must be a string or bytes'));
    if (entry instanceof Uint8Array && looksLikeDer(entry)) {
      try {
        out.push(parseCrl(entry));
      } catch (err) {
        rethrow(err);
      }
      return;
    }
    const text = typeof entry === 'string' ? entry : new TextDecoder('latin1').decode(entry);
    let blocks: Uint8Array[];
    try {
      blocks = pemToDer(text, 'X509 CRL');
    } catch (err) {
      return rethrow(err);
    }
    if (blocks.length === 0) rethrow(new Error('no X509 CRL PEM block found'));
    for (const der of blocks) {
      try {
        out.push(parseCrl(der));
      } catch (err) {
        rethrow(err);
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The store.

/** Issuers whose signature check on one CRL is remembered: its real issuer, and a few namesakes. */
const MAX_REMEMBERED_ISSUERS = 8;

/**
 * Parsed CRLs indexed by issuer name, made once per configuration. Remembers which issuer keys
 * each CRL's signature verifies under, so a handshake does not pay for the check again.
 */
export class CrlStore {
  readonly crls: readonly Crl[];
  private readonly byIssuer = new Map<string, Crl[]>();
  private readonly signatureChecks = new WeakMap<Crl, Map<string, TLSError | undefined>>();

  constructor(crls: Iterable<Crl>) {
    const list: Crl[] = [];
    for (const crl of crls) {
      list.push(crl);
      const key = hex(crl.issuerDer);
      const same = this.byIssuer.get(key);
      if (same) same.push(crl);
      else this.byIssuer.set(key, [crl]);
    }
    this.crls = list;
  }

  /** Parses `input` (see parseCrls); throws UNABLE_TO_DECODE_CRL. */
  static from(input: CrlInput): CrlStore {
    return new CrlStore(parseCrls(input));
  }

  get size(): number {
    return this.crls.length;
  }

  /** CRLs whose issuer name is `issuerDer`, octet for octet. */
  issuedBy(issuerDer: Uint8Array): readonly Crl[] {
    return this.byIssuer.get(hex(issuerDer)) ?? [];
  }

  /** Why `crl`'s signature does not verify under `issuer`'s key, or undefined when it does. */
  signatureError(crl: Crl, issuer: ParsedCertificate): TLSError | undefined {
    let checks = this.signatureChecks.get(crl);
    if (!checks) {
      checks = new Map();
      this.signatureChecks.set(crl, checks);
    }
    const key = issuer.fingerprint256;
    if (checks.has(key)) return checks.get(key);
    const result = verifyCrlSignature(crl, issuer);
    if (checks.size < MAX_REMEMBERED_ISSUERS) checks.set(key, result);
    return result;
  }
}

/** Step 4 of the header: over the tbsCertList as received, with the issuer's key, through the provider. */
function verifyCrlSignature(crl: Crl, issuer: ParsedCertificate): TLSError | undefined {
  const key = issuer.publicKey;
  let scheme: number;
  try {
    scheme = signatureSchemeFor(crl.signatureAlgorithm, key, 'CRL', "the issuer's");
  } catch (err) {
    if (err instanceof SignatureAlgorithmRefused) return certError('CRL_SIGNATURE_FAILURE', `CRL signature failure: ${err.message}`, err.cause);
    throw err;
  }
  let ok: boolean;
  try {
    ok = key.verify(scheme, crl.tbs, crl.signature);
  } catch {
    // A signature that is not even well-formed (a bad ECDSA DER) is one that does not verify.
    ok = false;
  }
  return ok ? undefined : certError('CRL_SIGNATURE_FAILURE', `CRL signature failure: the CRL of ${crl.issuer} does not verify with its issuer's key`);
}

// ---------------------------------------------------------------------------------------------
// The check.

const iso = (ms: number) => new Date(ms).toISOString();

const distributionPointCache = new WeakMap<CertificateInfo, Uint8Array[][] | Error>();

/**
 * The fullNames of the certificate's cRLDistributionPoints that a complete CRL may serve: points
 * with neither reasons (a point for some reasons only is a partial CRL) nor cRLIssuer (an
 * indirect CRL). Each name as DER. An extension that does not decode yields an Error: no CRL
 * with a distribution point then covers the certificate.
 */
function certificateDistributionPoints(info: CertificateInfo): Uint8Array[][] | Error {
  let points = distributionPointCache.get(info);
  if (points) return points;
  if (!info.crlDistributionPoints) points = [];
  else {
    try {
      const decoded = AsnConvert.parse(info.crlDistributionPoints, CRLDistributionPoints);
      points = [];
      for (const dp of decoded) {
        if (dp.reasons || dp.cRLIssuer || !dp.distributionPoint?.fullName) continue;
        points.push(dp.distributionPoint.fullName.map((name: GeneralName) => u8(AsnConvert.serialize(name))));
      }
    } catch (cause) {
      points = new Error('its cRLDistributionPoints do not decode', { cause });
    }
  }
  distributionPointCache.set(info, points);
  return points;
}

/** Why `crl` does not cover `info` (RFC 5280 §6.3.3 (b)), or undefined when it does. */
function outOfScope(crl: Crl, info: CertificateInfo): string | undefined {
  if (crl.unusable) return crl.unusable;
  const isCA = info.basicConstraints?.cA === true;
  if (crl.scope === 'end-entity' && isCA) return 'it covers end-entity certificates only';
  if (crl.scope === 'ca' && !isCA) return 'it covers CA certificates only';
  if (crl.distributionPoint) {
    const points = certificateDistributionPoints(info);
    if (points instanceof Error) return points.message;
    const named = points.some((names) => names.some((n) => crl.distributionPoint!.some((m) => sameBytes(n, m))));
    if (!named) return "its distribution point is not one of the certificate's cRLDistributionPoints";
  }
  return undefined;
}

/** Step 1's key check: a CRL of another key with the same issuer name is not this issuer's. */
function sameIssuerKey(crl: Crl, info: CertificateInfo, issuerInfo: CertificateInfo): boolean {
  const aki = crl.authorityKeyIdentifier;
  if (!aki) return true;
  if (issuerInfo.subjectKeyIdentifier && !sameBytes(aki, issuerInfo.subjectKeyIdentifier)) return false;
  if (info.authorityKeyIdentifier && !sameBytes(aki, info.authorityKeyIdentifier)) return false;
  return true;
}

const REASON_NAMES: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** The revocation status of `cert`, issued by `issuer`, at `time`: undefined when a current CRL covers it and does not list it. */
function statusError(cert: ParsedCertificate, issuer: ParsedCertificate, depth: number, store: CrlStore, time: number): TLSError | undefined {
  const info = certificateInfo(cert);
  const issuerInfo = certificateInfo(issuer);
  const where = `${info.subject.text} (depth ${depth})`;
  let problem: { error: TLSError; rank: number } | undefined;
  const note = (error: TLSError, rank: number) => {
    if (!problem || rank > problem.rank) problem = { error, rank };
  };
  let best: Crl | undefined;
  for (const crl of store.issuedBy(info.issuerDer)) {
    if (!sameIssuerKey(crl, info, issuerInfo)) continue;
    const why = outOfScope(crl, info);
    if (why) {
      note(certError('UNABLE_TO_GET_CRL', `unable to get certificate CRL for ${where}: the CRL of ${crl.issuer} does not apply: ${why}`), 0);
      continue;
    }
    // RFC 5280 §6.3.3 (f).
    if (issuerInfo.keyUsage !== undefined && (issuerInfo.keyUsage & KU_CRL_SIGN) === 0) {
      note(certError('KEYUSAGE_NO_CRL_SIGN', `key usage of ${issuerInfo.subject.text} does not include CRL signing`), 1);
      continue;
    }
    const signature = store.signatureError(crl, issuer);
    if (signature) {
      note(signature, 2);
      continue;
    }
    if (crl.thisUpdate > time) {
      note(certError('CRL_NOT_YET_VALID', `CRL of ${crl.issuer} is not yet valid (thisUpdate ${iso(crl.thisUpdate)})`), 3);
      continue;
    }
    if (crl.nextUpdate !== undefined && crl.nextUpdate < time) {
      note(certError('CRL_HAS_EXPIRED', `CRL of ${crl.issuer} has expired (nextUpdate ${iso(crl.nextUpdate)})`), 3);
      continue;
    }
    if (!best || crl.thisUpdate > best.thisUpdate) best = crl;
  }
  if (!best) return problem?.error ?? certError('UNABLE_TO_GET_CRL', `unable to get certificate CRL for ${where}: no CRL from ${info.issuer.text}`);
  const entry = best.revoked.get(canonicalSerial(info.serialNumber));
  // RFC 5280 §5.1.2.6: revocationDate is when the revocation took effect; not yet, not revoked.
  if (!entry || entry.revocationDate > time || entry.reason === REMOVE_FROM_CRL) return undefined;
  const reason = entry.reason === undefined ? '' : `, reason ${REASON_NAMES[entry.reason] ?? entry.reason}`;
  return certError('CERT_REVOKED', `certificate revoked: ${where} at ${iso(entry.revocationDate)}${reason} (CRL of ${best.issuer})`);
}

export interface RevocationCheck {
  /** The validated path, leaf first, trust anchor last (chain.ts buildPath). */
  path: readonly ParsedCertificate[];
  crls: CrlStore;
  /** Validation time, ms since the epoch: the verifier's clock. */
  time: number;
}

/**
 * RFC 5280 §6.3 over the whole path, as OpenSSL's CRL_CHECK_ALL: each certificate but the trust
 * anchor, leaf first, against the CRLs of its issuer. Throws the first failure as a TLSError
 * (CERT_REVOKED, UNABLE_TO_GET_CRL, CRL_HAS_EXPIRED, CRL_NOT_YET_VALID, CRL_SIGNATURE_FAILURE,
 * KEYUSAGE_NO_CRL_SIGN).
 */
export function checkRevocation({ path, crls, time }: RevocationCheck): void {
  for (let depth = 0; depth < path.length - 1; depth++) {
    const error = statusError(path[depth]!, path[depth + 1]!, depth, crls, time);
    if (error) throw error;
  }
}
