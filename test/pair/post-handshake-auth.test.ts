// Post-handshake client authentication, RFC 8446 §4.2.6, §4.6.2: our server asks after the
// handshake (requestClientCertificate), our client answers under the application keys, and the
// server validates the chain and CertificateVerify and checks the Finished. Each failure gets its
// alert; requests a client did not offer to answer, or that arrive unasked, are refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import type { ConnectionEvent } from '../../src/events.js';
import type { ClientAuthConfig, ServerConfig } from '../../src/server/config.js';
import { AlertDescription, ContentType, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type { CertificateRequest } from '../../src/wire/types.js';
import { certifiedKey, clientFor, serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { type Pair, failure, makePair, received } from '../helpers/pair.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { ScriptedClient, ScriptedServer } from '../helpers/scripted.js';

const serverPki = cachedPki();
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });
const strangerPki = cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });

const identity = (pki: Pki): ClientConfig['certificate'] => {
  const c = certifiedKey(pki.leaf, pki.intermediate);
  return { chain: c.chain, key: c.key };
};

const server = (auth: Partial<ClientAuthConfig> = {}, overrides: Partial<ServerConfig> = {}): ServerConfig =>
  serverFor(serverPki, {
    clientAuth: { verifier: verifierTrusting(clientPki.root), required: true, postHandshakeOnly: true, ...auth },
    ...overrides,
  });

const client = (pki: Pki | undefined, overrides: ClientConfig = {}): ClientConfig =>
  clientFor(serverPki, { postHandshakeAuth: true, ...(pki ? { certificate: identity(pki) } : {}), ...overrides });

const authenticated = (events: ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'peer-authenticated' ? [e.peer] : []));

const sentNames = (events: ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'trace' && e.event.direction === 'sent' ? [`${e.event.name}/${e.event.protection}`] : []));

/** A completed handshake, then one post-handshake request answered. */
function authenticate(serverConfig: ServerConfig, clientConfig: ClientConfig): Pair {
  const p = makePair(clientConfig, serverConfig);
  assert.ok(p.server.handshakeComplete, failure(p.serverEvents)?.message);
  p.server.requestClientCertificate();
  p.run();
  return p;
}

function failsWith(error: ReturnType<typeof failure>, alert: number): void {
  assert.ok(error, 'failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
}

describe('post-handshake authentication', () => {
  test('the handshake asks nothing; the request is answered and the client is then authorized', () => {
    const p = makePair(client(clientPki), server());
    assert.ok(!sentNames(p.serverEvents).includes('CertificateRequest/handshake'), 'no CertificateRequest in the handshake');
    assert.equal(p.server.handshakeInfo?.authorized, false);
    assert.equal(p.server.handshakeInfo?.peerCertificates.length, 0);

    p.server.requestClientCertificate();
    p.run();
    assert.equal(failure(p.serverEvents), undefined);
    assert.equal(failure(p.clientEvents), undefined);
    const [peer] = authenticated(p.serverEvents);
    assert.ok(peer, 'a peer-authenticated event');
    assert.equal(peer.authorized, true);
    assert.match(peer.peerCertificates[0]!.subject, /client one/);
    assert.equal(p.server.handshakeInfo?.authorized, true, 'handshakeInfo follows');
    assert.equal(p.server.handshakeInfo?.peerCertificates[0]?.subject, peer.peerCertificates[0]!.subject);
    assert.deepEqual(sentNames(p.clientEvents).slice(-3), ['Certificate/application', 'CertificateVerify/application', 'Finished/application']);
    assert.deepEqual(sentNames(p.serverEvents).slice(-1), ['CertificateRequest/application']);

    // The connection goes on; a second request is answered over the handshake transcript again.
    p.client.write(new TextEncoder().encode('after'));
    p.server.requestClientCertificate();
    p.run();
    assert.equal(authenticated(p.serverEvents).length, 2);
    assert.equal(received(p.serverEvents), 'after');
  });

  test('a client without a certificate answers with an empty one: certificate_required when required', () => {
    const p = authenticate(server(), client(undefined));
    failsWith(failure(p.serverEvents), AlertDescription.certificate_required);
  });

  test('not required: an empty answer leaves the client unauthorized, with the reason', () => {
    const p = authenticate(server({ required: false }), client(undefined));
    assert.equal(failure(p.serverEvents), undefined);
    const [peer] = authenticated(p.serverEvents);
    assert.equal(peer?.authorized, false);
    assert.equal(peer?.peerCertificates.length, 0);
    assert.ok(peer?.authorizationError);
  });

  test('a chain from an untrusted root: unknown_ca when required, recorded when not', () => {
    failsWith(failure(authenticate(server(), client(strangerPki)).serverEvents), AlertDescription.unknown_ca);
    const p = authenticate(server({ required: false }), client(strangerPki));
    assert.equal(failure(p.serverEvents), undefined);
    const [peer] = authenticated(p.serverEvents);
    assert.equal(peer?.authorized, false);
    assert.match(peer!.peerCertificates[0]!.subject, /stranger/);
  });

  test('a handshake that asked already may ask again after it', () => {
    const p = authenticate(server({ postHandshakeOnly: false }), client(clientPki));
    assert.equal(p.server.handshakeInfo?.authorized, true);
    assert.equal(authenticated(p.serverEvents).length, 1);
  });
});

describe('refusals', () => {
  test('the server cannot ask a client that did not offer post_handshake_auth, nor ask twice at once', () => {
    const p = makePair(client(clientPki, { postHandshakeAuth: false }), server());
    assert.throws(() => p.server.requestClientCertificate(), /did not offer post_handshake_auth/);
    const q = makePair(client(clientPki), server());
    q.server.requestClientCertificate();
    assert.throws(() => q.server.requestClientCertificate(), /already in progress/);
    q.run();
    assert.equal(authenticated(q.serverEvents).length, 1);
  });

  test('no clientAuth configured, TLS 1.2, or a client connection: a plain Error, the connection unharmed', () => {
    const noAuth = makePair(client(clientPki), serverFor(serverPki));
    assert.throws(() => noAuth.server.requestClientCertificate(), /needs clientAuth/);
    const tls12 = makePair(client(clientPki, { maxVersion: 'TLSv1.2' }), server());
    assert.throws(() => tls12.server.requestClientCertificate(), /TLS 1\.3/);
    assert.throws(() => noAuth.client.requestClientCertificate(), /only a server/);
    assert.equal(noAuth.server.open, true);
    assert.equal(tls12.server.open, true);
  });

  test('a TLS 1.2 client is never asked by a postHandshakeOnly server', () => {
    const p = makePair(client(clientPki, { maxVersion: 'TLSv1.2' }), server());
    assert.ok(p.server.handshakeComplete);
    assert.ok(!sentNames(p.serverEvents).some((n) => n.startsWith('CertificateRequest')));
  });

  test('a client that did not offer post_handshake_auth: a CertificateRequest is unexpected_message', () => {
    const s = scriptedServer(client(clientPki, { postHandshakeAuth: false }));
    s.sendEncrypted(certificateRequest(Uint8Array.of(1, 2, 3)));
    failsWith(s.failure, AlertDescription.unexpected_message);
  });

  test('a post-handshake CertificateRequest with an empty context: illegal_parameter', () => {
    const s = scriptedServer(client(clientPki));
    s.sendEncrypted(certificateRequest(new Uint8Array(0)));
    failsWith(s.failure, AlertDescription.illegal_parameter);
  });

  test('a flood of CertificateRequests without application data is refused', () => {
    const s = scriptedServer(client(clientPki));
    for (let i = 0; i < 40 && !s.failure; i++) s.sendEncrypted(certificateRequest(Uint8Array.of(i + 1)));
    failsWith(s.failure, AlertDescription.unexpected_message);
  });
});

/** Our client after a full handshake with a scripted server that now writes under its application key. */
function scriptedServer(config: ClientConfig): ScriptedServer {
  const s = new ScriptedServer(config);
  const cert = certifiedKey(serverPki.leaf, serverPki.intermediate);
  s.sendHello(s.serverHello());
  s.sendFlight(cert, SignatureScheme.ecdsa_secp256r1_sha256);
  assert.ok(s.completed, String(s.failure?.message));
  s.startApplicationData();
  return s;
}

const certificateRequest = (context: Uint8Array): CertificateRequest => ({
  type: 'certificate_request',
  certificate_request_context: context,
  extensions: { signature_algorithms: [SignatureScheme.ecdsa_secp256r1_sha256], unknown: [] },
});

describe('malformed answers (a scripted client)', () => {
  /** A scripted client past a handshake that offered post_handshake_auth, and the server's request to it. */
  function asked(auth: Partial<ClientAuthConfig> = {}): { c: ScriptedClient; context: Uint8Array } {
    const c = new ScriptedClient(server(auth));
    c.sendClientHello(c.clientHello({ post_handshake_auth: true }));
    c.sendFinished();
    c.startApplicationData();
    assert.ok(c.completed, String(c.failure?.message));
    c.server.requestClientCertificate();
    assert.equal(c.failure, undefined);
    const cr = decodeHandshakeMessage(c.received.at(-1)!);
    assert.equal(cr.type, 'certificate_request');
    return { c, context: (cr as CertificateRequest).certificate_request_context };
  }

  const emptyCertificate = (context: Uint8Array) =>
    encodeHandshake({ type: 'certificate', certificate_request_context: context, certificate_list: [] });

  test('the request carries a fresh 16-byte context and the configured signature_algorithms', () => {
    const { context } = asked();
    assert.equal(context.length, 16);
    assert.notDeepEqual(asked().context, context);
  });

  test('a Certificate whose context does not echo the request: illegal_parameter', () => {
    const { c } = asked({ required: false });
    c.sendProtected(ContentType.handshake, emptyCertificate(Uint8Array.of(9)));
    failsWith(c.failure, AlertDescription.illegal_parameter);
  });

  test('a Finished that does not verify: decrypt_error', () => {
    const { c, context } = asked({ required: false });
    c.sendProtected(ContentType.handshake, emptyCertificate(context));
    c.sendProtected(ContentType.handshake, encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) }));
    failsWith(c.failure, AlertDescription.decrypt_error);
    assert.equal(authenticated(c.events).length, 0);
  });

  test('a Finished in place of the Certificate: unexpected_message', () => {
    const { c } = asked({ required: false });
    c.sendProtected(ContentType.handshake, encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) }));
    failsWith(c.failure, AlertDescription.unexpected_message);
  });

  test('a Certificate nobody asked for: unexpected_message', () => {
    const c = new ScriptedClient(server());
    c.sendClientHello(c.clientHello({ post_handshake_auth: true }));
    c.sendFinished();
    c.startApplicationData();
    c.sendProtected(ContentType.handshake, emptyCertificate(Uint8Array.of(1)));
    failsWith(c.failure, AlertDescription.unexpected_message);
  });
});
