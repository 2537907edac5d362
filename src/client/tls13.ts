/*
 * The TLS 1.3 client, RFC 8446 §2 (full handshake, with the optional HelloRetryRequest):
 *
 *   ClientHello + key_share            -------->
 *                                      <--------  HelloRetryRequest + key_share   (optional)
 *   [ChangeCipherSpec] ClientHello     -------->
 *                                                 ServerHello + key_share
 *                                                 [ChangeCipherSpec]
 *                                                 {EncryptedExtensions}
 *                                                 {CertificateRequest*}
 *                                                 {Certificate}
 *                                                 {CertificateVerify}
 *                                      <--------  {Finished}
 *   [ChangeCipherSpec]
 *   {Certificate*} {CertificateVerify*}
 *   {Finished}                         -------->
 *   [Application Data]                 <------->  [Application Data]
 *
 * Resumption (RFC 8446 §2.2): the ClientHello carries pre_shared_key (last) for a stored ticket;
 * a ServerHello that selects it starts the key schedule from the PSK, and {Finished} follows
 * {EncryptedExtensions} directly (ExpectPskFinished). Tickets after the handshake are
 * handshake/traffic.ts's.
 *
 * 0-RTT (RFC 8446 §2.3): with `earlyData` and a ticket that allows it, the application data
 * follows the ClientHello under the early keys; EncryptedExtensions says whether the server read
 * it. If it did, EndOfEarlyData closes it before our Finished; if not, it goes again afterwards.
 *
 *   ClientHello + early_data + key_share + pre_shared_key
 *   [ChangeCipherSpec] (Application Data*)   -------->
 *                                                 ServerHello + pre_shared_key + key_share
 *                                                 {EncryptedExtensions + early_data}
 *                                      <--------  {Finished}
 *   (EndOfEarlyData) {Finished}        -------->
 *
 * Post-handshake authentication (RFC 8446 §4.6.2), when we offered post_handshake_auth: a
 * CertificateRequest in Traffic is answered with Certificate, CertificateVerify (if we have a
 * certificate) and Finished, over the handshake's transcript plus these messages.
 *
 * Each state is named for the message it expects and carries exactly what later states need.
 * A ServerHello without supported_versions, when we offered TLS 1.2 too, hands the handshake to
 * tls12.ts (after the RFC 8446 §4.1.3 downgrade check).
 */
import { bytesEqual, concatBytes } from '../bytes.js';
import type { KeyShare } from '../crypto/provider.js';
import { groupInfo } from '../crypto/groups.js';
import { schemeFitsKey, schemeInfo } from '../crypto/schemes.js';
import { type Tls13Suite, tls13Suite } from '../crypto/suites.js';
import { TLSError, illegalParameter, unexpectedMessage } from '../errors.js';
import type { HandshakeInfo } from '../events.js';
import type { HandshakeContext } from '../handshake/context.js';
import { expect } from '../handshake/expect.js';
import { certificateVerifyContent } from '../handshake/signed-content.js';
import { type TrafficState, handleTraffic } from '../handshake/traffic.js';
import { Transcript } from '../handshake/transcript.js';
import {
  type CertificateOutcome,
  verifyCertificateVerify,
  verifyFinished,
  verifyPeerCertificate,
} from '../handshake/verify.js';
import type { CertificateVerified, SignatureVerified } from '../handshake/verified.js';
import { MAX_CERTIFICATE_CHAIN, MAX_KEY_UPDATES } from '../limits.js';
import { type OcspResult, checkStapledOcsp } from '../pki/ocsp.js';
import { EarlySecret, exportKeyingMaterial, type HandshakeSecret, finishedVerifyData } from '../tls13/key-schedule.js';
import { encodeHandshake, encodeMessageHash } from '../wire/handshake.js';
import { truncatedClientHello } from '../wire/extensions.js';
import {
  AlertDescription,
  ProtocolVersion,
  cipherSuiteName,
  groupName,
  schemeName,
} from '../wire/codes.js';
import type {
  CertificateRequest,
  ClientHello,
  HandshakeMessage,
  HelloRetryRequest,
  ServerHello,
  ServerHello12,
} from '../wire/types.js';
import type { ResolvedClientConfig } from './config.js';
import type { ClientState } from './state.js';
import {
  type HelloParameters,
  acceptServerExtensions,
  buildClientHello,
  clientHelloEncoding,
  offersTls12,
  offersTls13,
  unsolicited,
} from './hello.js';
import {
  type ClientSession13,
  type Session13Offer,
  type SessionOffer,
  type SessionTemplate13,
  normalizeServerName,
  obfuscatedTicketAge,
  session13ToOffer,
  sessionToOffer,
} from './sessions.js';
import { startTls12 } from './tls12.js';

/** Everything fixed by the ServerHello. */
interface Negotiated {
  suite: Tls13Suite;
  group: number;
  transcript: Transcript;
  handshakeSecret: HandshakeSecret;
  clientHandshakeSecret: Uint8Array;
  serverHandshakeSecret: Uint8Array;
  clientRandom: Uint8Array;
  helloRetryRequest: boolean;
  /** Whether our middlebox-compatibility CCS already went out (it is sent once). */
  sentChangeCipherSpec: boolean;
  /** RFC 8446 §2.2: the server accepted our ticket; no Certificate or CertificateVerify follows. */
  resumed: ClientSession13 | undefined;
  /**
   * Our 0-RTT data, if we sent any: 'pending' until EncryptedExtensions says (our writes stay
   * under the early keys meanwhile), then 'accepted' or 'rejected'.
   */
  early: 'pending' | 'accepted' | 'rejected' | undefined;
}

interface ServerParameters {
  alpnProtocol: string | false;
}

/**
 * How the server proved who it is before Traffic: its certificate and CertificateVerify, or
 * (RFC 8446 §2.2) the session whose PSK its Finished proves it holds. With the Finished
 * (TrafficState.finished) this is what reaching Traffic requires.
 */
export type ServerIdentity13 =
  | { kind: 'certificate'; certificate: CertificateVerified; signature: SignatureVerified }
  | { kind: 'resumed'; session: ClientSession13 };

export type ClientTrafficState = TrafficState & {
  server: ServerIdentity13;
  /** RFC 8446 §4.6.2: the transcript through our Finished, when we offered post_handshake_auth. */
  postHandshake?: Transcript;
};

export type Tls13ClientState =
  | {
      kind: 'ExpectServerHello';
      hello: HelloParameters;
      transcript: Transcript;
      /** Set after a HelloRetryRequest: the ServerHello must agree with it. */
      retry: { cipherSuite: number } | undefined;
      sentChangeCipherSpec: boolean;
      /**
       * The first ClientHello as sent, for a TLS 1.2 handshake (its client CertificateVerify
       * signs the messages themselves, RFC 5246 §7.4.8); undefined when TLS 1.2 is not offered.
       */
      clientHello: Uint8Array | undefined;
      /** The ClientHello as sent: a retry's PSK binder covers message_hash(it) (RFC 8446 §4.2.11.2). */
      sent: Uint8Array;
      /** 0-RTT data followed the first ClientHello. */
      earlyData: boolean;
    }
  | { kind: 'ExpectEncryptedExtensions'; n: Negotiated }
  | { kind: 'ExpectCertificateOrCertificateRequest'; n: Negotiated; server: ServerParameters }
  | { kind: 'ExpectPskFinished'; n: Negotiated; server: ServerParameters; session: ClientSession13 }
  | { kind: 'ExpectCertificate'; n: Negotiated; server: ServerParameters; request: CertificateRequest }
  | {
      kind: 'ExpectCertificateVerify';
      n: Negotiated;
      server: ServerParameters;
      request: CertificateRequest | undefined;
      certificate: CertificateOutcome;
      peerCertificates: Uint8Array[];
      ocsp: OcspResult | undefined;
    }
  | {
      kind: 'ExpectFinished';
      n: Negotiated;
      server: ServerParameters;
      request: CertificateRequest | undefined;
      certificate: CertificateOutcome;
      peerCertificates: Uint8Array[];
      ocsp: OcspResult | undefined;
      signature: SignatureVerified;
      signatureScheme: number;
    }
  | ClientTrafficState;

type Handler<S extends Tls13ClientState> = (
  state: S,
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
) => ClientState;

/** Sends the first ClientHello. */
export function startClient(ctx: HandshakeContext, config: ResolvedClientConfig): Tls13ClientState {
  const tls13 = offersTls13(config);
  // A TLS 1.2-only ClientHello carries no key_share (RFC 8446 §4.2.1).
  const shares = tls13
    ? ctx.timed('key-exchange', () =>
        config.keyShareGroups.map((g) => {
          const share = ctx.provider.generateKeyShare(g);
          if (!share) throw new Error(`unsupported key share group ${groupName(g)}`);
          return share;
        }),
      )
    : [];
  const resumption = sessionToOffer(config, ctx.provider);
  const psk13 = tls13 ? session13ToOffer(config, ctx.provider) : undefined;
  const earlyData = psk13 !== undefined && offersEarlyData(psk13, config);
  const hello: HelloParameters = {
    random: ctx.provider.randomBytes(32),
    // RFC 5077 §3.4: a ticket goes with a fresh session ID, which the server echoes if it resumes.
    // RFC 8446 §4.1.2: a TLS 1.2 session's ID is sent even when TLS 1.3 is offered too. Else RFC
    // 8446 §D.4's compatibility mode is TLS 1.3's; to a TLS 1.2-only client a session ID would
    // mean resumption.
    sessionId: resumption
      ? resumption.byTicket
        ? ctx.provider.randomBytes(32)
        : resumption.session.sessionId
      : config.middleboxCompat && tls13
        ? ctx.provider.randomBytes(32)
        : new Uint8Array(0),
    shares,
    ...(resumption ? { resumption } : {}),
    ...(psk13 ? { psk: { offer: psk13, obfuscatedTicketAge: obfuscatedTicketAge(psk13.session, ctx.provider.now()) } } : {}),
    ...(earlyData ? { earlyData } : {}),
  };
  const transcript = new Transcript(ctx.provider);
  const ch = withBinder(buildClientHello(config, hello), hello, [], ctx, config);
  const raw = ctx.send(
    ch,
    () => describeHello(config, shares, resumption) + (psk13 ? ' psk' : '') + (earlyData ? ' early_data' : ''),
    clientHelloEncoding(config),
  );
  transcript.add(raw);
  if (earlyData) sendEarlyData(psk13!, raw, hello.random, ctx, config);
  return {
    kind: 'ExpectServerHello',
    hello,
    transcript,
    retry: undefined,
    sentChangeCipherSpec: earlyData && config.middleboxCompat,
    clientHello: offersTls12(config) ? raw : undefined,
    sent: raw,
    earlyData,
  };
}

/**
 * RFC 8446 §4.2.10: 0-RTT only on a ticket that allows it, with its own cipher suite offered and
 * its ALPN protocol among ours (the server refuses early data under any other).
 */
function offersEarlyData(offer: Session13Offer, config: ResolvedClientConfig): boolean {
  const { session } = offer;
  return (
    config.earlyData.length > 0 &&
    session.maxEarlyData > 0 &&
    config.cipherSuites.includes(session.cipherSuite) &&
    (session.alpnProtocol === false || config.alpnProtocols.includes(session.alpnProtocol))
  );
}

/**
 * RFC 8446 §2.3, §7.1: the early data right after the ClientHello, under
 * client_early_traffic_secret = Derive-Secret(PSK's Early Secret, "c e traffic", ClientHello).
 * RFC 8446 §D.4: the compatibility CCS comes before it (so, before any protected record).
 */
function sendEarlyData(offer: Session13Offer, clientHello: Uint8Array, random: Uint8Array, ctx: HandshakeContext, config: ResolvedClientConfig): void {
  const { provider } = ctx;
  const { session, suite } = offer;
  if (config.middleboxCompat) ctx.sendChangeCipherSpec();
  const secret = new EarlySecret(provider, suite, session.psk).clientEarlyTrafficSecret(provider.hash(suite.hash, clientHello));
  ctx.keylog('CLIENT_EARLY_TRAFFIC_SECRET', random, secret);
  ctx.setWriteKeys(suite, secret, 'early');
  const data = config.earlyData;
  const max = session.maxEarlyData;
  ctx.sendEarlyData(data.length > max ? data.subarray(0, max) : data, data.length > max ? data.subarray(max) : undefined);
}

/**
 * RFC 8446 §4.2.11.2: the binder is the Finished computation with the binder key over the
 * transcript through the truncated ClientHello (after a HelloRetryRequest, `before` holds
 * message_hash and the HelloRetryRequest).
 */
function withBinder(ch: ClientHello, hello: HelloParameters, before: Uint8Array[], ctx: HandshakeContext, config: ResolvedClientConfig): ClientHello {
  const offered = ch.extensions.pre_shared_key;
  if (!hello.psk || !offered) return ch;
  const { suite, session } = hello.psk.offer;
  const truncated = truncatedClientHello(encodeHandshake(ch, clientHelloEncoding(config)), ch);
  const th = ctx.provider.hash(suite.hash, concatBytes([...before, truncated]));
  const binderKey = new EarlySecret(ctx.provider, suite, session.psk).binderKey('res');
  const binder = finishedVerifyData(ctx.provider, suite, binderKey, th);
  return { ...ch, extensions: { ...ch.extensions, pre_shared_key: { identities: offered.identities, binders: [binder] } } };
}


function describeHello(config: ResolvedClientConfig, shares: KeyShare[], resumption: SessionOffer | undefined): string {
  const parts = offersTls13(config) ? [`shares=${shares.map((s) => groupName(s.group)).join(',')}`] : ['TLS 1.2 only'];
  if (resumption) parts.push(`resume=${resumption.byTicket ? 'ticket' : 'session-id'}`);
  if (config.sni) parts.push(`sni=${config.sni}`);
  if (config.alpnProtocols.length) parts.push(`alpn=${config.alpnProtocols.join(',')}`);
  return parts.join(' ');
}

/** Checks shared by ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4). */
function checkServerHelloCommon(
  msg: ServerHello | HelloRetryRequest,
  state: Extract<Tls13ClientState, { kind: 'ExpectServerHello' }>,
  config: ResolvedClientConfig,
): Tls13Suite {
  const version = msg.extensions.supported_versions;
  if (version === undefined) {
    // A server that does not select TLS 1.3, and we did not offer TLS 1.2.
    throw new TLSError(AlertDescription.protocol_version, 'server does not speak TLS 1.3');
  }
  // RFC 8446 §4.2.1: a version we did not offer (TLS 1.3 when we offered only TLS 1.2, too).
  if (version !== ProtocolVersion.TLS1_3 || !offersTls13(config)) throw illegalParameter('server selected a version we did not offer');
  if (msg.legacy_version !== ProtocolVersion.TLS1_2) throw illegalParameter('ServerHello legacy_version is not 0x0303');
  if (!bytesEqual(msg.legacy_session_id_echo, state.hello.sessionId)) {
    throw illegalParameter('server did not echo our legacy_session_id');
  }
  if (msg.legacy_compression_method !== 0) throw illegalParameter('server selected compression');
  const suite = tls13Suite(msg.cipher_suite);
  if (!suite || !config.cipherSuites.includes(msg.cipher_suite)) {
    throw illegalParameter('server selected an unoffered cipher suite');
  }
  if (state.retry && state.retry.cipherSuite !== msg.cipher_suite) {
    throw illegalParameter('ServerHello cipher suite differs from the HelloRetryRequest');
  }
  if (msg.extensions.unknown.length) {
    throw new TLSError(AlertDescription.unsupported_extension, 'server sent an extension we did not offer');
  }
  return suite;
}

/** RFC 8446 §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 (…01) or below (…00). */
const DOWNGRADE_SENTINEL = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44] as const;

function hasDowngradeSentinel(random: Uint8Array): boolean {
  const at = random.length - 8;
  if (!DOWNGRADE_SENTINEL.every((b, i) => random[at + i] === b)) return false;
  const last = random[at + 7];
  return last === 0x01 || last === 0x00;
}

/** A ServerHello without supported_versions: TLS 1.2, if we offered it (RFC 8446 §4.1.3, §4.2.1). */
function onServerHello12(
  state: Extract<Tls13ClientState, { kind: 'ExpectServerHello' }>,
  sh: ServerHello12,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientState {
  // RFC 8446 §4.1.4: a HelloRetryRequest already chose TLS 1.3.
  if (state.retry) throw illegalParameter('TLS 1.2 ServerHello after a HelloRetryRequest');
  if (!offersTls12(config) || !state.clientHello) {
    throw new TLSError(AlertDescription.protocol_version, 'server does not speak TLS 1.3');
  }
  if (sh.server_version !== ProtocolVersion.TLS1_2) {
    throw new TLSError(AlertDescription.protocol_version, `server selected version 0x${sh.server_version.toString(16).padStart(4, '0')}`);
  }
  // RFC 8446 §4.1.3: a TLS 1.3 server that answers in TLS 1.2 marks its random; seeing the mark
  // means someone removed TLS 1.3 from our ClientHello on the way.
  if (offersTls13(config) && hasDowngradeSentinel(sh.random)) {
    throw illegalParameter('TLS 1.2 ServerHello carries the TLS 1.3 downgrade sentinel');
  }
  ctx.settleVersion('TLSv1.2');
  const { random, sessionId, resumption } = state.hello;
  return startTls12(sh, raw, { random, sessionId, resumption, clientHello: state.clientHello }, state.transcript, ctx, config);
}

const onServerHello: Handler<Extract<Tls13ClientState, { kind: 'ExpectServerHello' }>> = (state, msg, raw, ctx, config) => {
  if (msg.type === 'hello_retry_request') return onHelloRetryRequest(state, msg, raw, ctx, config);
  if (msg.type === 'server_hello_tls12') return onServerHello12(state, msg, raw, ctx, config);
  if (msg.type === 'hello_request' && state.clientHello && !state.retry) {
    // RFC 5246 §7.4.1.1: ignored while negotiating, and not part of the transcript.
    ctx.describe('ignored: we are negotiating');
    return state;
  }
  const sh = expect(msg, 'server_hello', state.kind);
  const suite = checkServerHelloCommon(sh, state, config);
  ctx.settleVersion('TLSv1.3');
  const selected = sh.extensions.pre_shared_key;
  const psk = state.hello.psk;
  if (selected !== undefined) {
    if (!psk) throw illegalParameter('server selected a PSK we did not offer');
    // RFC 8446 §4.2.11: the identity must be one we offered (we offer one), the suite's hash the PSK's.
    if (selected !== 0) throw illegalParameter('server selected a PSK identity we did not offer');
    if (suite.hash !== psk.offer.suite.hash) throw illegalParameter('server selected a cipher suite whose hash is not the PSK\'s');
  }
  const resumed = selected !== undefined && psk ? psk.offer.session : undefined;
  const serverShare = sh.extensions.key_share;
  if (!serverShare) throw new TLSError(AlertDescription.missing_extension, 'ServerHello has no key_share');
  const share = state.hello.shares.find((s) => s.group === serverShare.group);
  if (!share) throw illegalParameter('server key_share is for a group we sent no share for');

  const { transcript } = state;
  transcript.start(suite.hash);
  transcript.add(raw);
  const shared = ctx.timed('key-exchange', () => share.agree(serverShare.key_exchange));
  // RFC 8446 §7.1: a resumption starts the key schedule from the PSK.
  const handshakeSecret = new EarlySecret(ctx.provider, suite, resumed?.psk).handshakeSecret(shared);
  const th = transcript.current();
  const clientHandshakeSecret = handshakeSecret.clientHandshakeTrafficSecret(th);
  const serverHandshakeSecret = handshakeSecret.serverHandshakeTrafficSecret(th);
  ctx.describe(() => `${cipherSuiteName(suite.id)} ${groupName(share.group)}${resumed ? ' psk' : ''}`);
  ctx.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', state.hello.random, clientHandshakeSecret);
  ctx.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', state.hello.random, serverHandshakeSecret);
  ctx.setReadKeys(suite, serverHandshakeSecret, 'handshake');
  // RFC 8446 §4.2.10: only a server that took our PSK without a retry can have read our 0-RTT
  // data; until its EncryptedExtensions says, we stay on the early keys (EndOfEarlyData needs them).
  const early = !state.earlyData ? undefined : resumed && !state.retry ? 'pending' : 'rejected';
  if (early !== 'pending') ctx.setWriteKeys(suite, clientHandshakeSecret, 'handshake');
  return {
    kind: 'ExpectEncryptedExtensions',
    n: {
      suite,
      group: share.group,
      transcript,
      handshakeSecret,
      clientHandshakeSecret,
      serverHandshakeSecret,
      clientRandom: state.hello.random,
      helloRetryRequest: state.retry !== undefined,
      sentChangeCipherSpec: state.sentChangeCipherSpec,
      resumed,
      early,
    },
  };
};

/** RFC 8446 §4.1.4. */
function onHelloRetryRequest(
  state: Extract<Tls13ClientState, { kind: 'ExpectServerHello' }>,
  hrr: HelloRetryRequest,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): Tls13ClientState {
  if (state.retry) throw unexpectedMessage('a second HelloRetryRequest');
  const suite = checkServerHelloCommon(hrr, state, config);
  // RFC 8446 §4.1.4: a HelloRetryRequest settles TLS 1.3; the ServerHello must follow suit.
  ctx.settleVersion('TLSv1.3');
  const selected = hrr.extensions.key_share;
  const cookie = hrr.extensions.cookie;
  if (selected === undefined && cookie === undefined) {
    throw illegalParameter('HelloRetryRequest would not change the ClientHello');
  }
  let shares = state.hello.shares;
  if (selected !== undefined) {
    if (!config.groups.includes(selected) || !ctx.provider.supportsGroup(selected)) {
      throw illegalParameter('HelloRetryRequest selected a group we did not offer');
    }
    if (shares.some((s) => s.group === selected)) {
      throw illegalParameter('HelloRetryRequest selected a group we already sent a share for');
    }
    shares = [ctx.timed('key-exchange', () => ctx.provider.generateKeyShare(selected)!)];
  }
  ctx.describe(() => `${cipherSuiteName(suite.id)}${selected !== undefined ? ` group=${groupName(selected)}` : ''}${cookie ? ' cookie' : ''}`);

  const { transcript } = state;
  transcript.start(suite.hash);
  transcript.replaceWithMessageHash();
  transcript.add(raw);

  // RFC 8446 §D.4: the compatibility CCS goes immediately before the second flight (unless it
  // already preceded our early data).
  if (config.middleboxCompat && !state.sentChangeCipherSpec) ctx.sendChangeCipherSpec();
  // RFC 8446 §4.1.2: the second ClientHello goes in plaintext, without early_data; our 0-RTT data is lost.
  if (state.earlyData) ctx.clearWriteKeys();
  // RFC 8446 §4.1.2: the retry updates the PSK's age and binder, and drops a PSK whose hash
  // the indicated suite does not use.
  const { psk: offered, earlyData: _early, ...kept } = state.hello;
  const psk =
    offered && offered.offer.suite.hash === suite.hash
      ? { offer: offered.offer, obfuscatedTicketAge: obfuscatedTicketAge(offered.offer.session, ctx.provider.now()) }
      : undefined;
  const hello: HelloParameters = { ...kept, shares, ...(cookie ? { cookie } : {}), ...(psk ? { psk } : {}) };
  const before = [encodeMessageHash(ctx.provider.hash(suite.hash, state.sent)), raw];
  const sent = ctx.send(
    withBinder(buildClientHello(config, hello), hello, before, ctx, config),
    `retry shares=${shares.map((s) => groupName(s.group)).join(',')}${psk ? ' psk' : ''}`,
    clientHelloEncoding(config),
  );
  transcript.add(sent);
  return {
    kind: 'ExpectServerHello',
    hello,
    transcript,
    retry: { cipherSuite: hrr.cipher_suite },
    sentChangeCipherSpec: config.middleboxCompat,
    clientHello: undefined,
    sent,
    earlyData: state.earlyData,
  };
}

const onEncryptedExtensions: Handler<Extract<Tls13ClientState, { kind: 'ExpectEncryptedExtensions' }>> = (
  state,
  msg,
  raw,
  ctx,
  config,
) => {
  const ee = expect(msg, 'encrypted_extensions', state.kind);
  const x = ee.extensions;
  const { n } = state;
  if (x.early_data && n.early !== 'pending') throw unsolicited('early_data');
  const alpnProtocol = acceptServerExtensions(x, ctx, config);
  if (n.early === 'pending') {
    if (x.early_data) {
      // RFC 8446 §4.2.10: early data is accepted only under the ticket's own suite and protocol.
      if (n.suite.id !== n.resumed!.cipherSuite) throw illegalParameter('server accepted early data under another cipher suite');
      if (alpnProtocol !== n.resumed!.alpnProtocol) throw illegalParameter('server accepted early data under another ALPN protocol');
      n.early = 'accepted';
    } else {
      n.early = 'rejected';
      ctx.setWriteKeys(n.suite, n.clientHandshakeSecret, 'handshake');
    }
  }
  if (alpnProtocol || n.early) {
    ctx.describe(() => [alpnProtocol && `alpn=${alpnProtocol}`, n.early && `early data ${n.early}`].filter(Boolean).join(' '));
  }
  state.n.transcript.add(raw);
  if (state.n.resumed) return { kind: 'ExpectPskFinished', n: state.n, server: { alpnProtocol }, session: state.n.resumed };
  return { kind: 'ExpectCertificateOrCertificateRequest', n: state.n, server: { alpnProtocol } };
};

const onCertificateOrRequest: Handler<Extract<Tls13ClientState, { kind: 'ExpectCertificateOrCertificateRequest' }>> = (
  state,
  msg,
  raw,
  ctx,
  config,
) => {
  if (msg.type === 'certificate_request') {
    // RFC 8446 §4.3.2: empty context during the handshake; signature_algorithms is required.
    if (msg.certificate_request_context.length !== 0) throw illegalParameter('CertificateRequest context must be empty');
    if (!msg.extensions.signature_algorithms) {
      throw new TLSError(AlertDescription.missing_extension, 'CertificateRequest without signature_algorithms');
    }
    ctx.describe(config.certificate ? 'we will send our certificate' : 'we have no certificate: empty reply');
    state.n.transcript.add(raw);
    return { kind: 'ExpectCertificate', n: state.n, server: state.server, request: msg };
  }
  return onCertificate({ ...state, kind: 'ExpectCertificate', request: undefined }, msg, raw, ctx, config);
};

function onCertificate(
  state: { n: Negotiated; server: ServerParameters; request: CertificateRequest | undefined; kind: 'ExpectCertificate' },
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): Tls13ClientState {
  const cert = expect(msg, 'certificate', state.kind);
  if (cert.certificate_request_context.length !== 0) throw illegalParameter('server Certificate context must be empty');
  if (cert.certificate_list.length === 0) {
    // RFC 8446 §4.4.2.4
    throw new TLSError(AlertDescription.decode_error, 'server sent an empty Certificate');
  }
  if (cert.certificate_list.length > MAX_CERTIFICATE_CHAIN) {
    throw new TLSError(AlertDescription.bad_certificate, `server sent more than ${MAX_CERTIFICATE_CHAIN} certificates`);
  }
  // RFC 8446 §4.4.2: the server's CertificateEntry extensions must answer ours in the ClientHello
  // (§4.2: else unsupported_extension); a status answers status_request only when we sent it.
  const unsolicited = (e: (typeof cert.certificate_list)[number]) =>
    e.extensions.unknown.length > 0 || (e.extensions.status_request !== undefined && !config.requestOCSP);
  if (cert.certificate_list.some(unsolicited)) {
    throw new TLSError(AlertDescription.unsupported_extension, 'server sent a certificate extension we did not offer');
  }
  const chain = cert.certificate_list.map((e) => e.cert_data);
  const time = ctx.provider.now();
  const verifier =
    config.verifier ??
    (() => {
      throw new TLSError(AlertDescription.unknown_ca, 'no trust anchors configured', { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    });
  const { outcome, ocsp } = ctx.timed('certificate-validation', () => {
    let outcome = verifyPeerCertificate(
      ctx.provider,
      verifier,
      { chain, hostname: config.serverName, purpose: 'server', time },
      config.rejectUnauthorized,
    );
    let ocsp: OcspResult | undefined;
    if (config.requestOCSP) {
      // RFC 8446 §4.4.2.1 lets a server staple statuses for intermediates too; we check the leaf's.
      const check = checkStapledOcsp({
        staple: cert.certificate_list[0]!.extensions.status_request,
        leaf: outcome.leaf,
        path: outcome.chain,
        received: chain,
        time,
        provider: ctx.provider,
      });
      ocsp = check.ocsp;
      if (check.error) {
        if (config.rejectUnauthorized) throw check.error;
        // node:tls semantics, as for the chain: rejectUnauthorized false records the (first) failure.
        if (outcome.authorized) outcome = { ...outcome, authorized: false, error: check.error };
      }
    }
    return { outcome, ocsp };
  });
  ctx.describe(
    () =>
      `${chain.length} cert(s), leaf ${outcome.leaf.subject.replace(/\n/g, ', ')}${ocsp ? ` ocsp=${ocsp.status}` : ''}` +
      `${outcome.authorized ? '' : ` (unverified: ${outcome.error?.code})`}`,
  );
  state.n.transcript.add(raw);
  return {
    kind: 'ExpectCertificateVerify',
    n: state.n,
    server: state.server,
    request: state.request,
    certificate: outcome,
    peerCertificates: chain,
    ocsp,
  };
}

const onCertificateVerify: Handler<Extract<Tls13ClientState, { kind: 'ExpectCertificateVerify' }>> = (
  state,
  msg,
  raw,
  ctx,
  config,
) => {
  const cv = expect(msg, 'certificate_verify', state.kind);
  const signature = verifyCertificateVerify('server', cv, state.certificate.leaf, config.signatureSchemes, state.n.transcript.current());
  ctx.describe(() => schemeName(cv.algorithm));
  state.n.transcript.add(raw);
  return { ...state, kind: 'ExpectFinished', signature, signatureScheme: cv.algorithm };
};

const onFinished: Handler<Extract<Tls13ClientState, { kind: 'ExpectFinished' }>> = (state, msg, raw, ctx, config) => {
  const fin = expect(msg, 'finished', state.kind);
  const info: HandshakeInfo = {
    version: 'TLSv1.3',
    cipherSuite: state.n.suite.id,
    cipherSuiteName: state.n.suite.name,
    group: state.n.group,
    groupName: groupInfo(state.n.group)?.name ?? groupName(state.n.group),
    signatureScheme: state.signatureScheme,
    signatureSchemeName: schemeName(state.signatureScheme),
    alpnProtocol: state.server.alpnProtocol,
    serverName: config.sni,
    peerCertificates: state.peerCertificates.map((der, i) =>
      i === 0 ? state.certificate.leaf : safeParse(ctx, der),
    ).filter((c) => c !== undefined),
    verifiedChain: state.certificate.chain,
    authorized: state.certificate.authorized,
    authorizationError: state.certificate.error,
    helloRetryRequest: state.n.helloRetryRequest,
    ...(state.ocsp ? { ocsp: state.ocsp } : {}),
  };
  const err = state.certificate.error;
  const template: SessionTemplate13 = {
    version: ProtocolVersion.TLS1_3,
    cipherSuite: state.n.suite.id,
    serverName: normalizeServerName(config.serverName),
    sni: config.sni,
    alpnProtocol: state.server.alpnProtocol,
    peerCertificates: state.peerCertificates,
    verifiedChain: state.certificate.chain.map((c) => c.der),
    authorized: state.certificate.authorized,
    authorizationError: err ? { alert: err.alert, code: err.code ?? 'ERR_TLS', message: err.message } : undefined,
    ocsp: state.ocsp,
    leafNotAfter: state.certificate.leaf.notAfter,
  };
  const server: ServerIdentity13 = { kind: 'certificate', certificate: state.certificate.proof, signature: state.signature };
  return finishHandshake(state.n, fin, raw, state.request, info, template, server, ctx, config);
};

/** RFC 8446 §2.2: a resumption's Finished; the peer identity is the session's. */
const onPskFinished: Handler<Extract<Tls13ClientState, { kind: 'ExpectPskFinished' }>> = (state, msg, raw, ctx, config) => {
  const fin = expect(msg, 'finished', state.kind);
  const { session, n } = state;
  const parse = (list: Uint8Array[]) => list.map((der) => safeParse(ctx, der)).filter((c) => c !== undefined);
  const error = session.authorizationError;
  const info: HandshakeInfo = {
    version: 'TLSv1.3',
    cipherSuite: n.suite.id,
    cipherSuiteName: n.suite.name,
    group: n.group,
    groupName: groupInfo(n.group)?.name ?? groupName(n.group),
    // No CertificateVerify in a PSK handshake.
    signatureScheme: 0,
    signatureSchemeName: 'none',
    alpnProtocol: state.server.alpnProtocol,
    serverName: config.sni,
    peerCertificates: parse(session.peerCertificates),
    verifiedChain: parse(session.verifiedChain),
    authorized: session.authorized,
    authorizationError: error ? new TLSError(error.alert, error.message, { code: error.code }) : undefined,
    helloRetryRequest: n.helloRetryRequest,
    resumed: true,
    ...(session.ocsp ? { ocsp: session.ocsp } : {}),
  };
  const { psk: _psk, ticket: _t, lifetime: _l, ticketAgeAdd: _a, createdAt: _c, maxEarlyData: _m, ...template } = session;
  return finishHandshake(n, fin, raw, undefined, info, { ...template, cipherSuite: n.suite.id, alpnProtocol: state.server.alpnProtocol }, { kind: 'resumed', session }, ctx, config);
};

/** The server's Finished, then ours (RFC 8446 §4.4.4); the application secrets and the resumption master secret. */
function finishHandshake(
  n: Negotiated,
  fin: Extract<HandshakeMessage, { type: 'finished' }>,
  raw: Uint8Array,
  request: CertificateRequest | undefined,
  info: HandshakeInfo,
  template: SessionTemplate13,
  server: ServerIdentity13,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientTrafficState {
  const { provider } = ctx;
  const finished = verifyFinished(provider, n.suite, n.serverHandshakeSecret, n.transcript.current(), fin);
  n.transcript.add(raw);

  const master = n.handshakeSecret.masterSecret();
  const th = n.transcript.current();
  const clientSecret = master.clientApplicationTrafficSecret(th);
  const serverSecret = master.serverApplicationTrafficSecret(th);
  ctx.keylog('CLIENT_TRAFFIC_SECRET_0', n.clientRandom, clientSecret);
  ctx.keylog('SERVER_TRAFFIC_SECRET_0', n.clientRandom, serverSecret);
  let exporterSecret: Uint8Array | undefined;
  const exporterMasterSecret = () => (exporterSecret ??= master.exporterMasterSecret(th));
  ctx.keylog('EXPORTER_SECRET', n.clientRandom, exporterMasterSecret);
  ctx.setExporter((label, context, length) =>
    exportKeyingMaterial(ctx.provider, n.suite, exporterMasterSecret(), label, context, length),
  );
  ctx.setReadKeys(n.suite, serverSecret, 'application');

  // RFC 8446 §4.5: accepted early data ends, under the early keys, before our second flight.
  if (n.early === 'accepted') {
    n.transcript.add(ctx.send({ type: 'end_of_early_data' }));
    ctx.setWriteKeys(n.suite, n.clientHandshakeSecret, 'handshake');
  }
  if (config.middleboxCompat && !n.sentChangeCipherSpec) ctx.sendChangeCipherSpec();
  if (request) sendClientCertificate(request, n.transcript, ctx, config);
  const verifyData = finishedVerifyData(provider, n.suite, n.clientHandshakeSecret, n.transcript.current());
  n.transcript.add(ctx.send({ type: 'finished', verify_data: verifyData }));
  ctx.setWriteKeys(n.suite, clientSecret, 'application');
  // RFC 8446 §7.1: resumption_master_secret covers the transcript through our Finished.
  const resumptionMasterSecret = master.resumptionMasterSecret(n.transcript.current());

  ctx.complete(n.early ? { ...info, earlyData: n.early === 'accepted' ? 'accepted' : 'rejected' } : info);
  return {
    kind: 'Traffic',
    role: 'client',
    suite: n.suite,
    readSecret: serverSecret,
    writeSecret: clientSecret,
    keyUpdates: 0,
    finished,
    tickets: { resumptionMasterSecret, template },
    server,
    ...(config.postHandshakeAuth ? { postHandshake: n.transcript } : {}),
  };
}

/**
 * RFC 8446 §4.6.2: a CertificateRequest after the handshake. Without post_handshake_auth offered
 * it is unexpected_message; otherwise it is answered at once, each request over the handshake's
 * transcript plus its own messages, the Finished keyed by our current application traffic secret.
 * Requests count towards the post-handshake messages allowed between application data.
 */
function onPostHandshakeCertificateRequest(
  state: ClientTrafficState,
  request: CertificateRequest,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientTrafficState {
  if (!state.postHandshake) throw unexpectedMessage('CertificateRequest after the handshake, without post_handshake_auth');
  if (request.certificate_request_context.length === 0) throw illegalParameter('post-handshake CertificateRequest with an empty context');
  if (!request.extensions.signature_algorithms) {
    throw new TLSError(AlertDescription.missing_extension, 'CertificateRequest without signature_algorithms');
  }
  if (state.keyUpdates + 1 > MAX_KEY_UPDATES) throw unexpectedMessage('too many post-handshake messages without application data');
  ctx.describe(config.certificate ? 'post-handshake: we send our certificate' : 'post-handshake: we have no certificate, empty reply');
  const transcript = state.postHandshake.fork();
  transcript.add(raw);
  sendClientCertificate(request, transcript, ctx, config);
  const verifyData = finishedVerifyData(ctx.provider, state.suite, state.writeSecret, transcript.current());
  ctx.send({ type: 'finished', verify_data: verifyData }, 'post-handshake');
  return { ...state, keyUpdates: state.keyUpdates + 1 };
}

function safeParse(ctx: HandshakeContext, der: Uint8Array) {
  try {
    return ctx.provider.parseCertificate(der);
  } catch {
    return undefined;
  }
}

/** RFC 8446 §4.4.2, §4.4.3: our Certificate (possibly empty) and CertificateVerify. */
function sendClientCertificate(
  request: CertificateRequest,
  transcript: Transcript,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): void {
  const offered = request.extensions.signature_algorithms ?? [];
  const ours = config.certificate;
  const scheme = ours
    ? offered.find((s) => schemeInfo(s)?.tls13 && schemeFitsKey(s, ours.key))
    : undefined;
  const context = request.certificate_request_context;
  if (!ours || scheme === undefined) {
    transcript.add(ctx.send({ type: 'certificate', certificate_request_context: context, certificate_list: [] }, 'empty'));
    return;
  }
  transcript.add(
    ctx.send({
      type: 'certificate',
      certificate_request_context: context,
      certificate_list: ours.chain.map((cert_data) => ({ cert_data, extensions: { unknown: [] } })),
    }),
  );
  const signature = ours.key.sign(scheme, certificateVerifyContent('client', transcript.current()));
  transcript.add(ctx.send({ type: 'certificate_verify', algorithm: scheme, signature }, () => schemeName(scheme)));
}

const handlers: { [K in Tls13ClientState['kind']]: Handler<Extract<Tls13ClientState, { kind: K }>> } = {
  ExpectServerHello: onServerHello,
  ExpectEncryptedExtensions: onEncryptedExtensions,
  ExpectCertificateOrCertificateRequest: onCertificateOrRequest,
  ExpectCertificate: (state, msg, raw, ctx, config) => onCertificate(state, msg, raw, ctx, config),
  ExpectCertificateVerify: onCertificateVerify,
  ExpectFinished: onFinished,
  ExpectPskFinished: onPskFinished,
  Traffic: (state, msg, raw, ctx, config) =>
    msg.type === 'certificate_request' ? onPostHandshakeCertificateRequest(state, msg, raw, ctx, config) : handleTraffic(state, msg, ctx),
};

export function handleClientMessage(
  state: Tls13ClientState,
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientState {
  const handler = handlers[state.kind] as Handler<Tls13ClientState>;
  return handler(state, msg, raw, ctx, config);
}
