// `handshake connect --html FILE`: one self-contained page (inline CSS and SVG, no script, nothing
// fetched) with the ladder as a sequence diagram and the summary beside it, drawn from the report
// that --json prints. Server-supplied text is escaped, and the page's Content-Security-Policy
// forbids scripts and every external resource should anything slip through.
import type { CertificateReport } from './certificates.js';
import { escapeHtml as esc, truncate } from './escape.js';
import type { ConnectReport } from './json.js';
import { describeEarlyData, describeRoundTrips } from './summary.js';
import { renderDiagram } from './svg.js';

/** Received data shown on the page; the report keeps up to 1 MiB, the page a readable part of it. */
const SHOWN_RECEIVED_CHARS = 16_384;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
:root{color-scheme:light;--muted:#57606a;--border:#d0d7de;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;padding:20px 24px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#24292f;background:#fff}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid var(--border);padding-bottom:3px}
code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono','Liberation Mono',monospace;font-size:13px}
.status{display:inline-block;margin:6px 0 0;padding:4px 10px;border-radius:6px;font-weight:600}
.status.ok{background:#dafbe1;color:var(--ok)}
.status.failed{background:#ffebe9;color:var(--bad)}
.layout{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;margin-top:16px}
.diagram{flex:0 1 780px;min-width:360px;margin:0}
.diagram svg{width:100%;height:auto;border:1px solid var(--border);border-radius:6px;background:#fff}
.diagram figcaption{color:var(--muted);margin-bottom:6px}
.summary{flex:1 1 380px;min-width:320px}
.summary h2:first-child{margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
ol.chain{margin:0;padding-left:22px}
ol.chain li{margin-bottom:10px}
.subject{font-weight:600;overflow-wrap:anywhere}
.tag{font-size:12px;color:var(--muted);border:1px solid var(--border);border-radius:10px;padding:0 6px;margin-left:4px}
.good{color:var(--ok);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.soon{color:var(--warn);font-weight:600}
pre{background:#f6f8fa;border:1px solid var(--border);border-radius:6px;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:320px;overflow:auto}
footer{margin-top:24px;color:var(--muted);font-size:12px}
`;

const fmtMs = (ms: number | null): string => (ms === null ? '—' : `${ms.toFixed(1)} ms`);

/** A <dl> of label/value pairs; values are already HTML (the callers escape what they put in). */
function list(rows: ReadonlyArray<readonly [string, string] | null>, id?: string): string {
  const items = rows.filter((r): r is readonly [string, string] => r !== null).map(([dt, dd]) => `<dt>${esc(dt)}</dt><dd>${dd}</dd>`);
  return `<dl${id ? ` id="${esc(id)}"` : ''}>${items.join('')}</dl>`;
}

function negotiated(report: ConnectReport): string {
  const h = report.handshake;
  if (!h) return `<h2>Negotiated</h2><p class="bad">The handshake did not complete.</p>`;
  const signature = h.signatureScheme ?? (h.resumed ? '(none: a resumed session signs nothing)' : '(none: RSA key exchange)');
  const resumed = h.resumed ? 'yes' : report.session.offered ? 'no (the server did not take our session)' : 'no';
  return `<h2>Negotiated</h2>${list(
    [
      ['protocol', `<span class="mono">${esc(h.protocol)}</span>`],
      ['cipher suite', `<span class="mono">${esc(h.cipherSuite)}</span>`],
      ['key exchange group', `<span class="mono">${esc(h.group)}</span>${h.helloRetryRequest ? ' (after a HelloRetryRequest)' : ''}`],
      ['signature scheme', `<span class="mono">${esc(signature)}</span>`],
      ['ALPN', esc(h.alpn ?? '(none)')],
      ['server name (SNI)', esc(h.sni ?? '(none sent)')],
      ['resumed', esc(resumed)],
      ['0-RTT early data', esc(describeEarlyData(h.earlyData, report.data.earlyDataBytes))],
      h.extendedMasterSecret === null ? null : ['extended master secret', h.extendedMasterSecret ? 'yes' : 'no'],
    ],
    'negotiated',
  )}`;
}

function expiry(cert: CertificateReport): string {
  const days = cert.daysToExpiry;
  const words =
    days < 0
      ? `<span class="bad">expired ${-days} day(s) ago</span>`
      : days < 30
        ? `<span class="soon">in ${days} day(s)</span>`
        : `in ${days} days`;
  return `${esc(cert.notAfter)} (${words})`;
}

function ocsp(report: ConnectReport): string {
  const o = report.ocsp;
  if (!o) return 'no stapled response';
  const signer = o.signer === 'issuer' ? 'the issuer' : 'a delegated responder';
  return (
    `<span class="${o.status === 'good' ? 'good' : 'bad'}">${esc(o.status)}</span> (stapled, signed by ${signer}, ` +
    `this update ${esc(o.thisUpdate)}${o.nextUpdate ? `, next ${esc(o.nextUpdate)}` : ''})`
  );
}

function certificate(report: ConnectReport, cert: CertificateReport, depth: number): string {
  const sans = [...cert.sans.dns.map((n) => `DNS:${n}`), ...cert.sans.ip.map((n) => `IP:${n}`), ...cert.sans.email.map((n) => `email:${n}`)];
  const key = `${cert.key.text}${cert.key.bits ? ` (${cert.key.bits} bits)` : ''}`;
  return `<li data-depth="${depth}"><div class="subject">${esc(cert.subject)}${cert.trustAnchor ? ' <span class="tag">trust anchor</span>' : ''}</div>${list([
    ['issuer', esc(cert.issuer)],
    sans.length ? ['SANs', esc(sans.join(', '))] : null,
    ['key', esc(key)],
    ['signature', esc(cert.signatureAlgorithm)],
    ['expires', expiry(cert)],
    depth === 0 ? ['OCSP', ocsp(report)] : null,
    ['SHA-256', `<span class="mono">${esc(cert.fingerprintSha256)}</span>`],
  ])}</li>`;
}

function chain(report: ConnectReport): string {
  if (!report.certificates.length) return '';
  const source = report.chainSource === 'verified' ? 'as the path validation built it, leaf first' : 'as the server sent it, leaf first';
  const items = report.certificates.map((cert, depth) => certificate(report, cert, depth));
  return `<h2>Certificate chain</h2><p>${esc(source)}</p><ol class="chain" id="chain">${items.join('')}</ol>`;
}

function verification(report: ConnectReport): string {
  const v = report.verification;
  if (!v) return '';
  const verdict = v.verified
    ? `<span class="good">verified</span>: ${esc(v.message)}`
    : `<span class="bad">NOT verified</span>: ${esc(v.message)}${v.insecure ? ' — continued because of --insecure' : ''}`;
  return `<h2>Verification</h2><p id="verification">${verdict}</p>`;
}

function timings(report: ConnectReport): string {
  const t = report.timings;
  const trips = describeRoundTrips(t);
  return `<h2>Timings</h2>${list(
    [
      t.dnsMs === null ? null : ['DNS lookup', fmtMs(t.dnsMs)],
      ['TCP connect', fmtMs(t.tcpConnectMs)],
      ['TLS handshake', fmtMs(t.tlsHandshakeMs)],
      ['key exchange', fmtMs(t.keyExchangeMs)],
      ['certificate validation', fmtMs(t.certificateValidationMs)],
      ['total setup', fmtMs(t.totalMs)],
      ['round trips', trips === null ? '—' : esc(trips)],
    ],
    'timings',
  )}`;
}

function session(report: ConnectReport): string {
  const s = report.session;
  const saved = s.savedTo ? `saved to <span class="mono">${esc(s.savedTo)}</span>` : s.saveError ? `not saved: ${esc(s.saveError)}` : null;
  if (!s.offered && !s.received && !saved) return '';
  return `<h2>Session</h2>${list([
    ['offered', s.offered ? 'yes (--session-in)' : 'no'],
    ['resumed', s.resumed ? 'yes' : 'no'],
    ['sessions received', String(s.received)],
    saved ? ['--session-out', saved] : null,
  ])}`;
}

function data(report: ConnectReport): string {
  const d = report.data;
  if (!d.sentBytes && !d.receivedBytes) return '';
  const shown = truncate(d.received, SHOWN_RECEIVED_CHARS);
  const cut = shown !== d.received || d.truncated ? '<p>(only the beginning is shown)</p>' : '';
  return `<h2>Application data</h2>${list([
    ['sent', `${d.sentBytes} bytes${d.earlyDataBytes ? ` (${d.earlyDataBytes} of them --early-data)` : ''}`],
    ['received', `${d.receivedBytes} bytes`],
    d.ending ? ['ending', esc(d.ending)] : null,
  ])}${d.receivedBytes ? `<pre id="received">${esc(shown)}</pre>${cut}` : ''}`;
}

function statusLine(report: ConnectReport): string {
  const r = report.result;
  if (!r.error) return `<p class="status ok" id="status">ok — exit code ${r.exitCode}</p>`;
  return `<p class="status failed" id="status" data-status="${esc(r.status)}">${esc(r.error.message)} — exit code ${r.exitCode}</p>`;
}

/** The page for one run, from its report. */
export function renderHtml(report: ConnectReport): string {
  const where = `${report.target.host}:${report.target.port}`;
  const address = report.target.address && report.target.address !== report.target.host ? ` (${report.target.address})` : '';
  const title = `handshake connect ${where}${report.handshake ? ` — ${report.handshake.protocol}` : ` — ${report.result.status}`}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="handshake connect (report version ${report.version})">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>handshake connect <code>${esc(where)}</code></h1>
<div>certificate name <code>${esc(report.target.servername)}</code>${esc(address)}, started ${esc(report.startedAt)}</div>
${statusLine(report)}
</header>
<div class="layout">
<figure class="diagram" id="diagram">
<figcaption>The handshake, as the client saw it: one arrow per message, with its size and the time since the start.</figcaption>
${renderDiagram(report)}
</figure>
<section class="summary" id="summary">
${negotiated(report)}
${chain(report)}
${verification(report)}
${timings(report)}
${session(report)}
${data(report)}
</section>
</div>
<footer>Drawn from the report that <code>handshake connect --json</code> prints (version ${report.version}); RFC 8446 §2 notation: {…} handshake keys, […] application keys, (…) 0-RTT keys.</footer>
</body>
</html>
`;
}
