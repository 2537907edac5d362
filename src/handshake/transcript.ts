import type { CryptoProvider, HashName, IncrementalHash } from '../crypto/provider.js';
import { HandshakeType } from '../wire/codes.js';

const EMPTY = new Uint8Array(0);

// While the transcript is small its bytes are kept and each Transcript-Hash is one one-shot hash
// of them: an incremental hash needs a native object per update and per copy (each ≈ 0.5–1 µs,
// then a weak handle for the garbage collector), and a server asks for six hashes per handshake.
// Past ONE_SHOT_MAX (a large certificate chain) rehashing would cost more: it switches to
// incremental hashing for good.
const ONE_SHOT_MAX = 4096;

/**
 * The handshake transcript (RFC 8446 §4.4.1). It hashes the bytes as received or sent, never a
 * re-encoding (DESIGN §3.8). Until the cipher suite is known the messages are buffered.
 */
export class Transcript {
  private pending: Uint8Array[] = [];
  /** The bytes so far, while the transcript is small (see ONE_SHOT_MAX) and the hash is known. */
  private bytes: Uint8Array | undefined;
  private length = 0;
  private hash: IncrementalHash | undefined;
  private alg: HashName | undefined;
  /** current()'s value until the next add(): both sides ask twice for the hash through a Finished. */
  private latest: Uint8Array | undefined;

  constructor(private readonly provider: CryptoProvider) {}

  add(message: Uint8Array): void {
    this.latest = undefined;
    if (this.alg) this.append(message);
    else this.pending.push(message);
  }

  /** Fixes the hash once the suite is known, hashing what was buffered. */
  start(alg: HashName): void {
    if (this.alg) return;
    this.alg = alg;
    const pending = this.pending;
    this.pending = [];
    for (const m of pending) this.append(m);
  }

  get started(): boolean {
    return this.alg !== undefined;
  }

  /** Transcript-Hash of everything added so far. */
  current(): Uint8Array {
    if (!this.alg) throw new Error('transcript hash used before the suite is known');
    this.latest ??= this.hash ? this.hash.peek() : this.provider.hash(this.alg, this.bytes?.subarray(0, this.length) ?? EMPTY);
    return this.latest;
  }

  /**
   * An independent copy of this transcript as it stands: RFC 8446 §4.6.2's post-handshake
   * authentication hashes the handshake's transcript plus its own messages, once per request.
   */
  fork(): Transcript {
    if (!this.alg) throw new Error('transcript not started');
    const copy = new Transcript(this.provider);
    copy.alg = this.alg;
    if (this.hash) copy.hash = this.hash.copy();
    else if (this.bytes) copy.append(this.bytes.subarray(0, this.length));
    return copy;
  }

  private append(message: Uint8Array): void {
    if (this.hash) {
      this.hash.update(message);
      return;
    }
    const needed = this.length + message.length;
    if (needed > ONE_SHOT_MAX) {
      // Too large to rehash each time: hash incrementally from now on.
      const hash = this.provider.createHash(this.alg!);
      if (this.bytes) hash.update(this.bytes.subarray(0, this.length));
      hash.update(message);
      this.hash = hash;
      this.bytes = undefined;
      this.length = 0;
      return;
    }
    if (!this.bytes || needed > this.bytes.length) {
      const grown = new Uint8Array(Math.min(ONE_SHOT_MAX, Math.max(needed, 2 * (this.bytes?.length ?? 1024))));
      if (this.bytes) grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(message, this.length);
    this.length = needed;
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
   * message_hash(Hash(ClientHello1)). Call with the hash started and only ClientHello1 added.
   */
  replaceWithMessageHash(): void {
    if (!this.alg) throw new Error('transcript not started');
    const digest = this.current();
    this.latest = undefined;
    this.hash = undefined;
    this.bytes = undefined;
    this.length = 0;
    this.append(new Uint8Array([HandshakeType.message_hash, 0, 0, digest.length]));
    this.append(digest);
  }
}
