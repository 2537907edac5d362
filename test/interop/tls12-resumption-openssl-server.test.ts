// Our client resuming TLS 1.2 sessions with real servers: `openssl s_server -tls1_2 -www` (tickets
// by default, session IDs with -no_ticket), whose status page says "Reused" or "New" as OpenSSL saw
// the handshake, and node:tls's server (OpenSSL inside Node), which reports the resumption on its
// side. DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import { constants } from 'node:crypto';
import * as tls from 'node:tls';
import { before, describe, test } from 'node:test';
import { decodeClientSession } from '../../src/client/sessions.js';
import { connect } from '../../src/node/connect.js';
import { type PkiFiles, certArgs, closeServer, interopTempDir, requireCommand, startSServer, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { startReuseReportingServer, sServerSaw, visit } from '../helpers/resumption-interop.js';

const TEST = { timeout: 30_000 };
const pki = cachedPki();
const dir = interopTempDir('handshake-resumption-');
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  files = writePki(dir, 'ecdsa', pki);
});

const sServer = (extra: readonly string[] = []) => startSServer(['-tls1_2', '-www', ...certArgs(files), ...extra]);

/** Our client as an application would configure it: TLS 1.2 and 1.3 offered, the test PKI trusted. */
const options = { ca: pki.rootPem };

describe('our client → openssl s_server -tls1_2', () => {
  test('by ticket (the default): the session carries the ticket, the second connection resumes it', TEST, async () => {
    const { peer, port } = await sServer();
    try {
      const first = await visit(port, options);
      assert.equal(sServerSaw(first.body), 'New');
      assert.equal(first.reused, false);
      assert.equal(first.protocol, 'TLSv1.2');
      assert.equal(first.sessions.length, 1, "one 'session' event");
      assert.ok(first.ticket && first.ticket.length > 0, 'getTLSTicket() returns the ticket');
      assert.deepEqual(first.session, first.sessions[0], 'getSession() returns it');
      const decoded = decodeClientSession(first.sessions[0]!);
      assert.ok(decoded.ticket);
      assert.ok(decoded.ticketLifetimeHint > 0, 'OpenSSL sends a lifetime hint');

      const second = await visit(port, { ...options, session: first.sessions[0]! });
      assert.equal(sServerSaw(second.body), 'Reused', second.body);
      assert.equal(second.reused, true);
      assert.equal(second.protocol, 'TLSv1.2');
      // The resumed connection reports the original peer identity.
      assert.equal(second.socket.authorized, true);
      assert.equal(second.socket.getPeerX509Certificate()?.fingerprint256, first.socket.getPeerX509Certificate()?.fingerprint256);
      assert.equal(second.socket.handshakeInfo?.verifiedChain.length, 3);
      // s_server renews the ticket on resumption: a fresh session, else the resumed one.
      assert.ok(second.session, 'getSession() after a resumption');

      const third = await visit(port, { ...options, session: second.session! });
      assert.equal(sServerSaw(third.body), 'Reused', 'the renewed session resumes too');
      assert.equal(third.reused, true);
    } finally {
      await peer.kill();
    }
  });

  test('by session ID (-no_ticket): the session has no ticket, the second connection resumes it', TEST, async () => {
    const { peer, port } = await sServer(['-no_ticket']);
    try {
      const first = await visit(port, options);
      assert.equal(sServerSaw(first.body), 'New');
      assert.equal(first.sessions.length, 1);
      assert.equal(first.ticket, undefined, 'no ticket');
      assert.equal(decodeClientSession(first.sessions[0]!).sessionId.length, 32);

      const second = await visit(port, { ...options, session: first.sessions[0]! });
      assert.equal(sServerSaw(second.body), 'Reused', second.body);
      assert.equal(second.reused, true);
      assert.equal(second.protocol, 'TLSv1.2');
      assert.equal(second.sessions.length, 0, 'nothing new to keep');
      assert.deepEqual(second.session, first.sessions[0], 'getSession() is the resumed session');
    } finally {
      await peer.kill();
    }
  });

  test('a server that no longer knows the session (restarted: new ticket key, empty cache) gets a full handshake', TEST, async () => {
    const a = await sServer();
    let session: Buffer;
    try {
      session = (await visit(a.port, options)).sessions[0]!;
    } finally {
      await a.peer.kill();
    }
    const b = await sServer();
    try {
      const again = await visit(b.port, { ...options, session });
      assert.equal(sServerSaw(again.body), 'New');
      assert.equal(again.reused, false);
      assert.equal(again.sessions.length, 1, 'and a new session');
    } finally {
      await b.peer.kill();
    }
  });

  test('a malformed session throws from connect(), before any socket is opened', () => {
    assert.throws(() => connect({ port: 1, ...options, session: Buffer.from('not a session') }), /session/);
  });
});

describe('our client → node:tls server (maxVersion TLSv1.2)', () => {
  const nodeServer = (extra: tls.TlsOptions = {}) =>
    startReuseReportingServer({ key: pki.leafKeyPem, cert: pki.chainPem, maxVersion: 'TLSv1.2', ...extra });

  test('by ticket: the server resumes ours (isSessionReused on both sides)', TEST, async () => {
    const { server, port, reusedOnServer } = await nodeServer();
    try {
      const first = await visit(port, options, 'hi');
      assert.equal(first.body, 'hello reused=false');
      assert.ok(first.ticket, 'node:tls issues tickets');
      const second = await visit(port, { ...options, session: first.sessions[0]! }, 'hi');
      assert.equal(second.body, 'hello reused=true');
      assert.equal(second.reused, true);
      assert.deepEqual(reusedOnServer, [false, true]);
    } finally {
      await closeServer(server);
    }
  });

  test("by session ID (SSL_OP_NO_TICKET and a 'newSession'/'resumeSession' cache): the server's 'resumeSession' finds ours", TEST, async () => {
    const { server, port, reusedOnServer } = await nodeServer({ secureOptions: constants.SSL_OP_NO_TICKET });
    const cache = new Map<string, Buffer>();
    const looked: string[] = [];
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      cache.set(id.toString('hex'), data);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: Error | null, data?: Buffer | null) => void) => {
      looked.push(id.toString('hex'));
      done(null, cache.get(id.toString('hex')) ?? null);
    });
    try {
      const first = await visit(port, options, 'hi');
      assert.equal(first.ticket, undefined);
      const id = Buffer.from(decodeClientSession(first.sessions[0]!).sessionId).toString('hex');
      assert.ok(cache.has(id), 'the server cached the session under the ID our session holds');
      const second = await visit(port, { ...options, session: first.sessions[0]! }, 'hi');
      // The first ClientHello carried a random TLS 1.3 compatibility ID (RFC 8446 §D.4), which the
      // server looked up too, in vain.
      assert.equal(looked.length, 2);
      assert.equal(looked[1], id, "'resumeSession' was asked for our session ID");
      assert.equal(second.body, 'hello reused=true');
      assert.equal(second.reused, true);
      assert.deepEqual(reusedOnServer, [false, true]);
    } finally {
      await closeServer(server);
    }
  });
});
