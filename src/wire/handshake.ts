// RFC 8446 §4: struct { HandshakeType msg_type; uint24 length; select (msg_type) {...}; } Handshake.
import { unexpectedMessage } from '../errors.js';
import { HandshakeType, handshakeName } from './codes.js';
import type { ExtensionOrder } from './extensions.js';
import { decodeCertificateRequest, encodeCertificateRequest } from './messages/certificate-request.js';
import { decodeCertificateVerify, encodeCertificateVerify } from './messages/certificate-verify.js';
import { decodeCertificate, encodeCertificate } from './messages/certificate.js';
import { decodeClientHello, encodeClientHello } from './messages/client-hello.js';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from './messages/encrypted-extensions.js';
import { decodeEndOfEarlyData, encodeEndOfEarlyData } from './messages/end-of-early-data.js';
import { decodeFinished, encodeFinished } from './messages/finished.js';
import { decodeKeyUpdate, encodeKeyUpdate } from './messages/key-update.js';
import { decodeNewSessionTicket, encodeNewSessionTicket } from './messages/new-session-ticket.js';
import { decodeServerHello, encodeHelloRetryRequest, encodeServerHello } from './messages/server-hello.js';
import { Reader } from './reader.js';
import type { HandshakeKind, HandshakeMessage, MessageOf } from './types.js';
import { Writer } from './writer.js';

export type HandshakeEncodeOptions = ExtensionOrder;

interface MessageCodec<K extends HandshakeKind> {
  readonly msgType: number;
  encode(w: Writer, m: MessageOf<K>, options: HandshakeEncodeOptions): void;
}

/** One entry per message kind: a missing one is a compile error. */
const MESSAGES: { readonly [K in HandshakeKind]: MessageCodec<K> } = {
  client_hello: { msgType: HandshakeType.client_hello, encode: encodeClientHello },
  server_hello: { msgType: HandshakeType.server_hello, encode: encodeServerHello },
  // RFC 8446 §4.1.4: HelloRetryRequest is a ServerHello on the wire.
  hello_retry_request: { msgType: HandshakeType.server_hello, encode: encodeHelloRetryRequest },
  encrypted_extensions: { msgType: HandshakeType.encrypted_extensions, encode: encodeEncryptedExtensions },
  certificate: { msgType: HandshakeType.certificate, encode: encodeCertificate },
  certificate_request: { msgType: HandshakeType.certificate_request, encode: encodeCertificateRequest },
  certificate_verify: { msgType: HandshakeType.certificate_verify, encode: encodeCertificateVerify },
  finished: { msgType: HandshakeType.finished, encode: encodeFinished },
  new_session_ticket: { msgType: HandshakeType.new_session_ticket, encode: encodeNewSessionTicket },
  end_of_early_data: { msgType: HandshakeType.end_of_early_data, encode: encodeEndOfEarlyData },
  key_update: { msgType: HandshakeType.key_update, encode: encodeKeyUpdate },
};

const DECODERS: ReadonlyMap<number, (r: Reader) => HandshakeMessage> = new Map<number, (r: Reader) => HandshakeMessage>([
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
]);

/** The msg_type a message is sent with (a HelloRetryRequest is a server_hello). */
export function handshakeType(msg: HandshakeMessage): number {
  return MESSAGES[msg.type].msgType;
}

/** The whole message: msg_type, uint24 length, body. */
export function encodeHandshake(msg: HandshakeMessage, options: HandshakeEncodeOptions = {}): Uint8Array {
  const codec = MESSAGES[msg.type] as MessageCodec<HandshakeKind>;
  const w = new Writer();
  w.u8(codec.msgType).vec24((body) => codec.encode(body, msg, options));
  return w.finish();
}

/**
 * Decodes the body of a message of type `msgType` (the header already split off, as the joiner
 * does). A type we do not handle here (TLS 1.2 messages, hello_request, message_hash, anything
 * unassigned) is unexpected_message. Leftover bytes are decode_error.
 */
export function decodeHandshake(msgType: number, body: Uint8Array): HandshakeMessage {
  const decode = DECODERS.get(msgType);
  if (!decode) throw unexpectedMessage(`unexpected ${handshakeName(msgType)} message`);
  const r = new Reader(body, handshakeName(msgType));
  const msg = decode(r);
  r.end();
  return msg;
}

/**
 * Decodes one whole message, header included (for tools and tests; the connection splits headers
 * in the joiner). A length that disagrees with the bytes given is decode_error.
 */
export function decodeHandshakeMessage(bytes: Uint8Array): HandshakeMessage {
  const r = new Reader(bytes, 'Handshake');
  const msgType = r.u8('msg_type');
  const body = r.vec24('body');
  r.end();
  return decodeHandshake(msgType, body);
}

/**
 * RFC 8446 §4.4.1: after a HelloRetryRequest the transcript starts with
 * message_hash(254), uint24 Hash.length, Hash(ClientHello1).
 */
export function encodeMessageHash(hash: Uint8Array): Uint8Array {
  return new Writer(4 + hash.length).u8(HandshakeType.message_hash).opaque24(hash).finish();
}
