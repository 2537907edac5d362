// Certificate verification failures, mapped to alerts in one table (DESIGN.md §3.9).
// Codes are node:tls / OpenSSL names (X509_V_ERR_* without the prefix) so callers that match on
// `err.code` from node:tls keep working; descriptions are OpenSSL 3's wording where one exists.
import { TLSError } from '../errors.js';
import { AlertDescription } from '../wire/codes.js';

export interface CertErrorInfo {
  readonly alert: AlertDescription;
  readonly description: string;
}

export const CERT_ERRORS = {
  // RFC 8446 §4.4.2.4: a server MUST send a certificate; an empty list is a decode_error. The
  // handshake sends certificate_required itself when a required client certificate is missing.
  CERT_CHAIN_EMPTY: { alert: AlertDescription.decode_error, description: 'peer sent no certificates' },
  // No OpenSSL equivalent (OpenSSL fails while decoding the message); RFC 8446 §6.2 bad_certificate: "corrupt".
  UNABLE_TO_DECODE_CERT: { alert: AlertDescription.bad_certificate, description: 'unable to decode certificate' },
  // OpenSSL's alert too: no path to an anchor within the bound.
  CERT_CHAIN_TOO_LONG: { alert: AlertDescription.unknown_ca, description: 'certificate chain too long' },
  // RFC 8446 §6.2 unknown_ca: "the CA certificate could not be located or could not be matched with a known trust anchor".
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { alert: AlertDescription.unknown_ca, description: 'unable to get local issuer certificate' },
  // The same, when the leaf alone came and its issuer is unknown: typically a server that does not send its intermediate.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { alert: AlertDescription.unknown_ca, description: 'unable to verify the first certificate' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { alert: AlertDescription.unknown_ca, description: 'self-signed certificate' },
  SELF_SIGNED_CERT_IN_CHAIN: { alert: AlertDescription.unknown_ca, description: 'self-signed certificate in certificate chain' },
  // RFC 8446 §6.2 bad_certificate: "contained signatures that did not verify correctly". OpenSSL sends decrypt_error.
  CERT_SIGNATURE_FAILURE: { alert: AlertDescription.bad_certificate, description: 'certificate signature failure' },
  // An issuer without basicConstraints cA (RFC 5280 §4.2.1.9). OpenSSL sends unknown_ca; the CA is known, just unfit.
  INVALID_CA: { alert: AlertDescription.bad_certificate, description: 'invalid CA certificate' },
  // RFC 8446 §6.2 certificate_expired: "A certificate has expired or is not currently valid" — so both
  // time failures use it (OpenSSL sends bad_certificate for not-yet-valid).
  CERT_HAS_EXPIRED: { alert: AlertDescription.certificate_expired, description: 'certificate has expired' },
  CERT_NOT_YET_VALID: { alert: AlertDescription.certificate_expired, description: 'certificate is not yet valid' },
  // node:tls's checkServerIdentity code; rustls also answers a name mismatch with bad_certificate.
  ERR_TLS_CERT_ALTNAME_INVALID: { alert: AlertDescription.bad_certificate, description: "Hostname/IP does not match certificate's altnames" },
} as const satisfies Record<string, CertErrorInfo>;

export type CertErrorCode = keyof typeof CERT_ERRORS;

/** A TLSError for `code`, with the table's alert; `detail` replaces the default message. */
export function certError(code: CertErrorCode, detail?: string, cause?: unknown): TLSError {
  const info = CERT_ERRORS[code];
  return new TLSError(info.alert, detail ?? info.description, { code, ...(cause === undefined ? {} : { cause }) });
}

export const isCertErrorCode = (code: string): code is CertErrorCode => Object.hasOwn(CERT_ERRORS, code);
