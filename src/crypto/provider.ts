// The one seam between the core and cryptography. Everything is synchronous (DESIGN.md §1);
// randomness and the clock come from here so tests can fix them.

export type HashName = 'sha256' | 'sha384' | 'sha512';
/**
 * SHA-1, for identifiers only: OCSP CertID and ResponderID byKey (RFC 6960 §4.1.1, §4.2.1; RFC 5019
 * §2.1.1) and key identifiers (RFC 5280 §4.2.1.2), values that name a certificate or key rather than
 * vouch for it. Never for signatures, the transcript or key derivation: those take HashName, which
 * cannot name it; only CryptoProvider.hash accepts this.
 */
export type IdentifierHashName = 'sha1';
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
/**
 * Hashes of the record MAC of TLS 1.2 CBC suites (RFC 5246 §6.2.3.1; RFC 7366 for
 * encrypt_then_mac). SHA-1 is here only because the *_CBC_SHA suites fix HMAC-SHA1 for the record
 * MAC, where it stays sound: HMAC does not rest on collision resistance (RFC 6194 §3.3). Never for
 * signatures, the transcript or key derivation: only CryptoProvider.mac accepts this.
 */
export type MacHashName = 'sha1' | 'sha256' | 'sha384';
export type CbcName = 'aes-128-cbc' | 'aes-256-cbc';

export interface IncrementalHash {
  update(data: Uint8Array): void;
  /** Digest of everything so far; the hash stays usable. */
  peek(): Uint8Array;
  copy(): IncrementalHash;
}

export interface Aead {
  /** ciphertext || tag */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Encrypts the concatenation of `parts` and writes ciphertext || tag into `out` at `offset`, so
   * the record layer can seal content and its trailer without allocating them joined (DESIGN §6).
   * The ciphertext's place in `out` may serve to join the parts: they must not overlap it, except
   * a single part that is exactly that place (in-place encryption).
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void;
  /** null when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

/**
 * Raw CBC with no padding of its own: TLS 1.2 pads records itself (RFC 5246 §6.2.3.2), so every
 * input length must be a multiple of the 16-byte block.
 */
export interface Cbc {
  encrypt(iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Encrypts the concatenation of `parts` into `out` at `offset`, as Aead.sealInto does. */
  encryptInto(iv: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void;
  decrypt(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** An ephemeral (EC)DH private key for one key_share. */
export interface KeyShare {
  readonly group: number;
  /** Finite-field groups: left-padded to the prime's length (RFC 8446 §4.2.8.1). */
  readonly publicKey: Uint8Array;
  /**
   * The shared secret in TLS 1.3 form: the x-coordinate for NIST curves and finite-field values
   * left-padded to the prime's length (RFC 8446 §7.4.1, §7.4.2). TLS 1.2 DHE strips the leading
   * zeros (RFC 5246 §8.1.2): tls12/key-exchange.ts does that, never the caller.
   * Throws TLSError(illegal_parameter) for an invalid or low-order peer value.
   */
  agree(peerPublic: Uint8Array): Uint8Array;
}

/** One TLS 1.2 DHE exchange over parameters the server chose (RFC 5246 §7.4.3, §7.4.7.2). */
export interface DhAgreement {
  /** Our dh_Yc, left-padded to the prime's length as OpenSSL sends it. */
  readonly publicKey: Uint8Array;
  /** The pre_master_secret: the agreed value with its leading zero bytes stripped (RFC 5246 §8.1.2). */
  readonly premaster: Uint8Array;
}

export type KeyKind = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448';

export interface PublicKeyInfo {
  readonly kind: KeyKind;
  /** 'P-256' | 'P-384' | 'P-521' for EC keys. */
  readonly curve?: string;
  /** Modulus size for RSA keys. */
  readonly bits?: number;
}

export interface VerifyingKey extends PublicKeyInfo {
  verify(scheme: number, data: Uint8Array, signature: Uint8Array): boolean;
  /**
   * RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1), for the TLS 1.2 RSA key exchange's
   * EncryptedPreMasterSecret (RFC 5246 §7.4.7.1). Present on 'rsa' keys only.
   */
  encryptPkcs1v15?(data: Uint8Array): Uint8Array;
}

export interface SigningKey extends PublicKeyInfo {
  sign(scheme: number, data: Uint8Array): Uint8Array;
  /**
   * Raw RSA decryption (RSADP, RFC 8017 §5.1.2) with no padding check, always the modulus length.
   * Only for the Bleichenbacher countermeasure in tls12/key-exchange.ts, which checks the padding
   * without branching; throws for a ciphertext not below the modulus. Present on 'rsa' keys only.
   */
  decryptRaw?(ciphertext: Uint8Array): Uint8Array;
}

/** What the handshake needs from an X.509 certificate, parsed once. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: number; // ms since epoch
  readonly notAfter: number;
  readonly isCA: boolean;
  /** DNS names from subjectAltName. */
  readonly dnsNames: readonly string[];
  /** IP addresses from subjectAltName, in text form. */
  readonly ipAddresses: readonly string[];
  readonly subjectAltName: string | undefined;
  readonly publicKey: VerifyingKey;
  /** SHA-256 of the certificate DER, hex. */
  readonly fingerprint256: string;
  /** Issuer name and key match `issuer`'s subject (no signature check). */
  isIssuedBy(issuer: ParsedCertificate): boolean;
  /** The signature on this certificate verifies with `issuer`'s public key. */
  verifySignedBy(issuer: ParsedCertificate): boolean;
  /** Node-compatible fields for getPeerCertificate(). */
  readonly raw: unknown;
}

export interface CryptoProvider {
  randomBytes(n: number): Uint8Array;
  /** Milliseconds since the epoch. */
  now(): number;

  /** 'sha1' is for identifiers only (IdentifierHashName); createHash and hmac stay SHA-2. */
  hash(alg: HashName | IdentifierHashName, data: Uint8Array): Uint8Array;
  createHash(alg: HashName): IncrementalHash;
  /** Only reads `key` and `data`: callers may pass shared constants. */
  hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** Constant-time comparison of equal-length values (false when lengths differ). */
  equal(a: Uint8Array, b: Uint8Array): boolean;

  createAead(alg: AeadName, key: Uint8Array): Aead;
  /** HMAC over the concatenation of `parts`, for TLS 1.2 record MACs only (MacHashName). */
  mac(alg: MacHashName, key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
  createCbc(alg: CbcName, key: Uint8Array): Cbc;

  /** A fresh ephemeral key for a named group; undefined when the group is not supported. */
  generateKeyShare(group: number): KeyShare | undefined;
  supportsGroup(group: number): boolean;

  /**
   * DH over a prime and generator the peer chose (TLS 1.2 DHE client), with a fresh exponent:
   * full length for an unknown prime, short (RFC 7919 §5.2) for safe primes OpenSSL knows.
   * No policy: tls12/key-exchange.ts decides first whether p and g are acceptable.
   * Throws TLSError(illegal_parameter) unless 1 < peerPublic < p-1.
   */
  dhAgreeWithParams(p: Uint8Array, g: Uint8Array, peerPublic: Uint8Array): DhAgreement;
  /**
   * Probabilistic primality test (error below 2^-128), remembered per value within a bound, so a
   * server's custom DH prime costs one test (≈ 115 ms at 2048 bits, ≈ 1.7 s at 4096) per process.
   */
  isProbablePrime(n: Uint8Array): boolean;

  /** PEM (PKCS#8, PKCS#1, SEC1) or DER PKCS#8. */
  loadPrivateKey(key: string | Uint8Array, passphrase?: string): SigningKey;
  parseCertificate(der: Uint8Array): ParsedCertificate;
}
