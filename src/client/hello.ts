import type { KeyShare } from '../crypto/provider.js';
import { tls12Suite } from '../crypto/suites.js';
import { TLSError, illegalParameter } from '../errors.js';
import type { HandshakeContext } from '../handshake/context.js';
import { AlertDescription, ECPointFormat, ProtocolVersion, PskKeyExchangeMode } from '../wire/codes.js';
import type { HandshakeEncodeOptions } from '../wire/handshake.js';
import type { ClientHello } from '../wire/types.js';
import type { ResolvedClientConfig } from './config.js';
import { type Session13Offer, type SessionOffer, offersSessionTicket } from './sessions.js';

/** What the first ClientHello committed to; a retry after HelloRetryRequest keeps it (RFC 8446 §4.1.2). */
export interface HelloParameters {
  random: Uint8Array;
  /**
   * RFC 8446 §D.4: a non-empty legacy_session_id turns on middlebox-compatibility mode. When a
   * TLS 1.2 session is offered it is that session's ID, or for a ticket a fresh random one
   * (RFC 5077 §3.4), so that an echo tells a resumption from a full handshake.
   */
  sessionId: Uint8Array;
  /** The TLS 1.2 session offered for resumption, if any. */
  resumption?: SessionOffer;
  /** Empty when TLS 1.3 is not offered (no key_share). */
  shares: KeyShare[];
  cookie?: Uint8Array;
  /**
   * The TLS 1.3 ticket offered (RFC 8446 §4.2.11), with its obfuscated_ticket_age for this
   * ClientHello; buildClientHello writes a zero binder, which the sender replaces.
   */
  psk?: { offer: Session13Offer; obfuscatedTicketAge: number };
  /** RFC 8446 §4.2.10: early_data, in the first ClientHello only (§4.1.2). */
  earlyData?: boolean;
}

export const offersTls13 = (config: ResolvedClientConfig): boolean => config.maxVersion >= ProtocolVersion.TLS1_3;
export const offersTls12 = (config: ResolvedClientConfig): boolean => config.minVersion <= ProtocolVersion.TLS1_2;

/** The TLS 1.2 suites we offer. */
const tls12Suites = (config: ResolvedClientConfig) =>
  offersTls12(config) ? config.cipherSuites.map(tls12Suite).filter((s) => s !== undefined) : [];

/** RFC 7366 §2: encrypt_then_mac is worth offering only with a CBC suite. */
export const offersEncryptThenMac = (config: ResolvedClientConfig): boolean =>
  tls12Suites(config).some((s) => s.cipher.kind === 'cbc');

/** RFC 8422 §5.1: ec_point_formats goes with ECDHE suites. */
export const offersEcPointFormats = (config: ResolvedClientConfig): boolean =>
  tls12Suites(config).some((s) => s.keyExchange === 'ECDHE');

/**
 * The ClientHello. With TLS 1.3 only it is exactly what it was before TLS 1.2 existed here. With
 * TLS 1.2 enabled it adds extended_master_secret (RFC 7627 §5.1), an empty renegotiation_info
 * (RFC 5746 §3.4), ec_point_formats (RFC 8422 §5.1.2), encrypt_then_mac (RFC 7366 §2, CBC
 * suites only) and session_ticket (RFC 5077 §3.2: the ticket to resume with, else empty, unless
 * `tickets` is false); without TLS 1.3 it leaves out supported_versions, key_share and
 * psk_key_exchange_modes (RFC 8446 §4.2.1: a TLS 1.2 ClientHello has none).
 */
export function buildClientHello(config: ResolvedClientConfig, params: HelloParameters): ClientHello {
  const tls13 = offersTls13(config);
  const tls12 = offersTls12(config);
  return {
    type: 'client_hello',
    legacy_version: ProtocolVersion.TLS1_2,
    random: params.random,
    legacy_session_id: params.sessionId,
    cipher_suites: [...config.cipherSuites],
    legacy_compression_methods: new Uint8Array([0]),
    extensions: {
      ...(config.sni !== undefined ? { server_name: config.sni } : {}),
      ...(tls12 ? { extended_master_secret: true as const, renegotiation_info: new Uint8Array(0) } : {}),
      ...(config.requestOCSP ? { status_request: true as const } : {}),
      supported_groups: [...config.groups],
      ...(offersEcPointFormats(config) ? { ec_point_formats: [ECPointFormat.uncompressed] } : {}),
      ...(offersEncryptThenMac(config) ? { encrypt_then_mac: true as const } : {}),
      ...(offersSessionTicket(config) ? { session_ticket: ticketToOffer(params.resumption) } : {}),
      signature_algorithms: [...config.signatureSchemes],
      ...(config.certSignatureSchemes ? { signature_algorithms_cert: [...config.certSignatureSchemes] } : {}),
      ...(config.alpnProtocols.length ? { alpn: [...config.alpnProtocols] } : {}),
      ...(tls13 ? { supported_versions: tls12 ? [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2] : [ProtocolVersion.TLS1_3] } : {}),
      ...(params.cookie ? { cookie: params.cookie } : {}),
      ...(tls13
        ? {
            psk_key_exchange_modes: [PskKeyExchangeMode.psk_dhe_ke],
            key_share: params.shares.map((s) => ({ group: s.group, key_exchange: s.publicKey })),
          }
        : {}),
      ...(config.recordSizeLimit !== undefined ? { record_size_limit: config.recordSizeLimit } : {}),
      ...(tls13 && params.psk && params.earlyData ? { early_data: true as const } : {}),
      ...(tls13 && config.postHandshakeAuth ? { post_handshake_auth: true as const } : {}),
      unknown: config.helloExtensions.extra.map((e) => ({ type: e.type, data: e.data })),
      ...(tls13 && params.psk
        ? {
            pre_shared_key: {
              identities: [{ identity: params.psk.offer.session.ticket, obfuscated_ticket_age: params.psk.obfuscatedTicketAge }],
              binders: [new Uint8Array(params.psk.offer.suite.hashLength)],
            },
          }
        : {}),
    },
  };
}

const ticketToOffer = (offer: SessionOffer | undefined): Uint8Array =>
  offer?.byTicket && offer.session.ticket ? offer.session.ticket : new Uint8Array(0);

/** How our ClientHello is written: in the configured extension order, if any. */
export function clientHelloEncoding(config: ResolvedClientConfig): HandshakeEncodeOptions {
  const order = config.helloExtensions.order;
  return order ? { extensionOrder: order } : {};
}

/** RFC 8446 §4.2, RFC 5246 §7.4.1.4: an extension in the server's answer that we did not offer. */
export const unsolicited = (what: string): TLSError =>
  new TLSError(AlertDescription.unsupported_extension, `server sent ${what} we did not offer`);

/**
 * The answers a server gives the same way in TLS 1.3 EncryptedExtensions and a TLS 1.2
 * ServerHello: no unknown extension, server_name only if we sent SNI (RFC 6066 §3),
 * record_size_limit only if we offered one (RFC 8449 §4, then applied to our records), an ALPN
 * protocol of ours (RFC 7301 §3.2). Returns the protocol selected.
 */
export function acceptServerExtensions(
  x: { unknown: readonly unknown[]; server_name?: true; record_size_limit?: number; alpn?: string },
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): string | false {
  if (x.unknown.length) throw unsolicited('an extension');
  if (x.server_name && config.sni === undefined) throw unsolicited('server_name');
  if (x.record_size_limit !== undefined) {
    if (config.recordSizeLimit === undefined) throw unsolicited('record_size_limit');
    // Values below 64 failed decoding.
    ctx.setRecordSizeLimit(x.record_size_limit, config.recordSizeLimit);
  }
  if (x.alpn === undefined) return false;
  if (!config.alpnProtocols.length) throw unsolicited('ALPN');
  if (!config.alpnProtocols.includes(x.alpn)) throw illegalParameter('server selected an ALPN protocol we did not offer');
  return x.alpn;
}
