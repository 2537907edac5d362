// `handshake demo` (what `npm start` runs), as a user runs it: a child process doing a real
// handshake on 127.0.0.1 and drawing it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function demo(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--no-color', ...args], { cwd: root }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout });
    });
  });
}

test('demo: a TLS 1.3 handshake, its 1-RTT ladder, and the echo', { timeout: 60_000 }, async () => {
  const { code, stdout } = await demo();
  assert.equal(code, 0, stdout);
  assert.match(stdout, /version\s+TLSv1\.3/);
  assert.match(stdout, /\{EncryptedExtensions\}/);
  assert.doesNotMatch(stdout, /ServerKeyExchange/);
  assert.match(stdout, /server replied: "echo: hello over TLSv1\.3"/);
});

test('demo --tls1.2: the 2-RTT ladder with ServerKeyExchange, ClientKeyExchange and both ChangeCipherSpecs', { timeout: 60_000 }, async () => {
  const { code, stdout } = await demo('--tls1.2');
  assert.equal(code, 0, stdout);
  assert.match(stdout, /version\s+TLSv1\.2/);
  assert.match(stdout, /cipher suite\s+TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256/);
  const order = ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', '[Finished]', 'ChangeCipherSpec', '[Finished]'];
  let at = 0;
  for (const name of order) {
    const next = stdout.indexOf(name, at);
    assert.ok(next >= 0, `${name} after position ${at}:\n${stdout}`);
    at = next + name.length;
  }
  assert.match(stdout, /server replied: "echo: hello over TLSv1\.2"/);
});
