// Client authentication, RFC 8446 §4.3.2, §4.4.2, §4.4.3: our server asks for a certificate, our
// client answers, and the server validates the chain for clientAuth and the client's
// CertificateVerify. A bad chain or signature gets the right alert on both sides; with
// `required` false (node:tls rejectUnauthorized: false) the handshake completes and says why
// the client is not authorized.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { id_kp_serverAuth } from '@peculiar/asn1-x509';
import type { ClientConfig } from '../../src/client/config.js';
import { DEFAULT_CERT_SIGNATURE_SCHEMES, DEFAULT_SIGNATURE_SCHEMES } from '../../src/crypto/schemes.js';
import { type Tls13Suite, tls13Suite } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import type { HandshakeInfo } from '../../src/events.js';
import { certificateVerifyContent } from '../../src/handshake/signed-content.js';
import { serverConfigFrom } from '../../src/node/options.js';
import type { ClientAuthConfig, ServerConfig } from '../../src/server/config.js';
import { finishedVerifyData } from '../../src/tls13/key-schedule.js';
import { AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type { CertificateRequest, HandshakeMessage } from '../../src/wire/types.js';
import { certifiedKey, clientFor, serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { editServerFlight, keylogSecret } from '../helpers/flight.js';
import { type Pair, type Tamper, failure, makePair, received } from '../helpers/pair.js';
import { type Pki, cachedPki, issueCertificate, provider } from '../helpers/pki.js';
import { concat, readRecords, splitHandshakes } from '../helpers/records.js';
import { ScriptedClient, openerFor, sealerFor } from '../helpers/scripted.js';

const serverPki = cachedPki();
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });
/** A client chain from a root the server does not trust. */
const strangerPki = cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });
const expiredPki = cachedPki({ leafCommonName: 'expired client', leafDnsNames: [], leafIps: [], leafValidity: 'expired' });
/** A leaf for servers only: extendedKeyUsage without clientAuth. */
const serverOnlyPki = cachedPki({
  leafCommonName: 'server only',
  leafDnsNames: [],
  leafIps: [],
  leaf: { extendedKeyUsage: [id_kp_serverAuth] },
});

/** The client's certificate option: its leaf and intermediate, as a client sends them. */
const identity = (pki: Pki): ClientConfig['certificate'] => {
  const c = certifiedKey(pki.leaf, pki.intermediate);
  return { chain: c.chain, key: c.key };
};

/** A server that asks for a client certificate from `trusted`'s root. */
const authServer = (trusted: Pki, auth: Partial<ClientAuthConfig> = {}, overrides: Partial<ServerConfig> = {}): ServerConfig =>
  serverFor(serverPki, { clientAuth: { verifier: verifierTrusting(trusted.root), required: true, ...auth }, ...overrides });

const client = (pki: Pki | undefined, overrides: ClientConfig = {}): ClientConfig =>
  clientFor(serverPki, { ...(pki ? { certificate: identity(pki) } : {}), ...overrides });

const completeInfo = (pair: Pair, side: 'client' | 'server'): HandshakeInfo => {
  const events = side === 'client' ? pair.clientEvents : pair.serverEvents;
  const done = events.find((e) => e.type === 'handshake-complete');
  assert.ok(done && done.type === 'handshake-complete', `${side} completed: ${failure(events)?.message}`);
  return done.info;
};

function expectFailure(error: TLSError | undefined, alert: number, fromPeer: boolean, who: string): TLSError {
  assert.ok(error, `${who} failed`);
  assert.equal(alertName(error.alert), alertName(alert), `${who}: ${error.message}`);
  assert.equal(error.fromPeer, fromPeer, `${who}: fromPeer`);
  return error;
}

/**
 * The server refused the client with `alert` and the client received it. The client has already
 * completed its side (it sends Finished before the server decides), so the alert arrives under
 * the server's application keys and fails the connection afterwards.
 */
function serverRefused(pair: Pair, alert: number): TLSError {
  const error = expectFailure(failure(pair.serverEvents), alert, false, 'server');
  expectFailure(failure(pair.clientEvents), alert, true, 'client');
  assert.equal(pair.server.handshakeComplete, false);
  return error;
}

/** The server's decrypted handshake flight, decoded, from a pass-through edit. */
function capturedFlight(serverConfig: ServerConfig, clientConfig: ClientConfig): { pair: Pair; flight: HandshakeMessage[] } {
  let raw: Uint8Array[] = [];
  const tamper = editServerFlight({
    edit: (messages) => {
      raw = messages;
      return messages;
    },
  });
  const pair = makePair(clientConfig, serverConfig, { tamper });
  return { pair, flight: raw.map((m) => decodeHandshakeMessage(m)) };
}

const requestIn = (flight: HandshakeMessage[]): CertificateRequest => {
  const cr = flight.find((m): m is CertificateRequest => m.type === 'certificate_request');
  assert.ok(cr, 'the flight has a CertificateRequest');
  return cr;
};

describe('the CertificateRequest', () => {
  test('follows EncryptedExtensions, with an empty context, our TLS 1.3 schemes and signature_algorithms_cert', () => {
    const { pair, flight } = capturedFlight(authServer(clientPki), client(clientPki));
    assert.deepEqual(
      flight.map((m) => m.type),
      ['encrypted_extensions', 'certificate_request', 'certificate', 'certificate_verify', 'finished'],
    );
    const cr = requestIn(flight);
    assert.equal(cr.certificate_request_context.length, 0);
    assert.deepEqual(cr.extensions.signature_algorithms, [...DEFAULT_SIGNATURE_SCHEMES]);
    assert.deepEqual(cr.extensions.signature_algorithms_cert, [...DEFAULT_CERT_SIGNATURE_SCHEMES]);
    assert.equal(cr.extensions.certificate_authorities, undefined);
    assert.ok(pair.server.handshakeComplete);
  });

  test('offers only the TLS 1.3 schemes of a restricted signatureSchemes', () => {
    const schemes = [SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.ecdsa_secp256r1_sha256];
    const { flight } = capturedFlight(authServer(clientPki, {}, { signatureSchemes: schemes }), client(clientPki));
    assert.deepEqual(requestIn(flight).extensions.signature_algorithms, [SignatureScheme.ecdsa_secp256r1_sha256]);
  });

  test('carries certificate_authorities with the subject of each `ca` anchor (node options)', () => {
    const config = serverConfigFrom(
      { key: serverPki.leafKeyPem, cert: serverPki.chainPem, requestCert: true, ca: [clientPki.rootPem, strangerPki.rootPem] },
      [certifiedKey(serverPki.leaf, serverPki.intermediate)],
    );
    const { pair, flight } = capturedFlight(config, client(clientPki));
    const names = requestIn(flight).extensions.certificate_authorities;
    const subject = (pki: Pki) => new Uint8Array(AsnConvert.serialize(pki.root.name));
    assert.deepEqual(names, [subject(clientPki), subject(strangerPki)]);
    assert.equal(completeInfo(pair, 'server').authorized, true);
  });

  test('has no certificate_authorities when `ca` is not given (Node roots), and none is requested without requestCert', () => {
    const base = { key: serverPki.leafKeyPem, cert: serverPki.chainPem };
    const certificates = [certifiedKey(serverPki.leaf, serverPki.intermediate)];
    const withRoots = serverConfigFrom({ ...base, requestCert: true }, certificates);
    assert.ok(withRoots.clientAuth);
    assert.equal(withRoots.clientAuth.required, true);
    assert.equal(withRoots.clientAuth.certificateAuthorities, undefined);
    assert.equal(serverConfigFrom({ ...base, requestCert: true, rejectUnauthorized: false }, certificates).clientAuth?.required, false);
    assert.equal(serverConfigFrom({ ...base, rejectUnauthorized: true, ca: clientPki.rootPem }, certificates).clientAuth, undefined);
  });

  test('is not sent without clientAuth, and the server reports no client identity', () => {
    const { pair, flight } = capturedFlight(serverFor(serverPki), client(clientPki));
    assert.deepEqual(flight.map((m) => m.type), ['encrypted_extensions', 'certificate', 'certificate_verify', 'finished']);
    const info = completeInfo(pair, 'server');
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError, undefined);
    assert.deepEqual(info.peerCertificates, []);
  });
});

describe('a client certificate that validates', () => {
  test('authorizes the client: the server sees its chain as sent and the path it built', () => {
    const pair = makePair(client(clientPki), authServer(clientPki));
    const info = completeInfo(pair, 'server');
    assert.equal(info.authorized, true);
    assert.equal(info.authorizationError, undefined);
    const fp = (der: Uint8Array) => provider.parseCertificate(der).fingerprint256;
    assert.deepEqual(
      info.peerCertificates.map((c) => c.fingerprint256),
      [fp(clientPki.leaf.der), fp(clientPki.intermediate.der)],
    );
    assert.deepEqual(
      info.verifiedChain.map((c) => c.fingerprint256),
      [fp(clientPki.leaf.der), fp(clientPki.intermediate.der), fp(clientPki.root.der)],
    );
    assert.match(info.peerCertificates[0]!.subject, /CN=client one/);
    // The server's own identity is unchanged: the scheme it signed with.
    assert.equal(info.signatureScheme, SignatureScheme.ecdsa_secp256r1_sha256);
    assert.equal(completeInfo(pair, 'client').authorized, true);
  });

  test('carries application data both ways afterwards', () => {
    const pair = makePair(client(clientPki), authServer(clientPki), { deferRun: true });
    pair.client.write(new TextEncoder().encode('from an authenticated client'));
    pair.run();
    pair.server.write(new TextEncoder().encode('hello, client one'));
    pair.run();
    assert.equal(received(pair.serverEvents), 'from an authenticated client');
    assert.equal(received(pair.clientEvents), 'hello, client one');
  });

  for (const keyType of ['rsa-2048', 'ed25519', 'ecdsa-p384'] as const) {
    test(`works with a ${keyType} client key`, () => {
      const pki = cachedPki({ leafKeyType: keyType, leafCommonName: `client ${keyType}`, leafDnsNames: [], leafIps: [] });
      const info = completeInfo(makePair(client(pki), authServer(pki)), 'server');
      assert.equal(info.authorized, true);
    });
  }

  test('also after a HelloRetryRequest', () => {
    const clientConfig = client(clientPki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519] });
    const pair = makePair(clientConfig, authServer(clientPki, {}, { groups: [NamedGroup.secp256r1] }));
    const info = completeInfo(pair, 'server');
    assert.equal(info.helloRetryRequest, true);
    assert.equal(info.authorized, true);
  });
});

describe('a client without a certificate', () => {
  test('required: certificate_required on both sides (RFC 8446 §4.4.2.4)', () => {
    const pair = makePair(client(undefined), authServer(clientPki));
    const error = serverRefused(pair, AlertDescription.certificate_required);
    assert.equal(error.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  });

  test('not required: completes, not authorized, with node:tls’s authorizationError code', () => {
    const pair = makePair(client(undefined), authServer(clientPki, { required: false }), { deferRun: true });
    pair.client.write(new TextEncoder().encode('anonymous'));
    pair.run();
    const info = completeInfo(pair, 'server');
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError?.code, 'UNABLE_TO_GET_ISSUER_CERT');
    assert.deepEqual(info.peerCertificates, []);
    assert.deepEqual(info.verifiedChain, []);
    assert.equal(received(pair.serverEvents), 'anonymous');
  });

  test('a client whose key fits none of the offered schemes answers with an empty Certificate', () => {
    const pki = cachedPki({ leafKeyType: 'ed25519', leafCommonName: 'ed25519 client', leafDnsNames: [], leafIps: [] });
    const server = authServer(pki, {}, { signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256] });
    serverRefused(makePair(client(pki), server), AlertDescription.certificate_required);
  });
});

describe('a client chain that does not validate', () => {
  const cases = [
    ['from an untrusted root', strangerPki, AlertDescription.unknown_ca, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
    ['expired', expiredPki, AlertDescription.certificate_expired, 'CERT_HAS_EXPIRED'],
    ['without clientAuth in extendedKeyUsage', serverOnlyPki, AlertDescription.unsupported_certificate, 'INVALID_PURPOSE'],
  ] as const;

  for (const [what, pki, alert, code] of cases) {
    test(`${what}, required: ${alertName(alert)} (${code})`, () => {
      const trusted = pki === strangerPki ? clientPki : pki;
      const error = serverRefused(makePair(client(pki), authServer(trusted)), alert);
      assert.equal(error.code, code);
    });

    test(`${what}, not required: completes, not authorized, authorizationError ${code}`, () => {
      const trusted = pki === strangerPki ? clientPki : pki;
      const info = completeInfo(makePair(client(pki), authServer(trusted, { required: false })), 'server');
      assert.equal(info.authorized, false);
      assert.equal(info.authorizationError?.code, code);
      assert.equal(info.peerCertificates[0]?.fingerprint256, provider.parseCertificate(pki.leaf.der).fingerprint256);
      assert.deepEqual(info.verifiedChain, []);
    });
  }

  test('is validated at the provider’s clock: the same chain fails once its leaf has expired', () => {
    const later = { ...provider, now: () => Date.now() + 400 * 86_400_000 };
    const pair = makePair(client(clientPki), authServer(clientPki), { serverProvider: later });
    serverRefused(pair, AlertDescription.certificate_expired);
  });

  test('a leaf alone, without its intermediate: unknown_ca', () => {
    const c = certifiedKey(clientPki.leaf);
    const pair = makePair(client(undefined, { certificate: { chain: c.chain, key: c.key } }), authServer(clientPki));
    assert.equal(serverRefused(pair, AlertDescription.unknown_ca).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});

// --- the client's second flight, rewritten in flight ------------------------------------------

const SUITE: Tls13Suite = tls13Suite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

/**
 * Rewrites the client's protected handshake messages (Certificate, CertificateVerify, Finished)
 * with keys from its keylog, and re-seals them. The client uses SUITE.
 */
function editClientFlight(edit: (messages: Uint8Array[]) => Uint8Array[]): Tamper {
  let done = false;
  return (from, chunk, _i, pair) => {
    if (from !== 'client' || done) return chunk;
    const records = readRecords(chunk);
    if (records[0]?.type !== ContentType.application_data) return chunk;
    const secret = keylogSecret(pair.clientEvents, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    assert.ok(secret);
    done = true;
    const opener = openerFor(SUITE, secret);
    const messages: Uint8Array[] = [];
    for (const r of records) {
      const { type, content } = opener.open(r);
      assert.equal(type, ContentType.handshake);
      messages.push(...splitHandshakes(content));
    }
    const sealer = sealerFor(SUITE, secret);
    return concat(edit(messages).map((m) => sealer.seal(ContentType.handshake, m)));
  };
}

describe('the client’s CertificateVerify', () => {
  const flipSignatureByte = (messages: Uint8Array[]) =>
    messages.map((m) => {
      if (m[0] !== HandshakeType.certificate_verify) return m;
      const out = m.slice();
      out[out.length - 1]! ^= 0x01;
      return out;
    });
  const clientConfig = (pki: Pki) => client(pki, { cipherSuites: [SUITE.id] });

  test('untouched through the rewrite, the handshake completes (the rewrite itself is sound)', () => {
    const pair = makePair(clientConfig(clientPki), authServer(clientPki), { tamper: editClientFlight((m) => m) });
    assert.equal(completeInfo(pair, 'server').authorized, true);
  });

  test('with a signature that does not verify: decrypt_error', () => {
    const pair = makePair(clientConfig(clientPki), authServer(clientPki), { tamper: editClientFlight(flipSignatureByte) });
    serverRefused(pair, AlertDescription.decrypt_error);
  });

  test('with a signature that does not verify: decrypt_error even when the certificate is optional', () => {
    const server = authServer(clientPki, { required: false });
    const pair = makePair(clientConfig(strangerPki), server, { tamper: editClientFlight(flipSignatureByte) });
    serverRefused(pair, AlertDescription.decrypt_error);
  });

  test('left out (Certificate, then Finished): unexpected_message', () => {
    const pair = makePair(clientConfig(clientPki), authServer(clientPki), {
      tamper: editClientFlight((messages) => messages.filter((m) => m[0] !== HandshakeType.certificate_verify)),
    });
    serverRefused(pair, AlertDescription.unexpected_message);
  });

  test('with the Certificate left out (CertificateVerify, then Finished): unexpected_message', () => {
    const pair = makePair(clientConfig(clientPki), authServer(clientPki), {
      tamper: editClientFlight((messages) => messages.filter((m) => m[0] !== HandshakeType.certificate)),
    });
    serverRefused(pair, AlertDescription.unexpected_message);
  });
});

// --- a scripted client: exactly the messages the test writes ------------------------------------

describe('a scripted client', () => {
  const leafKey = provider.loadPrivateKey(clientPki.leaf.keyPem);
  const chain = [clientPki.leaf.der, clientPki.intermediate.der];

  /**
   * Handshake through the server's flight; then each step makes one message of ours over the
   * transcript so far (Finished is added unless `finish` is false), all sent in one record.
   */
  function answer(server: ServerConfig, steps: Array<(c: ScriptedClient) => Uint8Array>, finish = true): ScriptedClient {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    for (const raw of c.flight) c.transcript.add(raw);
    const messages: Uint8Array[] = [];
    for (const step of steps) {
      const m = step(c);
      c.transcript.add(m);
      messages.push(m);
    }
    if (finish) {
      const verify_data = finishedVerifyData(provider, c.suite!, c.clientHandshakeSecret!, c.transcript.current());
      messages.push(encodeHandshake({ type: 'finished', verify_data }));
    }
    c.server.receive(sealerFor(c.suite!, c.clientHandshakeSecret!).seal(ContentType.handshake, concat(messages)));
    return c;
  }
  const certificate = (extras: Partial<{ context: Uint8Array; status: Uint8Array }> = {}) => () =>
    encodeHandshake({
      type: 'certificate',
      certificate_request_context: extras.context ?? new Uint8Array(0),
      certificate_list: chain.map((cert_data, i) => ({
        cert_data,
        extensions: i === 0 && extras.status ? { status_request: extras.status, unknown: [] } : { unknown: [] },
      })),
    });
  const verify =
    (algorithm: number = SignatureScheme.ecdsa_secp256r1_sha256, role: 'client' | 'server' = 'client') =>
    (c: ScriptedClient) =>
      encodeHandshake({
        type: 'certificate_verify',
        algorithm,
        signature: leafKey.sign(algorithm, certificateVerifyContent(role, c.transcript.current())),
      });

  function failsWith(c: ScriptedClient, alert: number): void {
    const error = c.failure;
    assert.ok(error, 'the server failed');
    assert.equal(alertName(error.alert), alertName(alert), error.message);
    assert.equal(c.server.handshakeComplete, false);
  }

  test('a correct Certificate, CertificateVerify and Finished complete the handshake', () => {
    const c = answer(authServer(clientPki), [certificate(), verify()]);
    assert.equal(c.failure, undefined, c.failure?.message);
    assert.ok(c.completed);
    assert.equal(c.server.handshakeInfo?.authorized, true);
  });

  test('Finished straight after the server’s flight, no Certificate: unexpected_message', () => {
    failsWith(answer(authServer(clientPki), []), AlertDescription.unexpected_message);
  });

  test('a Finished that does not cover the Certificate and CertificateVerify: decrypt_error', () => {
    const c = new ScriptedClient(authServer(clientPki));
    c.sendClientHello(c.clientHello());
    for (const raw of c.flight) c.transcript.add(raw);
    const beforeCertificate = c.transcript.current();
    const cert = certificate()();
    c.transcript.add(cert);
    const cv = verify()(c);
    const verify_data = finishedVerifyData(provider, c.suite!, c.clientHandshakeSecret!, beforeCertificate);
    const fin = encodeHandshake({ type: 'finished', verify_data });
    c.server.receive(sealerFor(c.suite!, c.clientHandshakeSecret!).seal(ContentType.handshake, concat([cert, cv, fin])));
    failsWith(c, AlertDescription.decrypt_error);
  });

  test('a non-empty certificate_request_context: illegal_parameter', () => {
    failsWith(answer(authServer(clientPki), [certificate({ context: Uint8Array.of(1) })], false), AlertDescription.illegal_parameter);
  });

  test('an OCSP status in its CertificateEntry, which we did not request: unsupported_extension', () => {
    const c = answer(authServer(clientPki), [certificate({ status: Uint8Array.of(1, 2, 3) })], false);
    failsWith(c, AlertDescription.unsupported_extension);
  });

  test('a CertificateVerify with a scheme our CertificateRequest did not offer: illegal_parameter', () => {
    // ecdsa_secp256r1_sha256 fits the client's key, but this server (a P-384 one) offered only P-384.
    const p384 = cachedPki({ leafKeyType: 'ecdsa-p384' });
    const server = authServer(clientPki, {}, {
      certificates: [certifiedKey(p384.leaf, p384.intermediate)],
      signatureSchemes: [SignatureScheme.ecdsa_secp384r1_sha384],
    });
    failsWith(answer(server, [certificate(), verify(SignatureScheme.ecdsa_secp256r1_sha256)]), AlertDescription.illegal_parameter);
  });

  test('a CertificateVerify signed with the server’s context string: decrypt_error', () => {
    const c = answer(authServer(clientPki), [certificate(), verify(SignatureScheme.ecdsa_secp256r1_sha256, 'server')]);
    failsWith(c, AlertDescription.decrypt_error);
  });

  test('a Certificate when none was requested: unexpected_message', () => {
    failsWith(answer(serverFor(serverPki), [certificate(), verify()]), AlertDescription.unexpected_message);
  });
});
