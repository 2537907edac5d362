// RFC 8446 §4.4.3: struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify.
// RFC 5246 §7.4.8's digitally-signed CertificateVerify has the same bytes (SignatureAndHashAlgorithm
// is the SignatureScheme code point), so TLS 1.2 decodes it here too.
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { CertificateVerify } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeCertificateVerify(r: Reader): CertificateVerify {
  const algorithm = r.u16('algorithm');
  return { type: 'certificate_verify', algorithm, signature: copyBytes(r.vec16('signature')) };
}

export function encodeCertificateVerify(w: Writer, m: CertificateVerify): void {
  w.u16(m.algorithm).opaque16(m.signature);
}
