// `openssl s_client` against `handshake serve`: --echo, SNI between two --cert pairs, --alpn,
// --ocsp, --early-data, --trace, --tls1.2, and the default mode (what arrives on stdout, stdin to
// the client). DESIGN.md §4: fails, never skips, when openssl is missing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Peer, type PkiFiles, type TempDir, killAll, requireCommand, runSClient, tempDir, waitUntil, writePki } from '../helpers/interop.js';
import { ocspResponse } from '../helpers/ocsp.js';
import { cachedPki } from '../helpers/pki.js';
import { type Serve, interrupt, sClientSession, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
const localhost = cachedPki();
const other = cachedPki({ leafDnsNames: ['other.test'], leafIps: [], leafKeyType: 'rsa-2048', root: { commonName: 'other root CA' } });
let dir: TempDir;
let a: PkiFiles;
let b: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-serve-openssl-');
  a = writePki(dir, 'a', localhost);
  b = writePki(dir, 'b', other);
});

after(async () => {
  await killAll();
  dir?.remove();
});

/** s_client verifying our certificate against `root` for `name`. */
const verifying = (root: string, name = 'localhost') => ['-servername', name, '-CAfile', root, '-verify_return_error'];

/** One line through the connection and back, then a clean close from the client (stdin EOF). */
async function roundTrip(port: number, args: readonly string[], line: string): Promise<Peer> {
  const peer = await sClientSession(port, args, `${line}\n`, new RegExp(`^${line}$`, 'm'));
  peer.child.stdin!.end();
  await peer.waitExit();
  return peer;
}

describe('serve --echo with two certificates, ALPN, an OCSP staple, 0-RTT and --trace', () => {
  let serve: Serve;
  before(async () => {
    const staple = dir.write('a.ocsp', ocspResponse({ leaf: localhost.leaf, issuer: localhost.intermediate }));
    serve = await startServe([
      '--echo', '--cert', a.chain, '--key', a.key, '--cert', b.chain, '--key', b.key,
      '--alpn', 'foo,bar', '--ocsp', staple, '--early-data', '--trace',
    ]);
  });

  test('the startup log names both certificates and the staple', TEST, () => {
    assert.match(serve.peer.stderr, /^certificate 1 \(default\): CN=localhost .*EC P-256/m);
    assert.match(serve.peer.stderr, /^certificate 2 \(by SNI\): CN=other\.test \[other\.test\] RSA 2048/m);
    assert.match(serve.peer.stderr, /^OCSP staple: good, next update /m);
  });

  test('echo: the line comes back; one summary line with peer, SNI, ALPN, protocol, cipher, group, resumed, ms', TEST, async () => {
    const from = serve.peer.stderr.length;
    const peer = await roundTrip(serve.port, [...verifying(a.root), '-alpn', 'bar'], 'hello, echo');
    assert.match(peer.stdout, /ALPN protocol: bar/);
    assert.match(peer.stdout, /Verify return code: 0 \(ok\)/);
    await waitUntil(() => /sni=localhost/.test(serve.logSince(from)), 'the summary line');
    assert.match(serve.logSince(from), /^127\.0\.0\.1:\d+ TLSv1\.3 TLS_AES_\w+ x25519 sni=localhost alpn=bar resumed=no \d+\.\dms$/m);
  });

  test('--trace: the server-side ladder follows the summary line', TEST, async () => {
    const from = serve.peer.stderr.length;
    await roundTrip(serve.port, verifying(a.root), 'traced');
    await waitUntil(() => /\{Finished\}[\s\S]*\{Finished\}/.test(serve.logSince(from)), 'the ladder');
    const log = serve.logSince(from);
    const order = ['sni=localhost', 'ClientHello', 'ServerHello', '{EncryptedExtensions}', '{Certificate}', '{CertificateVerify}', '{Finished}', '{Finished}'];
    let at = 0;
    for (const name of order) {
      const next = log.indexOf(name, at);
      assert.ok(next >= 0, `${name} after position ${at}:\n${log}`);
      at = next + name.length;
    }
  });

  test('SNI chooses between the --cert pairs; no SNI gets the first', TEST, async () => {
    const toOther = await roundTrip(serve.port, verifying(b.root, 'other.test'), 'to other');
    assert.match(toOther.stdout, /subject=CN ?= ?other\.test/);
    assert.match(toOther.stdout, /Verify return code: 0 \(ok\)/);
    const toLocalhost = await roundTrip(serve.port, verifying(a.root), 'to localhost');
    assert.match(toLocalhost.stdout, /subject=CN ?= ?localhost/);
    const unnamed = await roundTrip(serve.port, ['-noservername', '-CAfile', a.root], 'no name');
    assert.match(unnamed.stdout, /subject=CN ?= ?localhost/);
    assert.match(serve.peer.stderr, /sni=none/);
  });

  test('--ocsp: s_client -status receives the staple', TEST, async () => {
    const peer = await roundTrip(serve.port, [...verifying(a.root), '-status'], 'stapled');
    assert.match(peer.stdout, /OCSP Response Status: successful/);
    assert.match(peer.stdout, /Cert Status: good/);
  });

  test('--early-data: s_client -sess_in -early_data is accepted, echoed and logged as 0-RTT', TEST, async () => {
    const session = dir.file('session.pem');
    await roundTrip(serve.port, [...verifying(a.root), '-sess_out', session], 'first visit');
    const early = dir.write('early.txt', 'early words\n');
    const from = serve.peer.stderr.length;
    const peer = await roundTrip(serve.port, [...verifying(a.root), '-sess_in', session, '-early_data', early], 'after the handshake');
    assert.match(peer.stdout, /Early data was accepted/);
    assert.match(peer.stdout, /^early words$/m);
    await waitUntil(() => /resumed=yes/.test(serve.logSince(from)), 'the summary line');
    assert.match(serve.logSince(from), /sni=localhost alpn=none resumed=yes 0-rtt=accepted\(12B\)/);
  });

  test('SIGINT exits 0', TEST, async () => {
    assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
  });
});

describe('serve --echo --tls1.2 --ciphers --groups', () => {
  let serve: Serve;
  before(async () => {
    serve = await startServe([
      '--echo', '--tls1.2', '--ciphers', 'ECDHE-ECDSA-CHACHA20-POLY1305', '--groups', 'P-256', '--cert', a.chain, '--key', a.key,
    ]);
  });

  test('s_client speaks TLS 1.2 with it, with that suite and group', TEST, async () => {
    const peer = await roundTrip(serve.port, verifying(a.root), 'old but fine');
    assert.match(peer.stdout, /Protocol\s*: TLSv1\.2/);
    assert.match(peer.stdout, /Cipher\s*: ECDHE-ECDSA-CHACHA20-POLY1305/);
    assert.match(serve.peer.stderr, /^127\.0\.0\.1:\d+ TLSv1\.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 secp256r1 sni=localhost/m);
  });

  test('s_client -tls1_3 is refused: one log line with the alert', TEST, async () => {
    const from = serve.peer.stderr.length;
    const peer = await runSClient(serve.port, [...verifying(a.root), '-tls1_3']);
    assert.notEqual((await peer.exited).code, 0);
    assert.match(peer.output, /alert protocol version/);
    await waitUntil(() => /handshake failed/.test(serve.logSince(from)), 'the failure line');
    assert.match(serve.logSince(from), /^127\.0\.0\.1:\d+ handshake failed: sent alert protocol_version \(.+\)$/m);
  });

  test('SIGINT exits 0', TEST, async () => {
    assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
  });
});

describe('serve without a mode: what arrives on stdout, stdin to the latest connection', () => {
  let serve: Serve;
  before(async () => {
    serve = await startServe(['--cert', a.chain, '--key', a.key]);
  });

  test('the client\'s line is printed with its peer; a line on stdin reaches the client', TEST, async () => {
    const client = await sClientSession(serve.port, verifying(a.root), 'from the client\n', /Verify return code/);
    const m = await serve.peer.waitFor(/^(127\.0\.0\.1:\d+)> from the client$/m);
    serve.peer.child.stdin!.write('from the server\n');
    await client.waitFor(/^from the server$/m);
    client.child.stdin!.end();
    await client.waitExit();
    await serve.peer.waitFor(new RegExp(`^${m[1]!.replace(/\./g, '\\.')} closed$`, 'm'));
  });

  test('SIGINT exits 0', TEST, async () => {
    assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
  });
});
