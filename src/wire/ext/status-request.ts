// RFC 6066 §8 status_request: in TLS 1.2 as RFC 6066 defines it, in TLS 1.3 as RFC 8446 §4.4.2.1 uses it.
import { illegalParameter } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type ExtCodec, copyBytes, emptyExtension } from './codec.js';

// enum { ocsp(1), (255) } CertificateStatusType
const ocsp = 1;

/**
 * ClientHello: CertificateStatusRequest { status_type; OCSPStatusRequest { ResponderID
 * responder_id_list<0..2^16-1>; Extensions request_extensions } }. We send both lists empty and
 * accept any. Another status_type is well formed but not one we can answer: no typed field.
 */
export const statusRequestClientHello: ExtCodec<true> = {
  decode(r) {
    if (r.u8('status_type') !== ocsp) {
      r.rest();
      return undefined;
    }
    const ids = r.sub16('responder_id_list');
    while (ids.remaining > 0) ids.vec16('ResponderID', 1, 0xffff);
    r.vec16('request_extensions');
    return true;
  },
  encode(w) {
    w.u8(ocsp).u16(0).u16(0);
  },
};

/**
 * CertificateRequest: RFC 8446 §4.4.2.1 says the server sends an "empty" status_request, so that
 * is what we send; a CertificateStatusRequest body (as in the ClientHello) is accepted too.
 */
export const statusRequestCertificateRequest: ExtCodec<true> = {
  decode(r) {
    if (r.remaining === 0) return true;
    return statusRequestClientHello.decode(r);
  },
  encode: () => {},
};

/**
 * TLS 1.2 ServerHello: RFC 6066 §8, a server that sends CertificateStatus "MUST have included an
 * extension of type "status_request" with empty "extension_data"".
 */
export const statusRequestServerHello: ExtCodec<true> = emptyExtension;

/**
 * CertificateStatus { status_type = ocsp; opaque OCSPResponse<1..2^24-1> }: the body of the
 * status_request extension in a TLS 1.3 CertificateEntry and of the TLS 1.2 CertificateStatus
 * message.
 */
export function readCertificateStatus(r: Reader): Uint8Array {
  const statusType = r.u8('status_type');
  // We only ever ask for ocsp (RFC 8446 §4.4.2.1, RFC 6066 §8), so another type answers nothing we sent.
  if (statusType !== ocsp) throw illegalParameter(`status_request: CertificateStatus type ${statusType} is not ocsp`);
  return copyBytes(r.vec24('OCSPResponse', 1, 0xffffff));
}

export function writeCertificateStatus(w: Writer, response: Uint8Array): void {
  w.u8(ocsp).opaque24(response);
}

export const certificateStatus: ExtCodec<Uint8Array> = {
  decode: readCertificateStatus,
  encode: writeCertificateStatus,
};
