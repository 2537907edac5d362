// RFC 8446 §4 and RFC 5246 §7.4: struct { HandshakeType msg_type; uint24 length; select (msg_type)
// {...}; } Handshake. Which bodies a msg_type may carry depends on the version (WireVersion).
import type { Alloc } from '../bytes.js';
import { unexpectedMessage } from '../errors.js';
import { HandshakeType, handshakeName } from './codes.js';
import type { ExtensionOrder } from './extensions.js';
import { decodeCertificateRequest12, encodeCertificateRequest12 } from './messages/certificate-request-tls12.js';
import { decodeCertificateRequest, encodeCertificateRequest } from './messages/certificate-request.js';
import { decodeCertificateStatus, encodeCertificateStatus } from './messages/certificate-status.js';
import { decodeCertificate12, encodeCertificate12 } from './messages/certificate-tls12.js';
import { decodeCertificateVerify, encodeCertificateVerify } from './messages/certificate-verify.js';
import { decodeCertificate, encodeCertificate } from './messages/certificate.js';
import { decodeClientHello, encodeClientHello } from './messages/client-hello.js';
import { decodeClientKeyExchange, encodeClientKeyExchange } from './messages/client-key-exchange.js';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from './messages/encrypted-extensions.js';
import { decodeEndOfEarlyData, encodeEndOfEarlyData } from './messages/end-of-early-data.js';
import { decodeFinished, encodeFinished } from './messages/finished.js';
import { decodeHelloRequest, encodeHelloRequest } from './messages/hello-request.js';
import { decodeKeyUpdate, encodeKeyUpdate } from './messages/key-update.js';
import { decodeNewSessionTicket12, encodeNewSessionTicket12 } from './messages/new-session-ticket-tls12.js';
import { decodeNewSessionTicket, encodeNewSessionTicket } from './messages/new-session-ticket.js';
import { decodeServerHelloDone, encodeServerHelloDone } from './messages/server-hello-done.js';
import { decodeServerHello, encodeHelloRetryRequest, encodeServerHello, encodeServerHello12 } from './messages/server-hello.js';
import { decodeServerKeyExchange, encodeServerKeyExchange } from './messages/server-key-exchange.js';
import { Reader } from './reader.js';
import type { HandshakeKind, HandshakeMessage, MessageOf, WireVersion } from './types.js';
import { Writer } from './writer.js';

export type HandshakeEncodeOptions = ExtensionOrder;

interface MessageCodec<K extends HandshakeKind> {
  readonly msgType: number;
  encode(w: Writer, m: MessageOf<K>, options: HandshakeEncodeOptions): void;
}

/** One entry per message kind: a missing one is a compile error. */
const MESSAGES: { readonly [K in HandshakeKind]: MessageCodec<K> } = {
  hello_request: { msgType: HandshakeType.hello_request, encode: encodeHelloRequest },
  client_hello: { msgType: HandshakeType.client_hello, encode: encodeClientHello },
  server_hello: { msgType: HandshakeType.server_hello, encode: encodeServerHello },
  // RFC 8446 §4.1.4: HelloRetryRequest is a ServerHello on the wire.
  hello_retry_request: { msgType: HandshakeType.server_hello, encode: encodeHelloRetryRequest },
  server_hello_tls12: { msgType: HandshakeType.server_hello, encode: encodeServerHello12 },
  encrypted_extensions: { msgType: HandshakeType.encrypted_extensions, encode: encodeEncryptedExtensions },
  certificate: { msgType: HandshakeType.certificate, encode: encodeCertificate },
  certificate_tls12: { msgType: HandshakeType.certificate, encode: encodeCertificate12 },
  certificate_status: { msgType: HandshakeType.certificate_status, encode: encodeCertificateStatus },
  server_key_exchange: { msgType: HandshakeType.server_key_exchange, encode: encodeServerKeyExchange },
  certificate_request: { msgType: HandshakeType.certificate_request, encode: encodeCertificateRequest },
  certificate_request_tls12: { msgType: HandshakeType.certificate_request, encode: encodeCertificateRequest12 },
  server_hello_done: { msgType: HandshakeType.server_hello_done, encode: encodeServerHelloDone },
  certificate_verify: { msgType: HandshakeType.certificate_verify, encode: encodeCertificateVerify },
  client_key_exchange: { msgType: HandshakeType.client_key_exchange, encode: encodeClientKeyExchange },
  finished: { msgType: HandshakeType.finished, encode: encodeFinished },
  new_session_ticket: { msgType: HandshakeType.new_session_ticket, encode: encodeNewSessionTicket },
  new_session_ticket_tls12: { msgType: HandshakeType.new_session_ticket, encode: encodeNewSessionTicket12 },
  end_of_early_data: { msgType: HandshakeType.end_of_early_data, encode: encodeEndOfEarlyData },
  key_update: { msgType: HandshakeType.key_update, encode: encodeKeyUpdate },
};

type Decoder = (r: Reader, version: WireVersion) => HandshakeMessage;

/** The messages each version defines; any other msg_type is unexpected_message. */
const DECODERS: { readonly [V in WireVersion]: ReadonlyMap<number, Decoder> } = {
  tls13: new Map<number, Decoder>([
    [HandshakeType.client_hello, decodeClientHello],
    [HandshakeType.server_hello, decodeServerHello],
    [HandshakeType.encrypted_extensions, decodeEncryptedExtensions],
    [HandshakeType.certificate, decodeCertificate],
    [HandshakeType.certificate_request, decodeCertificateRequest],
    [HandshakeType.certificate_verify, decodeCertificateVerify],
    [HandshakeType.finished, decodeFinished],
    [HandshakeType.new_session_ticket, decodeNewSessionTicket],
    [HandshakeType.end_of_early_data, decodeEndOfEarlyData],
    [HandshakeType.key_update, decodeKeyUpdate],
  ]),
  // RFC 5246 §7.4, with NewSessionTicket (RFC 5077 §3.3) and CertificateStatus (RFC 6066 §8).
  tls12: new Map<number, Decoder>([
    [HandshakeType.hello_request, decodeHelloRequest],
    [HandshakeType.client_hello, decodeClientHello],
    [HandshakeType.server_hello, decodeServerHello],
    [HandshakeType.certificate, decodeCertificate12],
    [HandshakeType.certificate_status, decodeCertificateStatus],
    [HandshakeType.server_key_exchange, decodeServerKeyExchange],
    [HandshakeType.certificate_request, decodeCertificateRequest12],
    [HandshakeType.server_hello_done, decodeServerHelloDone],
    // RFC 5246 §7.4.8: digitally-signed, the same SignatureScheme + signature<0..2^16-1> as TLS 1.3.
    [HandshakeType.certificate_verify, decodeCertificateVerify],
    [HandshakeType.client_key_exchange, decodeClientKeyExchange],
    [HandshakeType.finished, decodeFinished],
    [HandshakeType.new_session_ticket, decodeNewSessionTicket12],
  ]),
};

/** The msg_type a message is sent with (a HelloRetryRequest is a server_hello). */
export function handshakeType(msg: HandshakeMessage): number {
  return MESSAGES[msg.type].msgType;
}

/** The whole message: msg_type, uint24 length, body; `alloc` gives the bytes (see ByteSlab). */
export function encodeHandshake(msg: HandshakeMessage, options: HandshakeEncodeOptions = {}, alloc?: Alloc): Uint8Array {
  const codec = MESSAGES[msg.type] as MessageCodec<HandshakeKind>;
  const w = new Writer(256, alloc);
  w.u8(codec.msgType).vec24((body) => codec.encode(body, msg, options));
  return w.finish();
}

/**
 * Decodes the body of a message of type `msgType` (the header already split off, as the joiner
 * does), as `version` defines it (see WireVersion; 'tls13' by default). A type that version does
 * not define (the other version's messages, message_hash, anything unassigned) is
 * unexpected_message. Leftover bytes are decode_error.
 */
export function decodeHandshake(msgType: number, body: Uint8Array, version: WireVersion = 'tls13'): HandshakeMessage {
  const decode = DECODERS[version].get(msgType);
  if (!decode) throw unexpectedMessage(`unexpected ${handshakeName(msgType)} message`);
  const r = new Reader(body, handshakeName(msgType));
  const msg = decode(r, version);
  r.end();
  return msg;
}

/**
 * Decodes one whole message, header included (for tools and tests; the connection splits headers
 * in the joiner). A length that disagrees with the bytes given is decode_error.
 */
export function decodeHandshakeMessage(bytes: Uint8Array, version: WireVersion = 'tls13'): HandshakeMessage {
  const r = new Reader(bytes, 'Handshake');
  const msgType = r.u8('msg_type');
  const body = r.vec24('body');
  r.end();
  return decodeHandshake(msgType, body, version);
}

/**
 * RFC 8446 §4.4.1: after a HelloRetryRequest the transcript starts with
 * message_hash(254), uint24 Hash.length, Hash(ClientHello1).
 */
export function encodeMessageHash(hash: Uint8Array): Uint8Array {
  return new Writer(4 + hash.length).u8(HandshakeType.message_hash).opaque24(hash).finish();
}
