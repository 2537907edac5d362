// The decoded shape of every TLS 1.3 handshake message (RFC 8446 §4), of the TLS 1.2 ones
// (RFC 5246 §7.4 and the RFCs that extend it), and of the extensions each may carry. Extensions are
// typed fields, one per extension the message may carry; anything else lands in `unknown` (kept so
// the state machines can apply RFC 8446 §4.2's and RFC 5246 §7.4.1.4's rules: the server ignores
// unknown ClientHello extensions, the client rejects unsolicited ones).

/**
 * Which protocol the receiver is speaking, for the messages whose shape depends on it.
 * - 'tls13': TLS 1.3 only, or TLS 1.3 negotiated.
 * - 'tls12': TLS 1.2 negotiated, or still possible: a client waiting for the ServerHello or a
 *   server waiting for the ClientHello that would accept TLS 1.2.
 */
export type WireVersion = 'tls13' | 'tls12';

export interface UnknownExtension {
  type: number;
  data: Uint8Array;
}

export interface KeyShareEntry {
  group: number;
  key_exchange: Uint8Array;
}

export interface PskIdentity {
  identity: Uint8Array;
  obfuscated_ticket_age: number;
}

/** RFC 8446 §4.2.11 OfferedPsks. */
export interface OfferedPsks {
  identities: PskIdentity[];
  binders: Uint8Array[];
}

/** Extensions of a ClientHello. Order on the wire is fixed by the encoder; pre_shared_key is last. */
export interface ClientHelloExtensions {
  /** RFC 6066 §3: the host_name entry (ASCII, no trailing dot). */
  server_name?: string;
  /** RFC 6066 §8: status_type ocsp with empty responder_id_list and request_extensions. */
  status_request?: true;
  supported_groups?: number[];
  signature_algorithms?: number[];
  signature_algorithms_cert?: number[];
  /** RFC 7301: protocol names, each 1..255 bytes. */
  alpn?: string[];
  /** RFC 8449 */
  record_size_limit?: number;
  /** RFC 8446 §4.2.1: versions offered, preference order. */
  supported_versions?: number[];
  cookie?: Uint8Array;
  psk_key_exchange_modes?: number[];
  key_share?: KeyShareEntry[];
  early_data?: true;
  /** RFC 8446 §4.2.6: the client will answer a CertificateRequest after the handshake (empty). */
  post_handshake_auth?: true;
  pre_shared_key?: OfferedPsks;
  // TLS 1.2 extensions: decoded when TLS 1.2 may be negotiated ('tls12'), else left in `unknown`.
  /** RFC 7627 §5.1 (empty). */
  extended_master_secret?: true;
  /** RFC 5746 §3.2 renegotiated_connection: empty on an initial handshake. */
  renegotiation_info?: Uint8Array;
  /** RFC 5077 §3.2: the ticket to resume with, empty to ask for a new one. */
  session_ticket?: Uint8Array;
  /** RFC 7366 §2 (empty). */
  encrypt_then_mac?: true;
  /** RFC 8422 §5.1.2 ECPointFormat list. */
  ec_point_formats?: number[];
  unknown: UnknownExtension[];
}

export interface ServerHelloExtensions {
  supported_versions?: number;
  key_share?: KeyShareEntry;
  /** selected_identity */
  pre_shared_key?: number;
  unknown: UnknownExtension[];
}

/**
 * Extensions of a TLS 1.2 ServerHello (RFC 5246 §7.4.1.4). Whether each was offered is the client
 * state machine's check; the codec decodes those it knows and keeps the rest in `unknown`.
 */
export interface ServerHello12Extensions {
  /** RFC 6066 §3: the server acknowledges SNI with an empty server_name. */
  server_name?: true;
  /** RFC 6066 §8: empty; the response follows in CertificateStatus. */
  status_request?: true;
  ec_point_formats?: number[];
  /** RFC 7301 §3.1: the one protocol the server selected. */
  alpn?: string;
  encrypt_then_mac?: true;
  extended_master_secret?: true;
  /** RFC 8449 §4 */
  record_size_limit?: number;
  /** RFC 5077 §3.2: empty; the server will send a NewSessionTicket. */
  session_ticket?: true;
  /** RFC 5746 §3.2: empty on an initial handshake, both verify_data on a renegotiation. */
  renegotiation_info?: Uint8Array;
  unknown: UnknownExtension[];
}

export interface HelloRetryRequestExtensions {
  supported_versions?: number;
  /** key_share in an HRR carries only selected_group (RFC 8446 §4.2.8). */
  key_share?: number;
  cookie?: Uint8Array;
  unknown: UnknownExtension[];
}

export interface EncryptedExtensionsExtensions {
  /** The server acknowledges SNI with an empty server_name extension. */
  server_name?: true;
  supported_groups?: number[];
  /** The one protocol the server selected. */
  alpn?: string;
  record_size_limit?: number;
  early_data?: true;
  unknown: UnknownExtension[];
}

export interface CertificateEntryExtensions {
  /** RFC 8446 §4.4.2.1: the OCSPResponse DER from CertificateStatus. */
  status_request?: Uint8Array;
  unknown: UnknownExtension[];
}

export interface CertificateRequestExtensions {
  signature_algorithms?: number[];
  signature_algorithms_cert?: number[];
  status_request?: true;
  /** DistinguishedName DER values (RFC 8446 §4.2.4). */
  certificate_authorities?: Uint8Array[];
  unknown: UnknownExtension[];
}

export interface NewSessionTicketExtensions {
  /** max_early_data_size */
  early_data?: number;
  unknown: UnknownExtension[];
}

export interface ClientHello {
  type: 'client_hello';
  legacy_version: number;
  random: Uint8Array; // 32 bytes
  legacy_session_id: Uint8Array; // 0..32 bytes
  cipher_suites: number[];
  legacy_compression_methods: Uint8Array;
  extensions: ClientHelloExtensions;
}

export interface ServerHello {
  type: 'server_hello';
  legacy_version: number;
  random: Uint8Array;
  legacy_session_id_echo: Uint8Array;
  cipher_suite: number;
  legacy_compression_method: number;
  extensions: ServerHelloExtensions;
}

/** A ServerHello whose random is the RFC 8446 §4.1.3 HelloRetryRequest constant. */
export interface HelloRetryRequest {
  type: 'hello_retry_request';
  legacy_version: number;
  legacy_session_id_echo: Uint8Array;
  cipher_suite: number;
  legacy_compression_method: number;
  extensions: HelloRetryRequestExtensions;
}

export interface EncryptedExtensions {
  type: 'encrypted_extensions';
  extensions: EncryptedExtensionsExtensions;
}

export interface CertificateEntry {
  cert_data: Uint8Array; // DER X.509
  extensions: CertificateEntryExtensions;
}

export interface Certificate {
  type: 'certificate';
  certificate_request_context: Uint8Array;
  certificate_list: CertificateEntry[];
}

export interface CertificateRequest {
  type: 'certificate_request';
  certificate_request_context: Uint8Array;
  extensions: CertificateRequestExtensions;
}

export interface CertificateVerify {
  type: 'certificate_verify';
  algorithm: number;
  signature: Uint8Array;
}

export interface Finished {
  type: 'finished';
  verify_data: Uint8Array;
}

export interface NewSessionTicket {
  type: 'new_session_ticket';
  ticket_lifetime: number;
  ticket_age_add: number;
  ticket_nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: NewSessionTicketExtensions;
}

export interface EndOfEarlyData {
  type: 'end_of_early_data';
}

export interface KeyUpdate {
  type: 'key_update';
  request_update: number;
}

// --- TLS 1.2 (RFC 5246 §7.4). CertificateVerify and Finished have the TLS 1.3 shape. ---------

/** RFC 5246 §7.4.1.1: struct {} HelloRequest. */
export interface HelloRequest {
  type: 'hello_request';
}

/** RFC 5246 §7.4.1.3: a ServerHello without supported_versions. */
export interface ServerHello12 {
  type: 'server_hello_tls12';
  server_version: number;
  random: Uint8Array;
  session_id: Uint8Array; // 0..32 bytes
  cipher_suite: number;
  compression_method: number;
  extensions: ServerHello12Extensions;
}

/** RFC 5246 §7.4.2: ASN.1Cert certificate_list<0..2^24-1>, each DER, sender's first. */
export interface Certificate12 {
  type: 'certificate_tls12';
  certificate_list: Uint8Array[];
}

/**
 * RFC 5246 §7.4.3. The body's structure depends on the negotiated key exchange, which the codec
 * does not know: it is kept whole; messages/server-key-exchange.ts parses it.
 */
export interface ServerKeyExchange {
  type: 'server_key_exchange';
  body: Uint8Array;
}

/** RFC 5246 §7.4.4 CertificateRequest. */
export interface CertificateRequest12 {
  type: 'certificate_request_tls12';
  /** ClientCertificateType values (RFC 5246 §7.4.4, RFC 8422 §5.5). */
  certificate_types: number[];
  supported_signature_algorithms: number[];
  /** DistinguishedName DER values. */
  certificate_authorities: Uint8Array[];
}

/** RFC 5246 §7.4.5: struct {} ServerHelloDone. */
export interface ServerHelloDone {
  type: 'server_hello_done';
}

/** RFC 5246 §7.4.7: kept whole like ServerKeyExchange; messages/client-key-exchange.ts parses it. */
export interface ClientKeyExchange {
  type: 'client_key_exchange';
  body: Uint8Array;
}

/** RFC 5077 §3.3 NewSessionTicket. */
export interface NewSessionTicket12 {
  type: 'new_session_ticket_tls12';
  ticket_lifetime_hint: number;
  /** Empty when the server decided not to issue one after all (RFC 5077 §3.3). */
  ticket: Uint8Array;
}

/** RFC 6066 §8 CertificateStatus with status_type ocsp: the DER OCSPResponse. */
export interface CertificateStatus {
  type: 'certificate_status';
  ocsp_response: Uint8Array;
}

export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | HelloRetryRequest
  | EncryptedExtensions
  | Certificate
  | CertificateRequest
  | CertificateVerify
  | Finished
  | NewSessionTicket
  | EndOfEarlyData
  | KeyUpdate
  | HelloRequest
  | ServerHello12
  | Certificate12
  | ServerKeyExchange
  | CertificateRequest12
  | ServerHelloDone
  | ClientKeyExchange
  | NewSessionTicket12
  | CertificateStatus;

export type HandshakeKind = HandshakeMessage['type'];
export type MessageOf<K extends HandshakeKind> = Extract<HandshakeMessage, { type: K }>;
