// TLS 1.2 through our node adapter (src/node/connect.ts, src/node/server.ts), not a bridge: our
// connect({ maxVersion: 'TLSv1.2' }) against node:tls's tls.createServer, and node:tls's
// tls.connect({ maxVersion: 'TLSv1.2' }) against our createServer. Both ends must report TLS 1.2
// and the same cipher, carry data both ways, close cleanly (close_notify each way, no error), and
// log the same CLIENT_RANDOM key-log line for the connection (NSS key log format).
//
// Also the legacy corners where OpenSSL is the only independent peer we have: a CBC suite with and
// without encrypt_then_mac (OpenSSL uses it unless SSL_OP_NO_ENCRYPT_THEN_MAC), finite-field DHE
// with `dhparam: 'auto'`, and RSA key transport.
import assert from 'node:assert/strict';
import { constants as cryptoConstants, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { describe, test } from 'node:test';
import { tls12SuiteByOpensslName } from '../../src/crypto/suites.js';
import { type ConnectOptions, connect } from '../../src/node/connect.js';
import { type ServerOptions, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import { closeServer, listen, readAll, sha256, waitEvent, withTimeout } from '../helpers/interop.js';
import { type KeyType, type Pki, cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 30_000 };
// Several records each way, and more than one socket read.
const PAYLOAD = randomBytes(200 * 1024 + 17);
const NO_ETM = cryptoConstants.SSL_OP_NO_ENCRYPT_THEN_MAC;

/**
 * What happened to one end: errors, whether it saw 'end', and how it closed: 'clean', 'error' (the
 * 'close' event's hadError) or 'timeout' after 10 s. Never rejects, so a test that fails before
 * awaiting it reports its own failure.
 */
function watch(socket: Duplex) {
  const w = { errors: [] as Error[], ended: false, closed: undefined as unknown as Promise<'clean' | 'error' | 'timeout'> };
  socket.on('error', (err: Error) => w.errors.push(err));
  socket.on('end', () => (w.ended = true));
  w.closed = withTimeout(
    new Promise<'clean' | 'error'>((resolve) => socket.once('close', (hadError?: boolean) => resolve(hadError ? 'error' : 'clean'))),
    10_000,
    "the socket's 'close'",
  ).catch(() => 'timeout' as const);
  return w;
}

/** Sockets to destroy when a test ends, whatever its outcome, so that its server can close. */
const opened = new Set<Duplex>();
async function cleanup(server: { close(cb?: () => void): unknown; listening: boolean }): Promise<void> {
  for (const s of opened) s.destroy();
  opened.clear();
  await closeServer(server as never);
}

/** The CLIENT_RANDOM lines among key-log lines (each ends with a newline in node:tls). */
const clientRandomLines = (lines: string[]) => lines.filter((l) => l.startsWith('CLIENT_RANDOM ')).map((l) => l.trimEnd());

/** Asserts one CLIENT_RANDOM line on each side, the same one: client random and master secret. */
function assertSameKeylog(ours: string[], theirs: string[]): void {
  const a = clientRandomLines(ours);
  const b = clientRandomLines(theirs);
  assert.equal(a.length, 1, `our CLIENT_RANDOM lines: ${a.join(' | ')}`);
  assert.equal(b.length, 1, `node's CLIENT_RANDOM lines: ${b.join(' | ')}`);
  assert.match(a[0]!, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  assert.equal(a[0], b[0]);
}

/**
 * The client sends PAYLOAD and ends; the server echoes it and ends after the client's
 * close_notify. Both ends must see every byte, 'end', and a 'close' without error.
 */
async function echoSession(client: Duplex, clientWatch: ReturnType<typeof watch>, serverWatch: () => ReturnType<typeof watch> | undefined) {
  const echoed = readAll(client, 10_000);
  client.end(PAYLOAD);
  const got = await echoed;
  assert.equal(got.length, PAYLOAD.length);
  assert.equal(sha256(got), sha256(PAYLOAD));
  assert.equal(await clientWatch.closed, 'clean', 'the client closed without error');
  assert.deepEqual(clientWatch.errors, []);
  assert.equal(clientWatch.ended, true, "the client saw the server's close_notify as 'end'");
  const s = serverWatch();
  assert.ok(s, 'the server saw a secure connection');
  assert.equal(await s.closed, 'clean', 'the server closed without error');
  assert.deepEqual(s.errors, []);
  assert.equal(s.ended, true, "the server saw the client's close_notify as 'end'");
}

interface NodeServer {
  port: number;
  server: tls.Server;
  socket: () => tls.TLSSocket | undefined;
  watch: () => ReturnType<typeof watch> | undefined;
  keylog: string[];
  errors: Error[];
}

/** A tls.createServer (TLS 1.2 at most) that echoes. */
async function nodeServer(pki: Pki, options: tls.TlsOptions = {}): Promise<NodeServer> {
  let socket: tls.TLSSocket | undefined;
  let w: ReturnType<typeof watch> | undefined;
  const keylog: string[] = [];
  const errors: Error[] = [];
  const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, maxVersion: 'TLSv1.2', ...options }, (s) => {
    opened.add(s);
    socket = s;
    w = watch(s);
    s.pipe(s);
  });
  server.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  server.on('tlsClientError', (err: Error) => errors.push(err));
  const port = await listen(server);
  return { port, server, socket: () => socket, watch: () => w, keylog, errors };
}

/** Our connect() to 127.0.0.1:port as localhost, TLS 1.2 at most, with its key-log lines. */
async function ourClient(pki: Pki, port: number, options: Partial<ConnectOptions> = {}) {
  const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', ...options });
  opened.add(client);
  const keylog: string[] = [];
  client.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  const w = watch(client);
  await waitEvent(client, 'secureConnect');
  return { client, keylog, watch: w };
}

describe('our connect({ maxVersion: "TLSv1.2" }) → node:tls tls.createServer', () => {
  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as KeyType[]) {
    test(`${keyType}: TLS 1.2 on both ends, the same cipher, ALPN and SNI, data both ways, clean close, the same key-log line`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: keyType });
      const peer = await nodeServer(pki, { ALPNProtocols: ['http/1.1'] });
      try {
        const { client, keylog, watch: w } = await ourClient(pki, peer.port, { ALPNProtocols: ['h2', 'http/1.1'] });
        assert.equal(client.authorized, true, String(client.authorizationError));
        const theirs = peer.socket();
        assert.ok(theirs, "node's secureConnection");
        assert.equal(client.getProtocol(), 'TLSv1.2');
        assert.equal(theirs.getProtocol(), 'TLSv1.2');
        assert.deepEqual(client.getCipher(), theirs.getCipher());
        assert.equal(client.getCipher()?.version, 'TLSv1.2');
        // Our default TLS 1.2 suites are forward-secret AEAD ones.
        assert.match(client.getCipher()!.name, keyType === 'rsa-2048' ? /^ECDHE-RSA-/ : /^ECDHE-ECDSA-/);
        assert.equal(client.alpnProtocol, 'http/1.1');
        assert.equal(theirs.alpnProtocol, 'http/1.1');
        assert.equal((theirs as tls.TLSSocket & { servername?: string }).servername, 'localhost');
        assert.equal(client.handshakeInfo?.extendedMasterSecret, true, 'OpenSSL negotiates extended_master_secret');
        assert.deepEqual(client.getEphemeralKeyInfo(), { type: 'ECDH', name: 'X25519', size: 253 });
        await echoSession(client, w, peer.watch);
        assertSameKeylog(keylog, peer.keylog);
        assert.deepEqual(peer.errors, []);
      } finally {
        await cleanup(peer.server);
      }
    });
  }

  for (const [what, secureOptions, etm] of [
    ['with encrypt_then_mac (OpenSSL default)', 0, true],
    ['without encrypt_then_mac (SSL_OP_NO_ENCRYPT_THEN_MAC): MAC-then-encrypt', NO_ETM, false],
  ] as const) {
    test(`ciphers ECDHE-RSA-AES128-SHA (CBC) ${what}: the same cipher on both ends, data both ways, clean close`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: 'rsa-2048' });
      const peer = await nodeServer(pki, { ciphers: 'ECDHE-RSA-AES128-SHA', secureOptions });
      try {
        // CBC suites are offered only when named (src/crypto/suites.ts: legacy).
        const { client, keylog, watch: w } = await ourClient(pki, peer.port, { ciphers: 'ECDHE-RSA-AES128-SHA' });
        const theirs = peer.socket()!;
        assert.deepEqual(client.getCipher(), { name: 'ECDHE-RSA-AES128-SHA', standardName: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', version: 'TLSv1.0' });
        assert.deepEqual(client.getCipher(), theirs.getCipher());
        assert.equal(client.getProtocol(), 'TLSv1.2');
        assert.equal(theirs.getProtocol(), 'TLSv1.2');
        assert.equal(client.handshakeInfo?.encryptThenMac, etm);
        await echoSession(client, w, peer.watch);
        assertSameKeylog(keylog, peer.keylog);
      } finally {
        await cleanup(peer.server);
      }
    });
  }

  test("ciphers DHE-RSA-AES128-GCM-SHA256 with dhparam 'auto': our getEphemeralKeyInfo() says DH 2048, as node's own client does", TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'rsa-2048' });
    const peer = await nodeServer(pki, { ciphers: 'DHE-RSA-AES128-GCM-SHA256', dhparam: 'auto' } as tls.TlsOptions);
    try {
      // node:tls's own view of the same server, for comparison.
      const reference = tls.connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.rootPem, ciphers: 'DHE-RSA-AES128-GCM-SHA256' });
      opened.add(reference);
      reference.on('error', () => {});
      await waitEvent(reference, 'secureConnect');
      const expected = reference.getEphemeralKeyInfo();
      const referenceKeylog = peer.keylog.length;
      assert.deepEqual(expected, { type: 'DH', size: 2048 });

      const { client, keylog, watch: w } = await ourClient(pki, peer.port, { ciphers: 'DHE-RSA-AES128-GCM-SHA256' });
      // OpenSSL 3.0's 'auto' parameters for a 2048-bit key are a 2048-bit prime outside RFC 7919:
      // no NamedGroup, so our client names the group by its size.
      assert.equal(client.handshakeInfo?.groupName, 'dh2048');
      const ephemeral = client.getEphemeralKeyInfo();
      const theirs = () => peer.socket()!;
      assert.deepEqual(client.getCipher(), theirs().getCipher());
      assert.equal(theirs().getProtocol(), 'TLSv1.2');
      // The server's latest connection is ours (the reference one came first).
      await echoSession(client, w, peer.watch);
      assertSameKeylog(keylog, peer.keylog.slice(referenceKeylog));
      assert.deepEqual(ephemeral, expected, 'getEphemeralKeyInfo() as node:tls reports it');
    } finally {
      await cleanup(peer.server);
    }
  });

  test('ciphers AES128-GCM-SHA256 (RSA key transport): no ephemeral key, the same cipher, data both ways', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'rsa-2048' });
    const peer = await nodeServer(pki, { ciphers: 'AES128-GCM-SHA256' });
    try {
      const { client, keylog, watch: w } = await ourClient(pki, peer.port, { ciphers: 'AES128-GCM-SHA256' });
      assert.deepEqual(client.getCipher(), peer.socket()!.getCipher());
      assert.deepEqual(client.getEphemeralKeyInfo(), {});
      await echoSession(client, w, peer.watch);
      assertSameKeylog(keylog, peer.keylog);
    } finally {
      await cleanup(peer.server);
    }
  });
});

interface OurServer {
  port: number;
  server: ReturnType<typeof createServer>;
  socket: () => TLSSocket | undefined;
  watch: () => ReturnType<typeof watch> | undefined;
  keylog: string[];
  errors: Error[];
}

/** Our createServer (TLS 1.2 at most) that echoes. */
async function ourServer(pki: Pki, options: Partial<ServerOptions> = {}): Promise<OurServer> {
  let socket: TLSSocket | undefined;
  let w: ReturnType<typeof watch> | undefined;
  const keylog: string[] = [];
  const errors: Error[] = [];
  const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem, maxVersion: 'TLSv1.2', ...options }, (s) => {
    opened.add(s);
    socket = s;
    w = watch(s);
    s.pipe(s);
  });
  server.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  server.on('tlsClientError', (err: Error) => errors.push(err));
  const port = await listen(server);
  return { port, server, socket: () => socket, watch: () => w, keylog, errors };
}

/** node:tls tls.connect to 127.0.0.1:port as localhost, TLS 1.2 at most, with its key-log lines. */
async function nodeClient(pki: Pki, port: number, options: tls.ConnectionOptions = {}) {
  const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', ...options });
  opened.add(client);
  const keylog: string[] = [];
  client.on('keylog', (line: Buffer) => keylog.push(line.toString()));
  const w = watch(client);
  await waitEvent(client, 'secureConnect');
  return { client, keylog, watch: w };
}

describe('node:tls tls.connect({ maxVersion: "TLSv1.2" }) → our createServer', () => {
  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as KeyType[]) {
    test(`${keyType}: TLS 1.2 on both ends, the same cipher, ALPN and servername, data both ways, clean close, the same key-log line`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: keyType });
      const ours = await ourServer(pki, { ALPNProtocols: ['http/1.1', 'h2'] });
      try {
        const { client, keylog, watch: w } = await nodeClient(pki, ours.port, { ALPNProtocols: ['h2', 'http/1.1'] });
        assert.equal(client.authorized, true, String(client.authorizationError));
        const socket = ours.socket();
        assert.ok(socket, 'our secureConnection');
        assert.equal(client.getProtocol(), 'TLSv1.2');
        assert.equal(socket.getProtocol(), 'TLSv1.2');
        assert.deepEqual(socket.getCipher(), client.getCipher());
        // ALPN: the server's preference among what the client offers (RFC 7301 §3.2).
        assert.equal(client.alpnProtocol, 'http/1.1');
        assert.equal(socket.alpnProtocol, 'http/1.1');
        assert.equal(socket.servername, 'localhost');
        assert.equal(socket.handshakeInfo?.extendedMasterSecret, true);
        assert.deepEqual(client.getEphemeralKeyInfo(), { type: 'ECDH', name: 'X25519', size: 253 });
        await echoSession(client, w, ours.watch);
        assertSameKeylog(ours.keylog, keylog);
        assert.deepEqual(ours.errors, []);
      } finally {
        await cleanup(ours.server);
      }
    });
  }

  test('ALPN with no protocol in common: our server refuses with no_application_protocol, node reports it', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const ours = await ourServer(pki, { ALPNProtocols: ['h2'] });
    try {
      const client = tls.connect({ host: '127.0.0.1', port: ours.port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] });
      opened.add(client);
      const [err] = await waitEvent<[NodeJS.ErrnoException]>(client, 'error');
      assert.match(String(err.code ?? err.message), /NO_APPLICATION_PROTOCOL|no application protocol/i);
      assert.equal(ours.socket(), undefined, 'no secure connection on our side');
    } finally {
      await cleanup(ours.server);
    }
  });

  for (const [what, ciphers, secureOptions, etm, keyType] of [
    ['ECDHE-ECDSA-AES256-SHA384 (CBC) with encrypt_then_mac', 'ECDHE-ECDSA-AES256-SHA384', 0, true, 'ecdsa-p256'],
    ['ECDHE-ECDSA-AES256-SHA384 (CBC) without encrypt_then_mac: MAC-then-encrypt', 'ECDHE-ECDSA-AES256-SHA384', NO_ETM, false, 'ecdsa-p256'],
    ['DHE-RSA-AES256-GCM-SHA384 (RFC 7919 group from the client list)', 'DHE-RSA-AES256-GCM-SHA384', 0, false, 'rsa-2048'],
    ['AES256-SHA (RSA key transport, CBC, without encrypt_then_mac)', 'AES256-SHA', NO_ETM, false, 'rsa-2048'],
  ] as const) {
    test(`node:tls client with ciphers ${what}: the same cipher, data both ways, clean close, the same key-log line`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: keyType });
      const ours = await ourServer(pki, { ciphers });
      try {
        const { client, keylog, watch: w } = await nodeClient(pki, ours.port, { ciphers, secureOptions });
        const socket = ours.socket()!;
        const nodeCipher = client.getCipher(); // null once closed
        assert.equal(client.getCipher().name, ciphers);
        assert.equal(socket.getCipher()?.name, ciphers);
        assert.equal(socket.getCipher()?.standardName, client.getCipher().standardName);
        assert.equal(tls12SuiteByOpensslName(ciphers)?.id, socket.handshakeInfo?.cipherSuite);
        assert.equal(socket.handshakeInfo?.encryptThenMac, etm);
        if (ciphers.startsWith('DHE')) {
          assert.deepEqual(client.getEphemeralKeyInfo(), { type: 'DH', size: 2048 });
          assert.equal(socket.handshakeInfo?.groupName, 'ffdhe2048');
        }
        if (ciphers === 'AES256-SHA') assert.deepEqual(client.getEphemeralKeyInfo(), {});
        await echoSession(client, w, ours.watch);
        assertSameKeylog(ours.keylog, keylog);
        // Last, so that a difference here does not hide the checks above: `version` too.
        assert.deepEqual(socket.getCipher(), nodeCipher, 'getCipher() as node:tls reports it');
      } finally {
        await cleanup(ours.server);
      }
    });
  }
});
