// What path validation needs from an X.509 certificate (RFC 5280 §4), parsed once with
// @peculiar/asn1-x509. Signatures stay with the crypto provider (ParsedCertificate.verifySignedBy).
//
// Issuer, subject and subjectPublicKeyInfo are kept as the DER that was received, never a
// re-encoding: names are compared as octets (RFC 5280 §7.1 allows the binary comparison; Go and
// rustls-webpki compare this way too), and pins hash the exact SPKI.
//
// Parsing costs a few hundred µs a certificate (asn1js), so the result is memoised per
// ParsedCertificate object and, because a provider may hand out a fresh object for the same
// bytes, in a small LRU keyed by the certificate's SHA-256 (DESIGN.md §6). A certificate that
// does not parse is remembered as its error.
import {
  AsnArray,
  AsnConvert,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  type BitString,
} from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  EDIPartyName,
  ExtendedKeyUsage,
  Extensions,
  KeyUsage,
  Name,
  OtherName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  Validity,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import type { TLSError } from '../errors.js';
import { certError } from './errors.js';
import { bytesToBase64 } from './pem.js';

/** RFC 7633 §6: id-pe-tlsfeature. */
export const id_pe_tlsfeature = '1.3.6.1.5.5.7.1.24';
/** RFC 6066 §8 ExtensionType status_request, the feature RFC 7633 calls "must-staple". */
const STATUS_REQUEST = 5;

// ---------------------------------------------------------------------------------------------
// Schemas. Declared with the decorator functions called directly (the project compiles without
// experimentalDecorators). They differ from @peculiar/asn1-x509's own classes where we need the
// received bytes: raw issuer/subject/SPKI, and iPAddress as octets (the library renders it as
// text, which loses a non-contiguous name-constraint mask).

function prop(target: object, key: string, options: Parameters<typeof AsnProp>[0]): void {
  AsnProp(options)(target, key);
}

/** RFC 5280 §4.1 TBSCertificate, keeping issuer, subject and subjectPublicKeyInfo as DER. */
class RawTbsCertificate {
  version = 0;
  serialNumber = new ArrayBuffer(0);
  signature = new AlgorithmIdentifier();
  issuer = new ArrayBuffer(0);
  validity = new Validity();
  subject = new ArrayBuffer(0);
  subjectPublicKeyInfo = new ArrayBuffer(0);
  issuerUniqueID?: ArrayBuffer;
  subjectUniqueID?: ArrayBuffer;
  extensions?: Extensions;
}
prop(RawTbsCertificate.prototype, 'version', { type: AsnPropTypes.Integer, context: 0, defaultValue: 0 });
prop(RawTbsCertificate.prototype, 'serialNumber', { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter });
prop(RawTbsCertificate.prototype, 'signature', { type: AlgorithmIdentifier });
prop(RawTbsCertificate.prototype, 'issuer', { type: AsnPropTypes.Any });
prop(RawTbsCertificate.prototype, 'validity', { type: Validity });
prop(RawTbsCertificate.prototype, 'subject', { type: AsnPropTypes.Any });
prop(RawTbsCertificate.prototype, 'subjectPublicKeyInfo', { type: AsnPropTypes.Any });
prop(RawTbsCertificate.prototype, 'issuerUniqueID', { type: AsnPropTypes.BitString, context: 1, implicit: true, optional: true });
prop(RawTbsCertificate.prototype, 'subjectUniqueID', { type: AsnPropTypes.BitString, context: 2, implicit: true, optional: true });
prop(RawTbsCertificate.prototype, 'extensions', { type: Extensions, context: 3, optional: true });

class RawCertificate {
  tbsCertificate = new RawTbsCertificate();
  signatureAlgorithm = new AlgorithmIdentifier();
  signatureValue = new ArrayBuffer(0);
}
prop(RawCertificate.prototype, 'tbsCertificate', { type: RawTbsCertificate });
prop(RawCertificate.prototype, 'signatureAlgorithm', { type: AlgorithmIdentifier });
prop(RawCertificate.prototype, 'signatureValue', { type: AsnPropTypes.BitString });

/** RFC 5280 §4.2.1.6 GeneralName, with iPAddress as its octets. */
class RawGeneralName {
  otherName?: OtherName;
  rfc822Name?: string;
  dNSName?: string;
  x400Address?: ArrayBuffer;
  directoryName?: Name;
  ediPartyName?: EDIPartyName;
  uniformResourceIdentifier?: string;
  iPAddress?: ArrayBuffer;
  registeredID?: string;
}
prop(RawGeneralName.prototype, 'otherName', { type: OtherName, context: 0, implicit: true });
prop(RawGeneralName.prototype, 'rfc822Name', { type: AsnPropTypes.IA5String, context: 1, implicit: true });
prop(RawGeneralName.prototype, 'dNSName', { type: AsnPropTypes.IA5String, context: 2, implicit: true });
prop(RawGeneralName.prototype, 'x400Address', { type: AsnPropTypes.Any, context: 3, implicit: true });
prop(RawGeneralName.prototype, 'directoryName', { type: Name, context: 4, implicit: false });
prop(RawGeneralName.prototype, 'ediPartyName', { type: EDIPartyName, context: 5 });
prop(RawGeneralName.prototype, 'uniformResourceIdentifier', { type: AsnPropTypes.IA5String, context: 6, implicit: true });
prop(RawGeneralName.prototype, 'iPAddress', { type: AsnPropTypes.OctetString, context: 7, implicit: true });
prop(RawGeneralName.prototype, 'registeredID', { type: AsnPropTypes.ObjectIdentifier, context: 8, implicit: true });
AsnType({ type: AsnTypeTypes.Choice })(RawGeneralName);

class RawGeneralNames extends AsnArray<RawGeneralName> {}
AsnType({ type: AsnTypeTypes.Sequence, itemType: RawGeneralName })(RawGeneralNames);

/** RFC 5280 §4.2.1.10 GeneralSubtree. */
class RawGeneralSubtree {
  base = new RawGeneralName();
  minimum = 0;
  maximum?: number;
}
prop(RawGeneralSubtree.prototype, 'base', { type: RawGeneralName });
prop(RawGeneralSubtree.prototype, 'minimum', { type: AsnPropTypes.Integer, context: 0, defaultValue: 0, implicit: true });
prop(RawGeneralSubtree.prototype, 'maximum', { type: AsnPropTypes.Integer, context: 1, optional: true, implicit: true });

class RawGeneralSubtrees extends AsnArray<RawGeneralSubtree> {}
AsnType({ type: AsnTypeTypes.Sequence, itemType: RawGeneralSubtree })(RawGeneralSubtrees);

class RawNameConstraints {
  permittedSubtrees?: RawGeneralSubtrees;
  excludedSubtrees?: RawGeneralSubtrees;
}
prop(RawNameConstraints.prototype, 'permittedSubtrees', { type: RawGeneralSubtrees, context: 0, optional: true, implicit: true });
prop(RawNameConstraints.prototype, 'excludedSubtrees', { type: RawGeneralSubtrees, context: 1, optional: true, implicit: true });

/** RFC 7633 §6: Features ::= SEQUENCE OF INTEGER. */
class TlsFeatures extends AsnArray<number> {}
AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Integer })(TlsFeatures);

/** RFC 8017 §A.1.1 RSAPublicKey: only the modulus size matters here. */
class RsaPublicKey {
  modulus = new ArrayBuffer(0);
  publicExponent = new ArrayBuffer(0);
}
prop(RsaPublicKey.prototype, 'modulus', { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter });
prop(RsaPublicKey.prototype, 'publicExponent', { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter });

/** RFC 5480 §2.1.1 ECParameters, of which only namedCurve is allowed. */
class EcParameters {
  namedCurve?: string;
}
prop(EcParameters.prototype, 'namedCurve', { type: AsnPropTypes.ObjectIdentifier });
AsnType({ type: AsnTypeTypes.Choice })(EcParameters);

/** RFC 4055 §3.1 RSASSA-PSS-params: only the hash, whose DEFAULT is SHA-1. */
class PssParameters {
  hashAlgorithm?: AlgorithmIdentifier;
}
prop(PssParameters.prototype, 'hashAlgorithm', { type: AlgorithmIdentifier, context: 0, optional: true });

// ---------------------------------------------------------------------------------------------
// The parsed view.

export type GeneralNameType =
  | 'otherName'
  | 'rfc822Name'
  | 'dNSName'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uniformResourceIdentifier'
  | 'iPAddress'
  | 'registeredID';

/** One attribute of a distinguished name, its value in comparable form (RFC 5280 §7.1). */
export interface NameAttribute {
  readonly type: string;
  /** String values: case-folded, whitespace trimmed and collapsed. Other values: hex of their DER. */
  readonly value: string;
}

export interface DistinguishedName {
  /** As received for the issuer and subject; re-encoded for names inside extensions. */
  readonly der: Uint8Array;
  /** RDNs in DER order, each a set of attributes sorted by type and value. */
  readonly rdns: ReadonlyArray<readonly NameAttribute[]>;
  /** "CN=…, O=…" in DER order, for messages. */
  readonly text: string;
}

export interface SubjectAltNames {
  readonly dNSName: readonly string[];
  readonly iPAddress: readonly Uint8Array[];
  readonly rfc822Name: readonly string[];
  readonly directoryName: readonly DistinguishedName[];
  /** Name types present that policy does not evaluate (uniformResourceIdentifier, otherName, …). */
  readonly other: ReadonlySet<GeneralNameType>;
}

/** RFC 5280 §4.2.1.10 subtree bases of the types policy evaluates; the rest are `unsupported`. */
export type NameConstraintBase =
  | { readonly type: 'dNSName'; readonly value: string }
  | { readonly type: 'rfc822Name'; readonly value: string }
  | { readonly type: 'iPAddress'; readonly address: Uint8Array; readonly mask: Uint8Array }
  | { readonly type: 'directoryName'; readonly value: DistinguishedName }
  | { readonly type: 'unsupported'; readonly nameType: GeneralNameType };

export interface NameConstraints {
  /** undefined: no permittedSubtrees field (everything permitted). */
  readonly permitted: readonly NameConstraintBase[] | undefined;
  readonly excluded: readonly NameConstraintBase[];
}

export type KeyAlgorithm = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

export interface PublicKeyDescription {
  readonly algorithm: KeyAlgorithm;
  /** The SPKI algorithm OID. */
  readonly oid: string;
  /** RSA modulus size in bits. */
  readonly bits?: number;
  /** 'P-256' | 'P-384' | 'P-521', or the curve OID when it is none of those; absent for explicit parameters. */
  readonly curve?: string;
}

export type DigestName = 'md2' | 'md4' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithmDescription {
  readonly oid: string;
  /** The digest the issuer signed with; undefined for Ed25519/Ed448 and unknown algorithms. */
  readonly hash: DigestName | undefined;
  readonly name: string;
}

export interface CertificateInfo {
  /** 1, 2 or 3 (RFC 5280 §4.1.2.1; the field holds 0, 1, 2). */
  readonly version: number;
  /** Hex, as in the certificate (RFC 5280 §4.1.2.2). */
  readonly serialNumber: string;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  /** Parsed on first use: only name constraints and messages need it. */
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** issuer and subject are the same name (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly spki: Uint8Array;
  readonly key: PublicKeyDescription;
  readonly signatureAlgorithm: SignatureAlgorithmDescription;
  /** The TBSCertificate's signature field equals signatureAlgorithm (RFC 5280 §4.1.1.2). */
  readonly signatureAlgorithmConsistent: boolean;
  readonly basicConstraints: { readonly cA: boolean; readonly pathLenConstraint: number | undefined } | undefined;
  /** RFC 5280 §4.2.1.3 bits as KeyUsageFlags (digitalSignature = 1 … decipherOnly = 256). */
  readonly keyUsage: number | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly subjectAltName: SubjectAltNames | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  /** Every extension by OID, with its critical flag. */
  readonly extensions: ReadonlyMap<string, { readonly critical: boolean }>;
  /** RFC 7633: the TLS feature extension lists status_request, so a stapled OCSP response is required. */
  readonly mustStaple: boolean;
  /**
   * RFC 5280 §4.2.1.13 cRLDistributionPoints as its extnValue DER, decoded only by crl.ts when a
   * CRL's issuingDistributionPoint names a distribution point.
   */
  readonly crlDistributionPoints: Uint8Array | undefined;
}

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256', // RFC 5480 §2.1.1.1 secp256r1
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

const KEY_ALGORITHMS: Record<string, KeyAlgorithm> = {
  '1.2.840.113549.1.1.1': 'rsa', // RFC 8017 rsaEncryption
  '1.2.840.113549.1.1.10': 'rsa-pss', // RFC 4055 id-RSASSA-PSS
  '1.2.840.10045.2.1': 'ec', // RFC 5480 id-ecPublicKey
  '1.3.101.112': 'ed25519', // RFC 8410
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa', // RFC 3279 id-dsa
};

const HASH_OIDS: Record<string, DigestName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash: DigestName | undefined }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature (OIW)', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '1.3.101.112': { name: 'Ed25519', hash: undefined },
  '1.3.101.113': { name: 'Ed448', hash: undefined },
};
const ID_RSASSA_PSS = '1.2.840.113549.1.1.10';

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** Thrown while parsing; chain.ts turns it into the error of the certificate's position. */
function malformed(what: string, cause?: unknown): TLSError {
  return certError('INVALID_EXTENSION', `invalid or inconsistent certificate extension: ${what}`, cause);
}

function decode<T>(bytes: ArrayBuffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(bytes, type);
  } catch (cause) {
    throw malformed(what, cause);
  }
}

// RFC 5280 §7.1 / RFC 4518: a simplified string preparation — case folding and insignificant
// whitespace — which is what real CAs differ by; values of non-string types compare as octets.
const foldString = (s: string) => s.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');

/** A DER Name in comparable and printable form; throws INVALID_EXTENSION naming `what` when it does not decode. */
export function parseName(der: Uint8Array, what: string): DistinguishedName {
  const name = decode(der.slice().buffer, Name, what);
  const rdns = Array.from(name, (rdn) =>
    Array.from(rdn, (atv) => {
        const v = atv.value;
        const text = v.anyValue === undefined ? foldString(v.toString()) : `#${hex(u8(v.anyValue))}`;
      return { type: atv.type, value: text };
    }).sort((a, b) => (a.type === b.type ? (a.value < b.value ? -1 : 1) : a.type < b.type ? -1 : 1)),
  );
  const text = Array.from(name, (rdn) => Array.from(rdn, (atv) => `${ATTRIBUTE_NAMES[atv.type] ?? atv.type}=${atv.value.toString()}`).join(' + ')).join(', ');
  return { der, rdns, text };
}

function generalNameType(name: RawGeneralName): GeneralNameType {
  if (name.dNSName !== undefined) return 'dNSName';
  if (name.iPAddress !== undefined) return 'iPAddress';
  if (name.rfc822Name !== undefined) return 'rfc822Name';
  if (name.directoryName !== undefined) return 'directoryName';
  if (name.uniformResourceIdentifier !== undefined) return 'uniformResourceIdentifier';
  if (name.otherName !== undefined) return 'otherName';
  if (name.x400Address !== undefined) return 'x400Address';
  if (name.ediPartyName !== undefined) return 'ediPartyName';
  return 'registeredID';
}

function parseSubjectAltName(value: ArrayBuffer): SubjectAltNames {
  const names = decode(value, RawGeneralNames, 'subjectAltName');
  // RFC 5280 §4.2.1.6: "the extension MUST contain at least one entry".
  if (names.length === 0) throw malformed('empty subjectAltName');
  const out = { dNSName: [] as string[], iPAddress: [] as Uint8Array[], rfc822Name: [] as string[], directoryName: [] as DistinguishedName[], other: new Set<GeneralNameType>() };
  for (const name of names) {
    const type = generalNameType(name);
    if (type === 'dNSName') out.dNSName.push(name.dNSName!);
    else if (type === 'rfc822Name') out.rfc822Name.push(name.rfc822Name!);
    else if (type === 'iPAddress') {
      const ip = u8(name.iPAddress!);
      // RFC 5280 §4.2.1.6: four octets for IPv4, sixteen for IPv6.
      if (ip.length !== 4 && ip.length !== 16) throw malformed('subjectAltName iPAddress is neither 4 nor 16 octets');
      out.iPAddress.push(ip);
    } else if (type === 'directoryName') {
      out.directoryName.push(parseName(u8(AsnConvert.serialize(name.directoryName!)), 'subjectAltName directoryName'));
    } else out.other.add(type);
  }
  return out;
}

/** RFC 5280 §4.2.1.10: an address followed by a mask, 8 octets for IPv4, 32 for IPv6; the mask must be contiguous ones. */
function ipSubtree(bytes: Uint8Array): NameConstraintBase {
  if (bytes.length !== 8 && bytes.length !== 32) throw malformed('nameConstraints iPAddress is neither 8 nor 32 octets');
  const address = bytes.slice(0, bytes.length / 2);
  const mask = bytes.slice(bytes.length / 2);
  let seenZero = false;
  for (const octet of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (octet >> bit) & 1;
      if (one && seenZero) throw malformed('nameConstraints iPAddress mask is not contiguous');
      if (!one) seenZero = true;
    }
  }
  return { type: 'iPAddress', address, mask };
}

function parseSubtrees(subtrees: RawGeneralSubtrees): NameConstraintBase[] {
  return Array.from(subtrees, (subtree) => {
    // RFC 5280 §4.2.1.10: "minimum MUST be zero, and maximum MUST be absent".
    if (subtree.minimum !== 0 || subtree.maximum !== undefined) throw malformed('nameConstraints subtree with minimum or maximum');
    const base = subtree.base;
    const type = generalNameType(base);
    switch (type) {
      case 'dNSName':
        return { type, value: base.dNSName! };
      case 'rfc822Name':
        return { type, value: base.rfc822Name! };
      case 'iPAddress':
        return ipSubtree(u8(base.iPAddress!));
      case 'directoryName':
        return { type, value: parseName(u8(AsnConvert.serialize(base.directoryName!)), 'nameConstraints directoryName') };
      default:
        return { type: 'unsupported', nameType: type };
    }
  });
}

function parseNameConstraints(value: ArrayBuffer): NameConstraints {
  const nc = decode(value, RawNameConstraints, 'nameConstraints');
  // RFC 5280 §4.2.1.10: "either the permittedSubtrees field or the excludedSubtrees MUST be present".
  if (!nc.permittedSubtrees?.length && !nc.excludedSubtrees?.length) throw malformed('nameConstraints with no subtrees');
  return {
    permitted: nc.permittedSubtrees?.length ? parseSubtrees(nc.permittedSubtrees) : undefined,
    excluded: nc.excludedSubtrees ? parseSubtrees(nc.excludedSubtrees) : [],
  };
}

function describeKey(spkiDer: Uint8Array): PublicKeyDescription {
  const spki = decode(spkiDer.slice().buffer, SubjectPublicKeyInfo, 'subjectPublicKeyInfo');
  const oid = spki.algorithm.algorithm;
  const algorithm = KEY_ALGORITHMS[oid] ?? 'unknown';
  if (algorithm === 'rsa' || algorithm === 'rsa-pss') {
    const key = decode(spki.subjectPublicKey, RsaPublicKey, 'RSA public key');
    const modulus = u8(key.modulus);
    let i = 0;
    while (i < modulus.length - 1 && modulus[i] === 0) i++;
    const bits = (modulus.length - i - 1) * 8 + (32 - Math.clz32(modulus[i]!));
    return { algorithm, oid, bits };
  }
  if (algorithm === 'ec') {
    // RFC 5480 §2.1.1: parameters are a namedCurve OID (06 …); implicitCurve and specifiedCurve are not allowed.
    const params = spki.algorithm.parameters;
    if (params && new Uint8Array(params)[0] === 0x06) {
      const curveOid = decode(params, EcParameters, 'EC parameters').namedCurve ?? '';
      return { algorithm, oid, curve: CURVES[curveOid] ?? curveOid };
    }
    return { algorithm, oid };
  }
  return { algorithm, oid };
}

function describeSignatureAlgorithm(alg: AlgorithmIdentifier): SignatureAlgorithmDescription {
  const oid = alg.algorithm;
  if (oid === ID_RSASSA_PSS) {
    // RFC 4055 §3.1: hashAlgorithm DEFAULT sha1.
    let hash: DigestName | undefined = 'sha1';
    if (alg.parameters) {
      const params = decode(alg.parameters, PssParameters, 'RSASSA-PSS parameters');
      if (params.hashAlgorithm) hash = HASH_OIDS[params.hashAlgorithm.algorithm];
    }
    return { oid, hash, name: `RSASSA-PSS${hash ? ` (${hash})` : ''}` };
  }
  const known = SIGNATURE_ALGORITHMS[oid];
  return { oid, hash: known?.hash, name: known?.name ?? oid };
}

const sameAlgorithm = (a: AlgorithmIdentifier, b: AlgorithmIdentifier): boolean =>
  a.algorithm === b.algorithm && sameBytes(u8(a.parameters ?? new ArrayBuffer(0)), u8(b.parameters ?? new ArrayBuffer(0)));

/**
 * Parses `der` into the policy view. Throws a TLSError: UNABLE_TO_DECODE_CERT when the structure
 * is not a certificate, DUPLICATE_EXTENSION, or INVALID_EXTENSION when an extension that policy
 * reads does not decode or breaks its RFC 5280 rules.
 */
export function parseCertificateInfo(der: Uint8Array): CertificateInfo {
  let cert: RawCertificate;
  try {
    cert = AsnConvert.parse(der, RawCertificate);
  } catch (cause) {
    throw certError('UNABLE_TO_DECODE_CERT', undefined, cause);
  }
  const tbs = cert.tbsCertificate;
  const version = tbs.version + 1;
  const extensions = new Map<string, { critical: boolean }>();
  const values = new Map<string, ArrayBuffer>();
  for (const ext of tbs.extensions ?? []) {
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (extensions.has(ext.extnID)) throw certError('DUPLICATE_EXTENSION', `certificate contains extension ${ext.extnID} more than once`);
    extensions.set(ext.extnID, { critical: ext.critical });
    values.set(ext.extnID, ext.extnValue.buffer);
  }
  // RFC 5280 §4.1.2.9: extensions appear only in version 3.
  if (extensions.size > 0 && version !== 3) throw malformed(`extensions in a version ${version} certificate`);
  if (version < 1 || version > 3) throw certError('UNABLE_TO_DECODE_CERT', `unknown certificate version ${version}`);

  const bcValue = values.get(id_ce_basicConstraints);
  const bc = bcValue && decode(bcValue, BasicConstraints, 'basicConstraints');
  // RFC 5280 §4.2.1.9: pathLenConstraint is meaningful only with cA; "CAs MUST NOT include" it otherwise.
  if (bc && !bc.cA && bc.pathLenConstraint !== undefined) throw malformed('basicConstraints pathLenConstraint without cA');
  const kuValue = values.get(id_ce_keyUsage);
  const keyUsage = kuValue === undefined ? undefined : (decode(kuValue, KeyUsage, 'keyUsage') as BitString).toNumber();
  // RFC 5280 §4.2.1.3: "at least one of the bits MUST be set to 1" (an empty BIT STRING reads as NaN).
  if (keyUsage !== undefined && !(keyUsage > 0)) throw malformed('keyUsage with no bit set');
  const ekuValue = values.get(id_ce_extKeyUsage);
  const extendedKeyUsage = ekuValue === undefined ? undefined : [...decode(ekuValue, ExtendedKeyUsage, 'extendedKeyUsage')];
  // RFC 5280 §4.2.1.12: KeyPurposeId SIZE (1..MAX).
  if (extendedKeyUsage?.length === 0) throw malformed('empty extendedKeyUsage');
  const sanValue = values.get(id_ce_subjectAltName);
  const ncValue = values.get(id_ce_nameConstraints);
  const akiValue = values.get(id_ce_authorityKeyIdentifier);
  const aki = akiValue && decode(akiValue, AuthorityKeyIdentifier, 'authorityKeyIdentifier').keyIdentifier;
  const skiValue = values.get(id_ce_subjectKeyIdentifier);
  const ski = skiValue && decode(skiValue, SubjectKeyIdentifier, 'subjectKeyIdentifier');
  const featureValue = values.get(id_pe_tlsfeature);
  const crlDpValue = values.get(id_ce_cRLDistributionPoints);
  const features = featureValue === undefined ? [] : [...decode(featureValue, TlsFeatures, 'TLS feature')];

  const issuerDer = u8(tbs.issuer);
  const subjectDer = u8(tbs.subject);
  const spki = u8(tbs.subjectPublicKeyInfo);
  let issuer: DistinguishedName | undefined;
  let subject: DistinguishedName | undefined;
  return {
    version,
    serialNumber: hex(u8(tbs.serialNumber)),
    issuerDer,
    subjectDer,
    get issuer() {
      return (issuer ??= parseName(issuerDer, 'issuer name'));
    },
    get subject() {
      return (subject ??= parseName(subjectDer, 'subject name'));
    },
    selfIssued: sameBytes(issuerDer, subjectDer),
    notBefore: tbs.validity.notBefore.getTime().getTime(),
    notAfter: tbs.validity.notAfter.getTime().getTime(),
    spki,
    key: describeKey(spki),
    signatureAlgorithm: describeSignatureAlgorithm(cert.signatureAlgorithm),
    signatureAlgorithmConsistent: sameAlgorithm(tbs.signature, cert.signatureAlgorithm),
    basicConstraints: bc ? { cA: bc.cA, pathLenConstraint: bc.pathLenConstraint } : undefined,
    keyUsage,
    extendedKeyUsage,
    subjectAltName: sanValue === undefined ? undefined : parseSubjectAltName(sanValue),
    nameConstraints: ncValue === undefined ? undefined : parseNameConstraints(ncValue),
    authorityKeyIdentifier: aki ? u8(aki.buffer) : undefined,
    subjectKeyIdentifier: ski ? u8(ski.buffer) : undefined,
    extensions,
    mustStaple: features.includes(STATUS_REQUEST),
    crlDistributionPoints: crlDpValue === undefined ? undefined : u8(crlDpValue),
  };
}

// ---------------------------------------------------------------------------------------------
// Memoisation.

type Entry = { info: CertificateInfo } | { error: TLSError };

const byObject = new WeakMap<ParsedCertificate, Entry>();
/** Certificates remembered by content across ParsedCertificate objects; a handful of chains' worth. */
const INFO_CACHE_ENTRIES = 256;
const byFingerprint = new Map<string, Entry>();

function entryFor(cert: ParsedCertificate): Entry {
  const own = byObject.get(cert);
  if (own) return own;
  const key = cert.fingerprint256;
  let entry = byFingerprint.get(key);
  if (entry) {
    // Map iteration order is insertion order: re-inserting makes the first key the least recently used.
    byFingerprint.delete(key);
  } else {
    try {
      entry = { info: parseCertificateInfo(cert.der) };
    } catch (error) {
      entry = { error: error as TLSError };
    }
  }
  byFingerprint.set(key, entry);
  if (byFingerprint.size > INFO_CACHE_ENTRIES) byFingerprint.delete(byFingerprint.keys().next().value!);
  byObject.set(cert, entry);
  return entry;
}

/** The policy view of `cert`, parsed at most once. Throws the parse error (see parseCertificateInfo). */
export function certificateInfo(cert: ParsedCertificate): CertificateInfo {
  const entry = entryFor(cert);
  if ('error' in entry) throw entry.error;
  return entry.info;
}

const pins = new WeakMap<CertificateInfo, string>();

/** base64(SHA-256(subjectPublicKeyInfo)): the RFC 7469 pin-sha256 value. */
export function spkiSha256(info: CertificateInfo, provider: CryptoProvider): string {
  let pin = pins.get(info);
  if (pin === undefined) {
    pin = bytesToBase64(provider.hash('sha256', info.spki));
    pins.set(info, pin);
  }
  return pin;
}

/** "EC P-256", "RSA 2048", "Ed25519": for messages and the CLI. */
export function describePublicKey(key: PublicKeyDescription): string {
  switch (key.algorithm) {
    case 'rsa':
      return `RSA ${key.bits ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${key.bits ?? '?'}`;
    case 'ec':
      return `EC ${key.curve ?? 'explicit parameters'}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return 'DSA';
    case 'unknown':
      return key.oid;
  }
}
