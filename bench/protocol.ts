// Messages between the benchmark (main thread) and its node:tls peer (bench/peer.ts, a worker).

/** Every benchmark pins one suite and group on the node:tls side, so both implementations negotiate the same. */
export const BENCH_CIPHER = 'TLS_AES_128_GCM_SHA256';
export const BENCH_CURVE = 'X25519';
/** TLS 1.2 rows: ECDHE with AES-128-GCM, for whichever certificate key the row uses. */
export const BENCH_CIPHER_TLS12 = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256';
export type BenchVersion = 'TLSv1.3' | 'TLSv1.2';

/**
 * node:tls options pinning the version and suite of a row. TLS 1.2 also lists P-256: RFC 8422 §5.1
 * lets a server use an ECDSA certificate only on a curve the client's supported_groups names, and
 * X25519 (listed first, so the key exchange stays X25519) cannot sign.
 */
export function pinned(version: BenchVersion): { ciphers: string; ecdhCurve: string; minVersion: BenchVersion; maxVersion: BenchVersion } {
  if (version === 'TLSv1.2') return { ciphers: BENCH_CIPHER_TLS12, ecdhCurve: `${BENCH_CURVE}:P-256`, minVersion: version, maxVersion: version };
  return { ciphers: BENCH_CIPHER, ecdhCurve: BENCH_CURVE, minVersion: version, maxVersion: version };
}
/**
 * Resumed-handshake rows: clients replace the one session they all offer with a newer one (from a
 * 'session' event) at most this often, so a long window never outlives a ticket's lifetime.
 */
export const SESSION_REFRESH_MS = 1000;

/** Application writes of 16 KiB: one full TLS record each. */
export const CHUNK = 16 * 1024;

export type PeerRequest =
  | { id: number; cmd: 'load'; port: number; concurrency: number; ca: string; version: BenchVersion; resume?: boolean }
  | { id: number; cmd: 'stop-load' }
  | { id: number; cmd: 'server'; key: string; cert: string; mode: 'byte' | 'bulk'; bytes?: number; version: BenchVersion }
  | { id: number; cmd: 'close-servers' }
  | { id: number; cmd: 'receive'; port: number; ca: string };

export interface PeerResponse {
  id: number;
  error?: string;
  port?: number;
  completed?: number;
  failed?: number;
  /** 'stop-load' of a resuming load: completed handshakes the node:tls clients saw not resume. */
  notResumed?: number;
  bytes?: number;
  ms?: number;
  cipher?: string;
}
