// The TLS 1.2 PRF (RFC 5246 §5) and the secrets derived with it: master secret (§8.1, RFC 7627 §4),
// Finished (§7.4.9) and exporters (RFC 5705 §4). The key block is in keys.ts.
//
//   pre_master_secret ── PRF("master secret", client_random + server_random)  ─┐
//                     └─ PRF("extended master secret", session_hash)  ────────┴─ master_secret (48)
//   master_secret ── PRF("key expansion", server_random + client_random) ── key_block
//                 ├─ PRF("client finished" | "server finished", Hash(handshake)) ── verify_data (12)
//                 └─ PRF(label, client_random + server_random [+ uint16 len + context]) ── EKM
//
// TLS 1.0/1.1's MD5+SHA-1 PRF is not here: we speak TLS 1.2 and 1.3 only.
import { concatBytes } from '../bytes.js';
import { hashLength } from '../crypto/hkdf.js';
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import { internalError } from '../errors.js';

/** RFC 5246 §8.1: master_secret is always 48 bytes. */
export const MASTER_SECRET_LENGTH = 48;
/** RFC 5246 §7.4.1.2: Random is 32 bytes. */
export const RANDOM_LENGTH = 32;
/** RFC 5246 §7.4.9: verify_data_length is 12 for every suite we know (none sets it otherwise). */
export const VERIFY_DATA_LENGTH = 12;
/**
 * P_hash can run forever; the largest output TLS 1.2 itself asks for is a key block under 200
 * bytes. Exporter lengths come from callers, and a uint16 matches what TLS 1.3's
 * HKDF-Expand-Label can encode, so one bound serves both versions' exporters.
 */
export const MAX_PRF_OUTPUT = 0xffff;
/** RFC 5705 §4: context_value_length is a uint16. */
export const MAX_EXPORTER_CONTEXT = 0xffff;

/**
 * RFC 5705 §6 reserves the four labels TLS 1.2 uses itself, and RFC 7627 §7 adds the EMS label:
 * an exporter under one of them would hand out PRF output of the same shape as a protocol secret.
 */
export const RESERVED_EXPORTER_LABELS: ReadonlySet<string> = new Set([
  'client finished',
  'server finished',
  'master secret',
  'extended master secret',
  'key expansion',
]);

// RFC 5705 §6: a label is printable ASCII; RFC 5246 §5 feeds it in with no length or terminator.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const labelBytes = new Map<string, Uint8Array>();
const MAX_CACHED_LABELS = 64;

function encodeLabel(label: string): Uint8Array {
  let bytes = labelBytes.get(label);
  if (!bytes) {
    if (!PRINTABLE_ASCII.test(label)) throw internalError('TLS 1.2 PRF label is not printable ASCII');
    bytes = new Uint8Array(label.length);
    for (let i = 0; i < label.length; i++) bytes[i] = label.charCodeAt(i);
    // Protocol labels are a handful of constants; exporter labels come from callers, hence the bound.
    if (labelBytes.size < MAX_CACHED_LABELS) labelBytes.set(label, bytes);
  }
  return bytes;
}

function checkLength(what: string, value: Uint8Array, expected: number): void {
  if (value.length !== expected) throw internalError(`${what} is ${value.length} bytes, expected ${expected}`);
}

/**
 * RFC 5246 §5:
 *   PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *   A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 * truncated to `length` bytes. `hash` is the suite's PRF hash.
 */
export function prf(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_PRF_OUTPUT) {
    throw internalError(`TLS 1.2 PRF length ${length} outside 0..${MAX_PRF_OUTPUT}`);
  }
  const hashLen = hashLength(hash);
  const labelPart = encodeLabel(label);
  // A(i) and label + seed share one buffer, so each output block is one HMAC over a subarray.
  const block = new Uint8Array(hashLen + labelPart.length + seed.length);
  block.set(labelPart, hashLen);
  block.set(seed, hashLen + labelPart.length);
  const labelSeed = block.subarray(hashLen);

  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed;
  for (let at = 0; at < length; ) {
    a = provider.hmac(hash, secret, a);
    block.set(a, 0);
    const chunk = provider.hmac(hash, secret, block);
    const n = Math.min(hashLen, length - at);
    out.set(n === hashLen ? chunk : chunk.subarray(0, n), at);
    at += n;
  }
  return out;
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random)[0..47]. Only for peers that did not negotiate extended_master_secret; RFC 7627
 * §5.2 says when that is still acceptable.
 */
export function masterSecret(
  provider: CryptoProvider,
  hash: HashName,
  premaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  checkLength('client random', clientRandom, RANDOM_LENGTH);
  checkLength('server random', serverRandom, RANDOM_LENGTH);
  return prf(provider, hash, premaster, 'master secret', concatBytes([clientRandom, serverRandom]), MASTER_SECRET_LENGTH);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
 * where session_hash = Hash(ClientHello .. ClientKeyExchange) with the PRF hash (§3). Binding the
 * transcript rather than the randoms is what stops the triple-handshake attack.
 */
export function extendedMasterSecret(
  provider: CryptoProvider,
  hash: HashName,
  premaster: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  checkLength('session hash', sessionHash, hashLength(hash));
  return prf(provider, hash, premaster, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/**
 * RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))
 * [0..verify_data_length-1], with "client finished" or "server finished" by sender and Hash the
 * PRF hash.
 */
export function finishedVerifyData(
  provider: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
): Uint8Array {
  checkLength('master secret', master, MASTER_SECRET_LENGTH);
  checkLength('handshake hash', handshakeHash, hashLength(hash));
  return prf(provider, hash, master, sender === 'client' ? 'client finished' : 'server finished', handshakeHash, VERIFY_DATA_LENGTH);
}

/**
 * RFC 5705 §4, keying material exporters for TLS 1.2:
 *   no context:   PRF(master_secret, label, client_random + server_random)[length]
 *   with context: PRF(master_secret, label, client_random + server_random +
 *                     context_value_length (uint16) + context_value)[length]
 * Unlike TLS 1.3 (RFC 8446 §7.5), an absent context and an empty one give different output.
 * The labels RFC 5705 §6 and RFC 7627 §7 reserve for the protocol itself are refused.
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  if (RESERVED_EXPORTER_LABELS.has(label)) throw internalError(`exporter label "${label}" is reserved for TLS itself`);
  checkLength('master secret', master, MASTER_SECRET_LENGTH);
  checkLength('client random', clientRandom, RANDOM_LENGTH);
  checkLength('server random', serverRandom, RANDOM_LENGTH);
  let seed: Uint8Array;
  if (context === undefined) {
    seed = concatBytes([clientRandom, serverRandom]);
  } else {
    if (context.length > MAX_EXPORTER_CONTEXT) throw internalError(`exporter context of ${context.length} bytes exceeds ${MAX_EXPORTER_CONTEXT}`);
    seed = concatBytes([clientRandom, serverRandom, Uint8Array.of(context.length >>> 8, context.length & 0xff), context]);
  }
  return prf(provider, hash, master, label, seed, length);
}

/** The connection's exporter (RFC 5705), closed over the secrets it needs. */
export function tls12Exporter(
  provider: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): (label: string, context: Uint8Array | undefined, length: number) => Uint8Array {
  return (label, context, length) => exportKeyingMaterial(provider, hash, master, clientRandom, serverRandom, label, context, length);
}
