// Timings as the guides define them, and the round trips the handshake took, read off the ladder.
import type { TraceEvent } from '../../trace.js';
import type { ConnectRecord } from './run.js';

export interface TimingsReport {
  /** Name resolution; null for an IP address. */
  dnsMs: number | null;
  /** TCP's three-way handshake (DNS excluded). */
  tcpConnectMs: number | null;
  /**
   * First byte of our ClientHello to the end of the handshake: the later of our Finished sent and
   * the server's Finished received (ours in TLS 1.3 and TLS 1.2 resumption, the server's in a full
   * TLS 1.2 handshake, whose last round trip would otherwise go uncounted).
   */
  tlsHandshakeMs: number | null;
  /** Our (EC)DHE computations: key generation and agreement. */
  keyExchangeMs: number;
  /** Validation of the server's chain, its name and stapled OCSP response. */
  certificateValidationMs: number;
  /** From the start (DNS included) to a usable connection. */
  totalMs: number | null;
  /** Round trips of handshake messages: 1 (TLS 1.3, TLS 1.2 resumption) or 2 (TLS 1.2, HelloRetryRequest). */
  handshakeRoundTrips: number | null;
  /** Round trips before our application data left: 0 when the server accepted 0-RTT data. */
  roundTrips: number | null;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
const span = (from: number | undefined, to: number | undefined): number | null =>
  from === undefined || to === undefined ? null : round(to - from);

const isFinished = (e: TraceEvent) => e.kind === 'handshake' && e.name === 'Finished';

/**
 * Counts the server's flights up to and including the one with its Finished: each is one round
 * trip, since we wait for it before our next flight (or before the connection is usable).
 * Application data is left out: 0-RTT data travels with the first flight and changes nothing here.
 */
export function countRoundTrips(trace: readonly TraceEvent[]): number | null {
  let trips = 0;
  let previous: TraceEvent['direction'] | undefined;
  for (const e of trace) {
    if (e.kind === 'application_data') continue;
    if (e.direction === 'received' && previous !== 'received') trips++;
    previous = e.direction;
    if (e.direction === 'received' && isFinished(e)) return trips;
  }
  return null;
}

/** The trace times bounding the handshake: our first ClientHello, and the end described above. */
export function handshakeSpan(trace: readonly TraceEvent[]): { start: number; end: number } | undefined {
  const hello = trace.find((e) => e.direction === 'sent' && e.name === 'ClientHello');
  const ours = trace.find((e) => e.direction === 'sent' && isFinished(e));
  const theirs = trace.find((e) => e.direction === 'received' && isFinished(e));
  if (!hello || !ours || !theirs) return undefined;
  return { start: hello.time, end: Math.max(ours.time, theirs.time) };
}

export function computeTimings(rec: ConnectRecord): TimingsReport {
  const handshake = handshakeSpan(rec.trace);
  const trips = rec.secureAt === undefined ? null : countRoundTrips(rec.trace);
  return {
    dnsMs: span(rec.lookup ? rec.startedAt : undefined, rec.lookup?.at),
    tcpConnectMs: span(rec.lookup?.at ?? rec.startedAt, rec.connectedAt),
    tlsHandshakeMs: handshake ? round(handshake.end - handshake.start) : null,
    keyExchangeMs: round(rec.phaseMs['key-exchange']),
    certificateValidationMs: round(rec.phaseMs['certificate-validation']),
    totalMs: span(rec.startedAt, rec.secureAt),
    handshakeRoundTrips: trips,
    roundTrips: trips === null ? null : rec.earlyData === 'accepted' ? 0 : trips,
  };
}
