// node:tls option names mapped onto the core's configuration.
import type { ClientConfig } from '../client/config.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { nodeProvider } from '../crypto/node.js';
import { parseGroupList } from '../crypto/groups.js';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES, tls12SuiteByName, tls12SuiteByOpensslName, tls13SuiteByName } from '../crypto/suites.js';
import type { TlsVersionName } from '../handshake/versions.js';
import { certificateInfo } from '../pki/certificate.js';
import { crlStoreOf, verifyCertificate } from '../pki/chain.js';
import type { CrlInput, CrlStore } from '../pki/crl.js';
import { toDerList } from '../pki/pem.js';
import { normalizePins } from '../pki/policy.js';
import { TrustStore } from '../pki/roots.js';
import { nodeRootTrustStore } from './certs.js';
import {
  type CertifiedKey,
  type ClientAuthConfig,
  MAX_CERTIFICATE_AUTHORITIES_BYTES,
  type ServerConfig,
  certificateAuthoritiesSize,
  checkStaple,
} from '../server/config.js';
import { SignatureScheme } from '../wire/codes.js';
import type { CertificateVerifier } from '../handshake/verify.js';

export type PemInput = string | Buffer | Uint8Array | Array<string | Buffer | Uint8Array>;

/** The node:tls options handshake understands (the rest are ignored, as node:tls ignores unknown ones). */
export interface CommonOptions {
  ALPNProtocols?: readonly string[] | readonly Uint8Array[];
  ciphers?: string;
  ecdhCurve?: string;
  sigalgs?: string;
  minVersion?: string;
  maxVersion?: string;
  key?: PemInput | Array<{ pem: string | Buffer; passphrase?: string }>;
  cert?: PemInput;
  passphrase?: string;
  ca?: PemInput;
  /**
   * Certificates trusted in addition to `ca`, or to Node's bundled roots when `ca` is absent: the
   * per-connection form of node's NODE_EXTRA_CA_CERTS (which adds to the roots, where `ca`
   * replaces them). Typically a private CA next to the public Web PKI.
   */
  extraCA?: PemInput;
  /**
   * SPKI SHA-256 pins (base64, optionally "sha256/…", as curl's --pinnedpubkey and RFC 7469): the
   * validated path must contain a certificate whose public key has one of these hashes, else the
   * handshake fails with ERR_TLS_PIN_MISMATCH. Pin a CA's key too, to survive leaf renewals.
   */
  pinnedSpkiSha256?: readonly string[];
  /**
   * node:tls `crl`: certificate revocation lists, PEM ("X509 CRL" blocks) or DER, one or an array.
   * As node:tls (OpenSSL's CRL_CHECK | CRL_CHECK_ALL), every certificate of the peer's validated
   * path but the trust anchor must then be covered by a current CRL from its issuer: a listed one
   * fails with CERT_REVOKED (certificate_revoked), one without a usable CRL with UNABLE_TO_GET_CRL,
   * CRL_HAS_EXPIRED, CRL_NOT_YET_VALID or CRL_SIGNATURE_FAILURE. A client checks the server's
   * chain; a server with `requestCert` the client's. Parsed when the options are read; a CRL that
   * does not decode throws there (UNABLE_TO_DECODE_CRL). An empty array checks nothing, as node:tls.
   */
  crl?: PemInput;
  rejectUnauthorized?: boolean;
  provider?: CryptoProvider;
  /**
   * Client (node:tls's TLSSocket option of the same name): send status_request and verify the
   * server's stapled OCSP response. Unlike node:tls (default false, no verification, an
   * 'OCSPResponse' event), we default to true and verify; the result is in
   * `socket.handshakeInfo.ocsp`, and a revoked leaf fails like a bad chain.
   */
  requestOCSP?: boolean;
  /**
   * Server (createServer, addContext, createSecureContext): the OCSPResponse DER to staple when
   * the client asks. node:tls has the application answer an 'OCSPRequest' event per handshake;
   * handshake takes the response up front, like nginx's ssl_stapling_file. With several key/cert
   * pairs, an array pairs responses with them by position (undefined: no staple for that one).
   */
  ocspResponse?: Uint8Array | ReadonlyArray<Uint8Array | undefined>;
}

/**
 * node:tls minVersion / maxVersion. TLS 1.0 and 1.1 are never spoken (issue 4): a minVersion
 * below TLS 1.2 means TLS 1.2, a maxVersion below it is refused. Only explicit values are passed
 * on; the core's defaults apply otherwise.
 */
export function checkVersions(options: CommonOptions): { minVersion?: TlsVersionName; maxVersion?: TlsVersionName } {
  const known = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  for (const v of [options.minVersion, options.maxVersion]) {
    if (v !== undefined && !known.includes(v)) throw new TypeError(`unknown TLS version ${v}`);
  }
  const max = options.maxVersion;
  if (max === 'TLSv1' || max === 'TLSv1.1') throw new Error(`maxVersion ${max}: TLS 1.0 and 1.1 are not spoken`);
  const min = options.minVersion === 'TLSv1' || options.minVersion === 'TLSv1.1' ? 'TLSv1.2' : options.minVersion;
  return {
    ...(min !== undefined ? { minVersion: min as TlsVersionName } : {}),
    ...(max !== undefined ? { maxVersion: max as TlsVersionName } : {}),
  };
}

/**
 * node:tls `ciphers`: OpenSSL names for TLS 1.2 suites (ECDHE-RSA-AES128-GCM-SHA256) and IANA
 * names for TLS 1.3 ones (TLS_AES_128_GCM_SHA256), colon-separated; IANA names of TLS 1.2 suites
 * are accepted too. As in node:tls, naming no suite of one version keeps that version's defaults.
 * OpenSSL keywords and exclusions (HIGH, !aNULL, …) are not interpreted; a list with no name we
 * know is an error rather than a silent default.
 */
export function parseCiphers(spec: string | undefined): number[] | undefined {
  if (!spec) return undefined;
  const tls13: number[] = [];
  const tls12: number[] = [];
  for (const raw of spec.split(':')) {
    const name = raw.trim();
    const id13 = tls13SuiteByName(name)?.id;
    const id12 = (tls12SuiteByOpensslName(name) ?? tls12SuiteByName(name))?.id;
    if (id13 !== undefined && !tls13.includes(id13)) tls13.push(id13);
    if (id12 !== undefined && !tls12.includes(id12)) tls12.push(id12);
  }
  if (!tls13.length && !tls12.length) throw new Error(`no cipher suite we know in ciphers "${spec}"`);
  return [...(tls13.length ? tls13 : DEFAULT_TLS13_SUITES), ...(tls12.length ? tls12 : DEFAULT_TLS12_SUITES)];
}

const SIGALG_ALIASES: Record<string, number> = {
  'ECDSA+SHA256': SignatureScheme.ecdsa_secp256r1_sha256,
  'ECDSA+SHA384': SignatureScheme.ecdsa_secp384r1_sha384,
  'ECDSA+SHA512': SignatureScheme.ecdsa_secp521r1_sha512,
  'RSA-PSS+SHA256': SignatureScheme.rsa_pss_rsae_sha256,
  'RSA-PSS+SHA384': SignatureScheme.rsa_pss_rsae_sha384,
  'RSA-PSS+SHA512': SignatureScheme.rsa_pss_rsae_sha512,
  'RSA+SHA256': SignatureScheme.rsa_pkcs1_sha256,
  'RSA+SHA384': SignatureScheme.rsa_pkcs1_sha384,
  'RSA+SHA512': SignatureScheme.rsa_pkcs1_sha512,
  ED25519: SignatureScheme.ed25519,
};

/** node:tls `sigalgs`: "ECDSA+SHA256:RSA-PSS+SHA256" or IANA names like "rsa_pss_rsae_sha256". */
export function parseSigalgs(spec: string | undefined): number[] | undefined {
  if (!spec) return undefined;
  return spec.split(':').map((raw) => {
    const name = raw.trim();
    const id = SIGALG_ALIASES[name.toUpperCase()] ?? (SignatureScheme as Record<string, number>)[name.toLowerCase()];
    if (id === undefined) throw new Error(`unknown signature algorithm in sigalgs: ${name}`);
    return id;
  });
}

export function alpnList(list: CommonOptions['ALPNProtocols']): string[] | undefined {
  if (!list) return undefined;
  return Array.from(list as ArrayLike<string | Uint8Array>, (p) => (typeof p === 'string' ? p : Buffer.from(p).toString('latin1')));
}

const trustCache = new WeakMap<object, TrustStore>();
const extraTrustCache = new WeakMap<object, { base: TrustStore; store: TrustStore }>();

export function trustStoreFor(ca: PemInput | undefined, provider: CryptoProvider, extraCA?: PemInput): TrustStore {
  if (extraCA !== undefined) {
    const base = trustStoreFor(ca, provider);
    const key = typeof extraCA === 'object' ? extraCA : undefined;
    const cached = key && extraTrustCache.get(key);
    if (cached?.base === base) return cached.store;
    const store = base.with(TrustStore.fromDer(toDerList(extraCA as never), provider).anchors);
    if (key) extraTrustCache.set(key, { base, store });
    return store;
  }
  if (ca === undefined) return nodeRootTrustStore(provider);
  const key = typeof ca === 'object' ? ca : undefined;
  const cached = key && trustCache.get(key);
  if (cached) return cached;
  const store = TrustStore.fromDer(toDerList(ca as never), provider);
  if (key) trustCache.set(key, store);
  return store;
}

const crlCache = new WeakMap<object, CrlStore | undefined>();
/** CRLs given as strings, by text: a client connecting with the same `crl` again does not re-parse it. */
const crlTextCache = new Map<string, CrlStore | undefined>();
const MAX_CRL_TEXT_CACHE = 16;

/** node:tls `crl` parsed once per value (like `ca`); undefined when none is given. Throws UNABLE_TO_DECODE_CRL. */
export function crlStoreFor(crl: PemInput | undefined): CrlStore | undefined {
  if (crl === undefined) return undefined;
  if (typeof crl === 'string') {
    if (crlTextCache.has(crl)) return crlTextCache.get(crl);
    const store = crlStoreOf(crl);
    crlTextCache.set(crl, store);
    if (crlTextCache.size > MAX_CRL_TEXT_CACHE) crlTextCache.delete(crlTextCache.keys().next().value!);
    return store;
  }
  if (crlCache.has(crl)) return crlCache.get(crl);
  const store = crlStoreOf(crl as CrlInput);
  crlCache.set(crl, store);
  return store;
}

export function makeVerifier(trust: TrustStore, provider: CryptoProvider, pins?: readonly string[], crls?: CrlStore): CertificateVerifier {
  const normalized = pins && normalizePins(pins);
  return (input) => verifyCertificate({ ...input, trust, provider, pins: normalized, crls });
}

export function clientConfigFrom(
  options: CommonOptions & { servername?: string; host?: string; session?: Uint8Array; earlyData?: Uint8Array; postHandshakeAuth?: boolean },
  provider: CryptoProvider,
): ClientConfig {
  const versions = checkVersions(options);
  const host = options.servername ?? options.host ?? 'localhost';
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  const certified = certifiedKeys(options, provider)[0];
  const alpn = alpnList(options.ALPNProtocols);
  const ciphers = parseCiphers(options.ciphers);
  const groups = options.ecdhCurve ? parseGroupList(options.ecdhCurve) : undefined;
  const sigalgs = parseSigalgs(options.sigalgs);
  return {
    ...versions,
    serverName: host,
    ...(options.servername === '' ? { sni: false as const } : {}),
    ...(alpn ? { alpnProtocols: alpn } : {}),
    ...(ciphers ? { cipherSuites: ciphers } : {}),
    ...(groups ? { groups } : {}),
    ...(sigalgs ? { signatureSchemes: sigalgs } : {}),
    verifier: makeVerifier(trustStoreFor(options.ca, provider, options.extraCA), provider, options.pinnedSpkiSha256, crlStoreFor(options.crl)),
    rejectUnauthorized,
    ...(certified ? { certificate: { chain: certified.chain, key: certified.key } } : {}),
    ...(options.requestOCSP !== undefined ? { requestOCSP: options.requestOCSP } : {}),
    // node:tls `session`: a Buffer from 'session' or getSession(), checked when the config resolves.
    ...(options.session != null ? { session: options.session } : {}),
    ...(options.earlyData?.length ? { earlyData: options.earlyData } : {}),
    ...(options.postHandshakeAuth ? { postHandshakeAuth: true } : {}),
  };
}

/** Pairs `key` and `cert` (single values or arrays paired by position), parsed once. */
export function certifiedKeys(options: CommonOptions, provider: CryptoProvider): CertifiedKey[] {
  if (options.key === undefined || options.cert === undefined) return [];
  const keys = (Array.isArray(options.key) ? options.key : [options.key]) as Array<
    string | Buffer | Uint8Array | { pem: string | Buffer; passphrase?: string }
  >;
  const certs = Array.isArray(options.cert) ? options.cert : [options.cert];
  if (keys.length !== certs.length) throw new Error('key and cert must be given in pairs');
  const staples = ocspResponses(options.ocspResponse, certs.length);
  return keys.map((k, i) => {
    const chain = toDerList(certs[i]!);
    if (!chain.length) throw new Error('cert contains no certificate');
    let pem: string | Uint8Array;
    let passphrase = options.passphrase;
    if (typeof k === 'object' && 'pem' in k) {
      pem = k.pem.toString();
      passphrase = k.passphrase ?? passphrase;
    } else pem = typeof k === 'string' ? k : Buffer.from(k).toString();
    const key = provider.loadPrivateKey(pem, passphrase);
    const ocsp = staples[i];
    const certified: CertifiedKey = { chain, key, leaf: provider.parseCertificate(chain[0]!), ...(ocsp ? { ocsp } : {}) };
    checkStaple(certified);
    return certified;
  });
}

/** `ocspResponse` as one optional staple per key/cert pair. */
function ocspResponses(option: CommonOptions['ocspResponse'], pairs: number): Array<Uint8Array | undefined> {
  if (option === undefined) return [];
  // A Buffer is a Uint8Array: one response, for the first pair.
  if (option instanceof Uint8Array) return [new Uint8Array(option)];
  if (option.length > pairs) throw new Error('more OCSP responses than key/cert pairs');
  return option.map((r) => (r === undefined ? undefined : new Uint8Array(r)));
}

export interface SecureContext {
  certificates: CertifiedKey[];
}

/**
 * Like tls.createSecureContext: parse a key/cert pair once and reuse it across connections. A
 * `crl` is parsed (and refused if malformed) here too, and remembered for the same value given to
 * connect() or createServer(); a context passed to addContext or an SNICallback selects
 * certificates only, so client certificates are checked against the server's own `ca` and `crl`.
 */
export function createSecureContext(options: CommonOptions, provider: CryptoProvider): SecureContext {
  crlStoreFor(options.crl);
  return { certificates: certifiedKeys(options, provider) };
}

/** The server-only node:tls options serverConfigFrom reads, besides CommonOptions. */
export interface ServerConfigOptions extends CommonOptions {
  honorCipherOrder?: boolean;
  /**
   * node:tls: ask the client for a certificate (default false) and validate it for clientAuth
   * against `ca` (replacing Node's bundled roots, as node:tls does) plus `extraCA`. With
   * `rejectUnauthorized` (default true) a client without a valid certificate is refused; with it
   * false the handshake completes and the socket reports `authorized` false and
   * `authorizationError`.
   */
  requestCert?: boolean;
  /**
   * TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2; no node:tls equivalent): the
   * handshake asks for nothing, and a socket's requestClientCertificate() asks a client that
   * offered post_handshake_auth later, checked as `requestCert` would (`ca`, `rejectUnauthorized`).
   * With `requestCert` too, the handshake asks and later requests may ask again.
   */
  postHandshakeAuth?: boolean;
}

/**
 * certificate_authorities for our CertificateRequest: the subjects of the anchors (`ca`, and
 * `extraCA` with it), as node:tls sends the subjects of `ca` (OpenSSL's client CA list). Only
 * when `ca` was given: naming Node's ~150 bundled roots would cost ~15 KB a handshake and tell a
 * client nothing. A list too long for the extension is left out; RFC 8446 §4.2.4 makes it optional.
 */
function certificateAuthoritiesFor(options: ServerConfigOptions, provider: CryptoProvider): Uint8Array[] | undefined {
  if (options.ca === undefined) return undefined;
  const store = trustStoreFor(options.ca, provider, options.extraCA);
  const names: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const anchor of store.anchors) {
    let subject: Uint8Array;
    try {
      subject = certificateInfo(anchor).subjectDer;
    } catch {
      continue; // An anchor whose extensions do not parse anchors nothing (pki/roots.ts); nor is it named.
    }
    const key = Buffer.from(subject).toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(subject);
  }
  if (!names.length || certificateAuthoritiesSize(names) > MAX_CERTIFICATE_AUTHORITIES_BYTES) return undefined;
  return names;
}

function clientAuthFrom(options: ServerConfigOptions, provider: CryptoProvider): ClientAuthConfig | undefined {
  if (!options.requestCert && !options.postHandshakeAuth) return undefined;
  const certificateAuthorities = certificateAuthoritiesFor(options, provider);
  return {
    verifier: makeVerifier(trustStoreFor(options.ca, provider, options.extraCA), provider, undefined, crlStoreFor(options.crl)),
    required: options.rejectUnauthorized ?? true,
    ...(options.requestCert ? {} : { postHandshakeOnly: true }),
    ...(certificateAuthorities ? { certificateAuthorities } : {}),
  };
}

export function serverConfigFrom(options: ServerConfigOptions, certificates: CertifiedKey[]): Omit<ServerConfig, 'selectCertificates'> {
  const versions = checkVersions(options);
  const alpn = alpnList(options.ALPNProtocols);
  const ciphers = parseCiphers(options.ciphers);
  const groups = options.ecdhCurve ? parseGroupList(options.ecdhCurve) : undefined;
  const sigalgs = parseSigalgs(options.sigalgs);
  // Parsed even without requestCert: a malformed `crl` is a configuration error, as in node:tls.
  crlStoreFor(options.crl);
  const clientAuth = clientAuthFrom(options, options.provider ?? nodeProvider);
  return {
    ...versions,
    certificates,
    ...(alpn ? { alpnProtocols: alpn } : {}),
    ...(ciphers ? { cipherSuites: ciphers } : {}),
    ...(groups ? { groups } : {}),
    ...(sigalgs ? { signatureSchemes: sigalgs } : {}),
    ...(options.honorCipherOrder !== undefined ? { honorCipherOrder: options.honorCipherOrder } : {}),
    ...(clientAuth ? { clientAuth } : {}),
  };
}
