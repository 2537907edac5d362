// node:tls's `crl` option on our connect() and createServer(), over 127.0.0.1, against our own
// peer and against node:tls (OpenSSL): the same option means the same thing on both sides, and
// a revoked client certificate reaches the client as the certificate_revoked alert.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { describe, test } from 'node:test';
import * as tls from 'node:tls';
import { connect } from '../../src/node/connect.js';
import { type ServerOptions, createServer } from '../../src/node/server.js';
import { issueCrl } from '../helpers/crl.js';
import { type Pki, cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 30_000 };
const serverPki = cachedPki();
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });

/** One PEM per CRL (node:tls reads one CRL per entry): both CAs of `pki`, the leaf revoked or not. */
const crlsFor = (pki: Pki, leafRevoked: boolean): string[] => [
  issueCrl(pki.intermediate, { revoked: leafRevoked ? [{ cert: pki.leaf }] : [] }).pem,
  issueCrl(pki.root).pem,
];

async function listening(server: NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

interface Outcome {
  /** 'secure' when the handshake completed and the connection then closed cleanly. */
  code: string | undefined;
  authorized?: boolean;
}

/** Waits for `socket` to fail (its error code), or to complete and receive the server's greeting. */
function outcomeOf(socket: tls.TLSSocket | ReturnType<typeof connect>): Promise<Outcome> {
  return new Promise((resolve) => {
    let authorized: boolean | undefined;
    socket.once('secureConnect', () => {
      authorized = socket.authorized;
    });
    socket.on('data', () => resolve({ code: undefined, authorized }));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ code: err.code, authorized }));
  });
}

async function withOurServer(options: Partial<ServerOptions>, run: (port: number, serverErrors: Array<NodeJS.ErrnoException>) => Promise<void>) {
  const errors: NodeJS.ErrnoException[] = [];
  const server = createServer({ key: serverPki.leafKeyPem, cert: serverPki.chainPem, ...options }, (socket) => {
    socket.on('error', () => {});
    socket.end('hello\n');
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => errors.push(err));
  try {
    await run(await listening(server), errors);
  } finally {
    server.close();
  }
}

describe('connect({ crl })', () => {
  test('our client and our server: a revoked server leaf fails with CERT_REVOKED; a current CRL passes', TEST, async () => {
    await withOurServer({}, async (port) => {
      const ok = await outcomeOf(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverPki.rootPem, crl: crlsFor(serverPki, false) }));
      assert.deepEqual(ok, { code: undefined, authorized: true });
      const revoked = await outcomeOf(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverPki.rootPem, crl: crlsFor(serverPki, true) }));
      assert.equal(revoked.code, 'CERT_REVOKED');
    });
  });

  test('our client and a node:tls server, node:tls and our server: the same verdicts', TEST, async () => {
    const nodeServer = tls.createServer({ key: serverPki.leafKeyPem, cert: serverPki.chainPem }, (s) => s.end('hello\n'));
    nodeServer.on('tlsClientError', () => {});
    const port = await listening(nodeServer);
    try {
      for (const leafRevoked of [false, true]) {
        const ours = await outcomeOf(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverPki.rootPem, crl: crlsFor(serverPki, leafRevoked) }));
        assert.equal(ours.code, leafRevoked ? 'CERT_REVOKED' : undefined);
      }
    } finally {
      nodeServer.close();
    }
    await withOurServer({}, async (ourPort) => {
      for (const leafRevoked of [false, true]) {
        const node = await outcomeOf(tls.connect({ host: '127.0.0.1', port: ourPort, servername: 'localhost', ca: serverPki.rootPem, crl: crlsFor(serverPki, leafRevoked) }));
        assert.equal(node.code, leafRevoked ? 'CERT_REVOKED' : undefined);
      }
    });
  });

  test('a malformed crl throws at connect(), before any socket', () => {
    assert.throws(() => connect({ host: '127.0.0.1', port: 1, crl: 'no CRL here' }), { code: 'UNABLE_TO_DECODE_CRL' });
  });
});

describe('createServer({ requestCert, crl })', () => {
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`${maxVersion}: a node:tls client with a revoked certificate gets the certificate_revoked alert`, TEST, async () => {
      await withOurServer({ requestCert: true, ca: clientPki.rootPem, crl: crlsFor(clientPki, true) }, async (port, serverErrors) => {
        const node = await outcomeOf(
          tls.connect({
            host: '127.0.0.1',
            port,
            servername: 'localhost',
            ca: serverPki.rootPem,
            key: clientPki.leafKeyPem,
            cert: clientPki.chainPem,
            maxVersion,
          }),
        );
        // OpenSSL's name for a received alert 44.
        assert.equal(node.code, 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED');
        assert.equal(serverErrors[0]?.code, 'CERT_REVOKED');
      });
    });
  }

  test('a client whose certificate is not revoked is accepted', TEST, async () => {
    await withOurServer({ requestCert: true, ca: clientPki.rootPem, crl: crlsFor(clientPki, false) }, async (port, serverErrors) => {
      const node = await outcomeOf(
        tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: serverPki.rootPem, key: clientPki.leafKeyPem, cert: clientPki.chainPem }),
      );
      assert.deepEqual(node, { code: undefined, authorized: true });
      assert.deepEqual(serverErrors, []);
    });
  });

  test('a malformed crl throws at createServer(), even without requestCert', () => {
    assert.throws(() => createServer({ key: serverPki.leafKeyPem, cert: serverPki.chainPem, crl: Buffer.from([0x30, 0x00]) }), { code: 'UNABLE_TO_DECODE_CRL' });
  });
});
