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
   * the record layer can seal content and its trailer without first joining them (DESIGN §6).
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void;
  /** null when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

/** An ephemeral (EC)DH private key for one key_share. */
export interface KeyShare {
  readonly group: number;
  readonly publicKey: Uint8Array;
  /** Throws TLSError(illegal_parameter) for an invalid or low-order peer value. */
  agree(peerPublic: Uint8Array): Uint8Array;
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
}

export interface SigningKey extends PublicKeyInfo {
  sign(scheme: number, data: Uint8Array): Uint8Array;
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
  hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** Constant-time comparison of equal-length values (false when lengths differ). */
  equal(a: Uint8Array, b: Uint8Array): boolean;

  createAead(alg: AeadName, key: Uint8Array): Aead;

  /** A fresh ephemeral key for a named group; undefined when the group is not supported. */
  generateKeyShare(group: number): KeyShare | undefined;
  supportsGroup(group: number): boolean;

  /** PEM (PKCS#8, PKCS#1, SEC1) or DER PKCS#8. */
  loadPrivateKey(key: string | Uint8Array, passphrase?: string): SigningKey;
  parseCertificate(der: Uint8Array): ParsedCertificate;
}
