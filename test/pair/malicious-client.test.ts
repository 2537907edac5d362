// A real server against a scripted client that sends what a correct client would not. Each test
// starts from a correct ClientHello and changes one thing; the first tests show that the unchanged
// script completes the handshake.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Writer } from '../../src/wire/writer.js';
import {
  AlertDescription,
  CipherSuite,
  ContentType,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  ProtocolVersion,
  PskKeyExchangeMode,
  SignatureScheme,
  alertName,
  groupName,
} from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import { preSharedKeyClientHello } from '../../src/wire/ext/pre-shared-key.js';
import type { ClientHello, OfferedPsks } from '../../src/wire/types.js';
import { serverFor } from '../helpers/endpoints.js';
import { cachedPki, provider } from '../helpers/pki.js';
import { received } from '../helpers/pair.js';
import { concat, handshakeRecord, record } from '../helpers/records.js';
import { ScriptedClient } from '../helpers/scripted.js';
import { MAX_REJECTED_EARLY_DATA } from '../../src/limits.js';

const pki = cachedPki();
const server = serverFor(pki, { alpnProtocols: ['h2', 'http/1.1'] });
/** A server that accepts only secp256r1, so an x25519 share gets a HelloRetryRequest. */
const p256Server = serverFor(pki, { groups: [NamedGroup.secp256r1] });

/** The server failed with `alert` and sent it in plaintext (it fails before any key is in use). */
function rejects(c: ScriptedClient, alert: number): void {
  const error = c.failure;
  assert.ok(error, 'the server failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(error.fromPeer, false);
  assert.equal(c.alert === undefined ? 'no alert' : alertName(c.alert), alertName(alert), 'the alert on the wire');
  assert.equal(c.alertLevels[0], 2, 'a fatal alert');
  assert.equal(c.server.handshakeComplete, false);
}

/** The server failed with `alert` (which may be protected on the wire). */
function failsWith(c: ScriptedClient, alert: number): void {
  const error = c.failure;
  assert.ok(error, 'the server failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(c.server.handshakeComplete, false);
}

function noFailure(c: ScriptedClient): void {
  const error = c.failure;
  assert.equal(error, undefined, error?.message);
}

const psks: OfferedPsks = {
  identities: [{ identity: new Uint8Array(48).fill(7), obfuscated_ticket_age: 12345 }],
  binders: [new Uint8Array(32).fill(9)],
};
const pskBody = () => {
  const w = new Writer();
  preSharedKeyClientHello.encode(w, psks);
  return w.finish();
};

describe('the script itself', () => {
  test('a correct ClientHello and Finished complete the handshake', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    assert.deepEqual(
      c.flightMessages().map((m) => m.type),
      ['encrypted_extensions', 'certificate', 'certificate_verify', 'finished'],
    );
    c.sendFinished();
    noFailure(c);
    assert.ok(c.completed);
  });

  test('a correct ClientHello, retry and Finished complete the handshake', () => {
    const c = new ScriptedClient(p256Server);
    c.sendClientHello(c.clientHello());
    assert.equal(c.serverHello?.type, 'hello_retry_request');
    c.sendClientHello(c.clientHello({ key_share: [{ group: NamedGroup.secp256r1, key_exchange: c.share(NamedGroup.secp256r1).publicKey }] }));
    c.sendFinished();
    noFailure(c);
    assert.ok(c.completed);
    assert.equal(c.server.handshakeInfo!.helloRetryRequest, true);
  });

  test('a ClientHello in a record with legacy_record_version 0x0301 (RFC 8446 §5.1 allows it) completes', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello({ ...c.clientHello(), legacy_version: ProtocolVersion.TLS1_2 }, { recordVersion: ProtocolVersion.TLS1_0 });
    c.sendFinished();
    assert.ok(c.completed);
  });

  test('an empty legacy_session_id: no compatibility change_cipher_spec, and the handshake completes', () => {
    const c = new ScriptedClient(server);
    c.sessionId = new Uint8Array(0);
    c.sendClientHello(c.clientHello());
    assert.equal(c.serverSentChangeCipherSpec, false);
    c.sendFinished({ changeCipherSpec: false });
    assert.ok(c.completed);
  });

  test('a 32-byte legacy_session_id: the server echoes it and sends the compatibility change_cipher_spec', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    assert.equal(c.serverSentChangeCipherSpec, true);
    assert.deepEqual(c.serverHello?.legacy_session_id_echo, c.sessionId);
  });

  test('a pre_shared_key offered last is ignored (no PSK support): a full handshake', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ pre_shared_key: psks }));
    c.sendFinished();
    assert.ok(c.completed);
  });
});

describe('ClientHello', () => {
  test('without supported_versions, to a TLS 1.3-only server: protocol_version', () => {
    const c = new ScriptedClient({ ...server, minVersion: 'TLSv1.3' });
    const { supported_versions: _, ...extensions } = c.clientHello().extensions;
    c.sendClientHello({ ...c.clientHello(), extensions });
    rejects(c, AlertDescription.protocol_version);
  });

  test('with supported_versions offering only TLS 1.2 and 1.1, to a TLS 1.3-only server: protocol_version', () => {
    const c = new ScriptedClient({ ...server, minVersion: 'TLSv1.3' });
    c.sendClientHello(c.clientHello({ supported_versions: [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1] }));
    rejects(c, AlertDescription.protocol_version);
  });

  test('offering only TLS 1.2 but only TLS 1.3 suites, to a server that speaks 1.2: handshake_failure', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ supported_versions: [ProtocolVersion.TLS1_2] }));
    rejects(c, AlertDescription.handshake_failure);
  });

  test('without key_share: missing_extension', () => {
    const c = new ScriptedClient(server);
    const { key_share: _, ...extensions } = c.clientHello().extensions;
    c.sendClientHello({ ...c.clientHello(), extensions });
    rejects(c, AlertDescription.missing_extension);
  });

  test('without supported_groups: missing_extension', () => {
    const c = new ScriptedClient(server);
    const { supported_groups: _, ...extensions } = c.clientHello().extensions;
    c.sendClientHello({ ...c.clientHello(), extensions });
    rejects(c, AlertDescription.missing_extension);
  });

  test('without signature_algorithms: missing_extension', () => {
    const c = new ScriptedClient(server);
    const { signature_algorithms: _, ...extensions } = c.clientHello().extensions;
    c.sendClientHello({ ...c.clientHello(), extensions });
    rejects(c, AlertDescription.missing_extension);
  });

  test('a duplicate extension: illegal_parameter', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ unknown: [{ type: ExtensionType.supported_groups, data: Uint8Array.of(0, 2, 0, 0x1d) }] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a duplicate unknown extension: illegal_parameter', () => {
    const c = new ScriptedClient(server);
    const ext = { type: 0x5555, data: new Uint8Array(0) };
    c.sendClientHello(c.clientHello({ unknown: [ext, ext] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('two shares for one group: illegal_parameter', () => {
    const c = new ScriptedClient(server);
    const share = { group: NamedGroup.x25519, key_exchange: c.share(NamedGroup.x25519).publicKey };
    c.sendClientHello(c.clientHello({ key_share: [share, { ...share, key_exchange: provider.generateKeyShare(NamedGroup.x25519)!.publicKey }] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a share for a group not in supported_groups: illegal_parameter', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ supported_groups: [NamedGroup.secp256r1, NamedGroup.secp384r1] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('an invalid x25519 share (all zeros, a low-order point): illegal_parameter', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ key_share: [{ group: NamedGroup.x25519, key_exchange: new Uint8Array(32) }] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a secp256r1 share that is not a point on the curve: illegal_parameter', () => {
    const c = new ScriptedClient(serverFor(pki, { groups: [NamedGroup.secp256r1] }));
    const point = c.share(NamedGroup.secp256r1).publicKey.slice();
    point[40]! ^= 1;
    c.sendClientHello(c.clientHello({ key_share: [{ group: NamedGroup.secp256r1, key_exchange: point }] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  for (const methods of [[1], [0, 1], [1, 0]]) {
    test(`compression methods [${methods}]: illegal_parameter`, () => {
      const c = new ScriptedClient(server);
      c.sendClientHello({ ...c.clientHello(), legacy_compression_methods: Uint8Array.from(methods) });
      rejects(c, AlertDescription.illegal_parameter);
    });
  }

  test('pre_shared_key not the last extension: illegal_parameter', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(
      c.clientHello({ unknown: [{ type: ExtensionType.pre_shared_key, data: pskBody() }, { type: ExtensionType.padding, data: new Uint8Array(8) }] }),
    );
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('pre_shared_key without psk_key_exchange_modes: missing_extension', () => {
    const c = new ScriptedClient(server);
    const { psk_key_exchange_modes: _, ...extensions } = c.clientHello({ pre_shared_key: psks }).extensions;
    c.sendClientHello({ ...c.clientHello(), extensions });
    rejects(c, AlertDescription.missing_extension);
  });

  test('a legacy_session_id of 33 bytes: decode_error', () => {
    const c = new ScriptedClient(server);
    const raw = encodeHandshake({ ...c.clientHello(), legacy_session_id: new Uint8Array(33) });
    c.sendClientHello(raw);
    rejects(c, AlertDescription.decode_error);
  });

  test('a ClientHello and a Finished in one plaintext record (spanning the key change): unexpected_message', () => {
    const c = new ScriptedClient(server);
    c.server.receive(handshakeRecord(c.clientHello(), { type: 'finished', verify_data: new Uint8Array(32) }));
    failsWith(c, AlertDescription.unexpected_message);
  });
});

describe('the second ClientHello, after a HelloRetryRequest', () => {
  const retry = (change: (c: ScriptedClient, hello: ClientHello) => ClientHello) => {
    const c = new ScriptedClient(p256Server);
    c.sendClientHello(c.clientHello());
    assert.equal(c.serverHello?.type, 'hello_retry_request');
    noFailure(c);
    const good = c.clientHello({ key_share: [{ group: NamedGroup.secp256r1, key_exchange: c.share(NamedGroup.secp256r1).publicKey }] });
    c.sendClientHello(change(c, good));
    return c;
  };

  test('with a share for a different group than the one asked for: illegal_parameter', () => {
    const c = retry((client, hello) => ({
      ...hello,
      extensions: { ...hello.extensions, key_share: [{ group: NamedGroup.secp384r1, key_exchange: client.share(NamedGroup.secp384r1).publicKey }] },
    }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('with the same share as the first (not the one asked for): illegal_parameter', () => {
    const c = retry((client, hello) => ({
      ...hello,
      extensions: { ...hello.extensions, key_share: [{ group: NamedGroup.x25519, key_exchange: client.share(NamedGroup.x25519).publicKey }] },
    }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('with a different random: illegal_parameter', () => {
    const c = retry((_client, hello) => ({ ...hello, random: provider.randomBytes(32) }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('without the cipher suite the HelloRetryRequest selected: illegal_parameter', () => {
    const c = retry((_client, hello) => ({ ...hello, cipher_suites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256] }));
    rejects(c, AlertDescription.illegal_parameter);
  });

  test('a HelloRetryRequest-answering ClientHello sent twice: the second is unexpected_message', () => {
    const c = retry((_c, hello) => hello);
    noFailure(c);
    c.server.receive(handshakeRecord(c.clientHello()));
    failsWith(c, AlertDescription.unexpected_message);
  });
});

describe('a ClientHello as Chrome sends it (GREASE, a post-quantum share first)', () => {
  // RFC 8701: reserved values 0x?A?A appear in every list; the server must ignore them.
  const X25519MLKEM768 = NamedGroup.X25519MLKEM768;
  const chromeLike = (c: ScriptedClient, shares: 'pq-first' | 'grease-first'): ClientHello => {
    const x25519 = { group: NamedGroup.x25519, key_exchange: c.share(NamedGroup.x25519).publicKey };
    const pq = { group: X25519MLKEM768, key_exchange: provider.randomBytes(1216) };
    const grease = { group: 0x3a3a, key_exchange: Uint8Array.of(0) };
    return {
      ...c.clientHello(),
      cipher_suites: [0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
      extensions: {
        server_name: 'localhost',
        status_request: true,
        supported_groups: [0x3a3a, X25519MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
        signature_algorithms: [
          0x4a4a,
          SignatureScheme.ecdsa_secp256r1_sha256,
          SignatureScheme.rsa_pss_rsae_sha256,
          SignatureScheme.rsa_pkcs1_sha256,
          SignatureScheme.ecdsa_secp384r1_sha384,
          SignatureScheme.rsa_pss_rsae_sha384,
          SignatureScheme.rsa_pkcs1_sha384,
          SignatureScheme.rsa_pss_rsae_sha512,
          SignatureScheme.rsa_pkcs1_sha512,
        ],
        alpn: ['h2', 'http/1.1'],
        supported_versions: [0x5a5a, ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2],
        psk_key_exchange_modes: [PskKeyExchangeMode.psk_dhe_ke],
        key_share: shares === 'pq-first' ? [pq, x25519] : [grease, pq, x25519],
        unknown: [
          { type: 0x6a6a, data: new Uint8Array(0) },
          { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
          { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) },
          { type: ExtensionType.ec_point_formats, data: Uint8Array.of(1, 0) },
          { type: ExtensionType.session_ticket, data: new Uint8Array(0) },
          { type: ExtensionType.signed_certificate_timestamp, data: new Uint8Array(0) },
          { type: 27, data: Uint8Array.of(2, 0, 2) }, // compress_certificate: brotli
          { type: 17613, data: Uint8Array.of(0, 3, 2, 0x68, 0x32) }, // application_settings: h2
          { type: 0xfe0d, data: Uint8Array.of(0, 0, 1, 0, 1, 0x42, 0, 32, ...new Uint8Array(32), 0, 16, ...new Uint8Array(16)) }, // ECH GREASE
          { type: 0x7a7a, data: Uint8Array.of(0) },
        ],
      },
    };
  };

  for (const shares of ['pq-first', 'grease-first'] as const) {
    test(`completes with x25519 (${shares === 'pq-first' ? 'X25519MLKEM768 share first' : 'GREASE share, then X25519MLKEM768'})`, () => {
      const c = new ScriptedClient(server);
      c.sendClientHello(chromeLike(c, shares));
      noFailure(c);
      assert.equal(c.serverHello?.type, 'server_hello', 'no HelloRetryRequest needed');
      c.sendFinished();
      noFailure(c);
      assert.ok(c.completed);
      const info = c.server.handshakeInfo!;
      assert.equal(groupName(info.group), 'x25519');
      assert.equal(info.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
      assert.equal(info.alpnProtocol, 'h2');
      assert.equal(info.serverName, 'localhost');
    });
  }
});

describe('after the server flight', () => {
  test('a client Finished that does not match the transcript: decrypt_error', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    c.sendFinished({ corrupt: true });
    failsWith(c, AlertDescription.decrypt_error);
    assert.equal(c.server.handshakeComplete, false);
  });

  test('a client Finished without the compatibility CCS is accepted', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    c.sendFinished({ changeCipherSpec: false });
    assert.ok(c.completed);
  });

  test('a second ClientHello instead of the Finished: unexpected_message', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    c.server.receive(handshakeRecord(c.clientHello()));
    failsWith(c, AlertDescription.unexpected_message);
  });

  // RFC 8446 §4.2.10: a server that does not accept early data ("either because it ignores the
  // PSK or...") "MUST skip past early data by attempting to deprotect received records using the
  // handshake traffic key, discarding records which fail deprotection (up to the configured
  // max_early_data_size)". A client resuming with a ticket this server cannot use sends exactly that.
  test('0-RTT data after a ClientHello offering early_data is skipped, and the handshake completes', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ early_data: true, pre_shared_key: psks }));
    noFailure(c);
    // Early data, protected under a key the server never derived.
    c.server.receive(record(ContentType.application_data, provider.randomBytes(64)));
    c.sendFinished();
    noFailure(c);
    assert.ok(c.completed);
  });
});

describe('rejected early data', () => {
  // RFC 8446 §4.2.10: after a HelloRetryRequest the server "ignores early data by skipping all
  // records with an external content type of application_data ... up to the configured
  // max_early_data_size".
  test('0-RTT records before the second ClientHello, after a HelloRetryRequest, are skipped', () => {
    const c = new ScriptedClient(p256Server);
    c.sendClientHello(c.clientHello({ early_data: true, pre_shared_key: psks }));
    assert.equal(c.serverHello?.type, 'hello_retry_request');
    for (let i = 0; i < 3; i++) c.server.receive(record(ContentType.application_data, provider.randomBytes(100)));
    noFailure(c);
    c.server.receive(record(ContentType.change_cipher_spec, Uint8Array.of(1)));
    const { early_data: _e, pre_shared_key: _p, ...extensions } = c.clientHello().extensions;
    c.sendClientHello({ ...c.clientHello(), extensions: { ...extensions, key_share: [{ group: NamedGroup.secp256r1, key_exchange: c.share(NamedGroup.secp256r1).publicKey }] } });
    c.sendFinished({ changeCipherSpec: false });
    noFailure(c);
    assert.ok(c.completed);
  });

  test('application data without an early_data offer is not skipped: bad_record_mac', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    c.server.receive(record(ContentType.application_data, provider.randomBytes(64)));
    failsWith(c, AlertDescription.bad_record_mac);
  });

  test('skipping has a bound: endless undecryptable early data fails with unexpected_message', () => {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello({ early_data: true, pre_shared_key: psks }));
    const chunk = record(ContentType.application_data, provider.randomBytes(1 << 14));
    let fed = 0;
    for (; fed < 10 * MAX_REJECTED_EARLY_DATA && !c.server.error; fed += chunk.length) c.server.receive(chunk);
    failsWith(c, AlertDescription.unexpected_message);
    assert.ok(fed <= MAX_REJECTED_EARLY_DATA + 2 * chunk.length, `failed after ${fed} bytes`);
  });
});


describe('after the handshake (server side)', () => {
  /** A server that completed with the script, which now writes under its application key. */
  function completed(): ScriptedClient {
    const c = new ScriptedClient(server);
    c.sendClientHello(c.clientHello());
    c.sendFinished();
    assert.ok(c.completed);
    c.startApplicationData();
    return c;
  }
  const keyUpdate = (requested: boolean) => encodeHandshake({ type: 'key_update', request_update: requested ? 1 : 0 });

  test('application data reaches the server, and its answer reaches the script', () => {
    const c = completed();
    c.sendProtected(ContentType.application_data, new TextEncoder().encode('ping'));
    noFailure(c);
    assert.equal(received(c.events), 'ping');
    c.server.write(new TextEncoder().encode('pong'));
    noFailure(c);
    assert.equal(Buffer.concat(c.applicationData).toString(), 'pong');
  });

  test('a KeyUpdate asking for an update: the server answers with its own, then writes under its next key', () => {
    const c = completed();
    c.sendProtected(ContentType.handshake, keyUpdate(true));
    c.sendProtected(ContentType.application_data, new TextEncoder().encode('after'));
    noFailure(c);
    assert.equal(received(c.events), 'after');
    c.server.write(new TextEncoder().encode('answer'));
    noFailure(c);
    const updates = c.received.filter((m) => m[0] === HandshakeType.key_update).map((m) => decodeHandshakeMessage(m));
    assert.deepEqual(updates, [{ type: 'key_update', request_update: 0 }]);
    assert.equal(Buffer.concat(c.applicationData).toString(), 'answer');
  });

  test('two KeyUpdates in one record (the second spans the key change): unexpected_message', () => {
    const c = completed();
    c.sendProtected(ContentType.handshake, concat([keyUpdate(false), keyUpdate(false)]));
    failsWithAfterHandshake(c, AlertDescription.unexpected_message);
  });

  for (const [what, msg] of [
    ['a NewSessionTicket from the client', encodeHandshake({ type: 'new_session_ticket', ticket_lifetime: 1, ticket_age_add: 0, ticket_nonce: new Uint8Array(0), ticket: Uint8Array.of(1), extensions: { unknown: [] } })],
    ['an EndOfEarlyData', encodeHandshake({ type: 'end_of_early_data' })],
    ['a ClientHello (renegotiation)', encodeHandshake(new ScriptedClient(server).clientHello())],
    ['a second Finished', encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) })],
  ] as const) {
    test(`${what}: unexpected_message, sent under the application key`, () => {
      const c = completed();
      c.sendProtected(ContentType.handshake, msg);
      failsWithAfterHandshake(c, AlertDescription.unexpected_message);
    });
  }
});

/** The completed server failed with `alert`, and sent it (read under its application key). */
function failsWithAfterHandshake(c: ScriptedClient, alert: number): void {
  const error = c.failure;
  assert.ok(error, 'the server failed');
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(c.alert === undefined ? 'none' : alertName(c.alert), alertName(alert), 'the alert on the wire');
}
