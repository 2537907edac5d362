// `handshake connect` options, as commander hands them over, checked and turned into a plan:
// the node adapter's connect() options plus what the command itself does around the connection.
// Every mistake here is a usage error (exit 64), reported before any socket is opened.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveClientConfig } from '../../client/config.js';
import { nodeProvider } from '../../crypto/node.js';
import type { ConnectOptions } from '../../node/connect.js';
import { clientConfigFrom } from '../../node/options.js';

/** What commander parsed (attribute names as commander derives them from the flags). */
export interface RawConnectOptions {
  servername?: string;
  'tls1.2'?: boolean;
  'tls1.3'?: boolean;
  minVersion?: string;
  maxVersion?: string;
  ciphers?: string;
  groups?: string;
  sigalgs?: string;
  alpn?: string;
  ca?: string;
  cert?: string;
  key?: string;
  pass?: string;
  insecure?: boolean;
  sessionIn?: string;
  sessionOut?: string;
  earlyData?: string;
  keylog?: string;
  send?: string;
  timeout: number;
  wait: number;
  json?: boolean;
  hexdump?: boolean;
  html?: string;
  color: boolean;
}

/** Where the application data we send comes from. */
export type Input = { kind: 'none' } | { kind: 'text'; data: Buffer } | { kind: 'stdin' };

export interface ConnectPlan {
  host: string;
  port: number;
  /** The name checked against the certificate (and sent as SNI unless an IP address). */
  servername: string;
  /** connect() options, without the socket. */
  tls: ConnectOptions;
  insecure: boolean;
  sessionIn: string | undefined;
  sessionOut: string | undefined;
  earlyData: Buffer | undefined;
  /** --keylog and SSLKEYLOGFILE, each once. */
  keylogFiles: string[];
  input: Input;
  timeoutMs: number;
  waitMs: number;
  json: boolean;
  /** Every handshake message annotated byte by byte after the ladder (trace events carry their bytes). */
  hexdump: boolean;
  /** --html: where the page goes, written after the run whatever its outcome. */
  html: string | undefined;
  color: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_PORT = 443;

/** "host", "host:port", "[v6]:port", or a bare IPv6 address. */
export function parseTarget(target: string): { host: string; port: number } {
  let host = target;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(target);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if (target.split(':').length === 2) {
    [host, port] = target.split(':') as [string, string];
  }
  if (!host) throw new UsageError(`no host in "${target}"`);
  if (port === undefined) return { host, port: DEFAULT_PORT };
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new UsageError(`bad port in "${target}" (expected 1-65535)`);
  return { host, port: n };
}

const VERSIONS: Record<string, 'TLSv1.2' | 'TLSv1.3'> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

/** "1.2", "TLSv1.2", "tls1.2", "TLS1.3" … */
function parseVersion(flag: string, value: string): 'TLSv1.2' | 'TLSv1.3' {
  const v = VERSIONS[value.toLowerCase().replace(/^tls(v)?/, '')];
  if (!v) throw new UsageError(`${flag} ${value}: expected 1.2 or 1.3 (TLS 1.0 and 1.1 are not spoken)`);
  return v;
}

function versions(raw: RawConnectOptions): Pick<ConnectOptions, 'minVersion' | 'maxVersion'> {
  const only12 = raw['tls1.2'];
  const only13 = raw['tls1.3'];
  if (only12 && only13) throw new UsageError('give --tls1.2 or --tls1.3, not both (--min-version/--max-version set a range)');
  if ((only12 || only13) && (raw.minVersion || raw.maxVersion)) throw new UsageError('--tls1.2/--tls1.3 and --min-version/--max-version do not mix');
  if (only12) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
  if (only13) return { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
  const min = raw.minVersion === undefined ? undefined : parseVersion('--min-version', raw.minVersion);
  const max = raw.maxVersion === undefined ? undefined : parseVersion('--max-version', raw.maxVersion);
  if (min === 'TLSv1.3' && max === 'TLSv1.2') throw new UsageError('--min-version is above --max-version');
  return { ...(min ? { minVersion: min } : {}), ...(max ? { maxVersion: max } : {}) };
}

function readInput(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UsageError(`${flag} ${path}: ${reason}`);
  }
}

/**
 * --html's file, checked before any socket opens so a typo costs no connection: its directory
 * exists, and it is not itself a directory. Whether it can be written is found out at the end.
 */
function htmlTarget(path: string): string {
  if (!path) throw new UsageError('--html needs a file name');
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  const dir = stat(dirname(resolve(path)));
  if (!dir?.isDirectory()) throw new UsageError(`--html ${path}: no such directory`);
  if (stat(path)?.isDirectory()) throw new UsageError(`--html ${path}: is a directory`);
  return path;
}

/** OpenSSL lists are colon-separated; commas are accepted too, as --alpn takes them. */
const colonList = (value: string): string => value.split(/[,:]/).map((s) => s.trim()).filter(Boolean).join(':');

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\' };

/** --send's text with \r \n \t \0 \\ and \xHH escapes, so an HTTP request fits on the command line. */
export function unescapeSend(text: string): Buffer {
  const out = text.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (whole, e: string) => {
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? whole;
  });
  return Buffer.from(out, 'latin1');
}

/** The core names node:tls options; the user typed our flags. */
function inFlagTerms(message: string): string {
  return message.replace(/\becdhCurve\b/, '--groups').replace(/\bciphers\b/, '--ciphers').replace(/\bsigalgs\b/, '--sigalgs');
}

/**
 * The plan for one run. `env` supplies SSLKEYLOGFILE; `stdinIsTTY` decides, as for s_client,
 * whether stdin is data to send (a pipe or a file) or a terminal (then only the handshake runs).
 */
export function buildPlan(
  target: string,
  raw: RawConnectOptions,
  context: { env: NodeJS.ProcessEnv; stdinIsTTY: boolean },
): ConnectPlan {
  const { host, port } = parseTarget(target);
  if ((raw.cert === undefined) !== (raw.key === undefined)) throw new UsageError('--cert and --key go together');
  const ca = raw.ca === undefined ? undefined : readInput('--ca', raw.ca);
  const session = raw.sessionIn === undefined ? undefined : readInput('--session-in', raw.sessionIn);
  const earlyData = raw.earlyData === undefined ? undefined : readInput('--early-data', raw.earlyData);
  const servername = raw.servername ?? host;
  const html = raw.html === undefined ? undefined : htmlTarget(raw.html);
  const tls: ConnectOptions = {
    host,
    port,
    servername,
    ...versions(raw),
    ...(raw.ciphers ? { ciphers: colonList(raw.ciphers) } : {}),
    ...(raw.groups ? { ecdhCurve: colonList(raw.groups) } : {}),
    ...(raw.sigalgs ? { sigalgs: colonList(raw.sigalgs) } : {}),
    ...(raw.alpn ? { ALPNProtocols: raw.alpn.split(',').map((p) => p.trim()).filter(Boolean) } : {}),
    ...(ca ? { ca } : {}),
    ...(raw.cert !== undefined ? { cert: readInput('--cert', raw.cert), key: readInput('--key', raw.key!) } : {}),
    ...(raw.pass !== undefined ? { passphrase: raw.pass } : {}),
    rejectUnauthorized: !raw.insecure,
    ...(session ? { session } : {}),
    ...(earlyData?.length ? { earlyData } : {}),
  };
  // The core's own checks (unknown suites, groups, sigalgs, a key that does not load, a session
  // file that does not decode), run now so they are usage errors and not handshake failures.
  try {
    resolveClientConfig(clientConfigFrom({ ...tls, host }, nodeProvider));
  } catch (err) {
    throw new UsageError(inFlagTerms(err instanceof Error ? err.message : String(err)));
  }
  const keylogFiles = [...new Set([raw.keylog, context.env.SSLKEYLOGFILE].filter((f): f is string => Boolean(f)))];
  const input: Input =
    raw.send !== undefined ? { kind: 'text', data: unescapeSend(raw.send) } : context.stdinIsTTY ? { kind: 'none' } : { kind: 'stdin' };
  return {
    host,
    port,
    servername,
    tls,
    insecure: Boolean(raw.insecure),
    sessionIn: raw.sessionIn,
    sessionOut: raw.sessionOut,
    earlyData,
    keylogFiles,
    input,
    timeoutMs: raw.timeout,
    waitMs: raw.wait,
    json: Boolean(raw.json),
    hexdump: Boolean(raw.hexdump),
    html,
    color: raw.color,
  };
}
