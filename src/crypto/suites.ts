import { CipherSuite, Tls12CipherSuite } from '../wire/codes.js';
import type { AeadName, HashName } from './provider.js';

/** A TLS 1.3 cipher suite: RFC 8446 §B.4. */
export interface Tls13Suite {
  readonly id: number;
  readonly name: string;
  /** OpenSSL-style name, as node:tls getCipher() reports in `standardName`/`name`. */
  readonly opensslName: string;
  readonly aead: AeadName;
  readonly hash: HashName;
  readonly hashLength: number;
  readonly keyLength: number;
  readonly ivLength: number;
}

export const TLS13_SUITES: readonly Tls13Suite[] = [
  { id: CipherSuite.TLS_AES_128_GCM_SHA256, name: 'TLS_AES_128_GCM_SHA256', opensslName: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', hash: 'sha256', hashLength: 32, keyLength: 16, ivLength: 12 },
  { id: CipherSuite.TLS_AES_256_GCM_SHA384, name: 'TLS_AES_256_GCM_SHA384', opensslName: 'TLS_AES_256_GCM_SHA384', aead: 'aes-256-gcm', hash: 'sha384', hashLength: 48, keyLength: 32, ivLength: 12 },
  { id: CipherSuite.TLS_CHACHA20_POLY1305_SHA256, name: 'TLS_CHACHA20_POLY1305_SHA256', opensslName: 'TLS_CHACHA20_POLY1305_SHA256', aead: 'chacha20-poly1305', hash: 'sha256', hashLength: 32, keyLength: 32, ivLength: 12 },
];

const byId = new Map(TLS13_SUITES.map((s) => [s.id, s]));
const byName = new Map(TLS13_SUITES.map((s) => [s.name, s]));

export const tls13Suite = (id: number): Tls13Suite | undefined => byId.get(id);
export const tls13SuiteByName = (name: string): Tls13Suite | undefined => byName.get(name);

export const DEFAULT_TLS13_SUITES: readonly number[] = TLS13_SUITES.map((s) => s.id);

// ---------------------------------------------------------------------------------------------
// TLS 1.2 (RFC 5246). A suite fixes key exchange, authentication, record protection and the PRF
// hash; the record layer and tls12/keys.ts read the lengths from here.

export { Tls12CipherSuite };

export type Tls12KeyExchange = 'ECDHE' | 'DHE' | 'RSA';
export type Tls12Authentication = 'ECDSA' | 'RSA';

/**
 * AEAD record protection. The nonce is fixedIvLength bytes from the key block followed by
 * recordIvLength bytes sent with each record: AES-GCM is 4 + 8 (RFC 5288 §3), ChaCha20-Poly1305 is
 * a 12-byte IV XORed with the sequence number and nothing on the wire (RFC 7905 §2).
 */
export interface Tls12AeadCipher {
  readonly kind: 'aead';
  readonly aead: AeadName;
  readonly fixedIvLength: number;
  readonly recordIvLength: number;
}

/**
 * CBC with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2). In TLS 1.2 every record carries its own
 * block-sized IV, so nothing of the IV comes from the key block.
 */
export interface Tls12CbcCipher {
  readonly kind: 'cbc';
  readonly cipher: 'aes-128-cbc' | 'aes-256-cbc';
  /** The HMAC hash; SHA-1 is fine here since HMAC-SHA1 does not rest on collision resistance. */
  readonly mac: 'sha1' | 'sha256' | 'sha384';
  readonly macLength: number;
  readonly macKeyLength: number;
  readonly fixedIvLength: 0;
  /** RFC 5246 §6.2.3.2: the explicit IV is one cipher block. */
  readonly recordIvLength: 16;
}

export type Tls12Cipher = Tls12AeadCipher | Tls12CbcCipher;

/** A TLS 1.2 cipher suite (RFC 5246 §A.5 and the RFCs that added ECDHE, GCM and ChaCha20). */
export interface Tls12Suite {
  readonly id: number;
  /** IANA name. */
  readonly name: string;
  /** OpenSSL name, as node:tls getCipher().name reports it. */
  readonly opensslName: string;
  readonly keyExchange: Tls12KeyExchange;
  /** What the server's certificate key must be. */
  readonly authentication: Tls12Authentication;
  readonly cipher: Tls12Cipher;
  /** RFC 5246 §5: SHA-256 unless the suite names SHA-384; the SHA-1 CBC suites use SHA-256 too. */
  readonly prfHash: HashName;
  /** Bulk encryption key length. */
  readonly keyLength: number;
  /** The key exchange is ephemeral (ECDHE, DHE); RSA key transport is not. */
  readonly forwardSecret: boolean;
  /** CBC or RSA key transport: kept for old peers, never offered unless asked for. */
  readonly legacy: boolean;
}

const gcm = (aead: 'aes-128-gcm' | 'aes-256-gcm'): Tls12AeadCipher => ({ kind: 'aead', aead, fixedIvLength: 4, recordIvLength: 8 });
const CHACHA: Tls12AeadCipher = { kind: 'aead', aead: 'chacha20-poly1305', fixedIvLength: 12, recordIvLength: 0 };

// RFC 5246 §6.2.3.1: the MAC key is as long as the hash output for the HMAC in use.
const MAC_LENGTHS = { sha1: 20, sha256: 32, sha384: 48 } as const;
const cbc = (cipher: Tls12CbcCipher['cipher'], mac: Tls12CbcCipher['mac']): Tls12CbcCipher => ({
  kind: 'cbc',
  cipher,
  mac,
  macLength: MAC_LENGTHS[mac],
  macKeyLength: MAC_LENGTHS[mac],
  fixedIvLength: 0,
  recordIvLength: 16,
});

function tls12(name: keyof typeof Tls12CipherSuite, opensslName: string, keyExchange: Tls12KeyExchange, authentication: Tls12Authentication, cipher: Tls12Cipher, prfHash: HashName): Tls12Suite {
  const keyLength = cipher.kind === 'aead' ? (cipher.aead === 'aes-128-gcm' ? 16 : 32) : cipher.cipher === 'aes-128-cbc' ? 16 : 32;
  const forwardSecret = keyExchange !== 'RSA';
  return {
    id: Tls12CipherSuite[name],
    name,
    opensslName,
    keyExchange,
    authentication,
    cipher,
    prfHash,
    keyLength,
    forwardSecret,
    legacy: cipher.kind === 'cbc' || !forwardSecret,
  };
}

/** Ordered by preference: the table order is the default order, legacy suites after the rest. */
export const TLS12_SUITES: readonly Tls12Suite[] = [
  tls12('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE', 'ECDSA', gcm('aes-128-gcm'), 'sha256'),
  tls12('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE', 'ECDSA', gcm('aes-256-gcm'), 'sha384'),
  tls12('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE', 'ECDSA', CHACHA, 'sha256'),
  tls12('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE', 'RSA', gcm('aes-128-gcm'), 'sha256'),
  tls12('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE', 'RSA', gcm('aes-256-gcm'), 'sha384'),
  tls12('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE', 'RSA', CHACHA, 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256', 'DHE', 'RSA', gcm('aes-128-gcm'), 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384', 'DHE', 'RSA', gcm('aes-256-gcm'), 'sha384'),
  tls12('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305', 'DHE', 'RSA', CHACHA, 'sha256'),

  tls12('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE', 'ECDSA', cbc('aes-128-cbc', 'sha256'), 'sha256'),
  tls12('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE', 'ECDSA', cbc('aes-256-cbc', 'sha384'), 'sha384'),
  tls12('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE', 'RSA', cbc('aes-128-cbc', 'sha256'), 'sha256'),
  tls12('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE', 'RSA', cbc('aes-256-cbc', 'sha384'), 'sha384'),
  tls12('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE', 'ECDSA', cbc('aes-128-cbc', 'sha1'), 'sha256'),
  tls12('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE', 'ECDSA', cbc('aes-256-cbc', 'sha1'), 'sha256'),
  tls12('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE', 'RSA', cbc('aes-128-cbc', 'sha1'), 'sha256'),
  tls12('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE', 'RSA', cbc('aes-256-cbc', 'sha1'), 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256', 'DHE', 'RSA', cbc('aes-128-cbc', 'sha256'), 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256', 'DHE', 'RSA', cbc('aes-256-cbc', 'sha256'), 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA', 'DHE', 'RSA', cbc('aes-128-cbc', 'sha1'), 'sha256'),
  tls12('TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA', 'DHE', 'RSA', cbc('aes-256-cbc', 'sha1'), 'sha256'),
  tls12('TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256', 'RSA', 'RSA', gcm('aes-128-gcm'), 'sha256'),
  tls12('TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384', 'RSA', 'RSA', gcm('aes-256-gcm'), 'sha384'),
  tls12('TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256', 'RSA', 'RSA', cbc('aes-128-cbc', 'sha256'), 'sha256'),
  tls12('TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256', 'RSA', 'RSA', cbc('aes-256-cbc', 'sha256'), 'sha256'),
  tls12('TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', 'RSA', 'RSA', cbc('aes-128-cbc', 'sha1'), 'sha256'),
  tls12('TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA', 'RSA', 'RSA', cbc('aes-256-cbc', 'sha1'), 'sha256'),
];

const tls12ById = new Map(TLS12_SUITES.map((s) => [s.id, s]));
const tls12ByName = new Map(TLS12_SUITES.map((s) => [s.name, s]));
const tls12ByOpensslName = new Map(TLS12_SUITES.map((s) => [s.opensslName, s]));

export const tls12Suite = (id: number): Tls12Suite | undefined => tls12ById.get(id);
export const tls12SuiteByName = (name: string): Tls12Suite | undefined => tls12ByName.get(name);
/** Case-insensitive, since node:tls getCiphers() lists OpenSSL names in lower case. */
export const tls12SuiteByOpensslName = (name: string): Tls12Suite | undefined => tls12ByOpensslName.get(name.toUpperCase());

/**
 * Offered unless configured otherwise: forward-secret AEAD suites only, ECDSA before RSA
 * certificates, AES-GCM before ChaCha20 (AES-NI is the common case), DHE last since the server
 * picks the group and old servers still pick 1024-bit ones.
 */
export const DEFAULT_TLS12_SUITES: readonly number[] = TLS12_SUITES.filter((s) => !s.legacy).map((s) => s.id);
