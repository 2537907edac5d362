// Ticket keys (RFC 5077 §4; RFC 8446 §4.6.1 tickets are sealed the same way, server/tickets.ts)
// shared by every server of a store. Time is cut into rotation periods; each period has one key,
// stored by whichever server asks for it first (SharedSessionStore.ticketKey is atomic), so all
// servers seal with the same key and open each other's tickets:
//
//   period:      p-1            p              p+1
//   key:       opens ──────── seals ────────  fetched ahead, so a server whose clock is a little
//              (for the overlap)               ahead, or who rotates first, is already understood
//
// Keys are fetched on an unreferenced timer, never while a handshake waits. When the store is
// unreachable the last keys fetched go on working; with none at all (the store was down at
// start), a local random key seals, which only this server opens, until the store answers.
import type { CryptoProvider } from '../crypto/provider.js';
import { TICKET_KEYS_LENGTH, TICKET_KEY_NAME_LENGTH, TicketKeys, type TicketSealer } from '../server/tickets.js';
import { STORE_STARTUP_GRACE } from './session-store.js';
import type { StoreCalls } from './store-calls.js';

/** Periods before the current one whose keys still open tickets: bounds the keys kept and fetched. */
export const MAX_OPENING_PERIODS = 16;
/** Refreshes come at least this often (they also notice a store that came back). */
const MAX_REFRESH_INTERVAL = 10_000;
const MIN_REFRESH_INTERVAL = 50;

interface PeriodKey {
  period: number;
  bytes: Uint8Array;
  /** Seals and opens with this one key (a TicketKeys given keys never rotates them). */
  sealer: TicketKeys;
}

export interface SharedTicketKeysOptions {
  /** Seconds per period. */
  rotation: number;
  /** Seconds a key still opens tickets after its period: the ticket lifetime. */
  overlap: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array, length = a.length) => {
  if (a.length < length || b.length < length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
};

export class SharedTicketKeys implements TicketSealer {
  private readonly rotationMs: number;
  private readonly overlapMs: number;
  private readonly keys = new Map<number, PeriodKey>();
  /** Seals only while no shared key is known; opens what it sealed. */
  private readonly local: TicketKeys;
  private refreshing: Promise<void> | undefined;
  /** When the last fetch began (provider clock, ms). */
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  /** Settles when the first fetch has (whatever its outcome); never rejects. */
  readonly ready: Promise<void>;
  /** The first fetch has settled. */
  loaded = false;

  constructor(
    private readonly calls: StoreCalls,
    private readonly provider: CryptoProvider,
    options: SharedTicketKeysOptions,
  ) {
    this.rotationMs = options.rotation * 1000;
    this.overlapMs = options.overlap * 1000;
    this.local = new TicketKeys({ rotation: options.rotation, overlap: options.overlap });
    this.ready = this.firstFetch();
  }

  private async firstFetch(): Promise<void> {
    const connected = this.calls.store.ready;
    if (connected) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STORE_STARTUP_GRACE).unref()));
      await Promise.race([connected.catch(() => {}), grace]);
      clearTimeout(timer);
    }
    await this.refresh();
    this.loaded = true;
  }

  /** Refreshes on a timer until stop(); the timer keeps no process alive. */
  start(): void {
    if (this.timer) return;
    const interval = Math.min(Math.max(this.rotationMs / 4, MIN_REFRESH_INTERVAL), MAX_REFRESH_INTERVAL);
    this.timer = setInterval(() => void this.refresh(), interval).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private periodOf(now: number): number {
    return Math.floor(now / this.rotationMs);
  }

  /** The first period whose key still opens tickets at `now`: key p opens until (p + 1) * rotation + overlap. */
  private firstOpening(now: number): number {
    return Math.max(Math.floor((now - this.overlapMs) / this.rotationMs), this.periodOf(now) - MAX_OPENING_PERIODS);
  }

  /**
   * Fetches the keys of the periods that open now and of the next one, offering the key already
   * held as the candidate: after the store lost its data (a restarted Redis), the first server to
   * refresh puts the fleet's keys back instead of starting new ones. Never rejects.
   */
  refresh(): Promise<void> {
    // Store failures answer a fallback inside fetch(); nothing else may become an unhandled
    // rejection on a timer: the keys held stay in use.
    this.refreshing ??= this.fetch()
      .catch(() => {})
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async fetch(): Promise<void> {
    const now = this.provider.now();
    this.fetchedAt = now;
    const current = this.periodOf(now);
    const periods: number[] = [];
    for (let p = this.firstOpening(now); p <= current + 1; p++) periods.push(p);
    await Promise.all(
      periods.map(async (period) => {
        const held = this.keys.get(period);
        const candidate = held?.bytes ?? this.provider.randomBytes(TICKET_KEYS_LENGTH);
        // Kept until it no longer opens, plus a period of slack for clocks that differ.
        const ttl = (period + 2) * this.rotationMs + this.overlapMs - now;
        const stored = await this.calls.run(async (store) => {
          const key = await store.ticketKey(period, candidate, ttl);
          if (!(key instanceof Uint8Array) || key.length !== TICKET_KEYS_LENGTH) {
            throw new Error(`the session store holds a malformed ticket key for period ${period}`);
          }
          return key;
        }, undefined);
        if (stored && !(held && sameBytes(held.bytes, stored))) {
          this.keys.set(period, { period, bytes: Uint8Array.from(stored), sealer: new TicketKeys({ keys: stored }) });
        }
      }),
    );
    this.prune(this.provider.now());
  }

  private prune(now: number): void {
    const first = this.firstOpening(now);
    for (const period of this.keys.keys()) if (period < first) this.keys.delete(period);
  }

  /** The key that seals at `now`: the current period's, else the latest earlier one still held. */
  private sealingKey(now: number): PeriodKey | undefined {
    const current = this.periodOf(now);
    const key = this.keys.get(current);
    if (key) return key;
    // The timer fetches a period ahead, so this is a store that is down or slow: ask again, though
    // not for every handshake while it stays down, nor before the first fetch (which waits for
    // the store to connect).
    if (this.loaded && now - this.fetchedAt >= Math.min(this.rotationMs / 4, 1000)) void this.refresh();
    let best: PeriodKey | undefined;
    const first = this.firstOpening(now);
    for (const k of this.keys.values()) if (k.period < current && k.period >= first && (!best || k.period > best.period)) best = k;
    return best;
  }

  seal(provider: CryptoProvider, state: Uint8Array): Uint8Array {
    const key = this.sealingKey(provider.now());
    return (key?.sealer ?? this.local).seal(provider, state);
  }

  open(provider: CryptoProvider, ticket: Uint8Array): { state: Uint8Array; renew: boolean } | undefined {
    if (ticket.length < TICKET_KEY_NAME_LENGTH) return undefined;
    const now = provider.now();
    const first = this.firstOpening(now);
    for (const key of this.keys.values()) {
      if (key.period < first || !sameBytes(key.bytes, ticket, TICKET_KEY_NAME_LENGTH)) continue;
      const opened = key.sealer.open(provider, ticket);
      // RFC 5077 §3.3: a ticket from a key that no longer seals is renewed, so the client keeps resuming.
      return opened && { state: opened.state, renew: key.period !== this.periodOf(now) };
    }
    const opened = this.local.open(provider, ticket);
    return opened && { state: opened.state, renew: opened.renew || this.keys.has(this.periodOf(now)) };
  }

  /** The 48 bytes that seal now (node:tls server.getTicketKeys()). */
  getTicketKeys(provider: CryptoProvider): Uint8Array {
    const key = this.sealingKey(provider.now());
    return key ? Uint8Array.from(key.bytes) : this.local.getTicketKeys(provider);
  }
}
