// node:tls (`maxVersion: 'TLSv1.2'`) and curl (`--tlsv1.2 --tls-max 1.2`) against our TLS 1.2
// server, which test/helpers/tls12-server-bridge.ts runs as Connection.server over a plain
// net.Server: the client reports TLS 1.2, data goes both ways, and the close is clean.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';
import { describe, test } from 'node:test';
import { tls12SuiteByName, tls12SuiteByOpensslName } from '../../src/crypto/suites.js';
import type { ServerConfig } from '../../src/server/config.js';
import { serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { type Peer, interopTempDir, readAll, requireCommand, runCurl, sha256, waitEvent } from '../helpers/interop.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { type Bridge, type BridgeHandlers, echoHandlers, startBridge } from '../helpers/tls12-server-bridge.js';

const TEST = { timeout: 30_000 };
const GREETING = 'hello over TLS 1.2';

const ecdsaPki = () => cachedPki({ leafKeyType: 'ecdsa-p256' });
const rsaPki = () => cachedPki({ leafKeyType: 'rsa-2048' });
const clientPki = () => cachedPki({ leafCommonName: 'node client', leafDnsNames: [], leafIps: [] });

const config = (pki: Pki, overrides: Partial<ServerConfig> = {}): ServerConfig => serverFor(pki, { minVersion: 'TLSv1.2', ...overrides });

const dir = interopTempDir();

/** tls.connect to the bridge; resolves once the handshake is done. */
async function connectNode(bridge: Bridge, pki: Pki, options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  const socket = tls.connect({ host: '127.0.0.1', port: bridge.port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', ...options });
  socket.on('error', () => {});
  await waitEvent(socket, 'secureConnect');
  return socket;
}

/** Writes a line, reads until our server's close_notify, and checks the echo session. */
async function echo(socket: tls.TLSSocket, bridge: Bridge): Promise<void> {
  const all = readAll(socket);
  socket.write('ping from node\n');
  const text = (await all).toString('latin1');
  assert.equal(text, `${GREETING}\necho: ping from node\n`);
  socket.end();
  await waitEvent(socket, 'close');
  await bridge.settled();
  const c = bridge.connections[0]!;
  assert.equal(c.error, undefined, c.error?.message);
  assert.equal(c.received, 'ping from node\n');
  assert.equal(c.peerClosed, true, "node answered our close_notify with its own");
}

test('node:tls and curl are installed (interop peers are required)', () => {
  requireCommand('curl', ['--version']);
});

describe('node:tls (maxVersion TLSv1.2) → our TLS 1.2 server', () => {
  for (const [name, pki] of [
    ['ecdsa-p256', ecdsaPki],
    ['rsa-2048', rsaPki],
  ] as const) {
    test(`TLS 1.2 with our ${name} certificate: getProtocol() TLSv1.2, data both ways, clean close`, TEST, async () => {
      const bridge = await startBridge(config(pki()), echoHandlers(GREETING));
      try {
        const socket = await connectNode(bridge, pki());
        assert.equal(socket.authorized, true, String(socket.authorizationError));
        assert.equal(socket.getProtocol(), 'TLSv1.2');
        const cipher = socket.getCipher();
        await echo(socket, bridge);
        const info = bridge.connections[0]!.info!;
        assert.equal(info.version, 'TLSv1.2');
        assert.equal(tls12SuiteByOpensslName(cipher.name)?.id, info.cipherSuite);
        assert.equal(info.extendedMasterSecret, true);
      } finally {
        await bridge.close();
      }
    });
  }

  for (const cipher of ['ECDHE-RSA-CHACHA20-POLY1305', 'DHE-RSA-AES256-GCM-SHA384', 'AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256']) {
    test(`ciphers ${cipher}`, TEST, async () => {
      const suites = [0x1301, ...['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'].map((n) => tls12SuiteByName(n)!.id)];
      const bridge = await startBridge(config(rsaPki(), { cipherSuites: suites }), echoHandlers(GREETING));
      try {
        const socket = await connectNode(bridge, rsaPki(), { ciphers: cipher });
        assert.equal(socket.getProtocol(), 'TLSv1.2');
        assert.equal(socket.getCipher().name, cipher);
        await echo(socket, bridge);
        assert.equal(bridge.connections[0]!.info!.cipherSuite, tls12SuiteByOpensslName(cipher)!.id);
      } finally {
        await bridge.close();
      }
    });
  }

  test('ALPN: our first protocol the client offers', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki(), { alpnProtocols: ['h2', 'http/1.1'] }), echoHandlers(GREETING));
    try {
      const socket = await connectNode(bridge, ecdsaPki(), { ALPNProtocols: ['http/1.1', 'h2'] });
      assert.equal(socket.alpnProtocol, 'h2');
      await echo(socket, bridge);
      assert.equal(bridge.connections[0]!.info!.alpnProtocol, 'h2');
    } finally {
      await bridge.close();
    }
  });

  test('a client certificate: our server sees it authorized', TEST, async () => {
    const client = clientPki();
    const bridge = await startBridge(
      config(ecdsaPki(), { clientAuth: { verifier: verifierTrusting(client.root), required: true } }),
      echoHandlers(GREETING),
    );
    try {
      const socket = await connectNode(bridge, ecdsaPki(), { key: client.leafKeyPem, cert: client.chainPem });
      await echo(socket, bridge);
      const info = bridge.connections[0]!.info!;
      assert.equal(info.authorized, true);
      assert.ok(info.peerCertificates[0]!.subject.includes('node client'));
    } finally {
      await bridge.close();
    }
  });

  test('a node:tls client offering TLS 1.3 too, against our TLS 1.2-only server: TLS 1.2 (no downgrade sentinel to trip on)', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki(), { maxVersion: 'TLSv1.2' }), echoHandlers(GREETING));
    try {
      const socket = await connectNode(bridge, ecdsaPki(), { maxVersion: 'TLSv1.3' });
      assert.equal(socket.getProtocol(), 'TLSv1.2');
      await echo(socket, bridge);
    } finally {
      await bridge.close();
    }
  });

  test('a megabyte each way', TEST, async () => {
    const big = randomBytes(1024 * 1024);
    let got = 0;
    const handlers: BridgeHandlers = {
      onData: (c) => {
        got = c.received.length;
        if (got === big.length) {
          c.send(big);
          c.close();
        }
      },
    };
    const bridge = await startBridge(config(ecdsaPki()), handlers);
    try {
      const socket = await connectNode(bridge, ecdsaPki());
      const all = readAll(socket);
      socket.write(big);
      const back = await all;
      assert.equal(sha256(back), sha256(big));
      assert.equal(sha256(Buffer.from(bridge.connections[0]!.received, 'latin1')), sha256(big));
      socket.end();
    } finally {
      await bridge.close();
    }
  });
});

describe('curl --tlsv1.2 --tls-max 1.2 → our TLS 1.2 server', () => {
  /** Answers one HTTP/1.1 request with `body` and closes. */
  const http = (body: (c: Bridge['connections'][number]) => string): BridgeHandlers => ({
    onData: (c) => {
      if (!c.received.includes('\r\n\r\n') || c.closing) return;
      const text = body(c);
      c.send(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
      c.close();
    },
  });

  async function curl(bridge: Bridge, pki: Pki, args: readonly string[]): Promise<Peer> {
    const root = dir.write(`curl-root-${bridge.port}.pem`, pki.rootPem);
    const peer = await runCurl(bridge.port, root, ['--tlsv1.2', '--tls-max', '1.2', ...args, `https://localhost:${bridge.port}/hello`]);
    await bridge.settled();
    return peer;
  }

  const body = (c: Bridge['connections'][number]) => `hello over ${c.info!.version} ${c.info!.cipherSuiteName} ${c.received.split('\r\n')[0]}\n`;

  for (const [name, pki] of [
    ['ecdsa-p256', ecdsaPki],
    ['rsa-2048', rsaPki],
  ] as const) {
    test(`curl fetches a page over TLS 1.2 from our ${name} server`, TEST, async () => {
      const bridge = await startBridge(config(pki(), { alpnProtocols: ['http/1.1'] }), http(body));
      try {
        const peer = await curl(bridge, pki(), []);
        assert.match(peer.stderr, new RegExp(`SSL connection using TLSv1\\.2 / ECDHE-${name === 'rsa-2048' ? 'RSA' : 'ECDSA'}-AES(128|256)-GCM-SHA(256|384)\n`));
        assert.match(peer.stderr, /ALPN.*http\/1\.1/);
        assert.match(peer.stdout, /^hello over TLSv1\.2 TLS_ECDHE_(ECDSA|RSA)_WITH_AES_(128|256)_GCM_SHA(256|384) GET \/hello HTTP\/1\.1\n$/);
        assert.equal(bridge.connections[0]!.error, undefined);
      } finally {
        await bridge.close();
      }
    });
  }

  test('curl --ciphers ECDHE-RSA-CHACHA20-POLY1305', TEST, async () => {
    const bridge = await startBridge(config(rsaPki()), http(body));
    try {
      const peer = await curl(bridge, rsaPki(), ['--ciphers', 'ECDHE-RSA-CHACHA20-POLY1305']);
      assert.match(peer.stderr, /SSL connection using TLSv1\.2 \/ ECDHE-RSA-CHACHA20-POLY1305/);
      assert.match(peer.stdout, /^hello over TLSv1\.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256/);
    } finally {
      await bridge.close();
    }
  });
});
