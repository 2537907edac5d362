// Messages between the benchmark (main thread) and its node:tls peer (bench/peer.ts, a worker).

/** Every benchmark pins one suite and group on the node:tls side, so both implementations negotiate the same. */
export const BENCH_CIPHER = 'TLS_AES_128_GCM_SHA256';
export const BENCH_CURVE = 'X25519';
/** Application writes of 16 KiB: one full TLS record each. */
export const CHUNK = 16 * 1024;

export type PeerRequest =
  | { id: number; cmd: 'load'; port: number; concurrency: number; ca: string }
  | { id: number; cmd: 'stop-load' }
  | { id: number; cmd: 'server'; key: string; cert: string; mode: 'byte' | 'bulk'; bytes?: number }
  | { id: number; cmd: 'close-servers' }
  | { id: number; cmd: 'receive'; port: number; ca: string };

export interface PeerResponse {
  id: number;
  error?: string;
  port?: number;
  completed?: number;
  failed?: number;
  bytes?: number;
  ms?: number;
  cipher?: string;
}
