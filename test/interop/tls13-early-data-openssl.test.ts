// 0-RTT with OpenSSL (RFC 8446 §2.3): our client sending early data to `openssl s_server
// -early_data`, and `openssl s_client -early_data` sending it to our server, which reads it once
// and refuses the same ticket's early data the second time. DESIGN.md §4: these fail, never
// skip, when openssl is missing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import { type Server, type ServerOptions, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';
import {
  type PkiFiles,
  certArgs,
  closeServer,
  interopTempDir,
  listen,
  requireCommand,
  runVerifiedSClient,
  startSServer,
  waitEvent,
  waitUntil,
  writePki,
} from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';

const TEST = { timeout: 60_000 };
const pki = cachedPki();
const EARLY = 'GET /early HTTP/1.0\r\n\r\n';
const dir = interopTempDir('handshake-early-data-');
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  files = writePki(dir, 'ecdsa', pki);
});

/** One connection of our client: its sessions and what the socket says about early data. */
async function ourVisit(port: number, options: ConnectOptions = {}) {
  const socket = connect({ host: '127.0.0.1', servername: 'localhost', port, ca: pki.rootPem, ...options });
  const sessions: Buffer[] = [];
  socket.on('session', (s: Buffer) => sessions.push(s));
  try {
    await waitEvent(socket, 'secureConnect');
    socket.write('after the handshake\n');
    // s_server sends its tickets after the handshake: wait for them.
    await waitUntil(() => sessions.length > 0 || options.session !== undefined, 'a session');
    return { sessions, status: socket.earlyDataStatus, reused: socket.isSessionReused() };
  } finally {
    // s_server may reset the connection once it has shut down; what mattered is gathered above.
    socket.on('error', () => {});
    socket.end();
  }
}

describe('our client → openssl s_server -early_data', () => {
  test('sends its request as 0-RTT data, which the server reads as early data', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-early_data', '-max_early_data', '16384', ...certArgs(files)]);
    try {
      const first = await ourVisit(port);
      assert.equal(first.status, 'none');
      await peer.waitFor(/after the handshake/);
      const second = await ourVisit(port, { session: first.sessions.at(-1)!, earlyData: Buffer.from(EARLY) });
      assert.equal(second.reused, true);
      assert.equal(second.status, 'accepted');
      // s_server prints early data between these two lines.
      await peer.waitFor(/Early data received:[\s\S]*End of early data/);
      await waitUntil(() => peer.stdout.includes('GET /early HTTP/1.0'), 'the early request on s_server');
      await waitUntil(() => peer.stdout.match(/after the handshake/g)?.length === 2, 'the second connection\'s data on s_server');
    } finally {
      await peer.kill();
    }
  });

  test('a server without -early_data: the request goes after the handshake instead', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', ...certArgs(files)]);
    try {
      const first = await ourVisit(port);
      const second = await ourVisit(port, { session: first.sessions.at(-1)!, earlyData: Buffer.from(EARLY) });
      assert.equal(second.reused, true);
      assert.equal(second.status, 'none', 'the ticket allowed no early data, so none was offered');
      await waitUntil(() => peer.stdout.includes('GET /early HTTP/1.0'), 'the request as ordinary data');
    } finally {
      await peer.kill();
    }
  });
});

interface Ours {
  server: Server;
  port: number;
  sockets: Array<{ socket: TLSSocket; early: number; data: string }>;
  errors: Error[];
}

async function startOurs(options: Partial<ServerOptions> = {}): Promise<Ours> {
  const ours: Ours = { server: undefined as never, port: 0, sockets: [], errors: [] };
  ours.server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem, maxEarlyData: 16384, ...options }, (socket) => {
    const entry = { socket, early: socket.earlyDataBytes, data: '' };
    ours.sockets.push(entry);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (entry.data += d));
    socket.on('error', () => {});
    socket.end(`early=${socket.earlyDataStatus}\n`);
  });
  ours.server.on('tlsClientError', (err: Error) => ours.errors.push(err));
  ours.port = await listen(ours.server);
  return ours;
}

/** s_client -tls1_3 against `port`; it runs until our close_notify, then exits. */
const sClient = (port: number, args: readonly string[]) => runVerifiedSClient(port, '-tls1_3', files.root, args);

describe('openssl s_client -early_data → our server (maxEarlyData)', () => {
  test('the early data is read once as 0-RTT; the same ticket replayed gets it rejected', TEST, async () => {
    const ours = await startOurs();
    try {
      const session = dir.file('early.sess');
      const early = dir.write('early.txt', EARLY);
      const first = await sClient(ours.port, ['-sess_out', session]);
      assert.match(first.stdout, /early=none/, first.output);
      assert.match(first.stdout, /Max Early Data: 16384/, first.output);

      const second = await sClient(ours.port, ['-sess_in', session, '-early_data', early]);
      assert.match(second.stdout, /Early data was accepted/, second.output);
      assert.match(second.stdout, /early=accepted/, second.output);
      await waitUntil(() => ours.sockets[1]?.data === EARLY, 'the early request on our server');
      assert.equal(ours.sockets[1]!.early, EARLY.length, 'all of it arrived as 0-RTT');
      assert.equal(ours.sockets[1]!.socket.isSessionReused(), true);

      // The same session file again: the same ticket, so the same PSK identity (RFC 8446 §8.1).
      const third = await sClient(ours.port, ['-sess_in', session, '-early_data', early]);
      assert.match(third.stdout, /Early data was rejected/, third.output);
      assert.match(third.stdout, /early=rejected/, third.output);
      assert.equal(ours.sockets[2]!.early, 0);
      assert.equal(ours.sockets[2]!.socket.isSessionReused(), true, 'resumed, without 0-RTT');
      assert.deepEqual(ours.errors, []);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('a server without maxEarlyData advertises none, and s_client sends none', TEST, async () => {
    const ours = await startOurs({ maxEarlyData: 0 });
    try {
      const session = dir.file('no-early.sess');
      const first = await sClient(ours.port, ['-sess_out', session]);
      assert.doesNotMatch(first.stdout, /Max Early Data: [1-9]/, first.output);
      const second = await sClient(ours.port, ['-sess_in', session, '-early_data', dir.write('no-early.txt', EARLY)]);
      assert.match(second.stdout, /Reused, TLSv1\.3/, second.output);
      assert.equal(ours.sockets[1]!.early, 0);
    } finally {
      await closeServer(ours.server);
    }
  });
});
