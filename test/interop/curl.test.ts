// curl (libcurl on OpenSSL) fetching pages from Node's http server running on our TLS server:
// createServer(opts, (tlsSocket) => httpServer.emit('connection', tlsSocket)).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type Server, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { cachedPki } from '../helpers/pki.js';
import { Peer, closeServer, interopTempDir, listen, requireCommand, runCurl, sha256, writePki } from '../helpers/interop.js';

const TEST = { timeout: 30_000 };
const BIG = randomBytes(1024 * 1024);

const dir = interopTempDir();
let rootFile: string;
let uploadFile: string;

let tlsServer: Server;
let httpServer: http.Server;
let port: number;
/** Each TLS connection our server completed, in order. */
const connections: TLSSocket[] = [];
/** Each HTTP request: path and the TLS connection it arrived on. */
const requests: Array<{ url: string; socket: unknown }> = [];
const tlsErrors: Error[] = [];

before(async () => {
  const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
  rootFile = writePki(dir, 'main', pki).root;
  uploadFile = dir.write('upload.bin', BIG);

  httpServer = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', socket: req.socket });
    const tls = req.socket as unknown as TLSSocket;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length });
      res.end(BIG);
    } else if (req.url === '/upload' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.end(`${body.length} ${sha256(body)}\n`);
      });
    } else {
      res.end(`hello over ${tls.getProtocol()} ${tls.getCipher()?.name} alpn=${tls.alpnProtocol} path=${req.url}\n`);
    }
  });
  tlsServer = createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ALPNProtocols: ['http/1.1'] }, (tlsSocket) => {
    connections.push(tlsSocket);
    tlsSocket.on('error', (err) => tlsErrors.push(err));
    httpServer.emit('connection', tlsSocket);
  });
  tlsServer.on('tlsClientError', (err: Error) => tlsErrors.push(err));
  port = await listen(tlsServer);
});

after(async () => {
  if (tlsServer) await closeServer(tlsServer);
  httpServer?.closeAllConnections();
});

/** Runs curl with our root as the only CA and localhost resolved to 127.0.0.1; fails unless it exits 0. */
const curl = (args: readonly string[]): Promise<Peer> => runCurl(port, rootFile, ['--tlsv1.3', ...args]);

const url = (path: string) => `https://localhost:${port}${path}`;

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('curl is installed (interop peers are required)', () => {
  requireCommand('curl', ['--version']);
});

describe('curl → http.Server on our TLS server', () => {
  before(() => requireCommand('curl', ['--version']));

  test('curl --tlsv1.3 verifies our chain and fetches a page over HTTP/1.1 negotiated by ALPN', TEST, async () => {
    const before = connections.length;
    const peer = await curl(['--write-out', '%{http_code} %{ssl_verify_result} %{http_version}\n', url('/')]);
    const [body, status] = peer.stdout.split('\n');
    assert.match(body!, /^hello over TLSv1\.3 TLS_[A-Z0-9_]+ alpn=http\/1\.1 path=\/$/);
    assert.equal(status, '200 0 1.1');
    assert.match(peer.stderr, /SSL connection using TLSv1\.3 \/ TLS_/);
    assert.match(peer.stderr, /ALPN: server accepted http\/1\.1/);
    const cipher = body!.split(' ')[3];
    assert.ok(peer.stderr.includes(`SSL connection using TLSv1.3 / ${cipher}`), `curl and our server agree on ${cipher}`);
    assert.equal(connections.length, before + 1);
    assert.deepEqual(tlsErrors, []);
  });

  test('curl sends a second request on the same TLS connection (keep-alive)', TEST, async () => {
    const firstConnection = connections.length;
    const firstRequest = requests.length;
    const peer = await curl([url('/one'), url('/two')]);
    assert.match(peer.stdout, /path=\/one\n[^]*path=\/two\n/);
    assert.match(peer.stderr, /Re-using existing connection/);
    assert.equal(connections.length, firstConnection + 1, 'one TLS handshake for both requests');
    const mine = requests.slice(firstRequest);
    assert.deepEqual(
      mine.map((r) => r.url),
      ['/one', '/two'],
    );
    assert.equal(mine[0]!.socket, mine[1]!.socket);
    assert.equal(mine[0]!.socket, connections.at(-1));
    assert.deepEqual(tlsErrors, []);
  });

  test('curl downloads a 1 MB body intact', TEST, async () => {
    const out = dir.file('big.out');
    await curl(['--output', out, url('/big')]);
    assert.equal(statSync(out).size, BIG.length);
    assert.equal(sha256(readFileSync(out)), sha256(BIG));
    assert.deepEqual(tlsErrors, []);
  });

  test('curl uploads a 1 MB body intact', TEST, async () => {
    const peer = await curl(['--data-binary', `@${uploadFile}`, '-H', 'content-type: application/octet-stream', url('/upload')]);
    assert.equal(peer.stdout, `${BIG.length} ${sha256(BIG)}\n`);
    assert.deepEqual(tlsErrors, []);
  });

  test('curl rejects our certificate under a CA it does not trust', TEST, async () => {
    const otherRoot = dir.write('other-root.pem', cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'other' }).rootPem);
    const peer = new Peer('curl', [
      '--tlsv1.3',
      '--cacert',
      otherRoot,
      '--resolve',
      `localhost:${port}:127.0.0.1`,
      '--silent',
      '--show-error',
      '--max-time',
      '10',
      url('/'),
    ]);
    const { code } = await peer.waitExit(15_000);
    assert.equal(code, 60, `curl exit 60 (peer certificate cannot be authenticated):\n${peer.stderr}`);
    assert.match(peer.stderr, /unable to get local issuer certificate/);
  });
});
