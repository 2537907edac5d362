/** Byte-for-byte equality (not constant time: for public values only). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[], alloc: Alloc = newBytes): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = alloc(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where encoders put bytes they create: `n` fresh bytes, zeroed. */
export type Alloc = (n: number) => Uint8Array;

/** Each array its own ArrayBuffer. */
export const newBytes: Alloc = (n) => new Uint8Array(n);

// A connection's handshake output (encoded messages, the flights joined, their records) is a dozen
// small arrays, each short-lived. Above 64 bytes V8 gives a Uint8Array a backing store of its own,
// which costs ≈ 0.6 µs to create and more to collect, where a view of a larger ArrayBuffer costs
// ≈ 0.05 µs (measured, Node 20): so they are carved out of slabs, as Node's Buffer pool does.
const SLAB_SIZE = 8 * 1024;
const SLAB_MAX = 2 * 1024;

/**
 * Fresh zeroed bytes carved out of shared slabs, for one connection's transient output: a slab
 * lives as long as any view of it, so keep secrets and long-lived values out.
 */
export class ByteSlab {
  private slab: ArrayBuffer | undefined;
  private at = SLAB_SIZE;

  readonly alloc: Alloc = (n) => {
    if (n > SLAB_MAX) return new Uint8Array(n);
    if (this.at + n > SLAB_SIZE) {
      this.slab = new ArrayBuffer(SLAB_SIZE);
      this.at = 0;
    }
    const out = new Uint8Array(this.slab!, this.at, n);
    // 8-byte aligned, as Node's pool: some copies are faster on aligned offsets.
    this.at += (n + 7) & ~7;
    return out;
  };
}
