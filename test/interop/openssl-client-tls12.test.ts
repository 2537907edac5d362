// `openssl s_client -tls1_2` against our TLS 1.2 server (src/server/tls12.ts), run over 127.0.0.1
// by test/helpers/tls12-server-bridge.ts (Connection.server on a plain net.Server): suites of each
// key exchange with data both ways and a clean close, encrypt_then_mac and extended_master_secret
// on and off, TLS_FALLBACK_SCSV, the downgrade sentinel, renegotiation, client certificates and
// the key log.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { tls12SuiteByName, tls12SuiteByOpensslName } from '../../src/crypto/suites.js';
import type { ServerConfig } from '../../src/server/config.js';
import { serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { type Peer, certArgs, interopTempDir, pkiFilesCache, requireCommand, startSClient } from '../helpers/interop.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { type Bridge, echoHandlers, pollUntil, startBridge } from '../helpers/tls12-server-bridge.js';

const TEST = { timeout: 30_000 };
const GREETING = 'hello over TLS 1.2';
const PING = 'ping from s_client';

const ecdsaPki = () => cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'localhost' });
const rsaPki = () => cachedPki({ leafKeyType: 'rsa-2048', leafCommonName: 'localhost' });
const clientPki = () => cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });
const rsaClientPki = () => cachedPki({ leafKeyType: 'rsa-2048', leafCommonName: 'rsa client', leafDnsNames: [], leafIps: [] });
const strangerPki = () => cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });

const id = (name: string) => tls12SuiteByName(name)!.id;
/** What a server that also serves the legacy suites is configured with (they are off by default). */
const LEGACY_SUITES = [
  0x1301,
  id('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'),
  id('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'),
  id('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'),
  id('TLS_RSA_WITH_AES_128_GCM_SHA256'),
];

const dir = interopTempDir();
const filesOf = pkiFilesCache(dir);

/** A TLS 1.2 + 1.3 server (TLS 1.3 stays the maximum unless overridden). */
const config = (pki: Pki, overrides: Partial<ServerConfig> = {}): ServerConfig => serverFor(pki, { minVersion: 'TLSv1.2', ...overrides });

/**
 * An OpenSSL configuration whose SSL section `noems` turns extended_master_secret off: OpenSSL 3.0's
 * s_client has no -no_ems, but takes `-ssl_config noems` with this file as OPENSSL_CONF.
 */
const NO_EMS_CONF = `openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
noems = noems_sect
[noems_sect]
Options = -ExtendedMasterSecret
`;

/** Runs s_client -tls1_2 with `args`, sends PING, and waits for it to exit (after our close_notify). */
async function sClient(bridge: Bridge, pkiName: string, pki: Pki, args: readonly string[], conf?: string): Promise<Peer> {
  const peer = startSClient(bridge.port, [
    '-tls1_2',
    '-CAfile',
    filesOf(pkiName, pki).root,
    '-verify_return_error',
    '-servername',
    'localhost',
    '-ign_eof',
    ...args,
  ], conf === undefined ? undefined : { OPENSSL_CONF: conf });
  try {
    peer.child.stdin!.end(`${PING}\n`);
    await peer.waitExit();
    await bridge.settled();
    return peer;
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

function assertEcho(peer: Peer, bridge: Bridge): void {
  const c = bridge.connections[0]!;
  assert.equal(c.error, undefined, c.error?.message);
  assert.equal(bridge.connections.length, 1);
  assert.match(peer.stdout, /Verify return code: 0 \(ok\)/);
  assert.match(peer.stdout, /^\s*Protocol\s*: TLSv1\.2$/m);
  assert.ok(peer.stdout.includes(`${GREETING}\n`), `s_client printed our greeting:\n${peer.output}`);
  assert.ok(peer.stdout.includes(`echo: ${PING}\n`), `s_client printed our echo:\n${peer.output}`);
  assert.equal(c.received, `${PING}\n`);
  assert.equal(c.info?.version, 'TLSv1.2');
  // A clean close: s_client answered our close_notify with its own.
  assert.equal(c.peerClosed, true, 's_client sent close_notify');
}

/** The alert our side failed with, once the connection ended. */
const ourError = (bridge: Bridge) => bridge.connections[0]?.error;

test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('openssl s_client -tls1_2 → our TLS 1.2 server', () => {
  before(() => requireCommand('openssl', ['version']));

  const suites: [string, 'ecdsa' | 'rsa', boolean][] = [
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ecdsa', false],
    ['ECDHE-RSA-CHACHA20-POLY1305', 'rsa', false],
    ['ECDHE-RSA-AES256-GCM-SHA384', 'rsa', false],
    ['DHE-RSA-AES128-GCM-SHA256', 'rsa', false],
    ['AES128-GCM-SHA256', 'rsa', true],
  ];
  for (const [cipher, keyType, legacy] of suites) {
    test(`${cipher}${legacy ? ' (configured explicitly)' : ''}: data both ways and a clean close`, TEST, async () => {
      const pki = keyType === 'ecdsa' ? ecdsaPki() : rsaPki();
      const bridge = await startBridge(config(pki, legacy ? { cipherSuites: LEGACY_SUITES } : {}), echoHandlers(GREETING));
      try {
        const peer = await sClient(bridge, keyType, pki, ['-cipher', cipher]);
        assertEcho(peer, bridge);
        assert.equal((await peer.exited).code, 0, peer.output);
        assert.match(peer.stdout, new RegExp(`Cipher is ${cipher}$`, 'm'));
        const info = bridge.connections[0]!.info!;
        assert.equal(info.cipherSuite, tls12SuiteByOpensslName(cipher)!.id);
        assert.equal(info.extendedMasterSecret, true);
        assert.match(peer.stdout, /Extended master secret: yes/);
        if (cipher.startsWith('DHE')) assert.match(peer.stdout, /Server Temp Key: DH, 2048 bits/);
        if (cipher.startsWith('ECDHE')) assert.match(peer.stdout, /Server Temp Key: X25519, 253 bits/);
      } finally {
        await bridge.close();
      }
    });
  }

  for (const cipher of ['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA']) {
    for (const noEtm of [false, true]) {
      test(`${cipher} (CBC, configured) ${noEtm ? 'with -no_etm: MAC-then-encrypt' : 'with encrypt_then_mac'}`, TEST, async () => {
        const bridge = await startBridge(config(rsaPki(), { cipherSuites: LEGACY_SUITES }), echoHandlers(GREETING));
        try {
          const peer = await sClient(bridge, 'rsa', rsaPki(), ['-cipher', cipher, ...(noEtm ? ['-no_etm'] : [])]);
          assertEcho(peer, bridge);
          assert.equal((await peer.exited).code, 0, peer.output);
          assert.match(peer.stdout, new RegExp(`Cipher is ${cipher}$`, 'm'));
          const info = bridge.connections[0]!.info!;
          assert.equal(info.cipherSuite, tls12SuiteByOpensslName(cipher)!.id);
          assert.equal(info.encryptThenMac, !noEtm);
        } finally {
          await bridge.close();
        }
      });
    }
  }

  test('without extended_master_secret (-no_ems; OpenSSL 3.0: -ssl_config): the RFC 5246 master secret, info says so', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki()), echoHandlers(GREETING));
    try {
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-ssl_config', 'noems'], dir.write('noems.cnf', NO_EMS_CONF));
      assertEcho(peer, bridge);
      assert.match(peer.stdout, /Extended master secret: no/);
      assert.equal(bridge.connections[0]!.info!.extendedMasterSecret, false);
    } finally {
      await bridge.close();
    }
  });

  test('-fallback_scsv against a server that speaks TLS 1.3: inappropriate_fallback (RFC 7507)', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki()), echoHandlers(GREETING));
    try {
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-fallback_scsv']);
      assert.notEqual((await peer.exited).code, 0, peer.output);
      assert.match(peer.output, /alert inappropriate fallback/);
      assert.equal(ourError(bridge)?.alertName, 'inappropriate_fallback');
    } finally {
      await bridge.close();
    }
  });

  test('-fallback_scsv against a server whose maximum is TLS 1.2: accepted', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki(), { maxVersion: 'TLSv1.2' }), echoHandlers(GREETING));
    try {
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-fallback_scsv']);
      assertEcho(peer, bridge);
    } finally {
      await bridge.close();
    }
  });

  /** The ServerHello.random s_client -msg printed (the message's hex dump, bytes 6..37). */
  function serverRandom(peer: Peer): string {
    const m = peer.stdout.match(/<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello\n((?: {4}[0-9a-f ]+\n)+)/);
    assert.ok(m, `s_client -msg printed the ServerHello:\n${peer.stdout}`);
    const bytes = m[1]!.replace(/\s+/g, '');
    assert.equal(bytes.slice(0, 2), '02');
    return bytes.slice(12, 76);
  }

  test('the ServerHello.random ends with the TLS 1.2 downgrade sentinel when we could have spoken TLS 1.3 (RFC 8446 §4.1.3)', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki()), echoHandlers(GREETING));
    try {
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-msg']);
      assertEcho(peer, bridge);
      assert.equal(serverRandom(peer).slice(48), '444f574e47524401');
    } finally {
      await bridge.close();
    }
  });

  test('no downgrade sentinel when our maximum is TLS 1.2', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki(), { maxVersion: 'TLSv1.2' }), echoHandlers(GREETING));
    try {
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-msg']);
      assertEcho(peer, bridge);
      assert.notEqual(serverRandom(peer).slice(48), '444f574e47524401');
    } finally {
      await bridge.close();
    }
  });

  test('s_client (TLS 1.3 capable) against our TLS 1.2-only server completes TLS 1.2, so it found no sentinel', TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki(), { maxVersion: 'TLSv1.2' }), echoHandlers(GREETING));
    try {
      const peer = startSClient(bridge.port, ['-CAfile', filesOf('ecdsa', ecdsaPki()).root, '-servername', 'localhost', '-ign_eof']);
      peer.child.stdin!.end(`${PING}\n`);
      assert.equal((await peer.waitExit()).code, 0, peer.output);
      assert.match(peer.stdout, /^New, TLSv1\.2, Cipher is ECDHE-ECDSA-AES/m);
    } finally {
      await bridge.close();
    }
  });

  test('renegotiation (s_client command R): we answer with a no_renegotiation warning and do not fail ourselves', TEST, async () => {
    // OpenSSL's client ends the connection itself on that warning (fatal handshake_failure: it asked
    // for a renegotiation and did not get one), so data after the refusal is tested in
    // test/pair/tls12-server.test.ts; here: the data before, our warning, and that the failure is its.
    const bridge = await startBridge(config(ecdsaPki()), { onHandshake: (c) => c.send(`${GREETING}\n`) });
    const peer = startSClient(bridge.port, ['-tls1_2', '-CAfile', filesOf('ecdsa', ecdsaPki()).root, '-servername', 'localhost', '-msg']);
    try {
      await peer.waitFor(new RegExp(`^${GREETING}$`, 'm'));
      peer.child.stdin!.write(`${PING}\n`);
      await pollUntil(() => bridge.connections[0]?.received === `${PING}\n`, 'our server to receive the ping');
      const c = bridge.connections[0]!;
      peer.child.stdin!.write('R\n');
      await peer.waitFor(/RENEGOTIATING/);
      await peer.waitFor(/<<< TLS 1\.2, Alert \[length 0002\], warning no_renegotiation/);
      await peer.waitExit();
      await bridge.settled();
      assert.equal(c.received, `${PING}\n`);
      assert.ok(c.error, 'the connection ended');
      assert.equal(c.error.fromPeer, true, `the failure is the peer's, not ours: ${c.error.message}`);
      assert.equal(c.error.alertName, 'handshake_failure');
    } finally {
      await peer.kill();
      await bridge.close();
    }
  });

  test("our CLIENT_RANDOM key log line matches s_client -keylogfile's", TEST, async () => {
    const bridge = await startBridge(config(ecdsaPki()), echoHandlers(GREETING));
    try {
      const file = dir.file(`s_client-${bridge.port}.keylog`);
      const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), ['-keylogfile', file]);
      assertEcho(peer, bridge);
      const theirs = readFileSync(file, 'latin1')
        .split('\n')
        .filter((l) => l.startsWith('CLIENT_RANDOM'));
      const ours = bridge.connections[0]!.events.filter((e) => e.type === 'keylog').map((e) => (e as { line: string }).line);
      assert.equal(theirs.length, 1);
      assert.deepEqual(ours.map((l) => l.toLowerCase()), theirs.map((l) => l.toLowerCase()));
    } finally {
      await bridge.close();
    }
  });

  describe('client certificates (clientAuth)', () => {
    const authConfig = (required = true) =>
      config(ecdsaPki(), { clientAuth: { verifier: verifierTrusting(clientPki().root), required } });
    const clientCertArgs = (name: string, pki: Pki) => certArgs(filesOf(name, pki));

    for (const [name, pki] of [
      ['ECDSA', clientPki],
      ['RSA', rsaClientPki],
    ] as const) {
      test(`an ${name} client certificate from the trusted CA: authorized, and the handshake completes`, TEST, async () => {
        const trusted = pki();
        const bridge = await startBridge(
          config(ecdsaPki(), { clientAuth: { verifier: verifierTrusting(trusted.root), required: true } }),
          echoHandlers(GREETING),
        );
        try {
          const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), clientCertArgs(`client-${name}`, trusted));
          assertEcho(peer, bridge);
          const info = bridge.connections[0]!.info!;
          assert.equal(info.authorized, true);
          assert.ok(info.peerCertificates[0]!.subject.includes(name === 'RSA' ? 'rsa client' : 'client one'));
        } finally {
          await bridge.close();
        }
      });
    }

    test('a chain from a CA we do not trust: unknown_ca', TEST, async () => {
      const bridge = await startBridge(authConfig(), echoHandlers(GREETING));
      try {
        const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), clientCertArgs('stranger', strangerPki()));
        assert.notEqual((await peer.exited).code, 0, peer.output);
        assert.match(peer.output, /alert unknown ca/);
        assert.equal(ourError(bridge)?.alertName, 'unknown_ca');
      } finally {
        await bridge.close();
      }
    });

    test('no certificate when one is required: handshake_failure', TEST, async () => {
      const bridge = await startBridge(authConfig(), echoHandlers(GREETING));
      try {
        const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), []);
        assert.notEqual((await peer.exited).code, 0, peer.output);
        assert.match(peer.output, /alert handshake failure/);
        assert.equal(ourError(bridge)?.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
      } finally {
        await bridge.close();
      }
    });

    test('no certificate when optional: completes unauthorized', TEST, async () => {
      const bridge = await startBridge(authConfig(false), echoHandlers(GREETING));
      try {
        const peer = await sClient(bridge, 'ecdsa', ecdsaPki(), []);
        assertEcho(peer, bridge);
        assert.equal(bridge.connections[0]!.info!.authorized, false);
      } finally {
        await bridge.close();
      }
    });
  });
});
