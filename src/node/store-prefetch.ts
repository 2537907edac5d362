// What a Server asks its shared session store before the core sees a ClientHello, and the
// synchronous views of those answers the core is given (server/session-cache.ts SessionStore,
// server/anti-replay.ts ReplayGuard). A ClientHello that offers nothing to look up costs no call.
import type { CryptoProvider } from '../crypto/provider.js';
import type { ReplayGuard } from '../server/anti-replay.js';
import type { ResolvedServerConfig } from '../server/config.js';
import type { SessionStore } from '../server/session-cache.js';
import { decodeTicketState } from '../tls13/ticket.js';
import { ProtocolVersion } from '../wire/codes.js';
import type { PeekedHello } from './client-hello-peek.js';
import type { StoreCalls } from './store-calls.js';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The part of a connection's configuration that comes from the store's answers. */
export type Prefetched = Partial<Pick<ResolvedServerConfig, 'sessionCache' | 'antiReplay'>>;

/**
 * The server-wide session cache: it knows no session by itself (a connection that offered one
 * gets a PrefetchedSession instead), and writes new sessions and deletions through to the store
 * without waiting; a failure is reported by StoreCalls.
 */
export class WriteThroughSessions implements SessionStore {
  constructor(
    private readonly calls: StoreCalls,
    private readonly provider: CryptoProvider,
  ) {}

  get(): undefined {
    return undefined;
  }

  set(id: Uint8Array, state: Uint8Array, expires: number): void {
    const ttl = Math.ceil(expires - this.provider.now());
    if (ttl > 0) void this.calls.run((store) => store.setSession(id, state, ttl), undefined);
  }

  delete(id: Uint8Array): void {
    void this.calls.run((store) => store.deleteSession(id), undefined);
  }
}

/** One connection's view of the store: the session its ClientHello offered, fetched beforehand. */
export class PrefetchedSession implements SessionStore {
  constructor(
    private readonly id: Uint8Array,
    private readonly state: Uint8Array,
    private readonly writes: WriteThroughSessions,
  ) {}

  get(id: Uint8Array): Uint8Array | undefined {
    return sameBytes(id, this.id) ? this.state : undefined;
  }

  set(id: Uint8Array, state: Uint8Array, expires: number): void {
    this.writes.set(id, state, expires);
  }

  delete(id: Uint8Array): void {
    this.writes.delete(id);
  }
}

/** Refuses every claim: the guard of connections for which the store was not asked. */
export const REFUSE_EARLY_DATA: ReplayGuard = { claim: () => false };

/**
 * One connection's anti-replay answer (RFC 8446 §8.1): the store recorded `id` for this
 * connection, or had it already (`granted` false). Answers true once, for that id only.
 */
export class PrefetchedClaim implements ReplayGuard {
  private used = false;

  constructor(
    private readonly id: Uint8Array,
    private readonly granted: boolean,
  ) {}

  claim(id: Uint8Array): boolean {
    if (!this.granted || this.used || !sameBytes(id, this.id)) return false;
    this.used = true;
    return true;
  }
}

/**
 * The anti-replay id of a ticket: SHA-256 of the PSK identity, as the core computes it when it is
 * about to accept early data.
 */
export const claimIdOf = (provider: CryptoProvider, identity: Uint8Array) => provider.hash('sha256', identity);

/**
 * Asks the store what the core will need for this ClientHello, in parallel; undefined when it
 * needs nothing (no call, no wait). Never rejects: a store that fails or times out answers a miss
 * and a refused claim.
 *
 * - TLS 1.2 session ID (RFC 5246 §7.4.1.2): only when TLS 1.2 can be negotiated and no ticket
 *   takes precedence (RFC 5077 §3.4); TLS 1.3 clients send a random legacy_session_id
 *   (RFC 8446 §D.4), which is never looked up.
 * - 0-RTT (RFC 8446 §4.2.10): early data is only for the first identity, so that ticket is claimed,
 *   until it expires, and only if it is one of ours that allows early data: forged identities cost
 *   the store no writes.
 */
export function prefetch(
  hello: PeekedHello,
  config: ResolvedServerConfig,
  calls: StoreCalls,
  writes: WriteThroughSessions | undefined,
  provider: CryptoProvider,
): Promise<Prefetched> | undefined {
  const tls13 = hello.offersTls13 && config.maxVersion >= ProtocolVersion.TLS1_3;
  const lookUp =
    writes !== undefined &&
    hello.sessionId.length > 0 &&
    !tls13 &&
    config.minVersion <= ProtocolVersion.TLS1_2 &&
    !(hello.sessionTicket && config.tickets);
  const first = hello.pskIdentities[0];
  const claimFor = tls13 && config.maxEarlyData > 0 && hello.earlyData && first !== undefined ? earlyDataTtl(config, provider, first) : 0;
  if (!lookUp && claimFor <= 0) return undefined;

  const id = hello.sessionId;
  const session = lookUp
    ? calls.run((store) => store.getSession(id), undefined).then((state) =>
        state instanceof Uint8Array && state.length > 0 ? new PrefetchedSession(id, state, writes) : undefined,
      )
    : undefined;
  const claimId = claimFor > 0 ? claimIdOf(provider, first!) : undefined;
  const granted = claimId ? calls.run((store) => store.claim(claimId, claimFor), false) : undefined;
  return Promise.all([session, granted]).then(([cache, ok]) => {
    const out: Prefetched = {};
    if (cache) out.sessionCache = cache;
    if (claimId) out.antiReplay = new PrefetchedClaim(claimId, ok === true);
    return out;
  });
}

/** Milliseconds left of the ticket `identity` if it is ours and allows early data, else 0. */
function earlyDataTtl(config: ResolvedServerConfig, provider: CryptoProvider, identity: Uint8Array): number {
  let opened: { state: Uint8Array } | undefined;
  try {
    opened = config.tickets?.open(provider, identity);
  } catch {
    return 0;
  }
  const ticket = opened && decodeTicketState(opened.state);
  if (!ticket || ticket.maxEarlyData === 0) return 0;
  return Math.ceil(ticket.created + ticket.lifetime * 1000 - provider.now());
}
