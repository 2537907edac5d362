import { type TlsVersionName, resolveVersions } from '../handshake/versions.js';
import type { SigningKey } from '../crypto/provider.js';
import { DEFAULT_GROUPS, groupInfo } from '../crypto/groups.js';
import {
  DEFAULT_CERT_SIGNATURE_SCHEMES,
  DEFAULT_SIGNATURE_SCHEMES,
  DEFAULT_TLS12_SIGNATURE_SCHEMES,
} from '../crypto/schemes.js';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES, tls12Suite, tls13Suite } from '../crypto/suites.js';
import type { CertificateVerifier } from '../handshake/verify.js';
import { MAX_INNER_PLAINTEXT } from '../record/protection.js';
import { MIN_RECORD_SIZE_LIMIT } from '../record/record-layer.js';
import { ProtocolVersion } from '../wire/codes.js';
import { allowedContexts } from '../wire/extensions.js';
import type { UnknownExtension } from '../wire/types.js';
import { type ClientSession, type ClientSession13, decodeAnyClientSession, isSession13 } from './sessions.js';

/** A client's settings for the sans-IO core. The Node adapter maps node:tls options onto this. */
export interface ClientConfig {
  /**
   * Versions to speak, as node:tls minVersion/maxVersion (default TLS 1.2 to 1.3). TLS 1.0 and
   * 1.1 are never spoken.
   */
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Host to authenticate; sent as SNI unless it is an IP literal (RFC 6066 §3). */
  serverName?: string;
  /** SNI to send when it should differ from serverName; false sends none. */
  sni?: string | false;
  alpnProtocols?: readonly string[];
  /**
   * TLS 1.3 and TLS 1.2 suites, in the order to offer them. Default: the TLS 1.3 suites, then the
   * forward-secret AEAD TLS 1.2 suites when TLS 1.2 is enabled; CBC and RSA key exchange suites
   * are offered only when listed here. Suites of a version that is not enabled are left out, and
   * so are TLS 1.2 ECDHE suites when `groups` names no elliptic curve.
   */
  cipherSuites?: readonly number[];
  /** supported_groups, preference order. */
  groups?: readonly number[];
  /** Groups to send key shares for in the first ClientHello (default: the first group). */
  keyShareGroups?: readonly number[];
  /**
   * signature_algorithms, preference order. Default: DEFAULT_SIGNATURE_SCHEMES, plus the RSA
   * PKCS#1 v1.5 schemes when TLS 1.2 is enabled (DEFAULT_TLS12_SIGNATURE_SCHEMES).
   */
  signatureSchemes?: readonly number[];
  /**
   * signature_algorithms_cert (RFC 8446 §4.2.3), preference order; false leaves it out, and then
   * signature_algorithms covers certificate signatures too.
   */
  certSignatureSchemes?: readonly number[] | false;
  /**
   * RFC 8446 §D.4 middlebox-compatibility mode (default true): a random legacy_session_id and a
   * change_cipher_spec before our second flight. The mode is optional; without it the
   * legacy_session_id is empty and no change_cipher_spec is sent.
   */
  middleboxCompat?: boolean;
  /**
   * RFC 8449 record_size_limit to offer: the largest TLSInnerPlaintext we accept, 64..2^14+1.
   * Not offered by default. When the server answers, our records honour its limit in turn.
   */
  recordSizeLimit?: number;
  /**
   * For reproducing another client's ClientHello exactly (test vectors, fingerprint studies):
   * `extra` extensions sent as given (only types this core does not itself implement), and the
   * extension `order` on the wire (types not listed follow in the default order).
   */
  helloExtensions?: { extra?: readonly UnknownExtension[]; order?: readonly number[] };
  /** Validates the server's chain. Required unless `rejectUnauthorized` is false. */
  verifier?: CertificateVerifier;
  /** node:tls semantics: true aborts on a bad chain; false records the error and goes on. */
  rejectUnauthorized?: boolean;
  /** Our certificate for servers that ask (client authentication). */
  certificate?: { chain: Uint8Array[]; key: SigningKey };
  /**
   * Send status_request (RFC 6066 §8) so the server may staple an OCSP response to its leaf
   * (RFC 8446 §4.4.2.1); a stapled response is verified, a revoked leaf fails with
   * certificate_revoked, and a must-staple leaf (RFC 7633) without one fails. Default true, as
   * browsers and Go's crypto/tls always ask: it costs the server nothing when it has no staple.
   * False: a staple is unsolicited (unsupported_extension) and must-staple is not enforced,
   * since RFC 7633 §4.2.3 only binds features the ClientHello also offered.
   */
  requestOCSP?: boolean;
  /**
   * A session from an earlier connection's 'session' event (node:tls's `session` option), to
   * resume with a TLS 1.2 abbreviated handshake (RFC 5246 §7.3) by its ticket (RFC 5077 §3.4) or
   * session ID, or a TLS 1.3 ticket to resume with a PSK handshake (RFC 8446 §2.2, psk_dhe_ke).
   * It is offered only to the same server name and SNI, while its version is enabled, its suite
   * (TLS 1.3: a suite with its hash) is offered and it has not expired (sessions.ts); otherwise,
   * or when the server declines, the handshake is a full one. Bytes that are not a session are
   * an Error here.
   */
  session?: Uint8Array;
  /**
   * Offer the session_ticket extension (RFC 5077 §3.2) so a TLS 1.2 server may issue a ticket,
   * and resume by ticket (default true). False resumes by session ID only.
   */
  tickets?: boolean;
  /**
   * 0-RTT (RFC 8446 §2.3): application data to send in the first flight, under keys from the TLS
   * 1.3 `session`, when its ticket allows early data (max_early_data_size), its cipher suite is
   * offered and its ALPN protocol is among ours. What exceeds max_early_data_size, and all of it
   * if the server rejects early data, is sent after the handshake (HandshakeInfo.earlyData tells
   * which happened). The server may see 0-RTT data twice if an attacker replays it (RFC 8446 §8):
   * send only requests that are safe to repeat.
   */
  earlyData?: Uint8Array;
  /**
   * RFC 8446 §4.2.6: offer post_handshake_auth, so a TLS 1.3 server may ask for our certificate
   * after the handshake (§4.6.2); we answer with `certificate`, or an empty Certificate without
   * one. Default false: such a request is unexpected_message (OpenSSL's -enable_pha is off by default too).
   */
  postHandshakeAuth?: boolean;
}

export interface ResolvedClientConfig {
  /** ProtocolVersion values: TLS1_2 or TLS1_3. */
  minVersion: number;
  maxVersion: number;
  serverName: string | undefined;
  sni: string | undefined;
  alpnProtocols: readonly string[];
  cipherSuites: readonly number[];
  groups: readonly number[];
  keyShareGroups: readonly number[];
  signatureSchemes: readonly number[];
  /** Undefined: signature_algorithms_cert is not sent. */
  certSignatureSchemes: readonly number[] | undefined;
  middleboxCompat: boolean;
  recordSizeLimit: number | undefined;
  helloExtensions: { extra: readonly UnknownExtension[]; order: readonly number[] | undefined };
  verifier: CertificateVerifier | undefined;
  rejectUnauthorized: boolean;
  certificate: { chain: Uint8Array[]; key: SigningKey } | undefined;
  requestOCSP: boolean;
  /** The decoded `session`; whether this connection may offer it is sessionToOffer's call. */
  session: ClientSession | undefined;
  /** The decoded `session` when it is a TLS 1.3 ticket; session13ToOffer decides whether to offer it. */
  session13: ClientSession13 | undefined;
  tickets: boolean;
  /** Empty: no 0-RTT. */
  earlyData: Uint8Array;
  postHandshakeAuth: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/**
 * The suites to offer: as configured (or the defaults), without those no enabled version or key
 * exchange can use. Unknown code points stay (a caller may want to send them).
 */
function resolveCipherSuites(config: ClientConfig, minVersion: number, maxVersion: number, groups: readonly number[]): readonly number[] {
  const tls13 = maxVersion >= ProtocolVersion.TLS1_3;
  const tls12 = minVersion <= ProtocolVersion.TLS1_2;
  const listed = config.cipherSuites?.length
    ? config.cipherSuites
    : [...(tls13 ? DEFAULT_TLS13_SUITES : []), ...(tls12 ? DEFAULT_TLS12_SUITES : [])];
  const ecdhe = groups.some((g) => groupInfo(g)?.kind === 'ecdhe');
  const suites = listed.filter((id) => {
    if (tls13Suite(id)) return tls13;
    const suite12 = tls12Suite(id);
    if (suite12) return tls12 && (suite12.keyExchange !== 'ECDHE' || ecdhe);
    return true;
  });
  const usable = suites.some((id) => (tls13 && tls13Suite(id)) || (tls12 && tls12Suite(id)));
  if (!usable) throw new Error('cipherSuites names no suite the enabled versions and groups can use');
  return suites;
}

export const isIpLiteral = (host: string): boolean => IPV4.test(host) || host.includes(':');

function checkHelloExtensions(extra: readonly UnknownExtension[]): void {
  const seen = new Set<number>();
  for (const { type, data } of extra) {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new Error(`extension type ${type} is not a uint16`);
    // A type in our RFC 8446 §4.2 table has rules (and often a typed field) here: a raw copy could
    // duplicate one we write (illegal_parameter) or break its rules.
    if (allowedContexts(type) !== undefined) throw new Error(`extension ${type} is known here: only unknown extensions may be added raw`);
    if (seen.has(type)) throw new Error(`extension ${type} is given twice`);
    if (data.length > 0xffff) throw new Error(`extension ${type} has more than 2^16-1 bytes`);
    seen.add(type);
  }
}

export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  const groups = config.groups?.length ? config.groups : DEFAULT_GROUPS;
  const serverName = config.serverName;
  let sni: string | undefined;
  if (config.sni === false) sni = undefined;
  else if (typeof config.sni === 'string') sni = config.sni;
  else if (serverName && !isIpLiteral(serverName)) sni = serverName.replace(/\.$/, '');
  const rejectUnauthorized = config.rejectUnauthorized ?? true;
  if (rejectUnauthorized && !config.verifier) throw new Error('a certificate verifier is required when rejectUnauthorized is true');
  const recordSizeLimit = config.recordSizeLimit;
  const limitInRange = (n: number) => Number.isInteger(n) && n >= MIN_RECORD_SIZE_LIMIT && n <= MAX_INNER_PLAINTEXT;
  if (recordSizeLimit !== undefined && !limitInRange(recordSizeLimit)) {
    // RFC 8449 §4: at least 64, and at most what TLS 1.3 allows (2^14 + 1).
    throw new Error(`recordSizeLimit must be an integer from ${MIN_RECORD_SIZE_LIMIT} to ${MAX_INNER_PLAINTEXT}`);
  }
  const extra = config.helloExtensions?.extra ?? [];
  checkHelloExtensions(extra);
  const { minVersion, maxVersion } = resolveVersions(config);
  const defaultSchemes = minVersion <= ProtocolVersion.TLS1_2 ? DEFAULT_TLS12_SIGNATURE_SCHEMES : DEFAULT_SIGNATURE_SCHEMES;
  return {
    minVersion,
    maxVersion,
    serverName,
    sni,
    alpnProtocols: config.alpnProtocols ?? [],
    cipherSuites: resolveCipherSuites(config, minVersion, maxVersion, groups),
    groups,
    keyShareGroups: config.keyShareGroups?.length ? config.keyShareGroups : groups.slice(0, 1),
    signatureSchemes: config.signatureSchemes?.length ? config.signatureSchemes : defaultSchemes,
    certSignatureSchemes:
      config.certSignatureSchemes === false
        ? undefined
        : config.certSignatureSchemes?.length
          ? config.certSignatureSchemes
          : DEFAULT_CERT_SIGNATURE_SCHEMES,
    middleboxCompat: config.middleboxCompat ?? true,
    recordSizeLimit,
    helloExtensions: { extra, order: config.helloExtensions?.order },
    verifier: config.verifier,
    rejectUnauthorized,
    certificate: config.certificate,
    requestOCSP: config.requestOCSP ?? true,
    ...resolveSession(config.session),
    tickets: config.tickets ?? true,
    earlyData: config.earlyData ?? new Uint8Array(0),
    postHandshakeAuth: config.postHandshakeAuth ?? false,
  };
}

function resolveSession(bytes: Uint8Array | undefined): { session: ClientSession | undefined; session13: ClientSession13 | undefined } {
  const decoded = bytes !== undefined ? decodeAnyClientSession(bytes) : undefined;
  if (decoded && isSession13(decoded)) return { session: undefined, session13: decoded };
  return { session: decoded, session13: undefined };
}
