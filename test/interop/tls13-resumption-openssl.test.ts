// `openssl s_client -tls1_3` resuming on our TLS 1.3 server with the tickets it issued
// (RFC 8446 §2.2, §4.6.1), through the Node adapter (one set of ticket keys per Server); last,
// node:tls's client (OpenSSL too) with the `session` it was given.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { before, describe, test } from 'node:test';
import type { ServerOptions } from '../../src/node/server.js';
import { type Peer, certArgs, closeServer, interopTempDir, requireCommand, runVerifiedSClient, startGreetingServer, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { resumedFlags, sClientHandshakes, sessionText } from '../helpers/resumption-interop.js';

const TEST = { timeout: 60_000 };
const GREETING = 'hello from a TLS 1.3 resumable server';
const clientPki = () => cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [], root: { commonName: 'handshake client root CA' } });
const pki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'localhost' });

const dir = interopTempDir('handshake-tls13-resumption-');
let root: string;

before(() => {
  root = dir.write('root.pem', pki().rootPem);
});

const startOurs = (options: Partial<ServerOptions> = {}) => startGreetingServer({ key: pki().leafKeyPem, cert: pki().chainPem, ...options }, GREETING);

/** s_client -tls1_3 against `port`; it runs until our close_notify, then exits. */
const sClient = (port: number, args: readonly string[]): Promise<Peer> => runVerifiedSClient(port, '-tls1_3', root, args);

const count = (peer: Peer, kind: 'New' | 'Reused') => sClientHandshakes(peer, kind, 'TLSv1.3');

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('openssl s_client -tls1_3 resumes on our server (createServer)', () => {
  before(() => requireCommand('openssl', ['version']));

  test('-sess_out, then -sess_in reports "Reused, TLSv1.3"', TEST, async () => {
    const ours = await startOurs();
    try {
      const file = dir.file('tls13.sess');
      const first = await sClient(ours.port, ['-sess_out', file]);
      assert.equal(count(first, 'New'), 1, first.output);
      assert.ok(first.stdout.includes(GREETING), first.output);
      const text = sessionText(file);
      assert.match(text, /Protocol\s*: TLSv1\.3/);
      assert.match(text, /TLS session ticket lifetime hint: 300 \(seconds\)/);
      const second = await sClient(ours.port, ['-sess_in', file]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      assert.ok(second.stdout.includes(GREETING), second.output);
      assert.deepEqual(resumedFlags(ours), [false, true]);
      const info = ours.sockets[1]!.handshakeInfo!;
      assert.equal(info.signatureScheme, 0);
      assert.equal(info.version, 'TLSv1.3');
      assert.deepEqual(ours.errors, []);
    } finally {
      await closeServer(ours.server);
    }
  });

  // OpenSSL 3.0's `s_client -reconnect` drops each TLS 1.3 connection right after its Finished,
  // before the NewSessionTickets arrive, so it never resumes in TLS 1.3 (against openssl s_server
  // either). The same chain is driven here with -sess_in/-sess_out, each connection reading our tickets.
  test('a resumed connection issues tickets that resume again (-sess_in a -sess_out b, then -sess_in b)', TEST, async () => {
    const ours = await startOurs();
    try {
      const a = dir.file('chain-a.sess');
      const b = dir.file('chain-b.sess');
      await sClient(ours.port, ['-sess_out', a]);
      const second = await sClient(ours.port, ['-sess_in', a, '-sess_out', b]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      const third = await sClient(ours.port, ['-sess_in', b]);
      assert.equal(count(third, 'Reused'), 1, third.output);
      assert.deepEqual(resumedFlags(ours), [false, true, true]);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('-reconnect completes every handshake (OpenSSL 3.0 does not wait for TLS 1.3 tickets before reconnecting)', TEST, async () => {
    const ours = await startOurs();
    try {
      const peer = await sClient(ours.port, ['-reconnect']);
      assert.equal(count(peer, 'New') + count(peer, 'Reused'), 6, peer.output);
      assert.equal(ours.sockets.length, 6);
      assert.deepEqual(ours.errors, []);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('with requestCert: the resumed connection keeps the client certificate of the one that made the ticket', TEST, async () => {
    const client = clientPki();
    const clientFiles = writePki(dir, 'client', client);
    const ours = await startOurs({ requestCert: true, ca: client.rootPem });
    try {
      const file = dir.file('client-auth.sess');
      const first = await sClient(ours.port, [...certArgs(clientFiles), '-sess_out', file]);
      assert.equal(count(first, 'New'), 1, first.output);
      // Without -cert: only the ticket can show who the client is.
      const second = await sClient(ours.port, ['-sess_in', file]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      assert.deepEqual(resumedFlags(ours), [false, true]);
      const resumed = ours.sockets[1]!;
      assert.equal(resumed.authorized, true, String(resumed.authorizationError));
      assert.deepEqual({ ...(resumed.getPeerCertificate().subject as object) }, { CN: 'client one' });
      assert.equal(resumed.getPeerCertificate().fingerprint256, new X509Certificate(client.leafPem).fingerprint256);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('a ticket from another server (other keys) is declined: "New"', TEST, async () => {
    const one = await startOurs();
    const two = await startOurs();
    try {
      const file = dir.file('other.sess');
      await sClient(one.port, ['-sess_out', file]);
      const refused = await sClient(two.port, ['-sess_in', file]);
      assert.equal(count(refused, 'New'), 1, refused.output);
      assert.deepEqual(resumedFlags(two), [false]);
    } finally {
      await Promise.all([one, two].map((o) => closeServer(o.server)));
    }
  });

  test('tickets: false: no ticket, -reconnect reports "New" every time', TEST, async () => {
    const ours = await startOurs({ tickets: false });
    try {
      const peer = await sClient(ours.port, ['-reconnect']);
      assert.equal(count(peer, 'Reused'), 0, peer.output);
      assert.deepEqual(resumedFlags(ours), [false, false, false, false, false, false]);
      assert.doesNotMatch(peer.stdout, /Post-Handshake New Session Ticket arrived/);
    } finally {
      await closeServer(ours.server);
    }
  });
});

/** One node:tls connection (OpenSSL underneath) offering `session`; resolves with what it got. */
function nodeConnect(port: number, session?: Buffer): Promise<{ reused: boolean; sessions: Buffer[]; data: string }> {
  return new Promise((resolve, reject) => {
    const sessions: Buffer[] = [];
    let data = '';
    let reused = false;
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki().rootPem, minVersion: 'TLSv1.3', session });
    socket.setEncoding('latin1');
    socket.on('secureConnect', () => (reused = socket.isSessionReused()));
    socket.on('session', (s: Buffer) => sessions.push(s));
    socket.on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => resolve({ reused, sessions, data }));
  });
}

describe("node:tls's client (OpenSSL) resumes on our TLS 1.3 server", () => {
  test("the 'session' it got resumes: isSessionReused(), and the server's resumed flag", TEST, async () => {
    const ours = await startOurs();
    try {
      const first = await nodeConnect(ours.port);
      assert.equal(first.reused, false);
      assert.equal(first.sessions.length, 2, 'two NewSessionTickets');
      const second = await nodeConnect(ours.port, first.sessions[0]);
      assert.equal(second.reused, true);
      assert.ok(second.data.includes(GREETING));
      assert.deepEqual(resumedFlags(ours), [false, true]);
    } finally {
      await closeServer(ours.server);
    }
  });
});
