// RFC 6066 §8 status_request, as RFC 8446 §4.4.2.1 uses it.
import { illegalParameter } from '../../errors.js';
import { type ExtCodec, copyBytes } from './codec.js';

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

/** CertificateEntry: CertificateStatus { status_type = ocsp; opaque OCSPResponse<1..2^24-1> }. */
export const certificateStatus: ExtCodec<Uint8Array> = {
  decode(r) {
    const statusType = r.u8('status_type');
    // We only ever ask for ocsp (RFC 8446 §4.4.2.1), so another type answers nothing we sent.
    if (statusType !== ocsp) throw illegalParameter(`status_request: CertificateStatus type ${statusType} is not ocsp`);
    return copyBytes(r.vec24('OCSPResponse', 1, 0xffffff));
  },
  encode(w, response) {
    w.u8(ocsp).opaque24(response);
  },
};
