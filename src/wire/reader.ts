import { decodeError } from '../errors.js';

/** What a primitive read was: a vector's length prefix, an integer, or opaque bytes. */
export type ReadKind = 'length' | 'uint' | 'bytes';

/**
 * Sees every primitive read of a Reader, for tools that annotate messages byte by byte
 * (wire/annotate.ts). Offsets are positions in the reader's `bytes`. Decoding without an observer
 * pays one comparison per read and allocates nothing for it.
 */
export interface ReadObserver {
  read(offset: number, length: number, field: string, kind: ReadKind): void;
  /** A nested reader opens over the `length` bytes of vector `field`: the observer of its reads. */
  nested(field: string, offset: number, length: number): ReadObserver;
}

/**
 * A bounded cursor over received bytes. Every read checks what is left; every vector read names
 * its bounds as the RFC writes them (`cipher_suites<2..2^16-2>`); `end()` rejects leftover bytes.
 * All failures are decode_error TLSErrors.
 */
export class Reader {
  private pos: number;
  private readonly limit: number;
  private readonly observer: ReadObserver | undefined;

  constructor(
    readonly bytes: Uint8Array,
    readonly what = 'message',
    start = 0,
    end = bytes.length,
    observer?: ReadObserver,
  ) {
    this.pos = start;
    this.limit = end;
    this.observer = observer;
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number, field: string): void {
    if (n > this.limit - this.pos) throw decodeError(`${this.what}: truncated ${field}`);
  }

  u8(field: string): number {
    this.need(1, field);
    const p = this.pos++;
    if (this.observer !== undefined) this.observer.read(p, 1, field, 'uint');
    return this.bytes[p]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const b = this.bytes, p = this.pos;
    this.pos += 2;
    if (this.observer !== undefined) this.observer.read(p, 2, field, 'uint');
    return (b[p]! << 8) | b[p + 1]!;
  }

  u24(field: string): number {
    this.need(3, field);
    const b = this.bytes, p = this.pos;
    this.pos += 3;
    if (this.observer !== undefined) this.observer.read(p, 3, field, 'uint');
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    if (this.observer !== undefined) this.observer.read(p, 4, field, 'uint');
    return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** Exactly n bytes (a view, not a copy). */
  fixed(n: number, field: string): Uint8Array {
    this.need(n, field);
    const p = this.pos;
    this.pos += n;
    if (this.observer !== undefined) this.observer.read(p, n, field, 'bytes');
    return this.bytes.subarray(p, p + n);
  }

  /** Everything left; `field` names it for observers (a body that is one opaque value). */
  rest(field = 'rest'): Uint8Array {
    return this.fixed(this.remaining, field);
  }

  private length(prefix: 1 | 2 | 3, field: string, min: number, max: number): number {
    this.need(prefix, field);
    const b = this.bytes, p = this.pos;
    const n = prefix === 1 ? b[p]! : prefix === 2 ? (b[p]! << 8) | b[p + 1]! : (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    this.pos += prefix;
    if (this.observer !== undefined) this.observer.read(p, prefix, field, 'length');
    if (n < min || n > max) throw decodeError(`${this.what}: ${field} length ${n} outside ${min}..${max}`);
    this.need(n, field);
    return n;
  }

  /** opaque field<min..max> with a 1-byte length. */
  vec8(field: string, min = 0, max = 0xff): Uint8Array {
    return this.fixed(this.length(1, field, min, max), field);
  }
  vec16(field: string, min = 0, max = 0xffff): Uint8Array {
    return this.fixed(this.length(2, field, min, max), field);
  }
  vec24(field: string, min = 0, max = 0xffffff): Uint8Array {
    return this.fixed(this.length(3, field, min, max), field);
  }

  /** A nested reader over a length-prefixed vector; the caller must `end()` it. */
  sub8(field: string, min = 0, max = 0xff): Reader {
    return this.sub(1, field, min, max);
  }
  sub16(field: string, min = 0, max = 0xffff): Reader {
    return this.sub(2, field, min, max);
  }
  sub24(field: string, min = 0, max = 0xffffff): Reader {
    return this.sub(3, field, min, max);
  }
  private sub(prefix: 1 | 2 | 3, field: string, min: number, max: number): Reader {
    const n = this.length(prefix, field, min, max);
    const p = this.pos;
    const observer = this.observer === undefined ? undefined : this.observer.nested(field, p, n);
    this.pos += n;
    return new Reader(this.bytes, `${this.what}.${field}`, p, p + n, observer);
  }

  /** A list of u16 values in a vector whose byte length is `min..max` (must be even). */
  u16List(field: string, min: number, max: number): number[] {
    const r = this.sub16(field, min, max);
    if (r.remaining % 2 !== 0) throw decodeError(`${this.what}: ${field} has odd length`);
    const out: number[] = [];
    while (r.remaining > 0) out.push(r.u16(field));
    return out;
  }

  end(): void {
    if (this.pos !== this.limit) throw decodeError(`${this.what}: ${this.limit - this.pos} trailing bytes`);
  }
}
