// Our client (src/node/connect.ts) against `openssl s_server -tls1_3 -www`, which answers
// "GET / HTTP/1.0" with a status page describing the connection it negotiated.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type ConnectOptions, connect } from '../../src/node/connect.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import type { KeyType } from '../../src/node/certs.js';
import { cachedPki, issueCertificate } from '../helpers/pki.js';
import {
  type PkiFiles,
  WAIT_MS,
  certArgs,
  interopTempDir,
  pkiFilesCache,
  readAll,
  requireCommand,
  startSServer,
  waitEvent,
} from '../helpers/interop.js';

const TEST = { timeout: 30_000 };

const dir = interopTempDir();
const filesOf = pkiFilesCache(dir);
const pkiFiles = (keyType: KeyType): PkiFiles => filesOf(keyType, cachedPki({ leafKeyType: keyType }));

/** s_server with the `keyType` chain (leaf + intermediate) and `extra` arguments. */
async function sServer(extra: readonly string[], keyType: KeyType = 'ecdsa-p256') {
  return startSServer(['-tls1_3', '-www', ...certArgs(pkiFiles(keyType)), ...extra]);
}

/** Connects, asks s_server for its status page, and returns the socket and the whole response. */
async function getStatusPage(port: number, options: ConnectOptions = {}, keyType: KeyType = 'ecdsa-p256') {
  const socket = connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: cachedPki({ leafKeyType: keyType }).rootPem,
    ...options,
  });
  try {
    await waitEvent(socket, 'secureConnect');
    socket.write('GET / HTTP/1.0\r\n\r\n');
    const body = (await readAll(socket)).toString('latin1');
    return { socket, body };
  } finally {
    socket.destroy();
  }
}

function assertTls13(socket: TLSSocket, body: string, suite?: string) {
  assert.equal(socket.getProtocol(), 'TLSv1.3');
  assert.equal(socket.authorized, true);
  assert.match(body, /^HTTP\/1\.0 200 ok\r\n/);
  assert.match(body, /Protocol {2}: TLSv1\.3\n/);
  const cipher = socket.getCipher()?.name;
  if (suite) assert.equal(cipher, suite);
  assert.ok(body.includes(`New, TLSv1.3, Cipher is ${cipher}\n`), `s_server reports cipher ${cipher}:\n${body}`);
  assert.ok(body.includes(`Cipher    : ${cipher}\n`), body);
}

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('our client → openssl s_server -tls1_3 -www', () => {
  before(() => requireCommand('openssl', ['version']));

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    test(`our client negotiates ${suite} when s_server allows only it`, TEST, async () => {
      const { peer, port } = await sServer(['-ciphersuites', suite]);
      try {
        const { socket, body } = await getStatusPage(port);
        assertTls13(socket, body, suite);
        assert.equal(socket.handshakeInfo?.cipherSuiteName, suite);
      } finally {
        await peer.kill();
      }
    });
  }

  test('our client uses its X25519 first share with s_server -groups X25519, without a HelloRetryRequest', TEST, async () => {
    const { peer, port } = await sServer(['-groups', 'X25519']);
    try {
      const { socket, body } = await getStatusPage(port);
      assertTls13(socket, body);
      assert.equal(socket.handshakeInfo?.groupName, 'x25519');
      assert.equal(socket.handshakeInfo?.helloRetryRequest, false);
      assert.match(body, /Shared groups: x25519\n/);
    } finally {
      await peer.kill();
    }
  });

  for (const [group, name] of [
    ['P-256', 'secp256r1'],
    ['P-384', 'secp384r1'],
  ] as const) {
    test(`our client completes a HelloRetryRequest forced by s_server -groups ${group}`, TEST, async () => {
      const { peer, port } = await sServer(['-groups', group]);
      try {
        const { socket, body } = await getStatusPage(port);
        assertTls13(socket, body);
        assert.equal(socket.handshakeInfo?.helloRetryRequest, true);
        assert.equal(socket.handshakeInfo?.groupName, name);
        assert.ok(body.includes(`Shared groups: ${name}\n`), body);
      } finally {
        await peer.kill();
      }
    });
  }

  test('our client with ecdhCurve P-384 sends a P-384 share first and needs no HelloRetryRequest', TEST, async () => {
    const { peer, port } = await sServer(['-groups', 'P-384']);
    try {
      const { socket, body } = await getStatusPage(port, { ecdhCurve: 'P-384' });
      assertTls13(socket, body);
      assert.equal(socket.handshakeInfo?.helloRetryRequest, false);
      assert.equal(socket.handshakeInfo?.groupName, 'secp384r1');
    } finally {
      await peer.kill();
    }
  });

  for (const [keyType, scheme] of [
    ['ecdsa-p256', 'ecdsa_secp256r1_sha256'],
    ['ecdsa-p384', 'ecdsa_secp384r1_sha384'],
    ['rsa-2048', 'rsa_pss_rsae_sha256'],
    ['ed25519', 'ed25519'],
  ] as const) {
    test(`our client verifies s_server's ${keyType} chain and its ${scheme} CertificateVerify`, TEST, async () => {
      const { peer, port } = await sServer([], keyType);
      try {
        const { socket, body } = await getStatusPage(port, {}, keyType);
        assertTls13(socket, body);
        assert.equal(socket.handshakeInfo?.signatureSchemeName, scheme);
        assert.equal(socket.handshakeInfo?.verifiedChain.length, 3, 'leaf, intermediate and root');
        const pki = cachedPki({ leafKeyType: keyType });
        assert.equal(socket.getPeerX509Certificate()?.fingerprint256, socket.handshakeInfo?.peerCertificates[0]?.fingerprint256);
        assert.deepEqual(Buffer.from(socket.handshakeInfo!.peerCertificates[0]!.der), Buffer.from(pki.leaf.der));
      } finally {
        await peer.kill();
      }
    });
  }

  test("our client gets ALPN http/1.1 from s_server -alpn h2,http/1.1 when it offers only http/1.1", TEST, async () => {
    const { peer, port } = await sServer(['-alpn', 'h2,http/1.1']);
    try {
      const { socket, body } = await getStatusPage(port, { ALPNProtocols: ['http/1.1'] });
      assertTls13(socket, body);
      assert.equal(socket.alpnProtocol, 'http/1.1');
      assert.equal(socket.handshakeInfo?.alpnProtocol, 'http/1.1');
    } finally {
      await peer.kill();
    }
  });

  test('our client reports alpnProtocol false when s_server is not configured for ALPN', TEST, async () => {
    const { peer, port } = await sServer([]);
    try {
      const { socket, body } = await getStatusPage(port, { ALPNProtocols: ['http/1.1'] });
      assertTls13(socket, body);
      assert.equal(socket.alpnProtocol, false);
    } finally {
      await peer.kill();
    }
  });

  test('our client reassembles handshake messages s_server splits into 512-byte records (-max_send_frag 512)', TEST, async () => {
    const { peer, port } = await sServer(['-max_send_frag', '512'], 'rsa-2048');
    try {
      const { socket, body } = await getStatusPage(port, {}, 'rsa-2048');
      assertTls13(socket, body);
      assert.ok(body.length > 2048, 'the status page itself spans several records');
      assert.match(body, /<\/pre><\/BODY><\/HTML>\s*$/, 'the whole page arrived');
    } finally {
      await peer.kill();
    }
  });

  test('our client presents its certificate chain to s_server -Verify 1, which verifies it', TEST, async () => {
    const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const clientCert = issueCertificate({ commonName: 'handshake test client', keyType: 'ecdsa-p256', days: 30 }, pki.intermediate);
    const { peer, port } = await sServer(['-Verify', '1', '-CAfile', pkiFiles('ecdsa-p256').root]);
    try {
      const { socket, body } = await getStatusPage(port, { key: clientCert.keyPem, cert: clientCert.certPem + pki.intermediatePem });
      assert.equal(socket.getProtocol(), 'TLSv1.3');
      assert.match(body, /Client certificate\n[^]*Subject: CN ?= ?handshake test client\n/);
      assert.doesNotMatch(body, /no client certificate available/);
      // s_server prints its verification after the handshake, possibly after our client is done.
      await peer.waitFor(/depth=0 CN = handshake test client\nverify return:1/, WAIT_MS);
    } finally {
      await peer.kill();
    }
  });

  test('our client without a certificate fails with certificate_required from s_server -Verify 1', TEST, async () => {
    const { peer, port } = await sServer(['-Verify', '1', '-CAfile', pkiFiles('ecdsa-p256').root]);
    try {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: cachedPki({ leafKeyType: 'ecdsa-p256' }).rootPem });
      socket.resume();
      // TLS 1.3 clients finish before the server checks their certificate: secureConnect may fire,
      // then the server's alert arrives as an error.
      const [err] = await waitEvent<[Error & { alertName?: string; fromPeer?: boolean }]>(socket, 'error');
      assert.equal(err.alertName, 'certificate_required', String(err));
      assert.equal(err.fromPeer, true);
      await peer.waitFor(/peer did not return a certificate/, WAIT_MS);
    } finally {
      await peer.kill();
    }
  });

  test('our client connecting to 127.0.0.1 without servername verifies the IP SAN and sends no SNI (RFC 6066 §3)', TEST, async () => {
    const { peer, port } = await sServer(['-trace']);
    try {
      const socket = connect({ host: '127.0.0.1', port, ca: cachedPki({ leafKeyType: 'ecdsa-p256' }).rootPem });
      try {
        await waitEvent(socket, 'secureConnect');
        socket.write('GET / HTTP/1.0\r\n\r\n');
        const body = (await readAll(socket)).toString('latin1');
        assertTls13(socket, body);
      } finally {
        socket.destroy();
      }
      await peer.waitFor(/ClientHello/);
      assert.doesNotMatch(peer.stdout, /extension_type=server_name/);
    } finally {
      await peer.kill();
    }
  });

  test('our client sends servername localhost as SNI', TEST, async () => {
    const { peer, port } = await sServer(['-trace']);
    try {
      const { socket, body } = await getStatusPage(port);
      assertTls13(socket, body);
      await peer.waitFor(/extension_type=server_name\(0\), length=14\n.*localhost/);
    } finally {
      await peer.kill();
    }
  });

  test('our client rejects s_server chain under a different root with UNABLE_TO_GET_ISSUER_CERT_LOCALLY, and s_server sees unknown_ca', TEST, async () => {
    const { peer, port } = await sServer([]);
    try {
      const otherRoot = cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'another PKI' }).rootPem;
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: otherRoot });
      let secure = false;
      socket.on('secureConnect', () => (secure = true));
      const [err] = await waitEvent<[NodeJS.ErrnoException]>(socket, 'error');
      assert.equal(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
      assert.equal(secure, false);
      assert.equal(socket.authorized, false);
      await peer.waitFor(/alert unknown ca/, WAIT_MS);
    } finally {
      await peer.kill();
    }
  });

  test('our client rejects s_server certificate for servername wrong.example with ERR_TLS_CERT_ALTNAME_INVALID', TEST, async () => {
    const { peer, port } = await sServer([]);
    try {
      const socket = connect({ host: '127.0.0.1', port, servername: 'wrong.example', ca: cachedPki({ leafKeyType: 'ecdsa-p256' }).rootPem });
      let secure = false;
      socket.on('secureConnect', () => (secure = true));
      const [err] = await waitEvent<[NodeJS.ErrnoException]>(socket, 'error');
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(secure, false);
      await peer.waitFor(/alert bad certificate/, WAIT_MS);
    } finally {
      await peer.kill();
    }
  });
});
