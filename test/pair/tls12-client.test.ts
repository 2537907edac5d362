// Our TLS 1.2 client against a scripted TLS 1.2 server (test/helpers/tls12-scripted-server.ts) that
// sends what a correct server would not. The first tests show that the unchanged script completes,
// so each failure below is caused by the one thing its test changes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ClientConfig } from '../../src/client/config.js';
import { Tls12CipherSuite } from '../../src/crypto/suites.js';
import {
  AlertDescription,
  AlertLevel,
  CipherSuite,
  ClientCertificateType,
  ContentType,
  NamedGroup,
  ProtocolVersion,
  SignatureScheme,
  alertName,
} from '../../src/wire/codes.js';
import { TLSError } from '../../src/errors.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import { certifiedKey, clientFor, serverCertificate } from '../helpers/endpoints.js';
import { runs } from '../helpers/fuzz.js';
import { cachedPki, issueCertificate } from '../helpers/pki.js';
import { record } from '../helpers/records.js';
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, Tls12ScriptedServer } from '../helpers/tls12-scripted-server.js';

const pki = cachedPki();
const cert = serverCertificate(pki);
const rsaPki = cachedPki({ leafKeyType: 'rsa-2048' });
const rsaCert = serverCertificate(rsaPki);

/** TLS 1.2 and 1.3 offered; x25519 and P-256 only; one TLS 1.3 and two TLS 1.2 suites. */
const config = clientFor(pki, {
  minVersion: 'TLSv1.2',
  groups: [NamedGroup.x25519, NamedGroup.secp256r1],
  cipherSuites: [
    CipherSuite.TLS_AES_128_GCM_SHA256,
    Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  ],
});
const tls12Only: ClientConfig = { ...config, maxVersion: 'TLSv1.2' };

/** The client failed with `alert`, detected by itself, and sent it as a fatal alert. */
function rejects(s: Tls12ScriptedServer, alert: number): void {
  const error = s.failure;
  assert.ok(error, 'the client failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(error.fromPeer, false);
  assert.equal(s.alerts[0] === undefined ? 'no alert' : alertName(s.alerts[0]), alertName(alert), 'the alert on the wire');
  assert.equal(s.alertLevels[0], AlertLevel.fatal, 'a fatal alert');
  assert.equal(s.client.handshakeComplete, false);
}

/** ServerHello, Certificate and a correct ServerKeyExchange, then `next`. */
function upToServerKeyExchange(s: Tls12ScriptedServer): void {
  s.sendHello(s.serverHello());
  s.send(s.certificate(cert));
  s.send(s.serverKeyExchange(cert));
}

describe('the script itself', () => {
  test('a correct TLS 1.2 server completes the handshake, with EMS, and data flows both ways', () => {
    const s = new Tls12ScriptedServer(config);
    assert.deepEqual(s.clientHello.extensions.supported_versions, [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2]);
    s.sendHello(s.serverHello());
    s.completeHandshake(cert);
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
    const info = s.client.handshakeInfo!;
    assert.equal(info.version, 'TLSv1.2');
    assert.equal(info.cipherSuiteName, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    assert.equal(info.groupName, 'x25519');
    assert.equal(info.signatureSchemeName, 'ecdsa_secp256r1_sha256');
    assert.equal(info.extendedMasterSecret, true);
    assert.equal(info.encryptThenMac, false);
    assert.equal(info.authorized, true);
    assert.equal(info.verifiedChain.length, 3);

    s.client.write(new TextEncoder().encode('ping'));
    s.collect();
    assert.equal(Buffer.concat(s.applicationData).toString(), 'ping');
    s.sendRecord(ContentType.application_data, new TextEncoder().encode('pong'));
    assert.equal(s.receivedText, 'pong');
  });

  test('without extended_master_secret in the ServerHello: RFC 5246 §8.1 master secret, reported as such', () => {
    const s = new Tls12ScriptedServer(config);
    const sh = s.serverHello();
    delete sh.extensions.extended_master_secret;
    s.sendHello(sh);
    s.completeHandshake(cert);
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.extendedMasterSecret, false);
  });

  test('a TLS 1.2-only client sends neither supported_versions nor key_share, and completes', () => {
    const s = new Tls12ScriptedServer(tls12Only);
    assert.equal(s.clientHello.extensions.supported_versions, undefined);
    assert.equal(s.clientHello.extensions.key_share, undefined);
    assert.equal(s.clientHello.legacy_session_id.length, 0);
    assert.equal(s.clientHello.extensions.extended_master_secret, true);
    assert.deepEqual(s.clientHello.extensions.renegotiation_info, new Uint8Array(0));
    s.sendHello(s.serverHello());
    s.completeHandshake(cert);
    assert.ok(s.completed);
  });

  test('a CertificateRequest is answered with our chain and a CertificateVerify over every message before it', () => {
    const clientCert = issueCertificate({ commonName: 'tls12 client', keyType: 'ecdsa-p256', days: 30 }, pki.intermediate);
    const ours = certifiedKey(clientCert, pki.intermediate);
    const s = new Tls12ScriptedServer({ ...config, certificate: { chain: ours.chain, key: ours.key } });
    upToServerKeyExchange(s);
    s.send({
      type: 'certificate_request_tls12',
      certificate_types: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign],
      supported_signature_algorithms: [SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.ecdsa_secp256r1_sha256],
      certificate_authorities: [],
    });
    s.send(s.serverHelloDone());
    assert.equal(s.failure, undefined);
    assert.ok(s.clientCertificateVerified, 'the CertificateVerify verified');
    assert.ok(s.clientFinishedVerified);
    s.sendChangeCipherSpec();
    s.send(s.finished());
    assert.ok(s.completed);
  });

  test('a CertificateRequest for a certificate type we do not have gets an empty Certificate and no CertificateVerify', () => {
    const clientCert = issueCertificate({ commonName: 'tls12 client', keyType: 'ecdsa-p256', days: 30 }, pki.intermediate);
    const ours = certifiedKey(clientCert);
    const s = new Tls12ScriptedServer({ ...config, certificate: { chain: ours.chain, key: ours.key } });
    upToServerKeyExchange(s);
    s.send({
      type: 'certificate_request_tls12',
      certificate_types: [ClientCertificateType.rsa_sign],
      supported_signature_algorithms: [SignatureScheme.rsa_pkcs1_sha256],
      certificate_authorities: [],
    });
    s.send(s.serverHelloDone());
    assert.equal(s.failure, undefined);
    const sent = s.received.map((m) => m[0]);
    // Certificate(11) empty, ClientKeyExchange(16), Finished(20); no CertificateVerify(15).
    assert.deepEqual(sent.slice(1), [11, 16, 20]);
    assert.equal(s.received[1]!.length, 4 + 3, 'an empty certificate_list');
    s.sendChangeCipherSpec();
    s.send(s.finished());
    assert.ok(s.completed);
  });

  test('a HelloRequest during the handshake is ignored and kept out of the transcript (RFC 5246 §7.4.1.1)', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.send(s.certificate(cert));
    // Sent outside send(): not part of the transcript.
    s.sendRaw(Uint8Array.of(ContentType.handshake, 3, 3, 0, 4, 0, 0, 0, 0));
    s.send(s.serverKeyExchange(cert));
    s.send(s.serverHelloDone());
    s.sendChangeCipherSpec();
    s.send(s.finished());
    assert.equal(s.failure, undefined);
    assert.ok(s.completed);
  });
});

describe('ServerHello', () => {
  for (const [name, sentinel] of [
    ['TLS 1.2', DOWNGRADE_TLS12],
    ['TLS 1.1', DOWNGRADE_TLS11],
  ] as const) {
    test(`the RFC 8446 §4.1.3 ${name} downgrade sentinel, when we offered TLS 1.3: illegal_parameter`, () => {
      const s = new Tls12ScriptedServer(config);
      const sh = s.serverHello();
      sh.random.set(sentinel, 24);
      s.sendHello(sh);
      rejects(s, AlertDescription.illegal_parameter);
    });
  }

  test('the same sentinel is no downgrade to a TLS 1.2-only client, which completes', () => {
    const s = new Tls12ScriptedServer(tls12Only);
    const sh = s.serverHello();
    sh.random.set(DOWNGRADE_TLS12, 24);
    s.sendHello(sh);
    s.completeHandshake(cert);
    assert.ok(s.completed);
  });

  test('a non-empty renegotiation_info on an initial handshake: handshake_failure (RFC 5746 §3.4)', () => {
    const s = new Tls12ScriptedServer(config);
    const sh = s.serverHello();
    sh.extensions.renegotiation_info = new Uint8Array(24).fill(7);
    s.sendHello(sh);
    rejects(s, AlertDescription.handshake_failure);
  });

  test('no renegotiation_info at all (a legacy server) is accepted', () => {
    const s = new Tls12ScriptedServer(config);
    const sh = s.serverHello();
    delete sh.extensions.renegotiation_info;
    s.sendHello(sh);
    s.completeHandshake(cert);
    assert.ok(s.completed);
  });

  test('an extension we did not offer: unsupported_extension (RFC 5246 §7.4.1.4)', () => {
    const s = new Tls12ScriptedServer(config);
    const sh = s.serverHello();
    sh.extensions.unknown.push({ type: 0x7a7a, data: new Uint8Array(0) });
    s.sendHello(sh);
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('session_ticket, which we did not offer (tickets: false): unsupported_extension', () => {
    const s = new Tls12ScriptedServer({ ...config, tickets: false });
    assert.equal(s.clientHello.extensions.session_ticket, undefined, 'not offered');
    s.sendHello({ ...s.serverHello(), extensions: { ...s.serverHello().extensions, session_ticket: true } });
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('encrypt_then_mac when we offered no CBC suite: unsupported_extension', () => {
    const s = new Tls12ScriptedServer(config);
    assert.equal(s.clientHello.extensions.encrypt_then_mac, undefined, 'not offered');
    s.sendHello({ ...s.serverHello(), extensions: { ...s.serverHello().extensions, encrypt_then_mac: true } });
    rejects(s, AlertDescription.unsupported_extension);
  });

  test('a TLS 1.2 suite we did not offer: illegal_parameter', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello(Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a TLS 1.3 suite in a TLS 1.2 ServerHello: illegal_parameter', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello(CipherSuite.TLS_AES_128_GCM_SHA256));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('server_version 0x0302 (TLS 1.1): protocol_version', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), server_version: ProtocolVersion.TLS1_1 });
    rejects(s, AlertDescription.protocol_version);
  });

  test('ec_point_formats without uncompressed: illegal_parameter (RFC 8422 §5.2)', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), extensions: { ...s.serverHello().extensions, ec_point_formats: [1] } });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('compression: illegal_parameter', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), compression_method: 1 });
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('echoing our (random, compatibility-mode) session ID, i.e. resuming what we never offered: illegal_parameter', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello({ ...s.serverHello(), session_id: s.clientHello.legacy_session_id });
    rejects(s, AlertDescription.illegal_parameter);
  });
});

describe('Certificate and ServerKeyExchange', () => {
  test('an ECDSA suite with an RSA certificate: illegal_parameter', () => {
    const s = new Tls12ScriptedServer({ ...config, verifier: clientFor(rsaPki).verifier });
    s.sendHello(s.serverHello());
    s.send(s.certificate(rsaCert));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('an ECDHE_RSA suite with its RSA certificate and a PKCS#1 signature completes (rsa_pkcs1 offered for TLS 1.2)', () => {
    const s = new Tls12ScriptedServer({ ...config, verifier: clientFor(rsaPki).verifier });
    assert.ok(s.clientHello.extensions.signature_algorithms!.includes(SignatureScheme.rsa_pkcs1_sha256));
    s.sendHello(s.serverHello(Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
    s.completeHandshake(rsaCert, { scheme: SignatureScheme.rsa_pkcs1_sha256 });
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.signatureSchemeName, 'rsa_pkcs1_sha256');
  });

  test('a ServerKeyExchange in an RSA key exchange suite: unexpected_message', () => {
    const s = new Tls12ScriptedServer({
      ...config,
      verifier: clientFor(rsaPki).verifier,
      cipherSuites: [Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256],
    });
    s.sendHello(s.serverHello(Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256));
    s.send(s.certificate(rsaCert));
    assert.equal(s.failure, undefined, 'the RSA certificate fits');
    s.send(s.serverKeyExchange(rsaCert, { scheme: SignatureScheme.rsa_pss_rsae_sha256 }));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('RSA key exchange with an ECDSA certificate: illegal_parameter', () => {
    const s = new Tls12ScriptedServer({ ...config, cipherSuites: [Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256] });
    s.sendHello(s.serverHello(Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256));
    s.send(s.certificate(cert));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a tampered ServerKeyExchange signature: decrypt_error', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.send(s.certificate(cert));
    s.send(s.serverKeyExchange(cert, { tamperSignature: true }));
    rejects(s, AlertDescription.decrypt_error);
  });

  test('a ServerKeyExchange for a group we did not offer (secp384r1): illegal_parameter', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.send(s.certificate(cert));
    s.send(s.serverKeyExchange(cert, { group: NamedGroup.secp384r1 }));
    rejects(s, AlertDescription.illegal_parameter);
  });

  test('a ServerKeyExchange for P-256, which we offered, completes', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.completeHandshake(cert, { group: NamedGroup.secp256r1 });
    assert.ok(s.completed);
    assert.equal(s.client.handshakeInfo!.groupName, 'secp256r1');
  });

  test('a ServerHelloDone without a ServerKeyExchange in an ECDHE suite: unexpected_message', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.send(s.certificate(cert));
    s.send(s.serverHelloDone());
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a ServerHelloDone with a body: decode_error', () => {
    const s = new Tls12ScriptedServer(config);
    upToServerKeyExchange(s);
    s.send(Uint8Array.of(14, 0, 0, 1, 0));
    rejects(s, AlertDescription.decode_error);
  });
});

describe('ChangeCipherSpec and Finished', () => {
  test("the server's Finished before its ChangeCipherSpec: unexpected_message", () => {
    const s = new Tls12ScriptedServer(config);
    upToServerKeyExchange(s);
    s.send(s.serverHelloDone());
    assert.ok(s.clientFinishedVerified);
    s.send(s.finished());
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a ChangeCipherSpec before ServerHelloDone (early CCS): unexpected_message', () => {
    const s = new Tls12ScriptedServer(config);
    upToServerKeyExchange(s);
    s.sendRaw(Uint8Array.of(ContentType.change_cipher_spec, 3, 3, 0, 1, 1));
    rejects(s, AlertDescription.unexpected_message);
  });

  test('a Finished over a modified transcript: decrypt_error', () => {
    const s = new Tls12ScriptedServer(config);
    upToServerKeyExchange(s);
    s.send(s.serverHelloDone());
    s.sendChangeCipherSpec();
    const modified = s.messages.map((m) => m.slice());
    modified[1]![10]! ^= 0x01; // one byte of the ServerHello's random
    s.send(s.finished(modified));
    rejects(s, AlertDescription.decrypt_error);
  });

  test('an unsolicited NewSessionTicket: unexpected_message', () => {
    const s = new Tls12ScriptedServer(config);
    upToServerKeyExchange(s);
    s.send(s.serverHelloDone());
    s.send({ type: 'new_session_ticket_tls12', ticket_lifetime_hint: 300, ticket: new Uint8Array(32) });
    rejects(s, AlertDescription.unexpected_message);
  });
});

describe('after the handshake', () => {
  test('a HelloRequest gets a warning no_renegotiation, and the connection still carries data', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.completeHandshake(cert);
    assert.ok(s.completed);
    s.sendRecord(ContentType.handshake, encodeHandshake({ type: 'hello_request' }));
    assert.equal(s.failure, undefined);
    assert.deepEqual(s.alerts, [AlertDescription.no_renegotiation]);
    assert.deepEqual(s.alertLevels, [AlertLevel.warning]);
    assert.ok(s.client.open);
    s.sendRecord(ContentType.application_data, new TextEncoder().encode('still here'));
    assert.equal(s.receivedText, 'still here');
    s.client.write(new TextEncoder().encode('me too'));
    s.collect();
    assert.equal(Buffer.concat(s.applicationData).toString(), 'me too');
  });

  test('any other handshake message after the handshake: unexpected_message', () => {
    const s = new Tls12ScriptedServer(config);
    s.sendHello(s.serverHello());
    s.completeHandshake(cert);
    s.sendRecord(ContentType.handshake, encodeHandshake(s.serverHelloDone()));
    const error = s.failure;
    assert.equal(error && alertName(error.alert), 'unexpected_message');
  });
});

describe('mutated server flights', () => {
  /** A correct ServerHello .. ServerHelloDone for this client, as one plaintext record. */
  function flight(s: Tls12ScriptedServer): Uint8Array {
    const sh = s.serverHello();
    s.adopt(sh);
    return record(ContentType.handshake, s.encode(sh, s.certificate(cert), s.serverKeyExchange(cert), s.serverHelloDone()));
  }

  test('the unmutated flight is answered with the client flight', () => {
    const s = new Tls12ScriptedServer(config);
    s.client.receive(flight(s));
    assert.equal(s.failure, undefined);
    assert.ok(s.clientChangedCipherSpec);
    assert.ok(s.clientFinishedVerified);
  });

  test('one changed or deleted byte fails with a TLSError that is never internal_error', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, xor, remove) => {
        const s = new Tls12ScriptedServer(config);
        const content = flight(s).subarray(5); // the record header is the record tests' business
        const i = at % content.length;
        let changed: Uint8Array;
        if (remove) {
          changed = new Uint8Array(content.length - 1);
          changed.set(content.subarray(0, i));
          changed.set(content.subarray(i + 1), i);
        } else {
          changed = content.slice();
          changed[i]! ^= xor;
        }
        const mutated = record(ContentType.handshake, changed);
        try {
          s.client.receive(mutated);
        } catch (err) {
          assert.fail(`receive() threw ${String(err)}`);
        }
        // Read the client directly: the script's own view of the keys no longer matches it.
        const failed = s.client.takeEvents().filter((e) => e.type === 'failed');
        assert.ok(failed.length <= 1, 'at most one failure');
        const error = failed[0]?.type === 'failed' ? failed[0].error : undefined;
        if (!error) return; // a byte nobody checks before the Finished (a random, an EMS echo …), or waiting for more
        assert.ok(error instanceof TLSError);
        assert.notEqual(error.alertName, 'internal_error', error.message);
      }),
      runs(150),
    );
  });
});
