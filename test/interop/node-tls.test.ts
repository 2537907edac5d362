// node:tls (OpenSSL inside Node) against our adapter, both ways: chain and name validation, ALPN,
// data in both directions, and a clean close (close_notify both ways, no ECONNRESET).
import assert from 'node:assert/strict';
import { X509Certificate, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { describe, test } from 'node:test';
import { connect } from '../../src/node/connect.js';
import { createServer } from '../../src/node/server.js';
import type { PeerCertificate, TLSSocket } from '../../src/node/tls-socket.js';
import type { KeyType } from '../../src/node/certs.js';
import { cachedPki, issueCertificate } from '../helpers/pki.js';
import { closeServer, listen, readAll, sha256, waitEvent, waitUntil, withTimeout } from '../helpers/interop.js';

const TEST = { timeout: 30_000 };
const KEY_TYPES: KeyType[] = ['ecdsa-p256', 'rsa-2048'];
const BIG = randomBytes(8 * 1024 * 1024);

/**
 * Records what a socket goes through: data, errors, 'end' and 'close'. `closed` resolves with
 * the 'close' event's hadError flag.
 */
function watch(socket: Duplex) {
  const w = { data: '', errors: [] as Error[], ended: false, closed: undefined as unknown as Promise<boolean> };
  socket.on('data', (d: Buffer) => (w.data += d.toString('latin1')));
  socket.on('error', (err: Error) => w.errors.push(err));
  socket.on('end', () => (w.ended = true));
  w.closed = withTimeout(
    new Promise<boolean>((resolve) => socket.once('close', (hadError?: boolean) => resolve(Boolean(hadError)))),
    10_000,
    "the socket's 'close'",
  );
  return w;
}

/**
 * The exchange both directions share: the client writes "ping", the server answers "pong" and
 * ends (close_notify); the client ends in turn. Both sides must see all data, 'end' and a close
 * without error.
 */
function serverSide(socket: Duplex, serverWatch: ReturnType<typeof watch>) {
  socket.on('data', () => {
    if (serverWatch.data === 'ping') socket.end('pong');
  });
}

/** Sends BIG once `client`'s handshake is done and checks that all of it comes back, whichever side is ours. */
async function assertEchoesBig(client: Duplex): Promise<void> {
  const echoed = readAll(client, 20_000);
  await waitEvent(client, 'secureConnect');
  client.end(BIG);
  const got = await echoed;
  assert.equal(got.length, BIG.length);
  assert.equal(sha256(got), sha256(BIG));
}

describe('node:tls client → our server', () => {
  for (const keyType of KEY_TYPES) {
    test(`tls.connect validates our ${keyType} chain, negotiates ALPN, exchanges data and closes cleanly`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: keyType });
      let serverWatch: ReturnType<typeof watch> | undefined;
      let ours: TLSSocket | undefined;
      const serverErrors: Error[] = [];
      const server = createServer(
        { key: pki.leafKeyPem, cert: pki.chainPem, ALPNProtocols: ['h2', 'http/1.1'] },
        (socket) => {
          ours = socket;
          serverWatch = watch(socket);
          serverSide(socket, serverWatch);
        },
      );
      server.on('tlsClientError', (err: Error) => serverErrors.push(err));
      const port = await listen(server);
      try {
        const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
        const clientWatch = watch(client);
        await waitEvent(client, 'secureConnect');
        assert.equal(client.authorized, true, String(client.authorizationError));
        assert.equal(client.getProtocol(), 'TLSv1.3');
        assert.equal(client.alpnProtocol, 'http/1.1');
        const clientCipher = client.getCipher().name;
        assert.match(clientCipher, /^TLS_/);
        assert.deepEqual({ ...client.getPeerCertificate().subject }, { CN: 'localhost' });
        assert.equal(client.getPeerCertificate().fingerprint256, new X509Certificate(pki.leafPem).fingerprint256);
        client.write('ping');
        const hadError = await clientWatch.closed;
        assert.equal(hadError, false);
        assert.deepEqual(clientWatch.errors, []);
        assert.equal(clientWatch.data, 'pong');
        assert.equal(clientWatch.ended, true);

        assert.ok(ours && serverWatch, 'secureConnection fired');
        assert.equal(await serverWatch.closed, false);
        assert.deepEqual(serverWatch.errors, []);
        assert.deepEqual(serverErrors, []);
        assert.equal(serverWatch.data, 'ping');
        assert.equal(serverWatch.ended, true, "our server saw the node client's close_notify as 'end'");
        assert.equal(ours.alpnProtocol, 'http/1.1');
        assert.equal(ours.servername, 'localhost');
        assert.equal(ours.getCipher()?.name, clientCipher);
        assert.equal(ours.getProtocol(), 'TLSv1.3');
      } finally {
        await closeServer(server);
      }
    });
  }

  test('tls.connect streams 8 MB through our echo server and gets every byte back after ending its side', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const serverErrors: Error[] = [];
    const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (socket) => {
      socket.on('error', (err) => serverErrors.push(err));
      socket.pipe(socket);
    });
    server.on('tlsClientError', (err: Error) => serverErrors.push(err));
    const port = await listen(server);
    try {
      const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
      await assertEchoesBig(client);
      assert.deepEqual(serverErrors, []);
    } finally {
      await closeServer(server);
    }
  });

  test('tls.connect rejects our certificate for servername wrong.example, and our server reports the abandoned handshake', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const serverErrors: Error[] = [];
    let secured = 0;
    const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, () => secured++);
    server.on('tlsClientError', (err: Error) => serverErrors.push(err));
    const port = await listen(server);
    try {
      const client = tls.connect({ host: '127.0.0.1', port, servername: 'wrong.example', ca: pki.rootPem });
      const [err] = await waitEvent<[NodeJS.ErrnoException]>(client, 'error');
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      // node:tls checks the name after OpenSSL's handshake and just closes (no alert, no Finished).
      await waitUntil(() => serverErrors.length > 0, "our server's tlsClientError");
      assert.equal(secured, 0);
      assert.equal((serverErrors[0] as NodeJS.ErrnoException).code, 'ECONNRESET');
    } finally {
      await closeServer(server);
    }
  });
});

describe('our client → node:tls server', () => {
  for (const keyType of KEY_TYPES) {
    test(`our client validates a tls.createServer ${keyType} chain, negotiates ALPN, exchanges data and closes cleanly`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: keyType });
      let serverWatch: ReturnType<typeof watch> | undefined;
      let theirs: tls.TLSSocket | undefined;
      let theirCipher: string | undefined;
      const serverErrors: Error[] = [];
      const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
        theirs = socket;
        theirCipher = socket.getCipher().name;
        serverWatch = watch(socket);
        serverSide(socket, serverWatch);
      });
      server.on('tlsClientError', (err: Error) => serverErrors.push(err));
      const port = await listen(server);
      try {
        const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
        const clientWatch = watch(client);
        await waitEvent(client, 'secureConnect');
        assert.equal(client.authorized, true, String(client.authorizationError));
        assert.equal(client.getProtocol(), 'TLSv1.3');
        assert.equal(client.alpnProtocol, 'http/1.1');
        const expected = new X509Certificate(pki.leafPem);
        const peer = client.getPeerCertificate() as { subject?: Record<string, string>; fingerprint256?: string; subjectaltname?: string };
        assert.deepEqual({ ...peer.subject }, { CN: 'localhost' });
        assert.equal(peer.fingerprint256, expected.fingerprint256);
        assert.equal(peer.subjectaltname, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
        // getPeerCertificate(true) links the verified chain as node:tls does, the root to itself.
        const cn = (c: PeerCertificate | undefined) => (c?.subject as { CN?: string } | undefined)?.CN;
        const detailed = client.getPeerCertificate(true);
        assert.equal(cn(detailed.issuerCertificate), 'handshake test intermediate CA');
        const root = detailed.issuerCertificate?.issuerCertificate;
        assert.equal(cn(root), 'handshake test root CA');
        assert.equal(root?.issuerCertificate, root);
        assert.deepEqual(client.getEphemeralKeyInfo(), { type: 'ECDH', name: 'X25519', size: 253 });
        client.write('ping');
        assert.equal(await clientWatch.closed, false);
        assert.deepEqual(clientWatch.errors, []);
        assert.equal(clientWatch.data, 'pong');
        assert.equal(clientWatch.ended, true);

        assert.ok(theirs && serverWatch, 'secureConnection fired');
        assert.equal(await serverWatch.closed, false);
        assert.deepEqual(serverWatch.errors, [], 'no ECONNRESET or other error on the node:tls side');
        assert.deepEqual(serverErrors, []);
        assert.equal(serverWatch.data, 'ping');
        assert.equal(serverWatch.ended, true, "node:tls saw our close_notify as 'end'");
        assert.equal(theirs.alpnProtocol, 'http/1.1');
        assert.equal(theirCipher, client.getCipher()?.name);
      } finally {
        await closeServer(server);
      }
    });
  }

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    test(`our client and tls.createServer agree on ${suite} when the server allows only it`, TEST, async () => {
      const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
      const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ciphers: suite }, (s) => s.end('bye'));
      const port = await listen(server);
      try {
        const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
        const body = readAll(client);
        await waitEvent(client, 'secureConnect');
        assert.equal(client.getCipher()?.name, suite);
        assert.equal((await body).toString(), 'bye');
      } finally {
        await closeServer(server);
      }
    });
  }

  test('our client streams 8 MB through a tls.createServer echo server and gets every byte back after ending its side', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const serverErrors: Error[] = [];
    const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (socket) => {
      socket.on('error', (err) => serverErrors.push(err));
      socket.pipe(socket);
    });
    const port = await listen(server);
    try {
      const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
      await assertEchoesBig(client);
      assert.deepEqual(serverErrors, []);
    } finally {
      await closeServer(server);
    }
  });

  test('our client presents a client certificate that tls.createServer with requestCert verifies', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const clientCert = issueCertificate({ commonName: 'handshake test client', keyType: 'rsa-2048', days: 30 }, pki.intermediate);
    let seen: { authorized: boolean; subject: unknown; error: unknown } | undefined;
    const server = tls.createServer(
      { key: pki.leafKeyPem, cert: pki.chainPem, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem },
      (s) => {
        seen = { authorized: s.authorized, subject: { ...s.getPeerCertificate().subject }, error: s.authorizationError };
        s.end('hello client');
      },
    );
    const port = await listen(server);
    try {
      const client = connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: pki.rootPem,
        key: clientCert.keyPem,
        cert: clientCert.certPem + pki.intermediatePem,
      });
      assert.equal((await readAll(client)).toString(), 'hello client');
      assert.deepEqual(seen, { authorized: true, subject: { CN: 'handshake test client' }, error: null });
    } finally {
      await closeServer(server);
    }
  });

  test("our client's updateKeys(true) is answered by node:tls with its own KeyUpdate and data keeps flowing", TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, (s) => {
      s.on('data', (d: Buffer) => s.end(`pong after ${d.toString()}`));
    });
    const port = await listen(server);
    try {
      const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
      const updates: string[] = [];
      client.on('keyUpdate', (direction: string) => updates.push(direction));
      const body = readAll(client);
      await waitEvent(client, 'secureConnect');
      client.updateKeys(true);
      client.write('ping');
      assert.equal((await body).toString(), 'pong after ping');
      assert.deepEqual(updates, ['write', 'read'], 'our write keys first, then the server answers with its own KeyUpdate');
    } finally {
      await closeServer(server);
    }
  });

  test('our client rejects a tls.createServer chain for servername wrong.example with ERR_TLS_CERT_ALTNAME_INVALID', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const server = tls.createServer({ key: pki.leafKeyPem, cert: pki.chainPem }, () => {});
    const serverErrors: Error[] = [];
    server.on('tlsClientError', (err: Error) => serverErrors.push(err));
    const port = await listen(server);
    try {
      const client = connect({ host: '127.0.0.1', port, servername: 'wrong.example', ca: pki.rootPem });
      const [err] = await waitEvent<[NodeJS.ErrnoException]>(client, 'error');
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      await waitUntil(() => serverErrors.length > 0, "node:tls's tlsClientError");
      assert.match(String(serverErrors[0]), /alert bad certificate/);
    } finally {
      await closeServer(server);
    }
  });
});
