// The certificates `handshake serve` presents: --cert/--key pairs read from files (the first is
// the default, the others are chosen by the SNI name, RFC 6066 §3), or one generated at startup.
// Loading checks everything a handshake would trip over later, so a bad file is one line at
// startup or at reload, never a failed handshake.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '../../crypto/node.js';
import type { ParsedCertificate } from '../../crypto/provider.js';
import { DEFAULT_SIGNATURE_SCHEMES, schemeFitsKey } from '../../crypto/schemes.js';
import { generateSelfSigned } from '../../node/certs.js';
import { type SecureContext, createSecureContext, trustStoreFor } from '../../node/options.js';
import { certificateInfo, describePublicKey } from '../../pki/certificate.js';
import { matchesHostname } from '../../pki/hostname.js';
import { checkStapledOcsp } from '../../pki/ocsp.js';
import { toDerList } from '../../pki/pem.js';
import { SignatureScheme } from '../../wire/codes.js';
import type { ServeOptions } from './options.js';

/** A file option that cannot be used; the message names the option and the file. */
export class CertificateFileError extends Error {
  override name = 'CertificateFileError';
}

export interface LoadedPair {
  certPem: string;
  keyPem: string;
  context: SecureContext;
  leaf: ParsedCertificate;
}

export interface LoadedCertificates {
  /** The first is the default; the others answer the SNI names in their certificates. */
  pairs: LoadedPair[];
  /** --ocsp, stapled with the first pair. */
  ocsp?: Buffer;
  /** --ca, the anchors for client certificates. */
  ca?: Buffer;
  /** SHA-256 over every file read: whether a change on disk changed anything. */
  digest: string;
}

export function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new CertificateFileError(`${option} ${path}: ${why}`);
  }
}

// Every scheme we sign with, to find one that both the key and the certificate's key can use.
const SCHEMES = [...DEFAULT_SIGNATURE_SCHEMES, SignatureScheme.ed448];
const PROBE = new TextEncoder().encode('handshake serve: does this key belong to this certificate?');

/**
 * A key that does not belong to its certificate would fail every handshake with a bad
 * CertificateVerify signature on the client's side: refuse it here instead.
 */
function checkKeyMatches(context: SecureContext, certPath: string, keyPath: string): void {
  const { key, leaf } = context.certificates[0]!;
  const scheme = SCHEMES.find((s) => schemeFitsKey(s, key) && schemeFitsKey(s, leaf.publicKey));
  if (scheme === undefined || !leaf.publicKey.verify(scheme, PROBE, key.sign(scheme, PROBE))) {
    throw new CertificateFileError(`--key ${keyPath} is not the key of the certificate in --cert ${certPath}`);
  }
}

function loadPair(certPath: string, keyPath: string): LoadedPair & { raw: Buffer[] } {
  const certFile = readOptionFile('--cert', certPath);
  const keyFile = readOptionFile('--key', keyPath);
  const certPem = certFile.toString('latin1');
  const keyPem = keyFile.toString('latin1');
  // Each file on its own first, so the message blames the right one.
  try {
    const chain = toDerList(certPem);
    if (!chain.length) throw new Error('no PEM certificate in it');
    for (const der of chain) nodeProvider.parseCertificate(der);
  } catch (err) {
    throw new CertificateFileError(`--cert ${certPath}: ${(err as Error).message.replace(/^no CERTIFICATE PEM block found$/, 'no PEM certificate in it')}`);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem)) {
    throw new CertificateFileError(`--key ${keyPath}: encrypted keys are not supported (openssl pkey -in ${keyPath} -out plain.key)`);
  }
  try {
    nodeProvider.loadPrivateKey(keyPem);
  } catch (err) {
    throw new CertificateFileError(`--key ${keyPath}: not a private key we can read (${(err as Error).message})`);
  }
  let context: SecureContext;
  try {
    context = createSecureContext({ key: keyPem, cert: certPem }, nodeProvider);
  } catch (err) {
    throw new CertificateFileError(`--cert ${certPath}: ${(err as Error).message}`);
  }
  checkKeyMatches(context, certPath, keyPath);
  return { certPem, keyPem, context, leaf: context.certificates[0]!.leaf, raw: [certFile, keyFile] };
}

/**
 * Reads and checks every certificate file the options name; `generated` stands in for --cert and
 * --key when none were given. Throws CertificateFileError.
 */
export function loadCertificates(options: Pick<ServeOptions, 'pairs' | 'ocsp' | 'ca'>, generated?: LoadedPair): LoadedCertificates {
  const hash = nodeProvider.createHash('sha256');
  const pairs = options.pairs.map(({ cert, key }) => {
    const { raw, ...pair } = loadPair(cert, key);
    for (const r of raw) hash.update(r);
    return pair;
  });
  if (!pairs.length && generated) pairs.push(generated);
  const ocsp = options.ocsp === undefined ? undefined : readOptionFile('--ocsp', options.ocsp);
  if (ocsp !== undefined && ocsp.length === 0) throw new CertificateFileError(`--ocsp ${options.ocsp}: empty file (expected a DER OCSPResponse)`);
  const ca = options.ca === undefined ? undefined : readOptionFile('--ca', options.ca);
  if (ca !== undefined) {
    let anchors = 0;
    try {
      // Cached by the Buffer: the server reuses this parse.
      anchors = trustStoreFor(ca, nodeProvider).anchors.length;
    } catch (err) {
      throw new CertificateFileError(`--ca ${options.ca}: ${(err as Error).message}`);
    }
    if (!anchors) throw new CertificateFileError(`--ca ${options.ca}: no PEM certificate in it`);
  }
  for (const extra of [ocsp, ca]) if (extra) hash.update(extra);
  return { pairs, ...(ocsp ? { ocsp } : {}), ...(ca ? { ca } : {}), digest: Buffer.from(hash.peek()).toString('hex') };
}

export interface GeneratedCertificate {
  pair: LoadedPair;
  /** The certificate's PEM, written for `curl --cacert`; removed when the process exits. */
  file: string;
}

/** A fresh self-signed certificate for localhost, 127.0.0.1 and ::1 (ECDSA P-256). */
export function generateCertificate(): GeneratedCertificate {
  const issued = generateSelfSigned({ commonName: 'localhost' });
  const context = createSecureContext({ key: issued.keyPem, cert: issued.certPem }, nodeProvider);
  const dir = mkdtempSync(join(tmpdir(), 'handshake-serve-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'localhost.pem');
  writeFileSync(file, issued.certPem);
  return { pair: { certPem: issued.certPem, keyPem: issued.keyPem, context, leaf: context.certificates[0]!.leaf }, file };
}

/**
 * The pair for an SNI name: the default when it matches, else the first other one whose
 * certificate is valid for it (RFC 9525 matching), else the default.
 */
export function pairForName(pairs: readonly LoadedPair[], name: string): LoadedPair {
  return pairs.find((p) => matchesHostname(p.leaf, name)) ?? pairs[0]!;
}

/** "CN=localhost" from Node's multi-line subject. */
export const oneLineName = (name: string): string => name.split('\n').join(', ');

/** "::1" for Node's "0:0:0:0:0:0:0:1" (RFC 5952 §4 text form, as the WHATWG URL parser writes it). */
const shortIp = (ip: string): string => (ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip);

/** Names the certificate is valid for, as SNI would name them. */
export const namesOf = (leaf: ParsedCertificate): string[] => [...leaf.dnsNames, ...leaf.ipAddresses.map(shortIp)];

/** One line about a certificate: subject, names, key, expiry, fingerprint. */
export function describeCertificate(leaf: ParsedCertificate): string {
  let key: string;
  try {
    key = describePublicKey(certificateInfo(leaf).key);
  } catch {
    key = leaf.publicKey.kind;
  }
  const days = Math.floor((leaf.notAfter - Date.now()) / 86_400_000);
  const expiry = days < 0 ? `expired ${-days} days ago` : `expires in ${days} days`;
  const names = namesOf(leaf);
  return `${oneLineName(leaf.subject)} [${names.length ? names.join(', ') : 'no names'}] ${key}, ${expiry}, SHA-256 ${leaf.fingerprint256}`;
}

/** What the --ocsp staple says about the default certificate, checked against its issuer in --cert. */
export function describeStaple(certificates: LoadedCertificates): string | undefined {
  const { ocsp, pairs } = certificates;
  if (!ocsp) return undefined;
  const certified = pairs[0]!.context.certificates[0]!;
  const check = checkStapledOcsp({
    staple: new Uint8Array(ocsp),
    leaf: certified.leaf,
    path: [],
    received: certified.chain,
    time: Date.now(),
    provider: nodeProvider,
  });
  if (check.error) return `stapled as given, but a client will refuse it: ${check.error.message}`;
  if (!check.ocsp) return `stapled unchecked (${ocsp.length} bytes): no issuer of the certificate in --cert to check it against`;
  const next = check.ocsp.nextUpdate === undefined ? 'no nextUpdate' : `next update ${new Date(check.ocsp.nextUpdate).toISOString()}`;
  return `${check.ocsp.status}, ${next}`;
}
