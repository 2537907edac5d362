// `handshake serve --http` with curl: the page that shows the client its own handshake, as text
// and as HTML, the HSTS header, the per-connection log line, --keylog and SSLKEYLOGFILE, and a
// clean SIGINT.
// DESIGN.md §4: fails, never skips, when curl is missing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type TempDir, killAll, requireCommand, tempDir, waitUntil } from '../helpers/interop.js';
import { type Serve, interrupt, runCurl, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
let dir: TempDir;
let serve: Serve;
let keylog: string;
let envKeylog: string;

before(async () => {
  requireCommand('curl');
  dir = tempDir('handshake-serve-http-');
  keylog = dir.file('keys.log');
  envKeylog = dir.file('env-keys.log');
  // The child inherits this process's environment; this file runs in a process of its own.
  process.env.SSLKEYLOGFILE = envKeylog;
  try {
    serve = await startServe(['--http', '--keylog', keylog]);
  } finally {
    delete process.env.SSLKEYLOGFILE;
  }
});

after(async () => {
  await killAll();
  dir?.remove();
});

/** curl trusting only the certificate serve generated, with localhost pinned to 127.0.0.1. */
const curl = (args: readonly string[]) =>
  runCurl(['--cacert', serve.certFile!, '--resolve', `localhost:${serve.port}:127.0.0.1`, '--http1.1', ...args, `https://localhost:${serve.port}/hello?x=1`]);

test('serve --http: a generated certificate for localhost, printed with its SHA-256 fingerprint', TEST, () => {
  assert.ok(serve.certFile, serve.peer.stderr);
  assert.match(serve.peer.stderr, /certificate: self-signed, made now: CN=localhost \[localhost, 127\.0\.0\.1, [^\]]+\] EC P-256, .*SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  assert.match(readFileSync(serve.certFile!, 'latin1'), /^-----BEGIN CERTIFICATE-----/);
});

test('curl --tlsv1.3: the text page shows the handshake, with an HSTS header; one log line per connection', TEST, async () => {
  const from = serve.peer.stderr.length;
  const r = await curl(['--tlsv1.3', '--include']);
  assert.equal(r.code, 0, r.stderr);
  const [head, body] = r.stdout.split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 200 OK/);
  assert.match(head!, /^strict-transport-security: max-age=\d+/im);
  assert.match(head!, /^content-type: text\/plain; charset=utf-8/im);
  assert.match(body!, /^protocol\s+TLSv1\.3$/m);
  assert.match(body!, /^cipher suite\s+TLS_AES_(128|256)_GCM_SHA(256|384)$/m);
  assert.match(body!, /^key exchange group\s+x25519$/m);
  assert.match(body!, /^signature scheme\s+ecdsa_secp256r1_sha256$/m);
  assert.match(body!, /^resumed\s+no$/m);
  assert.match(body!, /^ALPN\s+http\/1\.1$/m);
  assert.match(body!, /^SNI\s+localhost$/m);
  assert.match(body!, /^0-RTT\s+not offered$/m);
  assert.match(body!, /^client certificate\s+none$/m);
  assert.match(body!, /^handshake time\s+\d+\.\d ms/m);
  assert.match(body!, /^you\s+127\.0\.0\.1:\d+$/m);
  assert.match(body!, /^request\s+GET \/hello\?x=1 \(#1 on this connection\)$/m);
  await waitUntil(() => /sni=localhost/.test(serve.logSince(from)), 'the connection log line');
  assert.match(
    serve.logSince(from),
    /^127\.0\.0\.1:\d+ TLSv1\.3 TLS_AES_\w+ x25519 sni=localhost alpn=http\/1\.1 resumed=no \d+\.\dms$/m,
  );
});

test('curl --tlsv1.2 --tls-max 1.2: the page says TLS 1.2 and the ECDHE suite', TEST, async () => {
  const r = await curl(['--tlsv1.2', '--tls-max', '1.2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^protocol\s+TLSv1\.2$/m);
  assert.match(r.stdout, /^cipher suite\s+TLS_ECDHE_ECDSA_WITH_\w+$/m);
});

test('Accept: text/html gets the HTML page, its values escaped into a table', TEST, async () => {
  const r = await curl(['--tlsv1.3', '--include', '--header', 'Accept: text/html,application/xhtml+xml']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^content-type: text\/html; charset=utf-8/im);
  assert.match(r.stdout, /^strict-transport-security: max-age=\d+/im);
  assert.match(r.stdout, /<tr><th>protocol<\/th><td>TLSv1\.3<\/td><\/tr>/);
  assert.match(r.stdout, /<tr><th>SNI<\/th><td>localhost<\/td><\/tr>/);
});

test('two requests on one connection: the second is #2 and the log has one line for the connection', TEST, async () => {
  const from = serve.peer.stderr.length;
  const url = `https://localhost:${serve.port}/again`;
  const r = await curl(['--tlsv1.3', url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\(#1 on this connection\)[\s\S]*\(#2 on this connection\)/);
  await waitUntil(() => /sni=localhost/.test(serve.logSince(from)), 'the connection log line');
  assert.equal(serve.logSince(from).match(/sni=localhost/g)?.length, 1);
});

test('a POST is refused with 405: only requests that are safe to replay are served', TEST, async () => {
  const r = await curl(['--tlsv1.3', '--include', '--data', 'x=1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/1\.1 405 /);
  assert.match(r.stdout, /^allow: GET, HEAD/im);
});

test('--keylog: the key log has the TLS 1.3 secrets of the connections so far (NSS format)', TEST, () => {
  const lines = readFileSync(keylog, 'latin1').trim().split('\n');
  for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
    assert.ok(lines.some((l) => new RegExp(`^${label} [0-9a-f]{64} [0-9a-f]{64,96}$`).test(l)), `${label} in\n${lines.join('\n')}`);
  }
  assert.ok(lines.some((l) => /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/.test(l)), 'the TLS 1.2 connection too');
});

test('SSLKEYLOGFILE: announced, and the same key lines as --keylog', TEST, () => {
  assert.match(serve.peer.stderr, new RegExp(`key log \\(SSLKEYLOGFILE\\): appending to ${envKeylog.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(serve.peer.stderr, /key log \(--keylog\): appending to /);
  const fromFlag = readFileSync(keylog, 'latin1');
  assert.ok(fromFlag.length > 0);
  assert.equal(readFileSync(envKeylog, 'latin1'), fromFlag);
});

test('SIGINT: the listener closes and the process exits 0', TEST, async () => {
  const status = await interrupt(serve);
  assert.deepEqual(status, { code: 0, signal: null }, serve.peer.stderr);
  assert.match(serve.peer.stderr, /SIGINT: closing the listener/);
});
