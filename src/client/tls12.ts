/*
 * The TLS 1.2 client, RFC 5246 §7.3. The full handshake:
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
 *                                                 NewSessionTicket*      (RFC 5077 §3.3)
 *                                                 [ChangeCipherSpec]
 *                                  <--------      Finished
 *   Application Data               <------->      Application Data
 *
 * and the abbreviated one, when the ServerHello echoes the session ID we offered to resume
 * (RFC 5246 §7.3 Figure 2; by ticket, RFC 5077 §3.1):
 *
 *   ClientHello                    -------->
 *                                                 ServerHello
 *                                                 NewSessionTicket*      (RFC 5077 §3.3)
 *                                                 [ChangeCipherSpec]
 *                                  <--------      Finished
 *   [ChangeCipherSpec]
 *   Finished                       -------->
 *   Application Data               <------->      Application Data
 *
 * tls13.ts reads the ServerHello and hands over here (startTls12) once it is a TLS 1.2 one. Each
 * state is named for the message it expects; the last three serve both handshakes, which differ
 * in `peer`. The peer's ChangeCipherSpec arrives as the input CHANGE_CIPHER_SPEC; it is not a
 * handshake message and is not hashed. NewSessionTicket comes only when the ServerHello
 * acknowledged session_ticket, and then always (an empty ticket when the server changed its mind).
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
import { type Tls12KeyBlock, keyBlock } from '../tls12/keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret, tls12Exporter } from '../tls12/prf.js';
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
import type { CertificateRequest12, HandshakeKind, MessageOf, NewSessionTicket12, ServerHello12 } from '../wire/types.js';
import type { ResolvedClientConfig } from './config.js';
import { acceptServerExtensions, offersEcPointFormats, offersEncryptThenMac, unsolicited } from './hello.js';
import { type ClientSession, type SessionOffer, encodeClientSession, normalizeServerName, offersSessionTicket } from './sessions.js';
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
  /** RFC 5077 §3.2: the server answered session_ticket, so a NewSessionTicket comes before its CCS. */
  ticketAcknowledged: boolean;
  /** The ServerHello's session_id: the ID of the session this handshake makes (or resumes). */
  sessionId: Uint8Array;
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
  block: Tls12KeyBlock;
}

/**
 * Who the server is. A full handshake proves it here: the certificate, and the key exchange
 * signed with (or encrypted to) its key. An abbreviated one relies on the session it resumed,
 * whose original handshake proved it; the server's Finished under that session's master secret
 * shows it holds the same session.
 */
type Peer =
  | { readonly kind: 'full'; server: ServerCertificate; agreement: Omit<KeyAgreement, 'premaster' | 'clientKeyExchange'> }
  | { readonly kind: 'resumed'; session: ClientSession };

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
  | { readonly version: 'tls12'; kind: 'ExpectNewSessionTicket'; n: Negotiated; peer: Peer; keys: Keys }
  | {
      readonly version: 'tls12';
      kind: 'ExpectChangeCipherSpec';
      n: Negotiated;
      peer: Peer;
      keys: Keys;
      ticket: NewSessionTicket12 | undefined;
    }
  | {
      readonly version: 'tls12';
      kind: 'ExpectFinished';
      n: Negotiated;
      peer: Peer;
      keys: Keys;
      ticket: NewSessionTicket12 | undefined;
    }
  | {
      readonly version: 'tls12';
      kind: 'Traffic';
      /**
       * DESIGN §3.5: the server's certificate, its key, and its Finished were all verified; or,
       * resuming, its Finished under the master secret of a session whose handshake verified them.
       */
      verified:
        | { kind: 'full'; certificate: CertificateVerified; serverKey: ServerKeyProof; finished: FinishedVerified }
        | { kind: 'resumed'; session: ClientSession; finished: FinishedVerified };
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

/**
 * The ServerHello (RFC 5246 §7.4.1.3), once tls13.ts has settled TLS 1.2. `transcript` holds our
 * ClientHello, not yet hashed (the PRF hash comes with the suite).
 */
export function startTls12(
  sh: ServerHello12,
  raw: Uint8Array,
  hello: { random: Uint8Array; sessionId: Uint8Array; resumption: SessionOffer | undefined; clientHello: Uint8Array },
  transcript: Transcript,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): Tls12ClientState {
  const suite = tls12Suite(sh.cipher_suite);
  if (!suite || !config.cipherSuites.includes(sh.cipher_suite)) {
    throw illegalParameter('server selected an unoffered cipher suite');
  }
  if (sh.compression_method !== 0) throw illegalParameter('server selected compression');
  // RFC 5246 §7.4.1.3: echoing our session_id resumes that session. Without a session offered our
  // ID is a TLS 1.3 compatibility one (RFC 8446 §D.4), random, and there is nothing to resume.
  const resumes = hello.sessionId.length > 0 && bytesEqual(sh.session_id, hello.sessionId);
  if (resumes && !hello.resumption) throw illegalParameter('server resumed a session we did not offer');

  // RFC 5246 §7.4.1.4: only extensions the ClientHello offered, else unsupported_extension.
  const x = sh.extensions;
  const alpnProtocol = acceptServerExtensions(x, ctx, config);
  if (x.status_request && !config.requestOCSP) throw unsolicited('status_request');
  if (x.session_ticket && !offersSessionTicket(config)) throw unsolicited('session_ticket');
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
  const extendedMasterSecret = x.extended_master_secret === true;
  // RFC 7366 §3: encrypt_then_mac changes nothing for AEAD suites.
  const encryptThenMac = x.encrypt_then_mac === true && suite.cipher.kind === 'cbc';

  transcript.start(suite.prfHash);
  transcript.add(raw);
  ctx.describe(
    () =>
      `TLS 1.2 ${cipherSuiteName(suite.id)}${extendedMasterSecret ? ' ems' : ' no-ems'}` +
      `${encryptThenMac ? ' etm' : ''}${alpnProtocol ? ` alpn=${alpnProtocol}` : ''}` +
      `${x.session_ticket ? ' ticket' : ''}${resumes ? ' resumed' : ''}`,
  );
  const n: Negotiated = {
    suite,
    clientRandom: hello.random,
    serverRandom: sh.random,
    transcript,
    messages: config.certificate && !resumes ? [hello.clientHello, raw] : undefined,
    extendedMasterSecret,
    encryptThenMac,
    alpnProtocol,
    statusAcknowledged: x.status_request === true,
    ticketAcknowledged: x.session_ticket === true,
    sessionId: sh.session_id,
  };
  if (resumes) return resume(n, hello.resumption!.session, ctx);
  return { version: 'tls12', kind: 'ExpectCertificate', n };
}

/**
 * The abbreviated handshake: the session's master secret with the new randoms (RFC 5246 §6.3,
 * §8.1); no certificate or key exchange follows.
 */
function resume(n: Negotiated, session: ClientSession, ctx: HandshakeContext): Tls12ClientState {
  // RFC 5246 §7.4.1.3: a resumed session keeps its cipher suite.
  if (n.suite.id !== session.cipherSuite) throw illegalParameter('server resumed the session with another cipher suite');
  // RFC 7627 §5.3: a session made with extended master secret must be resumed with it.
  if (!n.extendedMasterSecret) throw handshakeFailure('server resumed an extended-master-secret session without the extension');
  const master = session.masterSecret;
  ctx.keylog('CLIENT_RANDOM', n.clientRandom, master);
  ctx.setExporter(tls12Exporter(ctx.provider, n.suite.prfHash, master, n.clientRandom, n.serverRandom));
  const keys: Keys = { masterSecret: master, block: keyBlock(ctx.provider, n.suite, master, n.clientRandom, n.serverRandom) };
  const peer: Peer = { kind: 'resumed', session };
  if (n.ticketAcknowledged) return { version: 'tls12', kind: 'ExpectNewSessionTicket', n, peer, keys };
  return { version: 'tls12', kind: 'ExpectChangeCipherSpec', n, peer, keys, ticket: undefined };
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
  const check = ctx.timed('certificate-validation', () =>
    checkStapledOcsp({
      staple,
      leaf: certificate.leaf,
      path: certificate.chain,
      received: peerCertificates,
      time: ctx.provider.now(),
      provider: ctx.provider,
    }),
  );
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
  const certificate = ctx.timed('certificate-validation', () =>
    verifyPeerCertificate(
      ctx.provider,
      verifier,
      { chain, hostname: config.serverName, purpose: 'server', time: ctx.provider.now() },
      config.rejectUnauthorized,
    ),
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
  const { premaster, encrypted } = ctx.timed('key-exchange', () =>
    rsaClientKeyExchange(ctx.provider, server.certificate.leaf.publicKey, ProtocolVersion.TLS1_2),
  );
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
    const share = ctx.timed('key-exchange', () => ctx.provider.generateKeyShare(group));
    if (!share) throw illegalParameter(`cannot generate a share for ${groupName(group)}`);
    agreement = {
      premaster: ctx.timed('key-exchange', () => ecdhePremaster(share, params.point)),
      clientKeyExchange: encodeEcdheClientKeyExchange(share.publicKey),
      group,
      groupName: groupInfo(group)?.name ?? groupName(group),
      proof,
    };
  } else {
    const { params, raw_params, signed_params } = decodeDheServerKeyExchange(ske.body);
    const proof = verifyParams(n, leaf, signed_params, raw_params, config);
    // The policy (RFC 7919 groups, else a prime of 2048..4096 bits that tests prime) is clientDhe's.
    const dhe = ctx.timed('key-exchange', () => clientDhe(ctx.provider, { p: params.dh_p, g: params.dh_g, Ys: params.dh_Ys }));
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
  ctx.setExporter(tls12Exporter(ctx.provider, n.suite.prfHash, master, n.clientRandom, n.serverRandom));
  const block = keyBlock(provider, n.suite, master, n.clientRandom, n.serverRandom);
  ctx.changeWriteCipherSpec(tls12Protection(n.suite, block.client, n.encryptThenMac));
  const verifyData = finishedVerifyData(provider, prfHash, master, 'client', n.transcript.current());
  record(n, ctx.send({ type: 'finished', verify_data: verifyData }));
  const { group, groupName: name, proof } = agreement;
  const peer: Peer = { kind: 'full', server: state.server, agreement: { group, groupName: name, proof } };
  const keys: Keys = { masterSecret: master, block };
  if (n.ticketAcknowledged) return { version: 'tls12', kind: 'ExpectNewSessionTicket', n, peer, keys };
  return { version: 'tls12', kind: 'ExpectChangeCipherSpec', n, peer, keys, ticket: undefined };
};

/**
 * RFC 5077 §3.3: after the server acknowledged session_ticket, its NewSessionTicket comes right
 * before its ChangeCipherSpec, in both handshakes, and is part of the Finished transcript. An
 * empty ticket: the server issues none after all (a session ID may still resume).
 */
const onNewSessionTicket: Handler<StateOf<'ExpectNewSessionTicket'>> = (state, msg, raw, ctx) => {
  const ticket = expect12(msg, 'new_session_ticket_tls12', state.kind);
  ctx.describe(() => (ticket.ticket.length ? `${ticket.ticket.length}-byte ticket, lifetime ${ticket.ticket_lifetime_hint} s` : 'empty: no ticket'));
  record(state.n, raw);
  return { ...state, kind: 'ExpectChangeCipherSpec', ticket };
};

/** RFC 5246 §7.1: the server switches to the new keys; its Finished must come after (§7.4.9). */
const onChangeCipherSpec: Handler<StateOf<'ExpectChangeCipherSpec'>> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'change_cipher_spec') {
    throw unexpectedMessage(`received ${messageName(msg.type)} before the server's ChangeCipherSpec`);
  }
  const { n } = state;
  ctx.changeReadCipherSpec(tls12Protection(n.suite, state.keys.block.server, n.encryptThenMac));
  return { ...state, kind: 'ExpectFinished' };
};

/**
 * RFC 5246 §7.4.9: the server's Finished over the transcript so far. It ends a full handshake;
 * resuming, our ChangeCipherSpec and Finished (over the transcript with the server's Finished)
 * follow it (RFC 5246 §7.3).
 */
const onFinished: Handler<StateOf<'ExpectFinished'>> = (state, msg, raw, ctx, config) => {
  const fin = expect12(msg, 'finished', state.kind);
  const { n, peer, keys } = state;
  const { provider } = ctx;
  const prfHash = n.suite.prfHash;
  const finished = verifyFinished12(provider, prfHash, keys.masterSecret, 'server', n.transcript.current(), fin);
  const fresh = state.ticket?.ticket.length ? state.ticket : undefined;

  if (peer.kind === 'resumed') {
    record(n, raw);
    ctx.changeWriteCipherSpec(tls12Protection(n.suite, keys.block.client, n.encryptThenMac));
    const verifyData = finishedVerifyData(provider, prfHash, keys.masterSecret, 'client', n.transcript.current());
    ctx.send({ type: 'finished', verify_data: verifyData });
    const { session } = peer;
    ctx.complete(resumedInfo(n, session, ctx, config));
    // RFC 5077 §3.4: a new ticket replaces the one we resumed with; the session stays the same.
    if (fresh) {
      const renewed: ClientSession = { ...session, ticket: fresh.ticket, ticketLifetimeHint: fresh.ticket_lifetime_hint, createdAt: provider.now() };
      ctx.emit({ type: 'session', session: encodeClientSession(renewed) });
    }
    return { version: 'tls12', kind: 'Traffic', verified: { kind: 'resumed', session, finished }, refusedRenegotiations: 0 };
  }

  const { server, agreement } = peer;
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
    resumed: false,
    extendedMasterSecret: n.extendedMasterSecret,
    encryptThenMac: n.encryptThenMac,
    ...(server.ocsp ? { ocsp: server.ocsp } : {}),
  };
  ctx.complete(info);
  const session = newSession(n, server, keys.masterSecret, fresh, ctx, config);
  if (session) ctx.emit({ type: 'session', session: encodeClientSession(session) });
  return {
    version: 'tls12',
    kind: 'Traffic',
    verified: { kind: 'full', certificate: certificate.proof, serverKey: agreement.proof, finished },
    refusedRenegotiations: 0,
  };
};

/**
 * The session a full handshake made, to resume by its ID or ticket; none without extended master
 * secret (RFC 7627 §5.3: such a session must not be resumed), nor without an ID or a ticket.
 */
function newSession(
  n: Negotiated,
  server: ServerCertificate,
  masterSecret: Uint8Array,
  ticket: NewSessionTicket12 | undefined,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientSession | undefined {
  if (!n.extendedMasterSecret || (!ticket && !n.sessionId.length)) return undefined;
  const { certificate } = server;
  const error = certificate.error;
  return {
    version: ProtocolVersion.TLS1_2,
    cipherSuite: n.suite.id,
    masterSecret,
    extendedMasterSecret: true,
    sessionId: n.sessionId,
    ticket: ticket?.ticket,
    ticketLifetimeHint: ticket?.ticket_lifetime_hint ?? 0,
    createdAt: ctx.provider.now(),
    serverName: normalizeServerName(config.serverName),
    sni: config.sni,
    alpnProtocol: n.alpnProtocol,
    peerCertificates: server.peerCertificates,
    verifiedChain: certificate.chain.map((c) => c.der),
    authorized: certificate.authorized,
    authorizationError: certificate.authorized
      ? undefined
      : {
          alert: error?.alert ?? AlertDescription.bad_certificate,
          code: error?.code ?? 'ERR_TLS_BAD_CERTIFICATE',
          message: error?.message ?? 'server certificate not authorized',
        },
    ocsp: server.ocsp,
    leafNotAfter: certificate.leaf.notAfter,
  };
}

/** A resumed connection reports the peer identity its session was made with. */
function resumedInfo(n: Negotiated, session: ClientSession, ctx: HandshakeContext, config: ResolvedClientConfig): HandshakeInfo {
  const parse = (list: Uint8Array[]) => list.map((der) => safeParse(ctx, der)).filter((c) => c !== undefined);
  const error = session.authorizationError;
  return {
    version: 'TLSv1.2',
    cipherSuite: n.suite.id,
    cipherSuiteName: n.suite.name,
    // No key exchange and no server signature in an abbreviated handshake.
    group: 0,
    groupName: 'none',
    signatureScheme: 0,
    signatureSchemeName: 'none',
    alpnProtocol: n.alpnProtocol,
    serverName: config.sni,
    peerCertificates: parse(session.peerCertificates),
    verifiedChain: parse(session.verifiedChain),
    authorized: session.authorized,
    authorizationError: error ? new TLSError(error.alert, error.message, { code: error.code }) : undefined,
    helloRetryRequest: false,
    resumed: true,
    extendedMasterSecret: true,
    encryptThenMac: n.encryptThenMac,
    ...(session.ocsp ? { ocsp: session.ocsp } : {}),
  };
}

function safeParse(ctx: HandshakeContext, der: Uint8Array): ParsedCertificate | undefined {
  try {
    return ctx.provider.parseCertificate(der);
  } catch {
    return undefined;
  }
}

/**
 * RFC 5246 §7.4.1.1: we do not renegotiate, so a HelloRequest gets a no_renegotiation warning
 * and the connection goes on (RFC 5746 §4.2). Nothing else may come after the handshake (a
 * NewSessionTicket belongs before the server's Finished, RFC 5077 §3.3).
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
  ExpectNewSessionTicket: onNewSessionTicket,
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
