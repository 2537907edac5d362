// RFC 5246 §7.4.2 Certificate (the TLS 1.2 form):
// opaque ASN.1Cert<1..2^24-1>; struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
// An empty list is well formed: a client without a suitable certificate sends it (§7.4.6).
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { Certificate12 } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeCertificate12(r: Reader): Certificate12 {
  const list = r.sub24('certificate_list');
  const certificate_list: Uint8Array[] = [];
  while (list.remaining > 0) certificate_list.push(copyBytes(list.vec24('ASN.1Cert', 1, 0xffffff)));
  return { type: 'certificate_tls12', certificate_list };
}

export function encodeCertificate12(w: Writer, m: Certificate12): void {
  w.vec24((list) => {
    for (const cert of m.certificate_list) list.opaque24(cert);
  });
}
