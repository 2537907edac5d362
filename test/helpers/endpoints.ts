// Client and server configurations over a generated PKI, for the pair, malicious-peer and fuzz tests.
import type { ClientConfig } from '../../src/client/config.js';
import { createCertificateVerifier } from '../../src/pki/chain.js';
import type { CertifiedKey, ServerConfig } from '../../src/server/config.js';
import { type IssuedCertificate, type Pki, provider, trustOf } from './pki.js';

/** A server certificate: `leaf` with its key, then the rest of the chain as sent. */
export function certifiedKey(leaf: IssuedCertificate, ...rest: IssuedCertificate[]): CertifiedKey {
  const chain = [leaf.der, ...rest.map((c) => c.der)];
  return { chain, key: provider.loadPrivateKey(leaf.keyPem), leaf: provider.parseCertificate(leaf.der) };
}

/** The PKI's leaf and intermediate, as a server sends them. */
export const serverCertificate = (pki: Pki): CertifiedKey => certifiedKey(pki.leaf, pki.intermediate);

/** A verifier that trusts exactly these anchors. */
export const verifierTrusting = (...anchors: IssuedCertificate[]) => createCertificateVerifier(trustOf(...anchors), provider);

/** A client for `localhost` that trusts the PKI's root. */
export function clientFor(pki: Pki, overrides: ClientConfig = {}): ClientConfig {
  return { serverName: 'localhost', verifier: verifierTrusting(pki.root), ...overrides };
}

/** A server presenting the PKI's leaf. */
export function serverFor(pki: Pki, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { certificates: [serverCertificate(pki)], ...overrides };
}
