// RFC 6066 §8 CertificateStatus, the TLS 1.2 message: struct { CertificateStatusType status_type;
// select (status_type) { case ocsp: OCSPResponse response; } } with opaque OCSPResponse<1..2^24-1>.
// The same structure TLS 1.3 carries in a CertificateEntry (RFC 8446 §4.4.2.1), so the same reader.
import { readCertificateStatus, writeCertificateStatus } from '../ext/status-request.js';
import type { Reader } from '../reader.js';
import type { CertificateStatus } from '../types.js';
import type { Writer } from '../writer.js';

export function decodeCertificateStatus(r: Reader): CertificateStatus {
  return { type: 'certificate_status', ocsp_response: readCertificateStatus(r) };
}

export function encodeCertificateStatus(w: Writer, m: CertificateStatus): void {
  writeCertificateStatus(w, m.ocsp_response);
}
