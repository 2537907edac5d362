// Node's http client running over our TLS client (createConnection → connect()) against Node's
// https.createServer, and undici (a devDependency: Node's own HTTP client, driven through our connect()).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket as NodeTLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { connect } from '../../src/node/connect.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { cachedPki } from '../helpers/pki.js';
import { closeServer, listen, readAll, sha256, waitEvent, withTimeout } from '../helpers/interop.js';
import * as undici from 'undici';

const TEST = { timeout: 30_000 };
const BIG = randomBytes(1024 * 1024);
const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });

let server: https.Server;
let port: number;
/** Each TLS connection the https server accepted. */
const serverConnections: NodeTLSSocket[] = [];
const serverErrors: Error[] = [];

before(async () => {
  server = https.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const tls = req.socket as NodeTLSSocket;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-length': BIG.length });
      res.end(BIG);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${tls.getProtocol()} ${tls.getCipher().name} alpn=${tls.alpnProtocol} body=${body.length}:${sha256(body)}`);
    });
  });
  server.on('secureConnection', (s: NodeTLSSocket) => {
    serverConnections.push(s);
    s.on('error', (err) => serverErrors.push(err));
  });
  server.on('tlsClientError', (err: Error) => serverErrors.push(err));
  port = await listen(server);
});

after(async () => {
  if (server) await closeServer(server);
});

/** Our TLS client to the https server, recording its errors. */
function ourConnection(errors: Error[]): TLSSocket {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
  socket.on('error', (err) => errors.push(err));
  return socket;
}

async function bodyOf(res: http.IncomingMessage): Promise<Buffer> {
  return readAll(res);
}

const emptySha = sha256(Buffer.alloc(0));

describe('node:http over our client → https.createServer', () => {
  test('http.request with createConnection: connect() gets a response over TLS 1.3 with ALPN http/1.1', TEST, async () => {
    const errors: Error[] = [];
    let socket: TLSSocket | undefined;
    const req = http.request({
      host: 'localhost',
      port,
      path: '/hello',
      createConnection: () => (socket = ourConnection(errors)),
    });
    req.end();
    const [res] = await waitEvent<[http.IncomingMessage]>(req, 'response');
    assert.equal(res.statusCode, 200);
    const body = (await bodyOf(res)).toString();
    assert.equal(body, `GET /hello TLSv1.3 ${socket!.getCipher()?.name} alpn=http/1.1 body=0:${emptySha}`);
    assert.equal(res.socket, socket);
    assert.equal(socket!.authorized, true);
    assert.equal(socket!.alpnProtocol, 'http/1.1');
    assert.deepEqual(errors, []);
    assert.deepEqual(serverErrors, []);
  });

  test('http.request POSTs 1 MB and downloads 1 MB through connect(), both intact', TEST, async () => {
    const errors: Error[] = [];
    const post = http.request({
      method: 'POST',
      host: 'localhost',
      port,
      path: '/upload',
      headers: { 'content-length': BIG.length },
      createConnection: () => ourConnection(errors),
    });
    post.end(BIG);
    const [postRes] = await waitEvent<[http.IncomingMessage]>(post, 'response');
    assert.match((await bodyOf(postRes)).toString(), new RegExp(` body=${BIG.length}:${sha256(BIG)}$`));

    const get = http.request({ host: 'localhost', port, path: '/big', createConnection: () => ourConnection(errors) });
    get.end();
    const [getRes] = await waitEvent<[http.IncomingMessage]>(get, 'response');
    const big = await bodyOf(getRes);
    assert.equal(big.length, BIG.length);
    assert.equal(sha256(big), sha256(BIG));
    assert.deepEqual(errors, []);
    assert.deepEqual(serverErrors, []);
  });

  test('http.get with createConnection: connect() fetches a page', TEST, async () => {
    const errors: Error[] = [];
    const req = http.get({ host: 'localhost', port, path: '/get', createConnection: () => ourConnection(errors) });
    const [res] = await waitEvent<[http.IncomingMessage]>(req, 'response');
    assert.equal(res.statusCode, 200);
    assert.match((await bodyOf(res)).toString(), /^GET \/get TLSv1\.3 TLS_\w+ alpn=http\/1\.1 /);
    assert.deepEqual(errors, []);
  });

  test('a keep-alive http.Agent reuses one connect() connection for two requests', TEST, async () => {
    const errors: Error[] = [];
    const sockets: TLSSocket[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // http.Agent#createConnection is not in @types/node's class shape; node documents overriding it.
    (agent as unknown as { createConnection: () => TLSSocket }).createConnection = () => {
      const s = ourConnection(errors);
      sockets.push(s);
      return s;
    };
    const before = serverConnections.length;
    try {
      for (const path of ['/first', '/second']) {
        const req = http.get({ host: 'localhost', port, path, agent });
        const [res] = await waitEvent<[http.IncomingMessage]>(req, 'response');
        assert.match((await bodyOf(res)).toString(), new RegExp(`^GET ${path} TLSv1\\.3 `));
      }
      assert.equal(sockets.length, 1, 'the agent created one connection');
      assert.equal(serverConnections.length, before + 1, 'the server accepted one connection');
      assert.deepEqual(errors, []);
    } finally {
      agent.destroy();
    }
  });
});


describe('undici over our client → https.createServer', () => {
  test(
    'undici.request with a connect() dispatcher fetches a page',
    TEST,
    async () => {
      const errors: Error[] = [];
      const dispatcher = new undici.Agent({
        connect: (_opts, callback) => {
          const socket = ourConnection(errors);
          // undici types its sockets as node:tls TLSSocket; ours has the surface it uses.
          socket.once('secureConnect', () => callback(null, socket as unknown as Parameters<typeof callback>[1] & object));
          socket.once('error', (err) => callback(err, null));
        },
      });
      try {
        const res = await withTimeout(
          undici.request(`https://localhost:${port}/undici`, { dispatcher }),
          10_000,
          'the undici response',
        );
        assert.equal(res.statusCode, 200);
        assert.match(await res.body.text(), /^GET \/undici TLSv1\.3 /);
        assert.deepEqual(errors, []);
      } finally {
        await dispatcher.close();
      }
    },
  );
});
