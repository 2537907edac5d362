// `handshake connect --html FILE`: the page built from a report (one arrow per ladder entry in
// RFC 8446 §2 notation, the summary beside it, every server-supplied text escaped, a page for a
// failed handshake too), and pages of real runs against `openssl s_server` rendered by headless
// Chromium. DESIGN.md §4: fails, never skips, when openssl or chromium is missing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { escapeHtml, wrap } from '../../src/cli/connect/escape.js';
import { renderHtml } from '../../src/cli/connect/html.js';
import { buildPlan } from '../../src/cli/connect/options.js';
import type { ConnectReport } from '../../src/cli/connect/json.js';
import { COLORS, arrowLabel } from '../../src/cli/connect/svg.js';
import { type Peer, type PkiFiles, type TempDir, killAll, requireCommand, startSServer, tempDir, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { killChromiums, renderDom, requireChromium, screenshot } from './helpers/chromium.js';
import { connectCli, connectJson, inOrder, killConnects } from './helpers/connect.js';
import { diagramArrows, diagramNote, plainText, summaryText, textById } from './helpers/html.js';
import { countColor, decodePng, distinctColors } from './helpers/png.js';
import { certificate, entry, failedReport, tls13Report } from './helpers/report.js';

/** What the diagram should show for each ladder entry. */
const expectedArrows = (report: ConnectReport) =>
  report.ladder.map((e) => ({ direction: e.direction, name: e.name, protection: e.protection, label: arrowLabel(e) }));
const shownArrows = (html: string) =>
  diagramArrows(html).map(({ direction, name, protection, label }) => ({ direction, name, protection, label }));

describe('the page, from a report', () => {
  test('one arrow per ladder entry: direction, RFC 8446 label, size, time, and a style per protection', () => {
    const report = tls13Report();
    const html = renderHtml(report);
    const arrows = diagramArrows(html);
    assert.deepEqual(shownArrows(html), expectedArrows(report));
    assert.deepEqual(
      arrows.map((a) => a.label),
      ['ClientHello', 'ServerHello', '{EncryptedExtensions}', '{Certificate}', '{CertificateVerify}', '{Finished}', '{Finished}', '[ApplicationData]', '[ApplicationData] ×3'],
    );
    for (const [i, a] of arrows.entries()) {
      const e = report.ladder[i]!;
      assert.ok(a.hasLine && a.hasHead, `an arrow for ${a.label}`);
      assert.ok(a.classes.includes(`prot-${e.protection}`) && a.classes.includes(e.direction), a.classes.join(' '));
      assert.equal(a.bytes, `${e.bytes} B`);
      assert.equal(a.ms, `+${e.ms.toFixed(1)}`);
    }
    assert.match(html, />shares=x25519 sni=localhost alpn=h2</, 'the detail under its arrow');
    const closing = renderHtml({ ...report, ladder: [{ ...entry('sent', 'close_notify', 'application', 20), kind: 'alert' }] });
    assert.deepEqual(diagramArrows(closing)[0]!.classes, ['msg', 'sent', 'prot-application', 'kind-alert', 'closure'], 'a normal end, not drawn as an error');
    // Each protection has its own colour in the diagram's stylesheet.
    for (const p of ['plaintext', 'early', 'handshake', 'application'] as const) assert.ok(html.includes(`.prot-${p} line{stroke:${COLORS[p]}}`), p);
    assert.equal(new Set(Object.values(COLORS)).size, Object.keys(COLORS).length);

    const early = { ...report, ladder: [entry('sent', 'ClientHello', 'plaintext', 1), entry('sent', 'EarlyData', 'early', 1.1), entry('sent', 'EndOfEarlyData', 'early', 6)] };
    assert.deepEqual(diagramArrows(renderHtml(early)).map((a) => a.label), ['ClientHello', '(EarlyData)', '(EndOfEarlyData)']);
  });

  test('the summary beside it: negotiated, the chain with days to expiry, the verdict, timings and round trips', () => {
    const report = tls13Report();
    const html = renderHtml(report);
    const text = summaryText(html);
    for (const fact of ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'x25519', 'ecdsa_secp256r1_sha256', 'ALPN h2', 'resumed no', '0-RTT early data not sent']) {
      assert.ok(text.includes(fact), `${fact} in: ${text}`);
    }
    const chain = textById(html, 'chain', 'ol');
    const depths = ['CN=localhost issuer', 'CN=handshake test intermediate CA issuer', 'CN=handshake test root CA trust anchor'].map((s) => chain.indexOf(s));
    assert.ok(depths.every((at, i) => at >= 0 && (i === 0 || at > depths[i - 1]!)), `leaf first: ${chain}`);
    assert.match(chain, /CN=localhost issuer CN=handshake test intermediate CA SANs DNS:localhost, IP:127\.0\.0\.1/);
    assert.match(chain, /expires 2027-01-01T00:00:00Z \(in 12 day\(s\)\)/);
    assert.match(chain, /CN=handshake test root CA trust anchor/);
    assert.match(chain, /OCSP no stapled response/);
    assert.equal(textById(html, 'verification', 'p'), `verified: ${report.verification!.message}`);
    const timings = textById(html, 'timings', 'dl');
    assert.equal(timings, 'TCP connect 0.4 ms TLS handshake 9.3 ms key exchange 0.8 ms certificate validation 3.1 ms total setup 10.1 ms round trips 1-RTT');
    assert.equal(textById(html, 'status', 'p'), 'ok — exit code 0');
    assert.equal(textById(html, 'received', 'pre'), 'HTTP/1.1 200 OK hello');

    const zeroRtt = tls13Report();
    zeroRtt.timings = { ...zeroRtt.timings, roundTrips: 0 };
    zeroRtt.handshake = { ...zeroRtt.handshake!, earlyData: 'accepted', resumed: true };
    zeroRtt.data = { ...zeroRtt.data, earlyDataBytes: 9 };
    const zeroText = summaryText(renderHtml(zeroRtt));
    assert.match(zeroText, /round trips 0-RTT: our data left with the ClientHello; the handshake took 1 round trip/);
    assert.match(zeroText, /0-RTT early data accepted \(9 bytes sent with the ClientHello\)/);
  });

  test('self-contained: no script, nothing fetched, a CSP that forbids both', () => {
    const html = renderHtml(tls13Report());
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;;/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|\ssrc=|\shref=|url\(|@import/i);
    const urls = html.match(/https?:\/\/[^\s"'<]*/g) ?? [];
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace, which is no fetch');
    assert.equal((html.match(/<svg\s/g) ?? []).length, 1);
  });

  test('every text from the report is escaped: subjects, SANs, details, alerts, the data received', () => {
    const hostile = '<script>alert(1)</script>';
    const attribute = 'x" onmouseover="alert(2)';
    const report = tls13Report();
    report.target = { ...report.target, host: `<b>${hostile}`, servername: hostile };
    report.certificates = [
      certificate(`CN=${hostile}`, `CN=</style>${hostile}`, { sans: { dns: [`<img src=x onerror=alert(3)>`], ip: [], email: [attribute] } }),
      certificate(`CN=</title>${hostile}`, 'CN=x', { trustAnchor: true, signatureAlgorithm: '<i>sig</i>' }),
    ];
    report.handshake = { ...report.handshake!, alpn: hostile, sni: hostile };
    report.verification = { ...report.verification!, message: `the chain leads to the trusted CN=${hostile}` };
    report.ladder = [
      entry('sent', 'ClientHello', 'plaintext', 1, { detail: `sni=${hostile}` }),
      { ...entry('received', attribute, 'plaintext', 2), kind: 'alert' },
    ];
    report.result = { exitCode: 2, status: 'handshake-failed', error: { message: `handshake failed: ${hostile}`, code: null, alert: attribute, fromPeer: true } };
    report.data = { ...report.data, received: `${hostile}\u0000\u001b[31m`, receivedBytes: 40 };
    const html = renderHtml(report);
    assert.doesNotMatch(html, /<script|<img|<b>|<i>/i);
    assert.equal(html.match(/<\/style>/g)?.length, 2, "the page's and the diagram's own");
    assert.equal(html.match(/<\/title>/g)?.length, 2 + report.ladder.length, "the page's, the diagram's and one per arrow");
    assert.doesNotMatch(html, /\son\w+\s*=\s*["']/i, 'no attribute breaks out of its quotes');
    assert.ok(html.includes('CN=&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('data-name="x&quot; onmouseover=&quot;alert(2)"'));
    assert.ok(textById(html, 'chain', 'ol').includes(`CN=${hostile}`), 'shown as text');
    assert.ok(textById(html, 'received', 'pre').startsWith(`${hostile}\ufffd\ufffd[31m`), 'control characters replaced');
    assert.ok(diagramNote(html).includes(hostile));
  });

  test('a failed handshake: the ladder so far, the alert, and the error in place of the summary', () => {
    const report = failedReport();
    const html = renderHtml(report);
    assert.deepEqual(shownArrows(html), expectedArrows(report));
    const alert = diagramArrows(html)[1]!;
    assert.ok(alert.classes.includes('kind-alert'));
    assert.equal(alert.label, 'handshake_failure');
    assert.equal(diagramNote(html), `✕ ${report.result.error!.message}`);
    assert.match(html, /<g class="note" data-status="handshake-failed">/);
    assert.equal(textById(html, 'status', 'p'), `${report.result.error!.message} — exit code 2`);
    const text = summaryText(html);
    assert.match(text, /^Negotiated The handshake did not complete\. Timings TCP connect 0\.4 ms TLS handshake — /);
    assert.doesNotMatch(html, /Certificate chain|id="verification"/);
    assert.match(html, /<title>handshake connect 127\.0\.0\.1:4433 — handshake-failed<\/title>/);

    const refused: ConnectReport = {
      ...report,
      result: { exitCode: 3, status: 'connection-failed', error: { message: 'connection failed: 127.0.0.1:4433: connection refused (ECONNREFUSED)', code: 'ECONNREFUSED', alert: null, fromPeer: null } },
      ladder: [],
    };
    const page = renderHtml(refused);
    assert.deepEqual(diagramArrows(page), []);
    assert.match(page, /data-messages="0"/);
    assert.equal(diagramNote(page), '✕ connection failed: 127.0.0.1:4433: connection refused (ECONNREFUSED) (no TLS message was exchanged)');
  });

  test('--html in the plan: a file in an existing directory, else a usage error before any connection', () => {
    const defaults = { timeout: 10_000, wait: 1_000, color: false };
    const context = { env: {}, stdinIsTTY: true };
    assert.equal(buildPlan('h', { ...defaults, html: 'page.html' }, context).html, 'page.html');
    assert.equal(buildPlan('h', defaults, context).html, undefined);
    assert.throws(() => buildPlan('h', { ...defaults, html: '/nonexistent-dir/page.html' }, context), { name: 'UsageError', message: '--html /nonexistent-dir/page.html: no such directory' });
    assert.throws(() => buildPlan('h', { ...defaults, html: tmpdir() }, context), { name: 'UsageError', message: `--html ${tmpdir()}: is a directory` });
  });

  test('escapeHtml and wrap', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeHtml('a\tb\nc\u0000\u007f'), 'a\tb\nc\ufffd\ufffd');
    // C1 controls and bidi overrides/isolates (a certificate name reordering the page).
    assert.equal(escapeHtml('x\u009by\u202etxt.exe\u2066z\u2028'), 'x\ufffdy\ufffdtxt.exe\ufffdz\ufffd');
    assert.deepEqual(wrap('one two three four', 9), ['one two', 'three', 'four']);
    assert.deepEqual(wrap('abcdefghijkl x', 5), ['abcd…', 'x']);
  });
});

// --- real runs, rendered ----------------------------------------------------------------------

const RENDER = { timeout: 60_000 };
let dir: TempDir;
let files: PkiFiles;
let hostileFiles: PkiFiles;
let sServer: { peer: Peer; port: number };
/** A leaf and a root whose names would be markup if they were not escaped. */
const HOSTILE_LEAF = '<script>document.title=1</script><img src=x onerror=alert(1)>';
const HOSTILE_ROOT = '</style><script>alert(2)</script>';

describe('--html against openssl s_server, rendered by headless Chromium', () => {
  before(async () => {
    requireCommand('openssl', ['version']);
    requireChromium();
    dir = tempDir('handshake-connect-html-');
    files = writePki(dir, 'ecdsa', cachedPki());
    hostileFiles = writePki(dir, 'hostile', cachedPki({ leafCommonName: HOSTILE_LEAF, root: { commonName: HOSTILE_ROOT } }));
    sServer = await startSServer(['-tls1_3', '-cert', files.leaf, '-key', files.key, '-cert_chain', files.intermediate, '-alpn', 'h2', '-rev']);
  });

  after(async () => {
    killChromiums();
    killConnects();
    await killAll();
    dir?.remove();
  });

  test('TLS 1.3: the diagram has an arrow and a label per message, the summary is beside it, and it is drawn', RENDER, async () => {
    const page = dir.file('tls13.html');
    const trusted = ['--servername', 'localhost', '--ca', files.root];
    const { code, report, stderr } = await connectJson([`127.0.0.1:${sServer.port}`, ...trusted, '--alpn', 'h2', '--send', 'ping\\n', '--wait', '300', '--html', page]);
    assert.equal(code, 0, stderr);
    assert.ok(existsSync(page));

    const dom = await renderDom(page);
    assert.deepEqual(shownArrows(dom), expectedArrows(report), 'one arrow per ladder entry, as Chromium parsed it');
    const labels = diagramArrows(dom).map((a) => `${a.direction === 'sent' ? '>' : '<'}${a.label}`);
    assert.ok(
      inOrder(labels, ['>ClientHello', '<ServerHello', '<{EncryptedExtensions}', '<{Certificate}', '<{CertificateVerify}', '<{Finished}', '>{Finished}', '>[ApplicationData]', '<[ApplicationData]']),
      labels.join(' '),
    );
    for (const a of diagramArrows(dom)) assert.ok(a.hasLine && a.hasHead && /^\d+ B$/.test(a.bytes) && /^\+\d+\.\d$/.test(a.ms), JSON.stringify(a));

    const h = report.handshake!;
    const text = summaryText(dom);
    for (const fact of [h.protocol, h.cipherSuite, h.group, h.signatureScheme!, 'ALPN h2', 'resumed no', ...report.certificates.map((c) => c.subject)]) {
      assert.ok(text.includes(fact), `${fact} in: ${text}`);
    }
    assert.ok(text.includes(`(in ${report.certificates[0]!.daysToExpiry} days)`), 'days to expiry');
    assert.equal(textById(dom, 'verification', 'p'), `verified: ${report.verification!.message}`);
    assert.ok(text.includes(`TLS handshake ${report.timings.tlsHandshakeMs!.toFixed(1)} ms`));
    assert.ok(text.includes('round trips 1-RTT'));
    assert.equal(textById(dom, 'received', 'pre'), 'gnip');

    // Drawn, not only parsed: the arrows' colours are on screen, handshake keys apart from the rest.
    const png = dir.file('tls13.png');
    await screenshot(page, png, 1200, 900);
    const image = decodePng(readFileSync(png));
    assert.deepEqual([image.width, image.height], [1200, 900]);
    assert.ok(distinctColors(image) > 100, 'more than a blank page');
    for (const p of ['plaintext', 'handshake', 'application'] as const) {
      assert.ok(countColor(image, COLORS[p]) > 300, `${p} arrows drawn in ${COLORS[p]}`);
    }
  });

  test('a failed handshake still writes the page: the ladder so far, the alert and the error', RENDER, async () => {
    const page = dir.file('failed.html');
    const { code, report, stderr } = await connectJson([`127.0.0.1:${sServer.port}`, '--servername', 'localhost', '--ca', files.root, '--tls1.2', '--html', page]);
    assert.equal(code, 2, stderr);
    assert.equal(report.handshake, null);
    const dom = await renderDom(page);
    assert.deepEqual(shownArrows(dom), expectedArrows(report));
    assert.deepEqual(
      diagramArrows(dom).map((a) => a.label),
      ['ClientHello', 'protocol_version'],
    );
    assert.equal(diagramNote(dom), `✕ ${report.result.error!.message}`);
    assert.match(diagramNote(dom), /server sent alert protocol_version/);
    assert.equal(textById(dom, 'status', 'p'), `${report.result.error!.message} — exit code 2`);
    assert.match(summaryText(dom), /The handshake did not complete/);
  });

  test('a certificate subject with <script> is shown as text: no script element, nothing run', RENDER, async () => {
    const { peer, port } = await startSServer(['-tls1_3', '-cert', hostileFiles.leaf, '-key', hostileFiles.key, '-cert_chain', hostileFiles.intermediate]);
    try {
      const page = dir.file('hostile.html');
      const { code, report, stderr } = await connectJson([`127.0.0.1:${port}`, '--servername', 'localhost', '--ca', hostileFiles.root, '--html', page]);
      assert.equal(code, 0, stderr);
      const [leaf, , root] = report.certificates.map((c) => c.subject);
      assert.ok(leaf!.includes('<script>') && root!.includes('<script>'), `${leaf} ${root}`);
      const written = readFileSync(page, 'utf8');
      assert.doesNotMatch(written, /<script|<img/i);
      assert.equal(written.match(/<\/style>/g)?.length, 2, "the page's and the diagram's own");

      const dom = await renderDom(page);
      assert.doesNotMatch(dom, /<script|<img/i, 'no element made from the subject');
      const chain = textById(dom, 'chain', 'ol');
      assert.ok(chain.includes(leaf!) && chain.includes(root!), chain);
      assert.ok(plainText(/<title>[\s\S]*?<\/title>/.exec(dom)![0]).startsWith('handshake connect'), 'the title untouched');
    } finally {
      await peer.kill();
    }
  });

  test('--html in a missing directory is a usage error before any connection; an unwritable file exits 73', RENDER, async () => {
    const missing = await connectCli(['127.0.0.1:1', '--html', '/nonexistent-dir/page.html', '--no-color']);
    assert.equal(missing.code, 64);
    assert.equal(missing.stderr, 'usage error: --html /nonexistent-dir/page.html: no such directory\n');
    // /proc/self is a directory no file can be created in, even by root.
    const unwritable = await connectCli([`127.0.0.1:${sServer.port}`, '--servername', 'localhost', '--ca', files.root, '--html', '/proc/self/page.html', '--no-color']);
    assert.equal(unwritable.code, 73, unwritable.stderr);
    assert.match(unwritable.stderr, /^html not written: \/proc\/self\/page\.html: /m);
  });
});
