// RFC 8446 §4.3.1 EncryptedExtensions: struct { Extension extensions<0..2^16-1>; }.
import { type ExtensionOrder, decodeExtensions, encodeExtensions } from '../extensions.js';
import type { Reader } from '../reader.js';
import type { EncryptedExtensions } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeEncryptedExtensions(r: Reader): EncryptedExtensions {
  return { type: 'encrypted_extensions', extensions: decodeExtensions(r, 'EE') };
}

export function encodeEncryptedExtensions(w: Writer, m: EncryptedExtensions, options?: ExtensionOrder): void {
  encodeExtensions(w, 'EE', m.extensions, options);
}
