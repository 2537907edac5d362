// RFC 5246 §7.4.3 ServerKeyExchange. Its structure depends on the key exchange the cipher suite
// names, which the message codec does not know, so the message keeps the body whole and the state
// machine parses it here once the suite is known. Only the signed, ephemeral forms are read (ECDHE
// and DHE with RSA or ECDSA certificates); anonymous and PSK forms have no reader.
import { illegalParameter } from '../../errors.js';
import { ECCurveType } from '../codes.js';
import { copyBytes } from '../ext/codec.js';
import { type ReadObserver, Reader } from '../reader.js';
import type { ServerKeyExchange } from '../types.js';
import { Writer } from '../writer.js';

/**
 * RFC 5246 §4.7, TLS 1.2's digitally-signed: struct { SignatureAndHashAlgorithm algorithm;
 * opaque signature<0..2^16-1>; } DigitallySigned. The algorithm pair is a SignatureScheme code
 * point (RFC 8446 §4.2.3 kept the TLS 1.2 values).
 */
export interface DigitallySigned {
  algorithm: number;
  signature: Uint8Array;
}

/** RFC 8422 §5.4 ServerECDHParams with ECParameters.curve_type = named_curve. */
export interface ServerEcdhParams {
  /** NamedCurve, now NamedGroup (RFC 8422 §5.1.1). */
  group: number;
  /** ECPoint.point<1..2^8-1>: uncompressed SEC1 for the NIST curves, 32 bytes for x25519. */
  point: Uint8Array;
}

/** RFC 5246 §7.4.3 ServerDHParams: big-endian unsigned integers. */
export interface ServerDhParams {
  dh_p: Uint8Array;
  dh_g: Uint8Array;
  dh_Ys: Uint8Array;
}

export interface SignedServerKeyExchange<P> {
  params: P;
  /**
   * The params exactly as received. The signature covers client_random + server_random + these
   * bytes (RFC 5246 §7.4.3, RFC 8422 §5.4): hash what was received, never a re-encoding.
   */
  raw_params: Uint8Array;
  signed_params: DigitallySigned;
}

export type EcdheServerKeyExchange = SignedServerKeyExchange<ServerEcdhParams>;
export type DheServerKeyExchange = SignedServerKeyExchange<ServerDhParams>;

const WHAT = 'ServerKeyExchange';

function readSigned<P>(body: Uint8Array, readParams: (r: Reader) => P, observer?: ReadObserver): SignedServerKeyExchange<P> {
  const r = new Reader(body, WHAT, 0, body.length, observer);
  const params = readParams(r);
  const raw_params = copyBytes(body.subarray(0, r.offset));
  const algorithm = r.u16('algorithm');
  const signature = copyBytes(r.vec16('signature'));
  r.end();
  return { params, raw_params, signed_params: { algorithm, signature } };
}

function withSignature(rawParams: Uint8Array, signed: DigitallySigned): Uint8Array {
  return new Writer(rawParams.length + 4 + signed.signature.length).bytes(rawParams).u16(signed.algorithm).opaque16(signed.signature).finish();
}

/**
 * RFC 8422 §5.4: ServerECDHParams { ECParameters curve_params; ECPoint public; } then the
 * signature. Only curve_type named_curve(3) is read. The deprecated explicit curves (1, 2) and any
 * other type are illegal_parameter, RFC 5246 §7.2.2's "a field in the handshake was out of range
 * or inconsistent with other fields": the server chose parameters the client cannot have offered
 * (RFC 8422 §5.1.1 leaves no way to offer explicit curves), as with a named group it did not offer.
 * Not handshake_failure, which says the sender found no acceptable parameters; not decode_error,
 * as the bytes are well formed as far as they can be read.
 */
export function decodeEcdheServerKeyExchange(body: Uint8Array, observer?: ReadObserver): EcdheServerKeyExchange {
  return readSigned(body, (r) => {
    const curveType = r.u8('curve_type');
    if (curveType !== ECCurveType.named_curve) {
      throw illegalParameter(`ServerKeyExchange: curve_type ${curveType} is not named_curve (explicit curves are deprecated, RFC 8422 §5.4)`);
    }
    const group = r.u16('namedcurve');
    return { group, point: copyBytes(r.vec8('point', 1, 0xff)) };
  }, observer);
}

/** The ServerECDHParams bytes the server signs (after client_random + server_random). */
export function encodeServerEcdhParams(params: ServerEcdhParams): Uint8Array {
  return new Writer(4 + params.point.length).u8(ECCurveType.named_curve).u16(params.group).opaque8(params.point).finish();
}

export function encodeEcdheServerKeyExchange(params: ServerEcdhParams, signed: DigitallySigned): Uint8Array {
  return withSignature(encodeServerEcdhParams(params), signed);
}

/**
 * RFC 5246 §7.4.3: ServerDHParams { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>;
 * opaque dh_Ys<1..2^16-1>; } then the signature. Group size and value checks are the key
 * exchange's, not the codec's.
 */
export function decodeDheServerKeyExchange(body: Uint8Array, observer?: ReadObserver): DheServerKeyExchange {
  return readSigned(body, (r) => {
    const dh_p = copyBytes(r.vec16('dh_p', 1, 0xffff));
    const dh_g = copyBytes(r.vec16('dh_g', 1, 0xffff));
    return { dh_p, dh_g, dh_Ys: copyBytes(r.vec16('dh_Ys', 1, 0xffff)) };
  }, observer);
}

/** The ServerDHParams bytes the server signs (after client_random + server_random). */
export function encodeServerDhParams(params: ServerDhParams): Uint8Array {
  return new Writer(6 + params.dh_p.length + params.dh_g.length + params.dh_Ys.length)
    .opaque16(params.dh_p)
    .opaque16(params.dh_g)
    .opaque16(params.dh_Ys)
    .finish();
}

export function encodeDheServerKeyExchange(params: ServerDhParams, signed: DigitallySigned): Uint8Array {
  return withSignature(encodeServerDhParams(params), signed);
}

// The message itself: the body, whole.

export function decodeServerKeyExchange(r: Reader): ServerKeyExchange {
  return { type: 'server_key_exchange', body: copyBytes(r.rest('body')) };
}

export function encodeServerKeyExchange(w: Writer, m: ServerKeyExchange): void {
  w.bytes(m.body);
}
