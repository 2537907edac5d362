// Our client resuming TLS 1.3 sessions (RFC 8446 §2.2) with real servers: `openssl s_server
// -tls1_3 -www` (which issues tickets by default; its status page says "Reused" or "New"), and
// node:tls's server. DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeAnyClientSession, isSession13 } from '../../src/client/sessions.js';
import { type PkiFiles, certArgs, closeServer, interopTempDir, requireCommand, startSServer, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { sServerSaw, startReuseReportingServer, visit } from '../helpers/resumption-interop.js';

const TEST = { timeout: 30_000 };
const pki = cachedPki();
const dir = interopTempDir('handshake-resumption13-');
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  files = writePki(dir, 'ecdsa', pki);
});

const options = { ca: pki.rootPem };

describe('our client → openssl s_server -tls1_3', () => {
  test('takes the session from a ticket and resumes it', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-www', ...certArgs(files)]);
    try {
      const first = await visit(port, options);
      assert.equal(sServerSaw(first.body), 'New');
      assert.equal(first.protocol, 'TLSv1.3');
      assert.equal(first.reused, false);
      assert.ok(first.sessions.length >= 1, "a 'session' event");
      const session = decodeAnyClientSession(first.sessions.at(-1)!);
      assert.ok(isSession13(session), 'a TLS 1.3 session');
      assert.deepEqual(first.ticket, Buffer.from(session.ticket), 'getTLSTicket() is the TLS 1.3 ticket');

      const second = await visit(port, { ...options, session: first.sessions.at(-1)! });
      assert.equal(sServerSaw(second.body), 'Reused', second.body);
      assert.equal(second.reused, true);
      assert.equal(second.protocol, 'TLSv1.3');
      assert.equal(second.socket.authorized, true);
      assert.equal(second.socket.getPeerX509Certificate()?.fingerprint256, first.socket.getPeerX509Certificate()?.fingerprint256);
    } finally {
      await peer.kill();
    }
  });
});

describe('our client → node:tls server (TLS 1.3)', () => {
  test('the server resumes our session (isSessionReused on both sides)', TEST, async () => {
    const { server, port, reusedOnServer } = await startReuseReportingServer({ key: pki.leafKeyPem, cert: pki.chainPem, minVersion: 'TLSv1.3' });
    try {
      const first = await visit(port, options, 'hi');
      assert.equal(first.body, 'hello reused=false');
      assert.equal(first.protocol, 'TLSv1.3');
      assert.ok(first.sessions.length >= 1, "a 'session' event");
      const second = await visit(port, { ...options, session: first.sessions.at(-1)! }, 'hi');
      assert.equal(second.body, 'hello reused=true');
      assert.equal(second.reused, true);
      assert.equal(second.protocol, 'TLSv1.3');
      assert.deepEqual(reusedOnServer, [false, true]);
    } finally {
      await closeServer(server);
    }
  });
});
