// `handshake verify`, run as a user runs it: a child process over PEM files of a generated PKI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { id_kp_clientAuth } from '@peculiar/asn1-x509';
import type { VerifyReport } from '../../src/cli/verify.js';
import { issueCrl } from '../helpers/crl.js';
import { type IssuedCertificate, cachedPki } from '../helpers/pki.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function verify(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const pinOf = (cert: IssuedCertificate) =>
  createHash('sha256')
    .update(new X509Certificate(cert.der).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

describe('handshake verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-verify-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, pem: string) => {
    const path = join(dir, name);
    writeFileSync(path, pem);
    return path;
  };
  const pki = cachedPki();
  const rootPem = file('root.pem', pki.rootPem);
  const chainPem = file('chain.pem', pki.chainPem);
  const leafPem = file('leaf.pem', pki.leafPem);
  const intermediatePem = file('intermediate.pem', pki.intermediatePem);
  const clientOnly = cachedPki({ leaf: { extendedKeyUsage: [id_kp_clientAuth] } });
  const clientChain = file('client-chain.pem', clientOnly.chainPem);
  const clientRoot = file('client-root.pem', clientOnly.rootPem);

  test('prints the path it built and exits 0', async () => {
    const run = await verify('--ca', rootPem, '--host', 'localhost', chainPem);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^verified: path of 3 certificate\(s\) for server, host localhost at /);
    assert.match(run.stdout, /  0 CN=localhost\n {6}issuer {2}O=handshake, CN=handshake test intermediate CA\n {6}valid {3}\S+ → \S+\n {6}key {5}EC P-256\n/);
    assert.match(run.stdout, /  2 O=handshake, CN=handshake test root CA \(trust anchor\)/);
    for (const cert of [pki.leaf, pki.intermediate, pki.root]) assert.ok(run.stdout.includes(`pin     sha256/${pinOf(cert)}`));
  });

  test('--json prints the path as data', async () => {
    const run = await verify('--ca', rootPem, '--untrusted', intermediatePem, '--ip', '127.0.0.1', '--json', leafPem);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as VerifyReport;
    assert.ok(report.valid);
    assert.equal(report.ip, '127.0.0.1');
    assert.deepEqual(
      report.chain.map((c) => [c.subject, c.trustAnchor, c.spkiSha256]),
      [
        ['CN=localhost', false, pinOf(pki.leaf)],
        ['O=handshake, CN=handshake test intermediate CA', false, pinOf(pki.intermediate)],
        ['O=handshake, CN=handshake test root CA', true, pinOf(pki.root)],
      ],
    );
    assert.equal(report.chain[0]!.key, 'EC P-256');
    assert.equal(report.chain[0]!.fingerprint256, new X509Certificate(pki.leaf.der).fingerprint256);
  });

  test("exits 1 with the code and alert when no anchor is found (Node's roots by default)", async () => {
    const run = await verify('--host', 'localhost', chainPem);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, 'not verified: UNABLE_TO_GET_ISSUER_CERT_LOCALLY (unknown_ca alert): unable to get local issuer certificate\n');
  });

  test('--time validates at another time', async () => {
    const run = await verify('--ca', rootPem, '--time', new Date(Date.now() + 400 * 86_400_000).toISOString(), '--json', chainPem);
    assert.equal(run.code, 1);
    assert.deepEqual(JSON.parse(run.stdout), { valid: false, code: 'CERT_HAS_EXPIRED', alert: 'certificate_expired', message: 'certificate has expired' });
  });

  test('--host that the certificate does not name', async () => {
    const run = await verify('--ca', rootPem, '--host', 'example.com', '--json', chainPem);
    assert.equal(run.code, 1);
    assert.equal((JSON.parse(run.stdout) as { code: string }).code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('--purpose client accepts a clientAuth certificate that a server purpose refuses', async () => {
    const asClient = await verify('--ca', clientRoot, '--purpose', 'client', clientChain);
    assert.equal(asClient.code, 0, asClient.stdout + asClient.stderr);
    assert.match(asClient.stdout, /for client at/);
    const asServer = await verify('--ca', clientRoot, '--json', clientChain);
    assert.equal(asServer.code, 1);
    assert.deepEqual(JSON.parse(asServer.stdout), {
      valid: false,
      code: 'INVALID_PURPOSE',
      alert: 'unsupported_certificate',
      message: 'leaf extendedKeyUsage does not allow serverAuth',
    });
  });

  test('--pin requires a pinned key on the path', async () => {
    const pinned = await verify('--ca', rootPem, '--pin', `sha256/${pinOf(pki.intermediate)}`, chainPem);
    assert.equal(pinned.code, 0, pinned.stdout + pinned.stderr);
    const other = await verify('--ca', rootPem, '--pin', pinOf(cachedPki({ leafCommonName: 'x' }).root), '--json', chainPem);
    assert.equal(other.code, 1);
    assert.equal((JSON.parse(other.stdout) as { code: string }).code, 'ERR_TLS_PIN_MISMATCH');
  });

  test('--crl checks every certificate of the path against the CRLs, as node:tls with crl', async () => {
    const good = file('good.crl', issueCrl(pki.intermediate).pem + issueCrl(pki.root).pem);
    const passed = await verify('--ca', rootPem, '--crl', good, chainPem);
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    const revokedLeaf = file('revoked.crl', issueCrl(pki.intermediate, { revoked: [{ cert: pki.leaf }] }).pem);
    // DER works too, and the files add up.
    const rootCrl = join(dir, 'root.crl.der');
    writeFileSync(rootCrl, issueCrl(pki.root).der);
    const revoked = await verify('--ca', rootPem, '--crl', revokedLeaf, '--crl', rootCrl, '--json', chainPem);
    assert.equal(revoked.code, 1);
    const report = JSON.parse(revoked.stdout) as { code: string; alert: string };
    assert.deepEqual([report.code, report.alert], ['CERT_REVOKED', 'certificate_revoked']);
    // No CRL for the intermediate.
    const onlyLeafCrl = await verify('--ca', rootPem, '--crl', file('int-only.crl', issueCrl(pki.intermediate).pem), '--json', chainPem);
    assert.equal((JSON.parse(onlyLeafCrl.stdout) as { code: string }).code, 'UNABLE_TO_GET_CRL');
    const notACrl = await verify('--ca', rootPem, '--crl', rootPem, chainPem);
    assert.equal(notACrl.code, 1);
    assert.match(notACrl.stderr, /root\.pem: unable to decode CRL: no X509 CRL PEM block found/);
  });

  test('bad input exits 1 with a message', async () => {
    const badTime = await verify('--ca', rootPem, '--time', 'yesterday', chainPem);
    assert.equal(badTime.code, 1);
    assert.match(badTime.stderr, /--time yesterday: not an ISO 8601 date/);
    const notACertificate = await verify('--ca', rootPem, file('empty.pem', 'nothing here\n'));
    assert.equal(notACertificate.code, 1);
    assert.match(notACertificate.stderr, /no certificate found/);
  });
});
