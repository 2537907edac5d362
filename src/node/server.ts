import { Server as NetServer, type Socket } from 'node:net';
import { Connection } from '../connection.js';
import { nodeProvider } from '../crypto/node.js';
import {
  type CertifiedKey,
  DEFAULT_SESSION_TIMEOUT,
  MAX_SESSION_TIMEOUT,
  type ResolvedServerConfig,
  type ServerConfig,
  resolveServerConfig,
} from '../server/config.js';
import { MAX_SESSION_CONTEXT } from '../tls12/session.js';
import { MemoryReplayGuard, type ReplayGuard } from '../server/anti-replay.js';
import { MemorySessionStore } from '../server/session-cache.js';
import { TICKET_KEYS_LENGTH, TicketKeys, type TicketSealer } from '../server/tickets.js';
import { ProtocolVersion } from '../wire/codes.js';
import { type PeekedHello, peekClientHello } from './client-hello-peek.js';
import {
  type CommonOptions,
  type SecureContext,
  type ServerConfigOptions,
  certifiedKeys,
  createSecureContext,
  serverConfigFrom,
} from './options.js';
import { type SharedSessionStore, ticketKeyRotationOf } from './session-store.js';
import { SharedTicketKeys } from './shared-ticket-keys.js';
import { DEFAULT_SESSION_STORE_TIMEOUT, StoreCalls, checkStoreTimeout } from './store-calls.js';
import { type Prefetched, REFUSE_EARLY_DATA, WriteThroughSessions, prefetch } from './store-prefetch.js';
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
  /**
   * node:tls: seconds after which a TLS 1.2 session the server made no longer resumes (default
   * 300); also the tickets' lifetime hint and how long a replaced ticket key still opens tickets.
   */
  sessionTimeout?: number;
  /**
   * node:tls: 48 bytes of ticket key. node:tls splits them into a 16-byte name, a 16-byte HMAC key
   * and a 16-byte AES key (RFC 5077 §4); ours are a 16-byte key_name and a 32-byte AES-256-GCM
   * key, so keys cannot be shared with node:tls servers (nor its tickets opened). Given keys are
   * not rotated automatically; without them a random key is made and rotated every 12 hours.
   */
  ticketKeys?: Uint8Array;
  /**
   * node:tls: sessions resume only on servers with the same context (OpenSSL's sid_ctx, UTF-8, at
   * most 32 bytes). Default: empty. node:tls's default (a hash of process.argv) only matters for
   * an OpenSSL session cache shared between processes, which this server does not have.
   */
  sessionIdContext?: string;
  /** node:tls secureOptions: of the SSL_OP_* flags, only SSL_OP_NO_TICKET is understood (no tickets). */
  secureOptions?: number;
  /** false: no TLS 1.2 session tickets (as SSL_OP_NO_TICKET). Default true. */
  tickets?: boolean;
  /** false: no TLS 1.2 session-ID cache. Default true: one bounded in-memory store per Server. */
  sessionCache?: boolean;
  /**
   * Session state shared with other servers (RedisSessionStore; see SharedSessionStore), so a
   * session made on one resumes on any: it replaces the in-memory TLS 1.2 session-ID cache, gives
   * the ticket keys (unless `ticketKeys` are given, which then seal as usual) and records 0-RTT
   * tickets. A store that fails or is slow costs resumption and 0-RTT, never a handshake: the
   * Server emits 'sessionStoreError' (err) once per outage and 'sessionStoreRecovered' after it.
   * Set at createServer (setSecureContext does not change it).
   */
  sessionStore?: SharedSessionStore;
  /** Milliseconds to wait for each sessionStore call before going on without it (default 250). */
  sessionStoreTimeout?: number;
  /**
   * 0-RTT (RFC 8446 §2.3): the most early data a resumed client may send (default 0: none).
   * Replayable: accept it only for requests that are safe to repeat (RFC 8446 §8). Each ticket
   * carries early data at most once, across every server sharing `sessionStore`, or within this
   * Server without one.
   */
  maxEarlyData?: number;
}

/** OpenSSL's SSL_OP_NO_TICKET (node's crypto.constants.SSL_OP_NO_TICKET). */
const SSL_OP_NO_TICKET = 0x4000;

// Bytes we hold while peeking at a ClientHello for the SNICallback or the session store.
const MAX_PEEK_BYTES = 64 * 1024;

/** Like tls.Server: accepts TCP connections and runs a TLS 1.3 server on each. */
export class Server extends NetServer {
  private options: ServerOptions;
  private base: Omit<ServerConfig, 'selectCertificates'>;
  private readonly contexts: Array<{ pattern: RegExp; certificates: CertifiedKey[] }> = [];
  /** Shared by every connection of this server, as an OpenSSL SSL_CTX's session cache and ticket keys are. */
  private readonly sessionStore = new MemorySessionStore();
  private readonly ticketKeys: TicketKeys;
  private replayGuard: ReplayGuard | undefined;
  /** With options.sessionStore: its calls, and what the core sees of it. */
  private readonly shared:
    | { calls: StoreCalls; sessions: WriteThroughSessions; ticketKeys: SharedTicketKeys | undefined }
    | undefined;

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    super({ allowHalfOpen: false }, (socket) => this.onConnection(socket));
    this.options = options;
    if (options.ticketKeys !== undefined) checkTicketKeys(options.ticketKeys);
    const overlap = sessionTimeoutOf(options);
    this.ticketKeys = new TicketKeys({ overlap, ...(options.ticketKeys ? { keys: options.ticketKeys } : {}) });
    if (options.sessionStore) this.shared = this.share(options.sessionStore, overlap);
    this.base = this.configFrom(options);
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
  }

  private share(store: SharedSessionStore, overlap: number): NonNullable<Server['shared']> {
    const calls = new StoreCalls(store, checkStoreTimeout(this.options.sessionStoreTimeout ?? DEFAULT_SESSION_STORE_TIMEOUT), {
      down: (err) => this.emit('sessionStoreError', err),
      up: () => this.emit('sessionStoreRecovered'),
    });
    // Given ticketKeys are the operator's to share; otherwise the store's keys seal.
    const ticketKeys =
      this.options.ticketKeys === undefined && ticketsOn(this.options)
        ? new SharedTicketKeys(calls, this.provider, { rotation: ticketKeyRotationOf(store), overlap })
        : undefined;
    if (ticketKeys) {
      ticketKeys.start();
      this.on('close', () => ticketKeys.stop());
      this.on('listening', () => ticketKeys.start());
    }
    return { calls, sessions: new WriteThroughSessions(calls, this.provider), ticketKeys };
  }

  private get provider() {
    return this.options.provider ?? nodeProvider;
  }

  private configFrom(options: ServerOptions): Omit<ServerConfig, 'selectCertificates'> {
    const context = sessionIdContextOf(options);
    const maxEarlyData = options.maxEarlyData ?? 0;
    const sealer: TicketSealer = this.shared?.ticketKeys ?? this.ticketKeys;
    return {
      ...serverConfigFrom(options, certifiedKeys(options, this.provider)),
      sessionCache: options.sessionCache === false ? false : (this.shared?.sessions ?? this.sessionStore),
      tickets: ticketsOn(options) ? sealer : false,
      sessionTimeout: sessionTimeoutOf(options),
      ...(context ? { sessionIdContext: context } : {}),
      // With a shared store, a connection whose ClientHello offers early data gets its own guard
      // holding the store's answer (prepare); any other refuses.
      ...(maxEarlyData > 0
        ? { maxEarlyData, antiReplay: this.shared ? REFUSE_EARLY_DATA : (this.replayGuard ??= new MemoryReplayGuard()) }
        : {}),
    };
  }

  /** tls.Server#getTicketKeys: the 48 bytes that seal tickets now (see ServerOptions.ticketKeys). */
  getTicketKeys(): Buffer {
    return Buffer.from((this.shared?.ticketKeys ?? this.ticketKeys).getTicketKeys(this.provider));
  }

  /**
   * tls.Server#setTicketKeys: seal new tickets with these 48 bytes. The key they replace still
   * opens tickets for `sessionTimeout` seconds (node:tls forgets it at once); automatic rotation
   * stops. Not with keys from a sessionStore: every server of the store would have to agree.
   */
  setTicketKeys(keys: Uint8Array): void {
    checkTicketKeys(keys);
    if (this.shared?.ticketKeys) throw new Error('ticket keys come from the sessionStore; give ticketKeys at createServer to manage them yourself');
    this.ticketKeys.setTicketKeys(this.provider, keys);
  }

  /** tls.Server#addContext: certificates for names matching `hostname` (may start with "*."). */
  addContext(hostname: string, context: SecureContext | CommonOptions): void {
    const escaped = hostname.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
    this.contexts.push({ pattern: new RegExp(`^${escaped}$`, 'i'), certificates: this.toCertificates(context) });
  }

  /**
   * tls.Server#setSecureContext: replace the certificates and settings for new connections. The
   * session cache and ticket keys stay (new `ticketKeys` replace the current key): sessions made
   * under the old settings resume only where the new ones still accept them (server/tls12.ts).
   */
  setSecureContext(options: ServerOptions): void {
    if (options.ticketKeys !== undefined) this.setTicketKeys(options.ticketKeys);
    this.options = { ...this.options, ...options };
    this.base = this.configFrom(this.options);
  }

  private toCertificates(context: SecureContext | CommonOptions): CertifiedKey[] {
    if ('certificates' in context) return context.certificates;
    return createSecureContext(context, this.provider).certificates;
  }

  /** The resolved configuration for connections without SNICallback certificates, made once per base. */
  private resolvedBase: { base: object; resolved: ResolvedServerConfig } | undefined;

  private resolvedFor(extra?: CertifiedKey[]): ResolvedServerConfig {
    if (extra?.length) return resolveServerConfig(this.configFor(extra));
    // Resolving checks and copies the options: per connection it cost as much as a hash of the
    // transcript, for the same result each time.
    if (this.resolvedBase?.base !== this.base) this.resolvedBase = { base: this.base, resolved: resolveServerConfig(this.configFor()) };
    return this.resolvedBase.resolved;
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

    const start = (extra?: CertifiedKey[], prefetched?: Prefetched) => {
      if (tls.destroyed) return;
      try {
        const resolved = this.resolvedFor(extra);
        // A per-connection copy only when the store answered something for this connection.
        const config = prefetched && (prefetched.sessionCache || prefetched.antiReplay) ? { ...resolved, ...prefetched } : resolved;
        const conn = Connection.serverResolved(config, {
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

    if (!this.options.SNICallback && !this.shared) {
      start();
      return;
    }
    // Peek at the ClientHello before the core starts: an async SNICallback and the shared store
    // answer first, in parallel (the core is synchronous, DESIGN §1).
    let base: ResolvedServerConfig;
    try {
      base = this.resolvedFor();
    } catch (err) {
      tls.destroy(err as Error);
      return;
    }
    // As the core decodes it: TLS 1.2 extensions (session_ticket) only when TLS 1.2 may be spoken.
    const version = base.minVersion <= ProtocolVersion.TLS1_2 ? 'tls12' : 'tls13';
    let asked = false;
    const tryPeek = (buffered: number) => {
      if (asked) return;
      const peek = peekClientHello(tls.bufferedInput, version);
      if (!peek.done && buffered < MAX_PEEK_BYTES) return;
      asked = true;
      tls.off('preAttachData', tryPeek);
      this.prepare(tls, peek.done ? peek.hello : undefined, base, start);
    };
    tls.on('preAttachData', tryPeek);
  }

  /** Runs the SNICallback and the store lookups the ClientHello calls for, then `start`. */
  private prepare(
    tls: TLSSocket,
    hello: PeekedHello | undefined,
    base: ResolvedServerConfig,
    start: (extra?: CertifiedKey[], prefetched?: Prefetched) => void,
  ): void {
    const waits: Promise<unknown>[] = [];
    let extra: CertifiedKey[] | undefined;
    let prefetched: Prefetched | undefined;
    const sni = this.options.SNICallback;
    const name = hello?.serverName;
    if (sni && name !== undefined) {
      waits.push(
        new Promise<void>((resolve, reject) => {
          sni(name, (err, context) => {
            if (err) return reject(err);
            try {
              extra = context ? this.toCertificates(context) : undefined;
              resolve();
            } catch (e) {
              reject(e);
            }
          });
        }),
      );
    }
    const shared = this.shared;
    if (shared) {
      // Tickets sealed before the first keys arrive open on this server alone: wait for them, as
      // for any store call, at most the store timeout.
      if (shared.ticketKeys && !shared.ticketKeys.loaded) waits.push(atMost(shared.ticketKeys.ready, shared.calls.timeout));
      const fetched = hello && prefetch(hello, base, shared.calls, base.sessionCache ? shared.sessions : undefined, this.provider);
      if (fetched) waits.push(fetched.then((p) => (prefetched = p)));
    }
    if (!waits.length) {
      start();
      return;
    }
    // Only the SNICallback can reject (store calls answer a fallback instead).
    Promise.all(waits).then(
      () => start(extra, prefetched),
      (err: unknown) => tls.destroy(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

function atMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function ticketsOn(options: ServerOptions): boolean {
  return options.tickets !== false && ((options.secureOptions ?? 0) & SSL_OP_NO_TICKET) === 0;
}

// The core checks these per connection; checked here too, so a bad value fails createServer instead.

function sessionTimeoutOf(options: ServerOptions): number {
  const timeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_SESSION_TIMEOUT) {
    throw new RangeError(`sessionTimeout must be an integer from 0 to ${MAX_SESSION_TIMEOUT} seconds`);
  }
  return timeout;
}

function sessionIdContextOf(options: ServerOptions): Uint8Array | undefined {
  if (options.sessionIdContext === undefined) return undefined;
  const context = new TextEncoder().encode(options.sessionIdContext);
  if (context.length > MAX_SESSION_CONTEXT) throw new RangeError(`sessionIdContext must be at most ${MAX_SESSION_CONTEXT} bytes`);
  return context;
}

/** node:tls's check (an AssertionError there): ticket keys are exactly 48 bytes. */
function checkTicketKeys(keys: Uint8Array): void {
  if (!(keys instanceof Uint8Array) || keys.byteLength !== TICKET_KEYS_LENGTH) {
    throw new RangeError(`Session ticket keys must be a ${TICKET_KEYS_LENGTH}-byte buffer`);
  }
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server {
  return new Server(options, secureConnectionListener);
}
