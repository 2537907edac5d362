// RFC 8446 §4.4.2 Certificate (the TLS 1.3 form).
import { decodeExtensions, encodeExtensions } from '../extensions.js';
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { Certificate, CertificateEntry } from '../types.js';
import type { Writer } from '../writer.js';

// struct { opaque certificate_request_context<0..2^8-1>; CertificateEntry certificate_list<0..2^24-1>; }
// struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry
export function decodeCertificate(r: Reader): Certificate {
  const certificate_request_context = copyBytes(r.vec8('certificate_request_context'));
  const list = r.sub24('certificate_list');
  const certificate_list: CertificateEntry[] = [];
  while (list.remaining > 0) {
    const cert_data = copyBytes(list.vec24('cert_data', 1, 0xffffff));
    certificate_list.push({ cert_data, extensions: decodeExtensions(list, 'CT') });
  }
  return { type: 'certificate', certificate_request_context, certificate_list };
}

export function encodeCertificate(w: Writer, m: Certificate): void {
  w.opaque8(m.certificate_request_context);
  w.vec24((list) => {
    for (const entry of m.certificate_list) {
      list.opaque24(entry.cert_data);
      encodeExtensions(list, 'CT', entry.extensions);
    }
  });
}
