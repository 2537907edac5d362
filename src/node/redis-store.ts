// A SharedSessionStore in Redis, through the official client (node-redis, the `redis` package),
// loaded on first use: it costs 100-300 ms to import, which nobody who does not use it should pay.
//
// Keys (all under `prefix`, values binary):
//   session:<hex id>             the encoded TLS 1.2 session, PX = its remaining lifetime
//   early:<hex sha256(ticket)>   "1", SET NX PX session lifetime: RFC 8446 §8.1 single use
//   ticket-key:<rotation>:<n>    48 bytes, SET NX: the key of rotation period n, first writer wins
import { DEFAULT_TICKET_KEY_ROTATION } from '../server/config.js';
import type { SharedSessionStore } from './session-store.js';

/**
 * The one call of a node-redis client this store uses (a `createClient()` result satisfies it),
 * so a caller may bring a client set up its own way: TLS, ACL, Sentinel.
 */
export interface RedisCommandClient {
  sendCommand(args: ReadonlyArray<string | Buffer>, options?: { typeMapping?: Record<number, unknown> }): Promise<unknown>;
}

export interface RedisSessionStoreOptions {
  /** redis[s]://[[user][:password]@]host[:port][/db]; the store makes, connects and owns its client. */
  url?: string;
  /** A connected node-redis client to use instead of `url`; its owner connects, closes and listens for its 'error'. */
  client?: RedisCommandClient;
  /** Prepended to every key (default "handshake:"), so fleets or services can share one Redis. */
  prefix?: string;
  /** Seconds per ticket key; the same on every server (see SharedSessionStore.ticketKeyRotation). */
  ticketKeyRotation?: number;
  /**
   * Errors of the connection the store owns (refused, reset, each failed reconnection attempt).
   * Default: ignored, as failed calls are what a Server reports ('sessionStoreError').
   */
  onError?: (err: Error) => void;
}

/** node-redis RESP_TYPES.BLOB_STRING ('$'): mapped to Buffer, so values come back as the bytes stored. */
const BLOB_STRING = 36;
const AS_BUFFERS = { typeMapping: { [BLOB_STRING]: Buffer } };
/** Commands waiting at once before new ones are refused: a Redis that stopped answering holds no more. */
const MAX_QUEUED_COMMANDS = 10_000;
/** Reconnection back-off: doubling from 50 ms up to 1 s, with jitter so a fleet does not reconnect in step. */
const reconnectIn = (retries: number) => Math.min(50 * 2 ** retries, 1000) + Math.floor(Math.random() * 100);

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
const bytesOf = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.length);
/** Redis PX takes a positive integer. */
const px = (ms: number) => String(Math.max(1, Math.ceil(ms)));

interface OwnedClient extends RedisCommandClient {
  close(): Promise<void>;
  destroy(): void;
  readonly isReady: boolean;
}

export class RedisSessionStore implements SharedSessionStore {
  readonly prefix: string;
  readonly ticketKeyRotation: number | undefined;
  /**
   * Settles when the store first reaches Redis (a given client: at once). Until then calls fail
   * at once, as they do while Redis is unreachable later; a Server's first ticket key fetch waits
   * for it (up to STORE_STARTUP_GRACE). Await it before accepting connections, or the first
   * tickets may be sealed with a key only this server has.
   */
  readonly ready: Promise<void>;
  private client: RedisCommandClient | undefined;
  private owned: OwnedClient | undefined;
  private closed = false;

  constructor(options: RedisSessionStoreOptions) {
    if ((options.url === undefined) === (options.client === undefined)) throw new TypeError('RedisSessionStore needs exactly one of url and client');
    this.prefix = options.prefix ?? 'handshake:';
    this.ticketKeyRotation = options.ticketKeyRotation;
    const onError = options.onError ?? (() => {});
    this.client = options.client;
    this.ready = options.client ? Promise.resolve() : this.connect(options.url!, onError);
    // Whoever awaits `ready` sees its failure (a close before connecting); nobody else must.
    this.ready.catch(() => {});
  }

  private async connect(url: string, onError: (err: Error) => void): Promise<void> {
    const { createClient } = await import('redis');
    if (this.closed) throw new Error('the session store is closed');
    const client = createClient({
      url,
      // Offline, a command fails at once rather than waiting for a reconnection: the handshake
      // waiting on it goes on without the store now, not after the Server's timeout.
      disableOfflineQueue: true,
      commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
      socket: { connectTimeout: 2000, reconnectStrategy: reconnectIn },
    });
    // Without a listener, node-redis's 'error' would be thrown: one lost Redis must not stop the process.
    client.on('error', (err: Error) => onError(err));
    this.owned = client as unknown as OwnedClient;
    // Retries on its own until Redis answers (reconnectStrategy never gives up).
    await client.connect();
    this.client = client as unknown as RedisCommandClient;
  }

  private async send(args: Array<string | Buffer>): Promise<unknown> {
    if (this.closed) throw new Error('the session store is closed');
    if (!this.client) throw new Error('not connected to Redis yet');
    return this.client.sendCommand(args, AS_BUFFERS);
  }

  async getSession(id: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.send(['GET', `${this.prefix}session:${hex(id)}`]);
    return value instanceof Uint8Array ? value : undefined;
  }

  async setSession(id: Uint8Array, state: Uint8Array, ttl: number): Promise<void> {
    await this.send(['SET', `${this.prefix}session:${hex(id)}`, bytesOf(state), 'PX', px(ttl)]);
  }

  async deleteSession(id: Uint8Array): Promise<void> {
    await this.send(['DEL', `${this.prefix}session:${hex(id)}`]);
  }

  async claim(id: Uint8Array, ttl: number): Promise<boolean> {
    // SET NX is atomic: of any number of servers claiming one ticket, one gets OK, the others nil.
    const reply = await this.send(['SET', `${this.prefix}early:${hex(id)}`, '1', 'NX', 'PX', px(ttl)]);
    return isOk(reply);
  }

  async ticketKey(period: number, candidate: Uint8Array, ttl: number): Promise<Uint8Array> {
    // The rotation is part of the name: servers configured with different periods number them differently.
    const key = `${this.prefix}ticket-key:${this.ticketKeyRotation ?? DEFAULT_TICKET_KEY_ROTATION}:${period}`;
    // Twice: the stored key may expire between a refused SET NX and the GET.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (isOk(await this.send(['SET', key, bytesOf(candidate), 'NX', 'PX', px(ttl)]))) return candidate;
      const stored = await this.send(['GET', key]);
      if (stored instanceof Uint8Array) return stored;
    }
    throw new Error(`no ticket key for period ${period} could be stored or read`);
  }

  /** Closes the connection the store made (a client given to it is its owner's to close). */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.owned;
    if (!client) return;
    this.owned = undefined;
    this.client = undefined;
    try {
      // QUIT waits for replies already owed; a client still trying to connect is dropped at once.
      if (client.isReady) await client.close();
      else client.destroy();
    } catch {
      client.destroy();
    }
  }
}

/** A simple-string OK (SET's success; nil when NX found the key), as string or Buffer. */
function isOk(reply: unknown): boolean {
  if (typeof reply === 'string') return reply === 'OK';
  return reply instanceof Uint8Array && Buffer.from(reply).toString('latin1') === 'OK';
}
