// `openssl s_client -tls1_2` resuming sessions on our TLS 1.2 server (RFC 5246 §7.3, RFC 5077):
// through the Node adapter (createServer: one session cache and one set of ticket keys per
// Server), with -sess_out/-sess_in (tickets, and session IDs with -no_ticket) and -reconnect, and
// through the core alone (Connection.server with a shared MemorySessionStore and TicketKeys).
// Last, node:tls's client (OpenSSL too, driven by its `session` option) against createServer.
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { before, describe, test } from 'node:test';
import type { ServerOptions } from '../../src/node/server.js';
import { MemorySessionStore } from '../../src/server/session-cache.js';
import { TicketKeys } from '../../src/server/tickets.js';
import { serverFor } from '../helpers/endpoints.js';
import {
  type Peer,
  WAIT_MS,
  closeServer,
  interopTempDir,
  requireCommand,
  runVerifiedSClient,
  startGreetingServer,
} from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { resumedFlags, sClientHandshakes, sessionText } from '../helpers/resumption-interop.js';
import { startBridge } from '../helpers/tls12-server-bridge.js';

const TEST = { timeout: 60_000 };
const GREETING = 'hello from a resumable server';
const pki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'localhost' });

const dir = interopTempDir('handshake-resumption-');
let root: string;

before(() => {
  root = dir.write('root.pem', pki().rootPem);
});

/** Our server (createServer), greeting each client and closing. */
const startOurs = (options: Partial<ServerOptions> = {}) => startGreetingServer({ key: pki().leafKeyPem, cert: pki().chainPem, ...options }, GREETING);

/** s_client -tls1_2 against `port` with `args`; it runs until our close_notify, then exits. */
const sClient = (port: number, args: readonly string[]): Promise<Peer> => runVerifiedSClient(port, '-tls1_2', root, args);

/** How many handshakes s_client reported as `kind` ("New" or "Reused") in TLS 1.2. */
const count = (peer: Peer, kind: 'New' | 'Reused') => sClientHandshakes(peer, kind, 'TLSv1.2');

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('openssl s_client -tls1_2 resumes on our server (createServer)', () => {
  before(() => requireCommand('openssl', ['version']));

  test('a ticket: -sess_out, then -sess_in reports "Reused, TLSv1.2" (session cache off: only the ticket can resume)', TEST, async () => {
    const ours = await startOurs({ sessionCache: false });
    try {
      const file = dir.file('ticket.sess');
      const first = await sClient(ours.port, ['-sess_out', file]);
      assert.equal(count(first, 'New'), 1, first.output);
      assert.ok(first.stdout.includes(GREETING), first.output);
      const text = sessionText(file);
      assert.match(text, /TLS session ticket lifetime hint: 300 \(seconds\)/);
      assert.match(text, /Extended master secret: yes/);
      const second = await sClient(ours.port, ['-sess_in', file]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      assert.match(second.stdout, /Verify return code: 0 \(ok\)/);
      assert.ok(second.stdout.includes(GREETING), second.output);
      assert.deepEqual(resumedFlags(ours), [false, true]);
      assert.deepEqual(ours.errors, []);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('a session ID (-no_ticket): -sess_out, then -sess_in reports "Reused, TLSv1.2"', TEST, async () => {
    const ours = await startOurs();
    try {
      const file = dir.file('id.sess');
      const first = await sClient(ours.port, ['-no_ticket', '-sess_out', file]);
      assert.equal(count(first, 'New'), 1, first.output);
      const text = sessionText(file);
      assert.match(text, /Session-ID: [0-9A-F]{64}\n/);
      assert.doesNotMatch(text, /TLS session ticket/);
      const second = await sClient(ours.port, ['-no_ticket', '-sess_in', file]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      assert.deepEqual(resumedFlags(ours), [false, true]);
    } finally {
      await closeServer(ours.server);
    }
  });

  for (const args of [[], ['-no_ticket']]) {
    test(`-reconnect ${args.join(' ')}: every reconnection is reused`, TEST, async () => {
      const ours = await startOurs();
      try {
        const peer = await sClient(ours.port, ['-reconnect', ...args]);
        assert.equal(count(peer, 'New'), 1, peer.output);
        assert.equal(count(peer, 'Reused'), 5, peer.output);
        assert.deepEqual(resumedFlags(ours), [false, true, true, true, true, true]);
      } finally {
        await closeServer(ours.server);
      }
    });
  }

  test('tickets: false and sessionCache: false: -reconnect reports "New" every time', TEST, async () => {
    const ours = await startOurs({ tickets: false, sessionCache: false });
    try {
      const peer = await sClient(ours.port, ['-reconnect']);
      assert.equal(count(peer, 'New'), 6, peer.output);
      assert.equal(count(peer, 'Reused'), 0, peer.output);
      assert.deepEqual(resumedFlags(ours), [false, false, false, false, false, false]);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('secureOptions SSL_OP_NO_TICKET: no ticket in the session, which resumes by its session ID', TEST, async () => {
    const ours = await startOurs({ secureOptions: 0x4000 });
    try {
      const file = dir.file('noticket.sess');
      await sClient(ours.port, ['-sess_out', file]);
      const text = sessionText(file);
      assert.doesNotMatch(text, /TLS session ticket/);
      assert.match(text, /Session-ID: [0-9A-F]{64}\n/);
      const second = await sClient(ours.port, ['-sess_in', file]);
      assert.equal(count(second, 'Reused'), 1, second.output);
      assert.deepEqual(resumedFlags(ours), [false, true]);
    } finally {
      await closeServer(ours.server);
    }
  });

  test('ticketKeys shared by two servers: a ticket from one resumes on the other; other keys do not', TEST, async () => {
    const keys = Buffer.alloc(48, 0x5a);
    const one = await startOurs({ ticketKeys: keys, sessionCache: false });
    const two = await startOurs({ sessionCache: false });
    const three = await startOurs({ sessionCache: false });
    try {
      two.server.setTicketKeys(keys);
      assert.deepEqual(two.server.getTicketKeys(), keys);
      assert.equal(three.server.getTicketKeys().length, 48);
      const file = dir.file('shared.sess');
      await sClient(one.port, ['-sess_out', file]);
      const resumed = await sClient(two.port, ['-sess_in', file]);
      assert.equal(count(resumed, 'Reused'), 1, resumed.output);
      const refused = await sClient(three.port, ['-sess_in', file]);
      assert.equal(count(refused, 'New'), 1, refused.output);
      assert.deepEqual(resumedFlags(three), [false]);
    } finally {
      await Promise.all([one, two, three].map((o) => closeServer(o.server)));
    }
  });

  test('sessionTimeout: a session past it is not reused', TEST, async () => {
    const ours = await startOurs({ sessionTimeout: 1 });
    try {
      const file = dir.file('timeout.sess');
      const first = await sClient(ours.port, ['-sess_out', file]);
      assert.equal(count(first, 'New'), 1, first.output);
      assert.match(sessionText(file), /TLS session ticket lifetime hint: 1 \(seconds\)/);
      await new Promise((r) => setTimeout(r, 1100));
      const second = await sClient(ours.port, ['-sess_in', file]);
      assert.equal(count(second, 'New'), 1, second.output);
    } finally {
      await closeServer(ours.server);
    }
  });
});

describe('openssl s_client -tls1_2 resumes on the core (Connection.server, shared store and keys)', () => {
  before(() => requireCommand('openssl', ['version']));

  for (const args of [[], ['-no_ticket']]) {
    test(`-reconnect ${args.join(' ')}: reused`, TEST, async () => {
      const config = serverFor(pki(), { minVersion: 'TLSv1.2', sessionCache: new MemorySessionStore(), tickets: new TicketKeys() });
      const bridge = await startBridge(config, {
        onHandshake: (c) => {
          c.send(`${GREETING}\n`);
          c.close();
        },
      });
      try {
        const peer = await sClient(bridge.port, ['-reconnect', ...args]);
        assert.equal(count(peer, 'Reused'), 5, peer.output);
        assert.deepEqual(
          bridge.connections.map((c) => c.info?.resumed === true),
          [false, true, true, true, true, true],
        );
      } finally {
        await bridge.close();
      }
    });
  }
});

describe('node:tls tls.connect({ maxVersion: "TLSv1.2", session }) resumes on our createServer', () => {
  /** One node:tls connection; resolves with whether it reused a session and the session it leaves. */
  function connectOnce(port: number, options: tls.ConnectionOptions = {}): Promise<{ reused: boolean; session: Buffer }> {
    return new Promise((resolve, reject) => {
      let session: Buffer | undefined;
      const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki().rootPem, maxVersion: 'TLSv1.2', ...options });
      const timer = setTimeout(() => socket.destroy(new Error('timed out')), WAIT_MS);
      // TLS 1.2: the session is complete with the handshake (node:tls's getSession()).
      socket.on('secureConnect', () => (session = socket.getSession()));
      socket.on('error', reject);
      socket.resume();
      socket.on('end', () => {
        clearTimeout(timer);
        const reused = socket.isSessionReused();
        socket.end();
        if (!session) reject(new Error('no session'));
        else resolve({ reused, session });
      });
    });
  }

  for (const [name, options] of [
    ['by ticket', {}],
    ['by session ID', { secureOptions: 0x4000 }],
  ] as const) {
    test(name, TEST, async () => {
      const ours = await startOurs(name === 'by ticket' ? { sessionCache: false } : {});
      try {
        const first = await connectOnce(ours.port, options);
        assert.equal(first.reused, false);
        const second = await connectOnce(ours.port, { ...options, session: first.session });
        assert.equal(second.reused, true);
        assert.deepEqual(resumedFlags(ours), [false, true]);
      } finally {
        await closeServer(ours.server);
      }
    });
  }
});
