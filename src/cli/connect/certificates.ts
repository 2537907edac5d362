// The server's certificates as the report shows them: names, key, signature, expiry, OCSP.
import { nodeProvider } from '../../crypto/node.js';
import type { ParsedCertificate } from '../../crypto/provider.js';
import { type PublicKeyDescription, certificateInfo, describePublicKey, spkiSha256 } from '../../pki/certificate.js';
import type { OcspResult } from '../../pki/ocsp.js';

export interface CertificateReport {
  subject: string;
  issuer: string;
  serialNumber: string;
  sans: { dns: string[]; ip: string[]; email: string[] };
  key: { algorithm: string; bits: number | null; curve: string | null; text: string };
  signatureAlgorithm: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from the run to notAfter; negative once expired. */
  daysToExpiry: number;
  fingerprintSha256: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo (RFC 7469 pin-sha256). */
  spkiSha256: string | null;
  /** The last certificate of a verified path: the anchor it chained to. */
  trustAnchor: boolean;
}

export interface OcspReport {
  status: 'good' | 'revoked' | 'unknown';
  producedAt: string;
  thisUpdate: string;
  nextUpdate: string | null;
  revocationTime: string | null;
  signer: 'issuer' | 'delegated';
}

const DAY_MS = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

/** Key size as tools print it: the RSA modulus, the curve's field, 256 and 456 for the EdDSA keys. */
function keyBits(key: PublicKeyDescription): number | null {
  if (key.bits !== undefined) return key.bits;
  if (key.curve !== undefined) return CURVE_BITS[key.curve] ?? null;
  if (key.algorithm === 'ed25519') return 256;
  if (key.algorithm === 'ed448') return 456;
  return null;
}

/** IPv6 in its RFC 5952 short form ("::1"), as people write it; IPv4 unchanged. */
function compactIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

export function describeCertificate(cert: ParsedCertificate, at: number, trustAnchor: boolean): CertificateReport {
  const base = {
    serialNumber: cert.serialNumber,
    notBefore: iso(cert.notBefore),
    notAfter: iso(cert.notAfter),
    daysToExpiry: Math.floor((cert.notAfter - at) / DAY_MS),
    fingerprintSha256: cert.fingerprint256,
    trustAnchor,
  };
  try {
    const info = certificateInfo(cert);
    return {
      subject: info.subject.text,
      issuer: info.issuer.text,
      sans: {
        dns: [...(info.subjectAltName?.dNSName ?? [])],
        ip: cert.ipAddresses.map(compactIp),
        email: [...(info.subjectAltName?.rfc822Name ?? [])],
      },
      key: { algorithm: info.key.algorithm, bits: keyBits(info.key), curve: info.key.curve ?? null, text: describePublicKey(info.key) },
      signatureAlgorithm: info.signatureAlgorithm.name,
      spkiSha256: spkiSha256(info, nodeProvider),
      ...base,
    };
  } catch {
    // A certificate our policy parser refuses (it can arrive under --insecure): what Node read of it.
    const key = cert.publicKey;
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      sans: { dns: [...cert.dnsNames], ip: cert.ipAddresses.map(compactIp), email: [] },
      key: { algorithm: key.kind, bits: key.bits ?? null, curve: key.curve ?? null, text: key.kind },
      signatureAlgorithm: 'unknown',
      spkiSha256: null,
      ...base,
    };
  }
}

export function describeOcsp(ocsp: OcspResult | undefined): OcspReport | null {
  if (!ocsp) return null;
  return {
    status: ocsp.status,
    producedAt: iso(ocsp.producedAt),
    thisUpdate: iso(ocsp.thisUpdate),
    nextUpdate: ocsp.nextUpdate === undefined ? null : iso(ocsp.nextUpdate),
    revocationTime: ocsp.revocationTime === undefined ? null : iso(ocsp.revocationTime),
    signer: ocsp.signer,
  };
}
