// 0-RTT anti-replay (RFC 8446 §8): early data is accepted at most once per ticket.
//
// RFC 8446 §8.1 (single-use tickets) and §8.3 (freshness): a server accepts 0-RTT only on a
// ClientHello whose ticket age agrees with ours (server/tls13.ts TICKET_AGE_TOLERANCE) and whose
// ticket it has not seen carry early data before. The second part needs memory shared by every
// connection, and across a fleet by every server: this interface. Our tickets are stateless (the
// state is sealed inside), so "single-use" is recorded here, keyed by the ticket, until the ticket
// expires; a ticket seen again within its lifetime resumes, but without early data.
import { DEFAULT_SESSION_CACHE_SIZE } from './config.js';

/**
 * Where a server records the tickets that carried accepted early data. Synchronous, as the core
 * is (DESIGN §1): a store that waits for the network (Redis) is asked by the adapter before the
 * ClientHello reaches the core, and its answer served from memory.
 */
export interface ReplayGuard {
  /**
   * Records `id` (a 32-byte digest of the ticket) until `expires` (ms since the epoch). true the
   * first time; false when `id` is already recorded (a replay) or cannot be recorded now (a full
   * store, a store that is down): early data is then refused, never accepted unrecorded. May throw,
   * which counts as false.
   */
  claim(id: Uint8Array, now: number, expires: number): boolean;
}

export interface MemoryReplayGuardOptions {
  /** Tickets remembered at once (default DEFAULT_SESSION_CACHE_SIZE); when full of unexpired ones, early data is refused. */
  maxEntries?: number;
}

const keyOf = (id: Uint8Array) => String.fromCharCode(...id);

/**
 * One process's memory of claimed tickets: a Map in insertion order, expired entries dropped from
 * the front as new ones arrive. Bounded: when every entry is still live, claims fail (fail closed).
 */
export class MemoryReplayGuard implements ReplayGuard {
  readonly maxEntries: number;
  private readonly entries = new Map<string, number>();
  /** No entry expires before this (ms), so a full store is not swept again until then. */
  private earliestExpiry = 0;

  constructor(options: MemoryReplayGuardOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_SESSION_CACHE_SIZE;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    this.maxEntries = max;
  }

  get size(): number {
    return this.entries.size;
  }

  claim(id: Uint8Array, now: number, expires: number): boolean {
    const key = keyOf(id);
    const seen = this.entries.get(key);
    if (seen !== undefined && seen > now) return false;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries && now >= this.earliestExpiry) this.sweep(now);
    if (this.entries.size >= this.maxEntries) return false;
    this.entries.set(key, expires);
    if (this.entries.size === 1 || expires < this.earliestExpiry) this.earliestExpiry = expires;
    return true;
  }

  /** Drops every expired entry (entries expire in any order: lifetimes differ). */
  private sweep(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, expires] of this.entries) {
      if (expires <= now) this.entries.delete(key);
      else if (expires < earliest) earliest = expires;
    }
    this.earliestExpiry = earliest;
  }
}
