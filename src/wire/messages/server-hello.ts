// RFC 8446 §4.1.3 ServerHello, and §4.1.4 HelloRetryRequest (a ServerHello with a special random).
import { type ExtensionOrder, decodeExtensions, encodeExtensions } from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { HelloRetryRequest, ServerHello } from '../types.js';
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

export function decodeServerHello(r: Reader): ServerHello | HelloRetryRequest {
  const legacy_version = r.u16('legacy_version');
  const random = r.fixed(32, 'random');
  const legacy_session_id_echo = copyBytes(r.vec8('legacy_session_id_echo', 0, 32));
  const cipher_suite = r.u16('cipher_suite');
  const legacy_compression_method = r.u8('legacy_compression_method');
  // A TLS 1.2-or-earlier ServerHello may end without an extensions block (RFC 5246 §7.4.1.3).
  const none = r.remaining === 0;
  if (isHelloRetryRequestRandom(random)) {
    const extensions = none ? { unknown: [] } : decodeExtensions(r, 'HRR');
    return { type: 'hello_retry_request', legacy_version, legacy_session_id_echo, cipher_suite, legacy_compression_method, extensions };
  }
  const extensions = none ? { unknown: [] } : decodeExtensions(r, 'SH');
  return {
    type: 'server_hello',
    legacy_version,
    random: copyBytes(random),
    legacy_session_id_echo,
    cipher_suite,
    legacy_compression_method,
    extensions,
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
