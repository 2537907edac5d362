import { Server as NetServer, type Socket } from 'node:net';
import { Connection } from '../connection.js';
import { nodeProvider } from '../crypto/node.js';
import type { CertifiedKey, ServerConfig } from '../server/config.js';
import {
  type CommonOptions,
  type SecureContext,
  type ServerConfigOptions,
  certifiedKeys,
  createSecureContext,
  serverConfigFrom,
} from './options.js';
import { peekServerName } from './sni.js';
import { TLSSocket } from './tls-socket.js';

export type SNICallback = (
  servername: string,
  callback: (err: Error | null, context?: SecureContext | CommonOptions) => void,
) => void;

/**
 * tls.createServer options. Client certificates as in node:tls: `requestCert`, then
 * `rejectUnauthorized` (default true) and `ca` / `extraCA` for the client's chain (see
 * ServerConfigOptions); the server socket's `authorized`, `authorizationError` and
 * `getPeerCertificate()` describe the client.
 */
export interface ServerOptions extends ServerConfigOptions {
  SNICallback?: SNICallback;
  /** Milliseconds to complete the handshake (node:tls default 120 s). */
  handshakeTimeout?: number;
  trace?: 'off' | 'handshake' | 'all';
  allowHalfOpen?: boolean;
  pauseOnConnect?: boolean;
}

// Bytes we hold while peeking at a ClientHello for the SNICallback.
const MAX_PEEK_BYTES = 64 * 1024;

/** Like tls.Server: accepts TCP connections and runs a TLS 1.3 server on each. */
export class Server extends NetServer {
  private options: ServerOptions;
  private base: Omit<ServerConfig, 'selectCertificates'>;
  private readonly contexts: Array<{ pattern: RegExp; certificates: CertifiedKey[] }> = [];

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    super({ allowHalfOpen: false }, (socket) => this.onConnection(socket));
    this.options = options;
    this.base = this.configFrom(options);
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
  }

  private get provider() {
    return this.options.provider ?? nodeProvider;
  }

  private configFrom(options: ServerOptions) {
    return serverConfigFrom(options, certifiedKeys(options, this.provider));
  }

  /** tls.Server#addContext: certificates for names matching `hostname` (may start with "*."). */
  addContext(hostname: string, context: SecureContext | CommonOptions): void {
    const escaped = hostname.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
    this.contexts.push({ pattern: new RegExp(`^${escaped}$`, 'i'), certificates: this.toCertificates(context) });
  }

  /** tls.Server#setSecureContext: replace the certificates and settings for new connections. */
  setSecureContext(options: ServerOptions): void {
    this.options = { ...this.options, ...options };
    this.base = this.configFrom(this.options);
  }

  private toCertificates(context: SecureContext | CommonOptions): CertifiedKey[] {
    if ('certificates' in context) return context.certificates;
    return createSecureContext(context, this.provider).certificates;
  }

  private configFor(extra?: CertifiedKey[]): ServerConfig {
    return {
      ...this.base,
      selectCertificates: (name) => {
        if (extra?.length) return extra;
        if (name === undefined) return undefined;
        return this.contexts.find((c) => c.pattern.test(name))?.certificates;
      },
    };
  }

  private onConnection(socket: Socket): void {
    const tls = new TLSSocket(socket, { isServer: true });
    // tls.Server re-emits each connection's key-log lines as ('keylog', line, tlsSocket).
    tls.on('keylog', (line: Buffer) => this.emit('keylog', line, tls));
    const onError = (err: Error) => this.emit('tlsClientError', err, tls);
    tls.on('error', onError);
    const timeout = this.options.handshakeTimeout ?? 120_000;
    const timer =
      timeout > 0
        ? setTimeout(() => {
            tls.destroy(Object.assign(new Error('TLS handshake timeout'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }));
          }, timeout).unref()
        : undefined;
    tls.once('secure', () => {
      clearTimeout(timer);
      tls.off('error', onError);
      this.emit('secureConnection', tls);
    });
    tls.once('close', () => clearTimeout(timer));

    const start = (extra?: CertifiedKey[]) => {
      try {
        const conn = Connection.server(this.configFor(extra), {
          provider: this.provider,
          // Nobody can listen on a server socket before 'secureConnection': trace only on request.
          trace: this.options.trace ?? 'off',
          // The server's own forwarder (above) is one listener; key lines are needed only beyond it.
          keylog: () => this.listenerCount('keylog') > 0 || tls.listenerCount('keylog') > 1,
        });
        this.emit('connectionStarted', tls);
        tls.attach(conn);
      } catch (err) {
        tls.destroy(err as Error);
      }
    };

    const sni = this.options.SNICallback;
    if (!sni) {
      start();
      return;
    }
    let asked = false;
    const tryPeek = (buffered: number) => {
      if (asked) return;
      const peek = peekServerName(tls.bufferedInput);
      if (!peek.done && buffered < MAX_PEEK_BYTES) return;
      asked = true;
      const name = peek.done ? peek.serverName : undefined;
      if (name === undefined) {
        start();
        return;
      }
      sni(name, (err, context) => {
        if (err) {
          tls.destroy(err);
          return;
        }
        start(context ? this.toCertificates(context) : undefined);
      });
    };
    tls.on('preAttachData', tryPeek);
  }
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server {
  return new Server(options, secureConnectionListener);
}
