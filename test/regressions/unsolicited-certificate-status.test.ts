// Bug: the client accepted an OCSP status (status_request) in the server's CertificateEntry
// although its ClientHello never asked for one. RFC 8446 §4.4.2: extensions in the server's
// Certificate "MUST correspond to ones from the ClientHello message"; §4.2: an unsolicited
// extension response MUST be answered with unsupported_extension.
// Found by test/pair/malicious-server.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { clientFor, serverCertificate } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { ScriptedServer } from '../helpers/scripted.js';

const pki = cachedPki();
const cert = serverCertificate(pki);

test('an OCSP response stapled to the leaf without a status_request is unsupported_extension', () => {
  const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519], requestOCSP: false }));
  assert.equal(s.clientHello.extensions.status_request, undefined, 'the client did not ask for a status');
  s.sendHello(s.serverHello());
  const c = s.certificate(cert);
  const stapled = {
    ...c,
    certificate_list: c.certificate_list.map((e, i) => (i === 0 ? { ...e, extensions: { status_request: Uint8Array.of(0x30, 0x00), unknown: [] } } : e)),
  };
  s.sendEncrypted(s.encryptedExtensions(), stapled);
  const error = s.failure;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), 'unsupported_extension', error.message);
  assert.equal(s.alert === undefined ? 'none' : alertName(s.alert), 'unsupported_extension');
});

test('the same Certificate without the status completes', () => {
  const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519] }));
  s.sendHello(s.serverHello());
  s.sendFlight(cert, SignatureScheme.ecdsa_secp256r1_sha256);
  assert.ok(s.completed);
});
