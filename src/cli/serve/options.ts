// `handshake serve` options: commander's raw values checked and turned into one plain object.
// Everything a user can get wrong on the command line is refused here, before a port is bound,
// as one line and exit 64 (EX_USAGE, sysexits.h).
import { parseGroupList } from '../../crypto/groups.js';
import { parseCiphers } from '../../node/options.js';
import { MAX_EARLY_DATA_LIMIT } from '../../server/config.js';

export const EX_USAGE = 64;

/** A bad option or option file: one line for the user, exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What commander hands the action (option names as commander spells them). */
export interface RawServeOptions {
  port: string;
  host: string;
  cert: string[];
  key: string[];
  'tls1.2'?: boolean;
  'tls1.3'?: boolean;
  ciphers?: string;
  groups?: string;
  alpn?: string;
  requestCert?: boolean;
  requireCert?: boolean;
  ca?: string;
  ocsp?: string;
  earlyData?: boolean | string;
  keylog?: string;
  http?: boolean;
  echo?: boolean;
  trace?: boolean;
  color: boolean;
}

export type ServeMode = 'http' | 'echo' | 'print';

/** A key-log file and what named it, for messages about it. */
export interface KeylogFile {
  path: string;
  from: '--keylog' | 'SSLKEYLOGFILE';
}

export interface ServeOptions {
  port: number;
  host: string;
  /** --cert/--key files, paired by position; empty: a generated self-signed certificate. */
  pairs: Array<{ cert: string; key: string }>;
  version?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  /** node:tls ecdhCurve syntax (X25519:P-256). */
  groups?: string;
  alpn?: string[];
  /** 'request': ask, accept any answer; 'require': refuse a client without a valid certificate. */
  clientCert?: 'request' | 'require';
  ca?: string;
  ocsp?: string;
  /** Bytes of 0-RTT data accepted (RFC 8446 §4.2.10); 0: none. */
  maxEarlyData: number;
  /** Files to append key-log lines to: --keylog and SSLKEYLOGFILE (as curl, browsers and connect), each once. */
  keylogs: KeylogFile[];
  mode: ServeMode;
  trace: boolean;
  color: boolean;
}

export const DEFAULT_EARLY_DATA = 16384;

function integer(value: string, what: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

/** `env` supplies SSLKEYLOGFILE (the caller passes process.env; tests their own). */
export function parseServeOptions(raw: RawServeOptions, env: { SSLKEYLOGFILE?: string } = {}): ServeOptions {
  const port = integer(raw.port, '--port', 0, 65535);
  if (raw.cert.length !== raw.key.length) {
    throw new UsageError(`--cert and --key come in pairs: got ${raw.cert.length} --cert and ${raw.key.length} --key`);
  }
  const pairs = raw.cert.map((cert, i) => ({ cert, key: raw.key[i]! }));

  if (raw['tls1.2'] && raw['tls1.3']) throw new UsageError('give --tls1.2 or --tls1.3, not both (neither speaks both)');
  const version = raw['tls1.2'] ? 'TLSv1.2' : raw['tls1.3'] ? 'TLSv1.3' : undefined;

  if (raw.ciphers !== undefined) {
    try {
      parseCiphers(raw.ciphers);
    } catch (err) {
      throw new UsageError(`--ciphers: ${(err as Error).message}`);
    }
  }
  if (raw.groups !== undefined) {
    try {
      parseGroupList(raw.groups);
    } catch (err) {
      throw new UsageError(`--groups: ${(err as Error).message.replace(' in ecdhCurve', '')}`);
    }
  }

  const modes = (['http', 'echo'] as const).filter((m) => raw[m]);
  if (modes.length > 1) throw new UsageError('give --http or --echo, not both');
  const mode: ServeMode = modes[0] ?? 'print';

  let alpn: string[] | undefined;
  if (raw.alpn !== undefined) {
    alpn = raw.alpn.split(',').map((p) => p.trim());
    // RFC 7301 §3.1: each protocol name is 1 to 255 bytes.
    const bad = alpn.find((p) => p.length === 0 || Buffer.byteLength(p) > 255);
    if (bad !== undefined) throw new UsageError(`--alpn: protocol names are 1 to 255 bytes, comma-separated ("${raw.alpn}")`);
  }
  if (mode === 'http') {
    // node:http speaks HTTP/1.1 only: agreeing on h2 would leave the client talking to nobody.
    if (alpn && alpn.some((p) => p !== 'http/1.1')) throw new UsageError('--http speaks HTTP/1.1 only: --alpn may list only http/1.1');
    alpn = ['http/1.1'];
  }

  if (raw.requestCert && raw.requireCert) throw new UsageError('give --request-cert or --require-cert, not both');
  const clientCert = raw.requireCert ? 'require' : raw.requestCert ? 'request' : undefined;
  if (raw.ca !== undefined && !clientCert) throw new UsageError('--ca names who may issue client certificates: add --request-cert or --require-cert');
  if (clientCert === 'require' && raw.ca === undefined) throw new UsageError('--require-cert needs --ca FILE, the CA client certificates must chain to');

  let maxEarlyData = 0;
  if (raw.earlyData !== undefined && raw.earlyData !== false) {
    maxEarlyData = raw.earlyData === true ? DEFAULT_EARLY_DATA : integer(raw.earlyData, '--early-data', 1, MAX_EARLY_DATA_LIMIT);
    if (version === 'TLSv1.2') throw new UsageError('--early-data is TLS 1.3 only (RFC 8446 §2.3): drop --tls1.2');
  }
  if (raw.ocsp !== undefined && !pairs.length) throw new UsageError('--ocsp staples a response for a certificate you give: add --cert and --key');

  return {
    port,
    host: raw.host,
    pairs,
    ...(version ? { version } : {}),
    ...(raw.ciphers !== undefined ? { ciphers: raw.ciphers } : {}),
    ...(raw.groups !== undefined ? { groups: raw.groups } : {}),
    ...(alpn ? { alpn } : {}),
    ...(clientCert ? { clientCert } : {}),
    ...(raw.ca !== undefined ? { ca: raw.ca } : {}),
    ...(raw.ocsp !== undefined ? { ocsp: raw.ocsp } : {}),
    maxEarlyData,
    keylogs: keylogFiles(raw.keylog, env.SSLKEYLOGFILE),
    mode,
    trace: Boolean(raw.trace),
    color: raw.color,
  };
}

function keylogFiles(flag: string | undefined, variable: string | undefined): KeylogFile[] {
  const files: KeylogFile[] = [];
  if (flag) files.push({ path: flag, from: '--keylog' });
  if (variable && variable !== flag) files.push({ path: variable, from: 'SSLKEYLOGFILE' });
  return files;
}
