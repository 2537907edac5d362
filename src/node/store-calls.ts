// Every call a Server makes to its shared session store goes through here: bounded by a timeout,
// never rejecting (a failure answers with the caller's fallback: a miss, a refused claim), and
// watched for outages, reported once each, with the recovery that ends them.
import type { SharedSessionStore } from './session-store.js';

/** Milliseconds a Server waits for one store call before going on without it. */
export const DEFAULT_SESSION_STORE_TIMEOUT = 250;

export interface StoreHealthListener {
  /** The first failure of an outage (later ones of the same outage are not reported). */
  down(err: Error): void;
  /** The first success after an outage. */
  up(): void;
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`the session store did not answer within ${ms} ms`), { code: 'ERR_SESSION_STORE_TIMEOUT' });
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(`session store failed: ${String(err)}`));

export function checkStoreTimeout(ms: number): number {
  // setTimeout's limit; 0 would refuse every answer.
  if (!Number.isFinite(ms) || ms < 1 || ms > 0x7fffffff) throw new RangeError('sessionStoreTimeout must be 1 to 2^31-1 milliseconds');
  return ms;
}

export class StoreCalls {
  private healthy = true;
  /**
   * Bumped at each change of health. An outcome changes health only for calls begun in the current
   * epoch: a call sent before an outage that succeeds after it began proves nothing about recovery,
   * and one sent before a recovery that fails after it does not start a new outage.
   */
  private epoch = 0;

  constructor(
    readonly store: SharedSessionStore,
    readonly timeout: number,
    private readonly listener: StoreHealthListener,
  ) {}

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** `op` on the store, or `fallback` when it throws, rejects or takes longer than the timeout. */
  run<T, F>(op: (store: SharedSessionStore) => Promise<T>, fallback: F): Promise<T | F> {
    const epoch = this.epoch;
    let pending: Promise<T>;
    try {
      pending = op(this.store);
    } catch (err) {
      this.failed(asError(err), epoch);
      return Promise.resolve(fallback);
    }
    return new Promise<T | F>((resolve) => {
      let settled = false;
      // Unreferenced: a pending call keeps nothing alive (a connection waiting on it has its socket).
      const timer = setTimeout(() => {
        settled = true;
        this.failed(timeoutError(this.timeout), epoch);
        resolve(fallback);
      }, this.timeout).unref();
      Promise.resolve(pending).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.succeeded(epoch);
          resolve(value);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.failed(asError(err), epoch);
          resolve(fallback);
        },
      );
    });
  }

  private failed(err: Error, epoch: number): void {
    if (!this.healthy || epoch !== this.epoch) return;
    this.healthy = false;
    this.epoch++;
    this.notify(() => this.listener.down(err));
  }

  private succeeded(epoch: number): void {
    if (this.healthy || epoch !== this.epoch) return;
    this.healthy = true;
    this.epoch++;
    this.notify(() => this.listener.up());
  }

  /** A listener that throws must not turn a store answer into an unhandled rejection. */
  private notify(report: () => void): void {
    try {
      report();
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
