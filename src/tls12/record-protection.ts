// From a negotiated TLS 1.2 suite and one direction of its key block (RFC 5246 §6.3) to the record
// protection that direction uses (record/protection12.ts).
import type { Tls12Suite } from '../crypto/suites.js';
import { internalError } from '../errors.js';
import type { Tls12Protection } from '../record/protection12.js';
import type { Tls12DirectionKeys } from './keys.js';

/**
 * AES-GCM sends an explicit nonce with each record (RFC 5288 §3); ChaCha20-Poly1305 does not
 * (RFC 7905 §2). encrypt_then_mac (RFC 7366) changes CBC suites only: §2 says it does not apply to
 * AEAD suites, whatever both hellos said.
 */
export function tls12Protection(suite: Tls12Suite, keys: Tls12DirectionKeys, encryptThenMac: boolean): Tls12Protection {
  const c = suite.cipher;
  if (c.kind === 'aead') {
    return { kind: 'aead', aead: c.aead, key: keys.key, fixedIv: keys.iv, explicitNonce: c.recordIvLength > 0 };
  }
  if (keys.macKey.length !== c.macKeyLength) throw internalError(`${suite.name} needs a ${c.macKeyLength}-byte MAC key`);
  return { kind: 'cbc', cipher: c.cipher, key: keys.key, macHash: c.mac, macKey: keys.macKey, encryptThenMac };
}
