// RFC 5246 §6.3: the key block, and how it splits into each direction's record protection keys.
import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls12Suite } from '../crypto/suites.js';
import { internalError } from '../errors.js';
import { MASTER_SECRET_LENGTH, RANDOM_LENGTH, prf } from './prf.js';

/** One direction's keys. `macKey` is empty for AEAD suites, `iv` empty for CBC ones. */
export interface Tls12DirectionKeys {
  readonly macKey: Uint8Array;
  readonly key: Uint8Array;
  /** The implicit part of the nonce: GCM's 4-byte salt (RFC 5288 §3) or ChaCha20's 12-byte IV (RFC 7905 §2). */
  readonly iv: Uint8Array;
}

export interface Tls12KeyBlock {
  readonly client: Tls12DirectionKeys;
  readonly server: Tls12DirectionKeys;
}

/**
 * RFC 5246 §6.2.3.3: AEAD suites have no MAC key; RFC 5246 §6.2.3.2: CBC suites take no IV from
 * the key block in TLS 1.2, since each record carries its own.
 */
function lengths(suite: Tls12Suite): { mac: number; key: number; iv: number } {
  const c = suite.cipher;
  return { mac: c.kind === 'cbc' ? c.macKeyLength : 0, key: suite.keyLength, iv: c.fixedIvLength };
}

/** Bytes of key_block the suite consumes: 2 × (MAC key + enc key + fixed IV). */
export function keyBlockLength(suite: Tls12Suite): number {
  const l = lengths(suite);
  return 2 * (l.mac + l.key + l.iv);
}

/**
 * RFC 5246 §6.3:
 *   key_block = PRF(SecurityParameters.master_secret, "key expansion",
 *                   SecurityParameters.server_random + SecurityParameters.client_random);
 * partitioned in order into client_write_MAC_key, server_write_MAC_key, client_write_key,
 * server_write_key, client_write_IV, server_write_IV. Note the randoms are server first here,
 * the reverse of the master secret's seed.
 */
export function keyBlock(
  provider: CryptoProvider,
  suite: Tls12Suite,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Tls12KeyBlock {
  if (masterSecret.length !== MASTER_SECRET_LENGTH) throw internalError(`master secret is ${masterSecret.length} bytes, expected ${MASTER_SECRET_LENGTH}`);
  if (clientRandom.length !== RANDOM_LENGTH || serverRandom.length !== RANDOM_LENGTH) throw internalError('key expansion randoms must be 32 bytes each');
  const seed = new Uint8Array(2 * RANDOM_LENGTH);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, RANDOM_LENGTH);
  const l = lengths(suite);
  const block = prf(provider, suite.prfHash, masterSecret, 'key expansion', seed, keyBlockLength(suite));

  let at = 0;
  // Copies, not views: each key outlives the block and may be handed to code that keeps it.
  const take = (n: number): Uint8Array => block.slice(at, (at += n));
  const clientMac = take(l.mac);
  const serverMac = take(l.mac);
  const clientKey = take(l.key);
  const serverKey = take(l.key);
  const clientIv = take(l.iv);
  const serverIv = take(l.iv);
  return {
    client: { macKey: clientMac, key: clientKey, iv: clientIv },
    server: { macKey: serverMac, key: serverKey, iv: serverIv },
  };
}
