// RFC 5246 §7.4.1.1: struct {} HelloRequest. The body is empty; handshake.ts rejects anything else.
// It is not part of the transcript (RFC 5246 §7.4.1.1), which the state machine must honour.
import type { Reader } from '../reader.js';
import type { HelloRequest } from '../types.js';

export function decodeHelloRequest(_r: Reader): HelloRequest {
  return { type: 'hello_request' };
}

export function encodeHelloRequest(): void {}
