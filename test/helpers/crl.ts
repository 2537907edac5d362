// Certificate revocation lists (RFC 5280 §5) for the tests: built from @peculiar/asn1-x509
// structures and signed with node:crypto, synchronously, like src/node/certs.ts and ./ocsp.ts.
// Every field a test wants to get wrong can be set: the signer, the times, the AKI, the
// extensions, the signature algorithm.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  CRLDistributionPoints,
  CRLNumber,
  CRLReason,
  Certificate,
  CertificateList,
  DistributionPoint,
  DistributionPointName,
  Extension,
  GeneralName,
  IssuingDistributionPoint,
  KeyIdentifier,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLDistributionPoints,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_issuingDistributionPoint,
} from '@peculiar/asn1-x509';
import { derToPem } from '../../src/pki/pem.js';
import type { IssuedCertificate } from './pki.js';
import { signerFor } from './signing.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** RFC 5280 §5.3.1 CRLReason values the tests use. */
export const Reason = { unspecified: 0, keyCompromise: 1, cACompromise: 2, superseded: 4, certificateHold: 6, removeFromCRL: 8 } as const;

export interface RevokedSpec {
  /** The certificate revoked, or its serial number's content octets. */
  cert: IssuedCertificate | Uint8Array;
  /** Default: a day ago. */
  date?: Date;
  reason?: number;
  /** More crlEntryExtensions, as given. */
  extensions?: ReadonlyArray<{ id: string; critical?: boolean; value: Uint8Array }>;
}

export interface CrlOptions {
  revoked?: readonly RevokedSpec[];
  /** Default: an hour ago. */
  thisUpdate?: Date;
  /** Default: a week from now; null leaves it out. */
  nextUpdate?: Date | null;
  /** Who signs (default: the issuer): another key makes a CRL whose signature does not verify. */
  signer?: IssuedCertificate;
  /** 'sha1': sha1WithRSAEncryption or ecdsa-with-SHA1 for the signer's key. */
  signatureHash?: 'default' | 'sha1';
  /** Default: the issuer's key identifier; false leaves the extension out. */
  authorityKeyIdentifier?: Uint8Array | false;
  /** Default 1; false leaves cRLNumber out. */
  crlNumber?: number | false;
  issuingDistributionPoint?: IssuingDistributionPoint;
  /** Critical issuingDistributionPoint (RFC 5280 §5.2.5 says it is); default true. */
  idpCritical?: boolean;
  /** crlExtensions appended as given. */
  extensions?: ReadonlyArray<{ id: string; critical?: boolean; value: Uint8Array }>;
  /** 1: a version 1 CRL, without any extension. */
  version?: 1 | 2;
  /** Flip a bit of the signature after signing. */
  corruptSignature?: boolean;
}

export interface IssuedCrl {
  der: Uint8Array;
  pem: string;
}

/** The certificate's serialNumber content octets, as its DER holds them. */
export const serialOf = (cert: IssuedCertificate): Uint8Array =>
  new Uint8Array(AsnConvert.parse(cert.der, Certificate).tbsCertificate.serialNumber);

const ext = (id: string, critical: boolean, value: unknown) =>
  new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

/** A CertificateList issued under `issuer`'s name, signed as `options` say. */
export function issueCrl(issuer: IssuedCertificate, options: CrlOptions = {}): IssuedCrl {
  const now = Date.now();
  const v1 = options.version === 1;
  const revokedCertificates = (options.revoked ?? []).map((r) => {
    const entryExtensions: Extension[] = [];
    if (r.reason !== undefined) entryExtensions.push(ext(id_ce_cRLReasons, false, new CRLReason(r.reason)));
    for (const e of r.extensions ?? []) entryExtensions.push(new Extension({ extnID: e.id, critical: e.critical ?? false, extnValue: new OctetString(e.value) }));
    const serial = r.cert instanceof Uint8Array ? r.cert : serialOf(r.cert);
    return new RevokedCertificate({
      userCertificate: serial.slice().buffer,
      revocationDate: new Time(r.date ?? new Date(now - DAY)),
      ...(entryExtensions.length ? { crlEntryExtensions: entryExtensions } : {}),
    });
  });
  const extensions: Extension[] = [];
  if (!v1) {
    const aki = options.authorityKeyIdentifier ?? issuer.keyIdentifier;
    if (aki !== false) extensions.push(ext(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(aki) })));
    const number = options.crlNumber ?? 1;
    if (number !== false) extensions.push(ext(id_ce_cRLNumber, false, new CRLNumber(number)));
    if (options.issuingDistributionPoint) extensions.push(ext(id_ce_issuingDistributionPoint, options.idpCritical ?? true, options.issuingDistributionPoint));
    for (const e of options.extensions ?? []) extensions.push(new Extension({ extnID: e.id, critical: e.critical ?? false, extnValue: new OctetString(e.value) }));
  }
  const signing = signerFor(options.signer ?? issuer, options.signatureHash ?? 'default');
  const nextUpdate = options.nextUpdate === undefined ? new Date(now + 7 * DAY) : options.nextUpdate;
  const tbsCertList = new TBSCertList({
    ...(v1 ? {} : { version: Version.v2 }),
    signature: signing.algorithm,
    issuer: AsnConvert.parse(AsnConvert.serialize(issuer.name), Name),
    thisUpdate: new Time(options.thisUpdate ?? new Date(now - HOUR)),
    ...(nextUpdate ? { nextUpdate: new Time(nextUpdate) } : {}),
    ...(revokedCertificates.length ? { revokedCertificates } : {}),
    ...(extensions.length ? { crlExtensions: extensions } : {}),
  });
  const signature = signing.sign(new Uint8Array(AsnConvert.serialize(tbsCertList)));
  if (options.corruptSignature) signature[signature.length - 1]! ^= 0x01;
  const list = new CertificateList({
    tbsCertList,
    signatureAlgorithm: signing.algorithm,
    signature: signature.slice().buffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(list));
  return { der, pem: derToPem(der, 'X509 CRL') };
}

/** An issuingDistributionPoint (RFC 5280 §5.2.5) with these fields. */
export const idp = (fields: Partial<IssuingDistributionPoint>): IssuingDistributionPoint => new IssuingDistributionPoint(fields);

/** A DistributionPointName holding one URI. */
export const dpName = (uri: string): DistributionPointName =>
  new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: uri })] });

/** cRLDistributionPoints extension value (for CertificateOptions.extraExtensions) pointing at these URIs. */
export const crlDistributionPoints = (...uris: string[]): Uint8Array =>
  new Uint8Array(AsnConvert.serialize(new CRLDistributionPoints(uris.map((uri) => new DistributionPoint({ distributionPoint: dpName(uri) })))));

export { id_ce_cRLDistributionPoints };
