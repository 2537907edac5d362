// RFC 5246 §7.4.4 CertificateRequest (the TLS 1.2 form):
// struct { ClientCertificateType certificate_types<1..2^8-1>;
//          SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//          DistinguishedName certificate_authorities<0..2^16-1>; } CertificateRequest;
// opaque DistinguishedName<1..2^16-1>; (DER, not parsed here).
// The RFC prints supported_signature_algorithms<2^16-1>; the pairs make the byte length even, and
// at least one pair is needed to be of any use, as in TLS 1.3's signature_algorithms (RFC 8446 §4.2.3).
import { copyBytes } from '../ext/codec.js';
import type { Reader } from '../reader.js';
import type { CertificateRequest12 } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeCertificateRequest12(r: Reader): CertificateRequest12 {
  const certificate_types = Array.from(r.vec8('certificate_types', 1, 0xff));
  const supported_signature_algorithms = r.u16List('supported_signature_algorithms', 2, 0xfffe);
  const list = r.sub16('certificate_authorities');
  const certificate_authorities: Uint8Array[] = [];
  while (list.remaining > 0) certificate_authorities.push(copyBytes(list.vec16('DistinguishedName', 1, 0xffff)));
  return { type: 'certificate_request_tls12', certificate_types, supported_signature_algorithms, certificate_authorities };
}

export function encodeCertificateRequest12(w: Writer, m: CertificateRequest12): void {
  w.opaque8(Uint8Array.from(m.certificate_types)).u16List(m.supported_signature_algorithms);
  w.vec16((list) => {
    for (const name of m.certificate_authorities) list.opaque16(name);
  });
}
