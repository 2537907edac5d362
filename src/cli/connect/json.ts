// The facts of one `handshake connect` run as one versioned object: what --json prints, what the
// human summary is drawn from, and what a later --html can reuse. Documented in
// docs/cli-connect-json.md; a change of meaning or shape bumps REPORT_VERSION.
import type { TraceEvent } from '../../trace.js';
import { type CertificateReport, type OcspReport, describeCertificate, describeOcsp, iso } from './certificates.js';
import { EXIT, type Failure } from './failure.js';
import type { ConnectRecord } from './run.js';
import { type TimingsReport, computeTimings } from './timings.js';

export const REPORT_VERSION = 1;

export interface LadderEntry {
  direction: 'sent' | 'received';
  kind: TraceEvent['kind'];
  name: string;
  /** Handshake messages: with their 4-byte header; records: plaintext bytes (summed when merged). */
  bytes: number;
  /** Since the run started (before DNS and TCP). */
  ms: number;
  protection: TraceEvent['protection'];
  detail: string | null;
  /** Consecutive application-data records in one direction are one entry. */
  records: number;
}

export interface ConnectReport {
  version: typeof REPORT_VERSION;
  target: { host: string; port: number; servername: string; address: string | null };
  startedAt: string;
  result: {
    exitCode: number;
    status: 'ok' | 'verification-failed' | 'handshake-failed' | 'connection-failed' | 'usage-error';
    /** The one line printed on stderr, and its parts. */
    error: { message: string; code: string | null; alert: string | null; fromPeer: boolean | null } | null;
  };
  handshake: {
    protocol: string;
    cipherSuite: string;
    group: string;
    signatureScheme: string | null;
    alpn: string | null;
    sni: string | null;
    resumed: boolean;
    helloRetryRequest: boolean;
    earlyData: 'accepted' | 'rejected' | 'none';
    extendedMasterSecret: boolean | null;
  } | null;
  /** 'verified': the path validation built, leaf to anchor; 'received': as the server sent it. */
  chainSource: 'verified' | 'received' | null;
  certificates: CertificateReport[];
  ocsp: OcspReport | null;
  verification: { verified: boolean; name: string; insecure: boolean; code: string | null; message: string } | null;
  timings: TimingsReport;
  ladder: LadderEntry[];
  session: { offered: boolean; resumed: boolean; received: number; savedTo: string | null; saveError: string | null };
  data: { sentBytes: number; earlyDataBytes: number; receivedBytes: number; received: string; truncated: boolean; ending: string | null };
}

const STATUS: Record<Failure['kind'], ConnectReport['result']['status']> = {
  verification: 'verification-failed',
  handshake: 'handshake-failed',
  connection: 'connection-failed',
  usage: 'usage-error',
};

const ms = (t: number, start: number): number => Math.round((t - start) * 1000) / 1000;

export function ladderEntries(trace: readonly TraceEvent[], start: number): LadderEntry[] {
  const out: LadderEntry[] = [];
  for (const e of trace) {
    const last = out.at(-1);
    if (e.kind === 'application_data' && last?.kind === 'application_data' && last.direction === e.direction && last.protection === e.protection) {
      last.bytes += e.size;
      last.records++;
      continue;
    }
    out.push({
      direction: e.direction,
      kind: e.kind,
      name: e.name,
      bytes: e.size,
      ms: ms(e.time, start),
      protection: e.protection,
      detail: e.detail ?? null,
      records: 1,
    });
  }
  return out;
}

/** The failure that decides the exit code: the run's, else a certificate accepted under --insecure. */
export function effectiveFailure(rec: ConnectRecord): Failure | undefined {
  if (rec.failure) return rec.failure;
  const error = rec.info?.authorizationError;
  if (rec.info && !rec.info.authorized && error) {
    const hint = 'continued because of --insecure';
    return {
      kind: 'verification',
      exitCode: EXIT.verification,
      message: `verification failed: ${error.message} (${error.code}); ${hint}`,
      code: error.code,
      alert: error.alertName,
      fromPeer: false,
    };
  }
  return undefined;
}

function verification(rec: ConnectRecord, anchor: CertificateReport | undefined): ConnectReport['verification'] {
  const { plan, info, failure } = rec;
  const base = { name: plan.servername, insecure: plan.insecure };
  if (failure?.kind === 'verification') {
    return { ...base, verified: false, code: failure.code ?? null, message: failure.message.replace(/^verification failed: /, '') };
  }
  if (!info) return null;
  if (!info.authorized) {
    const err = info.authorizationError;
    return { ...base, verified: false, code: err?.code ?? null, message: err ? `${err.message} (${err.code})` : 'not verified' };
  }
  const ocsp = info.ocsp ? `; stapled OCSP status ${info.ocsp.status}` : '';
  const chain = anchor?.trustAnchor ? `the chain leads to the trusted ${anchor.subject}` : 'the chain is trusted';
  return { ...base, verified: true, code: null, message: `${chain}, and the certificate is valid for ${plan.servername}${ocsp}` };
}

export function buildReport(rec: ConnectRecord): ConnectReport {
  const { plan, info } = rec;
  const failure = effectiveFailure(rec);
  const chainSource = !info ? null : info.verifiedChain.length ? 'verified' : info.peerCertificates.length ? 'received' : null;
  const chain = !info ? [] : chainSource === 'verified' ? info.verifiedChain : info.peerCertificates;
  const certificates = chain.map((cert, i) => describeCertificate(cert, rec.startedAt, chainSource === 'verified' && i === chain.length - 1));
  const kept = Buffer.concat(rec.received.kept);
  return {
    version: REPORT_VERSION,
    target: { host: plan.host, port: plan.port, servername: plan.servername, address: rec.remote?.address ?? rec.lookup?.address ?? null },
    startedAt: iso(rec.startedAt),
    result: {
      exitCode: failure?.exitCode ?? EXIT.ok,
      status: failure ? STATUS[failure.kind] : 'ok',
      error: failure
        ? { message: failure.message, code: failure.code ?? null, alert: failure.alert ?? null, fromPeer: failure.fromPeer ?? null }
        : null,
    },
    handshake: info
      ? {
          protocol: info.version,
          cipherSuite: info.cipherSuiteName,
          group: info.groupName,
          signatureScheme: info.signatureScheme ? info.signatureSchemeName : null,
          alpn: info.alpnProtocol || null,
          sni: info.serverName ?? null,
          resumed: info.resumed === true,
          helloRetryRequest: info.helloRetryRequest,
          earlyData: rec.earlyData,
          extendedMasterSecret: info.extendedMasterSecret ?? null,
        }
      : null,
    chainSource,
    certificates,
    ocsp: describeOcsp(info?.ocsp),
    verification: verification(rec, certificates.at(-1)),
    timings: computeTimings(rec),
    ladder: ladderEntries(rec.trace, rec.startedAt),
    session: {
      offered: plan.sessionIn !== undefined,
      resumed: info?.resumed === true,
      received: rec.sessions.received,
      savedTo: rec.sessions.savedTo ?? null,
      saveError: rec.sessions.saveError ?? null,
    },
    data: {
      sentBytes: rec.sentBytes,
      earlyDataBytes: plan.earlyData?.length ?? 0,
      receivedBytes: rec.received.bytes,
      received: kept.toString('utf8'),
      truncated: kept.length < rec.received.bytes,
      ending: rec.ending ?? null,
    },
  };
}
