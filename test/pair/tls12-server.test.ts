// The TLS 1.2 server (src/server/tls12.ts) against a scripted TLS 1.2 client
// (test/helpers/tls12-server-client.ts): version selection (RFC 8446 §4.2.1, §4.1.3; RFC 7507),
// suite, group and certificate choice, each key exchange, client authentication, and the alert
// for each way a client can go wrong — including RSA key exchange's Bleichenbacher countermeasure
// (RFC 5246 §7.4.7.1), which must fail only at the Finished.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tls12SuiteByName } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import { DOWNGRADE_TLS12_SENTINEL } from '../../src/server/hello.js';
import type { ServerConfig } from '../../src/server/config.js';
import { MAX_REFUSED_RENEGOTIATIONS } from '../../src/server/tls12.js';
import {
  AlertDescription,
  AlertLevel,
  CipherSuite,
  ContentType,
  NamedGroup,
  ProtocolVersion,
  SignatureScheme,
  alertName,
} from '../../src/wire/codes.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import type { HandshakeInfo } from '../../src/events.js';
import { certifiedKey, serverCertificate, serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { type Pki, cachedPki } from '../helpers/pki.js';
import { ScriptedTls12Client } from '../helpers/tls12-server-client.js';

const ecdsaPki = cachedPki({ leafKeyType: 'ecdsa-p256' });
const rsaPki = cachedPki({ leafKeyType: 'rsa-2048' });
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });
const strangerPki = cachedPki({ leafCommonName: 'stranger', leafDnsNames: [], leafIps: [], root: { commonName: 'stranger root CA' } });

const suiteId = (name: string): number => {
  const suite = tls12SuiteByName(name);
  assert.ok(suite, name);
  return suite.id;
};
const ECDHE_ECDSA_AES128_GCM = suiteId('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
const ECDHE_RSA_AES128_GCM = suiteId('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
const ECDHE_RSA_AES128_CBC_SHA256 = suiteId('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256');
const DHE_RSA_AES128_GCM = suiteId('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
const RSA_AES128_GCM = suiteId('TLS_RSA_WITH_AES_128_GCM_SHA256');
const RSA_AES256_CBC_SHA = suiteId('TLS_RSA_WITH_AES_256_CBC_SHA');

/** A TLS 1.2 + 1.3 server for `pki` (the TLS 1.3 maximum is the default). */
const server = (pki: Pki = ecdsaPki, overrides: Partial<ServerConfig> = {}): ServerConfig =>
  serverFor(pki, { minVersion: 'TLSv1.2', ...overrides });
/** Also the legacy suites, which must be configured to be used. */
const legacyServer = (overrides: Partial<ServerConfig> = {}): ServerConfig =>
  server(rsaPki, { cipherSuites: [0x1301, ECDHE_RSA_AES128_GCM, ECDHE_RSA_AES128_CBC_SHA256, DHE_RSA_AES128_GCM, RSA_AES128_GCM, RSA_AES256_CBC_SHA], ...overrides });

function completeInfo(c: ScriptedTls12Client): HandshakeInfo {
  const done = c.events.find((e) => e.type === 'handshake-complete');
  assert.ok(done && done.type === 'handshake-complete', `server completed: ${c.failure?.message}`);
  return done.info;
}

/** The server failed with `alert` and sent it (fatal); nothing else. */
function rejects(c: ScriptedTls12Client, alert: number): void {
  const err = c.failure;
  assert.ok(err, `server failed (expected ${alertName(alert)})`);
  assert.equal(err.alertName, alertName(alert), err.message);
  assert.deepEqual(c.alerts, [[AlertLevel.fatal, alert]]);
  assert.equal(c.completed, false);
}

/** A whole correct handshake with `suites` offered; returns the client after data went both ways. */
function handshake(config: ServerConfig, suites: readonly number[], extensions = {}): ScriptedTls12Client {
  const c = new ScriptedTls12Client(config);
  c.sendClientHello(c.clientHello({ cipher_suites: [...suites] }, extensions));
  assert.equal(c.failure, undefined, c.failure?.message);
  c.finishHandshake();
  assert.ok(c.serverChangedCipherSpec, 'server sent ChangeCipherSpec');
  assert.ok(c.serverFinishedVerified, 'server Finished verified');
  c.sendProtected(ContentType.application_data, Buffer.from('ping'));
  c.server.write(Buffer.from('pong'));
  c.collect();
  assert.equal(c.applicationData, 'pong');
  const data = c.events.filter((e) => e.type === 'data').map((e) => Buffer.from((e as { data: Uint8Array }).data).toString());
  assert.deepEqual(data, ['ping']);
  return c;
}

describe('TLS 1.2 server: full handshakes', () => {
  const cases: [string, () => ServerConfig, number, string][] = [
    ['ECDHE-ECDSA AES-128-GCM', () => server(ecdsaPki), ECDHE_ECDSA_AES128_GCM, 'x25519'],
    ['ECDHE-RSA AES-128-GCM', () => server(rsaPki), ECDHE_RSA_AES128_GCM, 'x25519'],
    ['ECDHE-RSA AES-128-CBC-SHA256 (configured)', () => legacyServer(), ECDHE_RSA_AES128_CBC_SHA256, 'x25519'],
    ['DHE-RSA AES-128-GCM over ffdhe2048', () => server(rsaPki), DHE_RSA_AES128_GCM, 'ffdhe2048'],
    ['RSA key exchange AES-128-GCM (configured)', () => legacyServer(), RSA_AES128_GCM, 'none'],
    ['RSA key exchange AES-256-CBC-SHA (configured)', () => legacyServer(), RSA_AES256_CBC_SHA, 'none'],
  ];
  for (const [name, config, suite, group] of cases) {
    test(`${name}: completes, data both ways, info says so`, () => {
      const c = handshake(config(), [suite]);
      const info = completeInfo(c);
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.cipherSuite, suite);
      assert.equal(info.groupName, group);
      assert.equal(info.extendedMasterSecret, true);
      assert.equal(c.serverHello!.extensions.extended_master_secret, true);
      // No session to resume: an empty session_id.
      assert.equal(c.serverHello!.session_id.length, 0);
    });
  }

  test('without extended_master_secret: the RFC 5246 §8.1 master secret, and info says so', () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM], { extended_master_secret: undefined });
    assert.equal(completeInfo(c).extendedMasterSecret, false);
    assert.equal(c.serverHello!.extensions.extended_master_secret, undefined);
  });

  test('encrypt_then_mac is acknowledged for a CBC suite only', () => {
    const cbc = handshake(legacyServer(), [ECDHE_RSA_AES128_CBC_SHA256], { encrypt_then_mac: true });
    assert.equal(cbc.serverHello!.extensions.encrypt_then_mac, true);
    assert.equal(completeInfo(cbc).encryptThenMac, true);
    const gcm = handshake(legacyServer(), [ECDHE_RSA_AES128_GCM], { encrypt_then_mac: true });
    assert.equal(gcm.serverHello!.extensions.encrypt_then_mac, undefined);
    assert.equal(completeInfo(gcm).encryptThenMac, false);
  });

  test('ServerHello answers only what was offered: renegotiation_info, ec_point_formats, ALPN, server_name', () => {
    const bare = handshake(server(), [ECDHE_ECDSA_AES128_GCM], { renegotiation_info: undefined, ec_point_formats: undefined, extended_master_secret: undefined });
    const x = bare.serverHello!.extensions;
    assert.deepEqual(
      [x.renegotiation_info, x.ec_point_formats, x.alpn, x.server_name, x.extended_master_secret, x.status_request],
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
    const full = handshake(server(ecdsaPki, { alpnProtocols: ['h2', 'http/1.1'] }), [ECDHE_ECDSA_AES128_GCM], {
      alpn: ['http/1.1'],
      server_name: 'localhost',
    });
    const y = full.serverHello!.extensions;
    assert.deepEqual(y.renegotiation_info, new Uint8Array(0));
    assert.deepEqual(y.ec_point_formats, [0]);
    assert.equal(y.alpn, 'http/1.1');
    assert.equal(y.server_name, true);
    assert.equal(completeInfo(full).alpnProtocol, 'http/1.1');
    assert.equal(completeInfo(full).serverName, 'localhost');
  });

  test('TLS_EMPTY_RENEGOTIATION_INFO_SCSV alone is answered with an empty renegotiation_info (RFC 5746 §3.6)', () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM, CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV], { renegotiation_info: undefined });
    assert.deepEqual(c.serverHello!.extensions.renegotiation_info, new Uint8Array(0));
  });

  test('an OCSP staple is announced in the ServerHello and sent in CertificateStatus after the Certificate', () => {
    const ocsp = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00);
    const config = server(ecdsaPki, { certificates: [{ ...serverCertificate(ecdsaPki), ocsp }] });
    const c = handshake(config, [ECDHE_ECDSA_AES128_GCM], { status_request: true });
    assert.equal(c.serverHello!.extensions.status_request, true);
    const types = c.fromServer.map((m) => m.type);
    assert.deepEqual(types.slice(0, 4), ['server_hello_tls12', 'certificate_tls12', 'certificate_status', 'server_key_exchange']);
    const status = c.fromServer[2]!;
    assert.ok(status.type === 'certificate_status');
    assert.deepEqual(status.ocsp_response, ocsp);
    // Not asked: no staple.
    const plain = handshake(config, [ECDHE_ECDSA_AES128_GCM]);
    assert.ok(!plain.fromServer.some((m) => m.type === 'certificate_status'));
  });

  test('the key log has the CLIENT_RANDOM line with the master secret', () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM]);
    const lines = c.events.filter((e) => e.type === 'keylog').map((e) => (e as { line: string }).line);
    assert.deepEqual(lines, [`CLIENT_RANDOM ${Buffer.from(c.random).toString('hex')} ${Buffer.from(c.master!).toString('hex')}`]);
  });
});

describe('TLS 1.2 server: choosing suite, group and certificate', () => {
  const chosen = (config: ServerConfig, suites: readonly number[], extensions = {}) => {
    const c = new ScriptedTls12Client(config);
    c.sendClientHello(c.clientHello({ cipher_suites: [...suites] }, extensions));
    return c;
  };

  test("the client's order by default, ours with honorCipherOrder", () => {
    const offered = [ECDHE_RSA_AES128_GCM, DHE_RSA_AES128_GCM];
    assert.equal(chosen(server(rsaPki), offered).suite!.id, ECDHE_RSA_AES128_GCM);
    assert.equal(chosen(server(rsaPki), [...offered].reverse()).suite!.id, DHE_RSA_AES128_GCM);
    const ours = server(rsaPki, { honorCipherOrder: true, cipherSuites: [0x1301, DHE_RSA_AES128_GCM, ECDHE_RSA_AES128_GCM] });
    assert.equal(chosen(ours, offered).suite!.id, DHE_RSA_AES128_GCM);
  });

  test('legacy suites are not chosen unless configured: RSA key exchange alone fails with handshake_failure', () => {
    rejects(chosen(server(rsaPki), [RSA_AES128_GCM, RSA_AES256_CBC_SHA]), AlertDescription.handshake_failure);
  });

  test('a suite needs a certificate of its kind: ECDSA suites are skipped with an RSA certificate', () => {
    assert.equal(chosen(server(rsaPki), [ECDHE_ECDSA_AES128_GCM, ECDHE_RSA_AES128_GCM]).suite!.id, ECDHE_RSA_AES128_GCM);
    rejects(chosen(server(rsaPki), [ECDHE_ECDSA_AES128_GCM]), AlertDescription.handshake_failure);
  });

  test('without signature_algorithms (the SHA-1 default, RFC 5246 §7.4.1.4.1) no signed suite is chosen', () => {
    rejects(chosen(server(rsaPki), [ECDHE_RSA_AES128_GCM, DHE_RSA_AES128_GCM], { signature_algorithms: undefined }), AlertDescription.handshake_failure);
    // RSA key exchange signs nothing.
    const c = chosen(legacyServer(), [ECDHE_RSA_AES128_GCM, RSA_AES128_GCM], { signature_algorithms: undefined });
    assert.equal(c.suite!.id, RSA_AES128_GCM);
    c.finishHandshake();
    assert.equal(completeInfo(c).signatureScheme, 0);
  });

  test('the ServerKeyExchange is signed with a scheme the client offered: PKCS#1 when it offers only that', () => {
    const c = chosen(server(rsaPki), [ECDHE_RSA_AES128_GCM], { signature_algorithms: [SignatureScheme.rsa_pkcs1_sha384] });
    c.finishHandshake();
    assert.equal(completeInfo(c).signatureSchemeName, 'rsa_pkcs1_sha384');
  });

  test("an ECDSA certificate whose curve is not in the client's supported_groups is not used (RFC 8422 §5.1.1)", () => {
    rejects(chosen(server(ecdsaPki), [ECDHE_ECDSA_AES128_GCM], { supported_groups: [NamedGroup.x25519] }), AlertDescription.handshake_failure);
  });

  test("ECDHE takes our first group the client lists; without supported_groups, P-256 (RFC 8422 §4)", () => {
    const listed = chosen(server(rsaPki), [ECDHE_RSA_AES128_GCM], { supported_groups: [NamedGroup.secp384r1, NamedGroup.secp256r1] });
    listed.finishHandshake();
    assert.equal(completeInfo(listed).groupName, 'secp256r1');
    const none = chosen(server(rsaPki), [ECDHE_RSA_AES128_GCM], { supported_groups: undefined });
    none.finishHandshake();
    assert.equal(completeInfo(none).groupName, 'secp256r1');
  });

  test('ec_point_formats without uncompressed is illegal_parameter (RFC 8422 §5.1.2)', () => {
    rejects(chosen(server(rsaPki), [ECDHE_RSA_AES128_GCM], { ec_point_formats: [1] }), AlertDescription.illegal_parameter);
  });

  test('DHE: a client listing only finite-field groups we do not accept gets no DHE suite (RFC 7919 §4)', () => {
    rejects(chosen(server(rsaPki), [DHE_RSA_AES128_GCM], { supported_groups: [NamedGroup.x25519, 0x0104] }), AlertDescription.handshake_failure);
    // One that lists none gets ffdhe2048; one that lists ffdhe3072 gets it.
    const none = chosen(server(rsaPki), [DHE_RSA_AES128_GCM], { supported_groups: [NamedGroup.x25519] });
    none.finishHandshake();
    assert.equal(completeInfo(none).groupName, 'ffdhe2048');
    const listed = chosen(server(rsaPki), [DHE_RSA_AES128_GCM], { supported_groups: [NamedGroup.ffdhe3072] });
    listed.finishHandshake();
    assert.equal(completeInfo(listed).groupName, 'ffdhe3072');
  });

  test('ALPN with no protocol in common is no_application_protocol', () => {
    rejects(chosen(server(ecdsaPki, { alpnProtocols: ['h2'] }), [ECDHE_ECDSA_AES128_GCM], { alpn: ['http/1.1'] }), AlertDescription.no_application_protocol);
  });

  test('a non-empty renegotiation_info in an initial ClientHello is handshake_failure (RFC 5746 §3.6)', () => {
    rejects(chosen(server(), [ECDHE_ECDSA_AES128_GCM], { renegotiation_info: new Uint8Array(12) }), AlertDescription.handshake_failure);
  });

  test('a ClientHello without null compression is illegal_parameter', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM], legacy_compression_methods: Uint8Array.of(1) }));
    rejects(c, AlertDescription.illegal_parameter);
  });
});

describe('TLS 1.2 server: version selection', () => {
  const sentinelOf = (c: ScriptedTls12Client) => Buffer.from(c.serverHello!.random.subarray(24)).toString('hex');
  const SENTINEL = Buffer.from(DOWNGRADE_TLS12_SENTINEL).toString('hex');

  test('the downgrade sentinel ends the random when we could have spoken TLS 1.3 (RFC 8446 §4.1.3)', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }));
    assert.equal(SENTINEL, '444f574e47524401');
    assert.equal(sentinelOf(c), SENTINEL);
  });

  test('no sentinel when our maximum is TLS 1.2, even for a client that offered TLS 1.3', () => {
    for (const extensions of [{}, { supported_versions: [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2] }]) {
      const c = new ScriptedTls12Client(server(ecdsaPki, { maxVersion: 'TLSv1.2' }));
      c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }, extensions));
      assert.ok(c.serverHello, c.failure?.message);
      assert.notEqual(sentinelOf(c), SENTINEL);
      c.finishHandshake();
      assert.equal(completeInfo(c).version, 'TLSv1.2');
    }
  });

  test('supported_versions decides over legacy_version: [1.2] is answered in TLS 1.2 with the sentinel', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM], legacy_version: ProtocolVersion.TLS1_2 }, { supported_versions: [ProtocolVersion.TLS1_2] }));
    assert.equal(sentinelOf(c), SENTINEL);
    c.finishHandshake();
    assert.equal(completeInfo(c).version, 'TLSv1.2');
  });

  test('TLS_FALLBACK_SCSV from a TLS 1.2 client while we speak TLS 1.3 is inappropriate_fallback (RFC 7507)', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM, CipherSuite.TLS_FALLBACK_SCSV] }));
    rejects(c, AlertDescription.inappropriate_fallback);
  });

  test('TLS_FALLBACK_SCSV is fine when TLS 1.2 is our maximum', () => {
    const c = new ScriptedTls12Client(server(ecdsaPki, { maxVersion: 'TLSv1.2' }));
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM, CipherSuite.TLS_FALLBACK_SCSV] }));
    c.finishHandshake();
    assert.equal(completeInfo(c).version, 'TLSv1.2');
  });

  test('a TLS 1.2-only client against a TLS 1.3-only server: protocol_version', () => {
    const c = new ScriptedTls12Client(serverFor(ecdsaPki, { minVersion: 'TLSv1.3' }));
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }));
    rejects(c, AlertDescription.protocol_version);
  });

  test('a TLS 1.1 client: protocol_version', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM], legacy_version: ProtocolVersion.TLS1_1 }));
    rejects(c, AlertDescription.protocol_version);
  });

  test('a cipher list without TLS 1.3 suites turns TLS 1.3 off: no sentinel', () => {
    const c = new ScriptedTls12Client(server(ecdsaPki, { cipherSuites: [ECDHE_ECDSA_AES128_GCM] }));
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM, CipherSuite.TLS_FALLBACK_SCSV] }));
    assert.ok(c.serverHello, c.failure?.message);
    assert.notEqual(sentinelOf(c), SENTINEL);
  });
});

describe('TLS 1.2 server: what a client gets wrong', () => {
  const afterHello = (config: ServerConfig = server(), suites = [ECDHE_ECDSA_AES128_GCM]) => {
    const c = new ScriptedTls12Client(config);
    c.sendClientHello(c.clientHello({ cipher_suites: suites }));
    assert.ok(c.serverHello, c.failure?.message);
    return c;
  };

  test('a tampered client Finished: decrypt_error', () => {
    const c = afterHello();
    c.sendClientKeyExchange();
    c.sendChangeCipherSpec();
    c.sendFinished({ corrupt: true });
    const err = c.failure;
    assert.equal(err?.alertName, 'decrypt_error');
    // The alert goes out in plaintext: our ChangeCipherSpec was never sent.
    assert.deepEqual(c.alerts, [[AlertLevel.fatal, AlertDescription.decrypt_error]]);
    assert.equal(c.serverChangedCipherSpec, false);
  });

  test('a Finished before the ChangeCipherSpec: unexpected_message', () => {
    const c = afterHello();
    c.sendClientKeyExchange();
    c.sendFinished();
    rejects(c, AlertDescription.unexpected_message);
  });

  test('a ChangeCipherSpec before the ClientKeyExchange: unexpected_message', () => {
    const c = afterHello();
    c.sendChangeCipherSpec();
    rejects(c, AlertDescription.unexpected_message);
  });

  test('a Finished instead of the ClientKeyExchange: unexpected_message', () => {
    const c = afterHello();
    c.sendPlaintext({ type: 'finished', verify_data: new Uint8Array(12) });
    rejects(c, AlertDescription.unexpected_message);
  });

  test('an unrequested client Certificate: unexpected_message', () => {
    const c = afterHello();
    c.sendCertificate(certifiedKey(clientPki.leaf, clientPki.intermediate));
    rejects(c, AlertDescription.unexpected_message);
  });

  test('an X25519 ClientKeyExchange of all zeros (a low-order point): illegal_parameter', () => {
    const c = afterHello();
    c.sendClientKeyExchange({ point: new Uint8Array(32) });
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a P-256 ClientKeyExchange point off the curve: illegal_parameter', () => {
    const c = new ScriptedTls12Client(server());
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }, { supported_groups: [NamedGroup.secp256r1] }));
    const point = new Uint8Array(65).fill(0x11);
    point[0] = 4;
    c.sendClientKeyExchange({ point });
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a DHE ClientKeyExchange of 1 (out of range): handshake_failure (RFC 7919 §4)', () => {
    const c = afterHello(server(rsaPki), [DHE_RSA_AES128_GCM]);
    c.sendPlaintext({ type: 'client_key_exchange', body: Uint8Array.of(0, 1, 1) });
    rejects(c, AlertDescription.handshake_failure);
  });

  test('a malformed ClientKeyExchange: decode_error', () => {
    const c = afterHello();
    c.sendPlaintext({ type: 'client_key_exchange', body: Uint8Array.of(40, 1, 2) });
    rejects(c, AlertDescription.decode_error);
  });

  // RFC 5246 §7.4.7.1: whatever is wrong with the premaster, the server goes on with a random one,
  // so the client's Finished record — protected under keys the server does not share — fails to
  // authenticate: bad_record_mac, at the same step and with the same alert as a well-formed
  // premaster the client simply did not use. (decrypt_error is for a Finished that decrypts but
  // does not verify, which a client without the server's random premaster cannot produce.)
  const rsaFailure = (options: Parameters<ScriptedTls12Client['sendClientKeyExchange']>[0]) => {
    const c = afterHello(legacyServer(), [RSA_AES128_GCM]);
    c.sendClientKeyExchange(options);
    assert.equal(c.failure, undefined, 'the ClientKeyExchange is accepted');
    assert.deepEqual(c.alerts, []);
    c.sendChangeCipherSpec();
    assert.equal(c.failure, undefined, 'the ChangeCipherSpec is accepted');
    assert.deepEqual(c.alerts, []);
    c.sendFinished();
    // (Read again: the asserts above narrowed the getter's type to undefined.)
    const err = (c as { failure: TLSError | undefined }).failure;
    return { alert: err?.alertName, alerts: c.alerts, code: err?.code };
  };
  const baseline = () => rsaFailure({ otherPremaster: true });

  test('RSA key exchange with a well-formed premaster the client did not use: fails at the Finished record (bad_record_mac)', () => {
    const outcome = baseline();
    assert.equal(outcome.alert, 'bad_record_mac');
    assert.deepEqual(outcome.alerts, [[AlertLevel.fatal, AlertDescription.bad_record_mac]]);
  });

  for (const [what, options] of [
    ['a corrupted ciphertext', { corruptCiphertext: true }],
    ['a premaster with the wrong client_version', { premasterVersion: ProtocolVersion.TLS1_1 }],
    ['a ciphertext of the wrong length', { truncateCiphertext: true }],
  ] as const) {
    test(`RSA key exchange with ${what}: no alert until the Finished, then exactly what a wrong premaster gets`, () => {
      assert.deepEqual(rsaFailure(options), baseline());
    });
  }

  test('a correct RSA premaster and a tampered Finished: decrypt_error', () => {
    const c = afterHello(legacyServer(), [RSA_AES128_GCM]);
    c.sendClientKeyExchange();
    c.sendChangeCipherSpec();
    c.sendFinished({ corrupt: true });
    rejects(c, AlertDescription.decrypt_error);
  });

  test('the same RSA client without corruption completes (the countermeasure keeps good premasters)', () => {
    const c = afterHello(legacyServer(), [RSA_AES128_GCM]);
    c.finishHandshake();
    assert.equal(completeInfo(c).cipherSuite, RSA_AES128_GCM);
  });
});

describe('TLS 1.2 server: after the handshake', () => {
  test('a renegotiation ClientHello gets a no_renegotiation warning, and data still flows both ways', () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM]);
    const hello = c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }, { renegotiation_info: new Uint8Array(12) });
    c.sendProtected(ContentType.handshake, encodeHandshake(hello));
    assert.equal(c.failure, undefined);
    assert.deepEqual(c.alerts, [[AlertLevel.warning, AlertDescription.no_renegotiation]]);
    c.sendProtected(ContentType.application_data, Buffer.from('still here'));
    c.server.write(Buffer.from(' and here'));
    c.collect();
    assert.equal(c.applicationData, 'pong and here');
    const data = c.events.filter((e) => e.type === 'data').map((e) => Buffer.from((e as { data: Uint8Array }).data).toString());
    assert.deepEqual(data, ['ping', 'still here']);
  });

  test(`more than ${MAX_REFUSED_RENEGOTIATIONS} renegotiation attempts end the connection with unexpected_message`, () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM]);
    const hello = encodeHandshake(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }));
    for (let i = 0; i <= MAX_REFUSED_RENEGOTIATIONS; i++) c.sendProtected(ContentType.handshake, hello);
    assert.equal(c.failure?.alertName, 'unexpected_message');
    assert.equal(c.alerts.filter(([level]) => level === AlertLevel.warning).length, MAX_REFUSED_RENEGOTIATIONS);
  });

  test('any other handshake message after the handshake: unexpected_message', () => {
    const c = handshake(server(), [ECDHE_ECDSA_AES128_GCM]);
    c.sendProtected(ContentType.handshake, encodeHandshake({ type: 'finished', verify_data: new Uint8Array(12) }));
    assert.equal(c.failure?.alertName, 'unexpected_message');
  });
});

describe('TLS 1.2 server: client authentication', () => {
  const authServer = (required = true): ServerConfig =>
    server(ecdsaPki, { clientAuth: { verifier: verifierTrusting(clientPki.root), required, certificateAuthorities: [Uint8Array.of(0x30, 0)] } });
  const clientCert = certifiedKey(clientPki.leaf, clientPki.intermediate);

  const requested = (config: ServerConfig) => {
    const c = new ScriptedTls12Client(config);
    c.sendClientHello(c.clientHello({ cipher_suites: [ECDHE_ECDSA_AES128_GCM] }));
    const request = c.fromServer.find((m) => m.type === 'certificate_request_tls12');
    assert.ok(request && request.type === 'certificate_request_tls12');
    assert.deepEqual(request.certificate_types, [1, 64]);
    assert.ok(request.supported_signature_algorithms.includes(SignatureScheme.rsa_pkcs1_sha256));
    assert.deepEqual(request.certificate_authorities, [Uint8Array.of(0x30, 0)]);
    assert.equal(c.fromServer.at(-1)!.type, 'server_hello_done');
    return c;
  };

  test('a certificate and CertificateVerify that verify: authorized, peer certificate reported', () => {
    const c = requested(authServer());
    c.sendCertificate(clientCert);
    c.sendClientKeyExchange();
    c.sendCertificateVerify(clientCert, SignatureScheme.ecdsa_secp256r1_sha256);
    c.sendChangeCipherSpec();
    c.sendFinished();
    const info = completeInfo(c);
    assert.equal(info.authorized, true);
    assert.equal(info.peerCertificates[0]?.subject.includes('client one'), true);
  });

  test('a CertificateVerify that does not verify: decrypt_error', () => {
    const c = requested(authServer());
    c.sendCertificate(clientCert);
    c.sendClientKeyExchange();
    c.sendCertificateVerify(clientCert, SignatureScheme.ecdsa_secp256r1_sha256, { corrupt: true });
    rejects(c, AlertDescription.decrypt_error);
  });

  test('a certificate without a CertificateVerify: unexpected_message at the ChangeCipherSpec', () => {
    const c = requested(authServer());
    c.sendCertificate(clientCert);
    c.sendClientKeyExchange();
    c.sendChangeCipherSpec();
    rejects(c, AlertDescription.unexpected_message);
  });

  test('no certificate when required: handshake_failure (TLS 1.2 has no certificate_required)', () => {
    const c = requested(authServer());
    c.sendCertificate();
    rejects(c, AlertDescription.handshake_failure);
  });

  test('no certificate when optional: completes, not authorized', () => {
    const c = requested(authServer(false));
    c.sendCertificate();
    c.finishHandshake();
    const info = completeInfo(c);
    assert.equal(info.authorized, false);
    assert.equal(info.peerCertificates.length, 0);
  });

  test('a chain from an untrusted root when required: unknown_ca', () => {
    const stranger = certifiedKey(strangerPki.leaf, strangerPki.intermediate);
    const c = requested(authServer());
    c.sendCertificate(stranger);
    rejects(c, AlertDescription.unknown_ca);
  });
});
