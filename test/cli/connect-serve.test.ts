// `handshake connect` against `handshake serve`, both run as programs: TLS 1.3 and TLS 1.2, ALPN,
// resumption, 0-RTT accepted and declined, client certificates; each time the connect report and
// serve's one summary line for the connection must tell the same story.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConnectReport } from '../../src/cli/connect/json.js';
import { type PkiFiles, type TempDir, killAll, tempDir, waitUntil, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { connectJson, inOrder, killConnects, ladderLabels } from './helpers/connect.js';
import { type Serve, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
/** How long connect waits for the echo after sending (the default second would only slow us down). */
const WAIT = ['--wait', '300'];

let dir: TempDir;
let server: PkiFiles;
let client: PkiFiles;
/** TLS 1.3 and 1.2, ALPN h2 and http/1.1 (ours first), tickets allowing 0-RTT. */
let main: Serve;
/** TLS 1.2 only. */
let tls12: Serve;
/** No --early-data: its tickets allow no 0-RTT, and it cannot read main's tickets. */
let plain: Serve;
/** --require-cert --ca (the client PKI's root). */
let auth: Serve;

before(async () => {
  dir = tempDir('handshake-connect-serve-');
  server = writePki(dir, 'server', cachedPki());
  client = writePki(dir, 'client', cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [], root: { commonName: 'handshake client root CA' } }));
  const pair = ['--cert', server.chain, '--key', server.key, '--echo'];
  [main, tls12, plain, auth] = await Promise.all([
    startServe([...pair, '--alpn', 'h2,http/1.1', '--early-data']),
    startServe([...pair, '--tls1.2']),
    startServe(pair),
    startServe([...pair, '--require-cert', '--ca', client.root]),
  ]);
});

after(async () => {
  killConnects();
  await killAll();
  dir?.remove();
});

const to = (serve: Serve) => [`127.0.0.1:${serve.port}`, '--servername', 'localhost', '--ca', server.root];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * serve's summary line for the connection `report` describes: peer, protocol, cipher, group, SNI,
 * ALPN and resumption as connect saw them, then `extra` (0-RTT, client certificate), then the time.
 */
function summaryLine(report: ConnectReport, extra = ''): RegExp {
  const h = report.handshake!;
  const facts = `${h.protocol} ${h.cipherSuite} ${h.group} sni=localhost alpn=${h.alpn ?? 'none'} resumed=${h.resumed ? 'yes' : 'no'}`;
  return new RegExp(`^127\\.0\\.0\\.1:\\d+ ${escapeRegExp(facts)}${extra ? ` ${escapeRegExp(extra)}` : ''} \\d+\\.\\dms$`, 'm');
}

/** What serve logged from `from` on, once `pattern` is in it. */
async function logged(serve: Serve, from: number, pattern: RegExp): Promise<string> {
  await waitUntil(() => pattern.test(serve.logSince(from)), `${pattern} in the serve log:\n${serve.logSince(from)}`);
  return serve.logSince(from);
}

/** connect with `args`, expecting exit 0; serve's log must then hold exactly one summary line for it. */
async function connectOk(serve: Serve, args: readonly string[], extra = ''): Promise<ConnectReport> {
  const from = serve.peer.stderr.length;
  const { code, report, stderr } = await connectJson([...to(serve), ...args]);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const log = await logged(serve, from, summaryLine(report, extra));
  assert.equal(log.match(/^127\.0\.0\.1:\d+ TLSv/gm)?.length, 1, log);
  return report;
}

describe('handshake connect → handshake serve', () => {
  test('TLS 1.3: exit 0, the negotiated facts, the chain verified, the data echoed; serve logs the same', TEST, async () => {
    const report = await connectOk(main, ['--send', 'hello serve\\n', ...WAIT]);
    const h = report.handshake!;
    assert.deepEqual(
      [h.protocol, h.cipherSuite, h.group, h.signatureScheme, h.alpn, h.sni, h.resumed, h.earlyData],
      ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'x25519', 'ecdsa_secp256r1_sha256', null, 'localhost', false, 'none'],
    );
    assert.equal(report.verification!.verified, true);
    assert.deepEqual(report.certificates.map((c) => c.subject), ['CN=localhost', 'O=handshake, CN=handshake test intermediate CA', 'O=handshake, CN=handshake test root CA']);
    assert.ok(inOrder(ladderLabels(report), ['>ClientHello', '<ServerHello', '<{EncryptedExtensions}', '<{Certificate}', '<{CertificateVerify}', '<{Finished}', '>{Finished}', '>[ApplicationData]', '<[ApplicationData]']));
    assert.equal(report.timings.handshakeRoundTrips, 1);
    assert.equal(report.data.received, 'hello serve\n');
    assert.equal(report.data.ending, 'idle');
  });

  test('TLS 1.2 (serve --tls1.2): ECDHE, extended master secret, two round trips; serve logs the same', TEST, async () => {
    const report = await connectOk(tls12, ['--send', 'over 1.2\\n', ...WAIT]);
    const h = report.handshake!;
    assert.equal(h.protocol, 'TLSv1.2');
    assert.match(h.cipherSuite, /^TLS_ECDHE_ECDSA_WITH_/);
    assert.equal(h.extendedMasterSecret, true);
    assert.equal(report.timings.handshakeRoundTrips, 2);
    assert.ok(inOrder(ladderLabels(report), ['>ClientHello', '<ServerHello', '<Certificate', '<ServerKeyExchange', '<ServerHelloDone', '>ClientKeyExchange', '>ChangeCipherSpec', '>[Finished]', '<NewSessionTicket', '<ChangeCipherSpec', '<[Finished]']), ladderLabels(report).join(' '));
    assert.equal(report.data.received, 'over 1.2\n');
    // --tls1.3 against it: no version in common.
    const from = tls12.peer.stderr.length;
    const refused = await connectJson([...to(tls12), '--tls1.3']);
    assert.equal(refused.code, 2);
    assert.equal(refused.report.result.error!.alert, 'protocol_version');
    await logged(tls12, from, /^127\.0\.0\.1:\d+ handshake failed: sent alert protocol_version/m);
  });

  test('ALPN: serve picks from ours in its order; none in common is exit 2 naming no_application_protocol', TEST, async () => {
    assert.equal((await connectOk(main, ['--alpn', 'http/1.1'])).handshake!.alpn, 'http/1.1');
    assert.equal((await connectOk(main, ['--alpn', 'http/1.1,h2'])).handshake!.alpn, 'h2', "the server's preference");
    const from = main.peer.stderr.length;
    const { code, report, stderr } = await connectJson([...to(main), '--alpn', 'spdy/3', '--no-color']);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), 'handshake failed: server sent alert no_application_protocol (no shared ALPN protocol)');
    assert.equal(report.handshake, null);
    await logged(main, from, /^127\.0\.0\.1:\d+ handshake failed: sent alert no_application_protocol/m);
  });

  test('TLS 1.3 resumption: --session-out, then --session-in resumes without a certificate; serve logs resumed=yes', TEST, async () => {
    const session = dir.file('session-resume');
    const first = await connectOk(main, ['--session-out', session]);
    assert.equal(first.session.savedTo, session);
    const second = await connectOk(main, ['--session-in', session]);
    assert.equal(second.handshake!.resumed, true);
    assert.equal(second.handshake!.signatureScheme, null);
    assert.ok(!ladderLabels(second).some((l) => l.includes('Certificate')), ladderLabels(second).join(' '));
    assert.equal(second.verification!.verified, true, "the first connection's verdict stays the session's");
  });

  test('0-RTT accepted (serve --early-data): the data rides with the ClientHello and is echoed; serve logs 0-rtt=accepted', TEST, async () => {
    const session = dir.file('session-early');
    const early = dir.write('early.txt', 'early bytes\n');
    await connectOk(main, ['--session-out', session]);
    const report = await connectOk(main, ['--session-in', session, '--early-data', early, ...WAIT], '0-rtt=accepted(12B)');
    assert.equal(report.handshake!.resumed, true);
    assert.equal(report.handshake!.earlyData, 'accepted');
    assert.equal(report.timings.roundTrips, 0);
    assert.equal(report.data.earlyDataBytes, 12);
    assert.ok(inOrder(ladderLabels(report), ['>ClientHello', '>(EarlyData)', '<ServerHello', '<{Finished}', '>(EndOfEarlyData)', '>{Finished}']), ladderLabels(report).join(' '));
    assert.equal(report.data.received, 'early bytes\n');
  });

  test('0-RTT declined: a ticket without early data sends none; a ticket the server cannot read is rejected; the data arrives after the handshake', TEST, async () => {
    const early = dir.write('declined.txt', 'sent anyway\n');
    // plain's own ticket allows no early data (no --early-data): nothing is tried, the session resumes.
    const own = dir.file('session-plain');
    await connectOk(plain, ['--session-out', own]);
    const none = await connectOk(plain, ['--session-in', own, '--early-data', early, ...WAIT]);
    assert.equal(none.handshake!.resumed, true);
    assert.equal(none.handshake!.earlyData, 'none');
    assert.ok(!ladderLabels(none).includes('>(EarlyData)'));
    assert.equal(none.timings.roundTrips, 1);
    assert.equal(none.data.received, 'sent anyway\n');

    // main's ticket allows 0-RTT, but plain has other ticket keys: a full handshake, the 0-RTT data
    // skipped (RFC 8446 §4.2.10) and sent again under application keys.
    const foreign = dir.file('session-foreign');
    await connectOk(main, ['--session-out', foreign]);
    const rejected = await connectOk(plain, ['--session-in', foreign, '--early-data', early, ...WAIT], '0-rtt=rejected');
    assert.equal(rejected.handshake!.resumed, false);
    assert.equal(rejected.handshake!.earlyData, 'rejected');
    assert.ok(inOrder(ladderLabels(rejected), ['>ClientHello', '>(EarlyData)', '<{Certificate}', '>{Finished}', '>[ApplicationData]']), ladderLabels(rejected).join(' '));
    assert.equal(rejected.timings.roundTrips, 1);
    assert.equal(rejected.data.received, 'sent anyway\n');
  });

  test('serve --require-cert --ca: connect --cert/--key is verified and logged; without them, exit 2 naming certificate_required', TEST, async () => {
    const report = await connectOk(auth, ['--cert', client.chain, '--key', client.key, '--send', 'authenticated\\n', ...WAIT], 'client-cert="CN=client one" verified');
    assert.ok(inOrder(ladderLabels(report), ['<{CertificateRequest}', '<{Finished}', '>{Certificate}', '>{CertificateVerify}', '>{Finished}']));
    assert.equal(report.data.received, 'authenticated\n');

    const from = auth.peer.stderr.length;
    const { code, report: refused, stderr } = await connectJson([...to(auth), '--no-color']);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), 'handshake failed: server sent alert certificate_required after our Finished (the server requires a client certificate: --cert and --key)');
    assert.equal(refused.result.error!.alert, 'certificate_required');
    assert.ok(inOrder(ladderLabels(refused), ['<{CertificateRequest}', '>{Certificate}', '>{Finished}', '<[certificate_required]']), ladderLabels(refused).join(' '));
    await logged(auth, from, /^127\.0\.0\.1:\d+ handshake failed: sent alert certificate_required/m);
  });
});
