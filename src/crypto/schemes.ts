import { SignatureScheme as S } from '../wire/codes.js';
import type { HashName, KeyKind } from './provider.js';

/** How a signature scheme signs: RFC 8446 §4.2.3. */
export interface SchemeInfo {
  readonly scheme: number;
  readonly keyKinds: readonly KeyKind[];
  /** null for EdDSA (the hash is part of the algorithm). */
  readonly hash: HashName | 'sha1' | null;
  readonly padding?: 'pss' | 'pkcs1';
  /** TLS 1.3 binds ECDSA schemes to one curve. */
  readonly curve?: string;
  /** Allowed for CertificateVerify in TLS 1.3 (rsa_pkcs1 and SHA-1 are not: RFC 8446 §4.2.3). */
  readonly tls13: boolean;
}

const table: SchemeInfo[] = [
  { scheme: S.ecdsa_secp256r1_sha256, keyKinds: ['ec'], hash: 'sha256', curve: 'P-256', tls13: true },
  { scheme: S.ecdsa_secp384r1_sha384, keyKinds: ['ec'], hash: 'sha384', curve: 'P-384', tls13: true },
  { scheme: S.ecdsa_secp521r1_sha512, keyKinds: ['ec'], hash: 'sha512', curve: 'P-521', tls13: true },
  { scheme: S.rsa_pss_rsae_sha256, keyKinds: ['rsa'], hash: 'sha256', padding: 'pss', tls13: true },
  { scheme: S.rsa_pss_rsae_sha384, keyKinds: ['rsa'], hash: 'sha384', padding: 'pss', tls13: true },
  { scheme: S.rsa_pss_rsae_sha512, keyKinds: ['rsa'], hash: 'sha512', padding: 'pss', tls13: true },
  { scheme: S.rsa_pss_pss_sha256, keyKinds: ['rsa-pss'], hash: 'sha256', padding: 'pss', tls13: true },
  { scheme: S.rsa_pss_pss_sha384, keyKinds: ['rsa-pss'], hash: 'sha384', padding: 'pss', tls13: true },
  { scheme: S.rsa_pss_pss_sha512, keyKinds: ['rsa-pss'], hash: 'sha512', padding: 'pss', tls13: true },
  { scheme: S.ed25519, keyKinds: ['ed25519'], hash: null, tls13: true },
  { scheme: S.ed448, keyKinds: ['ed448'], hash: null, tls13: true },
  { scheme: S.rsa_pkcs1_sha256, keyKinds: ['rsa'], hash: 'sha256', padding: 'pkcs1', tls13: false },
  { scheme: S.rsa_pkcs1_sha384, keyKinds: ['rsa'], hash: 'sha384', padding: 'pkcs1', tls13: false },
  { scheme: S.rsa_pkcs1_sha512, keyKinds: ['rsa'], hash: 'sha512', padding: 'pkcs1', tls13: false },
];
const byId = new Map(table.map((s) => [s.scheme, s]));

export function schemeInfo(scheme: number): SchemeInfo | undefined {
  return byId.get(scheme);
}

/** Whether a key of this kind/curve can produce or check this scheme. */
export function schemeFitsKey(scheme: number, key: { kind: KeyKind; curve?: string }): boolean {
  const info = byId.get(scheme);
  if (!info || !info.keyKinds.includes(key.kind)) return false;
  return info.curve === undefined || info.curve === key.curve;
}

/** Our default signature_algorithms, strongest-common first (what we offer and accept). */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [
  S.ecdsa_secp256r1_sha256,
  S.ecdsa_secp384r1_sha384,
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.ed25519,
  S.rsa_pss_pss_sha256,
  S.rsa_pss_pss_sha384,
  S.rsa_pss_pss_sha512,
  S.ecdsa_secp521r1_sha512,
];

/**
 * Our default signature_algorithms when TLS 1.2 is offered too: the PKCS#1 v1.5 schemes follow the
 * RSA-PSS ones, since TLS 1.2 servers with RSA keys may sign ServerKeyExchange with them
 * (RFC 5246 §7.4.1.4.1) and many cannot do PSS. RFC 8446 §4.2.3 allows listing them: they then
 * apply to TLS 1.2 only, and a TLS 1.3 CertificateVerify with one is still refused.
 */
export const DEFAULT_TLS12_SIGNATURE_SCHEMES: readonly number[] = [
  S.ecdsa_secp256r1_sha256,
  S.ecdsa_secp384r1_sha384,
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
  S.ed25519,
  S.rsa_pss_pss_sha256,
  S.rsa_pss_pss_sha384,
  S.rsa_pss_pss_sha512,
  S.ecdsa_secp521r1_sha512,
];

/** For signature_algorithms_cert: also the PKCS#1 schemes CAs still sign with (RFC 8446 §4.2.3). */
export const DEFAULT_CERT_SIGNATURE_SCHEMES: readonly number[] = [
  ...DEFAULT_SIGNATURE_SCHEMES,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
];
