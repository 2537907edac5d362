// handshake: TLS 1.3 on a sans-IO core, with a node:tls-compatible adapter.
export { Connection, type ConnectionOptions } from './connection.js';
export type { ConnectionEvent, HandshakeInfo } from './events.js';
export type { TraceEvent } from './trace.js';
export { TLSError } from './errors.js';
export type { ClientConfig } from './client/config.js';
export type { ServerConfig, CertifiedKey } from './server/config.js';
export type { CryptoProvider, ParsedCertificate } from './crypto/provider.js';
export { CERT_ERRORS, type CertErrorCode } from './pki/errors.js';
export { TrustStore } from './pki/roots.js';
export { CrlStore, parseCrl, parseCrls, type Crl, type CrlInput } from './pki/crl.js';
export type { VerifiedCertificateChain, VerifyCertificateChainOptions } from './pki/verify.js';
export { nodeProvider, createNodeProvider } from './crypto/node.js';
export { connect, type ConnectOptions } from './node/connect.js';
export { createServer, Server, type ServerOptions } from './node/server.js';
export { TLSSocket } from './node/tls-socket.js';
export { type SharedSessionStore, MemorySharedSessionStore, type MemorySharedSessionStoreOptions } from './node/session-store.js';
export { RedisSessionStore, type RedisSessionStoreOptions, type RedisCommandClient } from './node/redis-store.js';
export { createSecureContext as createSecureContextWith, type SecureContext } from './node/options.js';
export * from './wire/codes.js';

import { nodeProvider } from './crypto/node.js';
import { nodeRootTrustStore } from './node/certs.js';
import { type CommonOptions, type SecureContext, createSecureContext as make } from './node/options.js';
import { type VerifiedCertificateChain, type VerifyCertificateChainOptions, verifyCertificateChain as verifyChain } from './pki/verify.js';

/** Like tls.createSecureContext(): parse key and certificate once, reuse for many connections. */
export function createSecureContext(options: CommonOptions): SecureContext {
  return make(options, options.provider ?? nodeProvider);
}

/**
 * Validates a certificate chain the way our TLS client does: path building to a trust anchor
 * (Node's bundled roots unless `anchors` is given), RFC 5280 policy, the host name or IP for
 * purpose 'server', and pins. Returns the path used, or throws a TLSError whose `code` is a key of
 * CERT_ERRORS (node:tls names where one exists).
 */
export function verifyCertificateChain(options: VerifyCertificateChainOptions): VerifiedCertificateChain {
  return verifyChain(options, { provider: nodeProvider, anchors: nodeRootTrustStore });
}
