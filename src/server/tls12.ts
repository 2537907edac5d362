/*
 * The TLS 1.2 server, RFC 5246 §7.3 (full handshake; ECDHE per RFC 8422, DHE over RFC 7919
 * groups, RSA key transport per §7.4.7.1; client authentication per §7.4.4, §7.4.6, §7.4.8):
 *
 *   ClientHello                  -------->
 *                                             ServerHello
 *                                             Certificate
 *                                             CertificateStatus*     (status_request, RFC 6066 §8)
 *                                             ServerKeyExchange*     (ECDHE, DHE)
 *                                             CertificateRequest*    (clientAuth)
 *                                <--------    ServerHelloDone
 *   Certificate*                                                     (clientAuth)
 *   ClientKeyExchange
 *   CertificateVerify*                                               (a non-empty Certificate)
 *   [ChangeCipherSpec]
 *   Finished                     -------->
 *                                             [ChangeCipherSpec]
 *                                <--------    Finished
 *   Application Data             <------->    Application Data
 *
 *   ClientHello (renegotiation)  -------->
 *                                <--------    warning no_renegotiation  (RFC 5746 §4.4, RFC 5246 §7.2.2)
 *
 * A full handshake that can be resumed (RFC 7627 §5.4: only with an extended master secret) puts a
 * fresh session_id in the ServerHello when a session cache is configured, and stores the session
 * after our Finished; when the client sent session_ticket and tickets are on, the ServerHello
 * carries an empty session_ticket and a ticket follows the client's Finished (RFC 5077 §3.3):
 *
 *   Finished                     -------->
 *                                             NewSessionTicket
 *                                             [ChangeCipherSpec]
 *                                <--------    Finished
 *
 * The abbreviated handshake (RFC 5246 §7.3), for a session_id we cached or a ticket that opens
 * (RFC 5077 §3.4), when the session may resume (resumable below):
 *
 *   ClientHello                  -------->
 *                                             ServerHello            (the client's session_id echoed)
 *                                             NewSessionTicket*      (a ticket from a retired key)
 *                                             [ChangeCipherSpec]
 *                                <--------    Finished
 *   [ChangeCipherSpec]
 *   Finished                     -------->
 *   Application Data             <------->    Application Data
 *
 * The ClientHello arrives in tls13.ts, which chooses the version (hello.ts) and hands a TLS 1.2
 * one to startTls12.
 */
import { bytesEqual, concatBytes } from '../bytes.js';
import { FFDHE_GROUPS } from '../crypto/ffdhe.js';
import { groupInfo } from '../crypto/groups.js';
import type { KeyKind, KeyShare, SigningKey } from '../crypto/provider.js';
import { schemeFitsKey } from '../crypto/schemes.js';
import { type Tls12Authentication, type Tls12Suite, tls12Suite } from '../crypto/suites.js';
import { TLSError, handshakeFailure, illegalParameter, internalError, unexpectedMessage } from '../errors.js';
import type { HandshakeInfo } from '../events.js';
import type { Detail, HandshakeContext, Tls12Input } from '../handshake/context.js';
import { expect } from '../handshake/expect.js';
import { Transcript } from '../handshake/transcript.js';
import type { FinishedVerified } from '../handshake/verified.js';
import { type CertificateOutcome, verifyCertificateVerify12, verifyFinished12, verifyPeerCertificate } from '../handshake/verify.js';
import { MAX_CERTIFICATE_CHAIN } from '../limits.js';
import type { Tls12Protection } from '../record/protection12.js';
import { ecdhePremaster, rsaDecryptPremaster, serverDheParams, serverDhePremaster } from '../tls12/key-exchange.js';
import { keyBlock } from '../tls12/keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret, tls12Exporter } from '../tls12/prf.js';
import { tls12Protection } from '../tls12/record-protection.js';
import {
  type SessionState,
  type StoredClient,
  decodeSession,
  ders,
  encodeSession,
  sessionLive,
  storedError,
} from '../tls12/session.js';
import { messageName } from '../trace.js';
import {
  AlertDescription,
  CipherSuite,
  ECPointFormat,
  NamedGroup,
  ProtocolVersion,
  groupName,
  schemeName,
} from '../wire/codes.js';
import { decodeDheClientKeyExchange, decodeEcdheClientKeyExchange, decodeRsaClientKeyExchange } from '../wire/messages/client-key-exchange.js';
import {
  encodeDheServerKeyExchange,
  encodeEcdheServerKeyExchange,
  encodeServerDhParams,
  encodeServerEcdhParams,
} from '../wire/messages/server-key-exchange.js';
import type { ClientHello, HandshakeKind, HandshakeMessage, MessageOf } from '../wire/types.js';
import type { CertifiedKey, ResolvedClientAuth, ResolvedServerConfig } from './config.js';
import { type PeerInfo, restorePeer } from './resumption.js';
import { DOWNGRADE_TLS12_SENTINEL, certificateCandidates, chooseAlpn } from './hello.js';
import type { ServerState } from './state.js';
import { type ClientIdentity, peerInfo } from './tls13.js';

/** RFC 5246 §7.4.1.2: the session_id we give a session we cache (its maximum, 32 bytes). */
export const SESSION_ID_LENGTH = 32;

/**
 * Renegotiation attempts we refuse with a warning before ending the connection: RFC 5746 §4.4 lets
 * the client go on after a refusal, not ask forever.
 */
export const MAX_REFUSED_RENEGOTIATIONS = 4;

/** Our half of the key exchange, kept until the ClientKeyExchange. */
type KeyExchange = { kind: 'ECDHE' | 'DHE'; share: KeyShare } | { kind: 'RSA'; key: SigningKey };

/** What the server keeps from the ClientHello and its flight until the client's Finished. */
interface Flight {
  suite: Tls12Suite;
  /** Hashed with the suite's PRF hash (RFC 5246 §7.4.9, RFC 7627 §3). */
  transcript: Transcript;
  /**
   * Every handshake message so far, kept only while a client CertificateVerify may follow: it
   * signs the messages themselves, hashed by its own scheme (RFC 5246 §7.4.8).
   */
  messages: Uint8Array[] | undefined;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** ClientHello.client_version, which an RSA premaster must start with (RFC 5246 §7.4.7.1). */
  clientVersion: number;
  exchange: KeyExchange;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** The session_id of our ServerHello, under which the session is cached; empty when it is not. */
  sessionId: Uint8Array;
  /** A NewSessionTicket follows the client's Finished (announced in our ServerHello). */
  issueTicket: boolean;
  /** What was negotiated; the client's identity is added when the handshake completes. */
  info: HandshakeInfo;
}

/**
 * The client's identity in a resumed session: settled by the full handshake that made the session
 * (its certificate and CertificateVerify checked then) and kept in the session state; the
 * client's Finished over the session's master secret shows it is the same client.
 */
export interface ResumedClient {
  kind: 'resumed';
  peer: PeerInfo;
}

/** What an abbreviated handshake keeps from our Finished until the client's. */
interface Resumed {
  suite: Tls12Suite;
  transcript: Transcript;
  keys: SessionKeys;
  info: HandshakeInfo;
  client: ResumedClient;
  /** The cached session's session_id, forgotten if the client's Finished fails (RFC 5246 §7.2.2); empty for a ticket. */
  sessionId: Uint8Array;
}

/** The master secret and each direction's record protection, from the ClientKeyExchange on. */
interface SessionKeys {
  master: Uint8Array;
  client: Tls12Protection;
  server: Tls12Protection;
}

/** The client's identity before its CertificateVerify: a certificate whose signature is still to come. */
type PendingClient =
  | Extract<ClientIdentity, { kind: 'not-requested' | 'absent' }>
  | { kind: 'unsigned'; certificate: CertificateOutcome; received: Uint8Array[]; clientAuth: ResolvedClientAuth };

export interface Tls12ServerTrafficState {
  readonly version: 'tls12';
  kind: 'Traffic';
  suite: Tls12Suite;
  /** The client's Finished verified: the only way here. */
  finished: FinishedVerified;
  client: ClientIdentity | ResumedClient;
  refusedRenegotiations: number;
}

export type Tls12ServerState =
  | { readonly version: 'tls12'; kind: 'ExpectCertificate'; flight: Flight; clientAuth: ResolvedClientAuth }
  | { readonly version: 'tls12'; kind: 'ExpectClientKeyExchange'; flight: Flight; client: PendingClient }
  | {
      readonly version: 'tls12';
      kind: 'ExpectCertificateVerify';
      flight: Flight;
      keys: SessionKeys;
      clientAuth: ResolvedClientAuth;
      certificate: CertificateOutcome;
      received: Uint8Array[];
    }
  | { readonly version: 'tls12'; kind: 'ExpectChangeCipherSpec'; flight: Flight; keys: SessionKeys; client: ClientIdentity }
  | { readonly version: 'tls12'; kind: 'ExpectFinished'; flight: Flight; keys: SessionKeys; client: ClientIdentity }
  | { readonly version: 'tls12'; kind: 'ExpectResumedChangeCipherSpec'; resumed: Resumed }
  | { readonly version: 'tls12'; kind: 'ExpectResumedFinished'; resumed: Resumed }
  | Tls12ServerTrafficState;

type Handler<S extends Tls12ServerState> = (
  state: S,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
) => ServerState;

/** DESIGN §3.2 for TLS 1.2 input: a ChangeCipherSpec where a message is due is unexpected too. */
function expectMessage<K extends HandshakeKind>(msg: Tls12Input, kind: K, state: string): MessageOf<K> {
  if (msg.type === 'change_cipher_spec') {
    throw unexpectedMessage(`received ChangeCipherSpec while waiting for ${messageName(kind)} (${state})`);
  }
  return expect(msg, kind, state);
}

function addMessage(flight: Flight, raw: Uint8Array): void {
  flight.transcript.add(raw);
  flight.messages?.push(raw);
}

// --- choosing what to speak -------------------------------------------------------------------

/** RFC 8422 §5.1.1: the curves of this specification, which make ec_point_formats binding (§5.1.2). */
const RFC8422_CURVES: readonly number[] = [
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.x25519,
  NamedGroup.x448,
];

/** RFC 7919 §4: the code points reserved for finite-field groups, known to us or not. */
const isFfdheCodePoint = (group: number) => group >= 0x0100 && group <= 0x01ff;

/** The group of an ECDSA certificate key, which the client's supported_groups must list (RFC 8422 §5.1.1). */
const CURVE_GROUPS: Readonly<Record<string, number>> = {
  'P-256': NamedGroup.secp256r1,
  'P-384': NamedGroup.secp384r1,
  'P-521': NamedGroup.secp521r1,
};

/** Which certificate keys a suite's authentication takes; RFC 8422 §5.5 lets EdDSA keys serve ECDSA suites. */
const AUTHENTICATION_KEYS: Readonly<Record<Tls12Authentication, readonly KeyKind[]>> = {
  ECDSA: ['ec', 'ed25519', 'ed448'],
  RSA: ['rsa', 'rsa-pss'],
};

/**
 * The ECDHE group: our first that the client lists. RFC 8422 §4: a client that omits
 * supported_groups leaves the curve to us; we take P-256, the curve such clients implement, when
 * we accept it. RFC 8422 §5.1.2: ec_point_formats without uncompressed is illegal_parameter from
 * a client that lists curves of RFC 8422, and rules ECDHE out otherwise.
 */
function chooseEcdheGroup(ch: ClientHello, config: ResolvedServerConfig, ctx: HandshakeContext): number | undefined {
  const theirs = ch.extensions.supported_groups;
  const formats = ch.extensions.ec_point_formats;
  if (formats && !formats.includes(ECPointFormat.uncompressed)) {
    if (theirs?.some((g) => RFC8422_CURVES.includes(g))) throw illegalParameter('ec_point_formats does not include uncompressed');
    return undefined;
  }
  const ours = config.groups.filter((g) => groupInfo(g)?.kind === 'ecdhe' && ctx.provider.supportsGroup(g));
  if (!theirs) return ours.includes(NamedGroup.secp256r1) ? NamedGroup.secp256r1 : ours[0];
  return ours.find((g) => theirs.includes(g));
}

/**
 * The DHE group (RFC 7919 §4): our first that the client lists. A client that lists no
 * finite-field group gets ffdhe2048; one that lists only groups we do not accept gets no DHE
 * suite ("MUST NOT select an FFDHE cipher suite"). Ours are the RFC 7919 groups in
 * config.groups, or all of them when it names none.
 */
function chooseDheGroup(ch: ClientHello, config: ResolvedServerConfig, ctx: HandshakeContext): number | undefined {
  const listed = config.groups.filter((g) => groupInfo(g)?.kind === 'ffdhe');
  const ours = (listed.length ? listed : FFDHE_GROUPS.map((g) => g.id)).filter((g) => ctx.provider.supportsGroup(g));
  const theirs = ch.extensions.supported_groups?.filter(isFfdheCodePoint);
  if (!theirs?.length) return ours.includes(NamedGroup.ffdhe2048) ? NamedGroup.ffdhe2048 : ours[0];
  return ours.find((g) => theirs.includes(g));
}

interface Signer {
  certified: CertifiedKey;
  scheme: number;
}

/**
 * The certificate and scheme to sign ServerKeyExchange with: our scheme order, among the schemes
 * the client's signature_algorithms lists (RFC 5246 §7.4.1.4.1). Without that extension the
 * client would accept only SHA-1 signatures, which we do not make (RFC 9155): no signer.
 */
function chooseSigner(
  authentication: Tls12Authentication,
  ch: ClientHello,
  config: ResolvedServerConfig,
  candidates: readonly CertifiedKey[],
): Signer | undefined {
  const offered = ch.extensions.signature_algorithms;
  if (!offered) return undefined;
  const groups = ch.extensions.supported_groups;
  const usable = candidates.filter((c) => {
    if (!AUTHENTICATION_KEYS[authentication].includes(c.key.kind)) return false;
    // RFC 8422 §5.1.1: an ECDSA certificate's curve must be one the client supports.
    if (c.key.kind !== 'ec' || !groups) return true;
    const group = c.key.curve === undefined ? undefined : CURVE_GROUPS[c.key.curve];
    return group !== undefined && groups.includes(group);
  });
  for (const scheme of config.tls12SignatureSchemes) {
    if (!offered.includes(scheme)) continue;
    const certified = usable.find((c) => schemeFitsKey(scheme, c.key));
    if (certified) return { certified, scheme };
  }
  return undefined;
}

interface Choice {
  suite: Tls12Suite;
  certified: CertifiedKey;
  /** The ServerKeyExchange signature scheme; undefined for RSA key transport. */
  scheme: number | undefined;
  /** The ECDHE or DHE group; undefined for RSA key transport. */
  group: number | undefined;
}

/**
 * The cipher suite: the client's order unless honorCipherOrder, among config.tls12CipherSuites,
 * the first whose key exchange and authentication we can do with this client.
 */
function chooseSuite(ch: ClientHello, config: ResolvedServerConfig, ctx: HandshakeContext, candidates: readonly CertifiedKey[]): Choice {
  const ours = config.tls12CipherSuites;
  const order = config.honorCipherOrder ? ours.filter((id) => ch.cipher_suites.includes(id)) : ch.cipher_suites.filter((id) => ours.includes(id));
  const groups = { ECDHE: chooseEcdheGroup(ch, config, ctx), DHE: chooseDheGroup(ch, config, ctx) };
  const signers = new Map<Tls12Authentication, Signer | undefined>();
  const signerFor = (authentication: Tls12Authentication) => {
    if (!signers.has(authentication)) signers.set(authentication, chooseSigner(authentication, ch, config, candidates));
    return signers.get(authentication);
  };
  // RFC 5246 §7.4.7.1: RSA key transport needs a certificate key that can decrypt.
  const decrypter = candidates.find((c) => c.key.kind === 'rsa' && c.key.decryptRaw !== undefined);
  for (const id of order) {
    const suite = tls12Suite(id);
    if (!suite) continue;
    if (suite.keyExchange === 'RSA') {
      if (decrypter) return { suite, certified: decrypter, scheme: undefined, group: undefined };
      continue;
    }
    const group = groups[suite.keyExchange];
    const signer = group === undefined ? undefined : signerFor(suite.authentication);
    if (signer) return { suite, certified: signer.certified, scheme: signer.scheme, group };
  }
  throw handshakeFailure('no TLS 1.2 cipher suite, certificate and key exchange in common with the client');
}

/** RFC 5246 §7.4.1.2 and RFC 5746 §3.6: what a TLS 1.2 ClientHello must satisfy. */
function checkClientHello(ch: ClientHello): void {
  // "this vector MUST contain, and all implementations MUST support, CompressionMethod.null"
  if (!ch.legacy_compression_methods.includes(0)) throw illegalParameter('ClientHello does not offer null compression');
  const renegotiation = ch.extensions.renegotiation_info;
  if (renegotiation !== undefined && renegotiation.length !== 0) {
    throw handshakeFailure('renegotiation_info in an initial ClientHello must be empty');
  }
}

// --- sessions: what a full handshake keeps, and when an offered one resumes --------------------

/** A session the ClientHello offered that may resume, with all the abbreviated handshake needs. */
interface Resumption {
  session: SessionState;
  /** The encoded state, sealed again when the client gets a fresh ticket. */
  encoded: Uint8Array;
  suite: Tls12Suite;
  peer: PeerInfo;
  via: 'session ID' | 'ticket';
  /** The ticket came from a key that no longer seals: a fresh one follows the ServerHello. */
  renewTicket: boolean;
}

/**
 * A cache failure is a miss: the cache is an optimisation, never a reason to fail a handshake
 * (its store may be someone else's code, see SessionStore).
 */
function fromCache<T>(use: () => T): T | undefined {
  try {
    return use();
  } catch {
    return undefined;
  }
}

/**
 * The session the ClientHello offers, if we know it: a non-empty session_ticket that opens
 * (RFC 5077 §3.4: with a ticket, the session_id is not looked up — it is the client's own
 * marker), else a cached session_id. Anything that does not open, decode or pass `resumable` is
 * no session: the handshake goes on in full, saying why in the trace (`declined`).
 */
function findSession(
  ch: ClientHello,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): { resumption?: Resumption; declined?: string } | undefined {
  const now = ctx.provider.now();
  const ticket = ch.extensions.session_ticket;
  let encoded: Uint8Array | undefined;
  let via: Resumption['via'];
  let renewTicket = false;
  if (ticket?.length && config.tickets) {
    via = 'ticket';
    const opened = fromCache(() => config.tickets!.open(ctx.provider, ticket));
    if (!opened) return { declined: 'ticket does not open: full handshake' };
    encoded = opened.state;
    renewTicket = opened.renew;
  } else if (ch.legacy_session_id.length && config.sessionCache) {
    via = 'session ID';
    encoded = fromCache(() => config.sessionCache!.get(ch.legacy_session_id, now));
    // An unknown session_id is the usual case (TLS 1.3 clients send a random one): nothing to say.
    if (!encoded) return undefined;
  } else {
    return undefined;
  }
  const session = decodeSession(encoded);
  if (!session) return { declined: `${via} holds no session we can read: full handshake` };
  const refusal = resumable(session, ch, ctx, config);
  if (typeof refusal === 'string') return { declined: `${via} not resumed (${refusal}): full handshake` };
  return { resumption: { session, encoded, via, renewTicket, ...refusal } };
}

/**
 * Why `session` may not resume with this ClientHello and configuration, or what resuming needs.
 * Each refusal leads to a full handshake, never an alert: the client offered to resume, and
 * declining is always allowed (RFC 5246 §7.4.1.2).
 */
function resumable(
  session: SessionState,
  ch: ClientHello,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): string | { suite: Tls12Suite; peer: PeerInfo } {
  const x = ch.extensions;
  const now = ctx.provider.now();
  if (session.version !== ProtocolVersion.TLS1_2) return 'another version';
  if (!sessionLive(session, now, config.sessionTimeout)) return 'expired';
  if (!bytesEqual(session.context, config.sessionIdContext)) return 'another sessionIdContext';
  // RFC 7627 §5.3: the session has an extended master secret; a ClientHello without it must not resume it.
  if (x.extended_master_secret !== true) return 'no extended_master_secret';
  // RFC 5246 §7.4.1.2: the session's suite must be among the client's, and still one of ours.
  const suite = tls12Suite(session.cipherSuite);
  if (!suite || !ch.cipher_suites.includes(suite.id) || !config.tls12CipherSuites.includes(suite.id)) {
    return 'its cipher suite is not offered';
  }
  // RFC 6066 §3: a session is bound to the name it was made for.
  if (x.server_name !== session.serverName) return 'another server_name';
  // RFC 7366 §3.1: a rehandshake keeps the session's choice of encrypt-then-MAC; so does resuming.
  if (negotiatesEtm(ch, suite) !== session.encryptThenMac) return 'encrypt_then_mac differs';
  const peer = restorePeer(session.client, now, ctx.provider, config);
  if (typeof peer === 'string') return peer;
  return { suite, peer };
}

// --- the handshake, in ladder order ------------------------------------------------------------

/** RFC 5746 §3.6: either signal asks for secure renegotiation, answered with an empty extension. */
const asksSecureRenegotiation = (ch: ClientHello) =>
  ch.extensions.renegotiation_info !== undefined || ch.cipher_suites.includes(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

/** RFC 7366 §2: encrypt_then_mac only changes CBC suites, so it is acknowledged only for them. */
const negotiatesEtm = (ch: ClientHello, suite: Tls12Suite) => ch.extensions.encrypt_then_mac === true && suite.cipher.kind === 'cbc';

function serverRandomFor(ctx: HandshakeContext, config: ResolvedServerConfig): Uint8Array {
  const random = new Uint8Array(32);
  random.set(ctx.provider.randomBytes(32));
  // RFC 8446 §4.1.3: we could have spoken TLS 1.3, so the random says we were asked for less.
  if (config.maxVersion >= ProtocolVersion.TLS1_3) random.set(DOWNGRADE_TLS12_SENTINEL, 32 - DOWNGRADE_TLS12_SENTINEL.length);
  return random;
}

/** From the ClientHello tls13.ts routed here, through our ServerHelloDone (or, resuming, our Finished). */
export function startTls12(ch: ClientHello, raw: Uint8Array, ctx: HandshakeContext, config: ResolvedServerConfig): ServerState {
  const { provider } = ctx;
  checkClientHello(ch);
  const offered = findSession(ch, ctx, config);
  if (offered?.resumption) return resume(ch, raw, offered.resumption, ctx, config);
  const { candidates, byName } = certificateCandidates(ch, config);
  const { suite, certified, scheme, group } = chooseSuite(ch, config, ctx, candidates);
  const alpnProtocol = chooseAlpn(ch, config);
  const x = ch.extensions;
  const secureRenegotiation = asksSecureRenegotiation(ch);
  const ems = x.extended_master_secret === true;
  const etm = negotiatesEtm(ch, suite);
  // RFC 6066 §8: a staple is announced in the ServerHello and sent in CertificateStatus.
  const staple = x.status_request && certified.ocsp?.length ? certified.ocsp : undefined;
  // RFC 7627 §5.4: a session without an extended master secret is never kept.
  const keepSession = ems && config.sessionTimeout > 0;
  const sessionId = keepSession && config.sessionCache ? provider.randomBytes(SESSION_ID_LENGTH) : new Uint8Array(0);
  // RFC 5077 §3.2: an empty or non-empty session_ticket asks for a ticket.
  const issueTicket = keepSession && config.tickets !== undefined && x.session_ticket !== undefined;
  ctx.describe(() =>
    [suite.name, group !== undefined && groupName(group), x.server_name && `sni=${x.server_name}`, offered?.declined]
      .filter(Boolean)
      .join(' '),
  );

  ctx.settleVersion('TLSv1.2');
  const transcript = new Transcript(provider);
  transcript.start(suite.prfHash);
  // TLS 1.2 has no post-handshake authentication (RFC 8446 §4.6.2 is TLS 1.3's): such a client is not asked.
  const handshakeAuth = config.clientAuth?.postHandshakeOnly ? undefined : config.clientAuth;
  const messages = handshakeAuth ? [raw] : undefined;
  transcript.add(raw);
  const send = (msg: HandshakeMessage, detail?: Detail) => {
    const bytes = ctx.send(msg, detail);
    transcript.add(bytes);
    messages?.push(bytes);
  };

  const clientRandom = ch.random.slice();
  const serverRandom = serverRandomFor(ctx, config);
  send(
    {
      type: 'server_hello_tls12',
      server_version: ProtocolVersion.TLS1_2,
      random: serverRandom,
      // RFC 5246 §7.4.1.3: empty when the session will not be cached.
      session_id: sessionId,
      cipher_suite: suite.id,
      compression_method: 0,
      extensions: {
        // RFC 6066 §3: the name chose the certificate.
        ...(byName ? { server_name: true as const } : {}),
        ...(secureRenegotiation ? { renegotiation_info: new Uint8Array(0) } : {}),
        ...(ems ? { extended_master_secret: true as const } : {}),
        // RFC 8422 §5.2: answered only for an ECC suite; uncompressed is all we parse.
        ...(suite.keyExchange === 'ECDHE' && x.ec_point_formats ? { ec_point_formats: [ECPointFormat.uncompressed] } : {}),
        ...(alpnProtocol ? { alpn: alpnProtocol } : {}),
        ...(etm ? { encrypt_then_mac: true as const } : {}),
        ...(staple ? { status_request: true as const } : {}),
        ...(issueTicket ? { session_ticket: true as const } : {}),
        unknown: [],
      },
    },
    () => suite.name,
  );
  send({ type: 'certificate_tls12', certificate_list: certified.chain }, () => `${certified.chain.length} cert(s)`);
  if (staple) send({ type: 'certificate_status', ocsp_response: staple }, 'OCSP staple');
  const exchange: KeyExchange =
    group !== undefined && scheme !== undefined
      ? sendServerKeyExchange(suite, group, { certified, scheme }, clientRandom, serverRandom, ctx, send)
      : { kind: 'RSA', key: certified.key };
  const clientAuth = handshakeAuth;
  if (clientAuth) {
    const names = clientAuth.tls12Request.certificate_authorities.length;
    send(clientAuth.tls12Request, names ? `${names} certificate authorities` : undefined);
  }
  send({ type: 'server_hello_done' });

  const flight: Flight = {
    suite,
    transcript,
    messages,
    clientRandom,
    serverRandom,
    clientVersion: ch.legacy_version,
    exchange,
    extendedMasterSecret: ems,
    encryptThenMac: etm,
    sessionId,
    issueTicket,
    info: {
      version: 'TLSv1.2',
      cipherSuite: suite.id,
      cipherSuiteName: suite.name,
      group: group ?? 0,
      groupName: group === undefined ? 'none' : (groupInfo(group)?.name ?? groupName(group)),
      signatureScheme: scheme ?? 0,
      signatureSchemeName: scheme === undefined ? 'none' : schemeName(scheme),
      alpnProtocol,
      serverName: x.server_name,
      peerCertificates: [],
      verifiedChain: [],
      authorized: false,
      authorizationError: undefined,
      helloRetryRequest: false,
      extendedMasterSecret: ems,
      encryptThenMac: etm,
    },
  };
  if (clientAuth) return { version: 'tls12', kind: 'ExpectCertificate', flight, clientAuth };
  return { version: 'tls12', kind: 'ExpectClientKeyExchange', flight, client: { kind: 'not-requested' } };
}

/**
 * RFC 5246 §7.4.3 (RFC 8422 §5.4 for ECDHE): fresh ephemeral parameters, signed over
 * client_random + server_random + params with the certificate key.
 */
function sendServerKeyExchange(
  suite: Tls12Suite,
  group: number,
  signer: Signer,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  ctx: HandshakeContext,
  send: (msg: HandshakeMessage, detail?: Detail) => void,
): KeyExchange {
  const share = ctx.provider.generateKeyShare(group);
  if (!share) throw internalError(`cannot generate a key for group ${groupName(group)}`);
  const { certified, scheme } = signer;
  const sign = (params: Uint8Array) => ({
    algorithm: scheme,
    signature: certified.key.sign(scheme, concatBytes([clientRandom, serverRandom, params])),
  });
  let body: Uint8Array;
  if (suite.keyExchange === 'ECDHE') {
    const params = { group, point: share.publicKey };
    body = encodeEcdheServerKeyExchange(params, sign(encodeServerEcdhParams(params)));
  } else {
    const dh = serverDheParams(share);
    const params = { dh_p: dh.p, dh_g: dh.g, dh_Ys: dh.Ys };
    body = encodeDheServerKeyExchange(params, sign(encodeServerDhParams(params)));
  }
  send({ type: 'server_key_exchange', body }, () => `${groupName(group)} ${schemeName(scheme)}`);
  return { kind: suite.keyExchange === 'ECDHE' ? 'ECDHE' : 'DHE', share };
}

/**
 * RFC 5246 §7.4.6: the client's Certificate. Empty: handshake_failure when required (TLS 1.2 has
 * no certificate_required alert), else the handshake goes on without one. Otherwise the chain is
 * validated as in TLS 1.3 (tls13.ts onCertificate).
 */
const onCertificate: Handler<Extract<Tls12ServerState, { kind: 'ExpectCertificate' }>> = (state, msg, raw, ctx) => {
  const cert = expectMessage(msg, 'certificate_tls12', state.kind);
  const { flight, clientAuth } = state;
  if (cert.certificate_list.length === 0) {
    if (clientAuth.required) {
      throw new TLSError(AlertDescription.handshake_failure, 'client sent no certificate', {
        code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
      });
    }
    ctx.describe('empty: no client certificate');
    addMessage(flight, raw);
    // No CertificateVerify can follow.
    flight.messages = undefined;
    // node:tls's authorizationError for a client that sent none (OpenSSL's default verify result).
    const error = new TLSError(AlertDescription.certificate_required, 'client sent no certificate', { code: 'UNABLE_TO_GET_ISSUER_CERT' });
    return { version: 'tls12', kind: 'ExpectClientKeyExchange', flight, client: { kind: 'absent', error } };
  }
  if (cert.certificate_list.length > MAX_CERTIFICATE_CHAIN) {
    throw new TLSError(AlertDescription.bad_certificate, `client sent more than ${MAX_CERTIFICATE_CHAIN} certificates`);
  }
  const received = cert.certificate_list;
  const certificate = verifyPeerCertificate(
    ctx.provider,
    clientAuth.verifier,
    { chain: received, hostname: undefined, purpose: 'client', time: ctx.provider.now() },
    clientAuth.required,
  );
  ctx.describe(
    () =>
      `${received.length} cert(s), leaf ${certificate.leaf.subject.replace(/\n/g, ', ')}` +
      `${certificate.authorized ? '' : ` (unverified: ${certificate.error?.code})`}`,
  );
  addMessage(flight, raw);
  return { version: 'tls12', kind: 'ExpectClientKeyExchange', flight, client: { kind: 'unsigned', certificate, received, clientAuth } };
};

/**
 * RFC 5246 §7.4.7: the premaster, then the master secret (RFC 7627 §4 when both hellos carried
 * extended_master_secret, over the transcript through this message; else RFC 5246 §8.1) and the
 * key block (§6.3).
 */
const onClientKeyExchange: Handler<Extract<Tls12ServerState, { kind: 'ExpectClientKeyExchange' }>> = (state, msg, raw, ctx) => {
  const cke = expectMessage(msg, 'client_key_exchange', state.kind);
  const { flight, client } = state;
  const { provider } = ctx;
  const { suite } = flight;
  const exchange = flight.exchange;
  let premaster: Uint8Array;
  switch (exchange.kind) {
    case 'ECDHE':
      // RFC 8422 §5.7; a point off the curve is the KeyShare's illegal_parameter.
      premaster = ecdhePremaster(exchange.share, decodeEcdheClientKeyExchange(cke.body));
      break;
    case 'DHE':
      premaster = serverDhePremaster(exchange.share, decodeDheClientKeyExchange(cke.body));
      break;
    case 'RSA':
      // Never fails (RFC 5246 §7.4.7.1): a bad ciphertext surfaces as the client's Finished failing.
      premaster = rsaDecryptPremaster(provider, exchange.key, decodeRsaClientKeyExchange(cke.body), flight.clientVersion);
      break;
  }
  addMessage(flight, raw);
  const master = flight.extendedMasterSecret
    ? extendedMasterSecret(provider, suite.prfHash, premaster, flight.transcript.current())
    : masterSecret(provider, suite.prfHash, premaster, flight.clientRandom, flight.serverRandom);
  premaster.fill(0);
  ctx.keylog('CLIENT_RANDOM', flight.clientRandom, master);
  ctx.setExporter(tls12Exporter(provider, suite.prfHash, master, flight.clientRandom, flight.serverRandom));
  const block = keyBlock(provider, suite, master, flight.clientRandom, flight.serverRandom);
  const keys: SessionKeys = {
    master,
    client: tls12Protection(suite, block.client, flight.encryptThenMac),
    server: tls12Protection(suite, block.server, flight.encryptThenMac),
  };
  if (client.kind === 'unsigned') {
    return {
      version: 'tls12',
      kind: 'ExpectCertificateVerify',
      flight,
      keys,
      clientAuth: client.clientAuth,
      certificate: client.certificate,
      received: client.received,
    };
  }
  return { version: 'tls12', kind: 'ExpectChangeCipherSpec', flight, keys, client };
};

/** RFC 5246 §7.4.8: signed with a scheme from our CertificateRequest, over every message so far. */
const onCertificateVerify: Handler<Extract<Tls12ServerState, { kind: 'ExpectCertificateVerify' }>> = (state, msg, raw, ctx) => {
  const cv = expectMessage(msg, 'certificate_verify', state.kind);
  const { flight, certificate } = state;
  if (!flight.messages) throw internalError('handshake messages were not kept for CertificateVerify');
  const signature = verifyCertificateVerify12(cv, certificate.leaf, state.clientAuth.tls12SignatureSchemes, concatBytes(flight.messages));
  ctx.describe(() => schemeName(cv.algorithm));
  addMessage(flight, raw);
  flight.messages = undefined;
  return {
    version: 'tls12',
    kind: 'ExpectChangeCipherSpec',
    flight,
    keys: state.keys,
    client: { kind: 'certificate', certificate: certificate.proof, signature, outcome: certificate, received: state.received },
  };
};

/** RFC 5246 §7.1: the client's records are protected from here on; a Finished before this is unexpected. */
const onChangeCipherSpec: Handler<Extract<Tls12ServerState, { kind: 'ExpectChangeCipherSpec' }>> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'change_cipher_spec') {
    throw unexpectedMessage(`received ${messageName(msg.type)} while waiting for ChangeCipherSpec (${state.kind})`);
  }
  ctx.changeReadCipherSpec(state.keys.client);
  return { version: 'tls12', kind: 'ExpectFinished', flight: state.flight, keys: state.keys, client: state.client };
};

/**
 * RFC 5246 §7.4.9: the client's Finished, then our [NewSessionTicket] (RFC 5077 §3.3), ChangeCipherSpec
 * and Finished; the session is cached once our Finished is out.
 */
const onFinished: Handler<Extract<Tls12ServerState, { kind: 'ExpectFinished' }>> = (state, msg, raw, ctx, config) => {
  const fin = expectMessage(msg, 'finished', state.kind);
  const { flight, keys, client } = state;
  const { provider } = ctx;
  const hash = flight.suite.prfHash;
  const finished = verifyFinished12(provider, hash, keys.master, 'client', flight.transcript.current(), fin);
  addMessage(flight, raw);
  const keep = flight.sessionId.length > 0 || flight.issueTicket;
  const kept = keep ? encodeSession(sessionOf(flight, keys.master, client, provider.now(), config)) : undefined;
  if (flight.issueTicket) {
    // RFC 5077 §3.3: announced in the ServerHello, so sent even when there is no ticket to give
    // (a session too large to keep): a zero-length ticket says so.
    const ticket = (kept && fromCache(() => config.tickets!.seal(provider, kept))) || new Uint8Array(0);
    const nst = ctx.send({ type: 'new_session_ticket_tls12', ticket_lifetime_hint: config.sessionTimeout, ticket }, `${ticket.length} bytes`);
    addMessage(flight, nst);
  }
  ctx.changeWriteCipherSpec(keys.server);
  ctx.send({ type: 'finished', verify_data: finishedVerifyData(provider, hash, keys.master, 'server', flight.transcript.current()) });
  if (kept && flight.sessionId.length) {
    const expires = provider.now() + config.sessionTimeout * 1000;
    fromCache(() => config.sessionCache!.set(flight.sessionId, kept, expires));
  }
  ctx.complete(client.kind === 'not-requested' ? flight.info : { ...flight.info, ...peerInfo(client, ctx) });
  return { version: 'tls12', kind: 'Traffic', suite: flight.suite, finished, client, refusedRenegotiations: 0 };
};

/** The session a full handshake made (the file header of tls12/session.ts: always with EMS). */
function sessionOf(flight: Flight, master: Uint8Array, client: ClientIdentity, now: number, config: ResolvedServerConfig): SessionState {
  const { info } = flight;
  return {
    version: ProtocolVersion.TLS1_2,
    cipherSuite: flight.suite.id,
    masterSecret: master,
    extendedMasterSecret: true,
    encryptThenMac: flight.encryptThenMac,
    created: now,
    lifetime: config.sessionTimeout,
    context: config.sessionIdContext,
    serverName: info.serverName,
    alpnProtocol: info.alpnProtocol,
    client: storedClient(client),
  };
}

function storedClient(client: ClientIdentity): StoredClient {
  switch (client.kind) {
    case 'not-requested':
      return { kind: 'not-requested' };
    case 'absent':
      return { kind: 'absent', error: storedError(client.error) };
    case 'certificate': {
      const { outcome } = client;
      return {
        kind: 'certificate',
        received: client.received,
        verified: ders(outcome.chain),
        authorized: outcome.authorized,
        error: outcome.error && storedError(outcome.error),
      };
    }
  }
}

// --- the abbreviated handshake ------------------------------------------------------------------

/**
 * RFC 5246 §7.3: the session's suite and master secret with the new randoms (§6.3), our
 * ServerHello, [NewSessionTicket], ChangeCipherSpec and Finished at once; the client's follow.
 */
function resume(
  ch: ClientHello,
  raw: Uint8Array,
  resumption: Resumption,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): ServerState {
  const { provider } = ctx;
  const { session, suite, via } = resumption;
  const x = ch.extensions;
  // RFC 7301 §3.1: ALPN belongs to the connection, not the session; on resumption only the new
  // hellos count, so the protocol is chosen again and need not be the session's.
  const alpnProtocol = chooseAlpn(ch, config);
  // RFC 5077 §3.1: a server may renew the ticket it resumed from; we do when its key no longer seals.
  const renewTicket = resumption.renewTicket && config.tickets !== undefined;
  ctx.describe(() => [suite.name, x.server_name && `sni=${x.server_name}`, `resumed by ${via}`].filter(Boolean).join(' '));

  ctx.settleVersion('TLSv1.2');
  const transcript = new Transcript(provider);
  transcript.start(suite.prfHash);
  transcript.add(raw);
  const send = (msg: HandshakeMessage, detail?: Detail) => transcript.add(ctx.send(msg, detail));
  const clientRandom = ch.random.slice();
  const serverRandom = serverRandomFor(ctx, config);
  send(
    {
      type: 'server_hello_tls12',
      server_version: ProtocolVersion.TLS1_2,
      random: serverRandom,
      // RFC 5246 §7.4.1.3 (the cached session's ID); RFC 5077 §3.4 (a ticket: the client's, echoed).
      session_id: ch.legacy_session_id,
      cipher_suite: suite.id,
      compression_method: 0,
      // No server_name: RFC 6066 §3 forbids it when resuming. No status_request: no Certificate follows.
      extensions: {
        ...(asksSecureRenegotiation(ch) ? { renegotiation_info: new Uint8Array(0) } : {}),
        // RFC 7627 §5.3: a server continuing the abbreviated handshake includes extended_master_secret.
        extended_master_secret: true as const,
        ...(suite.keyExchange === 'ECDHE' && x.ec_point_formats ? { ec_point_formats: [ECPointFormat.uncompressed] } : {}),
        ...(alpnProtocol ? { alpn: alpnProtocol } : {}),
        ...(session.encryptThenMac ? { encrypt_then_mac: true as const } : {}),
        ...(renewTicket ? { session_ticket: true as const } : {}),
        unknown: [],
      },
    },
    () => `${suite.name} (resumed)`,
  );
  if (renewTicket) {
    // The session keeps its creation time: a new ticket does not make it live longer.
    const remaining = session.created + Math.min(session.lifetime, config.sessionTimeout) * 1000 - provider.now();
    const ticket = fromCache(() => config.tickets!.seal(provider, resumption.encoded)) ?? new Uint8Array(0);
    send({ type: 'new_session_ticket_tls12', ticket_lifetime_hint: Math.max(0, Math.ceil(remaining / 1000)), ticket }, 'renewed');
  }
  const master = session.masterSecret;
  ctx.keylog('CLIENT_RANDOM', clientRandom, master);
  ctx.setExporter(tls12Exporter(provider, suite.prfHash, master, clientRandom, serverRandom));
  const block = keyBlock(provider, suite, master, clientRandom, serverRandom);
  const keys: SessionKeys = {
    master,
    client: tls12Protection(suite, block.client, session.encryptThenMac),
    server: tls12Protection(suite, block.server, session.encryptThenMac),
  };
  ctx.changeWriteCipherSpec(keys.server);
  send({ type: 'finished', verify_data: finishedVerifyData(provider, suite.prfHash, master, 'server', transcript.current()) });
  const info: HandshakeInfo = {
    version: 'TLSv1.2',
    cipherSuite: suite.id,
    cipherSuiteName: suite.name,
    // No key exchange and no signature in an abbreviated handshake.
    group: 0,
    groupName: 'none',
    signatureScheme: 0,
    signatureSchemeName: 'none',
    alpnProtocol,
    serverName: x.server_name,
    ...resumption.peer,
    helloRetryRequest: false,
    resumed: true,
    extendedMasterSecret: true,
    encryptThenMac: session.encryptThenMac,
  };
  const client: ResumedClient = { kind: 'resumed', peer: resumption.peer };
  const sessionId = via === 'session ID' ? ch.legacy_session_id : new Uint8Array(0);
  return { version: 'tls12', kind: 'ExpectResumedChangeCipherSpec', resumed: { suite, transcript, keys, info, client, sessionId } };
}

type ResumedState<K extends 'ExpectResumedChangeCipherSpec' | 'ExpectResumedFinished'> = Extract<Tls12ServerState, { kind: K }>;

/** RFC 5246 §7.1: as in a full handshake, the client's records are protected from here on. */
const onResumedChangeCipherSpec: Handler<ResumedState<'ExpectResumedChangeCipherSpec'>> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'change_cipher_spec') {
    throw unexpectedMessage(`received ${messageName(msg.type)} while waiting for ChangeCipherSpec (${state.kind})`);
  }
  ctx.changeReadCipherSpec(state.resumed.keys.client);
  return { version: 'tls12', kind: 'ExpectResumedFinished', resumed: state.resumed };
};

/**
 * RFC 5246 §7.4.9: the client's Finished, over everything through ours. One that does not verify
 * also ends the session (RFC 5246 §7.2.2: a connection ended by a fatal alert must not resume).
 */
const onResumedFinished: Handler<ResumedState<'ExpectResumedFinished'>> = (state, msg, raw, ctx, config) => {
  const fin = expectMessage(msg, 'finished', state.kind);
  const { resumed } = state;
  let finished: FinishedVerified;
  try {
    finished = verifyFinished12(ctx.provider, resumed.suite.prfHash, resumed.keys.master, 'client', resumed.transcript.current(), fin);
  } catch (err) {
    if (resumed.sessionId.length) fromCache(() => config.sessionCache?.delete(resumed.sessionId));
    throw err;
  }
  resumed.transcript.add(raw);
  ctx.complete(resumed.info);
  return { version: 'tls12', kind: 'Traffic', suite: resumed.suite, finished, client: resumed.client, refusedRenegotiations: 0 };
};

/**
 * After the handshake a client may only ask to renegotiate, which we refuse with a warning and
 * go on (RFC 5746 §4.4: "SHOULD ... respond with a no_renegotiation alert"; RFC 5246 §7.2.2).
 */
const onTraffic: Handler<Tls12ServerTrafficState> = (state, msg, _raw, ctx) => {
  if (msg.type !== 'client_hello') throw unexpectedMessage(`unexpected ${messageName(msg.type)} after the TLS 1.2 handshake`);
  if (state.refusedRenegotiations >= MAX_REFUSED_RENEGOTIATIONS) {
    throw new TLSError(AlertDescription.unexpected_message, 'client keeps asking to renegotiate');
  }
  ctx.describe('renegotiation refused');
  ctx.sendWarningAlert(AlertDescription.no_renegotiation);
  return { ...state, refusedRenegotiations: state.refusedRenegotiations + 1 };
};

const handlers: { [K in Tls12ServerState['kind']]: Handler<Extract<Tls12ServerState, { kind: K }>> } = {
  ExpectCertificate: onCertificate,
  ExpectClientKeyExchange: onClientKeyExchange,
  ExpectCertificateVerify: onCertificateVerify,
  ExpectChangeCipherSpec: onChangeCipherSpec,
  ExpectFinished: onFinished,
  ExpectResumedChangeCipherSpec: onResumedChangeCipherSpec,
  ExpectResumedFinished: onResumedFinished,
  Traffic: onTraffic,
};

export function handleTls12ServerMessage(
  state: Tls12ServerState,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): ServerState {
  const handler = handlers[state.kind] as Handler<Tls12ServerState>;
  return handler(state, msg, raw, ctx, config);
}
