// OCSP responses stapled in TLS 1.3 (RFC 8446 §4.4.2.1, RFC 6066 §8), checked as RFC 6960 says,
// and the TLS Feature "must-staple" extension (RFC 7633).
//
// verifyOcspResponse checks one OCSPResponse against the leaf and its issuer:
//   1. responseStatus successful, responseType id-pkix-ocsp-basic (RFC 6960 §4.2.1);
//   2. the signer: the issuer itself, or a delegated responder certificate carried in the response,
//      issued and signed directly by the issuer, carrying id-kp-OCSPSigning and valid at the
//      validation time (RFC 6960 §4.2.2.2); the ResponderID must name it;
//   3. the signature over the tbsResponseData bytes as received, with the algorithm the response
//      names (SHA-1 and MD5 refused, as for certificates);
//   4. a SingleResponse whose CertID matches the leaf: hash of the issuer's subject DER and of its
//      subjectPublicKey BIT STRING value, with the CertID's hash (SHA-1, SHA-256/384/512), and
//      the leaf's serialNumber (RFC 6960 §4.1.1);
//   5. freshness at the validation time: RFC 6960 §4.2.2.1 calls a response with nextUpdate in the
//      past or thisUpdate in the future "unreliable" (OCSP_CLOCK_SKEW_MS either way;
//      OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS without nextUpdate).
// It returns the verified status; checkStapledOcsp turns 'revoked' and 'unknown' into errors and
// enforces must-staple, for the handshake.
//
// Certificate fields the provider's ParsedCertificate does not expose (subject DER, serial,
// subjectPublicKeyInfo, extendedKeyUsage, must-staple) come from certificateInfo (certificate.ts),
// which path validation has usually parsed and cached already, so no certificate is parsed twice.
import { AsnConvert, AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, type Extension, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  type CertID,
  OCSPResponse,
  OCSPResponseStatus,
  type ResponderID,
  ResponseData,
  type SingleResponse,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';
import { bytesEqual } from '../bytes.js';
import type { CryptoProvider, HashName, IdentifierHashName, ParsedCertificate, PublicKeyInfo } from '../crypto/provider.js';
import { TLSError } from '../errors.js';
import { type CertificateInfo, certificateInfo } from './certificate.js';
import { type CertErrorCode, certError } from './errors.js';
import { SignatureAlgorithmRefused, isOneElement, signatureSchemeFor } from './signed.js';

/** RFC 7633 §6: id-pe-tlsfeature (defined with the rest of the certificate view in certificate.ts). */
export { id_pe_tlsfeature } from './certificate.js';

/**
 * How far the responder's clock may run ahead of ours (thisUpdate in our future) or behind
 * (nextUpdate just passed): five minutes, a small allowance for clocks that disagree (Kerberos's
 * default too).
 */
export const OCSP_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * A response without nextUpdate (RFC 6960 §4.2.2.1: "equivalent to a CRL with no time for
 * nextUpdate", so it never says when it goes stale) is accepted for this long after thisUpdate.
 * Seven days stays inside the CA/Browser Forum Baseline Requirements' ten-day limit on an OCSP
 * response's validity interval (§4.9.10).
 */
export const OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 7 * 86_400_000;
/** Certificates in a response considered as its signer: a real response carries one responder. */
export const MAX_OCSP_RESPONDER_CANDIDATES = 4;

/** RFC 6960 §4.2.1 CertStatus. */
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** A verified OCSP answer for one certificate. Times are ms since the epoch. */
export interface OcspResult {
  status: OcspCertStatus;
  producedAt: number;
  thisUpdate: number;
  nextUpdate?: number;
  /** For 'revoked'. */
  revocationTime?: number;
  /** For 'revoked', when given: RFC 5280 §5.3.1 CRLReason. */
  revocationReason?: number;
  /** Who signed it: the issuing CA, or a delegated responder (RFC 6960 §4.2.2.2). */
  signer: 'issuer' | 'delegated';
}

export interface VerifyOcspOptions {
  /** OCSPResponse DER, as stapled in the CertificateEntry. */
  response: Uint8Array;
  leaf: ParsedCertificate;
  /** The leaf's issuer on the validated path. */
  issuer: ParsedCertificate;
  /** Validation time, ms since the epoch. */
  time: number;
  provider: CryptoProvider;
}

// --- ASN.1 shapes @peculiar/asn1-* do not provide (decorators applied as plain calls) ---------

/** BasicOCSPResponse with its certs kept as received DER, so a responder certificate is never re-encoded. */
class BasicOcspResponseAsReceived {
  tbsResponseData = new ResponseData();
  tbsResponseDataRaw?: ArrayBuffer;
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new ArrayBuffer(0);
  certs?: ArrayBuffer[];
}
AsnProp({ type: ResponseData, raw: true })(BasicOcspResponseAsReceived.prototype, 'tbsResponseData');
AsnProp({ type: AlgorithmIdentifier })(BasicOcspResponseAsReceived.prototype, 'signatureAlgorithm');
AsnProp({ type: AsnPropTypes.BitString })(BasicOcspResponseAsReceived.prototype, 'signature');
AsnProp({ type: AsnPropTypes.Any, context: 0, repeated: 'sequence', optional: true })(BasicOcspResponseAsReceived.prototype, 'certs');

/** id-pe-tlsfeature as a DER OBJECT IDENTIFIER (tag, length, 1.3.6.1.5.5.7.1.24). */
const TLS_FEATURE_OID_DER = Uint8Array.of(0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x18);

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// --- small helpers ----------------------------------------------------------------------------

const fail = (code: CertErrorCode, detail: string, cause?: unknown): TLSError => certError(code, detail, cause);
const invalid = (detail: string, cause?: unknown) => fail('OCSP_RESPONSE_INVALID', detail, cause);

function parseWhole<T>(der: Uint8Array, type: new () => T, what: string): T {
  if (!isOneElement(der)) throw invalid(`${what} is not one DER element`);
  try {
    return AsnConvert.parse(der, type);
  } catch (cause) {
    throw invalid(`${what} does not parse`, cause);
  }
}

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

type OcspHash = HashName | IdentifierHashName;

/**
 * OCSP needs SHA-1 besides SHA-2: RFC 6960 §4.2.1 defines ResponderID byKey as a SHA-1 hash, and
 * RFC 5019 §2.1.1 has clients build CertIDs with SHA-1 (identifiers, which CryptoProvider.hash
 * takes SHA-1 for). A provider that cannot compute one throws, and the response is refused, not trusted.
 */
function digest(provider: CryptoProvider, alg: OcspHash, data: Uint8Array): Uint8Array {
  try {
    return provider.hash(alg, data);
  } catch (cause) {
    throw invalid(`the crypto provider cannot compute ${alg}`, cause);
  }
}

/** RFC 6960 §4.1.1 CertID hashAlgorithm OIDs we compute (RFC 3279 SHA-1; RFC 5754 SHA-2). */
const CERT_ID_HASHES: Readonly<Record<string, OcspHash>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

// --- certificate fields, from the shared certificate view -------------------------------------

const publicKeyBitsCache = new WeakMap<CertificateInfo, Uint8Array>();

/**
 * The subjectPublicKey BIT STRING value, without its unused-bits octet (RFC 6960 §4.1.1
 * issuerKeyHash and §4.2.1 byKey input). certificateInfo keeps the whole SPKI as received; this
 * small structure is decoded once per certificate view.
 */
function publicKeyBits(info: CertificateInfo): Uint8Array {
  let bits = publicKeyBitsCache.get(info);
  if (!bits) {
    try {
      bits = u8(AsnConvert.parse(info.spki, SubjectPublicKeyInfo).subjectPublicKey);
    } catch (cause) {
      // certificateInfo decoded this SPKI already (to describe the key), so this does not happen.
      throw fail('UNABLE_TO_DECODE_CERT', 'certificate subjectPublicKeyInfo does not parse', cause);
    }
    publicKeyBitsCache.set(info, bits);
  }
  return bits;
}

/**
 * RFC 7633 §4.2.3: the certificate carries the TLS feature status_request ("must-staple"). An
 * extension that does not parse counts as carrying it: failing closed costs a staple check, not trust.
 */
export function requiresStaple(leaf: ParsedCertificate): boolean {
  // Asked on every handshake: a certificate whose DER lacks the OID's encoding cannot carry the
  // extension, and this search costs microseconds where a first parse costs most of a millisecond
  // (a leaf that path validation accepted is parsed already; one a custom verifier accepted may not be).
  if (indexOf(leaf.der, TLS_FEATURE_OID_DER) < 0) return false;
  let info: CertificateInfo;
  try {
    info = certificateInfo(leaf);
  } catch (err) {
    // Not a certificate at all: reported as such. Otherwise an extension broke its rules (the TLS
    // feature itself, or one that path validation refuses the leaf for anyway): fail closed.
    if (err instanceof TLSError && err.code === 'UNABLE_TO_DECODE_CERT') throw err;
    return true;
  }
  return info.mustStaple;
}

// --- signature algorithms ----------------------------------------------------------------------

/** The TLS SignatureScheme that verifies a signature made with `algorithm` by `key` (./signed.ts). */
function schemeFor(algorithm: AlgorithmIdentifier, key: PublicKeyInfo): number {
  try {
    return signatureSchemeFor(algorithm, key, 'OCSP response', "the responder's");
  } catch (err) {
    if (err instanceof SignatureAlgorithmRefused) throw invalid(err.message, err.cause);
    throw err;
  }
}

// --- the response ------------------------------------------------------------------------------

/** RFC 6960 §4.2.1 ResponderID: byName is the signer's subject, byKey the SHA-1 of its subjectPublicKey value. */
function namesResponder(id: ResponderID, info: CertificateInfo, provider: CryptoProvider): boolean {
  if (id.byKey) return bytesEqual(u8(id.byKey.buffer), digest(provider, 'sha1', publicKeyBits(info)));
  // DER is canonical, so the re-encoded Name equals the certificate's subject octets exactly when the names do.
  if (id.byName) return bytesEqual(u8(AsnConvert.serialize(id.byName)), info.subjectDer);
  return false;
}

/** A certificate the response carries, or undefined when certificateInfo refuses it (it cannot be the signer). */
function responderInfo(cert: ParsedCertificate): CertificateInfo | undefined {
  try {
    return certificateInfo(cert);
  } catch (err) {
    if (err instanceof TLSError) return undefined;
    throw err;
  }
}

/** RFC 6960 §4.2.2.2: the issuer, or a delegated responder the issuer authorised (its validity is checked per use). */
function findSigner(
  basic: BasicOcspResponseAsReceived,
  issuer: ParsedCertificate,
  provider: CryptoProvider,
): { cert: ParsedCertificate; signer: OcspResult['signer'] } {
  const id = basic.tbsResponseData.responderID;
  if (namesResponder(id, certificateInfo(issuer), provider)) return { cert: issuer, signer: 'issuer' };
  for (const raw of (basic.certs ?? []).slice(0, MAX_OCSP_RESPONDER_CANDIDATES)) {
    let cert: ParsedCertificate;
    try {
      cert = provider.parseCertificate(u8(raw));
    } catch (cause) {
      throw invalid('a certificate in the OCSP response does not parse', cause);
    }
    const info = responderInfo(cert);
    if (!info || !namesResponder(id, info, provider)) continue;
    if (cert.issuer !== issuer.subject || !cert.verifySignedBy(issuer)) {
      throw fail('OCSP_RESPONDER_UNAUTHORIZED', "delegated OCSP responder is not issued by the certificate's issuer");
    }
    // RFC 6960 §4.2.2.2: id-kp-OCSPSigning itself (anyExtendedKeyUsage does not do).
    if (!info.extendedKeyUsage?.includes(id_kp_OCSPSigning)) throw fail('OCSP_RESPONDER_UNAUTHORIZED', 'delegated OCSP responder lacks id-kp-OCSPSigning');
    return { cert, signer: 'delegated' };
  }
  throw fail('OCSP_RESPONDER_UNAUTHORIZED', 'OCSP response is signed by neither the issuer nor a responder certificate it carries');
}

/** Why `certID` is not the leaf's, or undefined when it is (RFC 6960 §4.1.1). */
function certIdMismatch(certID: CertID, leaf: CertificateInfo, issuer: CertificateInfo, provider: CryptoProvider): string | undefined {
  const hash = CERT_ID_HASHES[certID.hashAlgorithm.algorithm];
  if (!hash) return `CertID hash algorithm ${certID.hashAlgorithm.algorithm} is not supported`;
  // Both are the INTEGER's content octets, in lower-case hex.
  if (hex(u8(certID.serialNumber)) !== leaf.serialNumber) return 'OCSP response is for another serial number';
  if (!bytesEqual(u8(certID.issuerNameHash.buffer), digest(provider, hash, issuer.subjectDer))) return 'OCSP response names another issuer (issuerNameHash)';
  if (!bytesEqual(u8(certID.issuerKeyHash.buffer), digest(provider, hash, publicKeyBits(issuer)))) return 'OCSP response names another issuer key (issuerKeyHash)';
  return undefined;
}

/** RFC 6960 §4.4: we implement no extension, so a critical one is not understood. */
function checkExtensions(extensions: readonly Extension[] | undefined, where: string): void {
  const critical = extensions?.find((e) => e.critical);
  if (critical) throw invalid(`unknown critical extension ${critical.extnID} in the ${where}`);
}

const ms = (d: Date) => d.getTime();

/** What checking a response once establishes, whatever the validation time. */
interface VerifiedResponse {
  readonly result: Readonly<OcspResult>;
  /** A delegated responder's validity period, checked at each use. */
  readonly responder: { readonly notBefore: number; readonly notAfter: number } | undefined;
}

/** Steps 1-4 of the header: everything but the clock. Throws a TLSError with an OCSP_* code. */
function verifyUncached(options: VerifyOcspOptions): VerifiedResponse {
  const { provider, leaf, issuer } = options;
  const outer = parseWhole(options.response, OCSPResponse, 'OCSPResponse');
  // RFC 6960 §4.2.1: only a successful response carries responseBytes (the others are unsigned).
  if (outer.responseStatus !== OCSPResponseStatus.successful) {
    const name = OCSPResponseStatus[outer.responseStatus] ?? String(outer.responseStatus);
    throw invalid(`OCSP responseStatus is ${name}, not successful`);
  }
  const bytes = outer.responseBytes;
  if (!bytes) throw invalid('successful OCSP response without responseBytes');
  if (bytes.responseType !== id_pkix_ocsp_basic) throw invalid(`OCSP responseType ${bytes.responseType} is not id-pkix-ocsp-basic`);
  const basic = parseWhole(u8(bytes.response.buffer), BasicOcspResponseAsReceived, 'BasicOCSPResponse');
  const data = basic.tbsResponseData;
  if (data.version !== 0) throw invalid(`ResponseData version ${data.version} is not v1`);
  checkExtensions(data.responseExtensions, 'OCSP responseExtensions');

  const { cert: signer, signer: signerKind } = findSigner(basic, issuer, provider);
  const scheme = schemeFor(basic.signatureAlgorithm, signer.publicKey);
  // Over the tbsResponseData bytes as received, never a re-encoding.
  const signed = basic.tbsResponseDataRaw ? u8(basic.tbsResponseDataRaw) : undefined;
  if (!signed || !signer.publicKey.verify(scheme, signed, u8(basic.signature))) {
    throw fail('OCSP_SIGNATURE_FAILURE', 'OCSP response signature does not verify');
  }

  const leafInfo = certificateInfo(leaf);
  const issuerInfo = certificateInfo(issuer);
  let single: SingleResponse | undefined;
  let mismatch = 'OCSP response has no SingleResponse';
  for (const candidate of data.responses) {
    const why = certIdMismatch(candidate.certID, leafInfo, issuerInfo, provider);
    if (why === undefined) {
      single = candidate;
      break;
    }
    mismatch = why;
  }
  if (!single) throw fail('OCSP_CERTID_MISMATCH', mismatch);
  checkExtensions(single.singleExtensions, 'SingleResponse');

  const revoked = single.certStatus.revoked;
  const result: OcspResult = {
    status: revoked ? 'revoked' : single.certStatus.unknown !== undefined ? 'unknown' : 'good',
    producedAt: ms(data.producedAt),
    thisUpdate: ms(single.thisUpdate),
    signer: signerKind,
    ...(single.nextUpdate ? { nextUpdate: ms(single.nextUpdate) } : {}),
    ...(revoked ? { revocationTime: ms(revoked.revocationTime) } : {}),
    ...(revoked?.revocationReason ? { revocationReason: revoked.revocationReason.reason } : {}),
  };
  const responder = signerKind === 'delegated' ? { notBefore: signer.notBefore, notAfter: signer.notAfter } : undefined;
  return { result, responder };
}

/**
 * Responses checked once, per provider (like its certificate cache): a server staples the same
 * response for hours, and parsing one with asn1js plus its signature costs ≈ 0.7 ms, about a whole
 * client handshake. Keyed by leaf, issuer and the response's SHA-256; the clock is re-checked per use.
 */
const MAX_CACHED_RESPONSES = 64;
const responseCaches = new WeakMap<CryptoProvider, Map<string, VerifiedResponse>>();

function verifyCached(options: VerifyOcspOptions): VerifiedResponse {
  const { provider } = options;
  let cache = responseCaches.get(provider);
  if (!cache) {
    cache = new Map();
    responseCaches.set(provider, cache);
  }
  const key = `${options.leaf.fingerprint256} ${options.issuer.fingerprint256} ${hex(provider.hash('sha256', options.response))}`;
  const hit = cache.get(key);
  if (hit) {
    // A Map iterates in insertion order: re-inserting makes the first key the least recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const verified = verifyUncached(options);
  cache.set(key, verified);
  if (cache.size > MAX_CACHED_RESPONSES) cache.delete(cache.keys().next().value!);
  return verified;
}

/**
 * Verifies a stapled OCSPResponse for `leaf`, issued by `issuer`, at `time`. Returns the status
 * it proves ('revoked' included: see checkStapledOcsp) or throws a TLSError with an OCSP_* code.
 */
export function verifyOcspResponse(options: VerifyOcspOptions): OcspResult {
  const { result: verified, responder } = verifyCached(options);
  const time = options.time;
  if (responder && (time < responder.notBefore || time > responder.notAfter)) {
    throw fail('OCSP_RESPONDER_UNAUTHORIZED', 'delegated OCSP responder certificate is not valid at the validation time');
  }
  const result: OcspResult = { ...verified };
  // Revocation is permanent (only reason certificateHold, RFC 5280 §5.3.1, is reversible, and the
  // Baseline Requirements forbid it), so a signed "revoked" stands even outside its validity interval.
  if (result.status === 'revoked') return result;
  if (result.thisUpdate > time + OCSP_CLOCK_SKEW_MS) {
    throw fail('OCSP_RESPONSE_STALE', 'OCSP response is not yet valid (thisUpdate is in the future)');
  }
  if (result.nextUpdate !== undefined) {
    if (result.nextUpdate < time - OCSP_CLOCK_SKEW_MS) throw fail('OCSP_RESPONSE_STALE', 'OCSP response has expired (nextUpdate has passed)');
  } else if (time - result.thisUpdate > OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS) {
    throw fail('OCSP_RESPONSE_STALE', 'OCSP response without nextUpdate is more than 7 days old');
  }
  return result;
}

/** The error a verified status stands for: a revoked certificate, or a responder that does not know it. */
export function ocspStatusError(result: OcspResult): TLSError | undefined {
  if (result.status === 'revoked') {
    const when = result.revocationTime === undefined ? '' : ` at ${new Date(result.revocationTime).toISOString()}`;
    return certError('CERT_REVOKED', `certificate revoked${when} (OCSP)`);
  }
  // A staple that vouches for nothing is "unacceptable" (RFC 8446 §6.2 bad_certificate_status_response).
  if (result.status === 'unknown') return certError('OCSP_CERT_UNKNOWN');
  return undefined;
}

/** A received certificate that signed the leaf (bounded by the Certificate message's own limit). */
function receivedIssuer(leaf: ParsedCertificate, received: readonly Uint8Array[], provider: CryptoProvider): ParsedCertificate | undefined {
  for (const der of received.slice(1)) {
    let cert: ParsedCertificate;
    try {
      cert = provider.parseCertificate(der);
    } catch {
      continue;
    }
    if (leaf.issuer === cert.subject && leaf.verifySignedBy(cert)) return cert;
  }
  return undefined;
}

export interface StapleCheckInput {
  /** The OCSPResponse from the leaf's CertificateEntry, if the peer stapled one. */
  staple: Uint8Array | undefined;
  leaf: ParsedCertificate;
  /** The validated path (leaf … anchor), or empty when validation failed. */
  path: readonly ParsedCertificate[];
  /** DER certificates as received, leaf first: where the issuer is looked for when `path` is empty. */
  received: readonly Uint8Array[];
  time: number;
  provider: CryptoProvider;
}

export interface StapleCheck {
  /** The verified status, when a staple was checked. */
  ocsp: OcspResult | undefined;
  /** Why the staple (or its absence) fails the certificate. */
  error: TLSError | undefined;
}

/**
 * What the handshake does with a stapled status once it asked for one (status_request sent):
 * must-staple without a staple fails (RFC 7633 §4.2.3); a staple is verified against the leaf's
 * issuer on the validated path, or, when the path failed, a received certificate that signed the
 * leaf (so a revoked leaf is reported even under rejectUnauthorized: false); without an issuer
 * it is not checked. Never throws for the staple's content: the caller decides (node:tls semantics).
 */
export function checkStapledOcsp(input: StapleCheckInput): StapleCheck {
  const { staple, leaf } = input;
  try {
    if (!staple) {
      return {
        ocsp: undefined,
        error: requiresStaple(leaf) ? certError('CERT_MUST_STAPLE_MISSING') : undefined,
      };
    }
    // A path of one is a leaf that is itself the anchor: self-issued, its own issuer.
    const issuer = input.path.length ? (input.path[1] ?? input.path[0]!) : receivedIssuer(leaf, input.received, input.provider);
    if (!issuer) return { ocsp: undefined, error: undefined };
    const ocsp = verifyOcspResponse({ response: staple, leaf, issuer, time: input.time, provider: input.provider });
    return { ocsp, error: ocspStatusError(ocsp) };
  } catch (err) {
    if (!(err instanceof TLSError)) throw err;
    return { ocsp: undefined, error: err };
  }
}
