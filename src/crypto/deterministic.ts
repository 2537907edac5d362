// A crypto provider for tests that replays fixed values (DESIGN.md §1): randomness, the clock,
// ephemeral keys and signatures come from the test, so a handshake such as RFC 8448 §3 can be
// reproduced byte for byte. Everything else is node:crypto through nodeProvider.
//
// Running out of fixed values throws a plain Error (a broken test, not a TLS failure) rather
// than silently turning random — unless the test opted into a seeded PRNG with `seed`.
import { nodeProvider, type NodeProvider } from './node.js';
import type { KeyShare, ParsedCertificate, SigningKey } from './provider.js';
import { NamedGroup } from '../wire/codes.js';

export interface FixedKeyShare {
  readonly group: number;
  /** Raw private key: 32 bytes for X25519, the scalar for the NIST curves, the exponent for ffdhe groups. */
  readonly privateKey: Uint8Array;
}

export interface DeterministicOptions {
  /**
   * What randomBytes(n) returns: an array is consumed one value per call, in order, and each
   * value must be exactly n bytes; a function is called with n and must return n bytes.
   */
  random?: readonly Uint8Array[] | ((n: number) => Uint8Array);
  /** A fixed clock (ms since the epoch). Without it now() is the real clock. */
  now?: number;
  /** Ephemeral private keys for generateKeyShare, consumed in order within each group. */
  keyShares?: ReadonlyMap<number, readonly Uint8Array[]> | readonly FixedKeyShare[];
  /**
   * Handed back by sign() in order (RSA-PSS and ECDSA signatures carry fresh randomness inside
   * OpenSSL, so a recorded one is the only way to reproduce them). Each is checked to verify
   * over the data being signed when the signer's certificate is known (see `certificates`).
   * Without this option sign() makes a real signature; with it, running out throws.
   */
  signatures?: readonly Uint8Array[];
  /** DER certificates whose keys may have produced `signatures` (those parsed through this provider count too). */
  certificates?: readonly Uint8Array[];
  /** Opt-in fallback: once fixed values run out, draw random bytes and key shares from a PRNG seeded with this. */
  seed?: string | Uint8Array;
}

export interface DeterministicProvider extends NodeProvider {
  /** Fixed values not consumed yet, so a test can assert a replay used exactly what it was given. */
  remaining(): { random: number; keyShares: number; signatures: number };
}

const encoder = new TextEncoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Private key sizes for deriving key shares from the seed. */
const PRIVATE_KEY_LENGTH = new Map<number, number>([
  [NamedGroup.x25519, 32],
  [NamedGroup.secp256r1, 32],
  [NamedGroup.secp384r1, 48],
  // Exponents at least as long as RFC 7919 Appendix A asks (225, 275 and 325 bits).
  [NamedGroup.ffdhe2048, 32],
  [NamedGroup.ffdhe3072, 40],
  [NamedGroup.ffdhe4096, 48],
]);

/** Counter-mode HMAC-SHA256 stream: block i = HMAC(seed, "handshake deterministic" || i). */
function seededStream(seed: string | Uint8Array): (n: number) => Uint8Array {
  const key = typeof seed === 'string' ? encoder.encode(seed) : seed;
  const tag = encoder.encode('handshake deterministic');
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) {
      const input = new Uint8Array(tag.length + 4);
      input.set(tag);
      new DataView(input.buffer).setUint32(tag.length, counter++);
      const block = nodeProvider.hmac('sha256', key, input);
      const next = new Uint8Array(pool.length + block.length);
      next.set(pool);
      next.set(block, pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

const PROBE = encoder.encode('handshake deterministic provider: which certificate holds this key?');

export function createDeterministicProvider(options: DeterministicOptions = {}): DeterministicProvider {
  const base = nodeProvider;
  const prng = options.seed === undefined ? undefined : seededStream(options.seed);

  const fixedRandom = Array.isArray(options.random) ? [...(options.random as readonly Uint8Array[])] : [];
  const randomFn = typeof options.random === 'function' ? options.random : undefined;
  let randomCalls = 0;

  const shareQueues = new Map<number, Uint8Array[]>();
  if (options.keyShares instanceof Map) {
    for (const [group, keys] of options.keyShares) shareQueues.set(group, [...keys]);
  } else if (options.keyShares) {
    for (const { group, privateKey } of options.keyShares as readonly FixedKeyShare[]) {
      const queue = shareQueues.get(group) ?? [];
      queue.push(privateKey);
      shareQueues.set(group, queue);
    }
  }

  const fixedSignatures = options.signatures ? [...options.signatures] : undefined;
  let signatureCalls = 0;
  // Keyed by fingerprint so a long test that parses the same certificate per handshake stays bounded.
  const knownCertificates = new Map<string, ParsedCertificate>();
  const remember = (cert: ParsedCertificate) => {
    if (!knownCertificates.has(cert.fingerprint256)) knownCertificates.set(cert.fingerprint256, cert);
    return cert;
  };
  for (const der of options.certificates ?? []) remember(base.parseCertificate(der));

  function randomBytes(n: number): Uint8Array {
    const call = ++randomCalls;
    let value: Uint8Array | undefined;
    if (randomFn) value = randomFn(n);
    else if (fixedRandom.length > 0) value = fixedRandom.shift();
    else if (prng) return prng(n);
    if (value === undefined) {
      throw new Error(`deterministic provider: randomBytes(${n}) is call #${call} but no fixed random value is left (pass more, or a seed)`);
    }
    if (value.length !== n) {
      throw new Error(`deterministic provider: randomBytes(${n}) is call #${call} but the fixed value has ${value.length} bytes`);
    }
    return value.slice();
  }

  function generateKeyShare(group: number): KeyShare | undefined {
    if (!base.supportsGroup(group)) return undefined;
    const fixed = shareQueues.get(group)?.shift();
    if (fixed) {
      const share = base.keyShareFromPrivate(group, fixed);
      if (!share) throw new Error(`deterministic provider: cannot import the fixed key share for group ${group}`);
      return share;
    }
    const length = PRIVATE_KEY_LENGTH.get(group);
    if (prng && length !== undefined) {
      // A NIST scalar must be in [1, n-1]; an out-of-range draw (odds about 2^-32) is redrawn.
      for (let attempt = 1; ; attempt++) {
        try {
          const share = base.keyShareFromPrivate(group, prng(length));
          if (share) return share;
          break;
        } catch (err) {
          if (attempt >= 8) throw err;
        }
      }
    }
    throw new Error(`deterministic provider: no fixed key share left for group ${group} (pass keyShares, or a seed)`);
  }

  /** The certificate whose public key belongs to `key`, found by checking a probe signature. */
  function certificateOf(key: SigningKey, scheme: number, probe: Uint8Array): ParsedCertificate | undefined {
    for (const cert of knownCertificates.values()) {
      if (cert.publicKey.kind === key.kind && cert.publicKey.verify(scheme, PROBE, probe)) return cert;
    }
    return undefined;
  }

  function wrapSigningKey(key: SigningKey): SigningKey {
    return {
      kind: key.kind,
      ...(key.curve !== undefined ? { curve: key.curve } : {}),
      ...(key.bits !== undefined ? { bits: key.bits } : {}),
      ...(key.decryptRaw ? { decryptRaw: key.decryptRaw } : {}),
      sign(scheme, data) {
        if (!fixedSignatures) return key.sign(scheme, data);
        // A real signature first: it keeps the real key's scheme checks and identifies its certificate.
        const probe = key.sign(scheme, PROBE);
        const call = ++signatureCalls;
        const signature = fixedSignatures.shift();
        if (!signature) throw new Error(`deterministic provider: sign() is call #${call} but no fixed signature is left`);
        const cert = certificateOf(key, scheme, probe);
        if (cert && !cert.publicKey.verify(scheme, data, signature)) {
          throw new Error(
            `deterministic provider: fixed signature #${call} does not verify with ${cert.subject} over the data being signed (…${hex(data.subarray(Math.max(0, data.length - 32)))})`,
          );
        }
        return signature.slice();
      },
    };
  }

  return {
    ...base,
    randomBytes,
    now: () => options.now ?? base.now(),
    generateKeyShare,
    loadPrivateKey: (key, passphrase) => wrapSigningKey(base.loadPrivateKey(key, passphrase)),
    parseCertificate: (der) => remember(base.parseCertificate(der)),
    remaining: () => ({
      random: fixedRandom.length,
      keyShares: [...shareQueues.values()].reduce((n, q) => n + q.length, 0),
      signatures: fixedSignatures?.length ?? 0,
    }),
  };
}
