// The crypto provider on node:crypto (OpenSSL). The only module that imports node:crypto.
import * as nodeCrypto from 'node:crypto';
import {
  X509Certificate,
  checkPrimeSync,
  createCipheriv,
  createDecipheriv,
  createDiffieHellman,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomFillSync,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  constants,
  type Hash,
  type KeyObject,
} from 'node:crypto';
import { TLSError } from '../errors.js';
import { AlertDescription, NamedGroup } from '../wire/codes.js';
import type {
  Aead,
  AeadName,
  Cbc,
  CbcName,
  MacHashName,
  CryptoProvider,
  DhAgreement,
  HashName,
  IdentifierHashName,
  IncrementalHash,
  KeyKind,
  KeyShare,
  ParsedCertificate,
  SigningKey,
  VerifyingKey,
} from './provider.js';
import { schemeFitsKey, schemeInfo } from './schemes.js';
import { dhValueInRange, ffdheGroup, ffdheGroupByParams, leftPad, stripLeadingZeros, type FfdheGroup } from './ffdhe.js';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.length);
const b64url = (b: Uint8Array) => buf(b).toString('base64url');

// Digests come back from node:crypto as latin1 strings (one character per byte) rather than
// Buffers: a Buffer made in native code gets its own backing store, which costs ≈ 0.4 µs to
// create and more to collect, while a short string is an ordinary heap object (measured: a
// SHA-256 digest ≈ 0.3 µs as a string against ≈ 0.7 µs as a Buffer). A handshake makes dozens.
// @types/node lists this encoding for digests only under its alias 'binary'.
const LATIN1 = 'latin1' as 'binary';

/** The bytes of a latin1 string, written at `offset` of `out` (a new array when absent). */
function latin1ToBytes(s: string, out: Uint8Array = new Uint8Array(s.length), offset = 0): Uint8Array {
  for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i);
  return out;
}

class NodeHash implements IncrementalHash {
  constructor(private readonly h: Hash) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  peek(): Uint8Array {
    return latin1ToBytes(this.h.copy().digest(LATIN1));
  }
  copy(): IncrementalHash {
    return new NodeHash(this.h.copy());
  }
}

// crypto.hash() (Node ≥ 20.12) digests in one native call with the digest implementation cached,
// where createHash() builds a stream object and looks the digest up again (measured for a short
// input: ≈ 0.3 µs against ≈ 1.2 µs). Older Node 20 releases lack it.
type OneShotHash = (alg: string, data: Uint8Array, encoding: typeof LATIN1) => string;
const oneShotHash = (nodeCrypto as { hash?: OneShotHash }).hash;

const digest = (alg: HashName | IdentifierHashName, data: Uint8Array): string =>
  oneShotHash ? oneShotHash(alg, data, LATIN1) : createHash(alg).update(data).digest(LATIN1);

/**
 * HMAC through node:crypto (RFC 2104 is not ours to re-implement); the digest as a latin1
 * string, for the reason above.
 */
function hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return latin1ToBytes(createHmac(alg, key).update(data).digest(LATIN1));
}

// randomBytes() costs 2–5 µs a call whatever the size (a job object and a native crossing;
// measured in a handshake), and a TLS 1.3 server asks for randomness several times per
// handshake. So one randomFillSync() fills a pool that small requests are served from, as Node
// itself does for crypto.randomInt() and randomUUID(). Bytes handed out are erased from the pool,
// so it never holds a copy of a key or nonce already in use.
const RANDOM_POOL_SIZE = 4096;
const RANDOM_POOLED_MAX = 256;

function randomPool(): (n: number) => Uint8Array {
  const pool = new Uint8Array(RANDOM_POOL_SIZE);
  let at = RANDOM_POOL_SIZE;
  return (n) => {
    if (n > RANDOM_POOLED_MAX) return u8(randomBytes(n));
    if (at + n > RANDOM_POOL_SIZE) {
      randomFillSync(pool);
      at = 0;
    }
    const out = pool.slice(at, at + n);
    pool.fill(0, at, at + n);
    at += n;
    return out;
  };
}

const TAG = 16;

function makeAead(alg: AeadName, key: Uint8Array): Aead {
  const k = Buffer.from(key);
  const opts = { authTagLength: TAG } as const;
  return {
    seal(nonce, aad, plaintext) {
      const c = createCipheriv(alg as 'aes-128-gcm', k, nonce, opts);
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const out = Buffer.allocUnsafe(plaintext.length + TAG);
      const n = c.update(plaintext).copy(out, 0);
      c.final();
      c.getAuthTag().copy(out, n);
      return u8(out);
    },
    sealInto(nonce, aad, parts, out, offset) {
      const c = createCipheriv(alg as 'aes-128-gcm', k, nonce, opts);
      // Several parts are first joined where their ciphertext goes, so that one update() encrypts
      // them: each call crosses into native code and returns a new Buffer, which costs more than
      // the copy for a record's content and trailer (≈ 0.5–1 µs a record, measured; even at 16 KiB).
      let plaintext = parts[0] ?? out.subarray(offset, offset);
      if (parts.length > 1) {
        let at = offset;
        for (const part of parts) {
          out.set(part, at);
          at += part.length;
        }
        plaintext = out.subarray(offset, at);
      }
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const body = c.update(plaintext);
      out.set(body, offset);
      const rest = c.final();
      out.set(rest, offset + body.length);
      out.set(c.getAuthTag(), offset + body.length + rest.length);
    },
    open(nonce, aad, ciphertext) {
      if (ciphertext.length < TAG) return null;
      const d = createDecipheriv(alg as 'aes-128-gcm', k, nonce, opts);
      d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
      d.setAAD(aad, { plaintextLength: ciphertext.length - TAG });
      const body = d.update(ciphertext.subarray(0, ciphertext.length - TAG));
      try {
        d.final();
      } catch {
        return null;
      }
      return u8(body);
    },
  };
}

const CBC_BLOCK = 16;
const CBC_KEY_LENGTH: Record<CbcName, number> = { 'aes-128-cbc': 16, 'aes-256-cbc': 32 };

function makeCbc(alg: CbcName, key: Uint8Array): Cbc {
  if (key.length !== CBC_KEY_LENGTH[alg]) throw new TLSError(AlertDescription.internal_error, `${alg} needs a ${CBC_KEY_LENGTH[alg]}-byte key`);
  const k = Buffer.from(key);
  const check = (iv: Uint8Array, length: number) => {
    if (iv.length !== CBC_BLOCK || length % CBC_BLOCK !== 0) {
      throw new TLSError(AlertDescription.internal_error, `${alg} needs a 16-byte IV and whole blocks, got ${iv.length} and ${length}`);
    }
  };
  const encryptInto = (iv: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number) => {
    let length = 0;
    for (const part of parts) length += part.length;
    check(iv, length);
    const c = createCipheriv(alg, k, iv).setAutoPadding(false);
    let at = offset;
    for (const part of parts) {
      const chunk = c.update(part);
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(c.final(), at);
  };
  return {
    encrypt(iv, plaintext) {
      const out = new Uint8Array(plaintext.length);
      encryptInto(iv, [plaintext], out, 0);
      return out;
    },
    encryptInto,
    decrypt(iv, ciphertext) {
      check(iv, ciphertext.length);
      const d = createDecipheriv(alg, k, iv).setAutoPadding(false);
      const head = d.update(ciphertext);
      const tail = d.final();
      return tail.length === 0 ? u8(head) : u8(Buffer.concat([head, tail]));
    },
  };
}

/** Record MACs of TLS 1.2 CBC suites; 'sha1' is allowed here only (provider.ts MacHashName). */
function recordMac(alg: MacHashName, key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac(alg, key);
  for (const part of parts) h.update(part);
  return latin1ToBytes(h.digest(LATIN1));
}

const badShare = (what: string) => new TLSError(AlertDescription.illegal_parameter, `invalid ${what} key share`);

// PKCS#8 prefix for a raw X25519 private key (RFC 8410), used to import fixed keys in tests.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function x25519Share(privateKey: KeyObject, publicKey: Uint8Array): KeyShare {
  return {
    group: NamedGroup.x25519,
    publicKey,
    agree(peer) {
      if (peer.length !== 32) throw badShare('X25519');
      try {
        const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(peer) }, format: 'jwk' });
        // OpenSSL refuses an all-zero result (a low-order peer point): RFC 7748 §6.1.
        return u8(diffieHellman({ privateKey, publicKey: pub }));
      } catch {
        throw badShare('X25519');
      }
    },
  };
}

const ECDH_CURVES = new Map<number, { curve: string; length: number }>([
  [NamedGroup.secp256r1, { curve: 'prime256v1', length: 65 }],
  [NamedGroup.secp384r1, { curve: 'secp384r1', length: 97 }],
]);

function ecdhShare(group: number, privateKey?: Uint8Array): KeyShare | undefined {
  const spec = ECDH_CURVES.get(group);
  if (!spec) return undefined;
  const ecdh = createECDH(spec.curve);
  if (privateKey) ecdh.setPrivateKey(Buffer.from(privateKey));
  else ecdh.generateKeys();
  return {
    group,
    publicKey: u8(ecdh.getPublicKey()),
    agree(peer) {
      // RFC 8446 §4.2.8.2: only the uncompressed form (0x04 || X || Y); OpenSSL checks the point is on the curve.
      if (peer.length !== spec.length || peer[0] !== 4) throw badShare(spec.curve);
      try {
        return u8(ecdh.computeSecret(peer));
      } catch {
        throw badShare(spec.curve);
      }
    },
  };
}

// Finite-field DH. createDiffieHellman runs OpenSSL's DH_check on the parameters at every call:
// free for the RFC 7919 primes, which OpenSSL recognises (it then also picks short exponents, RFC
// 7919 §5.2), but two primality tests (≈ 115 ms at 2048 bits) for any other prime. Custom server
// parameters therefore go through DH key objects, which skip that check: the caller has already
// tested the prime once (isProbablePrime).
function ffdheShare(group: FfdheGroup, privateKey?: Uint8Array): KeyShare {
  const dh = createDiffieHellman(buf(group.p), buf(group.g));
  if (privateKey) dh.setPrivateKey(buf(privateKey));
  // generateKeys() drops leading zero bytes; RFC 8446 §4.2.8.1 wants the prime's length.
  const publicKey = leftPad(u8(dh.generateKeys()), group.p.length)!;
  return {
    group: group.id,
    publicKey,
    agree(peer) {
      // RFC 8446 §4.2.8.1: exactly the prime's length; RFC 7919 §5.1: 1 < Y < p-1.
      if (peer.length !== group.p.length || !dhValueInRange(peer, group.p)) throw badShare(group.name);
      try {
        return leftPad(u8(dh.computeSecret(buf(peer))), group.p.length)!;
      } catch {
        throw badShare(group.name);
      }
    },
  };
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...derLength(body.length)]), body]);
}

/** A DER INTEGER for an unsigned value: minimal, with a zero byte where the top bit is set. */
function derUnsigned(value: Uint8Array): Buffer {
  const v = stripLeadingZeros(value);
  return der(0x02, v.length === 0 || v[0]! & 0x80 ? Uint8Array.of(0) : new Uint8Array(0), v);
}

// PKCS #3 dhKeyAgreement (1.2.840.113549.1.3.1): the SubjectPublicKeyInfo OpenSSL reads for DH,
// SEQUENCE { SEQUENCE { oid, SEQUENCE { p, g } }, BIT STRING { INTEGER y } }.
const DH_KEY_AGREEMENT_OID = Buffer.from('06092a864886f70d010301', 'hex');

function dhSpki(p: Uint8Array, g: Uint8Array, y: Uint8Array): Buffer {
  const params = der(0x30, derUnsigned(p), derUnsigned(g));
  return der(0x30, der(0x30, DH_KEY_AGREEMENT_OID, params), der(0x03, Uint8Array.of(0), derUnsigned(y)));
}

/** y from a DH SubjectPublicKeyInfo that OpenSSL itself just encoded (so its shape is known). */
function dhSpkiPublicValue(spki: Uint8Array): Uint8Array {
  let at = 0;
  const length = () => {
    at++; // tag
    const first = spki[at++]!;
    if (first < 0x80) return first;
    let n = 0;
    for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + spki[at++]!;
    return n;
  };
  length(); // SubjectPublicKeyInfo
  const algorithm = length(); // AlgorithmIdentifier (not `at += length()`: that reads `at` first)
  at += algorithm;
  length(); // BIT STRING
  at++; // unused bits: 0
  const n = length(); // INTEGER y
  return spki.subarray(at, at + n);
}

const badDh = () => new TLSError(AlertDescription.illegal_parameter, 'invalid DH public value');

/** Node's generateKeyPairSync takes the generator as an int32. */
const MAX_KEYGEN_GENERATOR = 0x7fffffff;

function dhAgreeWithParams(p: Uint8Array, g: Uint8Array, peer: Uint8Array): DhAgreement {
  const prime = stripLeadingZeros(p);
  const gen = stripLeadingZeros(g);
  if (!dhValueInRange(peer, prime)) throw badDh();
  const generator = gen.length <= 4 ? gen.reduce((n, b) => n * 256 + b, 0) : Infinity;
  let ours: Uint8Array;
  let secret: Uint8Array;
  try {
    if (ffdheGroupByParams(prime, gen) || generator > MAX_KEYGEN_GENERATOR) {
      // RFC 7919 groups cost nothing to check here. A generator beyond an int32 (RFC 5114-style
      // subgroups) has no key-object path, and pays for DH_check on every exchange.
      const dh = createDiffieHellman(buf(prime), buf(gen));
      ours = u8(dh.generateKeys());
      secret = u8(dh.computeSecret(buf(peer)));
    } else {
      // For a prime it does not know (no q), OpenSSL draws a full-length exponent, as it must for a
      // group of unknown structure; for the safe primes it knows (RFC 3526, 7919) a short one.
      // @types/node lacks the 'dh' overload; Node takes { prime, generator } (generator an int32).
      const pair = generateKeyPairSync('dh' as never, { prime: buf(prime), generator } as never) as unknown as {
        publicKey: KeyObject;
        privateKey: KeyObject;
      };
      ours = dhSpkiPublicValue(u8(pair.publicKey.export({ format: 'der', type: 'spki' })));
      const peerKey = createPublicKey({ key: dhSpki(prime, gen, peer), format: 'der', type: 'spki' });
      secret = u8(diffieHellman({ privateKey: pair.privateKey, publicKey: peerKey }));
    }
  } catch {
    throw badDh();
  }
  // RFC 5246 §8.1.2: "leading bytes of Z that contain all zero bits are stripped". The Raccoon
  // timing attack on that strip needs a DH secret reused across handshakes; ours never is.
  return { publicKey: leftPad(ours, prime.length)!, premaster: new Uint8Array(stripLeadingZeros(secret)) };
}

// Primality results by value: a client meets the same server's custom prime on every connection,
// and one test costs ≈ 115 ms at 2048 bits and ≈ 1.7 s at 4096 (measured). Bounded in entries
// and in the size of a value worth remembering.
const PRIME_CACHE_ENTRIES = 64;
const PRIME_CACHE_MAX_BYTES = 1024;

function primeCache(): (n: Uint8Array) => boolean {
  const cache = new Map<string, boolean>();
  return (n) => {
    const value = stripLeadingZeros(n);
    if (value.length === 0) return false;
    if (value.length > PRIME_CACHE_MAX_BYTES) return checkPrimeSync(buf(value));
    const key = buf(value).toString('latin1');
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const prime = checkPrimeSync(buf(value));
    cache.set(key, prime);
    if (cache.size > PRIME_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return prime;
  };
}

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function keyInfo(key: KeyObject): { kind: KeyKind; curve?: string; bits?: number } {
  const kind = key.asymmetricKeyType as KeyKind;
  const d = key.asymmetricKeyDetails ?? {};
  const curve = d.namedCurve ? (CURVE_NAMES[d.namedCurve] ?? d.namedCurve) : undefined;
  return { kind, ...(curve ? { curve } : {}), ...(d.modulusLength ? { bits: d.modulusLength } : {}) };
}

function signOptions(scheme: number, key: KeyObject) {
  const info = schemeInfo(scheme);
  if (!info) throw new TLSError(AlertDescription.internal_error, `unsupported signature scheme ${scheme}`);
  const opts: { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'der' } = { key };
  if (info.padding === 'pss') {
    opts.padding = constants.RSA_PKCS1_PSS_PADDING;
    // RFC 8446 §4.2.3: the salt length MUST equal the digest length.
    opts.saltLength = info.hash === 'sha256' ? 32 : info.hash === 'sha384' ? 48 : 64;
  } else if (info.padding === 'pkcs1') {
    opts.padding = constants.RSA_PKCS1_PADDING;
  }
  if (info.keyKinds.includes('ec')) opts.dsaEncoding = 'der';
  return { hash: info.hash, opts };
}

export function verifyingKey(key: KeyObject): VerifyingKey {
  const info = keyInfo(key);
  return {
    ...info,
    verify(scheme, data, signature) {
      if (!schemeFitsKey(scheme, info)) return false;
      const { hash, opts } = signOptions(scheme, key);
      try {
        return cryptoVerify(hash, data, opts, signature);
      } catch {
        return false;
      }
    },
    ...(info.kind === 'rsa'
      ? { encryptPkcs1v15: (data: Uint8Array) => u8(publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, data)) }
      : {}),
  };
}

export function signingKey(key: KeyObject): SigningKey {
  const info = keyInfo(key);
  return {
    ...info,
    sign(scheme, data) {
      if (!schemeFitsKey(scheme, info)) {
        throw new TLSError(AlertDescription.internal_error, `key of type ${info.kind} cannot sign with scheme ${scheme}`);
      }
      const { hash, opts } = signOptions(scheme, key);
      return u8(cryptoSign(hash, data, opts));
    },
    // Not RSA_PKCS1_PADDING: Node refuses it for private decryption (CVE-2023-46809, Marvin), and
    // its error-or-not result would be the oracle. tls12/key-exchange.ts checks the padding itself.
    ...(info.kind === 'rsa'
      ? { decryptRaw: (ciphertext: Uint8Array) => u8(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext)) }
      : {}),
  };
}

function parseSan(san: string | undefined): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  if (!san) return { dns, ip };
  // Node renders "DNS:a, IP Address:1.2.3.4"; values with separators are JSON-quoted.
  for (const m of san.matchAll(/(DNS|IP Address):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g)) {
    let value = m[2]!;
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    (m[1] === 'DNS' ? dns : ip).push(value);
  }
  return { dns, ip };
}

class NodeCertificate implements ParsedCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly isCA: boolean;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly subjectAltName: string | undefined;
  readonly publicKey: VerifyingKey;
  readonly fingerprint256: string;
  private readonly signatureChecks = new WeakMap<ParsedCertificate, boolean>();

  constructor(
    readonly der: Uint8Array,
    readonly x509: X509Certificate,
  ) {
    this.subject = x509.subject;
    this.issuer = x509.issuer;
    this.serialNumber = x509.serialNumber;
    this.notBefore = Date.parse(x509.validFrom);
    this.notAfter = Date.parse(x509.validTo);
    this.isCA = x509.ca;
    this.subjectAltName = x509.subjectAltName;
    const { dns, ip } = parseSan(x509.subjectAltName);
    this.dnsNames = dns;
    this.ipAddresses = ip;
    this.publicKey = verifyingKey(x509.publicKey);
    this.fingerprint256 = x509.fingerprint256;
  }

  isIssuedBy(issuer: ParsedCertificate): boolean {
    return issuer instanceof NodeCertificate && this.x509.checkIssued(issuer.x509);
  }

  verifySignedBy(issuer: ParsedCertificate): boolean {
    if (!(issuer instanceof NodeCertificate)) return false;
    let ok = this.signatureChecks.get(issuer);
    if (ok === undefined) {
      try {
        ok = this.x509.verify(issuer.x509.publicKey);
      } catch {
        ok = false;
      }
      this.signatureChecks.set(issuer, ok);
    }
    return ok;
  }

  get raw(): unknown {
    return this.x509.toLegacyObject();
  }
}

// Parsed certificates are kept by their exact DER: a client meets the same server chain on every
// connection, and `new X509Certificate()` plus the fields we read cost ≈ 150 µs a certificate
// (DESIGN.md §6), several times per handshake. A NodeCertificate is immutable, so sharing one is
// safe; its memo of signature checks is keyed by issuer object, which the cache also shares, and
// a result for the same pair of DER encodings cannot change. Bounded in entries and entry size.
const CERTIFICATE_CACHE_ENTRIES = 256;
const CERTIFICATE_CACHE_MAX_DER = 16 * 1024;

function certificateCache(): (der: Uint8Array) => ParsedCertificate {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  const cache = new Map<string, NodeCertificate>();
  return (der) => {
    if (der.length > CERTIFICATE_CACHE_MAX_DER) return new NodeCertificate(der, new X509Certificate(der));
    const key = buf(der).toString('latin1');
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const own = der.slice(); // the entry outlives the caller's buffer
    const cert = new NodeCertificate(own, new X509Certificate(own));
    cache.set(key, cert);
    if (cache.size > CERTIFICATE_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return cert;
  };
}

export interface NodeProvider extends CryptoProvider {
  /** Imports a fixed ephemeral private key (tests replaying RFC 8448 need this); the exponent for finite-field groups. */
  keyShareFromPrivate(group: number, privateKey: Uint8Array): KeyShare | undefined;
}

export function createNodeProvider(): NodeProvider {
  const parseCertificate = certificateCache();
  return {
    randomBytes: randomPool(),
    // Epoch-based like Date.now(), with sub-millisecond resolution for traces.
    now: () => performance.timeOrigin + performance.now(),
    // 'sha1' only for identifiers such as OCSP CertIDs (provider.ts IdentifierHashName).
    hash: (alg: HashName | IdentifierHashName, data) => latin1ToBytes(digest(alg, data)),
    createHash: (alg) => new NodeHash(createHash(alg)),
    hmac,
    equal: (a, b) => a.length === b.length && timingSafeEqual(a, b),
    createAead: makeAead,
    mac: recordMac,
    createCbc: makeCbc,
    supportsGroup: (group) => group === NamedGroup.x25519 || ECDH_CURVES.has(group) || ffdheGroup(group) !== undefined,
    generateKeyShare(group) {
      if (group === NamedGroup.x25519) {
        // Ask for the JWK at generation: exporting it later can deadlock (DESIGN.md §6).
        const pair = generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } } as never) as unknown as {
          publicKey: { x: string };
          privateKey: KeyObject;
        };
        return x25519Share(pair.privateKey, u8(Buffer.from(pair.publicKey.x, 'base64url')));
      }
      const ffdhe = ffdheGroup(group);
      if (ffdhe) return ffdheShare(ffdhe);
      return ecdhShare(group);
    },
    keyShareFromPrivate(group, privateKey) {
      if (group === NamedGroup.x25519) {
        const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
        const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
        return x25519Share(key, u8(spki.subarray(spki.length - 32)));
      }
      const ffdhe = ffdheGroup(group);
      if (ffdhe) return ffdheShare(ffdhe, privateKey);
      return ecdhShare(group, privateKey);
    },
    dhAgreeWithParams,
    isProbablePrime: primeCache(),
    loadPrivateKey(key, passphrase) {
      const input =
        typeof key === 'string'
          ? { key, ...(passphrase ? { passphrase } : {}) }
          : { key: buf(key), format: 'der' as const, type: 'pkcs8' as const };
      return signingKey(createPrivateKey(input));
    },
    parseCertificate,
  };
}

/** One shared default provider: node:crypto has no per-instance state worth isolating. */
export const nodeProvider: NodeProvider = createNodeProvider();
