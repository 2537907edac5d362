// The human output of `handshake connect`, drawn from the report alone: the ladder, what was
// negotiated, the certificate chain, the verification verdict in words, and the timings.
import { escapeControls } from '../../display.js';
import pc from 'picocolors';
import { renderLadder } from '../ladder.js';
import type { CertificateReport } from './certificates.js';
import type { ConnectReport, LadderEntry } from './json.js';

type Colors = ReturnType<typeof pc.createColors>;

const fmtMs = (ms: number | null): string => (ms === null ? '—' : `${ms.toFixed(1)} ms`);
const row = (label: string, value: string) => `  ${label.padEnd(26)}${value}`;

function ladderName(e: LadderEntry): string {
  return e.records > 1 ? `${e.name} ×${e.records}` : e.name;
}

function ladder(report: ConnectReport, c: Colors, color: boolean): string[] {
  if (!report.ladder.length) return [];
  const events = report.ladder.map((e) => ({ ...e, name: ladderName(e), size: e.bytes, time: e.ms, detail: e.detail ?? undefined }));
  return [c.bold('the handshake, as the client saw it'), renderLadder(events, 'client', color, { start: 0 }), ''];
}

/** The 0-RTT outcome in words (shared with the --html page). */
export function describeEarlyData(state: 'accepted' | 'rejected' | 'none', bytes: number): string {
  if (state === 'accepted') return `accepted (${bytes} bytes sent with the ClientHello)`;
  if (state === 'rejected') return `rejected (${bytes} bytes sent again after the handshake)`;
  // RFC 8446 §4.2.10: only a resumed TLS 1.3 session whose ticket allows it carries early data.
  return bytes ? `not offered: no session allowing it (${bytes} bytes sent after the handshake)` : 'not sent';
}

function negotiated(report: ConnectReport, c: Colors): string[] {
  const h = report.handshake;
  if (!h) return [];
  return [
    c.bold('negotiated'),
    row('protocol', h.protocol),
    row('cipher suite', h.cipherSuite),
    row('key exchange group', `${h.group}${h.helloRetryRequest ? ' (after a HelloRetryRequest)' : ''}`),
    row('signature scheme', h.signatureScheme ?? (h.resumed ? '(none: a resumed session signs nothing)' : '(none: RSA key exchange)')),
    row('ALPN', h.alpn ?? '(none)'),
    row('server name (SNI)', h.sni ?? '(none sent)'),
    row('resumed', h.resumed ? 'yes' : report.session.offered ? 'no (the server did not take our session)' : 'no'),
    row('0-RTT early data', describeEarlyData(h.earlyData, report.data.earlyDataBytes)),
    ...(h.extendedMasterSecret === null ? [] : [row('extended master secret', h.extendedMasterSecret ? 'yes' : 'no')]),
    '',
  ];
}

function expiry(cert: CertificateReport, c: Colors): string {
  const days = cert.daysToExpiry;
  const words = days < 0 ? c.red(`expired ${-days} day(s) ago`) : days < 30 ? c.yellow(`in ${days} day(s)`) : `in ${days} days`;
  return `${cert.notAfter} (${words})`;
}

function certificates(report: ConnectReport, c: Colors): string[] {
  if (!report.certificates.length) return [];
  const source = report.chainSource === 'verified' ? 'the path validation built, leaf first' : 'as the server sent it, leaf first';
  const lines = [c.bold(`certificate chain (${source})`)];
  report.certificates.forEach((cert, depth) => {
    // Every name here is the server's text (display.ts).
    const sans = [...cert.sans.dns.map((n) => `DNS:${n}`), ...cert.sans.ip.map((n) => `IP:${n}`), ...cert.sans.email.map((n) => `email:${n}`)].map(escapeControls);
    lines.push(`  ${depth} ${c.bold(escapeControls(cert.subject))}${cert.trustAnchor ? c.dim(' (trust anchor)') : ''}`);
    lines.push(`      issuer     ${escapeControls(cert.issuer)}`);
    if (sans.length) lines.push(`      SANs       ${sans.join(', ')}`);
    lines.push(`      key        ${escapeControls(cert.key.text)}${cert.key.bits ? ` (${cert.key.bits} bits)` : ''}`);
    lines.push(`      signature  ${escapeControls(cert.signatureAlgorithm)}`);
    lines.push(`      expires    ${expiry(cert, c)}`);
    if (depth === 0) {
      const o = report.ocsp;
      const ocsp = o
        ? `${o.status === 'good' ? c.green(o.status) : c.red(o.status)} (stapled, signed by the ${o.signer === 'issuer' ? 'issuer' : 'delegated responder'}, ` +
          `this update ${o.thisUpdate}${o.nextUpdate ? `, next ${o.nextUpdate}` : ''})`
        : c.dim('no stapled response');
      lines.push(`      OCSP       ${ocsp}`);
    }
  });
  lines.push('');
  return lines;
}

function verdict(report: ConnectReport, c: Colors): string[] {
  const v = report.verification;
  if (!v) return [];
  const text = v.verified
    ? `${c.green('verified')}: ${v.message}`
    : `${c.red('NOT verified')}: ${v.message}${v.insecure ? c.dim(' — continued because of --insecure') : ''}`;
  return [c.bold('verification'), `  ${text}`, ''];
}

/** "1-RTT", or the 0-RTT case in words; null when the handshake did not finish. */
export function describeRoundTrips(t: ConnectReport['timings']): string | null {
  if (t.roundTrips === null) return null;
  if (t.roundTrips === t.handshakeRoundTrips) return `${t.roundTrips}-RTT`;
  return `${t.roundTrips}-RTT: our data left with the ClientHello; the handshake took ${t.handshakeRoundTrips} round trip(s)`;
}

function timings(report: ConnectReport, c: Colors): string[] {
  const t = report.timings;
  const words = describeRoundTrips(t);
  const trips = words === null ? '' : ` (${words})`;
  return [
    c.bold('timings'),
    ...(t.dnsMs === null ? [] : [row('DNS lookup', fmtMs(t.dnsMs))]),
    row('TCP connect', fmtMs(t.tcpConnectMs)),
    row('TLS handshake', `${fmtMs(t.tlsHandshakeMs)}${trips}`),
    row('  key exchange', fmtMs(t.keyExchangeMs)),
    row('  certificate validation', fmtMs(t.certificateValidationMs)),
    row('total setup', fmtMs(t.totalMs)),
    '',
  ];
}

function session(report: ConnectReport, c: Colors): string[] {
  const s = report.session;
  if (s.savedTo) return [c.dim(`session saved to ${s.savedTo} (resume with --session-in ${s.savedTo})`)];
  if (s.saveError) return [c.yellow(`session not saved: ${s.saveError}`)];
  return [];
}

function data(report: ConnectReport, c: Colors): string[] {
  const d = report.data;
  if (!d.sentBytes && !d.receivedBytes) return [];
  const header = c.dim(`── sent ${d.sentBytes} bytes, the server sent ${d.receivedBytes} bytes${d.receivedBytes ? ':' : ''}`);
  const lines = [header];
  if (d.receivedBytes) lines.push(d.received.replace(/\n$/, ''));
  if (d.truncated) lines.push(c.dim('── … the rest is not shown (only the first MiB is kept)'));
  return lines;
}

export function formatHuman(report: ConnectReport, color: boolean): string {
  const c = pc.createColors(color);
  const address = report.target.address && report.target.address !== report.target.host ? ` (${report.target.address})` : '';
  const lines = [
    c.dim(`connected to ${report.target.host}:${report.target.port}${address}, certificate name ${report.target.servername}`),
    '',
    ...ladder(report, c, color),
    ...negotiated(report, c),
    ...certificates(report, c),
    ...verdict(report, c),
    ...(report.handshake ? timings(report, c) : []),
    ...session(report, c),
    ...data(report, c),
  ];
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
