// handshake: TLS 1.3 on a sans-IO core, with a node:tls-compatible adapter.
export { Connection, type ConnectionOptions } from './connection.js';
export type { ConnectionEvent, HandshakeInfo } from './events.js';
export type { TraceEvent } from './trace.js';
export { TLSError } from './errors.js';
export type { ClientConfig } from './client/config.js';
export type { ServerConfig, CertifiedKey } from './server/config.js';
export type { CryptoProvider } from './crypto/provider.js';
export { nodeProvider, createNodeProvider } from './crypto/node.js';
export { connect, type ConnectOptions } from './node/connect.js';
export { createServer, Server, type ServerOptions } from './node/server.js';
export { TLSSocket } from './node/tls-socket.js';
export { createSecureContext as createSecureContextWith, type SecureContext } from './node/options.js';
export * from './wire/codes.js';

import { nodeProvider } from './crypto/node.js';
import { type CommonOptions, type SecureContext, createSecureContext as make } from './node/options.js';

/** Like tls.createSecureContext(): parse key and certificate once, reuse for many connections. */
export function createSecureContext(options: CommonOptions): SecureContext {
  return make(options, options.provider ?? nodeProvider);
}
