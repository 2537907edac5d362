// `handshake serve --require-cert` / `--request-cert` with `--ca`, against `openssl s_client` with
// and without a client certificate. DESIGN.md §4: fails, never skips, when openssl is missing.
//
// The default mode (what arrives is printed), not --echo: s_client 3.0 that sent a certificate
// leaves an echo unread until its stdin closes (it does the same against node:tls), so the line
// is checked where it arrives instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Peer, type PkiFiles, type TempDir, killAll, requireCommand, runSClient, tempDir, waitUntil, writePki } from '../helpers/interop.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { type Serve, interrupt, sClientSession, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
const server = cachedPki();
const client = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [], root: { commonName: 'handshake client root CA' } });
const stranger = cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });
let dir: TempDir;
let serverFiles: PkiFiles;
let clientRoot: string;

before(() => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-serve-client-auth-');
  serverFiles = writePki(dir, 'server', server);
  clientRoot = writePki(dir, 'client', client).root;
});

after(async () => {
  await killAll();
  dir?.remove();
});

/** s_client's -cert/-key/-cert_chain for a client PKI. */
function presenting(name: string, pki: Pki): string[] {
  const files = writePki(dir, name, pki);
  return ['-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate];
}

const base = () => ['-tls1_3', '-servername', 'localhost', '-CAfile', serverFiles.root, '-verify_return_error'];

/** Sends `line` over a verified connection; resolves once serve has printed it and s_client has closed. */
async function delivered(serve: Serve, args: readonly string[], line: string): Promise<Peer> {
  const peer = await sClientSession(serve.port, [...base(), ...args], `${line}\n`, /Verify return code: 0/);
  await serve.peer.waitFor(new RegExp(`^127\\.0\\.0\\.1:\\d+> ${line}$`, 'm'));
  peer.child.stdin!.end();
  await peer.waitExit();
  return peer;
}

describe('serve --require-cert --ca', () => {
  let serve: Serve;
  before(async () => {
    serve = await startServe(['--cert', serverFiles.chain, '--key', serverFiles.key, '--require-cert', '--ca', clientRoot]);
  });

  test('a client certificate from --ca: the connection works and the log names the client', TEST, async () => {
    const from = serve.peer.stderr.length;
    await delivered(serve, presenting('client', client), 'authenticated');
    await waitUntil(() => /client-cert=/.test(serve.logSince(from)), 'the summary line');
    assert.match(serve.logSince(from), /resumed=no client-cert="CN=client one" verified \d+\.\dms$/m);
  });

  test('no client certificate: refused with certificate_required, logged in one line', TEST, async () => {
    const from = serve.peer.stderr.length;
    const peer = await runSClient(serve.port, [...base(), '-ign_eof']);
    assert.match(peer.output, /alert certificate required/);
    await waitUntil(() => /handshake failed/.test(serve.logSince(from)), 'the failure line');
    assert.match(serve.logSince(from), /^127\.0\.0\.1:\d+ handshake failed: sent alert certificate_required \(.+\)$/m);
  });

  test('a certificate from another CA: refused with unknown_ca', TEST, async () => {
    const from = serve.peer.stderr.length;
    const peer = await runSClient(serve.port, [...base(), '-ign_eof', ...presenting('stranger', stranger)]);
    assert.match(peer.output, /alert unknown ca/);
    await waitUntil(() => /handshake failed/.test(serve.logSince(from)), 'the failure line');
    assert.match(serve.logSince(from), /handshake failed: sent alert unknown_ca/);
  });

  test('SIGINT exits 0', TEST, async () => {
    assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
  });
});

describe('serve --request-cert --ca', () => {
  let serve: Serve;
  before(async () => {
    serve = await startServe(['--cert', serverFiles.chain, '--key', serverFiles.key, '--request-cert', '--ca', clientRoot]);
  });

  test('no client certificate: the connection still works, and the log names none', TEST, async () => {
    const from = serve.peer.stderr.length;
    await delivered(serve, [], 'anonymous');
    await waitUntil(() => /sni=localhost/.test(serve.logSince(from)), 'the summary line');
    assert.doesNotMatch(serve.logSince(from), /client-cert=/);
  });

  test('an untrusted client certificate: the connection works, logged as unverified with the reason', TEST, async () => {
    const from = serve.peer.stderr.length;
    await delivered(serve, presenting('stranger', stranger), 'unverified');
    await waitUntil(() => /client-cert=/.test(serve.logSince(from)), 'the summary line');
    assert.match(serve.logSince(from), /client-cert="CN=stranger" unverified\(UNABLE_TO_GET_ISSUER_CERT_LOCALLY[^)]*\)/);
  });

  test('SIGINT exits 0', TEST, async () => {
    assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
  });
});
