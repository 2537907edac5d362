// RFC 8446 §4.1.3 ServerHello, §4.1.4 HelloRetryRequest (a ServerHello with a special random), and
// RFC 5246 §7.4.1.3 ServerHello, the TLS 1.2 form: the same wire structure under TLS 1.2 names,
// told apart by supported_versions (RFC 8446 §4.2.1).
import {
  type ExtensionOrder,
  decodeExtensions,
  decodeServerHelloExtensions,
  encodeExtensions,
  hasNoExtensions,
} from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { HelloRetryRequest, ServerHello, ServerHello12, WireVersion } from '../types.js';
import type { Writer } from '../writer.js';

/** RFC 8446 §4.1.3: SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c'.match(/../g)!,
  (h) => parseInt(h, 16),
);

function isHelloRetryRequestRandom(random: Uint8Array): boolean {
  for (let i = 0; i < HELLO_RETRY_REQUEST_RANDOM.length; i++) if (random[i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

/**
 * With 'tls13' (the receiver speaks only TLS 1.3) every ServerHello is a `server_hello` or a
 * `hello_retry_request`, one without supported_versions included: the TLS 1.3 client refuses it
 * with protocol_version. With 'tls12', a ServerHello without supported_versions is a
 * `server_hello_tls12`.
 */
export function decodeServerHello(r: Reader, version: WireVersion = 'tls13'): ServerHello | HelloRetryRequest | ServerHello12 {
  const legacy_version = r.u16('legacy_version');
  const random = r.fixed(32, 'random');
  const legacy_session_id_echo = copyBytes(r.vec8('legacy_session_id_echo', 0, 32));
  const cipher_suite = r.u16('cipher_suite');
  const legacy_compression_method = r.u8('legacy_compression_method');
  if (isHelloRetryRequestRandom(random)) {
    // RFC 5246 §7.4.1.3: a TLS 1.2-or-earlier ServerHello may end without an extensions block.
    const extensions = r.remaining === 0 ? { unknown: [] } : decodeExtensions(r, 'HRR');
    return { type: 'hello_retry_request', legacy_version, legacy_session_id_echo, cipher_suite, legacy_compression_method, extensions };
  }
  const decoded = decodeServerHelloExtensions(r, version);
  if (decoded.context === 'SH12') {
    return {
      type: 'server_hello_tls12',
      server_version: legacy_version,
      random: copyBytes(random),
      session_id: legacy_session_id_echo,
      cipher_suite,
      compression_method: legacy_compression_method,
      extensions: decoded.extensions,
    };
  }
  return {
    type: 'server_hello',
    legacy_version,
    random: copyBytes(random),
    legacy_session_id_echo,
    cipher_suite,
    legacy_compression_method,
    extensions: decoded.extensions,
  };
}

export function encodeServerHello(w: Writer, m: ServerHello, options?: ExtensionOrder): void {
  w.u16(m.legacy_version).bytes(m.random).opaque8(m.legacy_session_id_echo).u16(m.cipher_suite).u8(m.legacy_compression_method);
  encodeExtensions(w, 'SH', m.extensions, options);
}

export function encodeHelloRetryRequest(w: Writer, m: HelloRetryRequest, options?: ExtensionOrder): void {
  w.u16(m.legacy_version).bytes(HELLO_RETRY_REQUEST_RANDOM).opaque8(m.legacy_session_id_echo).u16(m.cipher_suite);
  w.u8(m.legacy_compression_method);
  encodeExtensions(w, 'HRR', m.extensions, options);
}

/**
 * Without any extension the block is left out (RFC 5246 §7.4.1.3 extensions_present false): the
 * decoded value is the same, and a client that sent no extensions gets the ServerHello it expects.
 */
export function encodeServerHello12(w: Writer, m: ServerHello12, options?: ExtensionOrder): void {
  w.u16(m.server_version).bytes(m.random).opaque8(m.session_id).u16(m.cipher_suite).u8(m.compression_method);
  if (hasNoExtensions(m.extensions)) return;
  encodeExtensions(w, 'SH12', m.extensions, options);
}
