// Session state shared by every server of a fleet, so any of them resumes a session another made
// and refuses early data another already accepted. The core stays synchronous (DESIGN §1): the
// Node adapter asks this store before the ClientHello reaches the core, and writes back after.
import { DEFAULT_TICKET_KEY_ROTATION } from '../server/config.js';

/**
 * An asynchronous store shared by servers (RedisSessionStore; MemorySharedSessionStore for one
 * process). Values are opaque bytes. Every call may reject or never settle: the Server bounds each
 * with a timeout and treats a failure as a miss (a refused claim, a local ticket key), so a store
 * that is down costs resumption, never a handshake.
 */
export interface SharedSessionStore {
  /**
   * Seconds per ticket key: each period has one key, made by whichever server asks first. Every
   * server sharing the store must use the same value (default DEFAULT_TICKET_KEY_ROTATION).
   */
  readonly ticketKeyRotation?: number;
  /**
   * Settles when the store can first answer (a connection made). A Server holds its first ticket
   * key fetch for it, up to STORE_STARTUP_GRACE, so a store still connecting is not an outage.
   */
  readonly ready?: Promise<void>;
  /** RFC 5246 §7.3: the encoded TLS 1.2 session stored under `id`, unless it expired. */
  getSession(id: Uint8Array): Promise<Uint8Array | undefined>;
  /** Stores `state` under `id` for `ttl` milliseconds. */
  setSession(id: Uint8Array, state: Uint8Array, ttl: number): Promise<void>;
  /** RFC 5246 §7.2.2: a session whose connection failed must not resume. */
  deleteSession(id: Uint8Array): Promise<void>;
  /**
   * RFC 8446 §8: records `id` (a digest of a ticket that offers early data) for `ttl` milliseconds,
   * atomically: true if it was not recorded yet, false if it was (a replay).
   */
  claim(id: Uint8Array, ttl: number): Promise<boolean>;
  /**
   * The 48-byte ticket key (TICKET_KEYS_LENGTH: key_name, then the AES-256-GCM key) of rotation
   * period `period`: the stored one, or `candidate` after storing it for `ttl` milliseconds when
   * there is none, atomically, so that every server ends up with the same key.
   */
  ticketKey(period: number, candidate: Uint8Array, ttl: number): Promise<Uint8Array>;
}

/** Milliseconds a Server's first ticket key fetch waits for the store's `ready`. */
export const STORE_STARTUP_GRACE = 2000;

/** The rotation period a store's servers agree on, checked. */
export function ticketKeyRotationOf(store: SharedSessionStore): number {
  const rotation = store.ticketKeyRotation ?? DEFAULT_TICKET_KEY_ROTATION;
  if (!Number.isFinite(rotation) || rotation <= 0 || rotation > 0xffffffff) throw new RangeError('ticketKeyRotation must be 0 to 2^32-1 seconds');
  return rotation;
}

export interface MemorySharedSessionStoreOptions {
  ticketKeyRotation?: number;
  /** Entries kept at once, sessions and claims together (default 20 000); the oldest go first. */
  maxEntries?: number;
  /** The clock (ms since the epoch); Date.now by default. */
  now?: () => number;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

/**
 * A SharedSessionStore in this process's memory: servers of one process (several Server objects,
 * or tests) share it. It answers at once; across processes use RedisSessionStore.
 */
export class MemorySharedSessionStore implements SharedSessionStore {
  readonly ticketKeyRotation: number | undefined;
  readonly maxEntries: number;
  private readonly now: () => number;
  /** Sessions and claims, in insertion order, so the oldest is evicted first. */
  private readonly entries = new Map<string, { value: Uint8Array; expires: number }>();
  /** Apart from `entries`: a key evicted early would be replaced by another, and servers would disagree. */
  private readonly ticketKeys = new Map<number, { value: Uint8Array; expires: number }>();

  constructor(options: MemorySharedSessionStoreOptions = {}) {
    this.ticketKeyRotation = options.ticketKeyRotation;
    const max = options.maxEntries ?? 20_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    this.maxEntries = max;
    this.now = options.now ?? Date.now;
  }

  private read(key: string): Uint8Array | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() < entry.expires) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  private write(key: string, value: Uint8Array, ttl: number): void {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value: Uint8Array.from(value), expires: this.now() + ttl });
  }

  async getSession(id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.read(`session:${hex(id)}`);
  }

  async setSession(id: Uint8Array, state: Uint8Array, ttl: number): Promise<void> {
    this.write(`session:${hex(id)}`, state, ttl);
  }

  async deleteSession(id: Uint8Array): Promise<void> {
    this.entries.delete(`session:${hex(id)}`);
  }

  async claim(id: Uint8Array, ttl: number): Promise<boolean> {
    const key = `early:${hex(id)}`;
    if (this.read(key)) return false;
    this.write(key, new Uint8Array(1), ttl);
    return true;
  }

  async ticketKey(period: number, candidate: Uint8Array, ttl: number): Promise<Uint8Array> {
    const now = this.now();
    for (const [p, entry] of this.ticketKeys) if (entry.expires <= now) this.ticketKeys.delete(p);
    let entry = this.ticketKeys.get(period);
    if (!entry) {
      entry = { value: Uint8Array.from(candidate), expires: now + ttl };
      this.ticketKeys.set(period, entry);
    }
    return Uint8Array.from(entry.value);
  }

  /** Forgets everything (an operator's flush; a restarted Redis, in tests). */
  clear(): void {
    this.entries.clear();
    this.ticketKeys.clear();
  }
}
