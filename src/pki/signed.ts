// What the signed PKI objects we check ourselves have in common — OCSP responses (./ocsp.ts) and
// CRLs (./crl.ts), which node:crypto's X509Certificate cannot verify for us: "is this one DER
// element" before parsing, and which TLS SignatureScheme checks a signature made with an X.509
// AlgorithmIdentifier, so the provider's VerifyingKey.verify does the cryptography.
//
// The algorithm rules are the certificates' (policy.ts): MD5 and SHA-1 signatures are refused
// (collisions make a forged object feasible), and so is anything TLS 1.3 would not verify.
import { AsnConvert, AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { PublicKeyInfo } from '../crypto/provider.js';
import { schemeFitsKey } from '../crypto/schemes.js';
import { SignatureScheme } from '../wire/codes.js';

/**
 * Total size of the DER element at the start of `der` from its header, or -1 when the header is
 * cut short. asn1-schema ignores bytes after the element, so callers compare this with the length.
 */
export function elementLength(der: Uint8Array): number {
  if (der.length < 2) return -1;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) return -1;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[2 + i]!;
  return 2 + n + length;
}

/** `der` is exactly one DER element: nothing cut off, nothing after it. */
export const isOneElement = (der: Uint8Array): boolean => elementLength(der) === der.length;

/** RFC 4055 §3.1 RSASSA-PSS-params; an absent field takes its (SHA-1) default, which we refuse anyway. */
class RsaSsaPssParams {
  hashAlgorithm?: AlgorithmIdentifier;
  maskGenAlgorithm?: AlgorithmIdentifier;
  saltLength?: number;
  trailerField?: number;
}
AsnProp({ type: AlgorithmIdentifier, context: 0, optional: true })(RsaSsaPssParams.prototype, 'hashAlgorithm');
AsnProp({ type: AlgorithmIdentifier, context: 1, optional: true })(RsaSsaPssParams.prototype, 'maskGenAlgorithm');
AsnProp({ type: AsnPropTypes.Integer, context: 2, optional: true })(RsaSsaPssParams.prototype, 'saltLength');
AsnProp({ type: AsnPropTypes.Integer, context: 3, optional: true })(RsaSsaPssParams.prototype, 'trailerField');

const OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  mgf1: '1.2.840.113549.1.1.8',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

/** RFC 4055 §5 / RFC 5758 §3.2 / RFC 8410 §3: signature algorithms and the TLS scheme that checks the same signature. */
const SIGNATURE_SCHEMES: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.11': SignatureScheme.rsa_pkcs1_sha256, // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': SignatureScheme.rsa_pkcs1_sha384,
  '1.2.840.113549.1.1.13': SignatureScheme.rsa_pkcs1_sha512,
  // TLS 1.3 ties each ECDSA scheme to one curve, so ecdsa-with-SHA256 is checked on P-256 keys only (and so on).
  '1.2.840.10045.4.3.2': SignatureScheme.ecdsa_secp256r1_sha256,
  '1.2.840.10045.4.3.3': SignatureScheme.ecdsa_secp384r1_sha384,
  '1.2.840.10045.4.3.4': SignatureScheme.ecdsa_secp521r1_sha512,
  '1.3.101.112': SignatureScheme.ed25519,
  '1.3.101.113': SignatureScheme.ed448,
};

/** Refused like SHA-1/MD5-signed certificates: collisions make a forgery feasible. */
const WEAK_SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
};

const PSS_HASHES: Readonly<Record<string, { rsae: number; pss: number; saltLength: number }>> = {
  [OID.sha256]: { rsae: SignatureScheme.rsa_pss_rsae_sha256, pss: SignatureScheme.rsa_pss_pss_sha256, saltLength: 32 },
  [OID.sha384]: { rsae: SignatureScheme.rsa_pss_rsae_sha384, pss: SignatureScheme.rsa_pss_pss_sha384, saltLength: 48 },
  [OID.sha512]: { rsae: SignatureScheme.rsa_pss_rsae_sha512, pss: SignatureScheme.rsa_pss_pss_sha512, saltLength: 64 },
};

/** Why a signature algorithm is refused; the caller turns it into its own error code. */
export class SignatureAlgorithmRefused extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SignatureAlgorithmRefused';
  }
}

/**
 * RFC 4055 §3.1: RSASSA-PSS with one hash for the message and MGF1, and a salt as long as the hash,
 * which is what TLS's rsa_pss_* schemes verify (RFC 8446 §4.2.3). Other parameters are refused.
 */
function pssScheme(parameters: ArrayBuffer | undefined, key: PublicKeyInfo): number {
  if (!parameters) throw new SignatureAlgorithmRefused('RSASSA-PSS signature without parameters');
  let params: RsaSsaPssParams;
  let mgfHash: AlgorithmIdentifier | undefined;
  try {
    params = AsnConvert.parse(parameters, RsaSsaPssParams);
    const mgfParams = params.maskGenAlgorithm?.parameters;
    mgfHash = mgfParams ? AsnConvert.parse(mgfParams, AlgorithmIdentifier) : undefined;
  } catch (cause) {
    throw new SignatureAlgorithmRefused('RSASSA-PSS parameters do not parse', cause);
  }
  const hash = params.hashAlgorithm?.algorithm ?? OID.sha1;
  const entry = PSS_HASHES[hash];
  if (!entry) throw new SignatureAlgorithmRefused(`RSASSA-PSS with hash ${hash} is not accepted`);
  if (params.maskGenAlgorithm?.algorithm !== OID.mgf1 || mgfHash?.algorithm !== hash) {
    throw new SignatureAlgorithmRefused('RSASSA-PSS must use MGF1 with the message hash');
  }
  if ((params.saltLength ?? 20) !== entry.saltLength) throw new SignatureAlgorithmRefused('RSASSA-PSS salt length must equal the hash length');
  if ((params.trailerField ?? 1) !== 1) throw new SignatureAlgorithmRefused('RSASSA-PSS trailerField must be 1');
  return key.kind === 'rsa-pss' ? entry.pss : entry.rsae;
}

/**
 * The TLS SignatureScheme that verifies a signature made with `algorithm` by `key`. `what` names
 * the signed object and `signer` its signer in messages ("OCSP response", "the responder's").
 * Throws SignatureAlgorithmRefused for a weak, unsupported or ill-fitting algorithm.
 */
export function signatureSchemeFor(algorithm: AlgorithmIdentifier, key: PublicKeyInfo, what: string, signer: string): number {
  const oid = algorithm.algorithm;
  const weak = WEAK_SIGNATURES[oid];
  if (weak) throw new SignatureAlgorithmRefused(`${what} signed with ${weak}, which is not accepted`);
  const scheme = oid === OID.rsassaPss ? pssScheme(algorithm.parameters ?? undefined, key) : SIGNATURE_SCHEMES[oid];
  if (scheme === undefined) throw new SignatureAlgorithmRefused(`${what} signature algorithm ${oid} is not supported`);
  if (!schemeFitsKey(scheme, key)) throw new SignatureAlgorithmRefused(`${what} signature algorithm ${oid} does not fit ${signer} ${key.curve ?? key.kind} key`);
  return scheme;
}
