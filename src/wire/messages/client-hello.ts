// RFC 8446 §4.1.2 ClientHello, the same structure as RFC 5246 §7.4.1.2's. Only its TLS 1.2
// extensions depend on the WireVersion (see extensions.ts).
import { type ExtensionOrder, decodeExtensions, encodeExtensions } from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { ClientHello, WireVersion } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeClientHello(r: Reader, version: WireVersion = 'tls13'): ClientHello {
  const legacy_version = r.u16('legacy_version');
  const random = copyBytes(r.fixed(32, 'random'));
  const legacy_session_id = copyBytes(r.vec8('legacy_session_id', 0, 32));
  // u16List rejects an odd length: every CipherSuite is two bytes.
  const cipher_suites = r.u16List('cipher_suites', 2, 0xfffe);
  const legacy_compression_methods = copyBytes(r.vec8('legacy_compression_methods', 1, 0xff));
  // RFC 8446 §4.1.2: a TLS 1.2-or-earlier ClientHello may end here, with no extensions block.
  const extensions = r.remaining === 0 ? { unknown: [] } : decodeExtensions(r, 'CH', version);
  return { type: 'client_hello', legacy_version, random, legacy_session_id, cipher_suites, legacy_compression_methods, extensions };
}

export function encodeClientHello(w: Writer, m: ClientHello, options?: ExtensionOrder): void {
  w.u16(m.legacy_version).bytes(m.random).opaque8(m.legacy_session_id).u16List(m.cipher_suites).opaque8(m.legacy_compression_methods);
  encodeExtensions(w, 'CH', m.extensions, options);
}
