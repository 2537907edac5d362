// `handshake serve`, put together: certificates, the TLS server, the mode, the per-connection
// log, reload on SIGHUP or file change, and a clean stop on SIGINT/SIGTERM.
import { closeSync, openSync, writeSync } from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Server, type ServerOptions, createServer } from '../../node/server.js';
import type { TLSSocket } from '../../node/tls-socket.js';
import { renderLadder } from '../ladder.js';
import {
  CertificateFileError,
  type LoadedCertificates,
  type LoadedPair,
  describeCertificate,
  describeStaple,
  generateCertificate,
  loadCertificates,
  pairForName,
} from './certificates.js';
import { Connections } from './connections.js';
import { factsOf, peerLabel } from './facts.js';
import { httpMode } from './http.js';
import { type Log, createLog } from './log.js';
import { echoMode, printMode } from './modes.js';
import { type KeylogFile, type ServeOptions, UsageError } from './options.js';
import { type ReloadCause, watchForReload } from './reload.js';
import { stopOnSignals } from './shutdown.js';
import { failureLine, summaryLine } from './summary.js';

/** The node:tls options for the current certificates (the default pair; SNI finds the others). */
function certificateOptions(certs: LoadedCertificates): ServerOptions {
  const first = certs.pairs[0]!;
  return {
    key: first.keyPem,
    cert: first.certPem,
    ...(certs.ocsp ? { ocspResponse: certs.ocsp } : {}),
    ...(certs.ca ? { ca: certs.ca } : {}),
  };
}

function serverOptions(options: ServeOptions, certs: LoadedCertificates, pairs: () => readonly LoadedPair[]): ServerOptions {
  return {
    ...certificateOptions(certs),
    ...(options.version ? { minVersion: options.version, maxVersion: options.version } : {}),
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    ...(options.groups ? { ecdhCurve: options.groups } : {}),
    ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
    ...(options.clientCert ? { requestCert: true, rejectUnauthorized: options.clientCert === 'require' } : {}),
    ...(options.maxEarlyData ? { maxEarlyData: options.maxEarlyData } : {}),
    ...(options.trace ? { trace: 'handshake' as const } : {}),
    // Only with several pairs: SNICallback makes the server read the whole ClientHello first.
    ...(certs.pairs.length > 1
      ? {
          SNICallback: (name: string, done: (err: Error | null, context?: { certificates: LoadedPair['context']['certificates'] }) => void) => {
            const all = pairs();
            const pair = pairForName(all, name);
            done(null, pair === all[0] ? undefined : pair.context);
          },
        }
      : {}),
  };
}

function describeVersions(options: ServeOptions): string {
  return options.version === 'TLSv1.2' ? 'TLS 1.2 only' : options.version === 'TLSv1.3' ? 'TLS 1.3 only' : 'TLS 1.3 and 1.2';
}

function logCertificates(log: Log, pairs: readonly LoadedPair[], prefix = 'certificate'): void {
  pairs.forEach((p, i) => {
    const role = pairs.length === 1 ? '' : i === 0 ? ' (default)' : ' (by SNI)';
    log.line(`${prefix}${pairs.length === 1 ? '' : ` ${i + 1}`}${role}: ${describeCertificate(p.leaf)}`);
  });
}

/** Opens a key log for appending, readable by its owner only: it decrypts every session. */
function openKeylog({ path, from }: KeylogFile): number {
  try {
    return openSync(path, 'a', 0o600);
  } catch (err) {
    throw new UsageError(`${from} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
}

/** Appends the server's key-log lines to each file; a failing file is reported once, the others go on. */
function writeKeylogs(server: Server, files: readonly KeylogFile[], log: Log): void {
  for (const file of files) {
    const fd = openKeylog(file);
    let failed = false;
    server.on('keylog', (line: Buffer) => {
      try {
        writeSync(fd, line);
      } catch (err) {
        if (!failed) log.warn(`${file.from} ${file.path}: ${(err as Error).message}; key lines are being lost`);
        failed = true;
      }
    });
    process.once('exit', () => closeSync(fd));
  }
}

export async function runServe(options: ServeOptions): Promise<void> {
  const log = createLog(options.color);
  const { c } = log;

  const generated = options.pairs.length ? undefined : generateCertificate();
  let certs: LoadedCertificates;
  try {
    certs = loadCertificates(options, generated?.pair);
  } catch (err) {
    if (err instanceof CertificateFileError) throw new UsageError(err.message);
    throw err;
  }

  let server: Server;
  try {
    server = createServer(serverOptions(options, certs, () => certs.pairs));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const connections = new Connections(server, options.trace);
  writeKeylogs(server, options.keylogs, log);

  server.on('secureConnection', (tls: TLSSocket) => {
    const tracked = connections.of(tls);
    const peer = tracked?.peer ?? 'unknown peer';
    tls.on('error', (err: Error) => log.line(`${c.bold(peer)} ${c.red('connection error')}: ${err.message}`));
    // A tick later, so the ladder includes the NewSessionTickets sent right after the Finished.
    setImmediate(() => {
      if (!tls.handshakeInfo) return;
      log.line(summaryLine(factsOf(tls, peer, tracked?.handshakeMs), c));
      if (options.trace && tracked) log.line(renderLadder(tracked.trace, 'server', options.color));
    });
  });
  server.on('tlsClientError', (err: Error, tls: TLSSocket) => {
    const tracked = connections.of(tls);
    if (options.trace && tracked?.trace.length) log.line(renderLadder(tracked.trace, 'server', options.color));
    log.line(failureLine(tracked?.peer ?? peerLabel(tls.remoteAddress, tls.remotePort), err, c, tracked !== undefined && tracked.firstByte === undefined));
  });

  let web: http.Server | undefined;
  if (options.mode === 'http') web = httpMode(server, connections);
  else if (options.mode === 'echo') echoMode(server);
  else printMode(server, connections, log);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new Error(`cannot listen on ${options.host}:${options.port}: ${why}`);
  });
  server.on('error', (err: Error) => log.line(`${c.red('server error')}: ${err.message}`));

  const { port } = server.address() as AddressInfo;
  if (generated) {
    log.line(`certificate: self-signed, made now: ${describeCertificate(generated.pair.leaf)}`);
    log.line(`  its PEM is in ${generated.file} (for curl --cacert, or a browser's trust store)`);
  } else logCertificates(log, certs.pairs);
  const staple = describeStaple(certs);
  if (staple) log.line(`OCSP staple: ${staple}`);
  if (options.maxEarlyData) log.line(c.yellow(`0-RTT: up to ${options.maxEarlyData} bytes of replayable early data per connection`));
  for (const { path, from } of options.keylogs) {
    log.line(c.yellow(`key log (${from}): appending to ${path} (it decrypts every session: keep it private)`));
  }
  // Last, so whoever waits for this line has seen the others.
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = options.mode === 'http' ? `: https://localhost:${port}/` : '';
  log.line(`${c.bold('handshake serve')}: listening on ${hostForUrl}:${port} (${describeVersions(options)}, ${options.mode})${url}`);

  const reload = (cause: ReloadCause) => {
    let next: LoadedCertificates;
    try {
      next = loadCertificates(options, generated?.pair);
    } catch (err) {
      log.line(`${c.red('reload failed')} (${cause}): ${(err as Error).message}; keeping the current certificates`);
      return;
    }
    // Watch events also come for writes that changed nothing, or for the other file of a pair.
    if (cause === 'file change' && next.digest === certs.digest) return;
    try {
      server.setSecureContext(certificateOptions(next));
    } catch (err) {
      log.line(`${c.red('reload failed')} (${cause}): ${(err as Error).message}; keeping the current certificates`);
      return;
    }
    certs = next;
    if (generated) log.line(`reloaded (${cause})${options.ca ? ': --ca' : ''}; the generated certificate stays (give --cert and --key to rotate it)`);
    else logCertificates(log, certs.pairs, `reloaded (${cause}): certificate`);
  };
  const stopWatching = watchForReload(
    [...options.pairs.flatMap((p) => [p.cert, p.key]), ...(options.ocsp ? [options.ocsp] : []), ...(options.ca ? [options.ca] : [])],
    reload,
  );

  stopOnSignals({ log, server, web, connections, beforeStop: stopWatching });
}
