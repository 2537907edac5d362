// Client certificates against real clients on 127.0.0.1: `openssl s_client -cert` and node:tls
// `tls.connect({ key, cert })` → our server with `requestCert` (RFC 8446 §4.3.2, §4.4.2, §4.4.3).
// Our server must validate what they send, report it on its socket as node:tls does
// (`authorized`, `authorizationError`, `getPeerCertificate()`), and refuse a missing or bad
// certificate with the alert the client then reports.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { before, describe, test } from 'node:test';
import type { ServerOptions } from '../../src/node/server.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import {
  type GreetingServer,
  certArgs,
  closeServer,
  interopTempDir,
  requireCommand,
  runVerifiedSClient,
  startGreetingServer,
  waitUntil,
  withTimeout,
  writePki,
} from '../helpers/interop.js';

const TEST = { timeout: 30_000 };
const GREETING = 'hello, authenticated client';

const serverPki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'localhost' });
const clientPki = () =>
  cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [], root: { commonName: 'handshake client root CA' } });
/** A client chain from a root our server does not trust. */
const strangerPki = () =>
  cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });
const expiredPki = () =>
  cachedPki({
    leafCommonName: 'expired client',
    leafDnsNames: [],
    leafIps: [],
    leafValidity: 'expired',
    root: { commonName: 'handshake client root CA 2' },
  });

const dir = interopTempDir();
let serverRoot: string;

before(() => {
  serverRoot = dir.write('server-root.pem', serverPki().rootPem);
});

/** Our server with requestCert, trusting `clientCa` for client certificates; greets each client and closes. */
const startOurServer = (clientCa: Pki, options: Partial<ServerOptions> = {}): Promise<GreetingServer> =>
  startGreetingServer({ key: serverPki().leafKeyPem, cert: serverPki().chainPem, requestCert: true, ca: clientCa.rootPem, ...options }, GREETING);

/** The client's certificate files for s_client: leaf, key and intermediate. */
const clientFiles = (name: string, pki: Pki): string[] => certArgs(writePki(dir, name, pki));

/** s_client against our server; it runs until our close_notify or the alert, then exits. */
const sClient = (port: number, args: readonly string[]) => runVerifiedSClient(port, '-tls1_3', serverRoot, args);

const codeOf = (err: Error | undefined) => (err as (Error & { code?: string }) | undefined)?.code;

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('openssl s_client → our server with requestCert', () => {
  before(() => requireCommand('openssl', ['version']));

  test('s_client -cert/-key: the handshake completes and our server sees the client authorized', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const peer = await sClient(session.port, clientFiles('client', clientPki()));
      assert.deepEqual(session.errors, []);
      assert.ok(peer.stdout.includes(`${GREETING}\n`), peer.output);
      // s_client prints our CertificateRequest: certificate_authorities and signature_algorithms.
      assert.match(peer.stdout, /^Acceptable client certificate CA names\nO = handshake, CN = handshake client root CA$/m);
      assert.match(peer.stdout, /^Requested Signature Algorithms: ECDSA\+SHA256:/m);
      assert.equal(session.sockets.length, 1);
      const socket = session.sockets[0]!;
      assert.equal(socket.authorized, true, String(socket.authorizationError));
      assert.equal(socket.authorizationError, null);
      const peerCert = socket.getPeerCertificate(true);
      assert.deepEqual({ ...(peerCert.subject as object) }, { CN: 'client one' });
      assert.equal(peerCert.fingerprint256, new X509Certificate(clientPki().leafPem).fingerprint256);
      assert.deepEqual({ ...(peerCert.issuerCertificate?.issuerCertificate?.subject as object) }, { O: 'handshake', CN: 'handshake client root CA' });
    } finally {
      await closeServer(session.server);
    }
  });

  test('s_client without a certificate: "alert certificate required"', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const peer = await sClient(session.port, []);
      assert.match(peer.output, /alert certificate required/);
      assert.ok(!peer.stdout.includes(GREETING), peer.output);
      assert.deepEqual(session.sockets, []);
      await waitUntil(() => session.errors.length > 0, 'our tlsClientError');
      assert.equal(codeOf(session.errors[0]), 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    } finally {
      await closeServer(session.server);
    }
  });

  test('s_client with a certificate from an untrusted root: "alert unknown ca"', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const peer = await sClient(session.port, clientFiles('stranger', strangerPki()));
      assert.match(peer.output, /alert unknown ca/);
      assert.deepEqual(session.sockets, []);
      await waitUntil(() => session.errors.length > 0, 'our tlsClientError');
      assert.equal(codeOf(session.errors[0]), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    } finally {
      await closeServer(session.server);
    }
  });

  test('s_client without a certificate, rejectUnauthorized false: completes, our socket not authorized', TEST, async () => {
    const session = await startOurServer(clientPki(), { rejectUnauthorized: false });
    try {
      const peer = await sClient(session.port, []);
      assert.ok(peer.stdout.includes(`${GREETING}\n`), peer.output);
      assert.equal((await peer.exited).code, 0, peer.output);
      const socket = session.sockets[0]!;
      assert.equal(socket.authorized, false);
      assert.equal(codeOf(socket.authorizationError ?? undefined), 'UNABLE_TO_GET_ISSUER_CERT');
      assert.deepEqual(socket.getPeerCertificate(), {});
    } finally {
      await closeServer(session.server);
    }
  });
});

/**
 * tls.connect with `options`; resolves once the connection is over with what the client saw. In
 * TLS 1.3 a client completes before the server has judged its certificate, so a refusal arrives
 * after 'secureConnect', as an 'error'.
 */
async function nodeClient(port: number, options: tls.ConnectionOptions) {
  const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverPki().rootPem, ...options });
  const seen = { secure: false, data: '', error: undefined as (Error & { code?: string }) | undefined };
  client.on('secureConnect', () => (seen.secure = true));
  client.on('data', (d: Buffer) => (seen.data += d.toString('latin1')));
  client.on('error', (err: Error) => (seen.error ??= err));
  client.on('end', () => client.end());
  await withTimeout(new Promise((resolve) => client.once('close', resolve)), 10_000, "the node:tls client's 'close'");
  return seen;
}

describe('node:tls client → our server with requestCert', () => {
  test('tls.connect with key/cert: our server sees the client authorized, with its certificate', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const seen = await nodeClient(session.port, { key: clientPki().leafKeyPem, cert: clientPki().chainPem });
      assert.equal(seen.error, undefined, String(seen.error));
      assert.equal(seen.data, `${GREETING}\n`);
      const socket = session.sockets[0]!;
      assert.equal(socket.authorized, true, String(socket.authorizationError));
      assert.deepEqual({ ...(socket.getPeerCertificate().subject as object) }, { CN: 'client one' });
      assert.deepEqual(session.errors, []);
    } finally {
      await closeServer(session.server);
    }
  });

  test('an untrusted client certificate is refused: node:tls reports the unknown_ca alert', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const seen = await nodeClient(session.port, { key: strangerPki().leafKeyPem, cert: strangerPki().chainPem });
      assert.equal(seen.error?.code, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', String(seen.error));
      assert.match(String(seen.error?.message), /alert unknown ca/);
      assert.equal(seen.data, '');
      assert.deepEqual(session.sockets, []);
      await waitUntil(() => session.errors.length > 0, 'our tlsClientError');
      assert.equal(codeOf(session.errors[0]), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    } finally {
      await closeServer(session.server);
    }
  });

  test('an expired client certificate is refused with certificate_expired', TEST, async () => {
    const session = await startOurServer(expiredPki());
    try {
      const seen = await nodeClient(session.port, { key: expiredPki().leafKeyPem, cert: expiredPki().chainPem });
      assert.equal(seen.error?.code, 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', String(seen.error));
      await waitUntil(() => session.errors.length > 0, 'our tlsClientError');
      assert.equal(codeOf(session.errors[0]), 'CERT_HAS_EXPIRED');
    } finally {
      await closeServer(session.server);
    }
  });

  test('no client certificate: node:tls reports certificate_required', TEST, async () => {
    const session = await startOurServer(clientPki());
    try {
      const seen = await nodeClient(session.port, {});
      assert.equal(seen.error?.code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', String(seen.error));
      assert.deepEqual(session.sockets, []);
    } finally {
      await closeServer(session.server);
    }
  });

  test('rejectUnauthorized false: an untrusted certificate completes, with authorizationError as node:tls sets it', TEST, async () => {
    const session = await startOurServer(clientPki(), { rejectUnauthorized: false });
    try {
      const seen = await nodeClient(session.port, { key: strangerPki().leafKeyPem, cert: strangerPki().chainPem });
      assert.equal(seen.error, undefined, String(seen.error));
      assert.equal(seen.data, `${GREETING}\n`);
      const socket = session.sockets[0]!;
      assert.equal(socket.authorized, false);
      assert.equal(codeOf(socket.authorizationError ?? undefined), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
      assert.deepEqual({ ...(socket.getPeerCertificate().subject as object) }, { CN: 'stranger' });
    } finally {
      await closeServer(session.server);
    }
  });
});
