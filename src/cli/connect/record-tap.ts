// For --hexdump: the TLS records as they crossed the TCP connection, whole, in both directions
// (RFC 8446 §5.1: a 5-byte header, then up to 2^14 + 256 bytes), however TCP chunked them.
import type { Socket } from 'node:net';

export interface WireRecord {
  direction: 'sent' | 'received';
  /** When its last byte was seen (the clock of trace events). */
  time: number;
  /** Header and fragment. */
  bytes: Uint8Array;
}

const HEADER = 5;
/** Records kept at most: the handshake and some data, not a whole bulk transfer. */
const MAX_RECORDS = 512;

export class RecordTap {
  readonly records: WireRecord[] = [];
  private readonly partial: Record<WireRecord['direction'], Buffer> = { sent: Buffer.alloc(0), received: Buffer.alloc(0) };

  constructor(private readonly now: () => number) {}

  /** Watches `tcp`: what it reads, and what is written to it from now on. */
  attach(tcp: Socket): void {
    tcp.on('data', (chunk: Buffer) => this.push('received', chunk));
    const write = tcp.write.bind(tcp) as (chunk: unknown, ...rest: unknown[]) => boolean;
    tcp.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk instanceof Uint8Array) this.push('sent', chunk);
      return write(chunk, ...rest);
    }) as Socket['write'];
  }

  private push(direction: WireRecord['direction'], chunk: Uint8Array): void {
    if (this.records.length >= MAX_RECORDS) return;
    let pending = Buffer.concat([this.partial[direction], chunk]);
    while (pending.length >= HEADER) {
      const length = HEADER + pending.readUInt16BE(3);
      if (pending.length < length) break;
      this.records.push({ direction, time: this.now(), bytes: new Uint8Array(pending.subarray(0, length)) });
      pending = pending.subarray(length);
    }
    this.partial[direction] = Buffer.from(pending);
  }
}
