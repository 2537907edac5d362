// Our TLS 1.2 client (the sans-IO core over a TCP socket, test/helpers/tls12-net.ts) against
// `openssl s_server -tls1_2 -www`, which answers "GET / HTTP/1.0" with a status page describing
// the connection as OpenSSL negotiated it: both sides' view of each handshake is checked.
// DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES, Tls12CipherSuite, tls12SuiteByOpensslName } from '../../src/crypto/suites.js';
import type { KeyType } from '../../src/node/certs.js';
import { certifiedKey, clientFor } from '../helpers/endpoints.js';
import { type PkiFiles, WAIT_MS, certArgs, interopTempDir, pkiFilesCache, requireCommand, startSServer } from '../helpers/interop.js';
import { mustStaple, ocspResponse } from '../helpers/ocsp.js';
import { type Pki, cachedPki, issueCertificate } from '../helpers/pki.js';
import { CoreClient } from '../helpers/tls12-net.js';

const TEST = { timeout: 30_000 };

const dir = interopTempDir('handshake-tls12-');
let dhParams: string;
/** An OPENSSL_CONF that turns extended master secret off (s_server 3.0 has no -no_ems flag). */
let noEmsConf: string;

const pkiOf = (keyType: KeyType): Pki => cachedPki({ leafKeyType: keyType });
const filesOf = pkiFilesCache(dir);
const pkiFiles = (keyType: KeyType): PkiFiles => filesOf(keyType, pkiOf(keyType));

before(() => {
  requireCommand('openssl', ['version']);
  dhParams = dir.file('ffdhe2048.pem');
  execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dhParams], { timeout: WAIT_MS });
  noEmsConf = dir.write(
    'no-ems.cnf',
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'ssl_conf = ssl_sect',
      '[ssl_sect]',
      'system_default = system_default_sect',
      '[system_default_sect]',
      'Options = -ExtendedMasterSecret',
      '',
    ].join('\n'),
  );
});

/** s_server -www with the `keyType` chain and `extra` arguments (TLS 1.2 only unless `versions` says otherwise). */
function sServer(extra: readonly string[], keyType: KeyType = 'ecdsa-p256', versions: readonly string[] = ['-tls1_2'], env?: Record<string, string>) {
  const args = [...versions, '-www', ...certArgs(pkiFiles(keyType)), ...extra];
  return startSServer(args, env);
}

/** Our client offering TLS 1.2 (and 1.3) for localhost, trusting the `keyType` PKI. */
const configFor = (keyType: KeyType, overrides: ClientConfig = {}): ClientConfig =>
  clientFor(pkiOf(keyType), { minVersion: 'TLSv1.2', ...overrides });

/** Connects, asks for the status page, and returns the handshake info and the whole page. */
async function statusPage(port: number, config: ClientConfig) {
  const client = new CoreClient(port, config);
  try {
    const info = await client.handshake();
    client.write('GET / HTTP/1.0\r\n\r\n');
    await client.peerClosed();
    return { info, body: client.received, client };
  } finally {
    client.close();
  }
}

function assertTls12Page(body: string, opensslCipher: string): void {
  assert.match(body, /^HTTP\/1\.0 200 ok\r\n/);
  assert.ok(body.includes('Protocol  : TLSv1.2\n'), body);
  // "New, <the suite's minimum version>, Cipher is …": TLSv1.0 for the *-SHA suites.
  assert.match(body, new RegExp(`New, TLSv1\\.[0-2], Cipher is ${opensslCipher}\n`), body);
  assert.ok(body.includes(`Cipher    : ${opensslCipher}\n`), body);
  assert.match(body, /<\/pre><\/BODY><\/HTML>\s*$/, 'the whole page arrived');
}

// DESIGN.md §4: a missing peer is a failure, never a skip.
test('openssl is installed (interop peers are required)', () => {
  requireCommand('openssl', ['version']);
});

describe('our client → openssl s_server -tls1_2 -www: suites', () => {
  const cases: Array<{ cipher: string; keyType: KeyType; extra?: string[]; group: string; scheme?: string; etm?: boolean }> = [
    { cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', keyType: 'ecdsa-p256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
    { cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305', keyType: 'ecdsa-p256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
    { cipher: 'ECDHE-RSA-AES256-GCM-SHA384', keyType: 'rsa-2048', group: 'x25519', scheme: 'rsa_pss_rsae_sha256' },
    { cipher: 'DHE-RSA-AES128-GCM-SHA256', keyType: 'rsa-2048', group: 'ffdhe2048', scheme: 'rsa_pss_rsae_sha256', extra: ['-dhparam'] },
    { cipher: 'AES128-GCM-SHA256', keyType: 'rsa-2048', group: 'none' },
    { cipher: 'ECDHE-RSA-AES128-SHA256', keyType: 'rsa-2048', group: 'x25519', scheme: 'rsa_pss_rsae_sha256', etm: true },
    { cipher: 'ECDHE-RSA-AES128-SHA256', keyType: 'rsa-2048', group: 'x25519', scheme: 'rsa_pss_rsae_sha256', etm: false, extra: ['-no_etm'] },
    { cipher: 'ECDHE-RSA-AES128-SHA', keyType: 'rsa-2048', group: 'x25519', scheme: 'rsa_pss_rsae_sha256', etm: true },
    { cipher: 'ECDHE-RSA-AES128-SHA', keyType: 'rsa-2048', group: 'x25519', scheme: 'rsa_pss_rsae_sha256', etm: false, extra: ['-no_etm'] },
  ];
  for (const c of cases) {
    const suite = tls12SuiteByOpensslName(c.cipher)!;
    const label = `${c.cipher}${c.extra?.length ? ` (${c.extra.join(' ')})` : ''}`;
    test(`negotiates ${label} and moves data both ways`, TEST, async () => {
      const extra = (c.extra ?? []).flatMap((a) => (a === '-dhparam' ? ['-dhparam', dhParams] : [a]));
      const { peer, port } = await sServer(['-cipher', c.cipher, ...extra], c.keyType);
      try {
        // Legacy suites (CBC, RSA key exchange) are offered only when listed.
        const cipherSuites = suite.legacy ? [...DEFAULT_TLS13_SUITES, ...DEFAULT_TLS12_SUITES, suite.id] : undefined;
        const { info, body } = await statusPage(port, configFor(c.keyType, cipherSuites ? { cipherSuites } : {}));
        assertTls12Page(body, c.cipher);
        assert.equal(info.version, 'TLSv1.2');
        assert.equal(info.cipherSuite, suite.id);
        assert.equal(info.cipherSuiteName, suite.name);
        assert.equal(info.groupName, c.group);
        if (c.scheme) assert.equal(info.signatureSchemeName, c.scheme);
        else assert.equal(info.signatureScheme, 0, 'RSA key exchange: no server signature');
        assert.equal(info.authorized, true);
        assert.equal(info.verifiedChain.length, 3);
        assert.equal(info.extendedMasterSecret, true);
        assert.ok(body.includes('Extended master secret: yes\n'), body);
        assert.equal(info.encryptThenMac, c.etm ?? false);
      } finally {
        await peer.kill();
      }
    });
  }

  test('RSA key exchange is not offered unless listed: s_server -cipher AES128-GCM-SHA256 finds no shared suite', TEST, async () => {
    const { peer, port } = await sServer(['-cipher', 'AES128-GCM-SHA256'], 'rsa-2048');
    try {
      const client = new CoreClient(port, configFor('rsa-2048'));
      const err = await client.failed();
      client.close();
      assert.equal(err.alertName, 'handshake_failure');
      assert.equal(err.fromPeer, true);
      await peer.waitFor(/no shared cipher/i);
    } finally {
      await peer.kill();
    }
  });

  for (const [label, extra] of [
    ['ECDHE-ECDSA-AES128-GCM-SHA256', []],
    ['ECDHE-RSA-AES128-SHA256', []],
  ] as const) {
    test(`s_server without extended master secret (${label}): extendedMasterSecret false, data still flows`, TEST, async () => {
      const keyType: KeyType = label.includes('RSA') ? 'rsa-2048' : 'ecdsa-p256';
      const suite = tls12SuiteByOpensslName(label)!;
      const { peer, port } = await sServer(['-cipher', label, ...extra], keyType, ['-tls1_2'], { OPENSSL_CONF: noEmsConf });
      try {
        const cipherSuites = suite.legacy ? [...DEFAULT_TLS12_SUITES, suite.id] : undefined;
        const { info, body } = await statusPage(port, configFor(keyType, cipherSuites ? { cipherSuites } : {}));
        assertTls12Page(body, label);
        assert.equal(info.extendedMasterSecret, false);
        assert.ok(body.includes('Extended master secret: no\n'), body);
      } finally {
        await peer.kill();
      }
    });
  }
});

describe('our client → openssl s_server: versions', () => {
  test('offering TLS 1.3 and 1.2 to s_server -tls1_2 settles on TLS 1.2 (no downgrade-sentinel false positive)', TEST, async () => {
    const { peer, port } = await sServer([]);
    try {
      const { info, body } = await statusPage(port, configFor('ecdsa-p256'));
      assert.equal(info.version, 'TLSv1.2');
      assert.ok(body.includes('Protocol  : TLSv1.2\n'), body);
    } finally {
      await peer.kill();
    }
  });

  test('offering TLS 1.3 and 1.2 to a default s_server settles on TLS 1.3', TEST, async () => {
    const { peer, port } = await sServer([], 'ecdsa-p256', []);
    try {
      const { info, body } = await statusPage(port, configFor('ecdsa-p256'));
      assert.equal(info.version, 'TLSv1.3');
      assert.ok(body.includes('Protocol  : TLSv1.3\n'), body);
      assert.equal(info.extendedMasterSecret, undefined);
    } finally {
      await peer.kill();
    }
  });

  test('a TLS 1.2-only client (maxVersion TLSv1.2) against s_server -tls1_3: protocol_version', TEST, async () => {
    const { peer, port } = await sServer([], 'ecdsa-p256', ['-tls1_3']);
    try {
      const client = new CoreClient(port, configFor('ecdsa-p256', { maxVersion: 'TLSv1.2' }));
      const err = await client.failed();
      client.close();
      assert.equal(err.alertName, 'protocol_version');
      assert.equal(client.conn.handshakeComplete, false);
      await peer.waitFor(/unsupported protocol/i);
    } finally {
      await peer.kill();
    }
  });

  test('a TLS 1.2-only client against s_server -tls1_2 completes', TEST, async () => {
    const { peer, port } = await sServer(['-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
    try {
      const { info, body } = await statusPage(port, configFor('ecdsa-p256', { maxVersion: 'TLSv1.2' }));
      assert.equal(info.version, 'TLSv1.2');
      assertTls12Page(body, 'ECDHE-ECDSA-AES256-GCM-SHA384');
    } finally {
      await peer.kill();
    }
  });
});

describe('our client → openssl s_server -tls1_2: extensions and client authentication', () => {
  test('ALPN: s_server -alpn h2,http/1.1 selects by its own preference from our offer (http/1.1, h2)', TEST, async () => {
    const { peer, port } = await sServer(['-alpn', 'h2,http/1.1']);
    try {
      const { info } = await statusPage(port, configFor('ecdsa-p256', { alpnProtocols: ['http/1.1', 'h2'] }));
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.alpnProtocol, 'h2');
    } finally {
      await peer.kill();
    }
  });

  test('a stapled good OCSP response (CertificateStatus) is verified', TEST, async () => {
    const pki = pkiOf('ecdsa-p256');
    const staple = dir.write('good.der', ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate }));
    const { peer, port } = await sServer(['-status_file', staple]);
    try {
      const { info } = await statusPage(port, configFor('ecdsa-p256'));
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.ocsp?.status, 'good');
    } finally {
      await peer.kill();
    }
  });

  test('a stapled revoked OCSP response: certificate_revoked', TEST, async () => {
    const pki = pkiOf('ecdsa-p256');
    const staple = dir.write('revoked.der', ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate, status: 'revoked' }));
    const { peer, port } = await sServer(['-status_file', staple]);
    try {
      const client = new CoreClient(port, configFor('ecdsa-p256'));
      const err = await client.failed();
      client.close();
      assert.equal(err.alertName, 'certificate_revoked');
      assert.equal(err.fromPeer, false);
      await peer.waitFor(/alert certificate revoked/i);
    } finally {
      await peer.kill();
    }
  });

  test('a must-staple leaf served without a staple fails', TEST, async () => {
    const pki = pkiOf('ecdsa-p256');
    const leaf = mustStaple(pki.leaf, pki.intermediate);
    const leafFile = dir.write('must-staple.pem', leaf.certPem);
    const keyFile = dir.write('must-staple-key.pem', leaf.keyPem);
    const { peer, port } = await startSServer(['-tls1_2', '-www', '-cert', leafFile, '-key', keyFile, '-cert_chain', pkiFiles('ecdsa-p256').intermediate]);
    try {
      const client = new CoreClient(port, configFor('ecdsa-p256'));
      const err = await client.failed();
      client.close();
      assert.equal(err.code, 'CERT_MUST_STAPLE_MISSING', err.message);
    } finally {
      await peer.kill();
    }
  });

  test('with rejectUnauthorized false, a chain under another root completes, recorded as unauthorized', TEST, async () => {
    const { peer, port } = await sServer([]);
    try {
      const other = cachedPki({ leafKeyType: 'ecdsa-p256', leafCommonName: 'another PKI' });
      const { info } = await statusPage(port, clientFor(other, { minVersion: 'TLSv1.2', rejectUnauthorized: false }));
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.authorized, false);
      assert.equal(info.authorizationError?.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    } finally {
      await peer.kill();
    }
  });

  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
    test(`s_server -Verify 1 verifies our ${keyType} client certificate and its CertificateVerify`, TEST, async () => {
      const pki = pkiOf('ecdsa-p256');
      const clientCert = issueCertificate({ commonName: 'handshake tls12 client', keyType, days: 30 }, pki.intermediate);
      const ours = certifiedKey(clientCert, pki.intermediate);
      const { peer, port } = await sServer(['-Verify', '1', '-CAfile', pkiFiles('ecdsa-p256').root]);
      try {
        const { info, body } = await statusPage(port, configFor('ecdsa-p256', { certificate: { chain: ours.chain, key: ours.key } }));
        assert.equal(info.version, 'TLSv1.2');
        assert.match(body, /Client certificate\n[^]*Subject: CN ?= ?handshake tls12 client\n/);
        await peer.waitFor(/depth=0 CN = handshake tls12 client\nverify return:1/, WAIT_MS);
      } finally {
        await peer.kill();
      }
    });
  }

  test('without a certificate, s_server -Verify 1 refuses our empty Certificate', TEST, async () => {
    const { peer, port } = await sServer(['-Verify', '1', '-CAfile', pkiFiles('ecdsa-p256').root]);
    try {
      const client = new CoreClient(port, configFor('ecdsa-p256'));
      const err = await client.failed();
      client.close();
      assert.equal(err.fromPeer, true);
      assert.equal(err.alertName, 'handshake_failure');
      await peer.waitFor(/peer did not return a certificate/);
    } finally {
      await peer.kill();
    }
  });

  test('RSA key exchange with s_server: the premaster is encrypted to the leaf key (keylog matches OpenSSL)', TEST, async () => {
    const keylog = dir.file('server-keylog.txt');
    const { peer, port } = await sServer(['-cipher', 'AES128-GCM-SHA256', '-keylogfile', keylog], 'rsa-2048');
    try {
      const config = configFor('rsa-2048', { cipherSuites: [Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256] });
      const { info, client } = await statusPage(port, config);
      assert.equal(info.cipherSuiteName, 'TLS_RSA_WITH_AES_128_GCM_SHA256');
      const ours = client.events.find((e) => e.type === 'keylog' && e.line.startsWith('CLIENT_RANDOM '));
      assert.ok(ours && ours.type === 'keylog');
      assert.ok(readFileSync(keylog, 'latin1').includes(ours.line), 'the same CLIENT_RANDOM line as s_server logged');
    } finally {
      await peer.kill();
    }
  });
});

describe('our client → openssl s_server -tls1_2 (interactive): renegotiation', () => {
  test("s_server's `r` sends a HelloRequest; we refuse with a warning no_renegotiation that OpenSSL reads as such", TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_2', ...certArgs(pkiFiles('ecdsa-p256'))]);
    const client = new CoreClient(port, configFor('ecdsa-p256'));
    try {
      await client.handshake();
      client.write('hello from our client\n');
      await peer.waitFor(/hello from our client/);
      peer.child.stdin!.write('from s_server\n');
      await client.receivedMatching(/from s_server\n/);
      peer.child.stdin!.write('r\n'); // SSL_renegotiate: a HelloRequest
      // OpenSSL, having asked, then ends the connection (handshake_failure): its choice, not ours.
      await peer.waitFor(/no renegotiation/);
      const traced = client.events.flatMap((e) => (e.type === 'trace' ? [`${e.event.direction} ${e.event.name}`] : []));
      const asked = traced.indexOf('received HelloRequest');
      assert.ok(asked > 0, traced.join('\n'));
      assert.equal(traced[asked + 1], 'sent no_renegotiation');
    } finally {
      client.close();
      await peer.kill();
    }
  });
});
