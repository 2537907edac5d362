// Trace events: every message sent or received, with its size and time, so a caller can draw the
// handshake as a ladder and measure it.

export type TraceDirection = 'sent' | 'received';

export interface TraceEvent {
  direction: TraceDirection;
  /** What moved: a handshake message, a change_cipher_spec, an alert, or application data. */
  kind: 'handshake' | 'change_cipher_spec' | 'alert' | 'application_data';
  /** RFC name: "ClientHello", "HelloRetryRequest", "close_notify", … */
  name: string;
  /** Bytes of the message (handshake: with its 4-byte header; records: plaintext content). */
  size: number;
  /** provider.now() when it was sent or received, in ms. */
  time: number;
  /** Which keys protected it on the wire. */
  protection: 'plaintext' | 'early' | 'handshake' | 'application';
  /** A one-line summary of interesting fields (suite, group, names…). */
  detail?: string;
  /**
   * With ConnectionOptions.traceBytes: the plaintext bytes (a handshake message with its 4-byte
   * header, an alert's 2 bytes, a ChangeCipherSpec's 1), for hexdumps. Never application data.
   */
  bytes?: Uint8Array;
}

const MESSAGE_NAMES: Record<string, string> = {
  client_hello: 'ClientHello',
  server_hello: 'ServerHello',
  hello_retry_request: 'HelloRetryRequest',
  encrypted_extensions: 'EncryptedExtensions',
  certificate: 'Certificate',
  certificate_request: 'CertificateRequest',
  certificate_verify: 'CertificateVerify',
  finished: 'Finished',
  new_session_ticket: 'NewSessionTicket',
  end_of_early_data: 'EndOfEarlyData',
  key_update: 'KeyUpdate',
  // TLS 1.2 (RFC 5246 §7.4)
  hello_request: 'HelloRequest',
  server_hello_tls12: 'ServerHello',
  certificate_tls12: 'Certificate',
  server_key_exchange: 'ServerKeyExchange',
  certificate_request_tls12: 'CertificateRequest',
  server_hello_done: 'ServerHelloDone',
  client_key_exchange: 'ClientKeyExchange',
  new_session_ticket_tls12: 'NewSessionTicket',
  certificate_status: 'CertificateStatus',
};

export const messageName = (kind: string): string => MESSAGE_NAMES[kind] ?? kind;
