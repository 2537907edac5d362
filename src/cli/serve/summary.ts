// One line per connection, and one per failed handshake, for the log (stderr).
import { escapeControls, quoteText } from '../../display.js';
import { TLSError } from '../../errors.js';
import type { Colors } from './log.js';
import type { ConnectionFacts } from './facts.js';

/**
 * `127.0.0.1:5555 TLSv1.3 TLS_AES_128_GCM_SHA256 x25519 sni=localhost alpn=http/1.1 resumed=no 1.9ms`,
 * then 0-RTT and the client certificate when there were any.
 */
export function summaryLine(f: ConnectionFacts, c: Colors): string {
  const parts = [
    c.bold(f.peer),
    c.green(f.protocol),
    f.cipher,
    f.group,
    `sni=${f.sni ?? 'none'}`,
    `alpn=${f.alpn ?? 'none'}`,
    `resumed=${f.resumed ? 'yes' : 'no'}`,
  ];
  if (f.earlyData) parts.push(`0-rtt=${f.earlyData.status}${f.earlyData.status === 'accepted' ? `(${f.earlyData.bytes}B)` : ''}`);
  const cert = f.clientCertificate;
  // The client's certificate names are its own text (display.ts).
  if (cert) parts.push(`client-cert=${quoteText(cert.subject)} ${cert.verified ? 'verified' : c.yellow(`unverified(${escapeControls(cert.error ?? 'not checked')})`)}`);
  if (f.handshakeMs !== undefined) parts.push(c.dim(`${f.handshakeMs.toFixed(1)}ms`));
  return parts.join(' ');
}

/** Why a handshake did not complete, in the alert's words. `silent`: the client sent no byte. */
export function failureReason(err: Error, silent = false): string {
  if (err instanceof TLSError) {
    if (err.fromPeer) return `client sent alert ${err.alertName}`;
    return `sent alert ${err.alertName} (${err.message})`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET') {
    return silent ? 'the client closed the connection without sending a ClientHello' : 'the client closed the connection before the handshake completed';
  }
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'no handshake within the time limit';
  return err.message;
}

export function failureLine(peer: string, err: Error, c: Colors, silent = false): string {
  // Reasons may quote the client's certificate names (display.ts).
  return `${c.bold(peer)} ${c.red('handshake failed')}: ${escapeControls(failureReason(err, silent))}`;
}
