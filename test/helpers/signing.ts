// Signatures for the structures tests build and sign themselves (OCSP responses, CRLs): the
// AlgorithmIdentifier to write and a signer over node:crypto for a test certificate's key.
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { constants, sign } from 'node:crypto';
import type { IssuedCertificate } from './pki.js';

const NULL = new Uint8Array([0x05, 0x00]).buffer;

/** RFC 4055 §3.1 RSASSA-PSS-params for SHA-256, MGF1-SHA-256, salt 32 (as OpenSSL writes them). */
const PSS_SHA256_PARAMS = Buffer.from(
  '3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120',
  'hex',
);

/**
 * How the signer signs: 'default' is what its key type signs certificates with (as
 * src/node/certs.ts); 'sha1' is sha1WithRSAEncryption or ecdsa-with-SHA1 for the same key;
 * 'pss' is RSASSA-PSS SHA-256 with an rsaEncryption key; 'sha384' is ecdsa-with-SHA384.
 */
export type SignatureOption = 'default' | 'sha1' | 'pss' | 'sha384';

export function signerFor(cert: IssuedCertificate, option: SignatureOption = 'default'): { algorithm: AlgorithmIdentifier; sign(data: Uint8Array): Uint8Array } {
  const key = cert.privateKey;
  const rsa = cert.keyType === 'rsa-2048';
  const ec = cert.keyType === 'ecdsa-p256' || cert.keyType === 'ecdsa-p384';
  const out = (oid: string, hash: string | null, opts: object = {}, parameters?: ArrayBuffer) => ({
    algorithm: new AlgorithmIdentifier({ algorithm: oid, ...(parameters ? { parameters } : {}) }),
    sign: (d: Uint8Array) => new Uint8Array(sign(hash, d, { key, ...opts })),
  });
  if (option === 'sha1') {
    if (rsa) return out('1.2.840.113549.1.1.5', 'sha1', { padding: constants.RSA_PKCS1_PADDING }, NULL);
    if (ec) return out('1.2.840.10045.4.1', 'sha1');
    throw new Error(`no SHA-1 signature for ${cert.keyType}`);
  }
  if (option === 'pss') {
    if (!rsa) throw new Error('pss needs an rsa-2048 key');
    const params = new Uint8Array(PSS_SHA256_PARAMS).buffer;
    return out('1.2.840.113549.1.1.10', 'sha256', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, params);
  }
  if (option === 'sha384') {
    if (!ec) throw new Error('sha384 here means ecdsa-with-SHA384');
    return out('1.2.840.10045.4.3.3', 'sha384');
  }
  switch (cert.keyType) {
    case 'ecdsa-p256':
      return out('1.2.840.10045.4.3.2', 'sha256');
    case 'ecdsa-p384':
      return out('1.2.840.10045.4.3.3', 'sha384');
    case 'rsa-2048':
      return out('1.2.840.113549.1.1.11', 'sha256', { padding: constants.RSA_PKCS1_PADDING }, NULL);
    case 'rsa-pss':
      return {
        algorithm: new AlgorithmIdentifier(cert.spki.algorithm),
        sign: (d) => new Uint8Array(sign('sha256', d, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })),
      };
    case 'ed25519':
      return out('1.3.101.112', null);
  }
}
