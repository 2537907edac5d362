import { type Alloc, newBytes } from '../bytes.js';

/**
 * A growable byte writer. Length prefixes are reserved first and back-patched when the
 * vector closes, so callers never compute lengths by hand.
 */
export class Writer {
  private buf: Uint8Array;
  private pos = 0;

  /** `alloc` gives the buffer and its replacements as it grows (see ByteSlab). */
  constructor(
    initial = 256,
    private readonly alloc: Alloc = newBytes,
  ) {
    this.buf = alloc(initial);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = this.alloc(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf[this.pos++] = (v >>> 24) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * Reserves a 2-byte length and returns its position; close16(at) fills it in with the bytes
   * written since. For hot paths where vec16's closure would allocate.
   */
  open16(): number {
    this.ensure(2);
    const at = this.pos;
    this.pos += 2;
    return at;
  }
  close16(at: number): this {
    const n = this.pos - at - 2;
    if (n > 0xffff) throw new RangeError(`vector of ${n} bytes does not fit a 2-byte length`);
    this.buf[at] = n >>> 8;
    this.buf[at + 1] = n & 0xff;
    return this;
  }

  /** opaque<..> with a 1/2/3-byte length prefix around whatever `body` writes. */
  vec8(body: (w: this) => void): this {
    return this.vec(1, body);
  }
  vec16(body: (w: this) => void): this {
    return this.vec(2, body);
  }
  vec24(body: (w: this) => void): this {
    return this.vec(3, body);
  }
  private vec(prefix: 1 | 2 | 3, body: (w: this) => void): this {
    this.ensure(prefix);
    const at = this.pos;
    this.pos += prefix;
    body(this);
    const n = this.pos - at - prefix;
    const max = prefix === 1 ? 0xff : prefix === 2 ? 0xffff : 0xffffff;
    if (n > max) throw new RangeError(`vector of ${n} bytes does not fit a ${prefix}-byte length`);
    for (let i = prefix - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }

  opaque8(b: Uint8Array): this {
    return this.vec8((w) => w.bytes(b));
  }
  opaque16(b: Uint8Array): this {
    return this.vec16((w) => w.bytes(b));
  }
  opaque24(b: Uint8Array): this {
    return this.vec24((w) => w.bytes(b));
  }
  u16List(values: readonly number[]): this {
    return this.vec16((w) => {
      for (const v of values) w.u16(v);
    });
  }

  /** The written bytes (a copy trimmed to length). */
  /**
   * The bytes written, as a view of the writer's buffer rather than a copy: a copy would be a
   * second allocation per message (each with its own backing store above 64 bytes). Nothing may
   * be written after finish().
   */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}
