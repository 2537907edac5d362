// OCSP stapling through the Node adapter (src/node/*) and against OpenSSL 3:
// `openssl s_server -status_file` staples a response our client verifies, and
// `openssl s_client -status` prints the response our server staples.
// DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type ConnectOptions, connect } from '../../src/node/connect.js';
import { type Server, type ServerOptions, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import {
  type PkiFiles,
  WAIT_MS,
  certArgs,
  closeServer,
  interopTempDir,
  listen,
  readAll,
  requireCommand,
  startSClient,
  startSServer,
  waitEvent,
  withTimeout,
  writePki,
} from '../helpers/interop.js';
import { ocspResponse } from '../helpers/ocsp.js';
import { cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 30_000 };
const pki = cachedPki({ leafCommonName: 'localhost' });
const otherPki = cachedPki({ leafCommonName: 'other.test', leafDnsNames: ['other.test'] });
const good = ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate });
const revoked = ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate, status: 'revoked' });

const dir = interopTempDir('handshake-ocsp-');
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  files = writePki(dir, 'main', pki);
});

/** Connects our client to 127.0.0.1:`port` for `localhost` and waits for the handshake or its error. */
async function handshake(port: number, options: ConnectOptions = {}): Promise<{ socket?: TLSSocket; error?: Error & { code?: string } }> {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ...options });
  const errors: Error[] = [];
  socket.on('error', (err: Error) => errors.push(err));
  try {
    await withTimeout(
      new Promise<void>((resolve) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', () => resolve());
      }),
      WAIT_MS,
      'the handshake',
    );
    return errors[0] ? { error: errors[0] } : { socket };
  } finally {
    socket.destroy();
  }
}

async function withServer(options: Partial<ServerOptions>, run: (port: number, server: Server) => Promise<void>): Promise<void> {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ...options }, (socket) => {
    socket.on('error', () => {}); // the client may hang up first
    socket.end('hello\n');
  });
  server.on('tlsClientError', () => {});
  try {
    await run(await listen(server), server);
  } finally {
    await closeServer(server);
  }
}

describe('the Node adapter', () => {
  test('createServer({ ocspResponse }) staples; connect() verifies it into handshakeInfo.ocsp', TEST, async () => {
    await withServer({ ocspResponse: Buffer.from(good) }, async (port) => {
      const { socket, error } = await handshake(port);
      assert.equal(error, undefined, error?.message);
      assert.equal(socket!.authorized, true);
      assert.equal(socket!.handshakeInfo?.ocsp?.status, 'good');
    });
  });

  test('a revoked staple fails connect() with CERT_REVOKED', TEST, async () => {
    await withServer({ ocspResponse: revoked }, async (port) => {
      const { error } = await handshake(port);
      assert.equal(error?.code, 'CERT_REVOKED', error?.message);
    });
  });

  test('connect({ requestOCSP: false }) does not ask, so the revoked staple is never sent', TEST, async () => {
    await withServer({ ocspResponse: revoked }, async (port) => {
      const { socket, error } = await handshake(port, { requestOCSP: false });
      assert.equal(error, undefined, error?.message);
      assert.equal(socket!.handshakeInfo?.ocsp, undefined);
    });
  });

  test('addContext(name, { ocspResponse }) staples that context\'s response', TEST, async () => {
    const otherGood = ocspResponse({ leaf: otherPki.leaf, issuer: otherPki.intermediate });
    await withServer({}, async (port, server) => {
      server.addContext('other.test', { key: otherPki.leafKeyPem, cert: otherPki.chainPem, ocspResponse: otherGood });
      const { socket, error } = await handshake(port, { servername: 'other.test', ca: otherPki.rootPem });
      assert.equal(error, undefined, error?.message);
      assert.equal(socket!.handshakeInfo?.ocsp?.status, 'good');
    });
  });
});

describe('openssl s_server -status_file → our client', () => {
  async function sServer(response: Uint8Array) {
    const file = dir.write(`resp-${response.length}-${response[response.length - 1]}.der`, response);
    return startSServer(['-tls1_3', '-www', ...certArgs(files), '-status_file', file]);
  }

  test('our client verifies the staple s_server sends', TEST, async () => {
    const { peer, port } = await sServer(good);
    try {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
      try {
        await waitEvent(socket, 'secureConnect');
        assert.equal(socket.authorized, true);
        assert.equal(socket.handshakeInfo?.ocsp?.status, 'good');
        socket.write('GET / HTTP/1.0\r\n\r\n');
        assert.match((await readAll(socket)).toString('latin1'), /^HTTP\/1\.0 200 ok/);
      } finally {
        socket.destroy();
      }
    } finally {
      await peer.kill();
    }
  });

  test('our client refuses a revoked leaf with certificate_revoked, and s_server sees the alert', TEST, async () => {
    const { peer, port } = await sServer(revoked);
    try {
      const { error } = await handshake(port);
      assert.equal(error?.code, 'CERT_REVOKED', error?.message);
      await peer.waitFor(/certificate revoked/i, WAIT_MS);
    } finally {
      await peer.kill();
    }
  });
});

describe('openssl s_client -status → our server', () => {
  test('s_client prints our staple as a successful OCSP response for the leaf', TEST, async () => {
    await withServer({ ocspResponse: good }, async (port) => {
      const peer = startSClient(port, ['-tls1_3', '-CAfile', files.root, '-servername', 'localhost', '-verify_return_error', '-status', '-ign_eof']);
      try {
        peer.child.stdin!.end();
        await peer.waitExit();
        assert.match(peer.output, /OCSP Response Status: successful/, peer.output);
        assert.match(peer.output, /Cert Status: good/, peer.output);
        assert.match(peer.output, /Verify return code: 0 \(ok\)/, peer.output);
      } finally {
        await peer.kill();
      }
    });
  });

  test('without -status, s_client gets no staple', TEST, async () => {
    await withServer({ ocspResponse: good }, async (port) => {
      const peer = startSClient(port, ['-tls1_3', '-CAfile', files.root, '-servername', 'localhost', '-verify_return_error', '-ign_eof']);
      try {
        peer.child.stdin!.end();
        await peer.waitExit();
        assert.doesNotMatch(peer.output, /OCSP response/i, peer.output);
        assert.match(peer.output, /Verify return code: 0 \(ok\)/, peer.output);
      } finally {
        await peer.kill();
      }
    });
  });
});
