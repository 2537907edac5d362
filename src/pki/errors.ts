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
  // Alerts follow one rule (RFC 8446 §6.2): unknown_ca when no path reaches a trust anchor;
  // certificate_expired for time; bad_certificate when a certificate or the path is malformed or
  // breaks a rule (signatures, extensions, CA constraints, names, pins); unsupported_certificate
  // when it is well formed but of a kind we refuse (purpose, unprocessable critical extensions,
  // weak algorithms and keys). OpenSSL differs for a few (noted) and sends certificate_unknown
  // for most of the rest.

  // ---- input
  // RFC 8446 §4.4.2.4: a server MUST send a certificate; an empty list is a decode_error. The
  // handshake sends certificate_required itself when a required client certificate is missing.
  CERT_CHAIN_EMPTY: { alert: AlertDescription.decode_error, description: 'peer sent no certificates' },
  // No OpenSSL equivalent (OpenSSL fails while decoding the message); RFC 8446 §6.2 bad_certificate: "corrupt".
  UNABLE_TO_DECODE_CERT: { alert: AlertDescription.bad_certificate, description: 'unable to decode certificate' },
  // OpenSSL X509_V_ERR_INVALID_EXTENSION: an extension policy reads does not decode, or breaks its
  // RFC 5280 §4.2 rules (empty keyUsage, pathLenConstraint without cA, a bad name-constraint mask, …).
  INVALID_EXTENSION: { alert: AlertDescription.bad_certificate, description: 'invalid or inconsistent certificate extension' },
  // RFC 5280 §4.2: "MUST NOT include more than one instance of a particular extension". Ours; OpenSSL
  // reports it as INVALID_EXTENSION.
  DUPLICATE_EXTENSION: { alert: AlertDescription.bad_certificate, description: 'certificate contains a duplicate extension' },
  // OpenSSL X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY: RFC 5280 §4.1.1.2, the TBSCertificate's
  // signature field must equal signatureAlgorithm.
  SIGNATURE_ALGORITHM_INCONSISTENCY: {
    alert: AlertDescription.bad_certificate,
    description: 'cert info signature and signature algorithm mismatch',
  },

  // ---- path building
  // OpenSSL's alert too: no path to an anchor within MAX_PATH_LENGTH certificates or MAX_SIGNATURE_CHECKS.
  CERT_CHAIN_TOO_LONG: { alert: AlertDescription.unknown_ca, description: 'certificate chain too long' },
  // RFC 8446 §6.2 unknown_ca: "the CA certificate could not be located or could not be matched with a known trust anchor".
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { alert: AlertDescription.unknown_ca, description: 'unable to get local issuer certificate' },
  // The same, when the leaf alone came and its issuer is unknown: typically a server that does not send its intermediate.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { alert: AlertDescription.unknown_ca, description: 'unable to verify the first certificate' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { alert: AlertDescription.unknown_ca, description: 'self-signed certificate' },
  SELF_SIGNED_CERT_IN_CHAIN: { alert: AlertDescription.unknown_ca, description: 'self-signed certificate in certificate chain' },
  // RFC 8446 §6.2 bad_certificate: "contained signatures that did not verify correctly". OpenSSL sends decrypt_error.
  CERT_SIGNATURE_FAILURE: { alert: AlertDescription.bad_certificate, description: 'certificate signature failure' },

  // ---- time (RFC 5280 §4.1.2.5, every certificate on the path)
  // RFC 8446 §6.2 certificate_expired: "A certificate has expired or is not currently valid" — so both
  // time failures use it (OpenSSL sends bad_certificate for not-yet-valid).
  CERT_HAS_EXPIRED: { alert: AlertDescription.certificate_expired, description: 'certificate has expired' },
  CERT_NOT_YET_VALID: { alert: AlertDescription.certificate_expired, description: 'certificate is not yet valid' },

  // ---- CA constraints (RFC 5280 §6.1.4). OpenSSL sends unknown_ca for these; the CA is known, just unfit.
  // An issuer without basicConstraints cA (§4.2.1.9), or a version 1 or 2 certificate used as a CA.
  INVALID_CA: { alert: AlertDescription.bad_certificate, description: 'invalid CA certificate' },
  // §6.1.4 (l)-(m): more non-self-issued intermediates below a CA than its pathLenConstraint.
  PATH_LENGTH_EXCEEDED: { alert: AlertDescription.bad_certificate, description: 'path length constraint exceeded' },
  // §4.2.1.3: an issuer whose keyUsage is present without keyCertSign.
  KEYUSAGE_NO_CERTSIGN: { alert: AlertDescription.bad_certificate, description: 'key usage does not include certificate signing' },
  // §4.2.1.10: a name below a CA outside all of its permitted subtrees of that name's type.
  PERMITTED_SUBTREE_VIOLATION: { alert: AlertDescription.bad_certificate, description: 'permitted subtree violation' },
  // §4.2.1.10: a name below a CA inside one of its excluded subtrees.
  EXCLUDED_VIOLATION: { alert: AlertDescription.bad_certificate, description: 'excluded subtree violation' },
  // A name constraint of a type we do not evaluate (URI, otherName, …) over a name of that type below it.
  UNSUPPORTED_CONSTRAINT_TYPE: { alert: AlertDescription.unsupported_certificate, description: 'unsupported name constraint type' },

  // ---- what we refuse to accept
  // RFC 5280 §4.2: a critical extension we do not process.
  UNHANDLED_CRITICAL_EXTENSION: { alert: AlertDescription.unsupported_certificate, description: 'unhandled critical extension' },
  // A signature made with MD2, MD4, MD5 or SHA-1, on any certificate but a trust anchor (whose own
  // signature is never relied on). OpenSSL's name, though it applies to end-entity certificates too.
  CA_MD_TOO_WEAK: { alert: AlertDescription.unsupported_certificate, description: 'CA signature digest algorithm too weak' },
  // RSA keys below MIN_RSA_BITS, on a CA (anchors included) or on the end entity.
  CA_KEY_TOO_SMALL: { alert: AlertDescription.unsupported_certificate, description: 'CA certificate key too weak' },
  EE_KEY_TOO_SMALL: { alert: AlertDescription.unsupported_certificate, description: 'EE certificate key too weak' },
  // Ours: EC keys on curves other than P-256, P-384, P-521 (or with explicit parameters), DSA, unknown algorithms.
  UNSUPPORTED_PUBLIC_KEY: { alert: AlertDescription.unsupported_certificate, description: 'unsupported public key algorithm or curve' },

  // ---- purpose
  // extendedKeyUsage of the leaf, or of any CA above it, lacks serverAuth/clientAuth (and anyExtendedKeyUsage).
  // OpenSSL and rustls send unsupported_certificate too.
  INVALID_PURPOSE: { alert: AlertDescription.unsupported_certificate, description: 'unsuitable certificate purpose' },
  // The leaf's keyUsage is present without digitalSignature, which TLS 1.3 CertificateVerify needs (RFC 8446 §4.4.3).
  KEYUSAGE_NO_DIGITAL_SIGNATURE: { alert: AlertDescription.unsupported_certificate, description: 'key usage does not include digital signature' },

  // ---- identity and pinning
  // node:tls's checkServerIdentity code; rustls also answers a name mismatch with bad_certificate.
  ERR_TLS_CERT_ALTNAME_INVALID: { alert: AlertDescription.bad_certificate, description: "Hostname/IP does not match certificate's altnames" },
  // Ours, named like node:tls's own codes: no certificate on the path has a pinned SPKI SHA-256.
  ERR_TLS_PIN_MISMATCH: { alert: AlertDescription.bad_certificate, description: 'no certificate on the path matches a pinned public key' },
  // ---- revocation by OCSP stapling (./ocsp.ts)
  // RFC 8446 §6.2 certificate_revoked; OpenSSL's name.
  CERT_REVOKED: { alert: AlertDescription.certificate_revoked, description: 'certificate revoked' },
  // RFC 8446 §6.2 bad_certificate_status_response: "an invalid or unacceptable OCSP response". Ours
  // (OpenSSL has only OCSP_VERIFY_FAILED): unparsable, not successful, not id-pkix-ocsp-basic, an
  // unknown critical extension, a weak (SHA-1, MD5) or unsupported signature algorithm …
  OCSP_RESPONSE_INVALID: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP response is invalid' },
  // … a signature that does not verify …
  OCSP_SIGNATURE_FAILURE: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP response signature failure' },
  // … a signer that is neither the issuer nor a delegated responder it certified for id-kp-OCSPSigning (RFC 6960 §4.2.2.2) …
  OCSP_RESPONDER_UNAUTHORIZED: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP response signer is not authorized' },
  // … a CertID naming another certificate (RFC 6960 §4.1.1) …
  OCSP_CERTID_MISMATCH: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP response is not for this certificate' },
  // … outside thisUpdate..nextUpdate (give or take OCSP_CLOCK_SKEW_MS) at the validation time …
  OCSP_RESPONSE_STALE: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP response is not current' },
  // … or status "unknown" (OpenSSL X509_V_ERR_OCSP_CERT_UNKNOWN's wording).
  OCSP_CERT_UNKNOWN: { alert: AlertDescription.bad_certificate_status_response, description: 'OCSP unknown cert' },
  // Ours. RFC 7633 §4.2.3: a must-staple certificate whose status we asked for and did not get is
  // to be treated "as an invalid certificate" — bad_certificate, not a status-response problem.
  CERT_MUST_STAPLE_MISSING: { alert: AlertDescription.bad_certificate, description: 'certificate requires an OCSP staple (TLS feature status_request) but none was sent' },

  // ---- revocation by configured CRLs (./crl.ts; node:tls `crl`, OpenSSL's CRL_CHECK | CRL_CHECK_ALL)
  // A listed certificate fails with CERT_REVOKED (above). The rest mean that the status of a
  // certificate could not be established from the CRLs we hold: nothing proves the peer's
  // certificate bad, so RFC 8446 §6.2 certificate_unknown ("some other (unspecified) issue …
  // rendering it unacceptable"). OpenSSL sends unknown_ca for UNABLE_TO_GET_CRL,
  // certificate_expired for CRL_HAS_EXPIRED, bad_certificate for CRL_NOT_YET_VALID and
  // decrypt_error for CRL_SIGNATURE_FAILURE. Descriptions are OpenSSL's.
  // No usable CRL from the certificate's issuer covers it (none given, out of scope, or unusable:
  // an unknown critical extension, a delta or indirect CRL).
  UNABLE_TO_GET_CRL: { alert: AlertDescription.certificate_unknown, description: 'unable to get certificate CRL' },
  // RFC 5280 §6.3.3 (g): the CRL's signature does not verify with the issuer's key, or uses an
  // algorithm we refuse (MD5, SHA-1, as for certificates).
  CRL_SIGNATURE_FAILURE: { alert: AlertDescription.certificate_unknown, description: 'CRL signature failure' },
  // RFC 5280 §5.1.2.4-5: thisUpdate after the validation time …
  CRL_NOT_YET_VALID: { alert: AlertDescription.certificate_unknown, description: 'CRL is not yet valid' },
  // … or nextUpdate before it.
  CRL_HAS_EXPIRED: { alert: AlertDescription.certificate_unknown, description: 'CRL has expired' },
  // RFC 5280 §6.3.3 (f): the issuer's keyUsage is present without cRLSign.
  KEYUSAGE_NO_CRL_SIGN: { alert: AlertDescription.certificate_unknown, description: 'key usage does not include CRL signing' },
  // Ours: a configured CRL that is not a CertificateList (RFC 5280 §5.1). Raised when the options
  // are read (a configuration error, like a bad `ca`), never during a handshake; bad_certificate
  // as for UNABLE_TO_DECODE_CERT, should it ever reach the wire.
  UNABLE_TO_DECODE_CRL: { alert: AlertDescription.bad_certificate, description: 'unable to decode CRL' },
} as const satisfies Record<string, CertErrorInfo>;

export type CertErrorCode = keyof typeof CERT_ERRORS;

/** A TLSError for `code`, with the table's alert; `detail` replaces the default message. */
export function certError(code: CertErrorCode, detail?: string, cause?: unknown): TLSError {
  const info = CERT_ERRORS[code];
  return new TLSError(info.alert, detail ?? info.description, { code, ...(cause === undefined ? {} : { cause }) });
}

export const isCertErrorCode = (code: string): code is CertErrorCode => Object.hasOwn(CERT_ERRORS, code);
