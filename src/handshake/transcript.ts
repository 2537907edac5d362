import type { CryptoProvider, HashName, IncrementalHash } from '../crypto/provider.js';
import { HandshakeType } from '../wire/codes.js';

/**
 * The handshake transcript (RFC 8446 §4.4.1). It hashes the bytes as received or sent, never a
 * re-encoding (DESIGN §3.8). Until the cipher suite is known the messages are buffered.
 */
export class Transcript {
  private pending: Uint8Array[] = [];
  private hash: IncrementalHash | undefined;
  private alg: HashName | undefined;
  /** current()'s value until the next add(): both sides ask twice for the hash through a Finished. */
  private latest: Uint8Array | undefined;

  constructor(private readonly provider: CryptoProvider) {}

  add(message: Uint8Array): void {
    this.latest = undefined;
    if (this.hash) this.hash.update(message);
    else this.pending.push(message);
  }

  /** Fixes the hash once the suite is known, hashing what was buffered. */
  start(alg: HashName): void {
    if (this.hash) return;
    this.alg = alg;
    this.hash = this.provider.createHash(alg);
    for (const m of this.pending) this.hash.update(m);
    this.pending = [];
  }

  get started(): boolean {
    return this.hash !== undefined;
  }

  /** Transcript-Hash of everything added so far. */
  current(): Uint8Array {
    if (!this.hash) throw new Error('transcript hash used before the suite is known');
    this.latest ??= this.hash.peek();
    return this.latest;
  }

  /**
   * An independent copy of this transcript as it stands: RFC 8446 §4.6.2's post-handshake
   * authentication hashes the handshake's transcript plus its own messages, once per request.
   */
  fork(): Transcript {
    if (!this.hash) throw new Error('transcript not started');
    const copy = new Transcript(this.provider);
    copy.alg = this.alg;
    copy.hash = this.hash.copy();
    return copy;
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
   * message_hash(Hash(ClientHello1)). Call with the hash started and only ClientHello1 added.
   */
  replaceWithMessageHash(): void {
    if (!this.hash || !this.alg) throw new Error('transcript not started');
    const digest = this.hash.peek();
    this.latest = undefined;
    this.hash = this.provider.createHash(this.alg);
    const header = new Uint8Array([HandshakeType.message_hash, 0, 0, digest.length]);
    this.hash.update(header);
    this.hash.update(digest);
  }
}
