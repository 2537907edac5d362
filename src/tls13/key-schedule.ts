// The TLS 1.3 key schedule, RFC 8446 §7.1. Each stage is its own type and offers only the
// derivations the RFC allows from it, so a secret cannot be derived from the wrong stage:
//
//              0
//              |
//    PSK ->  HKDF-Extract = Early Secret ---- binder_key, c e traffic, e exp master
//              |
//        Derive-Secret(., "derived", "")
//              |
//  (EC)DHE -> HKDF-Extract = Handshake Secret ---- c hs traffic, s hs traffic
//              |
//        Derive-Secret(., "derived", "")
//              |
//    0 ->  HKDF-Extract = Master Secret ---- c ap traffic, s ap traffic, exp master, res master
//
// Transcript hashes are passed in already computed (the transcript owns hashing).
import type { CryptoProvider } from '../crypto/provider.js';
import type { Tls13Suite } from '../crypto/suites.js';
import { deriveSecret, hkdfExpandLabel, hkdfExtract } from '../crypto/hkdf.js';

const EMPTY = new Uint8Array(0);

const emptyHashes = new WeakMap<CryptoProvider, Map<string, Uint8Array>>();

/** Hash("") per provider and hash (the context of "derived", binder and exporter secrets): it never changes. Shared: read only. */
function emptyHash(provider: CryptoProvider, suite: Tls13Suite): Uint8Array {
  let byHash = emptyHashes.get(provider);
  if (!byHash) emptyHashes.set(provider, (byHash = new Map()));
  let h = byHash.get(suite.hash);
  if (!h) byHash.set(suite.hash, (h = provider.hash(suite.hash, EMPTY)));
  return h;
}

/** Derive-Secret(secret, "derived", ""): the salt for the next stage's extract. */
function derivedSalt(provider: CryptoProvider, suite: Tls13Suite, secret: Uint8Array): Uint8Array {
  return deriveSecret(provider, suite.hash, secret, 'derived', emptyHash(provider, suite));
}

// Without a PSK, Early Secret and Derive-Secret(Early Secret, "derived", "") are constants of the
// hash (RFC 8446 §7.1); computing them once saves three hash operations per full handshake.
const noPskStages = new WeakMap<CryptoProvider, Map<string, { early: Uint8Array; derived: Uint8Array }>>();

function noPskStage(provider: CryptoProvider, suite: Tls13Suite): { early: Uint8Array; derived: Uint8Array } {
  let byHash = noPskStages.get(provider);
  if (!byHash) noPskStages.set(provider, (byHash = new Map()));
  let stage = byHash.get(suite.hash);
  if (!stage) {
    const early = hkdfExtract(provider, suite.hash, undefined, new Uint8Array(suite.hashLength));
    stage = { early, derived: derivedSalt(provider, suite, early) };
    byHash.set(suite.hash, stage);
  }
  return stage;
}

export class EarlySecret {
  readonly #provider: CryptoProvider;
  readonly #suite: Tls13Suite;
  readonly #secret: Uint8Array;

  /** RFC 8446 §7.1: without a PSK the IKM is a string of Hash.length zero bytes. */
  constructor(provider: CryptoProvider, suite: Tls13Suite, psk?: Uint8Array) {
    this.#provider = provider;
    this.#suite = suite;
    this.#hasPsk = psk !== undefined;
    this.#secret = psk ? hkdfExtract(provider, suite.hash, undefined, psk) : noPskStage(provider, suite).early;
  }

  readonly #hasPsk: boolean;

  /** "ext binder" for external PSKs, "res binder" for resumption (RFC 8446 §7.1); the context is the empty transcript. */
  binderKey(kind: 'ext' | 'res'): Uint8Array {
    const p = this.#provider;
    return deriveSecret(p, this.#suite.hash, this.#secret, `${kind} binder`, emptyHash(p, this.#suite));
  }

  /** `th` = Transcript-Hash(ClientHello). */
  clientEarlyTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'c e traffic', th);
  }

  /** `th` = Transcript-Hash(ClientHello). */
  earlyExporterMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'e exp master', th);
  }

  /** The (EC)DHE shared secret; absent in psk_ke mode, where Hash.length zeros are used (RFC 8446 §7.1). */
  handshakeSecret(sharedSecret?: Uint8Array): HandshakeSecret {
    const p = this.#provider;
    const s = this.#suite;
    const salt = this.#hasPsk ? derivedSalt(p, s, this.#secret) : noPskStage(p, s).derived;
    const secret = hkdfExtract(p, s.hash, salt, sharedSecret ?? new Uint8Array(s.hashLength));
    return new HandshakeStage(p, s, secret);
  }
}

export interface HandshakeSecret {
  /** `th` = Transcript-Hash(ClientHello..ServerHello). */
  clientHandshakeTrafficSecret(th: Uint8Array): Uint8Array;
  /** `th` = Transcript-Hash(ClientHello..ServerHello). */
  serverHandshakeTrafficSecret(th: Uint8Array): Uint8Array;
  masterSecret(): MasterSecret;
}

export interface MasterSecret {
  /** `th` = Transcript-Hash(ClientHello..server Finished). */
  clientApplicationTrafficSecret(th: Uint8Array): Uint8Array;
  /** `th` = Transcript-Hash(ClientHello..server Finished). */
  serverApplicationTrafficSecret(th: Uint8Array): Uint8Array;
  /** `th` = Transcript-Hash(ClientHello..server Finished). */
  exporterMasterSecret(th: Uint8Array): Uint8Array;
  /** `th` = Transcript-Hash(ClientHello..client Finished). */
  resumptionMasterSecret(th: Uint8Array): Uint8Array;
}

// Reached only through EarlySecret.handshakeSecret() and HandshakeSecret.masterSecret().
class HandshakeStage implements HandshakeSecret {
  readonly #provider: CryptoProvider;
  readonly #suite: Tls13Suite;
  readonly #secret: Uint8Array;

  constructor(provider: CryptoProvider, suite: Tls13Suite, secret: Uint8Array) {
    this.#provider = provider;
    this.#suite = suite;
    this.#secret = secret;
  }

  clientHandshakeTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'c hs traffic', th);
  }

  serverHandshakeTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 's hs traffic', th);
  }

  masterSecret(): MasterSecret {
    const p = this.#provider;
    const s = this.#suite;
    return new MasterStage(p, s, hkdfExtract(p, s.hash, derivedSalt(p, s, this.#secret), new Uint8Array(s.hashLength)));
  }
}

class MasterStage implements MasterSecret {
  readonly #provider: CryptoProvider;
  readonly #suite: Tls13Suite;
  readonly #secret: Uint8Array;

  constructor(provider: CryptoProvider, suite: Tls13Suite, secret: Uint8Array) {
    this.#provider = provider;
    this.#suite = suite;
    this.#secret = secret;
  }

  clientApplicationTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'c ap traffic', th);
  }

  serverApplicationTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 's ap traffic', th);
  }

  exporterMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'exp master', th);
  }

  resumptionMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.#provider, this.#suite.hash, this.#secret, 'res master', th);
  }
}

export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length); iv likewise with "iv". */
export function trafficKeys(provider: CryptoProvider, suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  return {
    key: hkdfExpandLabel(provider, suite.hash, secret, 'key', EMPTY, suite.keyLength),
    iv: hkdfExpandLabel(provider, suite.hash, secret, 'iv', EMPTY, suite.ivLength),
  };
}

/**
 * RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length);
 * verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)).
 * Also computes PSK binders (§4.2.11.2), with the binder key as BaseKey.
 */
export function finishedVerifyData(provider: CryptoProvider, suite: Tls13Suite, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = hkdfExpandLabel(provider, suite.hash, baseKey, 'finished', EMPTY, suite.hashLength);
  return provider.hmac(suite.hash, finishedKey, transcriptHash);
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(provider: CryptoProvider, suite: Tls13Suite, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, secret, 'traffic upd', EMPTY, suite.hashLength);
}

/** RFC 8446 §4.6.1: the PSK for a ticket = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
export function resumptionPsk(provider: CryptoProvider, suite: Tls13Suite, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, resumptionMasterSecret, 'resumption', ticketNonce, suite.hashLength);
}

/**
 * RFC 8446 §7.5: TLS-Exporter(label, context_value, key_length) =
 *   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length).
 * A missing context and an empty one are the same in TLS 1.3. `exporterSecret` is the
 * exporter_master_secret (or early_exporter_master_secret for 0-RTT exporters).
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  suite: Tls13Suite,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const h = suite.hash;
  const secret = deriveSecret(provider, h, exporterSecret, label, emptyHash(provider, suite));
  return hkdfExpandLabel(provider, h, secret, 'exporter', provider.hash(h, context ?? EMPTY), length);
}
