// The decoded shape of every TLS 1.3 handshake message (RFC 8446 §4) and of the extensions each
// may carry (RFC 8446 §4.2). Extensions are typed fields, one per extension the message may carry;
// anything else lands in `unknown` (kept so the state machines can apply RFC 8446 §4.2's rules:
// the server ignores unknown ClientHello extensions, the client rejects unsolicited ones).

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
  pre_shared_key?: OfferedPsks;
  unknown: UnknownExtension[];
}

export interface ServerHelloExtensions {
  supported_versions?: number;
  key_share?: KeyShareEntry;
  /** selected_identity */
  pre_shared_key?: number;
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
  | KeyUpdate;

export type HandshakeKind = HandshakeMessage['type'];
export type MessageOf<K extends HandshakeKind> = Extract<HandshakeMessage, { type: K }>;
