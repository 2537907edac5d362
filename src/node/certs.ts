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
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
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

export interface CertificateOptions {
  commonName?: string;
  organization?: string;
  dnsNames?: readonly string[];
  ips?: readonly string[];
  keyType?: KeyType;
  /** Length of a 'valid' period (default 365). */
  days?: number;
  validity?: ValidityOption;
  /** basicConstraints cA (default false). */
  isCA?: boolean;
  /** keyUsage bits; default keyCertSign|cRLSign for CAs, digitalSignature (+keyEncipherment for RSA) otherwise; null omits it. */
  keyUsage?: number | null;
  /** Leaf-style extendedKeyUsage serverAuth + clientAuth (default: true unless isCA). */
  extendedKeyUsage?: boolean;
  /** Reuse this certificate's key instead of generating one (re-issued roots, cross-signing). */
  keyFrom?: IssuedCertificate;
}

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

function generateKey(keyType: KeyType): KeyPair {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  switch (keyType) {
    case 'ecdsa-p256':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    case 'ecdsa-p384':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      break;
    case 'rsa-2048':
      pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
    case 'rsa-pss':
      // An id-RSASSA-PSS key with parameters (RFC 4055 §3.1): usable only for PSS with SHA-256,
      // i.e. TLS's rsa_pss_pss_sha256. OpenSSL fills in saltLength = 32, the digest length.
      pair = generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
  }
  const spki = AsnConvert.parse(pair.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  return { keyType, privateKey: pair.privateKey, spki };
}

/** The signatureAlgorithm a key of this type signs certificates with, and how to sign. */
function signatureAlgorithm(signer: KeyPair): { algorithm: AlgorithmIdentifier; sign(data: Uint8Array): Uint8Array } {
  const key = signer.privateKey;
  switch (signer.keyType) {
    case 'ecdsa-p256':
      // RFC 5758 §3.2: ecdsa-with-SHA256, parameters absent; the signature is DER Ecdsa-Sig-Value.
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), sign: (d) => sign('sha256', d, key) };
    case 'ecdsa-p384':
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' }), sign: (d) => sign('sha384', d, key) };
    case 'rsa-2048':
      // RFC 4055 §5: sha256WithRSAEncryption, parameters NULL.
      return {
        algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: NULL }),
        sign: (d) => sign('sha256', d, { key, padding: constants.RSA_PKCS1_PADDING }),
      };
    case 'rsa-pss':
      // RFC 4055 §3.1: the signature's RSASSA-PSS-params must agree with the key's; reuse them.
      return {
        algorithm: new AlgorithmIdentifier(signer.spki.algorithm),
        sign: (d) => sign('sha256', d, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      };
    case 'ed25519':
      // RFC 8410 §3: id-Ed25519, parameters absent; Ed25519 hashes internally.
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), sign: (d) => sign(null, d, key) };
  }
}

function distinguishedName(commonName: string, organization: string | undefined): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const rdns: RelativeDistinguishedName[] = [];
  if (organization) rdns.push(rdn('2.5.4.10', organization)); // id-at-organizationName
  rdns.push(rdn('2.5.4.3', commonName)); // id-at-commonName
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

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
const keyIdentifierOf = (spki: SubjectPublicKeyInfo) => new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());

/**
 * Issues one certificate signed by `issuer`, or self-signed without one. Any combination is
 * allowed on purpose (a leaf signing another leaf, a CA without cA) so tests can build bad chains.
 */
export function issueCertificate(options: CertificateOptions = {}, issuer?: IssuedCertificate): IssuedCertificate {
  const keyType = options.keyFrom?.keyType ?? options.keyType ?? 'ecdsa-p256';
  const key = options.keyFrom ?? generateKey(keyType);
  const isCA = options.isCA ?? false;
  const dnsNames = options.dnsNames ?? [];
  const ips = options.ips ?? [];
  const name = distinguishedName(options.commonName ?? dnsNames[0] ?? ips[0] ?? 'handshake', options.organization);
  const keyIdentifier = keyIdentifierOf(key.spki);
  const signing = signatureAlgorithm(issuer ?? key);

  // keyEncipherment for TLS 1.2 RSA key transport; never on id-RSASSA-PSS keys (RFC 4055 §1.2).
  const encipher = keyType === 'rsa-2048' ? KeyUsageFlags.keyEncipherment : 0;
  const defaultKeyUsage = isCA ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature | encipher;
  const keyUsage = options.keyUsage === undefined ? defaultKeyUsage : options.keyUsage;
  const extensions: Extension[] = [
    // RFC 5280 §4.2.1.9: MUST be critical in CA certificates.
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: isCA })),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier)),
  ];
  // RFC 5280 §4.2.1.1: may be omitted in self-signed certificates, where issuer key = subject key.
  if (issuer) {
    extensions.push(
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuer.keyIdentifier) })),
    );
  }
  if (keyUsage !== null) extensions.push(extension(id_ce_keyUsage, true, new KeyUsage(keyUsage)));
  if (options.extendedKeyUsage ?? !isCA) {
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth])));
  }
  if (dnsNames.length > 0 || ips.length > 0) {
    const names = [...dnsNames.map((dNSName) => new GeneralName({ dNSName })), ...ips.map((ip) => new GeneralName({ iPAddress: ipForAsn(ip) }))];
    // RFC 5280 §4.2.1.6: critical only when the subject is empty; ours never is.
    extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names)));
  }

  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signing.algorithm,
    issuer: issuer ? issuer.name : name,
    validity: validityOf(options.validity ?? 'valid', options.days ?? 365),
    subject: name,
    subjectPublicKeyInfo: key.spki,
    extensions: new Extensions(extensions),
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
  const root = issueCertificate({ commonName: 'handshake test root CA', organization: 'handshake', keyType: caKeyType, isCA: true, days: 3650 });
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
