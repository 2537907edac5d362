// Stateless TLS 1.2 resumption (RFC 5077): the session state sealed into a ticket the client keeps.
//
// The ticket follows RFC 5077 §4's recommended structure with an AEAD in place of AES-CBC and
// HMAC-SHA-256:
//
//   struct {
//       opaque key_name[16];
//       opaque nonce[12];
//       opaque encrypted_state<..>;   // AES-256-GCM(key, nonce, aad = key_name, state) || tag[16]
//   } ticket;
//
// Keys rotate: the current key seals, keys it replaced still open for an overlap window (the
// ticket lifetime, after which nothing they sealed can resume anyway), then are forgotten.
import type { Aead, CryptoProvider } from '../crypto/provider.js';
import { DEFAULT_SESSION_TIMEOUT, DEFAULT_TICKET_KEY_ROTATION } from './config.js';

/** RFC 5077 §4: key_name identifies the key a ticket was sealed with. */
export const TICKET_KEY_NAME_LENGTH = 16;
/** AES-256-GCM. */
export const TICKET_AEAD_KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** What a ticket adds to the state it seals. */
export const TICKET_OVERHEAD = TICKET_KEY_NAME_LENGTH + NONCE_LENGTH + TAG_LENGTH;
/**
 * node:tls `ticketKeys` is 48 bytes (there: 16-byte name, 16-byte HMAC key, 16-byte AES key).
 * Ours are the 16-byte key_name and a 32-byte AES-256-GCM key.
 */
export const TICKET_KEYS_LENGTH = TICKET_KEY_NAME_LENGTH + TICKET_AEAD_KEY_LENGTH;
/**
 * Keys kept at once, current included. Automatic rotation needs two (the overlap is shorter than
 * the rotation period unless configured otherwise); repeated setTicketKeys calls retire keys
 * faster than the overlap ends, and the oldest go first.
 */
export const MAX_TICKET_KEYS = 4;

/** What the server asks of whatever seals its tickets: TicketKeys, or a shared key service behind the same calls. */
export interface TicketSealer {
  /** A ticket for `state`. */
  seal(provider: CryptoProvider, state: Uint8Array): Uint8Array;
  /**
   * The state a ticket holds, or undefined when it does not open (unknown key name, tampered,
   * malformed: RFC 5077 §3.4 has the server go on with a full handshake). `renew`: sealed with a
   * key that no longer seals, so a fresh ticket keeps the client resuming past the overlap.
   * Never throws.
   */
  open(provider: CryptoProvider, ticket: Uint8Array): { state: Uint8Array; renew: boolean } | undefined;
}

export interface TicketKeysOptions {
  /**
   * Seconds between automatic key rotations (default DEFAULT_TICKET_KEY_ROTATION). A key rotated
   * out stops sealing at once and stops opening after `overlap`.
   */
  rotation?: number;
  /** Seconds a replaced key still opens tickets: the ticket lifetime (default DEFAULT_SESSION_TIMEOUT). */
  overlap?: number;
  /**
   * node:tls `ticketKeys`: 48 bytes, the key_name then the AES-256-GCM key. Given keys are not
   * rotated automatically (as Go's SetSessionTicketKeys): whoever shares them across servers rotates them.
   */
  keys?: Uint8Array;
}

interface TicketKey {
  name: Uint8Array;
  key: Uint8Array;
  /** When it began sealing (ms). */
  created: number;
  /** When it stopped sealing (ms); undefined while current. */
  retired: number | undefined;
  /** The AEAD, made by the provider that first used the key. */
  aead: { provider: CryptoProvider; aead: Aead } | undefined;
}

function checkSeconds(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${what} must be 0 to 2^32-1 seconds`);
  return value;
}

function keyFrom(bytes: Uint8Array, created: number): TicketKey {
  if (bytes.length !== TICKET_KEYS_LENGTH) throw new RangeError(`ticket keys must be ${TICKET_KEYS_LENGTH} bytes`);
  // Copies (a Buffer's slice() would share the caller's memory).
  return {
    name: Uint8Array.from(bytes.subarray(0, TICKET_KEY_NAME_LENGTH)),
    key: Uint8Array.from(bytes.subarray(TICKET_KEY_NAME_LENGTH)),
    created,
    retired: undefined,
    aead: undefined,
  };
}

const sameName = (a: Uint8Array, b: Uint8Array, at: number) => {
  for (let i = 0; i < TICKET_KEY_NAME_LENGTH; i++) if (a[i] !== b[at + i]) return false;
  return true;
};

/**
 * The ticket keys of one server (or of every server that shares them). Keys come from the
 * provider's randomness when first needed; the clock is the provider's too.
 */
export class TicketKeys implements TicketSealer {
  readonly rotation: number;
  readonly overlap: number;
  /** Rotated automatically: false once keys were given (constructor or setTicketKeys). */
  private automatic: boolean;
  private current: TicketKey | undefined;
  /** Retired keys, most recent first. */
  private previous: TicketKey[] = [];

  constructor(options: TicketKeysOptions = {}) {
    this.rotation = checkSeconds(options.rotation ?? DEFAULT_TICKET_KEY_ROTATION, 'rotation');
    this.overlap = checkSeconds(options.overlap ?? DEFAULT_SESSION_TIMEOUT, 'overlap');
    this.automatic = options.keys === undefined;
    // The time a given key starts sealing is unknown until it is used; 0 is never compared (no rotation).
    if (options.keys) this.current = keyFrom(options.keys, 0);
  }

  /** The current key, rotated first when it is due; retired keys past the overlap are dropped. */
  private sealingKey(provider: CryptoProvider): TicketKey {
    const now = provider.now();
    const current = this.current;
    if (!current || (this.automatic && now - current.created >= this.rotation * 1000)) {
      this.replace(keyFrom(provider.randomBytes(TICKET_KEYS_LENGTH), now), now);
    }
    this.prune(now);
    return this.current!;
  }

  private replace(next: TicketKey, now: number): void {
    if (this.current) {
      this.current.retired = now;
      this.previous.unshift(this.current);
    }
    this.current = next;
    this.prune(now);
  }

  private prune(now: number): void {
    // Runs at every seal and open: nothing to allocate while no key is retired (the usual case).
    if (this.previous.length === 0) return;
    this.previous = this.previous.filter((k) => now - k.retired! < this.overlap * 1000).slice(0, MAX_TICKET_KEYS - 1);
  }

  private aeadOf(key: TicketKey, provider: CryptoProvider): Aead {
    if (key.aead?.provider !== provider) key.aead = { provider, aead: provider.createAead('aes-256-gcm', key.key) };
    return key.aead.aead;
  }

  seal(provider: CryptoProvider, state: Uint8Array): Uint8Array {
    const key = this.sealingKey(provider);
    // Random 96-bit nonces: a key seals far fewer than the 2^32 tickets that keeps collisions negligible.
    const nonce = provider.randomBytes(NONCE_LENGTH);
    const ticket = new Uint8Array(TICKET_OVERHEAD + state.length);
    ticket.set(key.name);
    ticket.set(nonce, TICKET_KEY_NAME_LENGTH);
    this.aeadOf(key, provider).sealInto(nonce, key.name, [state], ticket, TICKET_KEY_NAME_LENGTH + NONCE_LENGTH);
    return ticket;
  }

  open(provider: CryptoProvider, ticket: Uint8Array): { state: Uint8Array; renew: boolean } | undefined {
    if (ticket.length < TICKET_OVERHEAD) return undefined;
    this.prune(provider.now());
    const key = [this.current, ...this.previous].find((k) => k !== undefined && sameName(k.name, ticket, 0));
    if (!key) return undefined;
    try {
      const nonce = ticket.subarray(TICKET_KEY_NAME_LENGTH, TICKET_KEY_NAME_LENGTH + NONCE_LENGTH);
      const state = this.aeadOf(key, provider).open(nonce, key.name, ticket.subarray(TICKET_KEY_NAME_LENGTH + NONCE_LENGTH));
      return state ? { state, renew: key !== this.current } : undefined;
    } catch {
      return undefined;
    }
  }

  /** node:tls server.getTicketKeys(): the 48 bytes of the key that seals now (made if there is none yet). */
  getTicketKeys(provider: CryptoProvider): Uint8Array {
    const key = this.sealingKey(provider);
    const out = new Uint8Array(TICKET_KEYS_LENGTH);
    out.set(key.name);
    out.set(key.key, TICKET_KEY_NAME_LENGTH);
    return out;
  }

  /**
   * node:tls server.setTicketKeys(): `keys` (48 bytes) seal from now on. Unlike node:tls, the key
   * they replace still opens tickets for the overlap, so a rotation does not cost every client a
   * full handshake. Turns automatic rotation off.
   */
  setTicketKeys(provider: CryptoProvider, keys: Uint8Array): void {
    const now = provider.now();
    const next = keyFrom(keys, now);
    this.automatic = false;
    if (this.current && sameName(this.current.name, next.name, 0)) {
      this.current = { ...next, created: this.current.created };
      return;
    }
    this.replace(next, now);
  }
}
