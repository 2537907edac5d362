// TLS 1.2 key exchange: from the ServerKeyExchange / ClientKeyExchange values to the
// pre_master_secret that prf.ts turns into the master secret. Pure code over the provider.
//
//   ECDHE (RFC 8422 §5.10)  premaster = KeyShare.agree(peer point): x-coordinate / X25519 output
//   DHE   (RFC 5246 §8.1.2) premaster = g^xy mod p, leading zero bytes stripped
//         client: the server picks p and g (RFC 7919 §3), so they pass our policy first
//         server: an RFC 7919 group from supported_groups, through a KeyShare (RFC 7919 §4)
//   RSA   (RFC 5246 §7.4.7.1) premaster = client_version || 46 random bytes, PKCS#1 v1.5
//         encrypted to the server certificate's key; decrypted without a padding oracle
import type { CryptoProvider, KeyShare, SigningKey, VerifyingKey } from '../crypto/provider.js';
import { bitLength, dhValueInRange, ffdheGroup, ffdheGroupByParams, leftPad, stripLeadingZeros } from '../crypto/ffdhe.js';
import { TLSError, handshakeFailure, illegalParameter, internalError } from '../errors.js';
import { AlertDescription } from '../wire/codes.js';

// ── ECDHE ─────────────────────────────────────────────────────────────────────────────────────

/**
 * RFC 8422 §5.10: the premaster is the x-coordinate of the shared point as a fixed-length octet
 * string, leading zeros kept ("MUST NOT be truncated"); §5.11: for X25519 the 32-byte output.
 * Both are exactly what KeyShare.agree returns (TLS 1.3 uses the same values, RFC 8446 §7.4.2),
 * and agree already refuses points off the curve and low-order X25519 points with illegal_parameter.
 */
export function ecdhePremaster(share: KeyShare, peerPoint: Uint8Array): Uint8Array {
  return share.agree(peerPoint);
}

// ── DHE ───────────────────────────────────────────────────────────────────────────────────────

/** ServerDHParams (RFC 5246 §7.4.3), each an unsigned big-endian integer as carried on the wire. */
export interface ServerDhParams {
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly Ys: Uint8Array;
}

/**
 * Smallest server prime we accept. RFC 7919 §3.1 only demands 768 (SHOULD 1024) bits of a client
 * that accepts custom groups; 1024-bit groups are within reach of precomputation (Logjam), and
 * 2048 is the smallest RFC 7919 group.
 */
export const DHE_MIN_PRIME_BITS = 2048;
/**
 * Largest server prime we accept. A custom prime needs a primality test, which costs ≈ 1.7 s at
 * 4096 bits and grows with the cube of the size and more: a larger bound lets any server stall us.
 */
export const DHE_MAX_PRIME_BITS = 4096;

/** RFC 7919 §3: a group we will not use is ended with insufficient_security. */
const insufficientSecurity = (message: string) => new TLSError(AlertDescription.insufficient_security, message);

export interface ClientDheResult {
  /** dh_Yc for ClientKeyExchange, left-padded to the prime's length. */
  readonly publicKey: Uint8Array;
  readonly premaster: Uint8Array;
  /** The RFC 7919 group the server used, when it used one. */
  readonly group: number | undefined;
  readonly primeBits: number;
}

/**
 * The client side of DHE: checks the server's (signature-verified) ServerDHParams against our
 * policy, then agrees. A prime that equals an RFC 7919 group is accepted as it is; any other must
 * be odd, within [DHE_MIN_PRIME_BITS, DHE_MAX_PRIME_BITS] and pass a primality test: the server's
 * signature only proves the server chose p, and a composite modulus (whose group order has small
 * factors, or which the server can factor) would make the discrete logarithm easy for whoever
 * chose it, leaving the session open to them and to anyone they share p's factors with.
 *
 * Not checked, as no client can without the factors of p-1 (RFC 7919 §5.1): that g generates a
 * large prime-order subgroup. A server could confine the exchange to a small subgroup, but only a
 * server that means to give away its own session; our exponent is fresh, and full length for a
 * prime OpenSSL does not know.
 */
export function clientDhe(provider: CryptoProvider, params: ServerDhParams): ClientDheResult {
  const p = stripLeadingZeros(params.p);
  const g = stripLeadingZeros(params.g);
  const bits = bitLength(p);
  const known = ffdheGroupByParams(p, g);
  if (!known) {
    if (bits < DHE_MIN_PRIME_BITS) throw insufficientSecurity(`server DH prime has ${bits} bits, below ${DHE_MIN_PRIME_BITS}`);
    if (bits > DHE_MAX_PRIME_BITS) throw insufficientSecurity(`server DH prime has ${bits} bits, above ${DHE_MAX_PRIME_BITS}`);
    if ((p[p.length - 1]! & 1) === 0) throw insufficientSecurity('server DH modulus is not prime');
    // OpenSSL's check of the parameters (EVP_PKEY_param_check_quick) ends with illegal_parameter too.
    if (!dhValueInRange(g, p)) throw illegalParameter('server DH generator is out of range');
  }
  // RFC 7919 §3: "the client MUST verify that 1 < dh_Ys < dh_p - 1 … [else] handshake_failure".
  if (!dhValueInRange(params.Ys, p)) throw handshakeFailure('server DH public value is out of range');
  // Last, as the costliest check (remembered per prime by the provider).
  if (!known && !provider.isProbablePrime(p)) throw insufficientSecurity('server DH modulus is not prime');
  if (known) {
    // An RFC 7919 group is a key share like any other: the provider's generateKeyShare (which a
    // deterministic provider seeds, so a DHE session replays byte for byte).
    const share = provider.generateKeyShare(known.id);
    if (share) {
      const padded = leftPad(params.Ys, known.p.length)!;
      // RFC 5246 §8.1.2: leading zero bytes stripped, unlike TLS 1.3 (RFC 8446 §7.4.1).
      return { publicKey: share.publicKey, premaster: new Uint8Array(stripLeadingZeros(share.agree(padded))), group: known.id, primeBits: bits };
    }
  }
  const { publicKey, premaster } = provider.dhAgreeWithParams(p, g, params.Ys);
  return { publicKey, premaster, group: known?.id, primeBits: bits };
}

/**
 * The server side of DHE over an RFC 7919 group: our ServerDHParams, with Ys left-padded to the
 * prime's length as OpenSSL sends it (some Microsoft stacks once required that).
 */
export function serverDheParams(share: KeyShare): ServerDhParams {
  const group = ffdheGroup(share.group);
  if (!group) throw internalError(`group ${share.group} is not a finite-field group`);
  return { p: group.p, g: group.g, Ys: share.publicKey };
}

/**
 * The server side of DHE: the premaster from the client's dh_Yc. Clients may send dh_Yc without
 * its leading zeros (RFC 5246 fixes no length), so it is padded before the KeyShare's exact
 * length check; RFC 7919 §4 ends an out-of-range dh_Yc with handshake_failure.
 */
export function serverDhePremaster(share: KeyShare, dhYc: Uint8Array): Uint8Array {
  const group = ffdheGroup(share.group);
  if (!group) throw internalError(`group ${share.group} is not a finite-field group`);
  const padded = leftPad(dhYc, group.p.length);
  if (!padded || !dhValueInRange(padded, group.p)) throw handshakeFailure('client DH public value is out of range');
  // RFC 5246 §8.1.2: leading zero bytes stripped, unlike TLS 1.3 (RFC 8446 §7.4.1).
  return new Uint8Array(stripLeadingZeros(share.agree(padded)));
}

// ── RSA ───────────────────────────────────────────────────────────────────────────────────────
//
// RSA key exchange is off by default: it has no forward secrecy (the certificate key decrypts
// every recorded session), and every server that decrypts PKCS#1 v1.5 is one side channel away
// from a Bleichenbacher oracle (ROBOT, 2017; Marvin, 2023). RFC 9325 §4.1 and TLS 1.3 drop it.

/** RFC 5246 §7.4.7.1: client_version (2) || random (46). */
export const RSA_PREMASTER_LENGTH = 48;

/** A fresh PreMasterSecret: ClientHello.client_version, then 46 random bytes. */
export function rsaClientPremaster(provider: CryptoProvider, clientVersion: number): Uint8Array {
  const premaster = new Uint8Array(RSA_PREMASTER_LENGTH);
  premaster[0] = clientVersion >> 8;
  premaster[1] = clientVersion & 0xff;
  premaster.set(provider.randomBytes(RSA_PREMASTER_LENGTH - 2), 2);
  return premaster;
}

/**
 * EncryptedPreMasterSecret (RFC 5246 §7.4.7.1): RSAES-PKCS1-v1_5 to the server certificate's key.
 * The result is the bare ciphertext; the wire codec adds its uint16 length. A certificate key that
 * cannot encrypt (not RSA) means the server chose a suite its certificate does not fit.
 */
export function rsaEncryptPremaster(publicKey: VerifyingKey, premaster: Uint8Array): Uint8Array {
  if (premaster.length !== RSA_PREMASTER_LENGTH) throw internalError('RSA premaster must be 48 bytes');
  if (!publicKey.encryptPkcs1v15) {
    throw new TLSError(AlertDescription.unsupported_certificate, `RSA key exchange needs an RSA certificate, not ${publicKey.kind}`);
  }
  return publicKey.encryptPkcs1v15(premaster);
}

/** Both halves of the client's RSA key exchange: the premaster and its encryption. */
export function rsaClientKeyExchange(
  provider: CryptoProvider,
  publicKey: VerifyingKey,
  clientVersion: number,
): { premaster: Uint8Array; encrypted: Uint8Array } {
  const premaster = rsaClientPremaster(provider, clientVersion);
  return { premaster, encrypted: rsaEncryptPremaster(publicKey, premaster) };
}

/** 0xff when x (a byte) is zero, else 0, without a branch. */
const isZero = (x: number) => ((x - 1) >>> 8) & 0xff;

/**
 * The server's half of RSA key exchange, with the countermeasure of RFC 5246 §7.4.7.1: it never
 * fails. Whatever arrives, a 48-byte premaster comes back: the client's when the block is
 * 0x00 0x02 PS 0x00 M with at least 8 non-zero PS bytes, |M| = 48 and M starting with
 * ClientHello.client_version; otherwise 48 random bytes drawn before decrypting. A bad ciphertext
 * then surfaces only as a Finished that does not verify, at the same step as any other failure.
 *
 * The checks fold into one mask with bitwise operations over the whole block and the premaster is
 * selected byte by byte, with no early exit and no branch on decrypted data. That is the most
 * JavaScript allows: the JIT promises no constant time, and allocation or GC pauses are not
 * controlled; what branches remain depend on public values only (the ciphertext length, and
 * whether the ciphertext is below the modulus, where OpenSSL refuses it). The residual risk is a
 * timing difference measurable only with many queries against a busy process — the reason the
 * key exchange is off by default. Decryption itself is OpenSSL's blinded RSA.
 *
 * `key` is the server certificate's key (kind 'rsa'); one without decryptRaw is a configuration
 * error, reported as internal_error and independent of the ciphertext.
 */
export function rsaDecryptPremaster(
  provider: CryptoProvider,
  key: SigningKey,
  encrypted: Uint8Array,
  clientVersion: number,
): Uint8Array {
  if (!key.decryptRaw || key.bits === undefined) throw internalError('RSA key exchange needs an RSA certificate key');
  // Step 1: R first, so a bad ciphertext costs the same draw as a good one.
  const random = provider.randomBytes(RSA_PREMASTER_LENGTH);
  const k = Math.ceil(key.bits / 8);
  // A key too small to hold 8 bytes of PS can never yield a valid block (public: the key size).
  if (k < 11 + RSA_PREMASTER_LENGTH) return random;

  const block = new Uint8Array(k);
  let good = 0;
  if (encrypted.length === k) {
    try {
      const raw = key.decryptRaw(encrypted);
      block.set(raw.subarray(Math.max(0, raw.length - k)), Math.max(0, k - raw.length));
      good = 0xff;
    } catch {
      // Ciphertext not below the modulus: the client sees that as well as we do.
    }
  }

  const separator = k - RSA_PREMASTER_LENGTH - 1;
  good &= isZero(block[0]!);
  good &= isZero(block[1]! ^ 0x02);
  // PS: every byte from 2 up to the separator is non-zero (its length, k - 51 ≥ 8, is fixed).
  for (let i = 2; i < separator; i++) good &= ~isZero(block[i]!) & 0xff;
  good &= isZero(block[separator]!);
  good &= isZero(block[separator + 1]! ^ ((clientVersion >> 8) & 0xff));
  good &= isZero(block[separator + 2]! ^ (clientVersion & 0xff));

  const premaster = new Uint8Array(RSA_PREMASTER_LENGTH);
  const bad = ~good & 0xff;
  for (let i = 0; i < RSA_PREMASTER_LENGTH; i++) {
    premaster[i] = (block[separator + 1 + i]! & good) | (random[i]! & bad);
  }
  block.fill(0);
  return premaster;
}
