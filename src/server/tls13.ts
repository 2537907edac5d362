/*
 * The TLS 1.3 server, RFC 8446 §2 (full handshake, with the optional HelloRetryRequest and client
 * authentication):
 *
 *   ClientHello + key_share        -------->
 *                                  <--------  HelloRetryRequest + key_share   (no usable share)
 *                                             [ChangeCipherSpec]
 *   ClientHello + key_share        -------->
 *                                             ServerHello + key_share
 *                                             [ChangeCipherSpec]
 *                                             {EncryptedExtensions}
 *                                             {CertificateRequest*}           (clientAuth)
 *                                             {Certificate}
 *                                             {CertificateVerify}
 *                                  <--------  {Finished}
 *   {Certificate*}                                                            (clientAuth)
 *   {CertificateVerify*}                                                      (a non-empty Certificate)
 *   {Finished}                     -------->
 *                                  <--------  [NewSessionTicket*]             (tickets)
 *   [Application Data]             <------->  [Application Data]
 *
 * Resumption with a ticket we issued, RFC 8446 §2.2 (psk_dhe_ke; psk_ke only with pskKe):
 *
 *   ClientHello + key_share
 *     + pre_shared_key             -------->
 *                                             ServerHello + pre_shared_key + key_share
 *                                             {EncryptedExtensions}
 *                                  <--------  {Finished}
 *   {Finished}                     -------->
 *                                  <--------  [NewSessionTicket*]
 *
 * 0-RTT, RFC 8446 §2.3 (only with maxEarlyData, on the first identity of a ticket that allowed it,
 * once per ticket: server/anti-replay.ts):
 *
 *   ClientHello + early_data
 *     + key_share + pre_shared_key
 *   (Application Data*)            -------->
 *                                             ServerHello + pre_shared_key + key_share
 *                                             {EncryptedExtensions + early_data}
 *                                  <--------  {Finished}
 *   (EndOfEarlyData)
 *   {Finished}                     -------->
 *
 * Early data we do not accept is skipped (RFC 8446 §4.2.10) and the handshake goes on.
 *
 * Post-handshake authentication, RFC 8446 §4.6.2 (on requestClientCertificate(), of a client
 * that offered post_handshake_auth), under the application keys:
 *
 *                                  <--------  [CertificateRequest]
 *   [Certificate]
 *   [CertificateVerify*]                                                      (a non-empty Certificate)
 *   [Finished]                     -------->
 */
import { bytesEqual, concatBytes } from '../bytes.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { KeyShare } from '../crypto/provider.js';
import { groupInfo } from '../crypto/groups.js';
import { schemeFitsKey, schemeInfo } from '../crypto/schemes.js';
import { type Tls13Suite, tls13Suite } from '../crypto/suites.js';
import { TLSError, handshakeFailure, illegalParameter } from '../errors.js';
import type { HandshakeInfo } from '../events.js';
import type { HandshakeContext } from '../handshake/context.js';
import { expect } from '../handshake/expect.js';
import { certificateVerifyContent } from '../handshake/signed-content.js';
import { type TrafficState, handleTraffic } from '../handshake/traffic.js';
import { Transcript } from '../handshake/transcript.js';
import { type CertificateOutcome, verifyCertificateVerify, verifyFinished, verifyPeerCertificate } from '../handshake/verify.js';
import type { ServerState } from './state.js';
import type { CertificateVerified, SignatureVerified } from '../handshake/verified.js';
import { MAX_CERTIFICATE_CHAIN } from '../limits.js';
import { matchesHostname } from '../pki/hostname.js';
import { EarlySecret, type MasterSecret, exportKeyingMaterial, finishedVerifyData, resumptionPsk } from '../tls13/key-schedule.js';
import { type TicketState, decodeTicketState, encodeTicketState } from '../tls13/ticket.js';
import { type StoredClient, storedError } from '../tls12/session.js';
import { truncatedClientHello } from '../wire/extensions.js';
import {
  AlertDescription,
  ExtensionType,
  HandshakeType,
  ProtocolVersion,
  PskKeyExchangeMode,
  cipherSuiteName,
  groupName,
  isGrease,
  schemeName,
} from '../wire/codes.js';
import type { ClientHello, HandshakeMessage, KeyShareEntry } from '../wire/types.js';
import { type CertifiedKey, MAX_SESSION_TIMEOUT, type ResolvedClientAuth, type ResolvedServerConfig } from './config.js';
import { type PeerInfo, restorePeer } from './resumption.js';
import { chooseVersion } from './hello.js';
import type { TicketSealer } from './tickets.js';
import { type ResumedClient, startTls12 } from './tls12.js';

/**
 * RFC 8446 §4.2.11, §8.3: how far (ms) the client's view of a ticket's age may stray from ours
 * (round trip, clock drift) before the PSK is declined; outside it the handshake goes on in full.
 */
export const TICKET_AGE_TOLERANCE = 10_000;
/** PSK identities we try to open per ClientHello (each costs an AEAD open); later ones are ignored. */
export const MAX_PSK_IDENTITIES_TRIED = 8;

/** What choosePsk decided: resume, or why not (for the trace); undefined when no PSK was offered. */
type PskChoice = { resumption: Resumption } | { declined: string } | undefined;

/** A PSK from one of our tickets whose binder verified (RFC 8446 §4.2.11). */
interface Resumption {
  psk: Uint8Array;
  /** selected_identity. */
  index: number;
  /** The client identity the ticket's handshake settled. */
  peer: PeerInfo;
  /** psk_dhe_ke (else psk_ke: no key_share, RFC 8446 §4.2.9). */
  dhe: boolean;
  /** When the full handshake this resumption chain began with happened (ms). */
  authenticated: number;
  /** What the ticket holds. */
  ticket: TicketState;
  /** The PSK identity as sent: the ticket. */
  identity: Uint8Array;
}

/** RFC 8446 §4.2.10: whether the client's 0-RTT data is read, and why not. */
type EarlyDataChoice = { accepted: true; limit: number } | { accepted: false; reason: string };

interface Retry {
  transcript: Transcript;
  suite: Tls13Suite;
  group: number;
  first: ClientHello;
  /** message_hash(ClientHello1) and the HelloRetryRequest: what precedes ClientHello2 in a binder's transcript (RFC 8446 §4.2.11.2). */
  prefix: Uint8Array[];
}

/** What the server keeps from its flight until the client's Finished. */
interface Flight {
  suite: Tls13Suite;
  transcript: Transcript;
  clientHandshakeSecret: Uint8Array;
  clientApplicationSecret: Uint8Array;
  serverApplicationSecret: Uint8Array;
  /** For resumption_master_secret, once the client's Finished is in the transcript. */
  master: MasterSecret;
  /** RFC 8446 §4.2.9: the client's psk_key_exchange_modes allow one we resume with, so tickets are of use. */
  ticketsUsable: boolean;
  /** A resumed handshake's Resumption.authenticated; undefined for a full handshake (authenticated now). */
  authenticated: number | undefined;
  /** RFC 8446 §4.2.6: the client offered post_handshake_auth. */
  postHandshakeAuth: boolean;
  /** What was negotiated; the client's identity is added when the handshake completes. */
  info: HandshakeInfo;
}

/**
 * How the handshake settled the client's identity (RFC 8446 §4.4.2, §4.4.3); Traffic requires one.
 * A certificate the client sent counts only with both proofs: its chain went through the verifier
 * (verifyPeerCertificate) and its CertificateVerify verified (verifyCertificateVerify), so no path
 * reaches Traffic with a client certificate that skipped either check. 'not-requested' comes only
 * from a configuration without clientAuth, 'absent' only from an empty Certificate that
 * clientAuth.required allowed.
 */
export type ClientIdentity =
  | { kind: 'not-requested' }
  | { kind: 'absent'; error: TLSError }
  | {
      kind: 'certificate';
      certificate: CertificateVerified;
      signature: SignatureVerified;
      outcome: CertificateOutcome;
      /** DER as the client sent them, leaf first. */
      received: Uint8Array[];
    };

/**
 * RFC 8446 §4.6.2: what post-handshake authentication needs: the handshake's transcript (through
 * the client's Finished), forked for each request, and the request in progress.
 */
interface PostHandshakeAuth {
  transcript: Transcript;
  pending:
    | { stage: 'certificate'; context: Uint8Array; transcript: Transcript; clientAuth: ResolvedClientAuth }
    | {
        stage: 'certificate_verify';
        context: Uint8Array;
        transcript: Transcript;
        clientAuth: ResolvedClientAuth;
        certificate: CertificateOutcome;
        received: Uint8Array[];
      }
    | { stage: 'finished'; context: Uint8Array; transcript: Transcript; client: ClientIdentity }
    | undefined;
}

export type ServerTrafficState = TrafficState & {
  client: ClientIdentity | ResumedClient;
  /** Present when the client offered post_handshake_auth. */
  postHandshake?: PostHandshakeAuth;
};

export type Tls13ServerState =
  | { kind: 'ExpectClientHello' }
  | { kind: 'ExpectClientHelloAfterRetry'; retry: Retry }
  | { kind: 'ExpectCertificate'; flight: Flight; clientAuth: ResolvedClientAuth }
  | {
      kind: 'ExpectCertificateVerify';
      flight: Flight;
      clientAuth: ResolvedClientAuth;
      certificate: CertificateOutcome;
      received: Uint8Array[];
    }
  | { kind: 'ExpectEndOfEarlyData'; flight: Flight; client: ResumedClient }
  | { kind: 'ExpectFinished'; flight: Flight; client: ClientIdentity | ResumedClient }
  | ServerTrafficState;

type Handler<S extends Tls13ServerState> = (
  state: S,
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
) => ServerState;

export const startServer = (): Tls13ServerState => ({ kind: 'ExpectClientHello' });

/**
 * RFC 8446 leaves the order of extensions open. We write EncryptedExtensions in NSS's order, the
 * one RFC 8448's traces show (others follow in the default order).
 */
const ENCRYPTED_EXTENSIONS_ENCODING = {
  extensionOrder: [ExtensionType.supported_groups, ExtensionType.record_size_limit, ExtensionType.server_name],
};

/** The cipher suite: the client's order unless honorCipherOrder (as node:tls). */
function chooseSuite(ch: ClientHello, config: ResolvedServerConfig): Tls13Suite {
  const ours = config.cipherSuites;
  const pick = config.honorCipherOrder
    ? ours.find((id) => ch.cipher_suites.includes(id))
    : ch.cipher_suites.find((id) => ours.includes(id));
  const suite = pick === undefined ? undefined : tls13Suite(pick);
  if (!suite) throw handshakeFailure('no cipher suite in common');
  return suite;
}

/**
 * The certificate and scheme to sign with: our scheme order, SNI-selected certificates first.
 * The client's server_name always guides this choice, even when it ends at the default certificate.
 */
function chooseCertificate(ch: ClientHello, config: ResolvedServerConfig): { certified: CertifiedKey; scheme: number } {
  const offered = ch.extensions.signature_algorithms;
  if (!offered) throw new TLSError(AlertDescription.missing_extension, 'ClientHello has no signature_algorithms');
  const name = ch.extensions.server_name;
  let candidates = config.selectCertificates?.(name);
  let sniMatched = candidates !== undefined && candidates.length > 0;
  // With one certificate the name cannot change the choice: skip matching it.
  if (!sniMatched && name !== undefined && config.certificates.length > 1) {
    candidates = config.certificates.filter((c) => matchesHostname(c.leaf, name));
    sniMatched = candidates.length > 0;
  }
  if (!sniMatched) candidates = config.certificates;
  for (const scheme of config.signatureSchemes) {
    if (!offered.includes(scheme) || !schemeInfo(scheme)?.tls13) continue;
    const certified = candidates!.find((c) => schemeFitsKey(scheme, c.key));
    if (certified) return { certified, scheme };
  }
  throw handshakeFailure('no certificate and signature scheme in common with the client');
}

/** RFC 8446 §4.2.8: the first of our groups the client sent a share for. */
function chooseShare(ch: ClientHello, config: ResolvedServerConfig, ctx: HandshakeContext): KeyShareEntry | undefined {
  const shares = ch.extensions.key_share ?? [];
  for (const group of config.groups) {
    const entry = shares.find((s) => s.group === group);
    if (entry && ctx.provider.supportsGroup(group)) return entry;
  }
  return undefined;
}

/** RFC 8446 §4.1.2, §4.2, §9.2: what every ClientHello must satisfy before we look further. */
function checkClientHello(ch: ClientHello): void {
  const x = ch.extensions;
  if (!x.supported_versions?.includes(ProtocolVersion.TLS1_3)) {
    throw new TLSError(AlertDescription.protocol_version, 'client does not offer TLS 1.3');
  }
  if (ch.legacy_compression_methods.length !== 1 || ch.legacy_compression_methods[0] !== 0) {
    throw illegalParameter('TLS 1.3 ClientHello must offer only null compression');
  }
  if ((x.key_share === undefined) !== (x.supported_groups === undefined)) {
    throw new TLSError(AlertDescription.missing_extension, 'key_share and supported_groups must come together');
  }
  if (x.key_share === undefined) throw new TLSError(AlertDescription.missing_extension, 'ClientHello has no key_share');
  const seen = new Set<number>();
  for (const share of x.key_share) {
    if (seen.has(share.group)) throw illegalParameter('two key shares for one group');
    seen.add(share.group);
    if (!isGrease(share.group) && !x.supported_groups!.includes(share.group)) {
      throw illegalParameter('key share for a group not in supported_groups');
    }
  }
  if (x.pre_shared_key && !x.psk_key_exchange_modes) {
    throw new TLSError(AlertDescription.missing_extension, 'pre_shared_key without psk_key_exchange_modes');
  }
}

/** ALPN, RFC 7301 §3.2: our first protocol the client offered; none in common is fatal. */
function chooseAlpn(ch: ClientHello, config: ResolvedServerConfig): string | false {
  const offered = ch.extensions.alpn;
  if (!offered || !config.alpnProtocols.length) return false;
  const pick = config.alpnProtocols.find((p) => offered.includes(p));
  if (pick === undefined) throw new TLSError(AlertDescription.no_application_protocol, 'no ALPN protocol in common');
  return pick;
}

const onClientHello: Handler<Extract<Tls13ServerState, { kind: 'ExpectClientHello' }>> = (state, msg, raw, ctx, config) => {
  const ch = expect(msg, 'client_hello', state.kind);
  // RFC 8446 §4.2.1, RFC 5246 Appendix E: the version is ours to choose, from this ClientHello.
  if (chooseVersion(ch, config) === 'TLSv1.2') return startTls12(ch, raw, ctx, config);
  ctx.settleVersion('TLSv1.3');
  checkClientHello(ch);
  const suite = chooseSuite(ch, config);
  const transcript = new Transcript(ctx.provider);
  transcript.start(suite.hash);
  transcript.add(raw);
  const entry = chooseShare(ch, config, ctx);
  const psk = choosePsk(ch, raw, suite, [], entry !== undefined, ctx, config);
  const resumption = psk && 'resumption' in psk ? psk.resumption : undefined;
  if (entry || resumption) return serverFlight(ch, suite, entry, transcript, undefined, psk, ctx, config);

  const group = config.groups.find((g) => ch.extensions.supported_groups!.includes(g) && ctx.provider.supportsGroup(g));
  if (group === undefined) throw handshakeFailure('no key exchange group in common');
  // Validate the rest now, so a hopeless ClientHello fails before a round trip. One offering a
  // PSK may omit signature_algorithms (RFC 8446 §9.2): its certificate question waits for the retry.
  if (!ch.extensions.pre_shared_key) chooseCertificate(ch, config);
  chooseAlpn(ch, config);

  ctx.describe(() => `no usable share: retry with ${groupName(group)}`);
  if (ch.extensions.early_data) ctx.skipEarlyData('application_data');
  const digest = transcript.current();
  const messageHash = new Uint8Array(4 + digest.length);
  messageHash.set([HandshakeType.message_hash, 0, 0, digest.length]);
  messageHash.set(digest, 4);
  transcript.replaceWithMessageHash();
  const hrr = ctx.send(
      {
        type: 'hello_retry_request',
        legacy_version: ProtocolVersion.TLS1_2,
        legacy_session_id_echo: ch.legacy_session_id,
        cipher_suite: suite.id,
        legacy_compression_method: 0,
        extensions: { supported_versions: ProtocolVersion.TLS1_3, key_share: group, unknown: [] },
      },
      `${cipherSuiteName(suite.id)} group=${groupName(group)}`,
  );
  transcript.add(hrr);
  // RFC 8446 §D.4: the compatibility CCS follows our first handshake message.
  if (ch.legacy_session_id.length) ctx.sendChangeCipherSpec();
  return { kind: 'ExpectClientHelloAfterRetry', retry: { transcript, suite, group, first: ch, prefix: [messageHash, hrr] } };
};

/** RFC 8446 §4.1.2: the second ClientHello may only change what the HelloRetryRequest asked for. */
const onClientHelloAfterRetry: Handler<Extract<Tls13ServerState, { kind: 'ExpectClientHelloAfterRetry' }>> = (
  state,
  msg,
  raw,
  ctx,
  config,
) => {
  const ch = expect(msg, 'client_hello', state.kind);
  const { retry } = state;
  checkClientHello(ch);
  const shares = ch.extensions.key_share!;
  if (shares.length !== 1 || shares[0]!.group !== retry.group) {
    throw illegalParameter('second ClientHello must carry exactly one share, for the group we asked for');
  }
  if (!ch.cipher_suites.includes(retry.suite.id)) throw illegalParameter('second ClientHello dropped the selected cipher suite');
  if (!bytesEqual(ch.random, retry.first.random) || !bytesEqual(ch.legacy_session_id, retry.first.legacy_session_id)) {
    throw illegalParameter('second ClientHello changed its random or session id');
  }
  if (ch.extensions.server_name !== retry.first.extensions.server_name) {
    throw illegalParameter('second ClientHello changed server_name');
  }
  // RFC 8446 §4.1.2: early_data is removed from the second ClientHello.
  if (ch.extensions.early_data) throw illegalParameter('second ClientHello offers early_data');
  ctx.skipEarlyData(undefined);
  const psk = choosePsk(ch, raw, retry.suite, retry.prefix, true, ctx, config);
  retry.transcript.add(raw);
  return serverFlight(ch, retry.suite, shares[0]!, retry.transcript, retry.first, psk, ctx, config);
};

/** What a ticket keeps of the client's identity, from what HandshakeInfo reports of it. */
function storedClientOf(peer: PeerInfo, config: ResolvedServerConfig): StoredClient {
  if (peer.peerCertificates.length) {
    return {
      kind: 'certificate',
      received: peer.peerCertificates.map((c) => c.der),
      verified: peer.verifiedChain.map((c) => c.der),
      authorized: peer.authorized,
      error: peer.authorizationError && storedError(peer.authorizationError),
    };
  }
  if (config.clientAuth && peer.authorizationError) return { kind: 'absent', error: storedError(peer.authorizationError) };
  return { kind: 'not-requested' };
}

/** RFC 8446 §4.2.9: whether the client offers a PSK mode we accept (without one, a ticket could never resume). */
function resumableModes(ch: ClientHello, config: ResolvedServerConfig): boolean {
  const modes = ch.extensions.psk_key_exchange_modes ?? [];
  return modes.includes(PskKeyExchangeMode.psk_dhe_ke) || (config.pskKe && modes.includes(PskKeyExchangeMode.psk_ke));
}

/** A sealer that fails (it may be someone else's key service) opens nothing: the handshake goes on in full. */
function openTicket(tickets: TicketSealer, provider: CryptoProvider, identity: Uint8Array): { state: Uint8Array } | undefined {
  try {
    return tickets.open(provider, identity);
  } catch {
    return undefined;
  }
}

/**
 * RFC 8446 §4.2.11: the first offered identity that is one of our tickets, still valid, for this
 * suite's hash and server_name, with a plausible age; its binder must then verify (else
 * decrypt_error). Any other refusal only declines the PSK: the handshake goes on in full.
 * `prefix`: what precedes this ClientHello in the transcript (after a HelloRetryRequest).
 */
function choosePsk(
  ch: ClientHello,
  raw: Uint8Array,
  suite: Tls13Suite,
  prefix: readonly Uint8Array[],
  hasShare: boolean,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): PskChoice {
  const offered = ch.extensions.pre_shared_key;
  const tickets = config.tickets;
  if (!offered || !tickets) return undefined;
  const { provider } = ctx;
  // RFC 8446 §4.2.9: the modes the client allows; psk_dhe_ke needs its share (else HelloRetryRequest first).
  const modes = ch.extensions.psk_key_exchange_modes ?? [];
  const dhe = hasShare && modes.includes(PskKeyExchangeMode.psk_dhe_ke);
  if (!dhe && !(config.pskKe && modes.includes(PskKeyExchangeMode.psk_ke))) {
    return { declined: modes.includes(PskKeyExchangeMode.psk_dhe_ke) ? 'psk_dhe_ke needs a key share' : 'no PSK mode we accept' };
  }
  let declined = 'no identity is a ticket of ours';
  let binderTranscriptHash: Uint8Array | undefined;
  const now = provider.now();
  const tried = Math.min(offered.identities.length, MAX_PSK_IDENTITIES_TRIED);
  for (let i = 0; i < tried; i++) {
    const { identity, obfuscated_ticket_age } = offered.identities[i]!;
    const opened = openTicket(tickets, provider, identity);
    const state = opened && decodeTicketState(opened.state);
    if (!state) continue;
    const peer = pskRefusal(state, obfuscated_ticket_age, ch, suite, now, provider, config);
    if (typeof peer === 'string') {
      declined = peer;
      continue;
    }
    // RFC 8446 §4.2.11.2: the binder is a Finished over the ClientHello up to the binders, the
    // same for every identity (hashed in one shot: an incremental hash costs a native object per update).
    binderTranscriptHash ??= provider.hash(suite.hash, concatBytes([...prefix, truncatedClientHello(raw, ch)]));
    const binderKey = new EarlySecret(provider, suite, state.psk).binderKey('res');
    const expected = finishedVerifyData(provider, suite, binderKey, binderTranscriptHash);
    if (!provider.equal(expected, offered.binders[i]!)) {
      throw new TLSError(AlertDescription.decrypt_error, 'PSK binder does not verify');
    }
    return { resumption: { psk: state.psk, index: i, peer, dhe, authenticated: state.authenticated, ticket: state, identity } };
  }
  return { declined };
}

/** Why a ticket of ours may not resume with this ClientHello and configuration, or the client identity it restores. */
function pskRefusal(
  state: TicketState,
  obfuscatedTicketAge: number,
  ch: ClientHello,
  suite: Tls13Suite,
  now: number,
  provider: CryptoProvider,
  config: ResolvedServerConfig,
): PeerInfo | string {
  // RFC 8446 §4.2.11: the PSK's hash must be the selected suite's.
  if (tls13Suite(state.cipherSuite)?.hash !== suite.hash) return 'another hash';
  const age = now - state.created;
  if (age < 0 || age >= Math.min(state.lifetime, config.sessionTimeout) * 1000) return 'expired';
  // RFC 8446 §4.6.1: a chain of resumptions ends 7 days after the handshake that authenticated the peer.
  if (now - state.authenticated >= MAX_SESSION_TIMEOUT * 1000) return 'resumption chain too old';
  if (!bytesEqual(state.context, config.sessionIdContext)) return 'another sessionIdContext';
  // RFC 6066 §3: a session is bound to the name it was made for.
  if (state.serverName !== ch.extensions.server_name) return 'another server_name';
  // RFC 8446 §4.2.11.1: the client's age, unobfuscated, mod 2^32; §8.3: compared with ours.
  const clientAge = (obfuscatedTicketAge - state.ticketAgeAdd) >>> 0;
  if (Math.abs(clientAge - age) > TICKET_AGE_TOLERANCE) return 'ticket age out of the window';
  return restorePeer(state.client, now, provider, config);
}

/** RFC 8446 §4.4.2, §4.4.3: our Certificate and CertificateVerify. */
function sendCertificate(ch: ClientHello, certified: CertifiedKey, scheme: number, transcript: Transcript, ctx: HandshakeContext): void {
  // RFC 8446 §4.4.2.1: the status goes in the leaf's CertificateEntry, only if the client asked.
  // (An empty one, which selectCertificates could hand us unchecked, cannot be encoded: RFC 6066 §8.)
  const staple = ch.extensions.status_request && certified.ocsp?.length ? certified.ocsp : undefined;
  transcript.add(
    ctx.send(
      {
        type: 'certificate',
        certificate_request_context: new Uint8Array(0),
        certificate_list: certified.chain.map((cert_data, i) => ({
          cert_data,
          extensions: i === 0 && staple ? { status_request: staple, unknown: [] } : { unknown: [] },
        })),
      },
      () => `${certified.chain.length} cert(s)${staple ? ' +OCSP staple' : ''}`,
    ),
  );
  const signature = certified.key.sign(scheme, certificateVerifyContent('server', transcript.current()));
  transcript.add(ctx.send({ type: 'certificate_verify', algorithm: scheme, signature }, () => schemeName(scheme)));
}

/**
 * RFC 8446 §4.2.10: 0-RTT is read only on the first PSK identity, from a ticket that allowed it,
 * with the ticket's cipher suite and ALPN protocol, and (§8) only the first time the ticket
 * carries it. The claim comes last, so a ticket is used up only by early data we accept.
 */
function chooseEarlyData(
  resumption: Resumption | undefined,
  suite: Tls13Suite,
  alpnProtocol: string | false,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): EarlyDataChoice {
  if (!config.maxEarlyData || !config.antiReplay) return { accepted: false, reason: 'not enabled' };
  if (!resumption) return { accepted: false, reason: 'no PSK accepted' };
  const { ticket } = resumption;
  if (resumption.index !== 0) return { accepted: false, reason: 'not the first PSK' };
  if (!ticket.maxEarlyData) return { accepted: false, reason: 'the ticket allows none' };
  if (ticket.cipherSuite !== suite.id) return { accepted: false, reason: 'another cipher suite' };
  if (ticket.alpnProtocol !== alpnProtocol) return { accepted: false, reason: 'another ALPN protocol' };
  const { provider } = ctx;
  const id = provider.hash('sha256', resumption.identity);
  let claimed: boolean;
  try {
    claimed = config.antiReplay.claim(id, provider.now(), ticket.created + ticket.lifetime * 1000);
  } catch {
    claimed = false;
  }
  if (!claimed) return { accepted: false, reason: 'ticket already used for early data' };
  return { accepted: true, limit: Math.min(ticket.maxEarlyData, config.maxEarlyData) };
}

/**
 * ServerHello through our Finished, in one flight. `retried`: the first ClientHello, when this
 * answers the second one (after our HelloRetryRequest).
 */
function serverFlight(
  ch: ClientHello,
  suite: Tls13Suite,
  clientShare: KeyShareEntry | undefined,
  transcript: Transcript,
  retriedFrom: ClientHello | undefined,
  psk: PskChoice,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): Tls13ServerState {
  const { provider } = ctx;
  const retried = retriedFrom !== undefined;
  const resumption = psk && 'resumption' in psk ? psk.resumption : undefined;
  // RFC 8446 §2.2: a PSK handshake authenticates by the PSK, without a certificate.
  const signer = resumption ? undefined : chooseCertificate(ch, config);
  const alpnProtocol = chooseAlpn(ch, config);
  // psk_ke (RFC 8446 §4.2.9): no key exchange at all.
  const exchange = resumption && !resumption.dhe ? undefined : clientShare;
  // RFC 8446 §4.1.2: after a HelloRetryRequest the early data of the first ClientHello is rejected.
  const early: EarlyDataChoice | undefined = retriedFrom?.extensions.early_data
    ? { accepted: false, reason: 'HelloRetryRequest' }
    : ch.extensions.early_data
      ? chooseEarlyData(resumption, suite, alpnProtocol, ctx, config)
      : undefined;
  ctx.describe(() =>
    [
      cipherSuiteName(suite.id),
      exchange ? groupName(exchange.group) : 'psk_ke',
      ch.extensions.server_name && `sni=${ch.extensions.server_name}`,
      resumption && `resumed (identity ${resumption.index})`,
      psk && 'declined' in psk && `PSK declined (${psk.declined}): full handshake`,
      early && (early.accepted ? '0-RTT accepted' : `0-RTT rejected (${early.reason})`),
    ]
      .filter(Boolean)
      .join(' '),
  );
  const earlySecret = new EarlySecret(provider, suite, resumption?.psk);
  // RFC 8446 §7.1: client_early_traffic_secret over Transcript-Hash(ClientHello).
  const earlyTrafficSecret = early?.accepted ? earlySecret.clientEarlyTrafficSecret(transcript.current()) : undefined;

  const share: KeyShare | undefined = exchange ? provider.generateKeyShare(exchange.group)! : undefined;
  const shared = exchange ? share!.agree(exchange.key_exchange) : undefined;
  transcript.add(
    ctx.send(
      {
        type: 'server_hello',
        legacy_version: ProtocolVersion.TLS1_2,
        random: provider.randomBytes(32),
        legacy_session_id_echo: ch.legacy_session_id,
        cipher_suite: suite.id,
        legacy_compression_method: 0,
        extensions: {
          supported_versions: ProtocolVersion.TLS1_3,
          ...(share ? { key_share: { group: share.group, key_exchange: share.publicKey } } : {}),
          ...(resumption ? { pre_shared_key: resumption.index } : {}),
          unknown: [],
        },
      },
      () => `${cipherSuiteName(suite.id)} ${share ? groupName(share.group) : 'psk_ke'}${resumption ? ' psk' : ''}`,
    ),
  );
  if (!retried && ch.legacy_session_id.length) ctx.sendChangeCipherSpec();

  const handshakeSecret = earlySecret.handshakeSecret(shared);
  let th = transcript.current();
  const clientHandshakeSecret = handshakeSecret.clientHandshakeTrafficSecret(th);
  const serverHandshakeSecret = handshakeSecret.serverHandshakeTrafficSecret(th);
  ctx.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', ch.random, clientHandshakeSecret);
  ctx.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', ch.random, serverHandshakeSecret);
  ctx.setWriteKeys(suite, serverHandshakeSecret, 'handshake');
  if (earlyTrafficSecret && early?.accepted) {
    ctx.keylog('CLIENT_EARLY_TRAFFIC_SECRET', ch.random, earlyTrafficSecret);
    ctx.setReadKeys(suite, earlyTrafficSecret, 'early');
    ctx.acceptEarlyData(early.limit);
  } else {
    ctx.setReadKeys(suite, clientHandshakeSecret, 'handshake');
    // RFC 8446 §4.2.10: records under the early keys fail to decrypt under these; skip them.
    if (ch.extensions.early_data) ctx.skipEarlyData('undecryptable');
  }

  const clientRecordSizeLimit = ch.extensions.record_size_limit;
  // RFC 8449 §4: the client's limit covers every protected record we send, this flight included.
  if (clientRecordSizeLimit !== undefined) ctx.setRecordSizeLimit(clientRecordSizeLimit, config.recordSizeLimit);
  transcript.add(
    ctx.send(
      {
        type: 'encrypted_extensions',
        extensions: {
          // RFC 6066 §3: the name guided our certificate choice (chooseCertificate), so it is acknowledged.
          ...(ch.extensions.server_name !== undefined ? { server_name: true as const } : {}),
          ...(config.advertiseGroups ? { supported_groups: [...config.groups] } : {}),
          ...(alpnProtocol ? { alpn: alpnProtocol } : {}),
          ...(clientRecordSizeLimit !== undefined ? { record_size_limit: config.recordSizeLimit } : {}),
          ...(early?.accepted ? { early_data: true as const } : {}),
          unknown: [],
        },
      },
      alpnProtocol || early?.accepted ? () => [alpnProtocol && `alpn=${alpnProtocol}`, early?.accepted && 'early_data'].filter(Boolean).join(' ') : undefined,
      ENCRYPTED_EXTENSIONS_ENCODING,
    ),
  );
  // RFC 8446 §4.3.2: CertificateRequest, if sent, MUST follow EncryptedExtensions.
  const clientAuth = resumption || config.clientAuth?.postHandshakeOnly ? undefined : config.clientAuth;
  if (clientAuth) {
    const names = clientAuth.request.extensions.certificate_authorities?.length;
    transcript.add(ctx.send(clientAuth.request, names ? `${names} certificate authorities` : undefined));
  }
  if (signer) sendCertificate(ch, signer.certified, signer.scheme, transcript, ctx);
  const verifyData = finishedVerifyData(provider, suite, serverHandshakeSecret, transcript.current());
  transcript.add(ctx.send({ type: 'finished', verify_data: verifyData }));

  const master = handshakeSecret.masterSecret();
  th = transcript.current();
  const clientApplicationSecret = master.clientApplicationTrafficSecret(th);
  const serverApplicationSecret = master.serverApplicationTrafficSecret(th);
  ctx.keylog('CLIENT_TRAFFIC_SECRET_0', ch.random, clientApplicationSecret);
  ctx.keylog('SERVER_TRAFFIC_SECRET_0', ch.random, serverApplicationSecret);
  let exporterSecret: Uint8Array | undefined;
  const exporterMasterSecret = () => (exporterSecret ??= master.exporterMasterSecret(th));
  ctx.keylog('EXPORTER_SECRET', ch.random, exporterMasterSecret);
  ctx.setExporter((label, context, length) =>
    exportKeyingMaterial(ctx.provider, suite, exporterMasterSecret(), label, context, length),
  );
  ctx.setWriteKeys(suite, serverApplicationSecret, 'application');

  const flight: Flight = {
    suite,
    transcript,
    clientHandshakeSecret,
    clientApplicationSecret,
    serverApplicationSecret,
    master,
    authenticated: resumption?.authenticated,
    ticketsUsable: resumableModes(ch, config),
    postHandshakeAuth: ch.extensions.post_handshake_auth === true,
    info: {
      version: 'TLSv1.3',
      cipherSuite: suite.id,
      cipherSuiteName: suite.name,
      group: share?.group ?? 0,
      groupName: share ? (groupInfo(share.group)?.name ?? groupName(share.group)) : 'none',
      signatureScheme: signer?.scheme ?? 0,
      signatureSchemeName: signer ? schemeName(signer.scheme) : 'none',
      alpnProtocol,
      serverName: ch.extensions.server_name,
      peerCertificates: [],
      verifiedChain: [],
      authorized: false,
      authorizationError: undefined,
      helloRetryRequest: retried,
      ...(resumption ? { ...resumption.peer, resumed: true } : {}),
      ...(early ? { earlyData: early.accepted ? 'accepted' : 'rejected' } : {}),
    },
  };
  if (resumption && early?.accepted) return { kind: 'ExpectEndOfEarlyData', flight, client: { kind: 'resumed', peer: resumption.peer } };
  if (resumption) return { kind: 'ExpectFinished', flight, client: { kind: 'resumed', peer: resumption.peer } };
  if (clientAuth) return { kind: 'ExpectCertificate', flight, clientAuth };
  return { kind: 'ExpectFinished', flight, client: { kind: 'not-requested' } };
}

/**
 * RFC 8446 §4.4.2: the client's Certificate. Empty: certificate_required when required
 * (§4.4.2.4), else the handshake goes on without one. Otherwise the chain is validated for
 * clientAuth at the provider's time; with clientAuth.required false a failure is recorded, not
 * sent (node:tls rejectUnauthorized: false).
 */
const onCertificate: Handler<Extract<Tls13ServerState, { kind: 'ExpectCertificate' }>> = (state, msg, raw, ctx) => {
  const cert = expect(msg, 'certificate', state.kind);
  const { flight, clientAuth } = state;
  // RFC 8446 §4.4.2: the context echoes the CertificateRequest's, which was empty.
  const read = readClientCertificate(cert, new Uint8Array(0), clientAuth, ctx);
  flight.transcript.add(raw);
  if ('absent' in read) return { kind: 'ExpectFinished', flight, client: read.absent };
  return { kind: 'ExpectCertificateVerify', flight, clientAuth, certificate: read.certificate, received: read.received };
};

/**
 * The client's Certificate (in the handshake, or after it: RFC 8446 §4.6.2), checked: its context
 * echoes our CertificateRequest's; empty, it is certificate_required when required (§4.4.2.4), else
 * the client goes unauthenticated; otherwise the chain is validated for clientAuth.
 */
function readClientCertificate(
  cert: Extract<HandshakeMessage, { type: 'certificate' }>,
  context: Uint8Array,
  clientAuth: ResolvedClientAuth,
  ctx: HandshakeContext,
): { absent: Extract<ClientIdentity, { kind: 'absent' }> } | { certificate: CertificateOutcome; received: Uint8Array[] } {
  if (!bytesEqual(cert.certificate_request_context, context)) throw illegalParameter('client Certificate context does not echo our CertificateRequest\'s');
  if (cert.certificate_list.length === 0) {
    if (clientAuth.required) {
      // node:tls reports this failure with OpenSSL's reason code.
      throw new TLSError(AlertDescription.certificate_required, 'client sent no certificate', {
        code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
      });
    }
    ctx.describe('empty: no client certificate');
    // node:tls's authorizationError for a client that sent none (OpenSSL's default verify result).
    const error = new TLSError(AlertDescription.certificate_required, 'client sent no certificate', { code: 'UNABLE_TO_GET_ISSUER_CERT' });
    return { absent: { kind: 'absent', error } };
  }
  if (cert.certificate_list.length > MAX_CERTIFICATE_CHAIN) {
    throw new TLSError(AlertDescription.bad_certificate, `client sent more than ${MAX_CERTIFICATE_CHAIN} certificates`);
  }
  // RFC 8446 §4.4.2: CertificateEntry extensions answer ones in our CertificateRequest, which
  // asked for none (§4.2: else unsupported_extension).
  if (cert.certificate_list.some((e) => e.extensions.unknown.length > 0 || e.extensions.status_request !== undefined)) {
    throw new TLSError(AlertDescription.unsupported_extension, 'client sent a certificate extension we did not request');
  }
  const received = cert.certificate_list.map((e) => e.cert_data);
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
  return { certificate, received };
}

/** RFC 8446 §4.4.3: signed with a scheme from our CertificateRequest, over the transcript so far. */
const onCertificateVerify: Handler<Extract<Tls13ServerState, { kind: 'ExpectCertificateVerify' }>> = (state, msg, raw, ctx) => {
  const cv = expect(msg, 'certificate_verify', state.kind);
  const { flight } = state;
  const client = verifyClientSignature(cv, state.certificate, state.received, state.clientAuth, flight.transcript, ctx);
  flight.transcript.add(raw);
  return { kind: 'ExpectFinished', flight, client };
};

/** RFC 8446 §4.4.3: the client's CertificateVerify, with a scheme we asked for, over `transcript`. */
function verifyClientSignature(
  cv: Extract<HandshakeMessage, { type: 'certificate_verify' }>,
  certificate: CertificateOutcome,
  received: Uint8Array[],
  clientAuth: ResolvedClientAuth,
  transcript: Transcript,
  ctx: HandshakeContext,
): Extract<ClientIdentity, { kind: 'certificate' }> {
  const signature = verifyCertificateVerify('client', cv, certificate.leaf, clientAuth.signatureSchemes, transcript.current());
  ctx.describe(() => schemeName(cv.algorithm));
  return { kind: 'certificate', certificate: certificate.proof, signature, outcome: certificate, received };
}

/** The client's identity as HandshakeInfo (and so TLSSocket's authorized, getPeerCertificate) reports it. */
export function peerInfo(
  client: ClientIdentity | ResumedClient,
  ctx: HandshakeContext,
): Pick<HandshakeInfo, 'peerCertificates' | 'verifiedChain' | 'authorized' | 'authorizationError'> {
  switch (client.kind) {
    case 'resumed':
      return client.peer;
    case 'not-requested':
      return { peerCertificates: [], verifiedChain: [], authorized: false, authorizationError: undefined };
    case 'absent':
      return { peerCertificates: [], verifiedChain: [], authorized: false, authorizationError: client.error };
    case 'certificate': {
      const { outcome } = client;
      const rest = client.received.slice(1).map((der) => {
        try {
          return ctx.provider.parseCertificate(der);
        } catch {
          return undefined;
        }
      });
      return {
        peerCertificates: [outcome.leaf, ...rest.filter((c) => c !== undefined)],
        verifiedChain: outcome.chain,
        authorized: outcome.authorized,
        authorizationError: outcome.error,
      };
    }
  }
}

/**
 * RFC 8446 §4.6.1: tickets for this connection, each with its own nonce (so its own PSK) and
 * ticket_age_add. A ticket that cannot be sealed is not sent; the connection is not affected.
 */
function sendTickets(flight: Flight, info: HandshakeInfo, ctx: HandshakeContext, config: ResolvedServerConfig): void {
  const { tickets, tls13Tickets } = config;
  const { provider } = ctx;
  const now = provider.now();
  const authenticated = flight.authenticated ?? now;
  // RFC 8446 §4.6.1: a chain of resumptions lasts at most 7 days from the handshake that
  // authenticated the peer, so a resumed connection's tickets live only what is left of it.
  const remaining = Math.floor((authenticated + MAX_SESSION_TIMEOUT * 1000 - now) / 1000);
  const lifetime = Math.min(config.sessionTimeout, remaining);
  // A lifetime of 0 tells the client to discard the ticket at once (RFC 8446 §4.6.1): send none.
  // RFC 8446 §4.2.9: servers SHOULD NOT send tickets incompatible with the client's modes.
  if (!tickets || tls13Tickets === 0 || lifetime <= 0 || !flight.ticketsUsable) return;
  const { suite } = flight;
  const resumptionMasterSecret = flight.master.resumptionMasterSecret(flight.transcript.current());
  const client = storedClientOf(info, config);
  // Every ticket_age_add at once: one call to the provider's randomness instead of one per ticket.
  const ageAdds = provider.randomBytes(4 * tls13Tickets);
  const extensions = config.maxEarlyData ? { early_data: config.maxEarlyData, unknown: [] } : { unknown: [] };
  const detail = () => `lifetime=${lifetime}s${config.maxEarlyData ? ` max_early_data=${config.maxEarlyData}` : ''}`;
  for (let i = 0; i < tls13Tickets; i++) {
    const nonce = Uint8Array.of(i);
    const at = 4 * i;
    const ticketAgeAdd = ((ageAdds[at]! << 24) | (ageAdds[at + 1]! << 16) | (ageAdds[at + 2]! << 8) | ageAdds[at + 3]!) >>> 0;
    const state = encodeTicketState({
      version: ProtocolVersion.TLS1_3,
      cipherSuite: suite.id,
      psk: resumptionPsk(provider, suite, resumptionMasterSecret, nonce),
      ticketAgeAdd,
      created: now,
      authenticated,
      lifetime,
      maxEarlyData: config.maxEarlyData,
      context: config.sessionIdContext,
      serverName: info.serverName,
      alpnProtocol: info.alpnProtocol,
      client,
    });
    if (!state) return;
    let ticket: Uint8Array;
    try {
      ticket = tickets.seal(provider, state);
    } catch {
      return; // a shared key service that failed: no ticket, the connection goes on
    }
    // RFC 8446 §4.6.1: opaque ticket<1..2^16-1>.
    if (ticket.length < 1 || ticket.length > 0xffff) return;
    ctx.send(
      { type: 'new_session_ticket', ticket_lifetime: lifetime, ticket_age_add: ticketAgeAdd, ticket_nonce: nonce, ticket, extensions },
      detail,
    );
  }
}

/** RFC 8446 §4.5: the end of the client's 0-RTT data; its next messages come under the handshake keys. */
const onEndOfEarlyData: Handler<Extract<Tls13ServerState, { kind: 'ExpectEndOfEarlyData' }>> = (state, msg, raw, ctx) => {
  expect(msg, 'end_of_early_data', state.kind);
  const { flight } = state;
  flight.transcript.add(raw);
  ctx.setReadKeys(flight.suite, flight.clientHandshakeSecret, 'handshake');
  return { kind: 'ExpectFinished', flight, client: state.client };
};

const onFinished: Handler<Extract<Tls13ServerState, { kind: 'ExpectFinished' }>> = (state, msg, raw, ctx, config) => {
  const fin = expect(msg, 'finished', state.kind);
  const { flight, client } = state;
  const finished = verifyFinished(ctx.provider, flight.suite, flight.clientHandshakeSecret, flight.transcript.current(), fin);
  flight.transcript.add(raw);
  ctx.setReadKeys(flight.suite, flight.clientApplicationSecret, 'application');
  const info = client.kind === 'not-requested' ? flight.info : { ...flight.info, ...peerInfo(client, ctx) };
  ctx.complete(info);
  sendTickets(flight, info, ctx, config);
  return {
    kind: 'Traffic',
    role: 'server',
    suite: flight.suite,
    readSecret: flight.clientApplicationSecret,
    writeSecret: flight.serverApplicationSecret,
    keyUpdates: 0,
    finished,
    client,
    ...(flight.postHandshakeAuth ? { postHandshake: { transcript: flight.transcript, pending: undefined } } : {}),
  };
};

/**
 * Why a post-handshake CertificateRequest cannot be sent now (RFC 8446 §4.6.2), or undefined:
 * it needs a TLS 1.3 connection past its handshake, a client that offered post_handshake_auth,
 * clientAuth configured (the verifier), and no request in progress.
 */
export function postHandshakeAuthRefusal(state: ServerState, config: ResolvedServerConfig): string | undefined {
  if (state.kind !== 'Traffic' || 'version' in state) return 'post-handshake authentication needs a TLS 1.3 connection past its handshake';
  if (!config.clientAuth) return 'post-handshake authentication needs clientAuth (a verifier for the client certificate)';
  if (!state.postHandshake) return 'the client did not offer post_handshake_auth';
  if (state.postHandshake.pending) return 'a certificate request is already in progress';
  return undefined;
}

/** RFC 8446 §4.6.2: a CertificateRequest with a fresh, unpredictable context. Check postHandshakeAuthRefusal first. */
export function requestClientCertificate(state: ServerTrafficState, ctx: HandshakeContext, config: ResolvedServerConfig): ServerTrafficState {
  const clientAuth = config.clientAuth!;
  const auth = state.postHandshake!;
  const context = ctx.provider.randomBytes(16);
  const transcript = auth.transcript.fork();
  transcript.add(ctx.send({ ...clientAuth.request, certificate_request_context: context }, 'post-handshake'));
  return { ...state, postHandshake: { transcript: auth.transcript, pending: { stage: 'certificate', context, transcript, clientAuth } } };
}

/**
 * RFC 8446 §4.6.2: the client's answer, in order, under the application keys. Its Finished is
 * keyed by the client's current application traffic secret (RFC 8446 §4.4 table). Then the
 * connection's client identity is the new one, reported as a 'peer-authenticated' event.
 */
function onPostHandshakeAuth(
  state: ServerTrafficState,
  auth: PostHandshakeAuth,
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
): ServerTrafficState {
  const pending = auth.pending!;
  const { transcript } = pending;
  switch (pending.stage) {
    case 'certificate': {
      const cert = expect(msg, 'certificate', 'ExpectPostHandshakeCertificate');
      const read = readClientCertificate(cert, pending.context, pending.clientAuth, ctx);
      transcript.add(raw);
      const next: PostHandshakeAuth['pending'] =
        'absent' in read
          ? { stage: 'finished', context: pending.context, transcript, client: read.absent }
          : { stage: 'certificate_verify', context: pending.context, transcript, clientAuth: pending.clientAuth, ...read };
      return { ...state, postHandshake: { ...auth, pending: next } };
    }
    case 'certificate_verify': {
      const cv = expect(msg, 'certificate_verify', 'ExpectPostHandshakeCertificateVerify');
      const client = verifyClientSignature(cv, pending.certificate, pending.received, pending.clientAuth, transcript, ctx);
      transcript.add(raw);
      return { ...state, postHandshake: { ...auth, pending: { stage: 'finished', context: pending.context, transcript, client } } };
    }
    case 'finished': {
      const fin = expect(msg, 'finished', 'ExpectPostHandshakeFinished');
      verifyFinished(ctx.provider, state.suite, state.readSecret, transcript.current(), fin);
      ctx.emit({ type: 'peer-authenticated', peer: peerInfo(pending.client, ctx) });
      return { ...state, client: pending.client, postHandshake: { ...auth, pending: undefined } };
    }
  }
}

const handlers: { [K in Tls13ServerState['kind']]: Handler<Extract<Tls13ServerState, { kind: K }>> } = {
  ExpectClientHello: onClientHello,
  ExpectClientHelloAfterRetry: onClientHelloAfterRetry,
  ExpectCertificate: onCertificate,
  ExpectCertificateVerify: onCertificateVerify,
  ExpectEndOfEarlyData: onEndOfEarlyData,
  ExpectFinished: onFinished,
  Traffic: (state, msg, raw, ctx) => {
    const auth = state.postHandshake;
    // RFC 8446 §4.6.2: while a request is in progress, its answer comes first (KeyUpdates aside).
    if (auth?.pending && msg.type !== 'key_update') return onPostHandshakeAuth(state, auth, msg, raw, ctx);
    return handleTraffic(state, msg, ctx);
  },
};

export function handleServerMessage(
  state: Tls13ServerState,
  msg: HandshakeMessage,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): ServerState {
  const handler = handlers[state.kind] as Handler<Tls13ServerState>;
  return handler(state, msg, raw, ctx, config);
}
