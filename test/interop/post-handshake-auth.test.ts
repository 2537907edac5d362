// TLS 1.3 post-handshake client authentication (RFC 8446 §4.6.2) with OpenSSL: `openssl s_client
// -enable_pha -cert` answering our server's requestClientCertificate(), and our client answering
// `openssl s_server -verify`'s "c" command. DESIGN.md §4: these fail, never skip, when openssl is
// missing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { connect } from '../../src/node/connect.js';
import { createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import type { TraceEvent } from '../../src/trace.js';
import {
  type PkiFiles,
  certArgs,
  closeServer,
  interopTempDir,
  listen,
  requireCommand,
  runSClient,
  runVerifiedSClient,
  startSServer,
  waitEvent,
  waitUntil,
  writePki,
} from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 60_000 };
const serverPki = cachedPki();
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [], root: { commonName: 'handshake client root CA' } });
const dir = interopTempDir('handshake-pha-');
let server: PkiFiles;
let client: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  server = writePki(dir, 'server', serverPki);
  client = writePki(dir, 'client', clientPki);
});

describe('openssl s_client -enable_pha → our server', () => {
  test('the handshake asks nothing; requestClientCertificate() gets the client certificate, validated', TEST, async () => {
    const seen: Array<{ before: boolean; after: boolean; subject: unknown }> = [];
    const ours = createServer({ key: serverPki.leafKeyPem, cert: serverPki.chainPem, postHandshakeAuth: true, ca: clientPki.rootPem }, (socket) => {
      socket.on('error', () => {});
      const before = socket.authorized;
      socket.once('clientCertificate', (cert: { subject: unknown }) => {
        seen.push({ before, after: socket.authorized, subject: { ...(cert.subject as object) } });
        socket.end(`authorized=${socket.authorized}\n`);
      });
      socket.requestClientCertificate();
    });
    const port = await listen(ours);
    try {
      const peer = await runVerifiedSClient(port, '-tls1_3', server.root, ['-enable_pha', ...certArgs(client)]);
      assert.match(peer.stdout, /authorized=true/, peer.output);
      assert.deepEqual(seen, [{ before: false, after: true, subject: { CN: 'client one' } }]);
    } finally {
      await closeServer(ours);
    }
  });

  test('a client without -enable_pha cannot be asked: requestClientCertificate() throws', TEST, async () => {
    const errors: string[] = [];
    const ours = createServer({ key: serverPki.leafKeyPem, cert: serverPki.chainPem, postHandshakeAuth: true, ca: clientPki.rootPem }, (socket) => {
      socket.on('error', () => {});
      try {
        socket.requestClientCertificate();
      } catch (err) {
        errors.push((err as Error).message);
      }
      socket.end('bye\n');
    });
    const port = await listen(ours);
    try {
      const peer = await runSClient(port, ['-tls1_3', '-servername', 'localhost', '-CAfile', server.root, '-ign_eof', '-cert', client.leaf, '-key', client.key]);
      assert.match(peer.stdout, /bye/, peer.output);
      assert.deepEqual(errors, ['the client did not offer post_handshake_auth']);
    } finally {
      await closeServer(ours);
    }
  });
});

describe('our client (postHandshakeAuth) → openssl s_server -verify', () => {
  test('answers the CertificateRequest sent by the "c" command; s_server verifies the chain', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-verify', '1', '-verify_return_error', '-CAfile', client.root, ...certArgs(server)]);
    let socket: TLSSocket | undefined;
    try {
      const traces: TraceEvent[] = [];
      socket = connect({
        host: '127.0.0.1', servername: 'localhost', port, ca: serverPki.rootPem,
        postHandshakeAuth: true, cert: clientPki.chainPem, key: clientPki.leafKeyPem,
      });
      socket.on('trace', (e: TraceEvent) => traces.push(e));
      await waitEvent(socket, 'secureConnect');
      await peer.waitFor(/CIPHER is TLS_AES/);
      const verifiedBefore = peer.output.match(/depth=0 CN = client one/g)?.length ?? 0;
      peer.child.stdin!.write('c\n');
      await waitUntil(() => traces.some((e) => e.direction === 'sent' && e.name === 'Finished' && e.protection === 'application'), 'our post-handshake Finished');
      socket.write('after\n');
      await peer.waitFor(/after/);
      const received = traces.filter((e) => e.direction === 'received' && e.name === 'CertificateRequest').map((e) => e.protection);
      assert.ok(received.includes('application'), 'a post-handshake CertificateRequest');
      const sent = traces.filter((e) => e.direction === 'sent' && e.protection === 'application').map((e) => e.name);
      assert.deepEqual(sent.slice(-3), ['Certificate', 'CertificateVerify', 'Finished']);
      assert.equal(peer.output.match(/depth=0 CN = client one/g)?.length, verifiedBefore + 1, 's_server verified our certificate once more');
      assert.doesNotMatch(peer.output, /error|alert/i);
    } finally {
      socket?.destroy();
      await peer.kill();
    }
  });
});
