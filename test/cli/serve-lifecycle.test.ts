// `handshake serve` over its life: certificates rotated on disk and on SIGHUP while a connection
// stays open, a broken file kept out, and SIGINT ending the open connection with close_notify
// before exiting 0. DESIGN.md §4: fails, never skips, when openssl is missing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Peer, type TempDir, killAll, requireCommand, tempDir } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { type Serve, interrupt, sClientSession, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
const first = cachedPki({ leafCommonName: 'first' });
const rotated = cachedPki({ leafCommonName: 'rotated', root: { commonName: 'rotated root CA' } });
let dir: TempDir;
let certFile: string;
let keyFile: string;
let serve: Serve;
/** The connection made before any rotation, kept open through all of them. */
let longLived: Peer;

before(async () => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-serve-lifecycle-');
  certFile = dir.write('server.pem', first.chainPem);
  keyFile = dir.write('server.key', first.leafKeyPem);
  serve = await startServe(['--echo', '--cert', certFile, '--key', keyFile]);
});

after(async () => {
  await killAll();
  dir?.remove();
});

/** The subject of the certificate a new connection gets. */
async function subjectNow(): Promise<string> {
  const peer = await sClientSession(serve.port, ['-servername', 'localhost'], 'x\n', /^x$/m);
  peer.child.stdin!.end();
  await peer.waitExit();
  return /^subject=(.*)$/m.exec(peer.stdout)?.[1] ?? `no subject in\n${peer.stdout}`;
}

test('an open connection, and the first certificate for new ones', TEST, async () => {
  longLived = await sClientSession(serve.port, ['-servername', 'localhost'], 'before\n', /^before$/m);
  assert.match(await subjectNow(), /CN ?= ?first/);
});

test('new files on disk are picked up for new connections; the open one keeps working', TEST, async () => {
  const from = serve.peer.stderr.length;
  // Key first, as a renewal tool might: the half-written pair must not be applied (debounced).
  writeFileSync(keyFile, rotated.leafKeyPem);
  writeFileSync(certFile, rotated.chainPem);
  await serve.peer.waitFor(/^reloaded \(file change\): certificate: CN=rotated /m);
  assert.doesNotMatch(serve.logSince(from), /reload failed/);
  assert.match(await subjectNow(), /CN ?= ?rotated/);
  longLived.child.stdin!.write('still here\n');
  await longLived.waitFor(/^still here$/m);
});

test('SIGHUP reloads too', TEST, async () => {
  serve.peer.child.kill('SIGHUP');
  await serve.peer.waitFor(/^reloaded \(SIGHUP\): certificate: CN=rotated /m);
});

test('a file that does not parse keeps the current certificates, in one log line', TEST, async () => {
  writeFileSync(certFile, 'not a certificate\n');
  const m = await serve.peer.waitFor(/^reload failed \(file change\): .*$/m);
  assert.match(m[0], /--cert \S+server\.pem: no PEM certificate in it; keeping the current certificates$/);
  assert.match(await subjectNow(), /CN ?= ?rotated/);
});

test('a key that is not the certificate\'s is refused the same way', TEST, async () => {
  writeFileSync(certFile, rotated.chainPem);
  writeFileSync(keyFile, first.leafKeyPem);
  const m = await serve.peer.waitFor(/^reload failed \(file change\): --key .*$/m);
  assert.match(m[0], /is not the key of the certificate in --cert/);
  assert.match(await subjectNow(), /CN ?= ?rotated/);
});

test('SIGINT: the open connection gets close_notify, then the process exits 0', TEST, async () => {
  const status = await interrupt(serve);
  assert.deepEqual(status, { code: 0, signal: null }, serve.peer.stderr);
  assert.match(serve.peer.stderr, /SIGINT: closing the listener and 1 connection\(s\) with close_notify/);
  // s_client prints "closed" when it reads a close_notify (SSL_ERROR_ZERO_RETURN).
  await longLived.waitFor(/^closed$/m);
  await longLived.waitExit();
  assert.doesNotMatch(serve.peer.stderr, /did not close/);
});
