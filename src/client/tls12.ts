/*
 * The TLS 1.2 client, RFC 5246 §7.3 (full handshake; resumption is not offered):
 *
 *   ClientHello                    -------->
 *                                                 ServerHello
 *                                                 Certificate
 *                                                 CertificateStatus*     (RFC 6066 §8)
 *                                                 ServerKeyExchange*     (ECDHE, DHE)
 *                                                 CertificateRequest*
 *                                  <--------      ServerHelloDone
 *   Certificate*
 *   ClientKeyExchange
 *   CertificateVerify*
 *   [ChangeCipherSpec]
 *   Finished                       -------->
 *                                                 [ChangeCipherSpec]
 *                                  <--------      Finished
 *   Application Data               <------->      Application Data
 *
 * tls13.ts reads the ServerHello and hands over here (startTls12) once it is a TLS 1.2 one. Each
 * state is named for the message it expects. The peer's ChangeCipherSpec arrives as the input
 * CHANGE_CIPHER_SPEC; it is not a handshake message and is not hashed.
 */
import { bytesEqual, concatBytes } from '../bytes.js';
import { groupInfo } from '../crypto/groups.js';
import type { ParsedCertificate, PublicKeyInfo } from '../crypto/provider.js';
import { schemeFitsKey, schemeInfo } from '../crypto/schemes.js';
import { type Tls12Suite, tls12Suite } from '../crypto/suites.js';
import { TLSError, decodeError, handshakeFailure, illegalParameter, unexpectedMessage } from '../errors.js';
import type { HandshakeInfo } from '../events.js';
import type { HandshakeContext, Tls12Input } from '../handshake/context.js';
import { expect } from '../handshake/expect.js';
import type { Transcript } from '../handshake/transcript.js';
import { type CertificateOutcome, verifyFinished12, verifyPeerCertificate, verifyServerKeyExchange } from '../handshake/verify.js';
import type { CertificateVerified, FinishedVerified, SignatureVerified } from '../handshake/verified.js';
import { MAX_CERTIFICATE_CHAIN } from '../limits.js';
import { type OcspResult, checkStapledOcsp } from '../pki/ocsp.js';
import { clientDhe, ecdhePremaster, rsaClientKeyExchange } from '../tls12/key-exchange.js';
import { keyBlock, type Tls12DirectionKeys } from '../tls12/keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret } from '../tls12/prf.js';
import { tls12Protection } from '../tls12/record-protection.js';
import { messageName } from '../trace.js';
import {
  AlertDescription,
  ClientCertificateType,
  ECPointFormat,
  ProtocolVersion,
  cipherSuiteName,
  groupName,
  schemeName,
} from '../wire/codes.js';
import {
  encodeDheClientKeyExchange,
  encodeEcdheClientKeyExchange,
  encodeRsaClientKeyExchange,
} from '../wire/messages/client-key-exchange.js';
import { decodeDheServerKeyExchange, decodeEcdheServerKeyExchange } from '../wire/messages/server-key-exchange.js';
import type { CertificateRequest12, HandshakeKind, MessageOf, ServerHello12 } from '../wire/types.js';
import type { ResolvedClientConfig } from './config.js';
import { offersEcPointFormats, offersEncryptThenMac } from './hello.js';
import type { ClientState } from './state.js';

/**
 * HelloRequests we answer with no_renegotiation after the handshake. A server that keeps asking
 * after this many refusals will not stop; each one costs us an alert record.
 */
export const MAX_REFUSED_RENEGOTIATIONS = 16;

/** Everything fixed by the ServerHello. */
interface Negotiated {
  suite: Tls12Suite;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Hash of the handshake messages with the suite's PRF hash (Finished, RFC 7627 session_hash). */
  transcript: Transcript;
  /**
   * Every handshake message so far, as sent or received, for our CertificateVerify, which signs
   * the messages themselves (RFC 5246 §7.4.8). Kept only when we have a certificate to offer,
   * and dropped at ServerHelloDone.
   */
  messages: Uint8Array[] | undefined;
  /** RFC 7627: both hellos carried extended_master_secret. */
  extendedMasterSecret: boolean;
  /** RFC 7366: both hellos carried encrypt_then_mac and the suite is CBC. */
  encryptThenMac: boolean;
  alpnProtocol: string | false;
  /** The server answered status_request (RFC 6066 §8): a CertificateStatus may follow. */
  statusAcknowledged: boolean;
}

/** The server's certificate, validated (or recorded as not, with rejectUnauthorized false). */
interface ServerCertificate {
  certificate: CertificateOutcome;
  peerCertificates: Uint8Array[];
  ocsp: OcspResult | undefined;
}

/**
 * How the server proves it holds its certificate's private key.
 * - ECDHE, DHE: it signs its key exchange parameters (RFC 5246 §7.4.3), checked by
 *   verifyServerKeyExchange, which mints the SignatureVerified.
 * - RSA key transport: nothing is signed. The premaster is encrypted to the key of the verified
 *   certificate (RFC 5246 §7.4.7.1), so only its holder can derive the master secret, and the
 *   server's Finished, which verifyFinished12 checks under that master secret, is the proof of
 *   possession. This branch holds no SignatureVerified, since no signature was verified; it
 *   records the CertificateVerified of the certificate whose key the premaster went to, and the
 *   Traffic state still requires the FinishedVerified that completes the proof.
 */
type ServerKeyProof =
  | { readonly kind: 'signature'; readonly signature: SignatureVerified; readonly scheme: number }
  | { readonly kind: 'key-transport'; readonly encryptedTo: CertificateVerified };

/** Our side of the key exchange, ready to send once the server's flight is done. */
interface KeyAgreement {
  /** The ClientKeyExchange body. */
  clientKeyExchange: Uint8Array;
  premaster: Uint8Array;
  /** NamedGroup (0 for RSA key transport and for a DH prime outside RFC 7919). */
  group: number;
  groupName: string;
  proof: ServerKeyProof;
}

/** What the handshake needs once the master secret exists (the premaster is gone by then). */
interface Keys {
  masterSecret: Uint8Array;
  server: Tls12DirectionKeys;
}

export type Tls12ClientState =
  | { readonly version: 'tls12'; kind: 'ExpectCertificate'; n: Negotiated }
  | {
      readonly version: 'tls12';
      kind: 'ExpectCertificateStatus';
      n: Negotiated;
      certificate: CertificateOutcome;
      peerCertificates: Uint8Array[];
    }
  | { readonly version: 'tls12'; kind: 'ExpectServerKeyExchange'; n: Negotiated; server: ServerCertificate }
  | {
      readonly version: 'tls12';
      kind: 'ExpectCertificateRequestOrServerHelloDone';
      n: Negotiated;
      server: ServerCertificate;
      agreement: KeyAgreement;
    }
  | {
      readonly version: 'tls12';
      kind: 'ExpectServerHelloDone';
      n: Negotiated;
      server: ServerCertificate;
      agreement: KeyAgreement;
      request: CertificateRequest12 | undefined;
    }
  | {
      readonly version: 'tls12';
      kind: 'ExpectChangeCipherSpec';
      n: Negotiated;
      server: ServerCertificate;
      agreement: Omit<KeyAgreement, 'premaster' | 'clientKeyExchange'>;
      keys: Keys;
    }
  | {
      readonly version: 'tls12';
      kind: 'ExpectFinished';
      n: Negotiated;
      server: ServerCertificate;
      agreement: Omit<KeyAgreement, 'premaster' | 'clientKeyExchange'>;
      keys: Keys;
    }
  | {
      readonly version: 'tls12';
      kind: 'Traffic';
      /** DESIGN §3.5: the server's certificate, its key, and its Finished were all verified. */
      verified: { certificate: CertificateVerified; serverKey: ServerKeyProof; finished: FinishedVerified };
      refusedRenegotiations: number;
    };

type Handler<S extends Tls12ClientState> = (
  state: S,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
) => ClientState;

type StateOf<K extends Tls12ClientState['kind']> = Extract<Tls12ClientState, { kind: K }>;

/** DESIGN §3.2 for TLS 1.2 input: a ChangeCipherSpec where a handshake message belongs is unexpected too. */
function expect12<K extends HandshakeKind>(msg: Tls12Input, kind: K, state: string): MessageOf<K> {
  if (msg.type === 'change_cipher_spec') {
    throw unexpectedMessage(`received ChangeCipherSpec while waiting for ${messageName(kind)} (${state})`);
  }
  return expect(msg, kind, state);
}

/** Adds a handshake message, sent or received, to the transcript (and the kept messages). */
function record(n: Negotiated, raw: Uint8Array): void {
  n.transcript.add(raw);
  n.messages?.push(raw);
}

const unsolicited = (what: string) => new TLSError(AlertDescription.unsupported_extension, `server sent ${what} we did not offer`);

/**
 * The ServerHello (RFC 5246 §7.4.1.3), once tls13.ts has settled TLS 1.2. `transcript` holds our
 * ClientHello, not yet hashed (the PRF hash comes with the suite).
 */
export function startTls12(
  sh: ServerHello12,
  raw: Uint8Array,
  hello: { random: Uint8Array; sessionId: Uint8Array; clientHello: Uint8Array },
  transcript: Transcript,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): Tls12ClientState {
  const suite = tls12Suite(sh.cipher_suite);
  if (!suite || !config.cipherSuites.includes(sh.cipher_suite)) {
    throw illegalParameter('server selected an unoffered cipher suite');
  }
  if (sh.compression_method !== 0) throw illegalParameter('server selected compression');
  // We offer no session to resume (a TLS 1.3 compatibility session ID is random, RFC 8446 §D.4).
  if (hello.sessionId.length && bytesEqual(sh.session_id, hello.sessionId)) {
    throw illegalParameter('server resumed a session we did not offer');
  }

  // RFC 5246 §7.4.1.4: only extensions the ClientHello offered, else unsupported_extension.
  const x = sh.extensions;
  if (x.unknown.length) throw unsolicited('an extension');
  if (x.server_name && config.sni === undefined) throw unsolicited('server_name');
  if (x.status_request && !config.requestOCSP) throw unsolicited('status_request');
  if (x.session_ticket) throw unsolicited('session_ticket');
  if (x.encrypt_then_mac && !offersEncryptThenMac(config)) throw unsolicited('encrypt_then_mac');
  if (x.ec_point_formats !== undefined) {
    if (!offersEcPointFormats(config)) throw unsolicited('ec_point_formats');
    // RFC 8422 §5.2: the server's list must contain uncompressed, the one format there is.
    if (!x.ec_point_formats.includes(ECPointFormat.uncompressed)) {
      throw illegalParameter('server ec_point_formats lacks uncompressed');
    }
  }
  // RFC 5746 §3.4: on an initial handshake renegotiated_connection must be empty.
  if (x.renegotiation_info !== undefined && x.renegotiation_info.length !== 0) {
    throw handshakeFailure('server renegotiation_info is not empty on an initial handshake');
  }
  if (x.record_size_limit !== undefined) {
    if (config.recordSizeLimit === undefined) throw unsolicited('record_size_limit');
    // RFC 8449 §4: our records to the server honour its limit (values below 64 failed decoding).
    ctx.setRecordSizeLimit(x.record_size_limit, config.recordSizeLimit);
  }
  let alpnProtocol: string | false = false;
  if (x.alpn !== undefined) {
    if (!config.alpnProtocols.length) throw unsolicited('ALPN');
    // RFC 7301 §3.2: the selection must be one of ours.
    if (!config.alpnProtocols.includes(x.alpn)) throw illegalParameter('server selected an ALPN protocol we did not offer');
    alpnProtocol = x.alpn;
  }
  const extendedMasterSecret = x.extended_master_secret === true;
  // RFC 7366 §3: encrypt_then_mac changes nothing for AEAD suites.
  const encryptThenMac = x.encrypt_then_mac === true && suite.cipher.kind === 'cbc';

  transcript.start(suite.prfHash);
  transcript.add(raw);
  ctx.describe(
    () =>
      `TLS 1.2 ${cipherSuiteName(suite.id)}${extendedMasterSecret ? ' ems' : ' no-ems'}` +
      `${encryptThenMac ? ' etm' : ''}${alpnProtocol ? ` alpn=${alpnProtocol}` : ''}`,
  );
  return {
    version: 'tls12',
    kind: 'ExpectCertificate',
    n: {
      suite,
      clientRandom: hello.random,
      serverRandom: sh.random,
      transcript,
      messages: config.certificate ? [hello.clientHello, raw] : undefined,
      extendedMasterSecret,
      encryptThenMac,
      alpnProtocol,
      statusAcknowledged: x.status_request === true,
    },
  };
}

/**
 * RFC 5246 §7.4.2: the certificate's key must suit the key exchange: an RSA key that can encrypt
 * for RSA key transport, an RSA key for *_RSA suites, an ECDSA (or, RFC 8422 §5.1, EdDSA) key for
 * *_ECDSA suites. A mismatch is illegal_parameter, as OpenSSL sends: the certificate is not of a
 * type we do not support (unsupported_certificate), it is inconsistent with the suite the same
 * server chose (RFC 5246 §7.2.2).
 */
function checkKeyFitsSuite(suite: Tls12Suite, key: PublicKeyInfo): void {
  const fits =
    suite.keyExchange === 'RSA'
      ? key.kind === 'rsa'
      : suite.authentication === 'RSA'
        ? key.kind === 'rsa' || key.kind === 'rsa-pss'
        : key.kind === 'ec' || key.kind === 'ed25519' || key.kind === 'ed448';
  if (!fits) throw illegalParameter(`server certificate key (${key.kind}) does not fit ${suite.name}`);
}

/**
 * The stapled OCSP status, as tls13.ts treats it: a revoked leaf or a must-staple leaf without a
 * staple fails, or under rejectUnauthorized false is recorded as the (first) authorization error.
 */
function applyStaple(
  certificate: CertificateOutcome,
  peerCertificates: Uint8Array[],
  staple: Uint8Array | undefined,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ServerCertificate {
  const check = checkStapledOcsp({
    staple,
    leaf: certificate.leaf,
    path: certificate.chain,
    received: peerCertificates,
    time: ctx.provider.now(),
    provider: ctx.provider,
  });
  let outcome = certificate;
  if (check.error) {
    if (config.rejectUnauthorized) throw check.error;
    if (outcome.authorized) outcome = { ...outcome, authorized: false, error: check.error };
  }
  return { certificate: outcome, peerCertificates, ocsp: check.ocsp };
}

const onCertificate: Handler<StateOf<'ExpectCertificate'>> = (state, msg, raw, ctx, config) => {
  const cert = expect12(msg, 'certificate_tls12', state.kind);
  const { n } = state;
  const chain = cert.certificate_list;
  // Every suite we offer authenticates the server (RFC 5246 §7.4.2).
  if (chain.length === 0) throw decodeError('server sent an empty Certificate');
  if (chain.length > MAX_CERTIFICATE_CHAIN) {
    throw new TLSError(AlertDescription.bad_certificate, `server sent more than ${MAX_CERTIFICATE_CHAIN} certificates`);
  }
  const verifier =
    config.verifier ??
    (() => {
      throw new TLSError(AlertDescription.unknown_ca, 'no trust anchors configured', { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    });
  const certificate = verifyPeerCertificate(
    ctx.provider,
    verifier,
    { chain, hostname: config.serverName, purpose: 'server', time: ctx.provider.now() },
    config.rejectUnauthorized,
  );
  checkKeyFitsSuite(n.suite, certificate.leaf.publicKey);
  ctx.describe(
    () =>
      `${chain.length} cert(s), leaf ${certificate.leaf.subject.replace(/\n/g, ', ')}` +
      `${certificate.authorized ? '' : ` (unverified: ${certificate.error?.code})`}`,
  );
  record(n, raw);
  if (n.statusAcknowledged) {
    return { version: 'tls12', kind: 'ExpectCertificateStatus', n, certificate, peerCertificates: chain };
  }
  // Without an acknowledgement no status follows (RFC 6066 §8); must-staple then fails here.
  const server: ServerCertificate = config.requestOCSP
    ? applyStaple(certificate, chain, undefined, ctx, config)
    : { certificate, peerCertificates: chain, ocsp: undefined };
  return afterServerCertificate(n, server, ctx);
};

/** RFC 6066 §8: optional even after the server acknowledged status_request. */
const onCertificateStatus: Handler<StateOf<'ExpectCertificateStatus'>> = (state, msg, raw, ctx, config) => {
  const { n } = state;
  if (msg.type !== 'certificate_status') {
    const next = afterServerCertificate(n, applyStaple(state.certificate, state.peerCertificates, undefined, ctx, config), ctx);
    return handleTls12ClientMessage(next, msg, raw, ctx, config);
  }
  const server = applyStaple(state.certificate, state.peerCertificates, msg.ocsp_response, ctx, config);
  ctx.describe(() => (server.ocsp ? `ocsp=${server.ocsp.status}` : 'not checked (no issuer)'));
  record(n, raw);
  return afterServerCertificate(n, server, ctx);
};

/**
 * ECDHE and DHE suites continue with a ServerKeyExchange. RSA key transport has none (RFC 5246
 * §7.4.3): the premaster goes to the certificate's key, encrypted now.
 */
function afterServerCertificate(n: Negotiated, server: ServerCertificate, ctx: HandshakeContext): Tls12ClientState {
  if (n.suite.keyExchange !== 'RSA') return { version: 'tls12', kind: 'ExpectServerKeyExchange', n, server };
  // RFC 5246 §7.4.7.1: client_version is the ClientHello's, 0x0303.
  const { premaster, encrypted } = rsaClientKeyExchange(ctx.provider, server.certificate.leaf.publicKey, ProtocolVersion.TLS1_2);
  const agreement: KeyAgreement = {
    clientKeyExchange: encodeRsaClientKeyExchange(encrypted),
    premaster,
    group: 0,
    groupName: 'none',
    proof: { kind: 'key-transport', encryptedTo: server.certificate.proof },
  };
  return { version: 'tls12', kind: 'ExpectCertificateRequestOrServerHelloDone', n, server, agreement };
}

/** RFC 5246 §7.4.3, RFC 8422 §5.4: the server's signature over both randoms and its parameters. */
function verifyParams(
  n: Negotiated,
  leaf: ParsedCertificate,
  signed: { algorithm: number; signature: Uint8Array },
  rawParams: Uint8Array,
  config: ResolvedClientConfig,
): ServerKeyProof {
  const info = schemeInfo(signed.algorithm);
  if (info && !info.keyKinds.includes(leaf.publicKey.kind)) {
    throw illegalParameter(`ServerKeyExchange signed with ${schemeName(signed.algorithm)}, which does not fit the certificate key`);
  }
  const signature = verifyServerKeyExchange(
    leaf,
    signed.algorithm,
    signed.signature,
    config.signatureSchemes,
    n.clientRandom,
    n.serverRandom,
    rawParams,
  );
  return { kind: 'signature', signature, scheme: signed.algorithm };
}

const onServerKeyExchange: Handler<StateOf<'ExpectServerKeyExchange'>> = (state, msg, raw, ctx, config) => {
  const ske = expect12(msg, 'server_key_exchange', state.kind);
  const { n, server } = state;
  const leaf = server.certificate.leaf;
  let agreement: KeyAgreement;
  if (n.suite.keyExchange === 'ECDHE') {
    const { params, raw_params, signed_params } = decodeEcdheServerKeyExchange(ske.body);
    const { group } = params;
    // RFC 8422 §5.4: a curve from our supported_groups.
    if (!config.groups.includes(group) || groupInfo(group)?.kind !== 'ecdhe' || !ctx.provider.supportsGroup(group)) {
      throw illegalParameter(`ServerKeyExchange uses ${groupName(group)}, which we did not offer`);
    }
    const proof = verifyParams(n, leaf, signed_params, raw_params, config);
    const share = ctx.provider.generateKeyShare(group);
    if (!share) throw illegalParameter(`cannot generate a share for ${groupName(group)}`);
    agreement = {
      premaster: ecdhePremaster(share, params.point),
      clientKeyExchange: encodeEcdheClientKeyExchange(share.publicKey),
      group,
      groupName: groupInfo(group)?.name ?? groupName(group),
      proof,
    };
  } else {
    const { params, raw_params, signed_params } = decodeDheServerKeyExchange(ske.body);
    const proof = verifyParams(n, leaf, signed_params, raw_params, config);
    // The policy (RFC 7919 groups, else a prime of 2048..4096 bits that tests prime) is clientDhe's.
    const dhe = clientDhe(ctx.provider, { p: params.dh_p, g: params.dh_g, Ys: params.dh_Ys });
    agreement = {
      premaster: dhe.premaster,
      clientKeyExchange: encodeDheClientKeyExchange(dhe.publicKey),
      group: dhe.group ?? 0,
      groupName: dhe.group !== undefined ? (groupInfo(dhe.group)?.name ?? groupName(dhe.group)) : `dh${dhe.primeBits}`,
      proof,
    };
  }
  ctx.describe(() => `${agreement.groupName}${agreement.proof.kind === 'signature' ? ` ${schemeName(agreement.proof.scheme)}` : ''}`);
  record(n, raw);
  return { version: 'tls12', kind: 'ExpectCertificateRequestOrServerHelloDone', n, server, agreement };
};

const onCertificateRequestOrServerHelloDone: Handler<StateOf<'ExpectCertificateRequestOrServerHelloDone'>> = (
  state,
  msg,
  raw,
  ctx,
  config,
) => {
  if (msg.type === 'certificate_request_tls12') {
    ctx.describe(config.certificate ? 'we will answer with our certificate if it fits' : 'we have no certificate: empty reply');
    record(state.n, raw);
    return { ...state, kind: 'ExpectServerHelloDone', request: msg };
  }
  return onServerHelloDone({ ...state, kind: 'ExpectServerHelloDone', request: undefined }, msg, raw, ctx, config);
};

/** RFC 5246 §7.4.4, §7.4.6: the certificate type must be one the server listed. */
const CERTIFICATE_TYPES: Partial<Record<PublicKeyInfo['kind'], number>> = {
  rsa: ClientCertificateType.rsa_sign,
  'rsa-pss': ClientCertificateType.rsa_sign,
  ec: ClientCertificateType.ecdsa_sign,
  ed25519: ClientCertificateType.ecdsa_sign,
  ed448: ClientCertificateType.ecdsa_sign,
};

/**
 * The scheme to sign our CertificateVerify with: the server's first listed one that fits our key
 * (SHA-1 never), provided the server accepts our certificate type; undefined sends an empty
 * Certificate (RFC 5246 §7.4.6).
 */
function clientScheme(request: CertificateRequest12, config: ResolvedClientConfig): number | undefined {
  const ours = config.certificate;
  if (!ours) return undefined;
  const type = CERTIFICATE_TYPES[ours.key.kind];
  if (type === undefined || !request.certificate_types.includes(type)) return undefined;
  return request.supported_signature_algorithms.find((s) => {
    const info = schemeInfo(s);
    return info !== undefined && info.hash !== 'sha1' && schemeFitsKey(s, ours.key);
  });
}

const onServerHelloDone: Handler<StateOf<'ExpectServerHelloDone'>> = (state, msg, raw, ctx, config) => {
  // Its empty body is checked by the codec (leftover bytes are decode_error).
  expect12(msg, 'server_hello_done', state.kind);
  const { n, agreement, request } = state;
  const { provider } = ctx;
  record(n, raw);

  // RFC 5246 §7.4.6: a Certificate (empty if we have none that fits) when asked for one.
  const scheme = request ? clientScheme(request, config) : undefined;
  if (request) {
    const chain = scheme !== undefined ? config.certificate!.chain : [];
    record(n, ctx.send({ type: 'certificate_tls12', certificate_list: chain }, chain.length ? undefined : 'empty'));
  }
  record(n, ctx.send({ type: 'client_key_exchange', body: agreement.clientKeyExchange }, agreement.groupName));

  // RFC 7627 §4: session_hash covers ClientHello .. ClientKeyExchange; else RFC 5246 §8.1.
  const prfHash = n.suite.prfHash;
  const master = n.extendedMasterSecret
    ? extendedMasterSecret(provider, prfHash, agreement.premaster, n.transcript.current())
    : masterSecret(provider, prfHash, agreement.premaster, n.clientRandom, n.serverRandom);
  agreement.premaster.fill(0);

  // RFC 5246 §7.4.8: signs every handshake message so far, ClientHello through ClientKeyExchange.
  if (scheme !== undefined) {
    const signature = config.certificate!.key.sign(scheme, concatBytes(n.messages!));
    record(n, ctx.send({ type: 'certificate_verify', algorithm: scheme, signature }, () => schemeName(scheme)));
  }
  n.messages = undefined;

  ctx.keylog('CLIENT_RANDOM', n.clientRandom, master);
  const block = keyBlock(provider, n.suite, master, n.clientRandom, n.serverRandom);
  ctx.changeWriteCipherSpec(tls12Protection(n.suite, block.client, n.encryptThenMac));
  const verifyData = finishedVerifyData(provider, prfHash, master, 'client', n.transcript.current());
  record(n, ctx.send({ type: 'finished', verify_data: verifyData }));
  const { group, groupName: name, proof } = agreement;
  return {
    version: 'tls12',
    kind: 'ExpectChangeCipherSpec',
    n,
    server: state.server,
    agreement: { group, groupName: name, proof },
    keys: { masterSecret: master, server: block.server },
  };
};

/** RFC 5246 §7.1: the server switches to the new keys; its Finished must come after (§7.4.9). */
const onChangeCipherSpec: Handler<StateOf<'ExpectChangeCipherSpec'>> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'change_cipher_spec') {
    throw unexpectedMessage(`received ${messageName(msg.type)} before the server's ChangeCipherSpec`);
  }
  const { n } = state;
  ctx.changeReadCipherSpec(tls12Protection(n.suite, state.keys.server, n.encryptThenMac));
  return { ...state, kind: 'ExpectFinished' };
};

const onFinished: Handler<StateOf<'ExpectFinished'>> = (state, msg, _raw, ctx, config) => {
  const fin = expect12(msg, 'finished', state.kind);
  const { n, server, agreement } = state;
  const finished = verifyFinished12(ctx.provider, n.suite.prfHash, state.keys.masterSecret, 'server', n.transcript.current(), fin);
  const { certificate } = server;
  const scheme = agreement.proof.kind === 'signature' ? agreement.proof.scheme : 0;
  const info: HandshakeInfo = {
    version: 'TLSv1.2',
    cipherSuite: n.suite.id,
    cipherSuiteName: n.suite.name,
    group: agreement.group,
    groupName: agreement.groupName,
    signatureScheme: scheme,
    signatureSchemeName: scheme ? schemeName(scheme) : 'none',
    alpnProtocol: n.alpnProtocol,
    serverName: config.sni,
    peerCertificates: server.peerCertificates
      .map((der, i) => (i === 0 ? certificate.leaf : safeParse(ctx, der)))
      .filter((c) => c !== undefined),
    verifiedChain: certificate.chain,
    authorized: certificate.authorized,
    authorizationError: certificate.error,
    helloRetryRequest: false,
    extendedMasterSecret: n.extendedMasterSecret,
    encryptThenMac: n.encryptThenMac,
    ...(server.ocsp ? { ocsp: server.ocsp } : {}),
  };
  ctx.complete(info);
  return {
    version: 'tls12',
    kind: 'Traffic',
    verified: { certificate: certificate.proof, serverKey: agreement.proof, finished },
    refusedRenegotiations: 0,
  };
};

function safeParse(ctx: HandshakeContext, der: Uint8Array): ParsedCertificate | undefined {
  try {
    return ctx.provider.parseCertificate(der);
  } catch {
    return undefined;
  }
}

/**
 * RFC 5246 §7.4.1.1: we do not renegotiate, so a HelloRequest gets a no_renegotiation warning
 * and the connection goes on (RFC 5746 §4.2). Nothing else may come after the handshake: we
 * asked for no session ticket.
 */
const onTraffic: Handler<StateOf<'Traffic'>> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'hello_request') throw unexpectedMessage(`unexpected post-handshake message ${messageName(msg.type)}`);
  if (state.refusedRenegotiations >= MAX_REFUSED_RENEGOTIATIONS) throw unexpectedMessage('too many HelloRequests');
  ctx.describe('refused: no_renegotiation');
  ctx.sendWarningAlert(AlertDescription.no_renegotiation);
  return { ...state, refusedRenegotiations: state.refusedRenegotiations + 1 };
};

const handlers: { [K in Tls12ClientState['kind']]: Handler<StateOf<K>> } = {
  ExpectCertificate: onCertificate,
  ExpectCertificateStatus: onCertificateStatus,
  ExpectServerKeyExchange: onServerKeyExchange,
  ExpectCertificateRequestOrServerHelloDone: onCertificateRequestOrServerHelloDone,
  ExpectServerHelloDone: onServerHelloDone,
  ExpectChangeCipherSpec: onChangeCipherSpec,
  ExpectFinished: onFinished,
  Traffic: onTraffic,
};

export function handleTls12ClientMessage(
  state: Tls12ClientState,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientState {
  if (msg.type === 'hello_request' && state.kind !== 'Traffic') {
    // RFC 5246 §7.4.1.1: ignored while negotiating, and not part of the transcript.
    ctx.describe('ignored: we are negotiating');
    return state;
  }
  const handler = handlers[state.kind] as Handler<Tls12ClientState>;
  return handler(state, msg, raw, ctx, config);
}
