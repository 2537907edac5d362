// RFC 8448 §3 ("Simple 1-RTT Handshake") replayed through real Connections, client side and server
// side, with the deterministic provider: the RFC's randoms, ephemeral X25519 keys and (RSA-PSS
// salts being random) the RFC's CertificateVerify signature are fixed; everything else — the key
// schedule, transcript, Finished values and record protection — is computed, and every record
// must come out byte for byte as the RFC prints it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import { createDeterministicProvider, type DeterministicProvider } from '../../src/crypto/deterministic.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { tls13Suite } from '../../src/crypto/suites.js';
import type { ConnectionEvent } from '../../src/events.js';
import { createCertificateVerifier } from '../../src/pki/chain.js';
import { TrustStore } from '../../src/pki/roots.js';
import { AEAD_TAG_LENGTH, RecordDecrypter, RecordEncrypter } from '../../src/record/protection.js';
import type { CertifiedKey, ServerConfig } from '../../src/server/config.js';
import { trafficKeys } from '../../src/tls13/key-schedule.js';
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  ExtensionType,
  NamedGroup,
  SignatureScheme,
} from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import { failure, makePair } from '../helpers/pair.js';
import { hexBytes, toHex } from '../wire/helpers.js';
import * as rfc from './rfc8448.js';

const SUITE = tls13Suite(rfc.CIPHER_SUITE)!;
/** RFC 8448's publication month: within the certificate's validity (2016-07-30 to 2026-07-30). */
const NOW = Date.UTC(2019, 0, 1);

/** What NSS offered in RFC 8448 §3, in its order; groups and schemes we do not implement included. */
const RFC_GROUPS = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
  NamedGroup.ffdhe4096,
  0x0103, // ffdhe6144
  0x0104, // ffdhe8192
];
const RFC_SIGNATURE_SCHEMES = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
  SignatureScheme.ecdsa_sha1,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
  SignatureScheme.rsa_pkcs1_sha1,
  0x0402, // dsa_sha256 (legacy)
  0x0502, // dsa_sha384 (legacy)
  0x0602, // dsa_sha512 (legacy)
  0x0202, // dsa_sha1 (legacy)
];

function clientProvider(): DeterministicProvider {
  return createDeterministicProvider({
    random: [rfc.CLIENT_RANDOM],
    keyShares: [{ group: NamedGroup.x25519, privateKey: rfc.CLIENT_EPHEMERAL_PRIVATE_KEY }],
    now: NOW,
  });
}

function serverProvider(): DeterministicProvider {
  return createDeterministicProvider({
    random: [rfc.SERVER_RANDOM],
    keyShares: [{ group: NamedGroup.x25519, privateKey: rfc.SERVER_EPHEMERAL_PRIVATE_KEY }],
    signatures: [rfc.CERTIFICATE_VERIFY_SIGNATURE],
    certificates: [rfc.SERVER_CERTIFICATE_DER],
    now: NOW,
  });
}

/**
 * RFC 8448's client (NSS): no middlebox-compatibility mode (empty legacy_session_id, no CCS),
 * record_size_limit 2^14+1, no signature_algorithms_cert, and the TLS 1.2 extensions
 * renegotiation_info and session_ticket in NSS's extension order.
 *
 * It sends SNI "server" while the certificate names CN=rsa and has no subjectAltName, which no
 * host name matches (RFC 9525 §6.3): the chain is validated against the RFC certificate as the
 * trust anchor, and no name is checked (serverName is left unset).
 */
function rfcClientConfig(provider: DeterministicProvider, overrides: ClientConfig = {}): ClientConfig {
  return {
    // RFC 8448's client offers TLS 1.3 only.
    minVersion: 'TLSv1.3',
    sni: 'server',
    cipherSuites: [0x1301, 0x1303, 0x1302],
    groups: RFC_GROUPS,
    signatureSchemes: RFC_SIGNATURE_SCHEMES,
    certSignatureSchemes: false,
    middleboxCompat: false,
    recordSizeLimit: 0x4001,
    requestOCSP: false, // RFC 8448's ClientHello has no status_request
    helloExtensions: {
      extra: [
        { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) }, // RFC 5746: empty renegotiated_connection
        { type: ExtensionType.session_ticket, data: new Uint8Array(0) }, // RFC 5077: no ticket
      ],
      order: [
        ExtensionType.server_name,
        ExtensionType.renegotiation_info,
        ExtensionType.supported_groups,
        ExtensionType.session_ticket,
        ExtensionType.key_share,
        ExtensionType.supported_versions,
        ExtensionType.signature_algorithms,
        ExtensionType.psk_key_exchange_modes,
        ExtensionType.record_size_limit,
      ],
    },
    // RFC 8448's server key is 1024-bit RSA, below our default floor: allowed for this vector only.
    verifier: createCertificateVerifier(TrustStore.fromDer([rfc.SERVER_CERTIFICATE_DER], provider), provider, { minRsaBits: 1024 }),
    ...overrides,
  };
}

function rfcCertifiedKey(provider: DeterministicProvider): CertifiedKey {
  return {
    chain: [rfc.SERVER_CERTIFICATE_DER],
    key: provider.loadPrivateKey(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8),
    leaf: provider.parseCertificate(rfc.SERVER_CERTIFICATE_DER),
  };
}

/** RFC 8448's server (NSS) lists its groups in EncryptedExtensions (RFC 8446 §4.2.7). */
function rfcServerConfig(provider: DeterministicProvider, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { minVersion: 'TLSv1.3', certificates: [rfcCertifiedKey(provider)], groups: RFC_GROUPS, advertiseGroups: true, ...overrides };
}

const hexList = (records: readonly Uint8Array[]) => records.map(toHex);

function expectNoFailure(events: readonly ConnectionEvent[]): void {
  const failed = events.find((e) => e.type === 'failed');
  assert.equal(failed, undefined, failed?.type === 'failed' ? failed.error.message : undefined);
}

function keylog(events: readonly ConnectionEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'keylog' ? [e.line] : []));
}

/** The NSS key log lines RFC 8448 §3's secrets make. */
const RFC_KEYLOG = [
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET],
  ['CLIENT_TRAFFIC_SECRET_0', rfc.CLIENT_APPLICATION_TRAFFIC_SECRET],
  ['SERVER_TRAFFIC_SECRET_0', rfc.SERVER_APPLICATION_TRAFFIC_SECRET],
  ['EXPORTER_SECRET', rfc.EXPORTER_MASTER_SECRET],
].map(([label, secret]) => `${label as string} ${toHex(rfc.CLIENT_RANDOM)} ${toHex(secret as Uint8Array)}`);

/** `content` protected under the RFC's server application traffic key at record `sequence`. */
const sealServerApplication = (type: ContentType, content: Uint8Array, sequence: bigint) =>
  new RecordEncrypter(nodeProvider, SUITE, rfc.SERVER_APPLICATION_KEY, rfc.SERVER_APPLICATION_IV, sequence).seal(
    type,
    content,
  );

describe('RFC 8448 §3 replayed by our client', () => {
  /** A client that has sent its ClientHello. */
  function start() {
    const provider = clientProvider();
    const client = Connection.client(rfcClientConfig(provider), { provider });
    return { provider, client };
  }

  /** A client through the handshake: the RFC server's records in, our Finished out. */
  function handshake() {
    const { provider, client } = start();
    client.takeOutput();
    client.receive(rfc.SERVER_HELLO_RECORD);
    client.receive(rfc.SERVER_FLIGHT_RECORD);
    return { provider, client };
  }

  it('sends the RFC ClientHello record', () => {
    const { client } = start();
    expectNoFailure(client.takeEvents());
    assert.deepStrictEqual(hexList(client.takeOutput()), [toHex(rfc.CLIENT_HELLO_RECORD)]);
  });

  it('takes the ServerHello and encrypted flight and sends the RFC client Finished record', () => {
    const { provider, client } = start();
    client.takeOutput();
    client.receive(rfc.SERVER_HELLO_RECORD);
    assert.deepStrictEqual(client.takeOutput(), [], 'nothing until the server Finished (no middlebox-compatibility CCS)');
    client.receive(rfc.SERVER_FLIGHT_RECORD);
    const events = client.takeEvents();
    expectNoFailure(events);
    assert.deepStrictEqual(hexList(client.takeOutput()), [toHex(rfc.CLIENT_FINISHED_RECORD)]);

    const info = client.handshakeInfo;
    assert.ok(info);
    assert.equal(info.cipherSuite, rfc.CIPHER_SUITE);
    assert.equal(info.group, NamedGroup.x25519);
    assert.equal(info.signatureScheme, rfc.CERTIFICATE_VERIFY_SCHEME);
    assert.equal(info.serverName, 'server');
    assert.equal(info.authorized, true, info.authorizationError?.message);
    assert.deepStrictEqual(keylog(events).sort(), [...RFC_KEYLOG].sort());
    assert.deepStrictEqual(provider.remaining(), { random: 0, keyShares: 0, signatures: 0 });
  });

  it('accepts the RFC NewSessionTicket record (tickets are not stored yet)', () => {
    const { client } = handshake();
    client.takeOutput();
    client.takeEvents();
    client.receive(rfc.NEW_SESSION_TICKET_RECORD);
    expectNoFailure(client.takeEvents());
    assert.deepStrictEqual(client.takeOutput(), []);
    assert.ok(client.open);
  });

  it('sends the RFC client application-data record', () => {
    const { client } = handshake();
    client.takeOutput();
    client.write(rfc.APPLICATION_DATA);
    assert.deepStrictEqual(hexList(client.takeOutput()), [toHex(rfc.CLIENT_APPLICATION_DATA_RECORD)]);
  });

  it('decrypts the RFC server application-data record (after the ticket, its sequence number is 1)', () => {
    const { client } = handshake();
    client.takeEvents();
    client.receive(rfc.NEW_SESSION_TICKET_RECORD);
    client.receive(rfc.SERVER_APPLICATION_DATA_RECORD);
    const events = client.takeEvents();
    expectNoFailure(events);
    const data = events.flatMap((e) => (e.type === 'data' ? [toHex(e.data)] : []));
    assert.deepStrictEqual(data, [toHex(rfc.SERVER_APPLICATION_DATA)]);
  });

  it("sends the RFC client close_notify record and takes the server's", () => {
    const { client } = handshake();
    client.takeOutput();
    client.receive(rfc.NEW_SESSION_TICKET_RECORD);
    client.write(rfc.APPLICATION_DATA);
    client.receive(rfc.SERVER_APPLICATION_DATA_RECORD);
    client.close();
    assert.deepStrictEqual(hexList(client.takeOutput()), [toHex(rfc.CLIENT_APPLICATION_DATA_RECORD), toHex(rfc.CLIENT_ALERT_RECORD)]);
    client.receive(rfc.SERVER_ALERT_RECORD);
    const events = client.takeEvents();
    expectNoFailure(events);
    assert.ok(events.some((e) => e.type === 'peer-closed'));
    assert.equal(client.open, false);
  });
});

describe('RFC 8448 §3 replayed by our server', () => {
  /** A server that has answered the RFC ClientHello. */
  function start() {
    const provider = serverProvider();
    const server = Connection.server(rfcServerConfig(provider), { provider });
    server.receive(rfc.CLIENT_HELLO_RECORD);
    return { provider, server };
  }

  /** A server through the handshake: the RFC client Finished taken. */
  function handshake() {
    const { provider, server } = start();
    server.takeOutput();
    server.receive(rfc.CLIENT_FINISHED_RECORD);
    return { provider, server };
  }

  it('answers the RFC ClientHello with the RFC ServerHello record and encrypted-flight record', () => {
    const { provider, server } = start();
    expectNoFailure(server.takeEvents());
    assert.deepStrictEqual(hexList(server.takeOutput()), [toHex(rfc.SERVER_HELLO_RECORD), toHex(rfc.SERVER_FLIGHT_RECORD)]);
    assert.deepStrictEqual(provider.remaining(), { random: 0, keyShares: 0, signatures: 0 });
  });

  it('completes the handshake on the RFC client Finished record', () => {
    const { server } = handshake();
    const events = server.takeEvents();
    expectNoFailure(events);
    // RFC 8448's server now sends a NewSessionTicket; ours sends no tickets yet (a later issue),
    // so nothing goes out here and the RFC NewSessionTicket record is not reproduced.
    assert.deepStrictEqual(server.takeOutput(), []);
    assert.ok(server.handshakeComplete);
    assert.equal(server.handshakeInfo?.serverName, 'server');
    assert.deepStrictEqual(keylog(events).sort(), [...RFC_KEYLOG].sort());
  });

  it('decrypts the RFC client application-data record', () => {
    const { server } = handshake();
    server.takeEvents();
    server.receive(rfc.CLIENT_APPLICATION_DATA_RECORD);
    const events = server.takeEvents();
    expectNoFailure(events);
    const data = events.flatMap((e) => (e.type === 'data' ? [toHex(e.data)] : []));
    assert.deepStrictEqual(data, [toHex(rfc.APPLICATION_DATA)]);
  });

  it('protects application data and close_notify under the RFC server application key', () => {
    const { server } = handshake();
    server.receive(rfc.CLIENT_APPLICATION_DATA_RECORD);
    server.write(rfc.SERVER_APPLICATION_DATA);
    server.receive(rfc.CLIENT_ALERT_RECORD);
    server.close();
    const events = server.takeEvents();
    expectNoFailure(events);
    assert.ok(events.some((e) => e.type === 'peer-closed'));
    const closeNotify = Uint8Array.of(AlertLevel.warning, AlertDescription.close_notify);
    assert.equal(toHex(closeNotify), toHex(rfc.CLOSE_NOTIFY));

    // The RFC's server sealed its NewSessionTicket at sequence 0 and so these two records at 1
    // and 2; without the ticket ours use 0 and 1. The same key, IV and content at the RFC's
    // sequence numbers give the RFC records exactly, so only the sequence number differs.
    const data = (sequence: bigint) => sealServerApplication(ContentType.application_data, rfc.SERVER_APPLICATION_DATA, sequence);
    const alert = (sequence: bigint) => sealServerApplication(ContentType.alert, closeNotify, sequence);
    assert.equal(toHex(data(1n)), toHex(rfc.SERVER_APPLICATION_DATA_RECORD));
    assert.equal(toHex(alert(2n)), toHex(rfc.SERVER_ALERT_RECORD));
    assert.deepStrictEqual(hexList(server.takeOutput()), hexList([data(0n), alert(1n)]));
  });
});

describe('RFC 8448 §3: our client and server replay it against each other', () => {
  it('exchanges the RFC records', () => {
    const cp = clientProvider();
    const sp = serverProvider();
    const sent: string[] = [];
    const pair = makePair(rfcClientConfig(cp), rfcServerConfig(sp), {
      provider: cp,
      serverProvider: sp,
      tamper: (_from, chunk) => {
        sent.push(toHex(chunk));
        return chunk;
      },
    });
    assert.equal(failure(pair.clientEvents), undefined);
    assert.equal(failure(pair.serverEvents), undefined);
    const rfcRecords = [rfc.CLIENT_HELLO_RECORD, rfc.SERVER_HELLO_RECORD, rfc.SERVER_FLIGHT_RECORD, rfc.CLIENT_FINISHED_RECORD];
    assert.deepStrictEqual(sent, hexList(rfcRecords));
  });
});

describe('the knobs the replay uses', () => {
  /** A handshake between the RFC configurations with seeded randomness, recording each side's records. */
  function seededPair(clientOverrides: ClientConfig, serverOverrides: Partial<ServerConfig> = {}, write?: number) {
    const cp = createDeterministicProvider({ seed: 'replay knobs client', now: NOW });
    const sp = createDeterministicProvider({ seed: 'replay knobs server', now: NOW });
    const records: { client: Uint8Array[]; server: Uint8Array[] } = { client: [], server: [] };
    const pair = makePair(rfcClientConfig(cp, clientOverrides), rfcServerConfig(sp, serverOverrides), {
      provider: cp,
      serverProvider: sp,
      deferRun: true,
      tamper: (from, chunk) => {
        records[from].push(chunk);
        return chunk;
      },
    });
    if (write !== undefined) {
      pair.client.write(new Uint8Array(write).fill(1));
      pair.server.write(new Uint8Array(write).fill(2));
    }
    pair.run();
    assert.equal(failure(pair.clientEvents), undefined, failure(pair.clientEvents)?.message);
    assert.equal(failure(pair.serverEvents), undefined, failure(pair.serverEvents)?.message);
    return { pair, records };
  }

  /** The server's EncryptedExtensions, decrypted with the handshake secret from its key log. */
  function encryptedExtensions(events: readonly ConnectionEvent[], flight: readonly Uint8Array[]) {
    const line = keylog(events).find((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET '));
    assert.ok(line);
    const { key, iv } = trafficKeys(nodeProvider, SUITE, hexBytes(line.split(' ')[2]!));
    const first = flight.find((r) => r[0] === ContentType.application_data)!;
    const { content } = new RecordDecrypter(nodeProvider, SUITE, key, iv).open({
      type: first[0]!,
      version: (first[1]! << 8) | first[2]!,
      fragment: first.subarray(5),
    });
    const ee = decodeHandshakeMessage(content.subarray(0, 4 + ((content[1]! << 16) | (content[2]! << 8) | content[3]!)));
    assert.ok(ee.type === 'encrypted_extensions');
    return ee.extensions;
  }

  it('record_size_limit (RFC 8449): each side fragments what it sends to the limit the other side set', () => {
    const { records } = seededPair({ recordSizeLimit: 100 }, { recordSizeLimit: 200 }, 1000);
    // TLSInnerPlaintext (content and content-type byte) of protected records; RFC 8449 §4 leaves plaintext ones alone.
    const largest = (list: Uint8Array[]) =>
      Math.max(...list.filter((r) => r[0] === ContentType.application_data).map((r) => r.length - 5 - AEAD_TAG_LENGTH));
    assert.equal(largest(records.server), 100, 'the server honours the client limit, from its encrypted flight on');
    assert.equal(largest(records.client), 200, 'the client honours the limit in EncryptedExtensions');
  });

  it('the server answers record_size_limit only when offered, with 2^14+1 unless configured', () => {
    const offered = seededPair({});
    assert.equal(encryptedExtensions(offered.pair.serverEvents, offered.records.server).record_size_limit, 0x4001);
    const configured = seededPair({}, { recordSizeLimit: 1000 });
    assert.equal(encryptedExtensions(configured.pair.serverEvents, configured.records.server).record_size_limit, 1000);
    const notOffered = seededPair({ recordSizeLimit: undefined });
    assert.equal(encryptedExtensions(notOffered.pair.serverEvents, notOffered.records.server).record_size_limit, undefined);
  });

  it('supported_groups goes into EncryptedExtensions only with advertiseGroups', () => {
    const advertised = seededPair({});
    assert.deepStrictEqual(encryptedExtensions(advertised.pair.serverEvents, advertised.records.server).supported_groups, RFC_GROUPS);
    const quiet = seededPair({}, { advertiseGroups: undefined });
    assert.equal(encryptedExtensions(quiet.pair.serverEvents, quiet.records.server).supported_groups, undefined);
  });

  it('middleboxCompat defaults to on: a legacy_session_id and a CCS from each side', () => {
    const { records } = seededPair({ middleboxCompat: undefined });
    const hello = decodeHandshakeMessage(records.client[0]!.subarray(5));
    assert.ok(hello.type === 'client_hello');
    assert.equal(hello.legacy_session_id.length, 32);
    const { handshake, change_cipher_spec: ccs, application_data: protectedRecord } = ContentType;
    assert.deepStrictEqual(records.client.map((r) => r[0]), [handshake, ccs, protectedRecord]);
    assert.deepStrictEqual(records.server.map((r) => r[0]), [handshake, ccs, protectedRecord]);
  });

  it('only the initial ClientHello record carries legacy_record_version 0x0301 (RFC 8446 §5.1)', () => {
    // No x25519 share in the first ClientHello: the server asks again for x25519.
    const { records } = seededPair({ keyShareGroups: [NamedGroup.secp384r1] }, { groups: [NamedGroup.x25519] });
    const version = (r: Uint8Array) => (r[1]! << 8) | r[2]!;
    assert.deepStrictEqual(
      records.client.map((r) => [r[0], version(r)]),
      [
        [ContentType.handshake, 0x0301],
        [ContentType.handshake, 0x0303], // after HelloRetryRequest; no CCS before it without middlebox compatibility
        [ContentType.application_data, 0x0303],
      ],
    );
  });

  it('refuses a recordSizeLimit outside 64..2^14+1', () => {
    const provider = clientProvider();
    for (const recordSizeLimit of [63, 0x4002]) {
      assert.throws(() => Connection.client(rfcClientConfig(provider, { recordSizeLimit })), /recordSizeLimit/);
      assert.throws(() => Connection.server(rfcServerConfig(serverProvider(), { recordSizeLimit })), /recordSizeLimit/);
    }
  });

  it('helloExtensions.extra refuses extension types the core knows, and duplicates', () => {
    const provider = clientProvider();
    const withExtra = (...types: number[]) =>
      rfcClientConfig(provider, { helloExtensions: { extra: types.map((type) => ({ type, data: new Uint8Array(0) })) } });
    assert.throws(() => Connection.client(withExtra(ExtensionType.key_share)), /known here/);
    assert.throws(() => Connection.client(withExtra(0x0a0a, 0x0a0a)), /twice/);
  });
});
