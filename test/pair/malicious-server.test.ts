// A real client against a scripted server that sends what a correct server would not. Each test
// starts from the correct message and changes one thing, and the first tests show that the
// unchanged script completes, so a failure below is caused by that one change.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertDescription, CipherSuite, ContentType, ExtensionType, NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { certificateVerifyContent } from '../../src/handshake/signed-content.js';
import { finishedVerifyData, trafficKeys } from '../../src/tls13/key-schedule.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import type { Certificate, CertificateRequest, CertificateVerify, Finished } from '../../src/wire/types.js';
import { certifiedKey, clientFor, serverCertificate } from '../helpers/endpoints.js';
import { received } from '../helpers/pair.js';
import { concat } from '../helpers/records.js';
import { cachedPki, issueCertificate, provider } from '../helpers/pki.js';
import { ScriptedServer } from '../helpers/scripted.js';

const pki = cachedPki();
const cert = serverCertificate(pki);
const ECDSA = SignatureScheme.ecdsa_secp256r1_sha256;
/** Offers x25519 (with a share) and secp256r1, secp384r1 (without), and two of the three suites. */
const config = clientFor(pki, {
  groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
  keyShareGroups: [NamedGroup.x25519],
  cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
});

/** The client failed with `alert` and sent that alert (read from its output, decrypted when protected). */
function rejects(s: ScriptedServer, alert: number): void {
  const error = s.failure;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(error.fromPeer, false);
  assert.equal(s.alert === undefined ? 'no alert' : alertName(s.alert), alertName(alert), 'the alert on the wire');
  assert.equal(s.alertLevels[0], 2, 'a fatal alert');
  assert.equal(s.client.handshakeComplete, false);
}

describe('the script itself', () => {
  test('a correct ServerHello and flight complete the handshake', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendFlight(cert, ECDSA);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
  });

  test('a correct HelloRetryRequest, ServerHello and flight complete the handshake', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1));
    s.sendHello(s.serverHello());
    s.sendFlight(cert, ECDSA);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.helloRetryRequest, true);
  });
});

describe('ServerHello', () => {
  test('an unoffered cipher suite: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), cipher_suite: CipherSuite.TLS_AES_256_GCM_SHA384 });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a cipher suite that is not TLS 1.3: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), cipher_suite: 0xc02f });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a wrong legacy_session_id_echo: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    const echo = sh.legacy_session_id_echo.slice();
    echo[0]! ^= 1;
    s.sendHello({ ...sh, legacy_session_id_echo: echo });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('an empty legacy_session_id_echo: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), legacy_session_id_echo: new Uint8Array(0) });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('supported_versions missing, to a TLS 1.3-only client: protocol_version', () => {
    const s = new ScriptedServer({ ...config, minVersion: 'TLSv1.3' });
    const sh = s.serverHello();
    const { supported_versions: _, ...rest } = sh.extensions;
    s.sendHello({ ...sh, extensions: rest });
    rejects(s, AlertDescription.protocol_version);
  });

  test('supported_versions missing, to a client offering 1.2, with a TLS 1.3 suite: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    const { supported_versions: _, ...rest } = sh.extensions;
    s.sendHello({ ...sh, extensions: rest });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('supported_versions selecting TLS 1.2: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    s.sendHello({ ...sh, extensions: { ...sh.extensions, supported_versions: 0x0303 } });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a non-null compression method: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), legacy_compression_method: 1 });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a key_share for a group we sent no share for: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    // secp256r1 was offered in supported_groups, but without a share.
    s.sendHello(s.serverHello({ group: NamedGroup.secp256r1 }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a key_share for a group we never offered: illegal_parameter', () => {
    const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519] }));
    s.sendHello(s.serverHello({ group: NamedGroup.secp384r1 }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('key_share missing: missing_extension', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    const { key_share: _, ...rest } = sh.extensions;
    s.sendHello({ ...sh, extensions: rest });
    rejects(s, AlertDescription.missing_extension);
  });

  test('an extension we did not offer: unsupported_extension', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    s.sendHello({ ...sh, extensions: { ...sh.extensions, unknown: [{ type: 0x1234, data: new Uint8Array(0) }] } });
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('a known extension that a ServerHello may not carry (ALPN): illegal_parameter', () => {
    const s = new ScriptedServer(clientFor(pki, { alpnProtocols: ['h2'] }));
    const sh = s.serverHello();
    const alpn = Uint8Array.of(0, 3, 2, 0x68, 0x32);
    s.sendHello({ ...sh, extensions: { ...sh.extensions, unknown: [{ type: ExtensionType.application_layer_protocol_negotiation, data: alpn }] } });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('the same extension twice: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    s.sendHello({ ...sh, extensions: { ...sh.extensions, unknown: [{ type: ExtensionType.supported_versions, data: Uint8Array.of(3, 4) }] } });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('an invalid x25519 share (all zeros, a low-order point): illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    s.sendHello({ ...sh, extensions: { ...sh.extensions, key_share: { group: NamedGroup.x25519, key_exchange: new Uint8Array(32) } } });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a second ServerHello after the first: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.serverHello());
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('HelloRetryRequest', () => {
  test('selecting a group we already sent a share for: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.x25519));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('selecting a group we did not offer: illegal_parameter', () => {
    const s = new ScriptedServer(clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] }));
    s.sendHello(s.helloRetryRequest(NamedGroup.secp384r1));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('changing nothing (no key_share, no cookie): illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    const { key_share: _, ...rest } = hrr.extensions;
    s.sendHello({ ...hrr, extensions: rest });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('with an unoffered cipher suite: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1, CipherSuite.TLS_AES_256_GCM_SHA384));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a wrong legacy_session_id_echo: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello({ ...hrr, legacy_session_id_echo: new Uint8Array(32) });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('without supported_versions: protocol_version', () => {
    const s = new ScriptedServer(config);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello({ ...hrr, extensions: { key_share: NamedGroup.secp256r1, unknown: [] } });
    rejects(s, AlertDescription.protocol_version);
  });

  test('with a key_share and a cookie: the second ClientHello has the new share and echoes the cookie', () => {
    const s = new ScriptedServer(config);
    const cookie = Uint8Array.of(1, 2, 3, 4);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello({ ...hrr, extensions: { ...hrr.extensions, cookie } });
    assert.equal(s.failure, undefined);
    assert.deepEqual(s.clientHello.extensions.cookie, cookie);
    assert.deepEqual(s.clientHello.extensions.key_share?.map((k) => k.group), [NamedGroup.secp256r1]);
  });

  test('with an extension we did not offer: unsupported_extension', () => {
    const s = new ScriptedServer(config);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello({ ...hrr, extensions: { ...hrr.extensions, unknown: [{ type: 0x4321, data: new Uint8Array(0) }] } });
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('a second HelloRetryRequest: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1));
    assert.equal(s.failure, undefined, 'the first one is accepted');
    s.sendHello(s.helloRetryRequest(NamedGroup.secp384r1));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a ServerHello after it with a different cipher suite: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1, CipherSuite.TLS_AES_128_GCM_SHA256));
    s.sendHello(s.serverHello({ suite: CipherSuite.TLS_CHACHA20_POLY1305_SHA256 }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a ServerHello after it with a share for the original group instead of the requested one: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.helloRetryRequest(NamedGroup.secp256r1));
    s.sendHello(s.serverHello({ group: NamedGroup.x25519 }));
    rejects(s, AlertDescription.illegal_parameter);
  });
});

describe('the encrypted flight', () => {
  test('Finished before Certificate: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), s.finished());
    rejects(s, AlertDescription.unexpected_message);
  });

  test('Finished right after the ServerHello: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.finished());
    rejects(s, AlertDescription.unexpected_message);
  });

  test('CertificateVerify without Certificate: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions());
    s.sendEncrypted(s.certificateVerify(cert, ECDSA));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('an empty Certificate: decode_error', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), { ...s.certificate(cert), certificate_list: [] });
    rejects(s, AlertDescription.decode_error);
  });

  test('a CertificateVerify signature that does not verify: decrypt_error', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), s.certificate(cert));
    const cv = s.certificateVerify(cert, ECDSA);
    const signature = cv.signature.slice();
    signature[signature.length - 3]! ^= 0x10;
    s.sendEncrypted({ ...cv, signature });
    rejects(s, AlertDescription.decrypt_error);
  });

  test('a CertificateVerify with a scheme we did not offer: illegal_parameter', () => {
    const s = new ScriptedServer(clientFor(pki, { signatureSchemes: [ECDSA] }));
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), s.certificate(cert));
    // rsa_pkcs1_sha256 is never valid for TLS 1.3 CertificateVerify (RFC 8446 §4.2.3).
    s.sendEncrypted({ type: 'certificate_verify', algorithm: SignatureScheme.rsa_pkcs1_sha256, signature: new Uint8Array(64) });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a Finished that does not match the transcript: decrypt_error', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), s.certificate(cert));
    s.sendEncrypted(s.certificateVerify(cert, ECDSA));
    const fin = s.finished();
    const verify_data = fin.verify_data.slice();
    verify_data[0]! ^= 1;
    s.sendEncrypted({ ...fin, verify_data });
    rejects(s, AlertDescription.decrypt_error);
  });

  test('an unsolicited ALPN in EncryptedExtensions: unsupported_extension', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('an ALPN protocol we did not offer: illegal_parameter', () => {
    const s = new ScriptedServer(clientFor(pki, { alpnProtocols: ['http/1.1'] }));
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions({ alpn: 'h2' }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('an unknown extension in EncryptedExtensions: unsupported_extension', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions({ unknown: [{ type: 0x7777, data: new Uint8Array(0) }] }));
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('a key_share in EncryptedExtensions (a ServerHello-only extension): illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions({ unknown: [{ type: ExtensionType.key_share, data: Uint8Array.of(0, 0x1d, 0, 1, 9) }] }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('an OCSP status in the Certificate we did not ask for: unsupported_extension', () => {
    // RFC 8446 §4.4.2: extensions in the server's Certificate "MUST correspond to ones from the
    // ClientHello"; this ClientHello has no status_request (§4.2: unsupported_extension).
    const s = new ScriptedServer({ ...config, requestOCSP: false });
    s.sendHello(s.serverHello());
    const c = s.certificate(cert);
    const withStatus = {
      ...c,
      certificate_list: c.certificate_list.map((e, i) => (i === 0 ? { ...e, extensions: { unknown: [], status_request: Uint8Array.of(0x30, 0) } } : e)),
    };
    s.sendEncrypted(s.encryptedExtensions(), withStatus);
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('handshake messages spanning the key change (ServerHello and EncryptedExtensions in one plaintext record): unexpected_message', () => {
    const s = new ScriptedServer(config);
    const sh = s.serverHello();
    // RFC 8446 §5.1: a message boundary must line up with the key change; the client must not
    // read the rest of the record as if it were protected, nor accept it in plaintext.
    s.sendHello(sh, s.encryptedExtensions());
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('what the client sends in answer to a HelloRetryRequest', () => {
  test('the second ClientHello changes only the key share: same random, session id, suites and extensions otherwise', () => {
    const s = new ScriptedServer(config);
    const first = s.clientHello;
    s.sendHello(s.helloRetryRequest(NamedGroup.secp384r1));
    assert.equal(s.failure, undefined);
    const second = s.clientHello;
    assert.notEqual(second, first);
    assert.deepEqual(second.random, first.random);
    assert.deepEqual(second.legacy_session_id, first.legacy_session_id);
    assert.deepEqual(second.cipher_suites, first.cipher_suites);
    assert.deepEqual(second.extensions.key_share?.map((k) => k.group), [NamedGroup.secp384r1]);
    const { key_share: _a, ...restFirst } = first.extensions;
    const { key_share: _b, ...restSecond } = second.extensions;
    assert.deepEqual(restSecond, restFirst);
  });

  test('a cookie-only HelloRetryRequest: the second ClientHello echoes the cookie and keeps its share', () => {
    const s = new ScriptedServer(config);
    const first = s.clientHello;
    const cookie = Uint8Array.from({ length: 40 }, (_, i) => i);
    const hrr = s.helloRetryRequest(NamedGroup.secp256r1);
    s.sendHello({ ...hrr, extensions: { supported_versions: hrr.extensions.supported_versions!, cookie, unknown: [] } });
    assert.equal(s.failure, undefined);
    assert.deepEqual(s.clientHello.extensions.cookie, cookie);
    assert.deepEqual(s.clientHello.extensions.key_share, first.extensions.key_share);
    s.sendHello(s.serverHello());
    s.sendFlight(cert, ECDSA);
    assert.ok(s.completed);
  });
});

describe('a CertificateRequest (client authentication)', () => {
  /** The client's second flight, decoded, checked against the script's transcript. */
  function clientFlight(s: ScriptedServer) {
    assert.equal(s.failure, undefined); // collects the client's output
    const messages = s.received.slice(1).map((raw) => ({ raw, msg: decodeHandshakeMessage(raw) }));
    return messages;
  }

  test('without a certificate of its own, the client answers with an empty Certificate and a valid Finished', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions());
    s.sendEncrypted(certificateRequest());
    s.sendFlight(cert, ECDSA, { skipEncryptedExtensions: true });
    assert.ok(s.completed, s.failure?.message);
    const flight = clientFlight(s);
    assert.deepEqual(flight.map((m) => m.msg.type), ['certificate', 'finished']);
    const c = flight[0]!.msg as Certificate;
    assert.equal(c.certificate_list.length, 0);
    assert.equal(c.certificate_request_context.length, 0);
    s.transcript.add(flight[0]!.raw);
    const expected = finishedVerifyData(provider, s.suite!, s.clientHandshakeSecret!, s.transcript.current());
    assert.deepEqual((flight[1]!.msg as Finished).verify_data, expected);
  });

  test('with a certificate, the client sends it, a CertificateVerify that verifies, and a valid Finished', () => {
    const clientCert = certifiedKey(issueCertificate({ commonName: 'client', keyType: 'ecdsa-p384' }, pki.intermediate), pki.intermediate);
    const s = new ScriptedServer({ ...config, certificate: { chain: clientCert.chain, key: clientCert.key } });
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions());
    s.sendEncrypted(certificateRequest([SignatureScheme.ed25519, SignatureScheme.ecdsa_secp384r1_sha384]));
    s.sendFlight(cert, ECDSA, { skipEncryptedExtensions: true });
    assert.ok(s.completed, s.failure?.message);
    const flight = clientFlight(s);
    assert.deepEqual(flight.map((m) => m.msg.type), ['certificate', 'certificate_verify', 'finished']);
    const c = flight[0]!.msg as Certificate;
    assert.deepEqual(c.certificate_list.map((e) => e.cert_data), clientCert.chain);
    s.transcript.add(flight[0]!.raw);
    const cv = flight[1]!.msg as CertificateVerify;
    assert.equal(cv.algorithm, SignatureScheme.ecdsa_secp384r1_sha384);
    assert.ok(clientCert.leaf.publicKey.verify(cv.algorithm, certificateVerifyContent('client', s.transcript.current()), cv.signature));
    s.transcript.add(flight[1]!.raw);
    const expected = finishedVerifyData(provider, s.suite!, s.clientHandshakeSecret!, s.transcript.current());
    assert.deepEqual((flight[2]!.msg as Finished).verify_data, expected);
  });

  test('with a non-empty certificate_request_context during the handshake: illegal_parameter', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), { ...certificateRequest(), certificate_request_context: Uint8Array.of(1) });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('without signature_algorithms: missing_extension', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), { type: 'certificate_request', certificate_request_context: new Uint8Array(0), extensions: { unknown: [] } });
    rejects(s, AlertDescription.missing_extension);
  });

  test('two CertificateRequests: unexpected_message', () => {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendEncrypted(s.encryptedExtensions(), certificateRequest(), certificateRequest());
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('after the handshake', () => {
  /** A client that completed against the script, which now writes under its application key. */
  function completed(): ScriptedServer {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.sendFlight(cert, ECDSA);
    assert.ok(s.completed);
    s.startApplicationData();
    return s;
  }
  const ticket = encodeHandshake({
    type: 'new_session_ticket',
    ticket_lifetime: 7200,
    ticket_age_add: 1,
    ticket_nonce: Uint8Array.of(0),
    ticket: new Uint8Array(100).fill(3),
    extensions: { unknown: [] },
  });

  test('application data and a NewSessionTicket are accepted, also a ticket split across records', () => {
    const s = completed();
    s.sendProtected(ContentType.application_data, new TextEncoder().encode('hello'));
    s.sendProtected(ContentType.handshake, ticket);
    s.sendProtected(ContentType.handshake, ticket.subarray(0, 50));
    s.sendProtected(ContentType.handshake, ticket.subarray(50));
    s.sendProtected(ContentType.application_data, new TextEncoder().encode(' world'));
    assert.equal(s.failure, undefined);
    assert.equal(received(s.events), 'hello world');
  });

  // RFC 8446 §5.1: "if a handshake message is split over two or more records, there MUST NOT be
  // any other records between them."
  test('application data between the fragments of a NewSessionTicket: unexpected_message', () => {
    const s = completed();
    s.sendProtected(ContentType.handshake, ticket.subarray(0, 50));
    s.sendProtected(ContentType.application_data, new TextEncoder().encode('interleaved'));
    s.sendProtected(ContentType.handshake, ticket.subarray(50));
    const error = s.failure;
    assert.ok(error, 'the client failed');
    assert.equal(alertName(error.alert), 'unexpected_message', error.message);
  });

  for (const [what, msg, alert] of [
    ['a CertificateRequest (post-handshake auth was not offered)', encodeHandshake(certificateRequest()), 'unexpected_message'],
    ['a second Finished', encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) }), 'unexpected_message'],
    ['a KeyUpdate with request_update 2', Uint8Array.of(24, 0, 0, 1, 2), 'illegal_parameter'],
    ['an EncryptedExtensions', encodeHandshake({ type: 'encrypted_extensions', extensions: { unknown: [] } }), 'unexpected_message'],
  ] as const) {
    test(`${what}: ${alert}`, () => {
      const s = completed();
      s.sendProtected(ContentType.handshake, msg);
      const error = s.failure;
      assert.ok(error, 'the client failed');
      assert.equal(alertName(error.alert), alert, error.message);
    });
  }
});

function certificateRequest(schemes: number[] = [ECDSA]): CertificateRequest {
  return { type: 'certificate_request', certificate_request_context: new Uint8Array(0), extensions: { signature_algorithms: schemes, unknown: [] } };
}

describe('protected records from the server', () => {
  /** A client that has the ServerHello, reading the script's handshake-protected records. */
  function afterServerHello(): ScriptedServer {
    const s = new ScriptedServer(config);
    s.sendHello(s.serverHello());
    return s;
  }
  /** A record under the server handshake key with a raw TLSInnerPlaintext (no checks on it). */
  function sealInner(s: ScriptedServer, inner: Uint8Array): Uint8Array {
    const { key, iv } = trafficKeys(provider, s.suite!, s.serverHandshakeSecret!);
    const aead = provider.createAead(s.suite!.aead, key);
    const header = Uint8Array.of(ContentType.application_data, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff);
    return concat([header, aead.seal(iv, header, inner)]); // sequence number 0: the nonce is the IV
  }
  const inner = (content: Uint8Array, type: number, padding = 0) => concat([content, Uint8Array.of(type), new Uint8Array(padding)]);

  test('the flight in one-byte protected records, and padded records, is reassembled and completes', () => {
    const s = afterServerHello();
    const ee = encodeHandshake(s.encryptedExtensions());
    s.transcript.add(ee);
    for (const byte of ee) s.sendProtected(ContentType.handshake, Uint8Array.of(byte));
    const c = encodeHandshake(s.certificate(cert));
    s.transcript.add(c);
    s.sendProtected(ContentType.handshake, c, 300);
    s.sendEncrypted(s.certificateVerify(cert, ECDSA));
    s.sendEncrypted(s.finished());
    assert.ok(s.completed, s.failure?.message);
  });

  for (const [what, bytes, alert] of [
    ['all zeros (no content type)', new Uint8Array(40), 'unexpected_message'],
    ['inner type change_cipher_spec', inner(Uint8Array.of(1), ContentType.change_cipher_spec), 'unexpected_message'],
    ['an unknown inner type', inner(Uint8Array.of(1, 2, 3), 99), 'unexpected_message'],
    ['an empty handshake record', inner(new Uint8Array(0), ContentType.handshake, 5), 'unexpected_message'],
    ['an alert of three bytes', inner(Uint8Array.of(2, 10, 0), ContentType.alert), 'decode_error'],
    ['inner plaintext of 2^14 + 2 bytes', inner(new Uint8Array((1 << 14) + 1).fill(8), ContentType.handshake), 'record_overflow'],
  ] as const) {
    test(`a protected record with ${what}: ${alert}`, () => {
      const s = afterServerHello();
      s.sendRaw(sealInner(s, bytes));
      const error = s.failure;
      assert.ok(error, 'the client failed');
      assert.equal(alertName(error.alert), alert, error.message);
      assert.equal(s.alert === undefined ? 'none' : alertName(s.alert), alert, 'the alert on the wire');
    });
  }

  test('a protected fatal alert from the server is reported as the peer’s', () => {
    const s = afterServerHello();
    s.sendProtected(ContentType.alert, Uint8Array.of(2, AlertDescription.internal_error));
    const error = s.failure;
    assert.ok(error);
    assert.equal(alertName(error.alert), 'internal_error');
    assert.equal(error.fromPeer, true);
    assert.deepEqual(s.alerts, [], 'no alert sent back');
  });

  test('a NewSessionTicket in the same record as the server Finished (spanning the key change): unexpected_message', () => {
    const s = afterServerHello();
    s.sendEncrypted(s.encryptedExtensions(), s.certificate(cert));
    s.sendEncrypted(s.certificateVerify(cert, ECDSA));
    s.sendEncrypted(s.finished(), {
      type: 'new_session_ticket',
      ticket_lifetime: 60,
      ticket_age_add: 0,
      ticket_nonce: new Uint8Array(0),
      ticket: Uint8Array.of(1),
      extensions: { unknown: [] },
    });
    const error = s.failure;
    assert.ok(error, 'the client failed');
    assert.equal(alertName(error.alert), 'unexpected_message', error.message);
  });
});
