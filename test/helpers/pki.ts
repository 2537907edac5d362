// Certificates for tests. node:test runs each file in its own process, so the module-level cache
// below means each distinct PKI is generated once per test file.
import assert from 'node:assert/strict';
import { nodeProvider } from '../../src/crypto/node.js';
import type { ParsedCertificate } from '../../src/crypto/provider.js';
import { type IssuedCertificate, type Pki, type PkiOptions, generatePki } from '../../src/node/certs.js';
import { TLSError } from '../../src/errors.js';
import { CERT_ERRORS, type CertErrorCode } from '../../src/pki/errors.js';
import { pemToDer } from '../../src/pki/pem.js';
import { TrustStore } from '../../src/pki/roots.js';
import { type VerifyCertificateChainOptions, verifyCertificateChain } from '../../src/pki/verify.js';

export {
  type CertificateOptions,
  type IssuedCertificate,
  type KeyType,
  type NameSpec,
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

/** Runs `fn`, which must throw a TLSError with `code` and the alert CERT_ERRORS maps it to. */
export function assertCertError(fn: () => unknown, code: CertErrorCode): TLSError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TLSError, `expected a TLSError ${code}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.alert, CERT_ERRORS[code].alert);
  return caught;
}

export interface ChainCase {
  leaf: IssuedCertificate;
  intermediates?: readonly IssuedCertificate[];
  anchors: readonly IssuedCertificate[];
}

/** verifyCertificateChain over generated certificates, for `localhost` as a server by default; returns the path used. */
export function verifyCase(c: ChainCase, options: Partial<VerifyCertificateChainOptions> = {}): ParsedCertificate[] {
  return verifyCertificateChain({
    leaf: c.leaf.der,
    intermediates: (c.intermediates ?? []).map((i) => i.der),
    anchors: c.anchors.map((a) => a.der),
    hostname: 'localhost',
    purpose: 'server',
    provider,
    ...options,
  }).chain;
}

/** The fingerprints of generated certificates, to compare with a verified path. */
export const fingerprints = (...certs: IssuedCertificate[]): string[] => certs.map((c) => parse(c).fingerprint256);
