// `handshake connect HOST[:PORT]`: like `openssl s_client`, drawn as a ladder with timings (issue 6).
// Exit codes: 0 ok, 1 verification failed, 2 handshake failed, 3 connection failed, 64 usage, 73 --html not written.
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { EXIT, type Failure, usageFailure } from './connect/failure.js';
import { renderHtml } from './connect/html.js';
import { type ConnectReport, buildReport } from './connect/json.js';
import { type ConnectPlan, type RawConnectOptions, UsageError, buildPlan } from './connect/options.js';
import { runConnect } from './connect/run.js';
import { formatHuman } from './connect/summary.js';
import { renderHexdump, renderRecords } from './hexdump.js';

/** Once the output is written, the process exits within this time even if a handle (stdin, a socket) lingers. */
const EXIT_GRACE_MS = 2000;

function milliseconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0) throw new InvalidArgumentError('expected a positive whole number of milliseconds');
  return n;
}

function printError(line: string, color: boolean): void {
  const c = pc.createColors(color);
  const [prefix, ...rest] = line.split(': ');
  process.stderr.write(`${c.red(prefix!)}: ${rest.join(': ')}\n`);
}

function usageExit(failure: Failure, color: boolean): void {
  printError(failure.message, color);
  process.exitCode = failure.exitCode;
}

/** A bug of ours: one line, never a stack trace, and an exit code of its own (sysexits EX_SOFTWARE). */
const INTERNAL_ERROR = 70;
/** The --html file could not be written (sysexits EX_CANTCREAT); a failed run's own code wins. */
const HTML_NOT_WRITTEN = 73;

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

/** Writes the page; false (and one line on stderr) when the file cannot be written. */
function writeHtml(file: string, report: ConnectReport, color: boolean): boolean {
  try {
    writeFileSync(file, renderHtml(report));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    printError(`html not written: ${file}: ${(code && WRITE_ERRORS[code]) ?? (err as Error).message}`, color);
    return false;
  }
}

async function action(target: string, raw: RawConnectOptions): Promise<void> {
  try {
    await connectCommand(target, raw);
  } catch (err) {
    printError(`internal error: ${err instanceof Error ? err.message : String(err)}`, false);
    process.exitCode = INTERNAL_ERROR;
  }
}

async function connectCommand(target: string, raw: RawConnectOptions): Promise<void> {
  const color = raw.color && pc.isColorSupported && !raw.json;
  let plan: ConnectPlan;
  try {
    plan = buildPlan(target, { ...raw, color }, { env: process.env, stdinIsTTY: Boolean(process.stdin.isTTY) });
  } catch (err) {
    if (err instanceof UsageError) return usageExit(usageFailure(err.message), color);
    throw err;
  }
  const rec = await runConnect(plan, { stdin: process.stdin });
  const result: ConnectReport = buildReport(rec);
  if (plan.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.ladder.length || result.handshake) process.stdout.write(formatHuman(result, color));
  if (plan.hexdump && !plan.json) {
    process.stdout.write(`\nrecords on the wire\n${renderRecords(rec.records, rec.trace, { color })}\n`);
    process.stdout.write(`\nhandshake messages\n${renderHexdump(rec.trace, { color })}\n`);
  }
  if (result.result.error) printError(result.result.error.message, color);
  const written = plan.html === undefined || writeHtml(plan.html, result, color);
  const exitCode = written || result.result.exitCode !== EXIT.ok ? result.result.exitCode : HTML_NOT_WRITTEN;
  process.exitCode = exitCode;
  setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
}

export function registerConnectCommand(program: Command): void {
  const usage = (err: { exitCode: number }) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  program
    .command('connect')
    .description('connect to HOST[:PORT] over TLS and show the handshake as a ladder, with what was negotiated, the certificates and timings')
    .argument('<target>', 'HOST[:PORT] (default port 443; [v6]:port for IPv6)')
    .option('--servername <name>', 'SNI and the name the certificate must match (default: HOST)')
    .option('--tls1.2', 'speak TLS 1.2 only')
    .option('--tls1.3', 'speak TLS 1.3 only')
    .option('--min-version <version>', 'lowest version to accept: 1.2 or 1.3')
    .option('--max-version <version>', 'highest version to offer: 1.2 or 1.3')
    .option('--ciphers <list>', 'cipher suites, colon- or comma-separated (TLS 1.3 IANA names, TLS 1.2 OpenSSL or IANA names)')
    .option('--groups <list>', 'key exchange groups in order of preference, e.g. X25519:P-256')
    .option('--sigalgs <list>', 'signature algorithms, e.g. ECDSA+SHA256:rsa_pss_rsae_sha256')
    .option('--alpn <list>', 'ALPN protocols to offer, comma-separated, e.g. h2,http/1.1')
    .option('--ca <file>', "trust anchors (PEM) instead of Node's bundled roots")
    .option('--cert <file>', 'client certificate chain (PEM), for servers that ask for one')
    .option('--key <file>', 'private key of --cert (PEM)')
    .option('--pass <passphrase>', 'passphrase of an encrypted --key')
    .option('--insecure', 'go on when the certificate does not verify (the error is reported, exit code 1)')
    .option('--session-in <file>', 'resume the session saved in FILE')
    .option('--session-out <file>', 'save the last session the server gives, for --session-in')
    .option('--early-data <file>', 'send FILE as 0-RTT early data (with --session-in of a TLS 1.3 session that allows it)')
    .option('--keylog <file>', 'append NSS key log lines to FILE (SSLKEYLOGFILE is honoured too)')
    .option('--send <text>', 'send TEXT after the handshake (\\r \\n \\t \\xHH escapes) and print the answer; default: stdin unless a terminal')
    .option('--timeout <ms>', 'limit for the TCP connect and for the TLS handshake, each', milliseconds, 10_000)
    .option('--wait <ms>', 'after sending, how long the server may stay quiet before we close', milliseconds, 1_000)
    .option('--json', 'print one JSON object (docs/cli-connect-json.md) instead of the ladder and summary')
    .option('--hexdump', 'after the ladder, every handshake message, alert and ChangeCipherSpec byte by byte, each field named')
    .option('--html <file>', 'also write FILE: a self-contained page with the ladder as a sequence diagram and the summary (written when the handshake fails too)')
    .option('--no-color', 'plain output')
    .exitOverride(usage)
    .action(action);
}
