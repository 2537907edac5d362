// Stateful TLS 1.2 resumption (RFC 5246 §7.3, §7.4.1.2): where a server keeps each session under
// the session_id of its ServerHello, so a ClientHello offering that ID can resume it.
import { DEFAULT_SESSION_CACHE_SIZE } from './config.js';

/**
 * The shape every session-ID store has: the in-memory one below, and shared ones (a Redis-backed
 * store is planned) behind the same calls. Values are encoded session states (tls12/session.ts),
 * opaque here. Synchronous, as the core is (DESIGN §1): a store that has to wait for the network
 * is fetched from by the adapter before the ClientHello reaches the core and served from memory.
 *
 * A store may throw; the handshake then goes on as if the session were unknown (a cache is an
 * optimisation, never a reason to fail a connection).
 */
export interface SessionStore {
  /** The state stored under `id`, unless it expired by `now` (ms since the epoch). */
  get(id: Uint8Array, now: number): Uint8Array | undefined;
  /** Stores `state` under `id` until `expires` (ms since the epoch). */
  set(id: Uint8Array, state: Uint8Array, expires: number): void;
  /** Forgets `id` (RFC 5246 §7.2.2: a session whose connection failed must not resume). */
  delete(id: Uint8Array): void;
}

export interface MemorySessionStoreOptions {
  /** Sessions kept before the least recently used is evicted (default DEFAULT_SESSION_CACHE_SIZE). */
  maxEntries?: number;
}

interface Entry {
  state: Uint8Array;
  expires: number;
}

/** Session IDs are up to 32 bytes (RFC 5246 §7.4.1.2); as latin1 they key a Map without copying twice. */
const keyOf = (id: Uint8Array) => String.fromCharCode(...id);

/**
 * A bounded LRU in memory, for one process: a Map in least-recently-used order, the oldest
 * evicted when `maxEntries` is reached, expired entries dropped when met.
 */
export class MemorySessionStore implements SessionStore {
  readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: MemorySessionStoreOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_SESSION_CACHE_SIZE;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    this.maxEntries = max;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: Uint8Array, now: number): Uint8Array | undefined {
    const key = keyOf(id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (now >= entry.expires) return undefined;
    // Most recently used goes last.
    this.entries.set(key, entry);
    return entry.state;
  }

  set(id: Uint8Array, state: Uint8Array, expires: number): void {
    const key = keyOf(id);
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { state, expires });
  }

  delete(id: Uint8Array): void {
    this.entries.delete(keyOf(id));
  }

  /** Forgets every session (node:tls has no such call; an operator's flush). */
  clear(): void {
    this.entries.clear();
  }
}
