import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { derToPem, pemToDer, toDerList } from '../../src/pki/pem.js';
import { cachedPki } from '../helpers/pki.js';

const pki = cachedPki();

test('derToPem then pemToDer returns the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.deepEqual(pemToDer(derToPem(bytes, 'CERTIFICATE')), [bytes]);
    }),
  );
});

test('derToPem writes 64-character lines (RFC 7468 §2)', () => {
  const lines = derToPem(pki.leaf.der).trimEnd().split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.equal(lines.at(-1), '-----END CERTIFICATE-----');
  const body = lines.slice(1, -1);
  assert.ok(body.slice(0, -1).every((l) => l.length === 64));
  assert.ok(body.at(-1)!.length <= 64);
});

test('reads every block of the label, in order, ignoring text between them', () => {
  const bundle = `# root\n${pki.rootPem}junk line\n${pki.intermediatePem}\n${pki.leafKeyPem}${pki.leafPem}`;
  assert.deepEqual(pemToDer(bundle), [pki.root.der, pki.intermediate.der, pki.leaf.der]);
  assert.equal(pemToDer(bundle, 'PRIVATE KEY').length, 1);
});

test('tolerates CRLF, indentation and missing final newline', () => {
  const crlf = pki.leafPem.replace(/\n/g, '\r\n');
  assert.deepEqual(pemToDer(crlf), [pki.leaf.der]);
  const indented = pki.leafPem
    .split('\n')
    .map((l) => `   ${l}\t `)
    .join('\n')
    .trimEnd();
  assert.deepEqual(pemToDer(indented), [pki.leaf.der]);
});

test('rejects a block that is not base64', () => {
  assert.throws(() => pemToDer('-----BEGIN CERTIFICATE-----\nMIIB*AAA\n-----END CERTIFICATE-----\n'), /base64/);
  assert.throws(() => pemToDer('-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n'), /base64/);
});

test('ignores a block whose END label differs', () => {
  assert.deepEqual(pemToDer('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'), []);
});

test('toDerList accepts what node:tls accepts for ca and cert', () => {
  assert.deepEqual(toDerList(undefined), []);
  assert.deepEqual(toDerList(pki.chainPem), [pki.leaf.der, pki.intermediate.der]);
  assert.deepEqual(toDerList(Buffer.from(pki.chainPem)), [pki.leaf.der, pki.intermediate.der]);
  assert.deepEqual(toDerList([pki.rootPem, Buffer.from(pki.intermediatePem), pki.leaf.der]), [pki.root.der, pki.intermediate.der, pki.leaf.der]);
});

test('toDerList refuses an entry with no certificate in it', () => {
  assert.throws(() => toDerList('not a certificate'), /no CERTIFICATE PEM block/);
  assert.throws(() => toDerList([pki.rootPem, pki.leafKeyPem]), /no CERTIFICATE PEM block/);
});
