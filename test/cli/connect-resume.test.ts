// `handshake connect` across connections, against `openssl s_server`: --session-out then
// --session-in resumes (TLS 1.3 PSK, TLS 1.2 ticket), --early-data rides 0-RTT on the resumed
// session, and --cert/--key answer a server that asks for a client certificate.
// DESIGN.md §4: fails, never skips, when openssl is missing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type PkiFiles, type TempDir, killAll, requireCommand, startSServer, tempDir, waitUntil, writePki } from '../helpers/interop.js';
import { cachedPki, issueCertificate } from '../helpers/pki.js';
import { connectCli, connectJson, inOrder, killConnects, ladderLabels } from './helpers/connect.js';

const TEST = { timeout: 30_000 };
let dir: TempDir;
let files: PkiFiles;

before(() => {
  requireCommand('openssl', ['version']);
  dir = tempDir('handshake-connect-resume-');
  files = writePki(dir, 'ecdsa', cachedPki());
});

after(async () => {
  killConnects();
  await killAll();
  dir?.remove();
});

const trusted = () => ['--servername', 'localhost', '--ca', files.root];
const serving = () => ['-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate];

describe('--session-out, then --session-in', () => {
  for (const version of ['1.3', '1.2'] as const) {
    test(`TLS ${version}: the second connection resumes, in one round trip, without the certificate`, TEST, async () => {
      const { peer, port } = await startSServer([version === '1.3' ? '-tls1_3' : '-tls1_2', ...serving()]);
      try {
        const session = dir.file(`session-${version}`);
        const first = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--session-out', session]);
        assert.equal(first.code, 0, first.stderr);
        assert.equal(first.report.session.savedTo, session);
        assert.ok(first.report.session.received >= 1);
        assert.ok(existsSync(session));

        const second = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--session-in', session]);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(second.report.handshake!.resumed, true);
        assert.equal(second.report.session.offered, true);
        assert.equal(second.report.handshake!.protocol, `TLSv${version}`);
        assert.ok(!ladderLabels(second.report).some((l) => l.includes('Certificate')), 'no certificate in a resumed handshake');
        assert.equal(second.report.timings.handshakeRoundTrips, 1);
        // The identity checked on the first connection stays the session's.
        assert.equal(second.report.verification!.verified, true);
        assert.equal(second.report.certificates[0]!.subject, 'CN=localhost');
      } finally {
        await peer.kill();
      }
    });
  }

  test('an unreadable session file is a usage error', TEST, async () => {
    const bad = dir.write('bad-session', 'not a session');
    const { code, stdout, stderr } = await connectCli(['127.0.0.1:1', ...trusted(), '--session-in', bad, '--no-color']);
    assert.equal(code, 64, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /^usage error: .*session/);
  });
});

describe('--early-data', () => {
  test('s_server -early_data accepts our 0-RTT data: 0-RTT in the ladder, the data on the server', TEST, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-early_data', '-max_early_data', '16384', ...serving()]);
    try {
      const session = dir.file('session-early');
      const early = dir.write('early.txt', 'GET /early HTTP/1.0\r\n\r\n');
      const first = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--session-out', session]);
      assert.equal(first.code, 0, first.stderr);

      const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--session-in', session, '--early-data', early, '--wait', '300']);
      assert.equal(code, 0, stderr);
      assert.equal(report.handshake!.resumed, true);
      assert.equal(report.handshake!.earlyData, 'accepted');
      assert.equal(report.timings.roundTrips, 0);
      assert.equal(report.data.earlyDataBytes, 23);
      assert.equal(report.timings.handshakeRoundTrips, 1);
      const labels = ladderLabels(report);
      assert.ok(inOrder(labels, ['>ClientHello', '>(EarlyData)', '<ServerHello', '<{Finished}', '>(EndOfEarlyData)', '>{Finished}']), labels.join(' '));
      const data = report.ladder.find((e) => e.name === 'EarlyData')!;
      assert.equal(data.protection, 'early');
      assert.equal(data.bytes, 23);
      // s_server prints the early data between these lines, on a stream of its own.
      await peer.waitFor(/Early data received:[\s\S]*End of early data/);
      await waitUntil(() => peer.stdout.includes('GET /early HTTP/1.0'), 'the early data on s_server');
    } finally {
      await peer.kill();
    }
  });
});

describe('--cert and --key', () => {
  test('s_server -Verify 1: our client certificate is asked for and accepted; without it, certificate_required', TEST, async () => {
    const pki = cachedPki();
    const client = issueCertificate({ commonName: 'handshake connect client', keyType: 'ecdsa-p256', days: 30 }, pki.intermediate);
    const cert = dir.write('client-chain.pem', client.certPem + pki.intermediatePem);
    const key = dir.write('client-key.pem', client.keyPem);
    const { peer, port } = await startSServer(['-tls1_3', '-Verify', '1', '-CAfile', files.root, ...serving()]);
    try {
      const ok = await connectJson([`127.0.0.1:${port}`, ...trusted(), '--cert', cert, '--key', key]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(inOrder(ladderLabels(ok.report), ['<{CertificateRequest}', '>{Certificate}', '>{CertificateVerify}', '>{Finished}']));
      await peer.waitFor(/depth=0 CN = handshake connect client\nverify return:1/);

      const refused = await connectJson([`127.0.0.1:${port}`, ...trusted()]);
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr.trim(), 'handshake failed: server sent alert certificate_required after our Finished (the server requires a client certificate: --cert and --key)');
    } finally {
      await peer.kill();
    }
  });
});
