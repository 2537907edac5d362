import { CipherSuite } from '../wire/codes.js';
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
