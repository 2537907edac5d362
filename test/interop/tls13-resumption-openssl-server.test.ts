// Our client resuming TLS 1.3 sessions (RFC 8446 §2.2) with real servers: `openssl s_server
// -tls1_3 -www` (which issues tickets by default; its status page says "Reused" or "New"), and
// node:tls's server. DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { decodeAnyClientSession, isSession13 } from '../../src/client/sessions.js';
import { type PkiFiles, type TempDir, closeServer, killAll, listen, requireCommand, startSServer, tempDir, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { visit13 } from '../helpers/tls13-resumption-client-net.js';

const TEST = { timeout: 30_000 };
const pki = cachedPki();
let dir: TempDir;
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-resumption13-');
  files = writePki(dir, 'ecdsa', pki);
});

after(async () => {
  await killAll();
  dir?.remove();
});

const options = { ca: pki.rootPem };

const serverSaw = (body: string): string => body.match(/\n(New|Reused), TLSv1\.\d, Cipher is /)?.[1] ?? `no status line in ${JSON.stringify(body)}`;

describe('our client → openssl s_server -tls1_3', () => {
  test('takes the session from a ticket and resumes it', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-www', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate]);
    try {
      const first = await visit13(port, options);
      assert.equal(serverSaw(first.body), 'New');
      assert.equal(first.protocol, 'TLSv1.3');
      assert.equal(first.reused, false);
      assert.ok(first.sessions.length >= 1, "a 'session' event");
      const session = decodeAnyClientSession(first.sessions.at(-1)!);
      assert.ok(isSession13(session), 'a TLS 1.3 session');
      assert.deepEqual(first.ticket, Buffer.from(session.ticket), 'getTLSTicket() is the TLS 1.3 ticket');

      const second = await visit13(port, { ...options, session: first.sessions.at(-1)! });
      assert.equal(serverSaw(second.body), 'Reused', second.body);
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
    const reusedOnServer: boolean[] = [];
    const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, minVersion: 'TLSv1.3' }, (socket) => {
      socket.on('data', () => {
        reusedOnServer.push(socket.isSessionReused());
        socket.end(`hello reused=${socket.isSessionReused()}`);
      });
      socket.on('error', () => {});
    });
    const port = await listen(server);
    try {
      const first = await visit13(port, options, 'hi');
      assert.equal(first.body, 'hello reused=false');
      assert.equal(first.protocol, 'TLSv1.3');
      assert.ok(first.sessions.length >= 1, "a 'session' event");
      const second = await visit13(port, { ...options, session: first.sessions.at(-1)! }, 'hi');
      assert.equal(second.body, 'hello reused=true');
      assert.equal(second.reused, true);
      assert.equal(second.protocol, 'TLSv1.3');
      assert.deepEqual(reusedOnServer, [false, true]);
    } finally {
      await closeServer(server);
    }
  });
});
