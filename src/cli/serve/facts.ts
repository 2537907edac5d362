// What one connection negotiated, in words: shared by the summary line and the --http page.
import type { TLSSocket } from '../../node/tls-socket.js';
import { oneLineName } from './certificates.js';

export interface ConnectionFacts {
  peer: string;
  protocol: string;
  cipher: string;
  group: string;
  /** Absent when the server signed nothing (a resumed handshake, TLS 1.2 RSA key exchange). */
  signatureScheme?: string;
  resumed: boolean;
  alpn?: string;
  sni?: string;
  /** RFC 8446 §4.2.10: only when the client offered 0-RTT data. */
  earlyData?: { status: 'accepted' | 'rejected'; bytes: number };
  clientCertificate?: { subject: string; issuer: string; verified: boolean; error?: string };
  /** First byte of the ClientHello to the client's Finished. */
  handshakeMs?: number;
}

/** "127.0.0.1:5555", "[::1]:5555". */
export function peerLabel(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return 'unknown peer';
  return `${address.includes(':') ? `[${address}]` : address}:${port ?? '?'}`;
}

export function factsOf(socket: TLSSocket, peer: string, handshakeMs?: number): ConnectionFacts {
  const info = socket.handshakeInfo!;
  const client = info.peerCertificates[0];
  const status = socket.earlyDataStatus;
  return {
    peer,
    protocol: info.version,
    cipher: info.cipherSuiteName,
    group: info.groupName || 'none',
    ...(info.signatureScheme ? { signatureScheme: info.signatureSchemeName } : {}),
    resumed: info.resumed === true,
    ...(info.alpnProtocol ? { alpn: info.alpnProtocol } : {}),
    ...(info.serverName !== undefined ? { sni: info.serverName } : {}),
    ...(status !== 'none' ? { earlyData: { status, bytes: socket.earlyDataBytes } } : {}),
    ...(client
      ? {
          clientCertificate: {
            subject: oneLineName(client.subject),
            issuer: oneLineName(client.issuer),
            verified: socket.authorized,
            ...(socket.authorizationError ? { error: describeAuthorizationError(socket.authorizationError) } : {}),
          },
        }
      : {}),
    ...(handshakeMs !== undefined ? { handshakeMs } : {}),
  };
}

function describeAuthorizationError(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}
