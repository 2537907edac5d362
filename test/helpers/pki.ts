// Certificates for tests. node:test runs each file in its own process, so the module-level cache
// below means each distinct PKI is generated once per test file.
import { nodeProvider } from '../../src/crypto/node.js';
import type { ParsedCertificate } from '../../src/crypto/provider.js';
import { type IssuedCertificate, type Pki, type PkiOptions, generatePki } from '../../src/node/certs.js';
import { pemToDer } from '../../src/pki/pem.js';
import { TrustStore } from '../../src/pki/roots.js';

export {
  type CertificateOptions,
  type IssuedCertificate,
  type KeyType,
  type Pki,
  type PkiOptions,
  generatePki,
  generateSelfSigned,
  issueCertificate,
  nodeRootTrustStore,
} from '../../src/node/certs.js';

export const provider = nodeProvider;

const pkis = new Map<string, Pki>();

/** generatePki(options), generated on first use and then shared within the test file. */
export function cachedPki(options: PkiOptions = {}): Pki {
  const key = JSON.stringify(options);
  let pki = pkis.get(key);
  if (!pki) {
    pki = generatePki(options);
    pkis.set(key, pki);
  }
  return pki;
}

/** DER of each certificate, in the order given (PEM strings may hold several). */
export const ders = (...certs: Array<IssuedCertificate | string>): Uint8Array[] =>
  certs.flatMap((c) => (typeof c === 'string' ? pemToDer(c) : [c.der]));

export const trustOf = (...anchors: IssuedCertificate[]): TrustStore => TrustStore.fromDer(anchors.map((a) => a.der), provider);

export const parse = (cert: IssuedCertificate): ParsedCertificate => provider.parseCertificate(cert.der);

/** The same certificate with the last octet of its signature flipped: still parses, no longer verifies. */
export function tamperSignature(der: Uint8Array): Uint8Array {
  const out = der.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}
