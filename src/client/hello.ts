import type { KeyShare } from '../crypto/provider.js';
import { ProtocolVersion, PskKeyExchangeMode } from '../wire/codes.js';
import type { HandshakeEncodeOptions } from '../wire/handshake.js';
import type { ClientHello } from '../wire/types.js';
import type { ResolvedClientConfig } from './config.js';

/** What the first ClientHello committed to; a retry after HelloRetryRequest keeps it (RFC 8446 §4.1.2). */
export interface HelloParameters {
  random: Uint8Array;
  /** RFC 8446 §D.4: a non-empty legacy_session_id turns on middlebox-compatibility mode. */
  sessionId: Uint8Array;
  shares: KeyShare[];
  cookie?: Uint8Array;
}

export function buildClientHello(config: ResolvedClientConfig, params: HelloParameters): ClientHello {
  return {
    type: 'client_hello',
    legacy_version: ProtocolVersion.TLS1_2,
    random: params.random,
    legacy_session_id: params.sessionId,
    cipher_suites: [...config.cipherSuites],
    legacy_compression_methods: new Uint8Array([0]),
    extensions: {
      ...(config.sni !== undefined ? { server_name: config.sni } : {}),
      ...(config.requestOCSP ? { status_request: true as const } : {}),
      supported_groups: [...config.groups],
      signature_algorithms: [...config.signatureSchemes],
      ...(config.certSignatureSchemes ? { signature_algorithms_cert: [...config.certSignatureSchemes] } : {}),
      ...(config.alpnProtocols.length ? { alpn: [...config.alpnProtocols] } : {}),
      supported_versions: [ProtocolVersion.TLS1_3],
      ...(params.cookie ? { cookie: params.cookie } : {}),
      psk_key_exchange_modes: [PskKeyExchangeMode.psk_dhe_ke],
      key_share: params.shares.map((s) => ({ group: s.group, key_exchange: s.publicKey })),
      ...(config.recordSizeLimit !== undefined ? { record_size_limit: config.recordSizeLimit } : {}),
      unknown: config.helloExtensions.extra.map((e) => ({ type: e.type, data: e.data })),
    },
  };
}

/** How our ClientHello is written: in the configured extension order, if any. */
export function clientHelloEncoding(config: ResolvedClientConfig): HandshakeEncodeOptions {
  const order = config.helloExtensions.order;
  return order ? { extensionOrder: order } : {};
}
