// RFC 8446 §4.3.2 CertificateRequest. The RFC's extensions<2..2^16-1> and the required
// signature_algorithms are checked by the state machine (missing_extension), not here.
import { type ExtensionOrder, decodeExtensions, encodeExtensions } from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { CertificateRequest } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeCertificateRequest(r: Reader): CertificateRequest {
  const certificate_request_context = copyBytes(r.vec8('certificate_request_context'));
  return { type: 'certificate_request', certificate_request_context, extensions: decodeExtensions(r, 'CR') };
}

export function encodeCertificateRequest(w: Writer, m: CertificateRequest, options?: ExtensionOrder): void {
  w.opaque8(m.certificate_request_context);
  encodeExtensions(w, 'CR', m.extensions, options);
}
