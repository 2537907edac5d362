// The crypto provider on node:crypto (OpenSSL). The only module that imports node:crypto.
import {
  X509Certificate,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
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
  CryptoProvider,
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

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.length);
const b64url = (b: Uint8Array) => buf(b).toString('base64url');

class NodeHash implements IncrementalHash {
  constructor(private readonly h: Hash) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  peek(): Uint8Array {
    return u8(this.h.copy().digest());
  }
  copy(): IncrementalHash {
    return new NodeHash(this.h.copy());
  }
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
      let length = 0;
      for (const part of parts) length += part.length;
      c.setAAD(aad, { plaintextLength: length });
      let at = offset;
      for (const part of parts) {
        const chunk = c.update(part);
        out.set(chunk, at);
        at += chunk.length;
      }
      const rest = c.final();
      out.set(rest, at);
      out.set(c.getAuthTag(), at + rest.length);
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
  /** Imports a fixed ephemeral private key (tests replaying RFC 8448 need this). */
  keyShareFromPrivate(group: number, privateKey: Uint8Array): KeyShare | undefined;
}

export function createNodeProvider(): NodeProvider {
  const parseCertificate = certificateCache();
  return {
    randomBytes: (n) => u8(randomBytes(n)),
    // Epoch-based like Date.now(), with sub-millisecond resolution for traces.
    now: () => performance.timeOrigin + performance.now(),
    // 'sha1' only for identifiers such as OCSP CertIDs (provider.ts IdentifierHashName).
    hash: (alg: HashName | IdentifierHashName, data) => u8(createHash(alg).update(data).digest()),
    createHash: (alg) => new NodeHash(createHash(alg)),
    hmac: (alg, key, data) => u8(createHmac(alg, key).update(data).digest()),
    equal: (a, b) => a.length === b.length && timingSafeEqual(a, b),
    createAead: makeAead,
    supportsGroup: (group) => group === NamedGroup.x25519 || ECDH_CURVES.has(group),
    generateKeyShare(group) {
      if (group === NamedGroup.x25519) {
        // Ask for the JWK at generation: exporting it later can deadlock (DESIGN.md §6).
        const pair = generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } } as never) as unknown as {
          publicKey: { x: string };
          privateKey: KeyObject;
        };
        return x25519Share(pair.privateKey, u8(Buffer.from(pair.publicKey.x, 'base64url')));
      }
      return ecdhShare(group);
    },
    keyShareFromPrivate(group, privateKey) {
      if (group === NamedGroup.x25519) {
        const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
        const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
        return x25519Share(key, u8(spki.subarray(spki.length - 32)));
      }
      return ecdhShare(group, privateKey);
    },
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
