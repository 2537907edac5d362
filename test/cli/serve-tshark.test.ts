// The --keylog file is what Wireshark needs: tshark captures curl sessions with
// `handshake serve --http` on loopback and decrypts the HTTP requests only with our key log, in
// TLS 1.3 and TLS 1.2. DESIGN.md §4: fails, never skips, when tshark or curl is missing (.ci/run
// installs them); capturing on lo needs root or dumpcap's capabilities, which CI has.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Peer, type TempDir, killAll, requireCommand, tempDir } from '../helpers/interop.js';
import { Capture } from './serve-helpers/capture.js';
import { type Serve, interrupt, runCurl, startServe } from './serve-helpers/serve.js';

const TEST = { timeout: 30_000 };
let dir: TempDir;
let serve: Serve;
let keylog: string;
let file: string;
let capture: Capture | undefined;

before(async () => {
  requireCommand('tshark', ['--version']);
  requireCommand('curl');
  dir = tempDir('handshake-serve-tshark-');
  keylog = dir.file('keys.log');
  file = dir.file('loopback.pcapng');
  serve = await startServe(['--http', '--keylog', keylog]);
});

after(async () => {
  capture?.kill();
  await killAll();
  dir?.remove();
});

/** tshark reading the capture back with `args`: its stdout. */
async function read(args: readonly string[]): Promise<string> {
  const peer = new Peer('tshark', ['-r', file, '-d', `tcp.port==${serve.port},tls`, ...args]);
  const { code } = await peer.waitExit(20_000);
  assert.equal(code, 0, peer.output);
  return peer.stdout;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

test('a loopback capture of two curl requests decrypts with the --keylog file, and only with it', TEST, async () => {
  capture = await Capture.start(serve.port, file);
  const common = ['--cacert', serve.certFile!, '--resolve', `localhost:${serve.port}:127.0.0.1`, '--http1.1'];
  const tls13 = await runCurl([...common, '--tlsv1.3', `https://localhost:${serve.port}/decrypted-tls13`]);
  assert.equal(tls13.code, 0, tls13.stderr);
  const tls12 = await runCurl([...common, '--tlsv1.2', '--tls-max', '1.2', `https://localhost:${serve.port}/decrypted-tls12`]);
  assert.equal(tls12.code, 0, tls12.stderr);
  // curl's FIN follows everything it read: once both are captured, so are both exchanges. (The
  // probes Capture.start made sent no data: their FINs have Seq=1.)
  await capture.waitUntil((out) => count(out, /\[FIN, ACK\] Seq=(?!1 )\d+/g) >= 2, "both of curl's FINs");
  await capture.stop();

  const keys = ['-o', `tls.keylog_file:${keylog}`];
  const requests = await read([...keys, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri']);
  assert.deepEqual(requests.trim().split('\n'), ['GET\t/decrypted-tls13', 'GET\t/decrypted-tls12'], `captured:\n${capture.output}`);
  const responses = await read([...keys, '-Y', 'http.response', '-T', 'fields', '-e', 'http.response.code']);
  assert.deepEqual(responses.trim().split('\n'), ['200', '200']);
  assert.equal((await read(['-Y', 'http.request'])).trim(), '', 'without the key log the requests stay encrypted');
});

test('SIGINT exits 0', TEST, async () => {
  assert.deepEqual(await interrupt(serve), { code: 0, signal: null }, serve.peer.stderr);
});
