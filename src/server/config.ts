import { type TlsVersionName, resolveVersions } from '../handshake/versions.js';
import type { ParsedCertificate, SigningKey } from '../crypto/provider.js';
import { DEFAULT_GROUPS } from '../crypto/groups.js';
import { DEFAULT_CERT_SIGNATURE_SCHEMES, DEFAULT_SIGNATURE_SCHEMES, schemeInfo } from '../crypto/schemes.js';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES, tls12Suite, tls13Suite } from '../crypto/suites.js';
import type { CertificateVerifier } from '../handshake/verify.js';
import { ClientCertificateType, ProtocolVersion, SignatureScheme } from '../wire/codes.js';
import type { CertificateRequest, CertificateRequest12 } from '../wire/types.js';
import { MAX_INNER_PLAINTEXT } from '../record/protection.js';
import { MIN_RECORD_SIZE_LIMIT } from '../record/record-layer.js';
import { MAX_SESSION_CONTEXT } from '../tls12/session.js';
import type { ReplayGuard } from './anti-replay.js';
import type { SessionStore } from './session-cache.js';
import type { TicketSealer } from './tickets.js';

/** OpenSSL's SSL_SESSION_CACHE_MAX_SIZE_DEFAULT: sessions a MemorySessionStore keeps before evicting. */
export const DEFAULT_SESSION_CACHE_SIZE = 20_000;
/** node:tls `sessionTimeout` default: seconds a TLS 1.2 session may resume, and the ticket_lifetime_hint. */
export const DEFAULT_SESSION_TIMEOUT = 300;
/**
 * The longest sessionTimeout we accept: 7 days, the lifetime RFC 8446 §4.6.1 caps TLS 1.3 tickets
 * at (and Go's ticket key lifetime). RFC 5246 Appendix F.1.4 suggests 24 hours for session IDs.
 */
export const MAX_SESSION_TIMEOUT = 7 * 24 * 60 * 60;
/** Seconds between automatic ticket key rotations: 12 hours (Go rotates daily; a shorter key life bounds what a leaked key opens). */
export const DEFAULT_TICKET_KEY_ROTATION = 12 * 60 * 60;
/** TLS 1.3 NewSessionTickets sent after each handshake (OpenSSL's default: 2, one per parallel connection a browser opens). */
export const DEFAULT_TLS13_TICKETS = 2;
/** The most TLS 1.3 tickets one handshake issues (each costs a seal and a record). */
export const MAX_TLS13_TICKETS = 16;

/** A certificate chain with its private key, parsed once (DESIGN §6: never re-parse per handshake). */
export interface CertifiedKey {
  /** DER, leaf first. */
  chain: Uint8Array[];
  key: SigningKey;
  leaf: ParsedCertificate;
  /**
   * An OCSPResponse (DER) for `leaf`, stapled in its CertificateEntry when the client sent
   * status_request (RFC 8446 §4.4.2.1, RFC 6066 §8). Sent as configured: refreshing it before
   * nextUpdate is the application's job, as with nginx's ssl_stapling_file.
   */
  ocsp?: Uint8Array;
}

/** Client authentication (RFC 8446 §4.3.2, §4.4.2): what node:tls calls `requestCert`. */
export interface ClientAuthConfig {
  /** Validates the client's chain; called with purpose 'client' (clientAuth EKU) and no host name. */
  verifier: CertificateVerifier;
  /**
   * node:tls `rejectUnauthorized`. true: a client that sends no certificate fails with
   * certificate_required (RFC 8446 §4.4.2.4), one whose chain does not validate with the alert of
   * its error. false: the handshake completes either way, and HandshakeInfo records the outcome
   * (`authorized`, `authorizationError`). A CertificateVerify that does not verify fails always.
   */
  required: boolean;
  /**
   * DER distinguished names sent in certificate_authorities (RFC 8446 §4.2.4), so a client with
   * several certificates can pick one these CAs issued. Usually the subjects of the trust anchors;
   * none (the default) omits the extension.
   */
  certificateAuthorities?: readonly Uint8Array[];
  /**
   * Ask only after the handshake, on demand (Connection.requestClientCertificate, RFC 8446
   * §4.6.2), of TLS 1.3 clients that offered post_handshake_auth: the handshake itself sends no
   * CertificateRequest (TLS 1.2 clients are never asked). Default false: asked in the handshake,
   * and on demand too.
   */
  postHandshakeOnly?: boolean;
}

export interface ServerConfig {
  /**
   * Versions to speak, as node:tls minVersion/maxVersion (default TLS 1.2 to 1.3). TLS 1.0 and
   * 1.1 are never spoken.
   */
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Certificates to serve; the first is the default when SNI picks none. */
  certificates: CertifiedKey[];
  /**
   * Chooses candidate certificates for the SNI name (node:tls SNICallback, made synchronous: the
   * Node adapter resolves an async SNICallback before the core sees the ClientHello).
   */
  selectCertificates?: (serverName: string | undefined) => CertifiedKey[] | undefined;
  /** Server's ALPN protocols, preference order. */
  alpnProtocols?: readonly string[];
  /**
   * TLS 1.3 and TLS 1.2 suites in one list, as node:tls `ciphers` mixes them. Default: every
   * TLS 1.3 suite and the forward-secret AEAD TLS 1.2 ones (DEFAULT_TLS12_SUITES); the legacy
   * TLS 1.2 suites (CBC, RSA key exchange) only when listed here. A list that names no suite of
   * one version turns that version off, as OpenSSL does when its TLS 1.3 ciphersuites are empty.
   */
  cipherSuites?: readonly number[];
  /**
   * Groups we accept, preference order. A client share outside this list triggers HelloRetryRequest.
   * TLS 1.2 ECDHE picks the first of the elliptic-curve ones the client supports; TLS 1.2 DHE the
   * first RFC 7919 group listed here, or, when none is, any RFC 7919 group (DHE suites are the opt-in).
   */
  groups?: readonly number[];
  /**
   * Lists `groups` in EncryptedExtensions (RFC 8446 §4.2.7), a hint the client may use for later
   * connections. Off by default: the client may not act on it during this handshake, and most
   * servers leave it out.
   */
  advertiseGroups?: boolean;
  /**
   * RFC 8449 record_size_limit we answer with when the client offers one: the largest
   * TLSInnerPlaintext we accept, 64..2^14+1 (default 2^14+1, i.e. no limit beyond TLS 1.3's).
   */
  recordSizeLimit?: number;
  signatureSchemes?: readonly number[];
  /** node:tls honorCipherOrder: pick by our order instead of the client's. */
  honorCipherOrder?: boolean;
  /** Request (and check) a client certificate; absent, none is requested. */
  clientAuth?: ClientAuthConfig;
  /**
   * TLS 1.2 resumption by session ID (RFC 5246 §7.3): full handshakes store their sessions here
   * under a fresh session_id, and a ClientHello offering one resumes it. Share one store among
   * the connections of a server (the core keeps nothing between connections, DESIGN §1: without a
   * store, or with false, there is no session-ID resumption). The Node adapter makes one per Server.
   */
  sessionCache?: SessionStore | false;
  /**
   * TLS 1.2 session tickets (RFC 5077): a client that sends session_ticket gets its session sealed
   * into a NewSessionTicket, and a ticket that opens resumes. Share one TicketKeys among a
   * server's connections; absent or false, no tickets (node:tls's SSL_OP_NO_TICKET).
   */
  tickets?: TicketSealer | false;
  /** node:tls `sessionTimeout`: seconds a session may resume (default DEFAULT_SESSION_TIMEOUT). */
  sessionTimeout?: number;
  /**
   * node:tls `sessionIdContext` (OpenSSL's sid_ctx, at most 32 bytes): sessions resume only under
   * the context they were made in, so servers sharing a store or ticket keys keep theirs apart.
   * Default: empty.
   */
  sessionIdContext?: Uint8Array;
  /**
   * TLS 1.3 NewSessionTickets (RFC 8446 §4.6.1) sent after each handshake when `tickets` is set,
   * 0 to MAX_TLS13_TICKETS (default DEFAULT_TLS13_TICKETS).
   */
  tls13Tickets?: number;
  /**
   * Accept psk_ke resumption (RFC 8446 §4.2.9): no (EC)DHE, so no forward secrecy for the resumed
   * connection. Off by default: only psk_dhe_ke resumes.
   */
  pskKe?: boolean;
  /**
   * 0-RTT (RFC 8446 §2.3, §4.2.10): the most early data, in bytes, a resumed client may send in
   * its first flight; our TLS 1.3 tickets advertise it (max_early_data_size). 0 (the default)
   * turns 0-RTT off: tickets allow none and early data is skipped. Early data can be replayed by
   * an attacker; accept it only for requests that are safe to repeat (RFC 8446 §8, RFC 8470).
   * Needs `tickets` and `antiReplay`.
   */
  maxEarlyData?: number;
  /**
   * Where tickets that carried accepted early data are recorded (RFC 8446 §8), shared by every
   * connection of a server (and across servers sharing ticket keys). Required with maxEarlyData.
   */
  antiReplay?: ReplayGuard;
}

export interface ResolvedClientAuth {
  verifier: CertificateVerifier;
  required: boolean;
  /** Not asked during the handshake (ClientAuthConfig.postHandshakeOnly). */
  postHandshakeOnly: boolean;
  /** The CertificateRequest we send, built when the configuration is resolved. */
  request: CertificateRequest;
  /** Its signature_algorithms: the schemes the client's CertificateVerify may use. */
  signatureSchemes: readonly number[];
  /** The TLS 1.2 CertificateRequest (RFC 5246 §7.4.4). */
  tls12Request: CertificateRequest12;
  /** Its supported_signature_algorithms: what a TLS 1.2 client's CertificateVerify may use. */
  tls12SignatureSchemes: readonly number[];
}

export interface ResolvedServerConfig {
  /** ProtocolVersion values: TLS1_2 or TLS1_3. */
  minVersion: number;
  maxVersion: number;
  certificates: CertifiedKey[];
  selectCertificates: ((serverName: string | undefined) => CertifiedKey[] | undefined) | undefined;
  alpnProtocols: readonly string[];
  /** TLS 1.3 suites, preference order. */
  cipherSuites: readonly number[];
  /** TLS 1.2 suites, preference order. */
  tls12CipherSuites: readonly number[];
  groups: readonly number[];
  advertiseGroups: boolean;
  recordSizeLimit: number;
  signatureSchemes: readonly number[];
  /** What we sign a TLS 1.2 ServerKeyExchange with, preference order. */
  tls12SignatureSchemes: readonly number[];
  honorCipherOrder: boolean;
  clientAuth: ResolvedClientAuth | undefined;
  sessionCache: SessionStore | undefined;
  tickets: TicketSealer | undefined;
  /** Seconds. */
  sessionTimeout: number;
  sessionIdContext: Uint8Array;
  tls13Tickets: number;
  pskKe: boolean;
  /** 0: no 0-RTT. */
  maxEarlyData: number;
  antiReplay: ReplayGuard | undefined;
}

/** The largest max_early_data_size we advertise (RFC 8446 §4.2.10 allows 2^32-1; OpenSSL's default is 16 KiB). */
export const MAX_EARLY_DATA_LIMIT = 1 << 24;

/**
 * RFC 5246 §7.4.1.4.1 allows PKCS#1 v1.5 signatures in TLS 1.2, which many TLS 1.2 peers still
 * prefer; by default they follow our TLS 1.3 schemes. SHA-1 schemes are never used (RFC 9155).
 */
const TLS12_EXTRA_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];

/** The schemes TLS 1.2 may use: configured ones (SHA-1 and unknown ones dropped), or the defaults plus PKCS#1. */
function tls12Schemes(configured: readonly number[] | undefined): number[] {
  if (configured?.length) return configured.filter((s) => schemeInfo(s) !== undefined && schemeInfo(s)!.hash !== 'sha1');
  return [...DEFAULT_SIGNATURE_SCHEMES, ...TLS12_EXTRA_SCHEMES];
}

/** RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>, each opaque <1..2^16-1>. */
export const MAX_CERTIFICATE_AUTHORITIES_BYTES = 0xffff;

/** The encoded size of a certificate_authorities list (its 2-byte length prefix excluded). */
export function certificateAuthoritiesSize(names: readonly Uint8Array[]): number {
  let n = 0;
  for (const name of names) n += 2 + name.length;
  return n;
}

/**
 * RFC 8446 §4.3.2: an empty certificate_request_context during the handshake; signature_algorithms
 * (required) lists the schemes we accept in CertificateVerify (TLS 1.3 ones only, §4.2.3);
 * signature_algorithms_cert adds the PKCS#1 schemes CAs still sign certificates with, which
 * signature_algorithms alone would otherwise forbid in the client's chain.
 */
function resolveClientAuth(
  auth: ClientAuthConfig,
  signatureSchemes: readonly number[],
  tls12SignatureSchemes: readonly number[],
): ResolvedClientAuth {
  const names = auth.certificateAuthorities ?? [];
  if (names.some((n) => n.length < 1 || n.length > 0xffff)) {
    throw new Error('each certificate authority name must have 1 to 2^16-1 bytes');
  }
  if (certificateAuthoritiesSize(names) > MAX_CERTIFICATE_AUTHORITIES_BYTES) {
    throw new Error('certificateAuthorities exceed the 2^16-1 bytes certificate_authorities can carry');
  }
  const schemes = signatureSchemes.filter((s) => schemeInfo(s)?.tls13);
  if (!schemes.length) throw new Error('client authentication needs a TLS 1.3 signature scheme to offer');
  return {
    verifier: auth.verifier,
    required: auth.required,
    postHandshakeOnly: auth.postHandshakeOnly ?? false,
    signatureSchemes: schemes,
    tls12SignatureSchemes,
    // RFC 5246 §7.4.4 (RFC 8422 §5.5 for ecdsa_sign, which also covers EdDSA certificates).
    tls12Request: {
      type: 'certificate_request_tls12',
      certificate_types: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign],
      supported_signature_algorithms: [...tls12SignatureSchemes],
      certificate_authorities: [...names],
    },
    request: {
      type: 'certificate_request',
      certificate_request_context: new Uint8Array(0),
      extensions: {
        signature_algorithms: [...schemes],
        signature_algorithms_cert: [...DEFAULT_CERT_SIGNATURE_SCHEMES],
        ...(names.length ? { certificate_authorities: [...names] } : {}),
        unknown: [],
      },
    },
  };
}

/** RFC 6066 §8 CertificateStatus: opaque OCSPResponse<1..2^24-1>. */
export function checkStaple(certified: CertifiedKey): void {
  const n = certified.ocsp?.length;
  if (n !== undefined && (n < 1 || n > 0xffffff)) throw new Error('an OCSP response to staple must have 1 to 2^24-1 bytes');
}

export function resolveServerConfig(config: ServerConfig): ResolvedServerConfig {
  if (!config.certificates.length && !config.selectCertificates) throw new Error('a server needs at least one certificate');
  for (const c of config.certificates) checkStaple(c);
  const recordSizeLimit = config.recordSizeLimit ?? MAX_INNER_PLAINTEXT;
  if (!Number.isInteger(recordSizeLimit) || recordSizeLimit < MIN_RECORD_SIZE_LIMIT || recordSizeLimit > MAX_INNER_PLAINTEXT) {
    // RFC 8449 §4: at least 64, and at most what TLS 1.3 allows (2^14 + 1).
    throw new Error(`recordSizeLimit must be an integer from ${MIN_RECORD_SIZE_LIMIT} to ${MAX_INNER_PLAINTEXT}`);
  }
  const sessionTimeout = config.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
  if (!Number.isInteger(sessionTimeout) || sessionTimeout < 0 || sessionTimeout > MAX_SESSION_TIMEOUT) {
    throw new Error(`sessionTimeout must be an integer from 0 to ${MAX_SESSION_TIMEOUT} seconds`);
  }
  const sessionIdContext = config.sessionIdContext ?? new Uint8Array(0);
  if (sessionIdContext.length > MAX_SESSION_CONTEXT) throw new Error(`sessionIdContext must be at most ${MAX_SESSION_CONTEXT} bytes`);
  const tls13Tickets = config.tls13Tickets ?? DEFAULT_TLS13_TICKETS;
  if (!Number.isInteger(tls13Tickets) || tls13Tickets < 0 || tls13Tickets > MAX_TLS13_TICKETS) {
    throw new Error(`tls13Tickets must be an integer from 0 to ${MAX_TLS13_TICKETS}`);
  }
  const maxEarlyData = config.maxEarlyData ?? 0;
  if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > MAX_EARLY_DATA_LIMIT) {
    throw new Error(`maxEarlyData must be an integer from 0 to ${MAX_EARLY_DATA_LIMIT}`);
  }
  // RFC 8446 §8: without a shared record of used tickets, a replayed first flight would be accepted again.
  if (maxEarlyData > 0 && !config.antiReplay) throw new Error('maxEarlyData needs antiReplay: early data without replay protection is refused');
  if (maxEarlyData > 0 && !config.tickets) throw new Error('maxEarlyData needs tickets: early data comes only with resumption');
  const signatureSchemes = config.signatureSchemes?.length ? config.signatureSchemes : DEFAULT_SIGNATURE_SCHEMES;
  const tls12SignatureSchemes = tls12Schemes(config.signatureSchemes);
  let { minVersion, maxVersion } = resolveVersions(config);
  const listed = config.cipherSuites?.length ? config.cipherSuites : undefined;
  const cipherSuites = listed ? listed.filter((id) => tls13Suite(id) !== undefined) : DEFAULT_TLS13_SUITES;
  const tls12CipherSuites = listed ? listed.filter((id) => tls12Suite(id) !== undefined) : DEFAULT_TLS12_SUITES;
  if (minVersion <= ProtocolVersion.TLS1_2 && maxVersion >= ProtocolVersion.TLS1_3) {
    // Both versions enabled: one without a suite is not spoken, rather than failing every handshake.
    if (!cipherSuites.length && tls12CipherSuites.length) maxVersion = ProtocolVersion.TLS1_2;
    if (!tls12CipherSuites.length && cipherSuites.length) minVersion = ProtocolVersion.TLS1_3;
  }
  return {
    minVersion,
    maxVersion,
    certificates: config.certificates,
    selectCertificates: config.selectCertificates,
    alpnProtocols: config.alpnProtocols ?? [],
    cipherSuites,
    tls12CipherSuites,
    groups: config.groups?.length ? config.groups : DEFAULT_GROUPS,
    advertiseGroups: config.advertiseGroups ?? false,
    recordSizeLimit,
    signatureSchemes,
    tls12SignatureSchemes,
    honorCipherOrder: config.honorCipherOrder ?? false,
    clientAuth: config.clientAuth ? resolveClientAuth(config.clientAuth, signatureSchemes, tls12SignatureSchemes) : undefined,
    sessionCache: config.sessionCache || undefined,
    tickets: config.tickets || undefined,
    sessionTimeout,
    sessionIdContext,
    tls13Tickets,
    pskKe: config.pskKe ?? false,
    maxEarlyData,
    antiReplay: maxEarlyData > 0 ? config.antiReplay : undefined,
  };
}
