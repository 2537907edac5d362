// The --http page: shows the client its own handshake, as HTML for browsers and as plain text for
// curl and anything else that does not ask for HTML.
import { escapeHtml } from '../connect/escape.js';
import type { ConnectionFacts } from './facts.js';

export interface PageRequest {
  method: string;
  url: string;
  /** 1 for the connection's first request; more when the client keeps the connection alive. */
  number: number;
}

/** HTML only for clients that ask for it by name: browsers do, curl (Accept: *\/*) does not. */
export function wantsHtml(accept: string | undefined): boolean {
  return /\btext\/html\b|\bapplication\/xhtml\+xml\b/i.test(accept ?? '');
}

export function factRows(f: ConnectionFacts, request: PageRequest): Array<[string, string]> {
  const cert = f.clientCertificate;
  return [
    ['protocol', f.protocol],
    ['cipher suite', f.cipher],
    ['key exchange group', f.group],
    ['signature scheme', f.signatureScheme ?? (f.resumed ? 'none (resumed: no certificate was sent)' : 'none')],
    ['resumed', f.resumed ? 'yes' : 'no'],
    ['ALPN', f.alpn ?? 'none'],
    ['SNI', f.sni ?? 'none (no server_name sent)'],
    ['0-RTT', f.earlyData ? (f.earlyData.status === 'accepted' ? `accepted (${f.earlyData.bytes} bytes)` : 'rejected') : 'not offered'],
    [
      'client certificate',
      cert ? `${cert.subject} (issuer ${cert.issuer}), ${cert.verified ? 'verified' : `not verified: ${cert.error ?? 'not checked'}`}` : 'none',
    ],
    ['handshake time', f.handshakeMs === undefined ? 'unknown' : `${f.handshakeMs.toFixed(1)} ms (ClientHello to Finished, on the server)`],
    ['you', f.peer],
    ['request', `${request.method} ${request.url} (#${request.number} on this connection)`],
  ];
}

export function renderText(f: ConnectionFacts, request: PageRequest): string {
  const rows = factRows(f, request);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `your TLS connection to handshake serve\n\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}


export function renderHtml(f: ConnectionFacts, request: PageRequest): string {
  const rows = factRows(f, request)
    .map(([k, v]) => `      <tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Your handshake: ${escapeHtml(f.protocol)} ${escapeHtml(f.cipher)}</title>
  <style>
    body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
    h1 { font-size: 1.4rem; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
    th { width: 12rem; font-weight: 600; white-space: nowrap; }
    td { font-family: ui-monospace, monospace; word-break: break-all; }
    p { color: #666; font-size: .9rem; }
  </style>
</head>
<body>
  <h1>Your TLS connection</h1>
  <table>
${rows}
  </table>
  <p>Served by <code>handshake serve</code>: TLS in TypeScript on a sans-IO core.</p>
</body>
</html>
`;
}
