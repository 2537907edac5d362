// For `--hexdump`: a few lines under each certificate of a Certificate message saying what the
// DER holds (RFC 5280 §4.1). The parsing is the report's (connect/certificates.ts, over the Node
// provider's X509Certificate and pki/certificate.ts); this only picks the fields and makes the
// peer's strings safe to print.
import { nodeProvider } from '../crypto/node.js';
import type { ParsedCertificate } from '../crypto/provider.js';
import { certificateInfo, parseCertificateInfo } from '../pki/certificate.js';
import type { Annotation } from '../wire/annotate.js';
import { type CertificateReport, describeCertificate } from './connect/certificates.js';
import { quoteText } from '../display.js';
import { truncate } from './connect/escape.js';

/** One line of a certificate's summary: a named value, or why there is none. */
export type CertificateDetail = { label: string; value: string } | { note: string };

/**
 * The names the decoders read a certificate's bytes under: RFC 8446 §4.4.2 CertificateEntry
 * cert_data, RFC 5246 §7.4.2 ASN.1Cert (wire/messages/certificate*.ts).
 */
const CERTIFICATE_FIELDS: ReadonlySet<string> = new Set(['cert_data', 'ASN.1Cert']);

/** A certificate may name hundreds of hosts: the first few show, then a count. */
const MAX_SANS = 8;
/** Longer names and reasons are cut: the hex column still holds every byte. */
const MAX_TEXT = 120;

/** `text`, cut to MAX_TEXT, with every control character escaped (no quotes). */
const escapeText = (text: string): string => quoteText(truncate(text, MAX_TEXT)).slice(1, -1);

/** In quotes, as the hexdump shows other text from the peer (a HostName: `"localhost"`). */
const quoted = (text: string) => `"${escapeText(text)}"`;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Why `der` is no certificate. Node's reason is OpenSSL's last try, reading PEM ("no start
 * line"); the project's own parser says what was wrong with the DER.
 */
function failureReason(der: Uint8Array, nodeError: unknown): string {
  try {
    parseCertificateInfo(der);
  } catch (e) {
    const cause = e instanceof Error ? e.cause : undefined;
    return cause === undefined ? messageOf(e) : messageOf(cause);
  }
  return messageOf(nodeError);
}

/** RFC 5280 §4.2.1.6 GeneralNames, in the report's types; the host names and addresses are the peer's text. */
function subjectAltName(sans: CertificateReport['sans']): string | undefined {
  const names = [
    ...sans.dns.map((name) => `DNS:${quoted(name)}`),
    ...sans.ip.map((ip) => `IP:${escapeText(ip)}`),
    ...sans.email.map((email) => `email:${quoted(email)}`),
  ];
  if (names.length === 0) return undefined;
  const more = names.length > MAX_SANS ? [`… ${names.length - MAX_SANS} more`] : [];
  return [...names.slice(0, MAX_SANS), ...more].join(', ');
}

function details(report: CertificateReport): CertificateDetail[] {
  const sans = subjectAltName(report.sans);
  return [
    { label: 'subject', value: quoted(report.subject) },
    { label: 'issuer', value: quoted(report.issuer) },
    { label: 'serialNumber', value: escapeText(report.serialNumber) },
    { label: 'validity', value: `notBefore ${report.notBefore}, notAfter ${report.notAfter}` },
    ...(sans === undefined ? [] : [{ label: 'subjectAltName', value: sans }]),
    { label: 'subjectPublicKeyInfo', value: escapeText(report.key.text) },
    { label: 'signatureAlgorithm', value: escapeText(report.signatureAlgorithm) },
  ];
}

/** What the policy parser objects to in `cert`, if anything: the report then holds OpenSSL's reading. */
function refusal(cert: ParsedCertificate): string | undefined {
  try {
    certificateInfo(cert);
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}

/** X509Certificate writes a name one RDN a line (its values' own line feeds escaped): one line here. */
const oneLine = (name: string) => name.replaceAll('\n', ', ');

function summary(der: Uint8Array): CertificateDetail[] {
  const cert = nodeProvider.parseCertificate(der);
  // The time only sets daysToExpiry, which the hexdump does not show.
  const report = describeCertificate(cert, cert.notAfter, false);
  const refused = refusal(cert);
  if (refused === undefined) return details(report);
  const note = `as OpenSSL reads it; the policy parser refuses it: ${escapeText(refused)}`;
  return [{ note }, ...details({ ...report, subject: oneLine(report.subject), issuer: oneLine(report.issuer) })];
}

/** What `der` holds, or one note saying why it could not be read; never throws. */
export function describeCertificateBytes(der: Uint8Array): CertificateDetail[] {
  try {
    return summary(der);
  } catch (e) {
    return [{ note: `not a parseable certificate: ${escapeText(failureReason(der, e))}` }];
  }
}

/** The summary to show under annotation `a` of `message`: none unless `a` is a certificate's bytes. */
export function certificateDetails(a: Annotation, message: Uint8Array): CertificateDetail[] {
  if (a.kind !== 'bytes' || !CERTIFICATE_FIELDS.has(a.field)) return [];
  return describeCertificateBytes(message.subarray(a.offset, a.offset + a.length));
}
