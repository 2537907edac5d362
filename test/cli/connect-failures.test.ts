// `handshake connect` when things go wrong: each failure is one line on stderr (no stack trace)
// and an exit code — 1 verification failed, 2 handshake failed, 3 connection failed, 64 usage.
// DESIGN.md §4: fails, never skips, when openssl is missing.
import assert from 'node:assert/strict';
import { type Socket, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type PkiFiles, type TempDir, closeServer, killAll, listen, requireCommand, startSServer, tempDir, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { connectCli, connectJson, killConnects, ladderLabels } from './helpers/connect.js';

const TEST = { timeout: 30_000 };
let dir: TempDir;
let files: PkiFiles;
let port: number;

before(async () => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-connect-failures-');
  files = writePki(dir, 'ecdsa', cachedPki());
  ({ port } = await startSServer(['-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate, '-rev']));
});

after(async () => {
  killConnects();
  await killAll();
  dir?.remove();
});

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m);
  return lines[0]!;
}

describe('verification failures: exit 1', () => {
  test("a CA we do not trust: refused, with our unknown_ca alert in the ladder", TEST, async () => {
    const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, '--servername', 'localhost']);
    assert.equal(code, 1);
    assert.equal(
      oneLine(stderr),
      'verification failed: unable to get local issuer certificate (UNABLE_TO_GET_ISSUER_CERT_LOCALLY); --ca FILE trusts its issuer, --insecure goes on anyway',
    );
    assert.equal(report.result.status, 'verification-failed');
    assert.equal(report.result.error!.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(report.handshake, null);
    assert.equal(report.verification!.verified, false);
    assert.deepEqual(ladderLabels(report).slice(-1), ['>{unknown_ca}']);
  });

  test('--insecure: the handshake completes, data flows, the error is reported and the exit code is still 1', TEST, async () => {
    const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, '--servername', 'localhost', '--insecure', '--send', 'abc\\n', '--wait', '1000']);
    assert.equal(code, 1);
    assert.match(oneLine(stderr), /^verification failed: .*UNABLE_TO_GET_ISSUER_CERT_LOCALLY.*--insecure/);
    assert.equal(report.result.exitCode, 1);
    assert.equal(report.handshake!.protocol, 'TLSv1.3');
    assert.equal(report.verification!.verified, false);
    assert.equal(report.verification!.insecure, true);
    assert.equal(report.verification!.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(report.chainSource, 'received', 'no path was built: the chain as sent');
    assert.equal(report.certificates.length, 2);
    assert.match(report.data.received, /cba/);
  });

  test('a name the certificate does not cover', TEST, async () => {
    const { code, stderr } = await connectCli([`127.0.0.1:${port}`, '--servername', 'example.com', '--ca', files.root, '--no-color']);
    assert.equal(code, 1);
    assert.match(oneLine(stderr), /^verification failed: .*example\.com.*\(ERR_TLS_CERT_ALTNAME_INVALID\); --servername NAME/);
  });
});

describe('handshake failures: exit 2', () => {
  test('no shared cipher suite: the server alert named, with its likely cause', TEST, async () => {
    const { peer, port: chacha } = await startSServer([
      '-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate,
    ]);
    try {
      const { code, report, stderr } = await connectJson([`127.0.0.1:${chacha}`, '--servername', 'localhost', '--ca', files.root, '--tls1.3', '--ciphers', 'TLS_AES_128_GCM_SHA256']);
      assert.equal(code, 2);
      assert.equal(oneLine(stderr), 'handshake failed: server sent alert handshake_failure (no shared cipher suite)');
      assert.deepEqual(report.result.error, {
        message: 'handshake failed: server sent alert handshake_failure (no shared cipher suite)',
        code: 'ERR_TLS_HANDSHAKE_FAILURE',
        alert: 'handshake_failure',
        fromPeer: true,
      });
      assert.deepEqual(ladderLabels(report), ['>ClientHello', '<handshake_failure']);
    } finally {
      await peer.kill();
    }
  });
});

describe('connection failures: exit 3', () => {
  test('connection refused', TEST, async () => {
    const closed = createServer();
    const free = await listen(closed);
    await closeServer(closed);
    const { code, report, stderr } = await connectJson([`127.0.0.1:${free}`]);
    assert.equal(code, 3);
    assert.equal(oneLine(stderr), `connection failed: 127.0.0.1:${free}: connection refused (ECONNREFUSED)`);
    assert.equal(report.result.status, 'connection-failed');
    assert.deepEqual(report.ladder, []);
  });

  test('--timeout: a server that accepts and never answers', TEST, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    const silentPort = await listen(silent);
    try {
      const { code, stderr } = await connectCli([`127.0.0.1:${silentPort}`, '--timeout', '300']);
      assert.equal(code, 3);
      assert.equal(oneLine(stderr), `connection failed: 127.0.0.1:${silentPort}: no TLS handshake within 300 ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await closeServer(silent);
    }
  });
});

describe('usage errors: exit 64', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['127.0.0.1', '--bogus'], /unknown option '--bogus'/],
    ['no target', [], /missing required argument 'target'/],
    ['a bad port', ['127.0.0.1:99999'], /^usage error: bad port in "127\.0\.0\.1:99999"/],
    ['a group we do not know', ['127.0.0.1', '--groups', 'P-999'], /^usage error: unsupported group in --groups: P-999$/],
    ['a cipher suite we do not know', ['127.0.0.1', '--ciphers', 'NOPE'], /^usage error: no cipher suite we know in --ciphers "NOPE"$/],
    ['--tls1.2 with --tls1.3', ['127.0.0.1', '--tls1.2', '--tls1.3'], /^usage error: give --tls1\.2 or --tls1\.3, not both/],
    ['a missing --ca file', ['127.0.0.1', '--ca', '/nonexistent/ca.pem'], /^usage error: --ca \/nonexistent\/ca\.pem: no such file$/],
    ['--cert without --key', ['127.0.0.1', '--cert', '/dev/null'], /^usage error: --cert and --key go together$/],
    ['a bad --timeout', ['127.0.0.1', '--timeout', 'soon'], /--timeout.*positive whole number/],
  ];
  for (const [what, args, message] of cases) {
    test(what, TEST, async () => {
      const { code, stdout, stderr } = await connectCli([...args, '--no-color']);
      assert.equal(code, 64, stderr);
      assert.equal(stdout, '');
      assert.match(oneLine(stderr), message);
    });
  }
});
