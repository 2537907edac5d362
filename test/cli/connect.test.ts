// `handshake connect` against `openssl s_server` on 127.0.0.1: the negotiated facts in its JSON,
// the ladder it draws, the timings and round trips, data sent and answered, and the key log.
// DESIGN.md §4: fails, never skips, when openssl is missing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type PkiFiles, type TempDir, killAll, requireCommand, startSServer, tempDir, writePki } from '../helpers/interop.js';
import { ocspResponse } from '../helpers/ocsp.js';
import { cachedPki } from '../helpers/pki.js';
import { connectCli, connectJson, inOrder, killConnects, ladderLabels } from './helpers/connect.js';

const TEST = { timeout: 30_000 };
let dir: TempDir;
let files: PkiFiles;
/** A TLS 1.3 s_server that echoes lines reversed (-rev), offers h2, and logs its keys. */
let port13: number;
let serverKeys: string;

before(async () => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-connect-');
  files = writePki(dir, 'ecdsa', cachedPki());
  serverKeys = dir.file('server.keys');
  ({ port: port13 } = await startSServer([
    '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate, '-alpn', 'h2', '-rev', '-keylogfile', serverKeys,
  ]));
});

after(async () => {
  killConnects();
  await killAll();
  dir?.remove();
});

const trusted = () => ['--servername', 'localhost', '--ca', files.root];

describe('handshake connect → openssl s_server (TLS 1.3)', () => {
  test('--json: the negotiated facts, the chain, the timings and the 1-RTT ladder', TEST, async () => {
    const { code, report, stderr } = await connectJson([`127.0.0.1:${port13}`, ...trusted(), '--alpn', 'h2,http/1.1']);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.equal(report.version, 1);
    assert.deepEqual(report.result, { exitCode: 0, status: 'ok', error: null });
    assert.equal(report.target.port, port13);
    assert.equal(report.target.address, '127.0.0.1');
    const h = report.handshake!;
    assert.equal(h.protocol, 'TLSv1.3');
    assert.equal(h.cipherSuite, 'TLS_AES_128_GCM_SHA256');
    assert.equal(h.group, 'x25519');
    assert.equal(h.signatureScheme, 'ecdsa_secp256r1_sha256');
    assert.equal(h.alpn, 'h2');
    assert.equal(h.sni, 'localhost');
    assert.equal(h.resumed, false);
    assert.equal(h.helloRetryRequest, false);
    assert.equal(h.earlyData, 'none');

    assert.equal(report.chainSource, 'verified');
    assert.equal(report.certificates.length, 3);
    const [leaf, intermediate, anchor] = report.certificates;
    assert.equal(leaf!.subject, 'CN=localhost');
    assert.match(leaf!.issuer, /intermediate/);
    assert.ok(leaf!.sans.dns.includes('localhost'));
    assert.ok(leaf!.sans.ip.includes('127.0.0.1'));
    assert.deepEqual(leaf!.key, { algorithm: 'ec', bits: 256, curve: 'P-256', text: 'EC P-256' });
    assert.equal(leaf!.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(typeof leaf!.daysToExpiry, 'number');
    assert.ok(leaf!.daysToExpiry > 0);
    assert.match(leaf!.notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(intermediate!.trustAnchor, false);
    assert.equal(anchor!.trustAnchor, true);
    assert.equal(report.ocsp, null);
    assert.equal(report.verification!.verified, true);
    assert.match(report.verification!.message, /valid for localhost/);

    const t = report.timings;
    assert.equal(t.dnsMs, null, 'an IP address needs no lookup');
    for (const value of [t.tcpConnectMs, t.tlsHandshakeMs, t.keyExchangeMs, t.certificateValidationMs, t.totalMs]) {
      assert.equal(typeof value, 'number');
      assert.ok(value! >= 0);
    }
    assert.ok(t.keyExchangeMs > 0, 'the X25519 computations were timed');
    assert.ok(t.certificateValidationMs > 0, 'the chain validation was timed');
    assert.ok(t.totalMs! >= t.tlsHandshakeMs! + t.tcpConnectMs!);
    assert.equal(t.handshakeRoundTrips, 1);
    assert.equal(t.roundTrips, 1);

    const labels = ladderLabels(report);
    assert.ok(
      inOrder(labels, ['>ClientHello', '<ServerHello', '<{EncryptedExtensions}', '<{Certificate}', '<{CertificateVerify}', '<{Finished}', '>{Finished}']),
      labels.join(' '),
    );
    assert.ok(!labels.some((l) => l.includes('ServerKeyExchange')));
    const hello = report.ladder[0]!;
    assert.equal(hello.name, 'ClientHello');
    assert.ok(hello.bytes > 100);
    assert.ok(hello.ms >= t.tcpConnectMs!, 'ladder times count from the start, TCP included');
    assert.match(hello.detail!, /alpn=h2,http\/1\.1/);
  });

  test('the human output: the ladder one line per message, then the summary in words', TEST, async () => {
    const { code, stdout, stderr } = await connectCli([`127.0.0.1:${port13}`, ...trusted(), '--no-color']);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout, /\x1b\[/, 'no colour codes');
    assert.match(stdout, /^\s+\+\d+\.\d  ClientHello ─+▶\s+\d+  shares=x25519/m);
    assert.match(stdout, /^\s+\+\d+\.\d  ◀─+ \{EncryptedExtensions\}\s+\d+/m);
    assert.match(stdout, /^\s+\+\d+\.\d  \{Finished\} ─+▶\s+36$/m);
    assert.match(stdout, /protocol\s+TLSv1\.3/);
    assert.match(stdout, /cipher suite\s+TLS_AES_128_GCM_SHA256/);
    assert.match(stdout, /key exchange group\s+x25519/);
    assert.match(stdout, /signature scheme\s+ecdsa_secp256r1_sha256/);
    assert.match(stdout, /resumed\s+no/);
    assert.match(stdout, /0-RTT early data\s+not sent/);
    assert.match(stdout, /0 CN=localhost\n\s+issuer .*intermediate/);
    assert.match(stdout, /SANs\s+DNS:localhost, IP:127\.0\.0\.1/);
    assert.match(stdout, /key\s+EC P-256 \(256 bits\)/);
    assert.match(stdout, /expires\s+\S+ \(in \d+ days\)/);
    assert.match(stdout, /OCSP\s+no stapled response/);
    assert.match(stdout, /\(trust anchor\)/);
    assert.match(stdout, /verified: the chain leads to the trusted .*root.*valid for localhost/);
    assert.match(stdout, /TCP connect\s+\d+\.\d ms/);
    assert.match(stdout, /TLS handshake\s+\d+\.\d ms \(1-RTT\)/);
    assert.match(stdout, /key exchange\s+\d+\.\d ms/);
    assert.match(stdout, /certificate validation\s+\d+\.\d ms/);
    assert.match(stdout, /total setup\s+\d+\.\d ms/);
  });

  test('--hexdump: after the summary, every handshake message byte by byte with its fields named', TEST, async () => {
    const { code, stdout, stderr } = await connectCli([`127.0.0.1:${port13}`, ...trusted(), '--no-color', '--hexdump']);
    assert.equal(code, 0, stderr);
    const records = stdout.slice(stdout.indexOf('records on the wire'), stdout.indexOf('handshake messages'));
    assert.match(records, />>> sent record \(handshake, \d+ bytes\)\n\s+0000\s+16\s+content_type\s+handshake \(22\)/);
    assert.match(records, /legacy_record_version\s+TLS 1\.0 \(0x0301\)/, 'the initial ClientHello record says TLS 1.0 (RFC 8446 §5.1)');
    assert.match(records, /<<< received record \(application_data, encrypted, \d+ bytes\)/);
    assert.match(records, /encrypted_record length/);
    const dump = stdout.slice(stdout.indexOf('handshake messages'));
    assert.match(dump, />>> sent ClientHello \(plaintext, \d+ bytes\)/);
    assert.match(dump, /<<< received \{EncryptedExtensions\} \(handshake keys, \d+ bytes\)/);
    assert.match(dump, /^\s+0000\s+01\s+msg_type\s+client_hello \(1\)/m, 'a message starts with its msg_type');
    assert.match(dump, /cipher_suites.*TLS_AES_128_GCM_SHA256/);
    assert.match(dump, /key_share.*x25519/);
    assert.match(dump, /Finished.*verify_data/s);
    const json = await connectJson([`127.0.0.1:${port13}`, ...trusted(), '--hexdump']);
    assert.equal(json.code, 0, 'with --json the dump is left out: stdout stays one JSON object');
  });

  test('--send: the text goes after the handshake and the answer comes back (s_server -rev)', TEST, async () => {
    const { code, report, stderr } = await connectJson([`127.0.0.1:${port13}`, ...trusted(), '--send', 'hello\\n', '--wait', '1000']);
    assert.equal(code, 0, stderr);
    assert.equal(report.data.sentBytes, 6);
    assert.match(report.data.received, /olleh/);
    assert.ok(report.data.receivedBytes >= 5);
    const labels = ladderLabels(report);
    assert.ok(inOrder(labels, ['>{Finished}', '>[ApplicationData]', '<[ApplicationData]']), labels.join(' '));
    const answer = report.ladder.find((e) => e.direction === 'received' && e.name === 'ApplicationData');
    assert.equal(answer!.bytes, report.data.receivedBytes);
  });

  test('stdin is sent like s_client sends it, and the answer printed', TEST, async () => {
    const { code, stdout, stderr } = await connectCli([`127.0.0.1:${port13}`, ...trusted(), '--no-color', '--wait', '1000'], { stdin: 'ping\n' });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /sent 5 bytes, the server sent \d+ bytes:\ngnip/);
  });

  test('--keylog and SSLKEYLOGFILE: the NSS lines the server logged too', TEST, async () => {
    const keylog = dir.file('client.keys');
    const envlog = dir.file('env.keys');
    const { code, stderr } = await connectCli([`127.0.0.1:${port13}`, ...trusted(), '--keylog', keylog], { env: { SSLKEYLOGFILE: envlog } });
    assert.equal(code, 0, stderr);
    const ours = readFileSync(keylog, 'utf8').trim().split('\n');
    assert.deepEqual(readFileSync(envlog, 'utf8').trim().split('\n'), ours);
    const labels = ours.map((l) => l.split(' ')[0]).sort();
    assert.deepEqual(labels, ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    const theirs = new Set(readFileSync(serverKeys, 'utf8').split('\n'));
    for (const line of ours) assert.ok(theirs.has(line), `s_server logged ${line}`);
  });
});

describe('handshake connect → openssl s_server (TLS 1.2, HelloRetryRequest)', () => {
  test('-tls1_2: the 2-RTT ladder with ServerKeyExchange, ClientKeyExchange and both ChangeCipherSpecs', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_2', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate]);
    try {
      const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, ...trusted()]);
      assert.equal(code, 0, stderr);
      assert.equal(report.handshake!.protocol, 'TLSv1.2');
      assert.equal(report.handshake!.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
      assert.equal(report.handshake!.extendedMasterSecret, true);
      const labels = ladderLabels(report);
      assert.ok(
        inOrder(labels, ['>ClientHello', '<ServerHello', '<Certificate', '<ServerKeyExchange', '<ServerHelloDone', '>ClientKeyExchange', '>ChangeCipherSpec', '>[Finished]', '<ChangeCipherSpec', '<[Finished]']),
        labels.join(' '),
      );
      assert.equal(report.timings.handshakeRoundTrips, 2);
      assert.equal(report.timings.roundTrips, 2);
      // The handshake ends with the server's Finished, a round trip after ours.
      const serverFinished = report.ladder.find((e) => e.direction === 'received' && e.name === 'Finished')!;
      const hello = report.ladder.find((e) => e.name === 'ClientHello')!;
      assert.ok(Math.abs(report.timings.tlsHandshakeMs! - (serverFinished.ms - hello.ms)) < 0.01);
    } finally {
      await peer.kill();
    }
  });

  test('s_server -groups P-256 while we offer X25519 first: a HelloRetryRequest and 2 round trips', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-groups', 'P-256', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate]);
    try {
      const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--groups', 'X25519,P-256']);
      assert.equal(code, 0, stderr);
      assert.equal(report.handshake!.helloRetryRequest, true);
      assert.equal(report.handshake!.group, 'secp256r1');
      const labels = ladderLabels(report);
      assert.ok(inOrder(labels, ['>ClientHello', '<HelloRetryRequest', '>ClientHello', '<ServerHello', '<{Finished}', '>{Finished}']), labels.join(' '));
      assert.equal(report.timings.handshakeRoundTrips, 2);
    } finally {
      await peer.kill();
    }
  });
});

describe('handshake connect → openssl s_server -status_file (OCSP stapling)', () => {
  test("the leaf's stapled status: good is shown; revoked fails verification", TEST, async () => {
    const pki = cachedPki();
    const good = dir.write('good.ocsp', ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate }));
    const revoked = dir.write('revoked.ocsp', ocspResponse({ leaf: pki.leaf, issuer: pki.intermediate, status: 'revoked' }));
    const stapling = (file: string) => ['-tls1_3', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate, '-status_file', file];
    const first = await startSServer(stapling(good));
    try {
      const { code, report, stderr } = await connectJson([`127.0.0.1:${first.port}`, ...trusted()]);
      assert.equal(code, 0, stderr);
      assert.equal(report.ocsp!.status, 'good');
      assert.equal(report.ocsp!.signer, 'issuer');
      assert.match(report.ocsp!.thisUpdate, /Z$/);
      assert.match(report.verification!.message, /stapled OCSP status good/);
      const human = await connectCli([`127.0.0.1:${first.port}`, ...trusted(), '--no-color']);
      assert.match(human.stdout, /OCSP\s+good \(stapled, signed by the issuer/);
    } finally {
      await first.peer.kill();
    }
    const second = await startSServer(stapling(revoked));
    try {
      const { code, report, stderr } = await connectJson([`127.0.0.1:${second.port}`, ...trusted()]);
      assert.equal(code, 1, stderr);
      assert.equal(report.result.error!.code, 'CERT_REVOKED');
      assert.match(stderr, /^verification failed: .*\(CERT_REVOKED\)/);
    } finally {
      await second.peer.kill();
    }
  });
});
