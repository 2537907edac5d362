// RFC 5246 §7.4.5: struct {} ServerHelloDone. The body is empty; handshake.ts rejects anything else.
import type { Reader } from '../reader.js';
import type { ServerHelloDone } from '../types.js';

export function decodeServerHelloDone(_r: Reader): ServerHelloDone {
  return { type: 'server_hello_done' };
}

export function encodeServerHelloDone(): void {}
