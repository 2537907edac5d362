// Certificates for tests and the demo: a self-signed certificate, or a root → intermediate → leaf
// PKI, including deliberately broken ones. Also the process-wide store of Node's bundled roots.
//
// Built from @peculiar/asn1-x509 structures and signed with node:crypto, synchronously.
// (@peculiar/x509's generator needs a global Reflect metadata polyfill through tsyringe, and
// WebCrypto would make every caller async; neither buys anything here.)
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  NameConstraints,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';
import { type KeyObject, constants, createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { CryptoProvider } from '../crypto/provider.js';
import { nodeProvider } from '../crypto/node.js';
import { parseIpAddress } from '../pki/hostname.js';
import { derToPem } from '../pki/pem.js';
import { TrustStore } from '../pki/roots.js';

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-pss' | 'ed25519';

/** 'valid' runs from an hour ago (clock skew) for `days`; the others lie wholly in the past or future. */
export type ValidityOption = 'valid' | 'expired' | 'not-yet-valid' | { notBefore: Date; notAfter: Date };

/** A name for subjectAltName or a name-constraint subtree (RFC 5280 §4.2.1.6). */
export type NameSpec =
  | { dns: string }
  /** An address in a SAN; a CIDR range ("10.0.0.0/8") in a constraint. */
  | { ip: string }
  | { email: string }
  | { uri: string }
  | { directoryName: { commonName?: string; organization?: string } };

export interface CertificateOptions {
  commonName?: string;
  organization?: string;
  dnsNames?: readonly string[];
  ips?: readonly string[];
  /** rfc822Name SANs. */
  emails?: readonly string[];
  /** uniformResourceIdentifier SANs. */
  uris?: readonly string[];
  keyType?: KeyType;
  /** RSA modulus size for the RSA key types (default 2048), e.g. 1024 for a deliberately weak key. */
  rsaBits?: number;
  /** node:crypto curve for the ECDSA key types instead of theirs, e.g. 'secp256k1'. */
  namedCurve?: string;
  /** Length of a 'valid' period (default 365). */
  days?: number;
  validity?: ValidityOption;
  /** basicConstraints cA (default false). */
  isCA?: boolean;
  /** basicConstraints pathLenConstraint. */
  pathLength?: number;
  /** false omits basicConstraints entirely (default: present, critical). */
  basicConstraints?: boolean;
  /** keyUsage bits; default keyCertSign|cRLSign for CAs, digitalSignature (+keyEncipherment for RSA) otherwise; null omits it. */
  keyUsage?: number | null;
  /** true: serverAuth + clientAuth (the default unless isCA); false: none; or the key purpose OIDs to list. */
  extendedKeyUsage?: boolean | readonly string[];
  /** RFC 5280 §4.2.1.10 nameConstraints (critical unless `critical` is false). */
  nameConstraints?: { permitted?: readonly NameSpec[]; excluded?: readonly NameSpec[]; critical?: boolean };
  /** RFC 7633 TLS feature extension with status_request ("OCSP must-staple"). */
  mustStaple?: boolean;
  /** Digest the issuer signs with (default: the key type's); 'sha1' and 'md5' make weak certificates. */
  signatureHash?: SignatureHash;
  /** 1 issues an X.509 v1 certificate, which has no extensions at all (RFC 5280 §4.1.2.1). */
  version?: 1 | 3;
  /** Extensions appended as given: unknown ones, critical ones, or second copies of standard ones. */
  extraExtensions?: ReadonlyArray<{ id: string; critical?: boolean; value: Uint8Array }>;
  /** Reuse this certificate's key instead of generating one (re-issued roots, cross-signing). */
  keyFrom?: IssuedCertificate;
}

export type SignatureHash = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A generated certificate and its key; pass it as `issuer` to sign further certificates. */
export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8. */
  readonly keyPem: string;
  readonly der: Uint8Array;
  readonly keyType: KeyType;
  readonly privateKey: KeyObject;
  readonly spki: SubjectPublicKeyInfo;
  readonly name: Name;
  readonly keyIdentifier: Uint8Array;
}

interface KeyPair {
  keyType: KeyType;
  privateKey: KeyObject;
  spki: SubjectPublicKeyInfo;
}

const NULL = new Uint8Array([0x05, 0x00]).buffer;
const DAY = 86_400_000;
const HOUR = 3_600_000;

function generateKey(keyType: KeyType, options: { rsaBits?: number; namedCurve?: string } = {}): KeyPair {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  const modulusLength = options.rsaBits ?? 2048;
  switch (keyType) {
    case 'ecdsa-p256':
      pair = generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-256' });
      break;
    case 'ecdsa-p384':
      pair = generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-384' });
      break;
    case 'rsa-2048':
      pair = generateKeyPairSync('rsa', { modulusLength });
      break;
    case 'rsa-pss':
      // An id-RSASSA-PSS key with parameters (RFC 4055 §3.1): usable only for PSS with SHA-256,
      // i.e. TLS's rsa_pss_pss_sha256. OpenSSL fills in saltLength = 32, the digest length.
      pair = generateKeyPairSync('rsa-pss', { modulusLength, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
  }
  const spki = AsnConvert.parse(pair.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  return { keyType, privateKey: pair.privateKey, spki };
}

// RFC 4055 §5 / RFC 3279 §2.2.1 (RSA PKCS #1 v1.5) and RFC 5758 §3.2 / RFC 3279 §2.2.3 (ECDSA).
const RSA_SIGNATURE_OIDS: Record<SignatureHash, string> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_SIGNATURE_OIDS: Partial<Record<SignatureHash, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

/** The signatureAlgorithm a key of this type signs certificates with, and how to sign. */
function signatureAlgorithm(signer: KeyPair, hash?: SignatureHash): { algorithm: AlgorithmIdentifier; sign(data: Uint8Array): Uint8Array } {
  const key = signer.privateKey;
  switch (signer.keyType) {
    case 'ecdsa-p256':
    case 'ecdsa-p384': {
      // Parameters absent; the signature is DER Ecdsa-Sig-Value.
      const digest = hash ?? (signer.keyType === 'ecdsa-p256' ? 'sha256' : 'sha384');
      const algorithm = ECDSA_SIGNATURE_OIDS[digest];
      if (!algorithm) throw new Error(`ECDSA cannot sign with ${digest}`);
      return { algorithm: new AlgorithmIdentifier({ algorithm }), sign: (d) => sign(digest, d, key) };
    }
    case 'rsa-2048': {
      // Parameters NULL.
      const digest = hash ?? 'sha256';
      return {
        algorithm: new AlgorithmIdentifier({ algorithm: RSA_SIGNATURE_OIDS[digest], parameters: NULL }),
        sign: (d) => sign(digest, d, { key, padding: constants.RSA_PKCS1_PADDING }),
      };
    }
    case 'rsa-pss':
      // RFC 4055 §3.1: the signature's RSASSA-PSS-params must agree with the key's; reuse them.
      if (hash && hash !== 'sha256') throw new Error('this RSA-PSS key signs with SHA-256 only');
      return {
        algorithm: new AlgorithmIdentifier(signer.spki.algorithm),
        sign: (d) => sign('sha256', d, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      };
    case 'ed25519':
      // RFC 8410 §3: id-Ed25519, parameters absent; Ed25519 hashes internally.
      if (hash) throw new Error('Ed25519 takes no digest');
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), sign: (d) => sign(null, d, key) };
  }
}

function distinguishedName(commonName: string | undefined, organization: string | undefined): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const rdns: RelativeDistinguishedName[] = [];
  if (organization) rdns.push(rdn('2.5.4.10', organization)); // id-at-organizationName
  if (commonName !== undefined) rdns.push(rdn('2.5.4.3', commonName)); // id-at-commonName
  return new Name(rdns);
}

function validityOf(option: ValidityOption, days: number): Validity {
  const now = Date.now();
  if (typeof option === 'object') return new Validity(option);
  switch (option) {
    case 'valid':
      return new Validity({ notBefore: new Date(now - HOUR), notAfter: new Date(now + days * DAY) });
    case 'expired':
      return new Validity({ notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) });
    case 'not-yet-valid':
      return new Validity({ notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) });
  }
}

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random ones, leading octet 0x01–0x7f (minimal DER, positive). */
function serialNumber(): ArrayBuffer {
  const bytes = new Uint8Array(randomBytes(16));
  bytes[0] = 1 + (bytes[0]! % 0x7f);
  return bytes.buffer;
}

/**
 * The text @peculiar/asn1-x509's iPAddress converter encodes correctly: it mis-encodes IPv6 with
 * a dotted IPv4 tail ("::ffff:192.0.2.1"), so IPv6 goes in as eight hex groups.
 */
function ipForAsn(ip: string): string {
  const octets = parseIpAddress(ip);
  if (!octets) throw new Error(`not an IP address: ${ip}`);
  if (octets.length === 4) return octets.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((octets[i]! << 8) | octets[i + 1]!).toString(16));
  return groups.join(':');
}

const extension = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

function generalName(spec: NameSpec, inConstraint: boolean): GeneralName {
  if ('dns' in spec) return new GeneralName({ dNSName: spec.dns });
  if ('email' in spec) return new GeneralName({ rfc822Name: spec.email });
  if ('uri' in spec) return new GeneralName({ uniformResourceIdentifier: spec.uri });
  if ('directoryName' in spec) return new GeneralName({ directoryName: distinguishedName(spec.directoryName.commonName, spec.directoryName.organization) });
  // A constraint is an address and a mask (RFC 5280 §4.2.1.10); the converter writes "a.b.c.d/n" that way.
  if (inConstraint) {
    const [address, prefix] = spec.ip.split('/');
    return new GeneralName({ iPAddress: `${ipForAsn(address!)}/${prefix ?? (address!.includes(':') ? 128 : 32)}` });
  }
  return new GeneralName({ iPAddress: ipForAsn(spec.ip) });
}

/** RFC 7633 §6: Features ::= SEQUENCE OF INTEGER; status_request is 5 (RFC 6066 §8). */
const MUST_STAPLE = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
const keyIdentifierOf = (spki: SubjectPublicKeyInfo) => new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());

/**
 * Issues one certificate signed by `issuer`, or self-signed without one. Any combination is
 * allowed on purpose (a leaf signing another leaf, a CA without cA) so tests can build bad chains.
 */
export function issueCertificate(options: CertificateOptions = {}, issuer?: IssuedCertificate): IssuedCertificate {
  const keyType = options.keyFrom?.keyType ?? options.keyType ?? 'ecdsa-p256';
  const key = options.keyFrom ?? generateKey(keyType, options);
  const isCA = options.isCA ?? false;
  const dnsNames = options.dnsNames ?? [];
  const ips = options.ips ?? [];
  const emails = options.emails ?? [];
  const uris = options.uris ?? [];
  const name = distinguishedName(options.commonName ?? dnsNames[0] ?? ips[0] ?? 'handshake', options.organization);
  const keyIdentifier = keyIdentifierOf(key.spki);
  const signing = signatureAlgorithm(issuer ?? key, options.signatureHash);

  // keyEncipherment for TLS 1.2 RSA key transport; never on id-RSASSA-PSS keys (RFC 4055 §1.2).
  const encipher = keyType === 'rsa-2048' ? KeyUsageFlags.keyEncipherment : 0;
  const defaultKeyUsage = isCA ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature | encipher;
  const keyUsage = options.keyUsage === undefined ? defaultKeyUsage : options.keyUsage;
  const extensions: Extension[] = [];
  if (options.basicConstraints ?? true) {
    // RFC 5280 §4.2.1.9: MUST be critical in CA certificates.
    extensions.push(extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: isCA, ...(options.pathLength === undefined ? {} : { pathLenConstraint: options.pathLength }) })));
  }
  extensions.push(extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier)));
  // RFC 5280 §4.2.1.1: may be omitted in self-signed certificates, where issuer key = subject key.
  if (issuer) {
    extensions.push(
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuer.keyIdentifier) })),
    );
  }
  if (keyUsage !== null) extensions.push(extension(id_ce_keyUsage, true, new KeyUsage(keyUsage)));
  const eku = options.extendedKeyUsage ?? !isCA;
  if (eku !== false) {
    const purposes = eku === true ? [id_kp_serverAuth, id_kp_clientAuth] : [...eku];
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(purposes)));
  }
  const sans = [
    ...dnsNames.map((dns) => generalName({ dns }, false)),
    ...ips.map((ip) => generalName({ ip }, false)),
    ...emails.map((email) => generalName({ email }, false)),
    ...uris.map((uri) => generalName({ uri }, false)),
  ];
  // RFC 5280 §4.2.1.6: critical only when the subject is empty; ours never is.
  if (sans.length > 0) extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(sans)));
  const nc = options.nameConstraints;
  if (nc) {
    const subtrees = (specs: readonly NameSpec[] | undefined) =>
      specs?.length ? new GeneralSubtrees(specs.map((spec) => new GeneralSubtree({ base: generalName(spec, true) }))) : undefined;
    const permittedSubtrees = subtrees(nc.permitted);
    const excludedSubtrees = subtrees(nc.excluded);
    const value = new NameConstraints({ ...(permittedSubtrees ? { permittedSubtrees } : {}), ...(excludedSubtrees ? { excludedSubtrees } : {}) });
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST mark this extension as critical".
    extensions.push(extension(id_ce_nameConstraints, nc.critical ?? true, value));
  }
  if (options.mustStaple) {
    extensions.push(new Extension({ extnID: '1.3.6.1.5.5.7.1.24', critical: false, extnValue: new OctetString(MUST_STAPLE) }));
  }
  for (const extra of options.extraExtensions ?? []) {
    extensions.push(new Extension({ extnID: extra.id, critical: extra.critical ?? false, extnValue: new OctetString(extra.value) }));
  }

  const v1 = options.version === 1;
  const tbsCertificate = new TBSCertificate({
    version: v1 ? Version.v1 : Version.v3,
    serialNumber: serialNumber(),
    signature: signing.algorithm,
    issuer: issuer ? issuer.name : name,
    validity: validityOf(options.validity ?? 'valid', options.days ?? 365),
    subject: name,
    subjectPublicKeyInfo: key.spki,
    ...(v1 ? {} : { extensions: new Extensions(extensions) }),
  });
  const signature = signing.sign(new Uint8Array(AsnConvert.serialize(tbsCertificate)));
  const certificate = new Certificate({
    tbsCertificate,
    signatureAlgorithm: signing.algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(certificate));
  return {
    certPem: derToPem(der),
    keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    der,
    keyType,
    privateKey: key.privateKey,
    spki: key.spki,
    name,
    keyIdentifier,
  };
}

export interface SelfSignedOptions {
  commonName?: string;
  dnsNames?: readonly string[];
  ips?: readonly string[];
  keyType?: KeyType;
  days?: number;
  validity?: ValidityOption;
}

/** A self-signed end-entity certificate (cA false), e.g. for `localhost`. */
export function generateSelfSigned(options: SelfSignedOptions = {}): IssuedCertificate {
  return issueCertificate({ dnsNames: ['localhost'], ips: ['127.0.0.1', '::1'], ...options, isCA: false });
}

export interface PkiOptions {
  leafKeyType?: KeyType;
  /** Key type of the root and intermediate (default ecdsa-p256). */
  caKeyType?: KeyType;
  leafCommonName?: string;
  leafDnsNames?: readonly string[];
  leafIps?: readonly string[];
  leafValidity?: ValidityOption;
  intermediateValidity?: ValidityOption;
  /** false issues the intermediate with cA false (but keyCertSign), which chains must reject. */
  intermediateIsCA?: boolean;
  /** Also issue `leafIssuedByLeaf`: an end-entity certificate signed by the (non-CA) leaf. */
  leafAsIssuer?: boolean;
  /** Further options for each certificate, applied last (EKU, name constraints, pathLength, …). */
  root?: CertificateOptions;
  intermediate?: CertificateOptions;
  leaf?: CertificateOptions;
}

export interface Pki {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  leaf: IssuedCertificate;
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  leafKeyPem: string;
  /** leaf + intermediate, as a server sends it. */
  chainPem: string;
  leafIssuedByLeaf?: IssuedCertificate;
}

/** Root CA → intermediate CA → leaf for localhost, 127.0.0.1 and ::1, with optional defects. */
export function generatePki(options: PkiOptions = {}): Pki {
  const caKeyType = options.caKeyType ?? 'ecdsa-p256';
  const root = issueCertificate({
    commonName: 'handshake test root CA',
    organization: 'handshake',
    keyType: caKeyType,
    isCA: true,
    days: 3650,
    ...options.root,
  });
  const intermediateIsCA = options.intermediateIsCA ?? true;
  const intermediate = issueCertificate(
    {
      commonName: 'handshake test intermediate CA',
      organization: 'handshake',
      keyType: caKeyType,
      isCA: intermediateIsCA,
      days: 1825,
      validity: options.intermediateValidity ?? 'valid',
      // Without keyUsage or extendedKeyUsage, OpenSSL still takes it as the issuer and then reports
      // INVALID_CA (with keyCertSign but cA false it reports INVALID_PURPOSE instead).
      ...(intermediateIsCA ? {} : { keyUsage: null, extendedKeyUsage: false }),
      ...options.intermediate,
    },
    root,
  );
  const leaf = issueCertificate(
    {
      ...(options.leafCommonName === undefined ? {} : { commonName: options.leafCommonName }),
      dnsNames: options.leafDnsNames ?? ['localhost'],
      ips: options.leafIps ?? ['127.0.0.1', '::1'],
      keyType: options.leafKeyType ?? 'ecdsa-p256',
      validity: options.leafValidity ?? 'valid',
      days: 90,
      ...options.leaf,
    },
    intermediate,
  );
  const pki: Pki = {
    root,
    intermediate,
    leaf,
    rootPem: root.certPem,
    intermediatePem: intermediate.certPem,
    leafPem: leaf.certPem,
    leafKeyPem: leaf.keyPem,
    chainPem: leaf.certPem + intermediate.certPem,
  };
  if (options.leafAsIssuer) {
    pki.leafIssuedByLeaf = issueCertificate({ commonName: 'issued by a leaf', dnsNames: ['localhost'], keyType: 'ecdsa-p256', days: 30 }, leaf);
  }
  return pki;
}

const rootStores = new WeakMap<CryptoProvider, TrustStore>();

/**
 * Node's bundled Mozilla roots (`tls.rootCertificates`) as a TrustStore, parsed once per process
 * and provider (≈ 30 ms for ~150 roots) — the cache src/pki/roots.ts leaves to the adapter.
 */
export function nodeRootTrustStore(provider: CryptoProvider = nodeProvider): TrustStore {
  let store = rootStores.get(provider);
  if (!store) {
    store = TrustStore.fromPem(rootCertificates, provider);
    rootStores.set(provider, store);
  }
  return store;
}
