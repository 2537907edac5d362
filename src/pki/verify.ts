// The verifier as a library call: certificates in (PEM or DER), the path used out, or a TLSError
// whose `code` is a key of CERT_ERRORS. The package entry (src/index.ts) supplies Node's provider
// and Node's bundled roots as defaults; this module stays free of Node imports.
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import { buildPath, checkIdentity, crlStoreOf } from './chain.js';
import { type CrlInput, type CrlStore, checkRevocation } from './crl.js';
import { certError } from './errors.js';
import { parseIpAddress } from './hostname.js';
import { type CertificateInput, toDerList } from './pem.js';
import { type CertificatePurpose, normalizePins } from './policy.js';
import { TrustStore } from './roots.js';

export interface VerifyCertificateChainOptions {
  /** The end-entity certificate: PEM text (the first CERTIFICATE block) or DER. */
  leaf: string | Uint8Array;
  /** Untrusted certificates that may complete a path (a server's chain, a bundle), in any order. */
  intermediates?: CertificateInput;
  /** Trust anchors, replacing the default ones (Node's bundled roots from the package entry). */
  anchors?: CertificateInput | TrustStore;
  /** Validation time (default: the provider's clock). */
  time?: Date | number;
  /** DNS name the server must be valid for (purpose 'server'); an IP literal is matched as an IP. */
  hostname?: string;
  /** IP address the server must be valid for (purpose 'server'). */
  ip?: string;
  purpose: CertificatePurpose;
  /** SPKI SHA-256 pins, base64, optionally "sha256/…": one certificate on the path must match. */
  pins?: readonly string[];
  /**
   * CRLs (PEM "X509 CRL" blocks or DER, or a CrlStore): every certificate on the path but the
   * trust anchor must be covered by a current CRL from its issuer and not be listed (crl.ts).
   */
  crls?: CrlInput | CrlStore;
  provider?: CryptoProvider;
}

export interface VerifiedCertificateChain {
  /** The path used: leaf first, trust anchor last. */
  chain: ParsedCertificate[];
}

/** What the caller's environment supplies when an option is left out. */
export interface VerifyDefaults {
  provider?: CryptoProvider;
  anchors?: (provider: CryptoProvider) => TrustStore;
}

function parseAll(ders: readonly Uint8Array[], provider: CryptoProvider, what: string): ParsedCertificate[] {
  return ders.map((der, i) => {
    try {
      return provider.parseCertificate(der);
    } catch (cause) {
      throw certError('UNABLE_TO_DECODE_CERT', `unable to decode ${what}${ders.length > 1 ? ` ${i}` : ''}`, cause);
    }
  });
}

function derList(input: CertificateInput | undefined, what: string): Uint8Array[] {
  try {
    return toDerList(input);
  } catch (cause) {
    throw certError('UNABLE_TO_DECODE_CERT', `unable to decode ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
}

function trustStore(anchors: VerifyCertificateChainOptions['anchors'], provider: CryptoProvider, defaults: VerifyDefaults): TrustStore {
  if (anchors instanceof TrustStore) return anchors;
  if (anchors !== undefined) return TrustStore.fromDer(toDerList(anchors), provider);
  if (!defaults.anchors) throw new TypeError('verifyCertificateChain: anchors are required here');
  return defaults.anchors(provider);
}

/**
 * Builds and validates a path from `leaf` to a trust anchor (chain.ts), checks the host name or
 * IP for purpose 'server', and the pins. Throws a TLSError with a CERT_ERRORS code when the chain
 * is not valid, and a TypeError when the options are inconsistent.
 */
export function verifyCertificateChain(options: VerifyCertificateChainOptions, defaults: VerifyDefaults = {}): VerifiedCertificateChain {
  const provider = options.provider ?? defaults.provider;
  if (!provider) throw new TypeError('verifyCertificateChain: a provider is required here');
  if (options.purpose !== 'server' && options.purpose !== 'client') throw new TypeError(`unknown purpose ${String(options.purpose)}`);
  if (options.hostname !== undefined && options.ip !== undefined) throw new TypeError('give hostname or ip, not both');
  if (options.ip !== undefined && !parseIpAddress(options.ip)) throw new TypeError(`not an IP address: ${options.ip}`);
  const pins = options.pins && normalizePins(options.pins);
  const time = options.time === undefined ? provider.now() : typeof options.time === 'number' ? options.time : options.time.getTime();
  if (!Number.isFinite(time)) throw new TypeError('time is not a valid date');
  const trust = trustStore(options.anchors, provider, defaults);
  const crls = crlStoreOf(options.crls);

  const leafDer = derList(options.leaf, 'leaf')[0];
  if (!leafDer) throw certError('CERT_CHAIN_EMPTY', 'no leaf certificate given');
  const [leaf] = parseAll([leafDer], provider, 'leaf');
  const pool = parseAll(derList(options.intermediates, 'intermediates'), provider, 'intermediate');
  const chain = buildPath({ leaf: leaf!, pool, trust, time, purpose: options.purpose, provider, pins });
  if (crls) checkRevocation({ path: chain, crls, time });
  const identity = options.ip ?? options.hostname;
  if (options.purpose === 'server' && identity) checkIdentity(leaf!, identity);
  return { chain };
}
