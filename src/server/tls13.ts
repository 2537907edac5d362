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
 *   [Application Data]             <------->  [Application Data]
 */
import { bytesEqual } from '../bytes.js';
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
import { EarlySecret, exportKeyingMaterial, finishedVerifyData } from '../tls13/key-schedule.js';
import {
  AlertDescription,
  ExtensionType,
  ProtocolVersion,
  cipherSuiteName,
  groupName,
  isGrease,
  schemeName,
} from '../wire/codes.js';
import type { ClientHello, HandshakeMessage, KeyShareEntry } from '../wire/types.js';
import type { CertifiedKey, ResolvedClientAuth, ResolvedServerConfig } from './config.js';
import { chooseVersion } from './hello.js';
import { startTls12 } from './tls12.js';

interface Retry {
  transcript: Transcript;
  suite: Tls13Suite;
  group: number;
  first: ClientHello;
}

/** What the server keeps from its flight until the client's Finished. */
interface Flight {
  suite: Tls13Suite;
  transcript: Transcript;
  clientHandshakeSecret: Uint8Array;
  clientApplicationSecret: Uint8Array;
  serverApplicationSecret: Uint8Array;
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

export type ServerTrafficState = TrafficState & { client: ClientIdentity };

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
  | { kind: 'ExpectFinished'; flight: Flight; client: ClientIdentity }
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
  // We accept no 0-RTT data (RFC 8446 §4.2.10): skip what the client sent under early keys.
  if (entry) {
    if (ch.extensions.early_data) ctx.skipEarlyData('undecryptable');
    return serverFlight(ch, suite, entry, transcript, false, ctx, config);
  }

  const group = config.groups.find((g) => ch.extensions.supported_groups!.includes(g) && ctx.provider.supportsGroup(g));
  if (group === undefined) throw handshakeFailure('no key exchange group in common');
  // Validate the rest now, so a hopeless ClientHello fails before a round trip.
  chooseCertificate(ch, config);
  chooseAlpn(ch, config);

  ctx.describe(() => `no usable share: retry with ${groupName(group)}`);
  if (ch.extensions.early_data) ctx.skipEarlyData('application_data');
  transcript.replaceWithMessageHash();
  transcript.add(
    ctx.send(
      {
        type: 'hello_retry_request',
        legacy_version: ProtocolVersion.TLS1_2,
        legacy_session_id_echo: ch.legacy_session_id,
        cipher_suite: suite.id,
        legacy_compression_method: 0,
        extensions: { supported_versions: ProtocolVersion.TLS1_3, key_share: group, unknown: [] },
      },
      `${cipherSuiteName(suite.id)} group=${groupName(group)}`,
    ),
  );
  // RFC 8446 §D.4: the compatibility CCS follows our first handshake message.
  if (ch.legacy_session_id.length) ctx.sendChangeCipherSpec();
  return { kind: 'ExpectClientHelloAfterRetry', retry: { transcript, suite, group, first: ch } };
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
  retry.transcript.add(raw);
  return serverFlight(ch, retry.suite, shares[0]!, retry.transcript, true, ctx, config);
};

/** ServerHello through our Finished, in one flight. */
function serverFlight(
  ch: ClientHello,
  suite: Tls13Suite,
  clientShare: KeyShareEntry,
  transcript: Transcript,
  retried: boolean,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): Tls13ServerState {
  const { provider } = ctx;
  const { certified, scheme } = chooseCertificate(ch, config);
  const alpnProtocol = chooseAlpn(ch, config);
  ctx.describe(() =>
    [cipherSuiteName(suite.id), groupName(clientShare.group), ch.extensions.server_name && `sni=${ch.extensions.server_name}`]
      .filter(Boolean)
      .join(' '),
  );

  const share: KeyShare = provider.generateKeyShare(clientShare.group)!;
  const shared = share.agree(clientShare.key_exchange);
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
          key_share: { group: share.group, key_exchange: share.publicKey },
          unknown: [],
        },
      },
      () => `${cipherSuiteName(suite.id)} ${groupName(share.group)}`,
    ),
  );
  if (!retried && ch.legacy_session_id.length) ctx.sendChangeCipherSpec();

  const handshakeSecret = new EarlySecret(provider, suite).handshakeSecret(shared);
  let th = transcript.current();
  const clientHandshakeSecret = handshakeSecret.clientHandshakeTrafficSecret(th);
  const serverHandshakeSecret = handshakeSecret.serverHandshakeTrafficSecret(th);
  ctx.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', ch.random, clientHandshakeSecret);
  ctx.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', ch.random, serverHandshakeSecret);
  ctx.setWriteKeys(suite, serverHandshakeSecret, 'handshake');
  ctx.setReadKeys(suite, clientHandshakeSecret, 'handshake');

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
          unknown: [],
        },
      },
      alpnProtocol ? () => `alpn=${alpnProtocol}` : undefined,
      ENCRYPTED_EXTENSIONS_ENCODING,
    ),
  );
  // RFC 8446 §4.3.2: CertificateRequest, if sent, MUST follow EncryptedExtensions.
  const { clientAuth } = config;
  if (clientAuth) {
    const names = clientAuth.request.extensions.certificate_authorities?.length;
    transcript.add(ctx.send(clientAuth.request, names ? `${names} certificate authorities` : undefined));
  }
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
    info: {
      version: 'TLSv1.3',
      cipherSuite: suite.id,
      cipherSuiteName: suite.name,
      group: share.group,
      groupName: groupInfo(share.group)?.name ?? groupName(share.group),
      signatureScheme: scheme,
      signatureSchemeName: schemeName(scheme),
      alpnProtocol,
      serverName: ch.extensions.server_name,
      peerCertificates: [],
      verifiedChain: [],
      authorized: false,
      authorizationError: undefined,
      helloRetryRequest: retried,
    },
  };
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
  if (cert.certificate_request_context.length !== 0) throw illegalParameter('client Certificate context must be empty');
  if (cert.certificate_list.length === 0) {
    if (clientAuth.required) {
      // node:tls reports this failure with OpenSSL's reason code.
      throw new TLSError(AlertDescription.certificate_required, 'client sent no certificate', {
        code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
      });
    }
    ctx.describe('empty: no client certificate');
    flight.transcript.add(raw);
    // node:tls's authorizationError for a client that sent none (OpenSSL's default verify result).
    const error = new TLSError(AlertDescription.certificate_required, 'client sent no certificate', { code: 'UNABLE_TO_GET_ISSUER_CERT' });
    return { kind: 'ExpectFinished', flight, client: { kind: 'absent', error } };
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
  flight.transcript.add(raw);
  return { kind: 'ExpectCertificateVerify', flight, clientAuth, certificate, received };
};

/** RFC 8446 §4.4.3: signed with a scheme from our CertificateRequest, over the transcript so far. */
const onCertificateVerify: Handler<Extract<Tls13ServerState, { kind: 'ExpectCertificateVerify' }>> = (state, msg, raw, ctx) => {
  const cv = expect(msg, 'certificate_verify', state.kind);
  const { flight, certificate } = state;
  const signature = verifyCertificateVerify(
    'client',
    cv,
    certificate.leaf,
    state.clientAuth.signatureSchemes,
    flight.transcript.current(),
  );
  ctx.describe(() => schemeName(cv.algorithm));
  flight.transcript.add(raw);
  return {
    kind: 'ExpectFinished',
    flight,
    client: {
      kind: 'certificate',
      certificate: certificate.proof,
      signature,
      outcome: certificate,
      received: state.received,
    },
  };
};

/** The client's identity as HandshakeInfo (and so TLSSocket's authorized, getPeerCertificate) reports it. */
export function peerInfo(
  client: ClientIdentity,
  ctx: HandshakeContext,
): Pick<HandshakeInfo, 'peerCertificates' | 'verifiedChain' | 'authorized' | 'authorizationError'> {
  switch (client.kind) {
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

const onFinished: Handler<Extract<Tls13ServerState, { kind: 'ExpectFinished' }>> = (state, msg, raw, ctx) => {
  const fin = expect(msg, 'finished', state.kind);
  const { flight, client } = state;
  const finished = verifyFinished(ctx.provider, flight.suite, flight.clientHandshakeSecret, flight.transcript.current(), fin);
  flight.transcript.add(raw);
  ctx.setReadKeys(flight.suite, flight.clientApplicationSecret, 'application');
  ctx.complete(client.kind === 'not-requested' ? flight.info : { ...flight.info, ...peerInfo(client, ctx) });
  return {
    kind: 'Traffic',
    role: 'server',
    suite: flight.suite,
    readSecret: flight.clientApplicationSecret,
    writeSecret: flight.serverApplicationSecret,
    keyUpdates: 0,
    finished,
    client,
  };
};

const handlers: { [K in Tls13ServerState['kind']]: Handler<Extract<Tls13ServerState, { kind: K }>> } = {
  ExpectClientHello: onClientHello,
  ExpectClientHelloAfterRetry: onClientHelloAfterRetry,
  ExpectCertificate: onCertificate,
  ExpectCertificateVerify: onCertificateVerify,
  ExpectFinished: onFinished,
  Traffic: (state, msg, _raw, ctx) => ({ ...handleTraffic(state, msg, ctx), client: state.client }),
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
