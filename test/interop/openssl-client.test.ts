// `openssl s_client -tls1_3` against our server (src/node/server.ts): handshake, data both ways,
// suites, HelloRetryRequest, SNI certificate selection, ALPN and the key log.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { type Server, type ServerOptions, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { cachedPki } from '../helpers/pki.js';
import { type Peer, closeServer, interopTempDir, listen, requireCommand, runSClient, startSClient, writePki } from '../helpers/interop.js';

const TEST = { timeout: 30_000 };
const GREETING = 'hello from our server';
const PING = 'ping from s_client';

const pki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'localhost' });
const otherPki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'other.test', leafDnsNames: ['other.test'] });

const dir = interopTempDir();
let rootFile: string;

before(() => {
  rootFile = writePki(dir, 'main', pki()).root;
});

interface Session {
  server: Server;
  port: number;
  /** Our side of each connection that completed its handshake. */
  sockets: TLSSocket[];
  /** What our server received on each connection, by index in `sockets`. */
  received: string[];
  errors: Error[];
}

/**
 * Our server: greets each client, echoes the first line it receives prefixed with "echo: ", then
 * closes (close_notify) so s_client exits.
 */
async function startOurServer(options: Partial<ServerOptions> = {}): Promise<Session> {
  const session: Session = { server: undefined as never, port: 0, sockets: [], received: [], errors: [] };
  const server = createServer({ key: pki().leafKeyPem, cert: pki().chainPem, ...options }, (socket) => {
    const index = session.sockets.push(socket) - 1;
    session.received[index] = '';
    socket.on('error', (err) => session.errors.push(err));
    socket.write(`${GREETING}\n`);
    socket.on('data', (chunk: Buffer) => {
      session.received[index] += chunk.toString('latin1');
      const line = session.received[index]!.split('\n')[0];
      if (session.received[index]!.includes('\n')) socket.end(`echo: ${line}\n`);
    });
  });
  server.on('tlsClientError', (err: Error) => session.errors.push(err));
  session.server = server;
  session.port = await listen(server);
  return session;
}

/** Runs s_client against `port` with `args`, sends PING, and waits for it to exit. */
function sClient(port: number, args: readonly string[]): Promise<Peer> {
  // -ign_eof: stdin's EOF does not close; s_client runs until our server's close_notify.
  return runSClient(port, ['-tls1_3', '-CAfile', rootFile, '-verify_return_error', '-ign_eof', ...args], `${PING}\n`);
}

function assertEchoSession(peer: Peer, session: Session) {
  assert.deepEqual(session.errors, []);
  assert.match(peer.stdout, /Verify return code: 0 \(ok\)/);
  // (No "SSL-Session: Protocol : TLSv1.3" block: s_client prints it for session tickets, which we do not send.)
  assert.match(peer.stdout, /^New, TLSv1\.3, Cipher is TLS_/m);
  assert.ok(peer.stdout.includes(`${GREETING}\n`), `s_client printed our greeting:\n${peer.output}`);
  assert.ok(peer.stdout.includes(`echo: ${PING}\n`), `s_client printed our echo:\n${peer.output}`);
  assert.equal(session.sockets.length, 1);
  assert.equal(session.received[0], `${PING}\n`);
}

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('openssl s_client -tls1_3 → our server', () => {
  before(() => requireCommand('openssl', ['version']));

  test('s_client verifies our chain for localhost and exchanges data both ways, exiting 0 after our close_notify', TEST, async () => {
    const session = await startOurServer();
    try {
      const peer = await sClient(session.port, ['-servername', 'localhost']);
      assertEchoSession(peer, session);
      assert.equal((await peer.exited).code, 0, peer.output);
      assert.match(peer.stdout, /subject=CN = localhost/);
      assert.equal(session.sockets[0]!.servername, 'localhost');
      assert.equal(session.sockets[0]!.getProtocol(), 'TLSv1.3');
    } finally {
      await closeServer(session.server);
    }
  });

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    test(`our server negotiates ${suite} when s_client offers only it`, TEST, async () => {
      const session = await startOurServer();
      try {
        const peer = await sClient(session.port, ['-servername', 'localhost', '-ciphersuites', suite]);
        assertEchoSession(peer, session);
        assert.ok(peer.stdout.includes(`New, TLSv1.3, Cipher is ${suite}\n`), peer.stdout);
        assert.equal(session.sockets[0]!.getCipher()?.name, suite);
      } finally {
        await closeServer(session.server);
      }
    });
  }

  test('our server sends a HelloRetryRequest for P-256 when s_client -groups X448:P-256 shares only X448', TEST, async () => {
    const session = await startOurServer();
    try {
      const peer = await sClient(session.port, ['-servername', 'localhost', '-groups', 'X448:P-256']);
      assertEchoSession(peer, session);
      const info = session.sockets[0]!.handshakeInfo;
      assert.equal(info?.helloRetryRequest, true);
      assert.equal(info?.groupName, 'secp256r1');
      assert.match(peer.stdout, /Server Temp Key: ECDH, prime256v1, 256 bits/);
    } finally {
      await closeServer(session.server);
    }
  });

  test('our server uses s_client X25519 share without a HelloRetryRequest', TEST, async () => {
    const session = await startOurServer();
    try {
      const peer = await sClient(session.port, ['-servername', 'localhost', '-groups', 'X25519:P-256']);
      assertEchoSession(peer, session);
      assert.equal(session.sockets[0]!.handshakeInfo?.helloRetryRequest, false);
      assert.equal(session.sockets[0]!.handshakeInfo?.groupName, 'x25519');
      assert.match(peer.stdout, /Server Temp Key: X25519, 253 bits/);
    } finally {
      await closeServer(session.server);
    }
  });

  for (const how of ['key/cert arrays paired by position', 'server.addContext()'] as const) {
    for (const name of ['localhost', 'other.test']) {
      test(`our server picks the ${name} certificate by SNI (${how})`, TEST, async () => {
        const main = pki();
        const other = otherPki();
        const options: Partial<ServerOptions> =
          how === 'server.addContext()' ? {} : { key: [main.leafKeyPem, other.leafKeyPem], cert: [main.chainPem, other.chainPem] };
        const session = await startOurServer(options);
        if (how === 'server.addContext()') session.server.addContext('other.test', { key: other.leafKeyPem, cert: other.chainPem });
        try {
          const ca = name === 'localhost' ? rootFile : writePki(dir, 'other', other).root;
          const peer = await sClient(session.port, ['-servername', name, '-CAfile', ca]);
          assertEchoSession(peer, session);
          assert.match(peer.stdout, new RegExp(`^subject=CN = ${name.replace('.', '\\.')}$`, 'm'));
          assert.equal(session.sockets[0]!.servername, name);
        } finally {
          await closeServer(session.server);
        }
      });
    }
  }

  test("our server's asynchronous SNICallback picks the other.test context for s_client -servername other.test", TEST, async () => {
    const other = otherPki();
    const asked: string[] = [];
    const session = await startOurServer({
      SNICallback: (name, callback) => {
        asked.push(name);
        setTimeout(() => callback(null, name === 'other.test' ? { key: other.leafKeyPem, cert: other.chainPem } : undefined), 20);
      },
    });
    try {
      const peer = await sClient(session.port, ['-servername', 'other.test', '-CAfile', writePki(dir, 'other', other).root]);
      assertEchoSession(peer, session);
      assert.deepEqual(asked, ['other.test']);
      assert.match(peer.stdout, /^subject=CN = other\.test$/m);
    } finally {
      await closeServer(session.server);
    }
  });

  for (const [keyType, type, digest] of [
    ['ecdsa-p256', 'ECDSA', 'SHA256'],
    ['ecdsa-p384', 'ECDSA', 'SHA384'],
    ['rsa-2048', 'RSA-PSS', 'SHA256'],
    ['ed25519', 'ed25519', undefined],
  ] as const) {
    test(`our server signs with its ${keyType} key in a way s_client verifies (${type}${digest ? `+${digest}` : ''})`, TEST, async () => {
      const p = cachedPki({ leafKeyType: keyType });
      const session = await startOurServer({ key: p.leafKeyPem, cert: p.chainPem });
      try {
        const peer = await sClient(session.port, ['-servername', 'localhost', '-CAfile', writePki(dir, keyType, p).root]);
        assertEchoSession(peer, session);
        assert.match(peer.stdout, new RegExp(`^Peer signature type: ${type}$`, 'm'));
        if (digest) assert.match(peer.stdout, new RegExp(`^Peer signing digest: ${digest}$`, 'm'));
      } finally {
        await closeServer(session.server);
      }
    });
  }

  test('our server refuses s_client -sigalgs RSA+SHA256 (PKCS#1 only, not allowed in TLS 1.3) with handshake_failure', TEST, async () => {
    const p = cachedPki({ leafKeyType: 'rsa-2048' });
    const session = await startOurServer({ key: p.leafKeyPem, cert: p.chainPem });
    try {
      const peer = startSClient(session.port, ['-tls1_3', '-servername', 'localhost', '-sigalgs', 'RSA+SHA256']);
      peer.child.stdin!.end();
      const { code } = await peer.waitExit();
      assert.notEqual(code, 0, peer.output);
      assert.match(peer.output, /alert handshake failure/);
      assert.equal(session.sockets.length, 0);
      assert.equal((session.errors[0] as Error & { alertName?: string } | undefined)?.alertName, 'handshake_failure');
    } finally {
      await closeServer(session.server);
    }
  });

  test('our server serves its first certificate to s_client -noservername and reports servername false', TEST, async () => {
    const other = otherPki();
    const main = pki();
    const session = await startOurServer({ key: [main.leafKeyPem, other.leafKeyPem], cert: [main.chainPem, other.chainPem] });
    try {
      const peer = await sClient(session.port, ['-noservername', '-verify_hostname', 'localhost']);
      assertEchoSession(peer, session);
      assert.match(peer.stdout, /^subject=CN = localhost$/m);
      assert.equal(session.sockets[0]!.servername, false);
    } finally {
      await closeServer(session.server);
    }
  });

  test('our server selects ALPN h2 for s_client -alpn h2', TEST, async () => {
    const session = await startOurServer({ ALPNProtocols: ['h2', 'http/1.1'] });
    try {
      const peer = await sClient(session.port, ['-servername', 'localhost', '-alpn', 'h2']);
      assertEchoSession(peer, session);
      assert.match(peer.stdout, /ALPN protocol: h2\n/);
      assert.equal(session.sockets[0]!.alpnProtocol, 'h2');
    } finally {
      await closeServer(session.server);
    }
  });

  test('our server answers the KeyUpdate s_client sends with update_requested (command K) and keeps exchanging data', TEST, async () => {
    const session = await startOurServer();
    const updates: string[] = [];
    session.server.on('secureConnection', (socket: TLSSocket) => socket.on('keyUpdate', (d: string) => updates.push(d)));
    // Without -ign_eof s_client reads commands from stdin: "K" sends KeyUpdate(update_requested).
    const peer = startSClient(session.port, ['-tls1_3', '-CAfile', rootFile, '-verify_return_error', '-servername', 'localhost']);
    try {
      await peer.waitFor(new RegExp(`${GREETING}\n`));
      peer.child.stdin!.write('K\n');
      await peer.waitFor(/KEYUPDATE/);
      peer.child.stdin!.write(`${PING}\n`);
      const { code } = await peer.waitExit();
      assert.equal(code, 0, peer.output);
      assertEchoSession(peer, session);
      assert.deepEqual(updates, ['read', 'write'], 'our server took the new read keys, then updated its own as requested');
    } finally {
      await peer.kill();
      await closeServer(session.server);
    }
  });

  test('our TLS 1.3-only server (minVersion TLSv1.3) answers a TLS 1.2-only s_client with a protocol_version alert', TEST, async () => {
    const session = await startOurServer({ minVersion: 'TLSv1.3' });
    try {
      const peer = startSClient(session.port, ['-tls1_2', '-servername', 'localhost', '-CAfile', rootFile]);
      peer.child.stdin!.end();
      const { code } = await peer.waitExit();
      assert.notEqual(code, 0, peer.output);
      assert.match(peer.output, /alert protocol version/);
      assert.equal(session.sockets.length, 0);
      assert.equal(session.errors.length, 1, `one tlsClientError: ${session.errors.join(', ')}`);
      assert.equal((session.errors[0] as Error & { alertName?: string }).alertName, 'protocol_version');
    } finally {
      await closeServer(session.server);
    }
  });

  /** Runs s_client with -keylogfile and returns its key log lines, sorted. */
  async function sClientKeylog(session: Session): Promise<string[]> {
    const file = dir.file(`s_client-${session.port}.keylog`);
    const peer = await sClient(session.port, ['-servername', 'localhost', '-keylogfile', file]);
    assertEchoSession(peer, session);
    const lines = readFileSync(file, 'latin1')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'],
      `s_client logged the five TLS 1.3 secrets:\n${lines.join('\n')}`,
    );
    return lines;
  }

  test("our server's connections log the same five secrets as s_client -keylogfile", TEST, async () => {
    const session = await startOurServer();
    const lines: string[] = [];
    // The Server announces each connection before its handshake starts; hook its TLSSocket there.
    session.server.on('connectionStarted', (socket: TLSSocket) => {
      socket.on('keylog', (line: Buffer) => lines.push(line.toString('latin1')));
    });
    try {
      const theirs = await sClientKeylog(session);
      for (const line of lines) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+\n$/, 'NSS key log format, one line per event');
      assert.deepEqual(lines.map((l) => l.trimEnd()).sort(), theirs);
    } finally {
      await closeServer(session.server);
    }
  });

  test("our server emits 'keylog' (line, tlsSocket) as tls.Server does, matching s_client -keylogfile", TEST, async () => {
    const session = await startOurServer();
    const lines: string[] = [];
    const sockets = new Set<unknown>();
    session.server.on('keylog', (line: Buffer, socket: TLSSocket) => {
      lines.push(line.toString('latin1'));
      sockets.add(socket);
    });
    try {
      const theirs = await sClientKeylog(session);
      assert.deepEqual(lines.map((l) => l.trimEnd()).sort(), theirs);
      assert.deepEqual([...sockets], [session.sockets[0]]);
    } finally {
      await closeServer(session.server);
    }
  });
});
