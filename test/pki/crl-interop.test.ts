// CRLs against OpenSSL 3: node:tls given the same `crl` must reach the same verdict as our
// checker (the code, where node:tls's is the same), and CRLs made by `openssl ca -gencrl` must
// parse and apply here. DESIGN.md §4: these fail, never skip, when openssl is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect, createServer } from 'node:tls';
import { TLSError } from '../../src/errors.js';
import { verifyServerCertificate } from '../../src/pki/chain.js';
import { CrlStore, parseCrls } from '../../src/pki/crl.js';
import { type IssuedCrl, issueCrl } from '../helpers/crl.js';
import { type Pki, assertCertError, cachedPki, ders, provider, trustOf } from '../helpers/pki.js';

const pki = cachedPki();
const NOW = Date.now();
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'handshake-crl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** node:tls's verdict on the PKI's chain, trusting its root, with `crl`. */
async function viaNode(p: Pki, crl: string[]): Promise<string | undefined> {
  const server = createServer({ cert: p.chainPem, key: p.leafKeyPem }, (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', ca: [p.rootPem], crl });
    const code = await new Promise<string | undefined>((resolve) => {
      socket.once('secureConnect', () => resolve(undefined));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    socket.destroy();
    return code;
  } finally {
    server.close();
  }
}

function viaUs(p: Pki, crl: string[]): string | undefined {
  try {
    verifyServerCertificate({ chain: ders(p.leaf, p.intermediate), trust: trustOf(p.root), hostname: 'localhost', time: Date.now(), provider, crls: CrlStore.from(crl) });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof TLSError, String(err));
    return err.code;
  }
}

describe('agrees with node:tls given the same crl', () => {
  // node:tls reads one CRL per entry (PEM_read_bio_X509_CRL), so each goes in its own string.
  const pemOf = (...crls: IssuedCrl[]) => crls.map((c) => c.pem);
  const intCrl = issueCrl(pki.intermediate);
  const rootCrl = issueCrl(pki.root);
  interface Case {
    name: string;
    crl: string[];
    /** node:tls's code (undefined: accepted). */
    expected: string | undefined;
    /** Ours, where it differs on purpose. */
    ours?: string | undefined;
  }
  const cases: Case[] = [
    { name: 'nothing revoked', crl: pemOf(intCrl, rootCrl), expected: undefined },
    { name: 'the leaf revoked', crl: pemOf(issueCrl(pki.intermediate, { revoked: [{ cert: pki.leaf }] }), rootCrl), expected: 'CERT_REVOKED' },
    { name: 'the intermediate revoked', crl: pemOf(intCrl, issueCrl(pki.root, { revoked: [{ cert: pki.intermediate }] })), expected: 'CERT_REVOKED' },
    { name: 'no CRL for the intermediate (CRL_CHECK_ALL)', crl: pemOf(intCrl), expected: 'UNABLE_TO_GET_CRL' },
    { name: 'no CRL for the leaf', crl: pemOf(rootCrl), expected: 'UNABLE_TO_GET_CRL' },
    {
      name: 'an expired CRL',
      crl: pemOf(issueCrl(pki.intermediate, { thisUpdate: new Date(NOW - 10 * DAY), nextUpdate: new Date(NOW - DAY) }), rootCrl),
      expected: 'CRL_HAS_EXPIRED',
    },
    {
      name: 'a CRL not yet valid',
      crl: pemOf(issueCrl(pki.intermediate, { thisUpdate: new Date(NOW + DAY), nextUpdate: new Date(NOW + 8 * DAY) }), rootCrl),
      expected: 'CRL_NOT_YET_VALID',
    },
    { name: 'a bad CRL signature', crl: pemOf(issueCrl(pki.intermediate, { corruptSignature: true }), rootCrl), expected: 'CRL_SIGNATURE_FAILURE' },
    // node:tls ends with X509_V_ERR_UNSPECIFIED; for us the CRL is unusable, so no CRL covers the leaf.
    {
      name: 'an unknown critical CRL extension',
      crl: pemOf(issueCrl(pki.intermediate, { extensions: [{ id: '1.3.6.1.4.1.55555.1', critical: true, value: new Uint8Array([5, 0]) }] }), rootCrl),
      expected: 'UNSPECIFIED',
      ours: 'UNABLE_TO_GET_CRL',
    },
    // OpenSSL ignores revocationDate; RFC 5280 §5.1.2.6 makes it the date the revocation took effect.
    {
      name: 'a revocationDate in the future',
      crl: pemOf(issueCrl(pki.intermediate, { revoked: [{ cert: pki.leaf, date: new Date(NOW + DAY) }] }), rootCrl),
      expected: 'CERT_REVOKED',
      ours: undefined,
    },
  ];
  for (const c of cases) {
    const title = 'ours' in c ? `${c.name}: node:tls ${c.expected}, ours ${c.ours ?? 'accepted'}` : `${c.name}: ${c.expected ?? 'accepted'}`;
    test(title, async () => {
      assert.equal(await viaNode(pki, c.crl), c.expected);
      assert.equal(viaUs(pki, c.crl), 'ours' in c ? c.ours : c.expected);
    });
  }
});

describe('CRLs made by openssl ca -gencrl', () => {
  execFileSync('openssl', ['version']);
  const config = (name: string) => `[ ca ]
default_ca = ca_${name}
[ ca_${name} ]
database = ${join(dir, `${name}.index`)}
crlnumber = ${join(dir, `${name}.crlnumber`)}
default_md = sha256
default_crl_days = 7
`;
  /** openssl's CRL for `issuer`, revoking `revoked` (certificates it issued) with reason keyCompromise. */
  function gencrl(name: string, issuer: Pki['root'], revoked: Array<Pki['leaf']>): string {
    const index = revoked.map((cert) => {
      const serial = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: cert.certPem }).toString().trim().replace(/^serial=/, '');
      const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'compat'], { input: cert.certPem }).toString().trim().replace(/^subject=\s*/, '');
      // index.txt: status, expiry, revocation time[,reason], serial, file, subject (tab-separated).
      return ['R', '491231235959Z', '240101000000Z,keyCompromise', serial, 'unknown', subject].join('\t');
    });
    writeFileSync(join(dir, `${name}.index`), index.map((l) => `${l}\n`).join(''));
    writeFileSync(join(dir, `${name}.crlnumber`), '01\n');
    writeFileSync(join(dir, `${name}.cnf`), config(name));
    writeFileSync(join(dir, `${name}.key`), issuer.keyPem);
    writeFileSync(join(dir, `${name}.pem`), issuer.certPem);
    const out = join(dir, `${name}.crl`);
    execFileSync('openssl', ['ca', '-batch', '-config', join(dir, `${name}.cnf`), '-gencrl', '-keyfile', join(dir, `${name}.key`), '-cert', join(dir, `${name}.pem`), '-out', out], { stdio: 'pipe' });
    return readFileSync(out, 'latin1');
  }
  const check = (crl: string) =>
    verifyServerCertificate({ chain: ders(pki.leaf, pki.intermediate), trust: trustOf(pki.root), hostname: 'localhost', time: Date.now(), provider, crls: CrlStore.from(crl) });

  test('no revocations: parsed, signature verified, the path passes', () => {
    const crl = gencrl('int-empty', pki.intermediate, []) + gencrl('root-empty', pki.root, []);
    assert.equal(parseCrls(crl).length, 2);
    assert.equal(check(crl).path.length, 3);
  });

  test('the leaf revoked (keyCompromise): CERT_REVOKED', () => {
    const crl = gencrl('int-leaf', pki.intermediate, [pki.leaf]) + gencrl('root-none', pki.root, []);
    const [intCrl] = parseCrls(crl);
    assert.equal(intCrl!.revoked.size, 1);
    assert.equal([...intCrl!.revoked.values()][0]!.reason, 1);
    assertCertError(() => check(crl), 'CERT_REVOKED');
  });

  test('RSA issuers: the intermediate revoked by the root', () => {
    const rsa = cachedPki({ caKeyType: 'rsa-2048' });
    const crl = gencrl('rsa-int', rsa.intermediate, []) + gencrl('rsa-root', rsa.root, [rsa.intermediate]);
    assertCertError(
      () => verifyServerCertificate({ chain: ders(rsa.leaf, rsa.intermediate), trust: trustOf(rsa.root), hostname: 'localhost', time: Date.now(), provider, crls: CrlStore.from(crl) }),
      'CERT_REVOKED',
    );
  });

  test('openssl crl verifies the CRLs our tests build (the helper is sound)', () => {
    const ours = issueCrl(pki.intermediate, { revoked: [{ cert: pki.leaf, reason: 1 }] });
    writeFileSync(join(dir, 'ours.crl'), ours.pem);
    writeFileSync(join(dir, 'int-ca.pem'), pki.intermediate.certPem);
    // `openssl crl -CAfile` prints "verify OK" on stderr, and fails (non-zero exit) otherwise.
    const args = ['crl', '-in', join(dir, 'ours.crl'), '-CAfile', join(dir, 'int-ca.pem'), '-noout'];
    const result = spawnSync('openssl', args, { encoding: 'latin1' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /verify OK/);
    // … and refuses it under another CA.
    writeFileSync(join(dir, 'root-ca.pem'), pki.root.certPem);
    assert.notEqual(spawnSync('openssl', [...args.slice(0, 3), '-CAfile', join(dir, 'root-ca.pem'), '-noout'], { encoding: 'latin1' }).status, 0);
  });
});
