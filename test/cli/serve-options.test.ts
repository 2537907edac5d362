// `handshake serve` options and output pieces, in-process; and the program's answer to bad
// options: one line on stderr, no stack trace, exit 64.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCertificates } from '../../src/cli/serve/certificates.js';
import { createLog } from '../../src/cli/serve/log.js';
import { prefixLines } from '../../src/cli/serve/modes.js';
import { type RawServeOptions, type ServeOptions, parseServeOptions } from '../../src/cli/serve/options.js';
import { renderHtml, renderText, wantsHtml } from '../../src/cli/serve/page.js';
import { failureLine, summaryLine } from '../../src/cli/serve/summary.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription } from '../../src/wire/codes.js';
import { type TempDir, killAll, tempDir, writePki } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';
import { connectionFacts } from './helpers/facts.js';
import { serveProcess, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
const raw = (extra: Partial<RawServeOptions> = {}): RawServeOptions => ({ port: '8443', host: '127.0.0.1', cert: [], key: [], color: false, ...extra });
const parse = (extra: Partial<RawServeOptions>): ServeOptions => parseServeOptions(raw(extra));
const plain = createLog(false).c;

let dir: TempDir;
before(() => {
  dir = tempDir('handshake-serve-options-');
});
after(async () => {
  await killAll();
  dir?.remove();
});

describe('parseServeOptions', () => {
  test('defaults: port 8443 on 127.0.0.1, a generated certificate, print mode, no 0-RTT', () => {
    const o = parse({});
    assert.equal(o.port, 8443);
    assert.equal(o.host, '127.0.0.1');
    assert.deepEqual(o.pairs, []);
    assert.equal(o.mode, 'print');
    assert.equal(o.maxEarlyData, 0);
    assert.equal(o.version, undefined);
  });

  test('--cert/--key pair up by position', () => {
    assert.deepEqual(parse({ cert: ['a.pem', 'b.pem'], key: ['a.key', 'b.key'] }).pairs, [
      { cert: 'a.pem', key: 'a.key' },
      { cert: 'b.pem', key: 'b.key' },
    ]);
  });

  test('--early-data alone is 16384 bytes; with a value, that many', () => {
    assert.equal(parse({ earlyData: true }).maxEarlyData, 16384);
    assert.equal(parse({ earlyData: '1000' }).maxEarlyData, 1000);
  });

  test('--http agrees on http/1.1 only', () => {
    assert.deepEqual(parse({ http: true }).alpn, ['http/1.1']);
    assert.deepEqual(parse({ http: true, alpn: 'http/1.1' }).alpn, ['http/1.1']);
    assert.deepEqual(parse({ alpn: 'h2, http/1.1' }).alpn, ['h2', 'http/1.1']);
  });

  test('key logs: --keylog and SSLKEYLOGFILE, each named once, with where it came from', () => {
    assert.deepEqual(parse({}).keylogs, []);
    assert.deepEqual(parse({ keylog: 'a.log' }).keylogs, [{ path: 'a.log', from: '--keylog' }]);
    assert.deepEqual(parseServeOptions(raw(), { SSLKEYLOGFILE: 'b.log' }).keylogs, [{ path: 'b.log', from: 'SSLKEYLOGFILE' }]);
    assert.deepEqual(parseServeOptions(raw({ keylog: 'a.log' }), { SSLKEYLOGFILE: 'b.log' }).keylogs, [
      { path: 'a.log', from: '--keylog' },
      { path: 'b.log', from: 'SSLKEYLOGFILE' },
    ]);
    assert.deepEqual(parseServeOptions(raw({ keylog: 'a.log' }), { SSLKEYLOGFILE: 'a.log' }).keylogs, [{ path: 'a.log', from: '--keylog' }]);
    // An empty variable is unset, as for curl.
    assert.deepEqual(parseServeOptions(raw(), { SSLKEYLOGFILE: '' }).keylogs, []);
  });

  test('--tls1.2 / --tls1.3 pin the version; --require-cert refuses a client without a certificate', () => {
    assert.equal(parse({ 'tls1.2': true }).version, 'TLSv1.2');
    assert.equal(parse({ 'tls1.3': true }).version, 'TLSv1.3');
    assert.equal(parse({ requireCert: true, ca: 'ca.pem' }).clientCert, 'require');
    assert.equal(parse({ requestCert: true }).clientCert, 'request');
  });

  const refused: Array<[string, Partial<RawServeOptions>, RegExp]> = [
    ['a port out of range', { port: '70000' }, /--port must be an integer from 0 to 65535/],
    ['a port that is not a number', { port: 'http' }, /--port must be an integer/],
    ['an unpaired --cert', { cert: ['a.pem'] }, /--cert and --key come in pairs/],
    ['both versions', { 'tls1.2': true, 'tls1.3': true }, /--tls1\.2 or --tls1\.3, not both/],
    ['an unknown cipher suite', { ciphers: 'NOPE' }, /--ciphers: no cipher suite we know/],
    ['an unknown group', { groups: 'X25519:P-999' }, /--groups: unsupported group/],
    ['two modes', { http: true, echo: true }, /--http or --echo, not both/],
    ['h2 with --http', { http: true, alpn: 'h2' }, /--http speaks HTTP\/1\.1 only/],
    ['an empty ALPN name', { alpn: 'a,,b' }, /--alpn: protocol names are 1 to 255 bytes/],
    ['--ca without asking for client certificates', { ca: 'ca.pem' }, /add --request-cert or --require-cert/],
    ['--require-cert without --ca', { requireCert: true }, /--require-cert needs --ca/],
    ['0-RTT with TLS 1.2', { earlyData: true, 'tls1.2': true }, /--early-data is TLS 1\.3 only/],
    ['0-RTT of 0 bytes', { earlyData: '0' }, /--early-data must be an integer from 1/],
    ['--ocsp with a generated certificate', { ocsp: 'r.der' }, /--ocsp staples a response for a certificate you give/],
  ];
  for (const [what, options, message] of refused) {
    test(`refuses ${what}`, () => assert.throws(() => parse(options), { name: 'UsageError', message }));
  }
});

describe('certificate files', () => {
  test('a missing file, a key that is not the certificate\'s: errors that name the option and file', () => {
    const a = writePki(dir, 'a', cachedPki());
    const b = writePki(dir, 'b', cachedPki({ leafCommonName: 'b' }));
    assert.throws(() => loadCertificates({ pairs: [{ cert: dir.file('none.pem'), key: a.key }] }), {
      message: `--cert ${dir.file('none.pem')}: no such file`,
    });
    assert.throws(() => loadCertificates({ pairs: [{ cert: a.chain, key: b.key }] }), {
      message: `--key ${b.key} is not the key of the certificate in --cert ${a.chain}`,
    });
    const loaded = loadCertificates({ pairs: [{ cert: a.chain, key: a.key }] });
    assert.equal(loaded.pairs[0]!.leaf.dnsNames[0], 'localhost');
    assert.equal(loaded.digest, loadCertificates({ pairs: [{ cert: a.chain, key: a.key }] }).digest);
  });
});

const facts = connectionFacts();

describe('output', () => {
  test('the summary line: peer, protocol, cipher, group, SNI, ALPN, resumed, client certificate, ms', () => {
    assert.equal(
      summaryLine(facts, plain),
      '127.0.0.1:5555 TLSv1.3 TLS_AES_128_GCM_SHA256 x25519 sni=<script> alpn=http/1.1 resumed=no ' +
        'client-cert="CN=client one" unverified(UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local issuer certificate) 1.9ms',
    );
    assert.match(summaryLine({ ...facts, earlyData: { status: 'accepted', bytes: 12 } }, plain), / 0-rtt=accepted\(12B\) /);
  });

  test('a failed handshake: which side sent which alert', () => {
    assert.equal(failureLine('[::1]:1', new TLSError(AlertDescription.handshake_failure, 'no shared cipher suite'), plain), '[::1]:1 handshake failed: sent alert handshake_failure (no shared cipher suite)');
    assert.equal(
      failureLine('[::1]:1', new TLSError(AlertDescription.unknown_ca, 'x', { fromPeer: true }), plain),
      '[::1]:1 handshake failed: client sent alert unknown_ca',
    );
  });

  test('the page: plain text unless HTML is asked for by name; HTML escaped', () => {
    assert.equal(wantsHtml('*/*'), false);
    assert.equal(wantsHtml(undefined), false);
    assert.equal(wantsHtml('text/plain'), false);
    assert.equal(wantsHtml('text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'), true);
    const request = { method: 'GET', url: '/', number: 1 };
    assert.match(renderText(facts, request), /^SNI\s+<script>$/m);
    const html = renderHtml(facts, request);
    assert.match(html, /<td>&lt;script&gt;<\/td>/);
    assert.doesNotMatch(html, /<td><script>/);
    // A client certificate's subject with a bidi override cannot reorder the page.
    const bidi = renderHtml(connectionFacts({ clientCertificate: { subject: 'CN=a\u202eexe.txt', issuer: 'CN=ca', verified: true } }), request);
    assert.doesNotMatch(bidi, /\u202e/);
    assert.match(bidi, /CN=a\ufffdexe\.txt/);
  });

  test('what arrives is printed line by line after the peer', () => {
    assert.equal(prefixLines('p', 'one\r\ntwo\npart'), 'p> one\np> two\np> part\n');
    assert.equal(prefixLines('p', 'line\n'), 'p> line\n');
  });
});

describe('the program', () => {
  async function usage(args: readonly string[]): Promise<string> {
    const peer = serveProcess(args);
    const { code } = await peer.waitExit(20_000);
    assert.equal(code, 64, peer.output);
    assert.doesNotMatch(peer.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(peer.stderr.trim().split('\n').length, 1, peer.stderr);
    return peer.stderr;
  }

  test('a bad option value: one line, exit 64', TEST, async () => {
    assert.match(await usage(['--tls1.2', '--tls1.3']), /^error: give --tls1\.2 or --tls1\.3, not both/);
  });

  test('an unknown option (commander\'s own message): exit 64', TEST, async () => {
    assert.match(await usage(['--bogus']), /unknown option '--bogus'/);
  });

  test('a certificate file that is not there: one line naming it, exit 64', TEST, async () => {
    const missing = dir.file('missing.pem');
    assert.match(await usage(['--cert', missing, '--key', missing]), new RegExp(`^error: --cert ${missing}: no such file`));
  });

  test('a key log in a missing directory, from --keylog or SSLKEYLOGFILE: one line naming its source, exit 64', TEST, async () => {
    assert.match(await usage(['--port', '0', '--keylog', '/nonexistent-dir/k.log']), /^error: --keylog \/nonexistent-dir\/k\.log: no such directory$/m);
    // The child inherits this process's environment (this file runs in a process of its own).
    process.env.SSLKEYLOGFILE = '/nonexistent-dir/env.log';
    try {
      assert.match(await usage(['--port', '0']), /^error: SSLKEYLOGFILE \/nonexistent-dir\/env\.log: no such directory$/m);
    } finally {
      delete process.env.SSLKEYLOGFILE;
    }
  });

  test('a port in use: one line, exit 1', TEST, async () => {
    const first = await startServe(['--echo']);
    const peer = serveProcess(['--port', String(first.port), '--echo']);
    const { code } = await peer.waitExit(20_000);
    assert.equal(code, 1, peer.output);
    assert.match(peer.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${first.port}: address already in use$`, 'm'));
    first.peer.child.kill('SIGTERM');
    assert.deepEqual(await first.peer.waitExit(), { code: 0, signal: null }, 'SIGTERM exits 0 too');
  });
});
