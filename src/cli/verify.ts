// `handshake verify`: validate a certificate chain as our TLS client would, like `openssl verify`
// but with path building, and print the path it built or the reason it failed.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { nodeProvider } from '../crypto/node.js';
import type { ParsedCertificate } from '../crypto/provider.js';
import { TLSError } from '../errors.js';
import { nodeRootTrustStore } from '../node/certs.js';
import { certificateInfo, describePublicKey, spkiSha256 } from '../pki/certificate.js';
import { CrlStore, parseCrls } from '../pki/crl.js';
import { pemToDer } from '../pki/pem.js';
import type { CertificatePurpose } from '../pki/policy.js';
import { TrustStore } from '../pki/roots.js';
import { verifyCertificateChain } from '../pki/verify.js';

export interface VerifyCommandOptions {
  ca: string[];
  untrusted: string[];
  host?: string;
  ip?: string;
  time?: string;
  purpose: string;
  pin: string[];
  /** --crl files; absent or empty: no revocation checking. */
  crl?: string[];
  json?: boolean;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  key: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: the value for pins. */
  spkiSha256: string;
  fingerprint256: string;
  trustAnchor: boolean;
}

export type VerifyReport =
  | { valid: true; purpose: CertificatePurpose; time: string; host?: string; ip?: string; chain: CertificateSummary[] }
  | { valid: false; code: string; alert: string; message: string };

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

function summarize(cert: ParsedCertificate, trustAnchor: boolean): CertificateSummary {
  const info = certificateInfo(cert);
  return {
    subject: info.subject.text,
    issuer: info.issuer.text,
    serialNumber: info.serialNumber,
    notBefore: iso(info.notBefore),
    notAfter: iso(info.notAfter),
    key: describePublicKey(info.key),
    spkiSha256: spkiSha256(info, nodeProvider),
    fingerprint256: cert.fingerprint256,
    trustAnchor,
  };
}

/** Every CERTIFICATE block in the file; DER when it holds none and looks like DER. */
function readCertificates(path: string): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(path));
  const blocks = pemToDer(new TextDecoder('latin1').decode(bytes));
  if (blocks.length > 0) return blocks;
  if (bytes[0] === 0x30) return [bytes];
  throw new Error(`${path}: no certificate found (expected PEM or DER)`);
}

/** Every CRL in the file (PEM "X509 CRL" blocks or DER); a file with none is an error naming it. */
function readCrls(path: string): CrlStore['crls'] {
  try {
    return parseCrls(new Uint8Array(readFileSync(path)));
  } catch (err) {
    if (err instanceof TLSError) throw new Error(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** Runs one verification and returns the report and the exit code (0 valid, 1 not). */
export function runVerify(leafPath: string, options: VerifyCommandOptions): { report: VerifyReport; exitCode: number } {
  const purpose = options.purpose;
  if (purpose !== 'server' && purpose !== 'client') throw new Error(`--purpose must be server or client, not ${purpose}`);
  if (options.host !== undefined && options.ip !== undefined) throw new Error('give --host or --ip, not both');
  const time = options.time === undefined ? Date.now() : Date.parse(options.time);
  if (!Number.isFinite(time)) throw new Error(`--time ${options.time}: not an ISO 8601 date`);
  // The leaf file may be a full chain (leaf first), as servers are configured with.
  const [leaf, ...rest] = readCertificates(leafPath);
  const intermediates = [...rest, ...options.untrusted.flatMap(readCertificates)];
  const anchors = options.ca.length ? TrustStore.fromDer(options.ca.flatMap(readCertificates), nodeProvider) : nodeRootTrustStore(nodeProvider);
  const crls = options.crl?.length ? new CrlStore(options.crl.flatMap(readCrls)) : undefined;
  try {
    const { chain } = verifyCertificateChain({
      leaf: leaf!,
      intermediates,
      anchors,
      time,
      purpose,
      ...(options.host === undefined ? {} : { hostname: options.host }),
      ...(options.ip === undefined ? {} : { ip: options.ip }),
      ...(options.pin.length ? { pins: options.pin } : {}),
      ...(crls ? { crls } : {}),
      provider: nodeProvider,
    });
    const report: VerifyReport = {
      valid: true,
      purpose,
      time: iso(time),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.ip === undefined ? {} : { ip: options.ip }),
      chain: chain.map((cert, i) => summarize(cert, i === chain.length - 1)),
    };
    return { report, exitCode: 0 };
  } catch (err) {
    if (!(err instanceof TLSError)) throw err;
    return { report: { valid: false, code: err.code, alert: err.alertName, message: err.message }, exitCode: 1 };
  }
}

function formatReport(report: VerifyReport): string {
  if (!report.valid) return `${pc.red('not verified')}: ${report.code} (${report.alert} alert): ${report.message}\n`;
  const identity = report.host ? `, host ${report.host}` : report.ip ? `, IP ${report.ip}` : '';
  const lines = [`${pc.green('verified')}: path of ${report.chain.length} certificate(s) for ${report.purpose}${identity} at ${report.time}`];
  report.chain.forEach((c, depth) => {
    lines.push(`  ${depth} ${pc.bold(c.subject)}${c.trustAnchor ? pc.dim(' (trust anchor)') : ''}`);
    lines.push(`      issuer  ${c.issuer}`);
    lines.push(`      valid   ${c.notBefore} → ${c.notAfter}`);
    lines.push(`      key     ${c.key}`);
    lines.push(`      pin     sha256/${c.spkiSha256}`);
  });
  return `${lines.join('\n')}\n`;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds `handshake verify` to the program. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('validate a certificate chain as our TLS client does (path building, RFC 5280 policy, host name) and print the path or the reason')
    .argument('<leaf.pem>', 'the certificate to verify (PEM or DER); further certificates in the file are used as untrusted intermediates')
    .option('--ca <file>', "trust anchors (PEM bundle or DER), repeatable; default: Node's bundled roots", collect, [])
    .option('--untrusted <file>', 'intermediates the path may use, repeatable', collect, [])
    .option('--host <name>', 'DNS name the certificate must be valid for (purpose server)')
    .option('--ip <address>', 'IP address the certificate must be valid for (purpose server)')
    .option('--time <iso-8601>', 'validation time (default: now)')
    .option('--purpose <purpose>', 'server or client', 'server')
    .option('--pin <sha256>', 'SPKI SHA-256 pin (base64, optionally sha256/…) one certificate on the path must match, repeatable', collect, [])
    .option(
      '--crl <file>',
      'CRLs (PEM or DER), repeatable: every certificate on the path but the trust anchor must then be covered by a current CRL from its issuer, as node:tls with `crl`',
      collect,
      [],
    )
    .option('--json', 'print a machine-readable result')
    .action((leafPath: string, options: VerifyCommandOptions) => {
      const { report, exitCode } = runVerify(leafPath, options);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      process.exitCode = exitCode;
    });
}
