// RFC 5246 §7.4.7 ClientKeyExchange. Like ServerKeyExchange, its structure depends on the key
// exchange: the message keeps the body whole, and the server parses it here.
import { copyBytes } from '../ext/codec.js';
import { type ReadObserver, Reader } from '../reader.js';
import type { ClientKeyExchange } from '../types.js';
import { Writer } from '../writer.js';

const WHAT = 'ClientKeyExchange';

function readWhole(body: Uint8Array, read: (r: Reader) => Uint8Array, observer?: ReadObserver): Uint8Array {
  const r = new Reader(body, WHAT, 0, body.length, observer);
  const value = copyBytes(read(r));
  r.end();
  return value;
}

/** RFC 8422 §5.7: ECPoint ecdh_Yc, struct { opaque point<1..2^8-1>; }. */
export function decodeEcdheClientKeyExchange(body: Uint8Array, observer?: ReadObserver): Uint8Array {
  return readWhole(body, (r) => r.vec8('ecdh_Yc', 1, 0xff), observer);
}

export function encodeEcdheClientKeyExchange(point: Uint8Array): Uint8Array {
  return new Writer(1 + point.length).opaque8(point).finish();
}

/**
 * RFC 5246 §7.4.7.2: ClientDiffieHellmanPublic with explicit dh_Yc<1..2^16-1>. The implicit form
 * (an empty body, for fixed_dh client certificates) is not supported and so is decode_error.
 */
export function decodeDheClientKeyExchange(body: Uint8Array, observer?: ReadObserver): Uint8Array {
  return readWhole(body, (r) => r.vec16('dh_Yc', 1, 0xffff), observer);
}

export function encodeDheClientKeyExchange(dhYc: Uint8Array): Uint8Array {
  return new Writer(2 + dhYc.length).opaque16(dhYc).finish();
}

/**
 * RFC 5246 §7.4.7.1: EncryptedPreMasterSecret, public-key-encrypted, which TLS writes as
 * opaque<0..2^16-1> (§4.7). Only the framing is checked here: whether the ciphertext has the
 * modulus length or decrypts is for the key exchange, which must not reveal the difference
 * (RFC 5246 §7.4.7.1, Bleichenbacher).
 */
export function decodeRsaClientKeyExchange(body: Uint8Array, observer?: ReadObserver): Uint8Array {
  return readWhole(body, (r) => r.vec16('EncryptedPreMasterSecret'), observer);
}

export function encodeRsaClientKeyExchange(encryptedPreMasterSecret: Uint8Array): Uint8Array {
  return new Writer(2 + encryptedPreMasterSecret.length).opaque16(encryptedPreMasterSecret).finish();
}

// The message itself: the body, whole.

export function decodeClientKeyExchange(r: Reader): ClientKeyExchange {
  return { type: 'client_key_exchange', body: copyBytes(r.rest('body')) };
}

export function encodeClientKeyExchange(w: Writer, m: ClientKeyExchange): void {
  w.bytes(m.body);
}
