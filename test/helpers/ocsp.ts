// OCSP responses (RFC 6960) and the certificates around them for the tests: built from
// @peculiar/asn1-ocsp structures and signed with node:crypto, synchronously, like src/node/certs.ts.
// Every field a test wants to get wrong can be set: the signer, the CertID, the times, the
// signature algorithm, the response status.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  CRLReason,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  id_ce_extKeyUsage,
} from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  KeyHash,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';
import { createHash } from 'node:crypto';
import { derToPem } from '../../src/pki/pem.js';
import { id_pe_tlsfeature } from '../../src/pki/ocsp.js';
import { type CertificateOptions, type IssuedCertificate, issueCertificate } from './pki.js';
import { type SignatureOption, signerFor } from './signing.js';

export { OCSPResponseStatus };

const NULL = new Uint8Array([0x05, 0x00]).buffer;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How the signer signs (./signing.ts). */
export type OcspSignatureOption = SignatureOption;

const sha = (alg: 'sha1' | 'sha256', data: ArrayBuffer | Uint8Array) => new Uint8Array(createHash(alg).update(new Uint8Array(data)).digest()).buffer;

const HASH_OIDS = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1' } as const;

/** The leaf's serialNumber as its certificate encodes it. */
const serialOf = (cert: IssuedCertificate): ArrayBuffer => AsnConvert.parse(cert.der, Certificate).tbsCertificate.serialNumber;

/** RFC 6960 §4.1.1 CertID of `leaf` under `issuer`. */
export function certIdFor(leaf: IssuedCertificate, issuer: IssuedCertificate, hash: 'sha1' | 'sha256' = 'sha1'): CertID {
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash], parameters: NULL }),
    issuerNameHash: new OctetString(sha(hash, AsnConvert.serialize(issuer.name))),
    issuerKeyHash: new OctetString(sha(hash, issuer.spki.subjectPublicKey)),
    serialNumber: serialOf(leaf),
  });
}

export interface OcspResponseOptions {
  leaf: IssuedCertificate;
  issuer: IssuedCertificate;
  /** Who signs (default: the issuer). */
  signer?: IssuedCertificate;
  /** Certificates carried in BasicOCSPResponse.certs (a delegated responder's). */
  certs?: readonly IssuedCertificate[];
  /** How the ResponderID names the signer (default byName, as OpenSSL's ocsp command does). */
  responderId?: 'name' | 'key';
  /** ResponderID of this certificate instead of the signer's. */
  responderIdOf?: IssuedCertificate;
  status?: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  /** RFC 5280 §5.3.1 CRLReason. */
  revocationReason?: number;
  /** Default: an hour ago. */
  thisUpdate?: Date;
  /** Default: a day from now; null leaves it out. */
  nextUpdate?: Date | null;
  producedAt?: Date;
  certIdHash?: 'sha1' | 'sha256';
  /** Adjusts the CertID before signing (wrong serial, wrong hashes). */
  certId?: (id: CertID) => CertID;
  signature?: OcspSignatureOption;
  /** Flip a bit of the signature after signing. */
  corruptSignature?: boolean;
  /** A non-successful status sends no responseBytes (RFC 6960 §4.2.1). */
  responseStatus?: OCSPResponseStatus;
  responseType?: string;
  singleExtensions?: Extension[];
}

/** An OCSPResponse (DER) about `leaf`, signed as `options` say. */
export function ocspResponse(options: OcspResponseOptions): Uint8Array {
  const status = options.responseStatus ?? OCSPResponseStatus.successful;
  if (status !== OCSPResponseStatus.successful) return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));
  const signer = options.signer ?? options.issuer;
  const named = options.responderIdOf ?? signer;
  const now = Date.now();
  const certStatus =
    options.status === 'revoked'
      ? new CertStatus({
          revoked: new RevokedInfo({
            revocationTime: options.revocationTime ?? new Date(now - DAY),
            ...(options.revocationReason === undefined ? {} : { revocationReason: new CRLReason(options.revocationReason) }),
          }),
        })
      : options.status === 'unknown'
        ? new CertStatus({ unknown: null })
        : new CertStatus({ good: null });
  let certID = certIdFor(options.leaf, options.issuer, options.certIdHash);
  if (options.certId) certID = options.certId(certID);
  const nextUpdate = options.nextUpdate === undefined ? new Date(now + DAY) : options.nextUpdate;
  const single = new SingleResponse({
    certID,
    certStatus,
    thisUpdate: options.thisUpdate ?? new Date(now - HOUR),
    ...(nextUpdate ? { nextUpdate } : {}),
    ...(options.singleExtensions ? { singleExtensions: options.singleExtensions } : {}),
  });
  const responderID =
    options.responderId === 'key'
      ? new ResponderID({ byKey: new KeyHash(sha('sha1', named.spki.subjectPublicKey)) })
      : new ResponderID({ byName: named.name });
  const tbsResponseData = new ResponseData({ responderID, producedAt: options.producedAt ?? new Date(now - MINUTE), responses: [single] });
  const signing = signerFor(signer, options.signature);
  const signature = signing.sign(new Uint8Array(AsnConvert.serialize(tbsResponseData)));
  if (options.corruptSignature) signature[signature.length - 1]! ^= 0x01;
  const basic = new BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: signing.algorithm,
    signature: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer,
    ...(options.certs ? { certs: options.certs.map((c) => AsnConvert.parse(c.der, Certificate)) } : {}),
  });
  const response = new OCSPResponse({
    responseStatus: status,
    responseBytes: new ResponseBytes({
      responseType: options.responseType ?? id_pkix_ocsp_basic,
      response: new OctetString(AsnConvert.serialize(basic)),
    }),
  });
  return new Uint8Array(AsnConvert.serialize(response));
}

/**
 * `cert` re-signed by `issuer` after `edit` changed its extensions (src/node/certs.ts has no
 * options for id-kp-OCSPSigning or the TLS feature extension). Keeps the key, names and serial.
 */
export function reissue(cert: IssuedCertificate, issuer: IssuedCertificate, edit: (extensions: Extension[]) => Extension[]): IssuedCertificate {
  const parsed = AsnConvert.parse(cert.der, Certificate);
  const tbs = parsed.tbsCertificate;
  const signing = signerFor(issuer);
  tbs.signature = signing.algorithm;
  tbs.extensions = new Extensions(edit([...(tbs.extensions ?? [])]));
  const signature = signing.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const out = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: signing.algorithm,
    signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(out));
  return { ...cert, der, certPem: derToPem(der) };
}

const extension = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

/** RFC 7633: `leaf` re-issued with the TLS feature extension listing status_request (5), i.e. must-staple. */
export function mustStaple(leaf: IssuedCertificate, issuer: IssuedCertificate, features: readonly number[] = [5]): IssuedCertificate {
  // Features ::= SEQUENCE OF INTEGER; small non-negative integers encode as 02 01 nn.
  const value = Uint8Array.from([0x30, features.length * 3, ...features.flatMap((f) => [0x02, 0x01, f])]);
  return reissue(leaf, issuer, (exts) => [...exts, new Extension({ extnID: id_pe_tlsfeature, critical: false, extnValue: new OctetString(value) })]);
}

export interface ResponderOptions extends CertificateOptions {
  /** Carry id-kp-OCSPSigning in extendedKeyUsage (default true); false leaves serverAuth/clientAuth. */
  ocspSigning?: boolean;
}

/** A delegated OCSP responder certificate issued by `issuer` (RFC 6960 §4.2.2.2). */
export function issueResponder(issuer: IssuedCertificate, options: ResponderOptions = {}): IssuedCertificate {
  const { ocspSigning = true, ...certOptions } = options;
  const cert = issueCertificate({ commonName: 'handshake test OCSP responder', keyType: 'ecdsa-p256', days: 30, ...certOptions }, issuer);
  if (!ocspSigning) return cert;
  return reissue(cert, issuer, (exts) => [
    ...exts.filter((e) => e.extnID !== id_ce_extKeyUsage),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_OCSPSigning])),
  ]);
}

export const minutes = (n: number) => n * MINUTE;
export const days = (n: number) => n * DAY;
