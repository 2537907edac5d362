// The three checks that authenticate a TLS 1.3 peer. Each mints the proof token the traffic state
// requires (DESIGN §3.5).
import type { CryptoProvider, HashName, ParsedCertificate } from '../crypto/provider.js';
import { schemeInfo } from '../crypto/schemes.js';
import type { Tls13Suite } from '../crypto/suites.js';
import { TLSError } from '../errors.js';
import type { VerifiedChain } from '../pki/chain.js';
import { finishedVerifyData } from '../tls13/key-schedule.js';
import { finishedVerifyData as finishedVerifyData12 } from '../tls12/prf.js';
import { AlertDescription } from '../wire/codes.js';
import type { CertificateVerify, Finished } from '../wire/types.js';
import { certificateVerifyContent } from './signed-content.js';
import {
  type CertificateVerified,
  type FinishedVerified,
  type SignatureVerified,
  mintCertificateVerified,
  mintFinishedVerified,
  mintSignatureVerified,
} from './verified.js';

export type { VerifiedChain };

export interface CertificateCheckInput {
  /** DER certificates as the peer sent them, leaf first. */
  chain: Uint8Array[];
  /** Hostname or IP literal to match; undefined skips the identity check. */
  hostname: string | undefined;
  purpose: 'server' | 'client';
  /** Validation time, ms since the epoch. */
  time: number;
}

/** Validates a peer chain or throws a TLSError carrying the alert and a node:tls-style code. */
export type CertificateVerifier = (input: CertificateCheckInput) => VerifiedChain;

export interface CertificateOutcome {
  proof: CertificateVerified;
  leaf: ParsedCertificate;
  chain: ParsedCertificate[];
  authorized: boolean;
  error: TLSError | undefined;
}

/**
 * Runs the verifier. With `reject` false (node:tls `rejectUnauthorized: false`) a failure is
 * recorded instead of thrown, exactly as node:tls reports it in `authorizationError`.
 */
export function verifyPeerCertificate(
  provider: CryptoProvider,
  verifier: CertificateVerifier,
  input: CertificateCheckInput,
  reject: boolean,
): CertificateOutcome {
  const leafDer = input.chain[0];
  if (!leafDer) throw new TLSError(AlertDescription.decode_error, 'peer sent an empty Certificate');
  try {
    const verified = verifier(input);
    return { proof: mintCertificateVerified(), leaf: verified.leaf, chain: verified.path, authorized: true, error: undefined };
  } catch (err) {
    if (reject || !(err instanceof TLSError)) throw err;
    // Unverified but accepted (rejectUnauthorized: false): the leaf must still parse, for CertificateVerify.
    let leaf: ParsedCertificate;
    try {
      leaf = provider.parseCertificate(leafDer);
    } catch (cause) {
      throw new TLSError(AlertDescription.bad_certificate, 'peer certificate does not parse', { code: 'UNABLE_TO_DECODE_CERT', cause });
    }
    return { proof: mintCertificateVerified(), leaf, chain: [], authorized: false, error: err };
  }
}

/** RFC 8446 §4.4.3. The scheme must be one we offered and fit the leaf's key. */
export function verifyCertificateVerify(
  role: 'server' | 'client',
  message: CertificateVerify,
  leaf: ParsedCertificate,
  offeredSchemes: readonly number[],
  transcriptHash: Uint8Array,
): SignatureVerified {
  const info = schemeInfo(message.algorithm);
  if (!offeredSchemes.includes(message.algorithm) || !info?.tls13) {
    throw new TLSError(AlertDescription.illegal_parameter, 'CertificateVerify uses a signature scheme we did not offer');
  }
  const content = certificateVerifyContent(role, transcriptHash);
  if (!leaf.publicKey.verify(message.algorithm, content, message.signature)) {
    throw new TLSError(AlertDescription.decrypt_error, `${role} CertificateVerify signature does not verify`);
  }
  return mintSignatureVerified();
}

/** RFC 8446 §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash). */
export function verifyFinished(
  provider: CryptoProvider,
  suite: Tls13Suite,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
  message: Finished,
): FinishedVerified {
  const expected = finishedVerifyData(provider, suite, baseKey, transcriptHash);
  if (message.verify_data.length !== expected.length) {
    throw new TLSError(AlertDescription.decode_error, 'Finished has the wrong length');
  }
  if (!provider.equal(expected, message.verify_data)) {
    throw new TLSError(AlertDescription.decrypt_error, 'Finished verify_data does not match the transcript');
  }
  return mintFinishedVerified();
}

// --- TLS 1.2 (RFC 5246) ------------------------------------------------------------------------

/**
 * RFC 5246 §7.4.1.4.1: a TLS 1.2 signature uses a scheme the verifier offered in
 * signature_algorithms and fitting the key. PKCS#1 v1.5 is allowed here (unlike TLS 1.3); an
 * ECDSA scheme stays bound to its curve, as every peer we meet signs so.
 */
function checkTls12Scheme(scheme: number, leaf: ParsedCertificate, offeredSchemes: readonly number[], what: string): void {
  const info = schemeInfo(scheme);
  if (!offeredSchemes.includes(scheme) || !info || info.hash === 'sha1') {
    throw new TLSError(AlertDescription.illegal_parameter, `${what} uses a signature scheme we did not offer`);
  }
  if (!info.keyKinds.includes(leaf.publicKey.kind)) {
    throw new TLSError(AlertDescription.illegal_parameter, `${what} uses a signature scheme that does not fit the certificate key`);
  }
}

/**
 * RFC 5246 §7.4.3 (RFC 8422 §5.4 for ECDHE): the server signs
 * client_random + server_random + ServerParams with its certificate key.
 */
export function verifyServerKeyExchange(
  leaf: ParsedCertificate,
  scheme: number,
  signature: Uint8Array,
  offeredSchemes: readonly number[],
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  params: Uint8Array,
): SignatureVerified {
  checkTls12Scheme(scheme, leaf, offeredSchemes, 'ServerKeyExchange');
  const content = new Uint8Array(clientRandom.length + serverRandom.length + params.length);
  content.set(clientRandom, 0);
  content.set(serverRandom, clientRandom.length);
  content.set(params, clientRandom.length + serverRandom.length);
  if (!leaf.publicKey.verify(scheme, content, signature)) {
    throw new TLSError(AlertDescription.decrypt_error, 'ServerKeyExchange signature does not verify');
  }
  return mintSignatureVerified();
}

/**
 * RFC 5246 §7.4.8: the client's CertificateVerify signs every handshake message so far (the
 * messages themselves, hashed by the scheme, not the PRF's transcript hash).
 */
export function verifyCertificateVerify12(
  message: CertificateVerify,
  leaf: ParsedCertificate,
  offeredSchemes: readonly number[],
  handshakeMessages: Uint8Array,
): SignatureVerified {
  checkTls12Scheme(message.algorithm, leaf, offeredSchemes, 'CertificateVerify');
  if (!leaf.publicKey.verify(message.algorithm, handshakeMessages, message.signature)) {
    throw new TLSError(AlertDescription.decrypt_error, 'client CertificateVerify signature does not verify');
  }
  return mintSignatureVerified();
}

/**
 * RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11],
 * the label naming the sender. A wrong length is decode_error, a wrong value decrypt_error.
 */
export function verifyFinished12(
  provider: CryptoProvider,
  prfHash: HashName,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  transcriptHash: Uint8Array,
  message: Finished,
): FinishedVerified {
  const expected = finishedVerifyData12(provider, prfHash, masterSecret, sender, transcriptHash);
  if (message.verify_data.length !== expected.length) {
    throw new TLSError(AlertDescription.decode_error, 'Finished has the wrong length');
  }
  if (!provider.equal(expected, message.verify_data)) {
    throw new TLSError(AlertDescription.decrypt_error, 'Finished verify_data does not match the transcript');
  }
  return mintFinishedVerified();
}
