// Our TLS 1.2 client against our TLS 1.2 server, in memory: every TLS 1.2 cipher suite with the key
// exchange it implies, each certificate type that fits it and each group its key exchange can use.
// Both sides must agree on what was negotiated (version, suite, group, signature scheme, extended
// master secret, encrypt-then-MAC), application data must flow both ways, also across many
// records, and close_notify must reach the other side. Then version negotiation between the two,
// and the signature scheme a PKCS#1-only client gets.
//
// Neither config can turn encrypt_then_mac off (RFC 7366 is always offered with a CBC suite and
// always accepted), so two of our endpoints always protect CBC records encrypt-then-MAC. The
// MAC-then-encrypt rows below therefore pair each of our endpoints with a scripted peer that
// leaves encrypt_then_mac out (test/helpers/tls12-server-client.ts, tls12-scripted-server.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import type { Connection } from '../../src/connection.js';
import { TLS12_SUITES, type Tls12Suite } from '../../src/crypto/suites.js';
import type { HandshakeInfo } from '../../src/events.js';
import type { ServerConfig } from '../../src/server/config.js';
import { DOWNGRADE_TLS12_SENTINEL } from '../../src/server/hello.js';
import {
  AlertDescription,
  ContentType,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
  alertName,
  cipherSuiteName,
  groupName,
  schemeName,
} from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import { decodeDheServerKeyExchange, decodeEcdheServerKeyExchange } from '../../src/wire/messages/server-key-exchange.js';
import { clientFor, serverCertificate, serverFor } from '../helpers/endpoints.js';
import { type Pair, failure, has, makePair, receivedBytes } from '../helpers/pair.js';
import { type KeyType, cachedPki, parse } from '../helpers/pki.js';
import { readRecords } from '../helpers/records.js';
import { Tls12ScriptedServer } from '../helpers/tls12-scripted-server.js';
import { ScriptedTls12Client } from '../helpers/tls12-server-client.js';
import { bodyOf, serverFlight, serverHello12 } from '../helpers/tls12-pair-wire.js';

const ECDHE_GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
const FFDHE_GROUPS = [NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096];

interface Certificate {
  keyType: KeyType;
  /** What the server signs ServerKeyExchange with. */
  scheme: number;
  /** Offer only `scheme` in signature_algorithms (RSA keys can sign several). */
  pinScheme?: boolean;
}

const ECDSA_CERTIFICATES: Certificate[] = [
  { keyType: 'ecdsa-p256', scheme: SignatureScheme.ecdsa_secp256r1_sha256 },
  { keyType: 'ecdsa-p384', scheme: SignatureScheme.ecdsa_secp384r1_sha384 },
  // RFC 8422 §5.1: EdDSA certificates serve the ECDSA suites.
  { keyType: 'ed25519', scheme: SignatureScheme.ed25519 },
];
// One RSA key; the client's signature_algorithms picks the scheme. Rows rotate through these so
// that each scheme signs some ServerKeyExchange; the first is what an unpinned client gets.
const RSA_SCHEMES: Certificate[] = [
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha256 },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha384, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pkcs1_sha256, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pss_rsae_sha512, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pkcs1_sha384, pinScheme: true },
  { keyType: 'rsa-2048', scheme: SignatureScheme.rsa_pkcs1_sha512, pinScheme: true },
];
/** The group an ECDSA certificate's key is on. */
const CERTIFICATE_CURVES: Partial<Record<KeyType, number>> = { 'ecdsa-p256': NamedGroup.secp256r1, 'ecdsa-p384': NamedGroup.secp384r1 };
/** An RSA-PSS (id-RSASSA-PSS) key fits the *_RSA_* signing suites too, never RSA key transport. */
const RSA_PSS: Certificate = { keyType: 'rsa-pss', scheme: SignatureScheme.rsa_pss_pss_sha256 };

interface Row {
  suite: Tls12Suite;
  certificate: Certificate | undefined;
  /** ECDHE or DHE group; undefined for RSA key transport. */
  group: number | undefined;
}

/** Every suite × certificate that fits × group its key exchange uses. */
function rows(): Row[] {
  const out: Row[] = [];
  let rsaRow = 0;
  const nextRsa = () => RSA_SCHEMES[rsaRow++ % RSA_SCHEMES.length]!;
  for (const suite of TLS12_SUITES) {
    if (suite.keyExchange === 'RSA') {
      out.push({ suite, certificate: { keyType: 'rsa-2048', scheme: 0 }, group: undefined });
      continue;
    }
    const groups = suite.keyExchange === 'ECDHE' ? ECDHE_GROUPS : FFDHE_GROUPS;
    for (const group of groups) {
      if (suite.authentication === 'ECDSA') for (const certificate of ECDSA_CERTIFICATES) out.push({ suite, certificate, group });
      else out.push({ suite, certificate: nextRsa(), group });
    }
  }
  // RSA-PSS certificates: once per signing key exchange, AEAD and CBC.
  for (const name of ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256']) {
    const suite = TLS12_SUITES.find((s) => s.name === name)!;
    out.push({ suite, certificate: RSA_PSS, group: suite.keyExchange === 'ECDHE' ? NamedGroup.x25519 : NamedGroup.ffdhe2048 });
  }
  return out;
}

/** n bytes with a pattern that shows misordered or lost records. */
function payload(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8) + seed) & 0xff;
  return out;
}

// RFC 5246 §6.2.3: TLSCiphertext.length is at most 2^14 + 2048; ours stay far below (explicit IV
// or nonce, a block of padding, a MAC or tag of at most 48 bytes).
const MAX_RECORD = 5 + (1 << 14) + 256;

/** Writes `data` on `from`, checks it left as records of at most 2^14 plaintext bytes, delivers them. */
function send(pair: Pair, from: Connection, to: Connection, data: Uint8Array): number {
  from.write(data);
  const out = from.takeOutput();
  for (const chunk of out) {
    assert.ok(chunk.length <= MAX_RECORD, `record of ${chunk.length} bytes`);
    to.receive(chunk);
  }
  pair.run();
  const records = readRecords(out);
  assert.ok(records.every((r) => r.type === ContentType.application_data && r.version === 0x0303));
  return records.length;
}

/** Both sides completed without failure; returns [client info, server info]. */
function completed(pair: Pair): [HandshakeInfo, HandshakeInfo] {
  assert.equal(failure(pair.clientEvents), undefined, `client: ${failure(pair.clientEvents)?.message}`);
  assert.equal(failure(pair.serverEvents), undefined, `server: ${failure(pair.serverEvents)?.message}`);
  const c = pair.client.handshakeInfo;
  const s = pair.server.handshakeInfo;
  assert.ok(c && s, 'both sides completed');
  return [c, s];
}

/** Small and 100 KB messages both ways, then close_notify each way. */
function exchangeAndClose(pair: Pair): void {
  send(pair, pair.client, pair.server, new TextEncoder().encode('ping'));
  send(pair, pair.server, pair.client, new TextEncoder().encode('pong'));
  assert.equal(receivedBytes(pair.serverEvents).toString(), 'ping');
  assert.equal(receivedBytes(pair.clientEvents).toString(), 'pong');

  // 100 KB each way: 6 full records of 2^14 bytes and one of 4 KiB.
  const up = payload(100 * 1024, 1);
  const down = payload(100 * 1024, 2);
  assert.equal(send(pair, pair.client, pair.server, up), 7);
  assert.equal(send(pair, pair.server, pair.client, down), 7);
  assert.ok(receivedBytes(pair.serverEvents).subarray(4).equals(up), 'the server received the 100 KB intact');
  assert.ok(receivedBytes(pair.clientEvents).subarray(4).equals(down), 'the client received the 100 KB intact');

  pair.client.close();
  pair.run();
  assert.ok(has(pair.serverEvents, 'peer-closed'));
  assert.equal(pair.server.peerClosed, true);
  pair.server.close();
  pair.run();
  assert.ok(has(pair.clientEvents, 'peer-closed'));
  assert.equal(pair.client.open, false);
  assert.equal(pair.server.open, false);
  assert.equal(failure(pair.clientEvents), undefined);
  assert.equal(failure(pair.serverEvents), undefined);
}

const describeRow = (r: Row) =>
  r.suite.keyExchange === 'RSA' ? 'RSA key transport, rsa-2048' : `${groupName(r.group!)}, ${r.certificate!.keyType} signing ${schemeName(r.certificate!.scheme)}`;

describe('TLS 1.2 pair: every suite × key exchange × certificate × group', () => {
  const all = rows();

  test('the rows cover every TLS 1.2 suite, every group and every certificate type', () => {
    assert.deepEqual(new Set(all.map((r) => r.suite.id)), new Set(TLS12_SUITES.map((s) => s.id)));
    assert.equal(TLS12_SUITES.length, 27);
    for (const g of [...ECDHE_GROUPS, ...FFDHE_GROUPS]) assert.ok(all.some((r) => r.group === g), groupName(g));
    for (const c of [...ECDSA_CERTIFICATES, ...RSA_SCHEMES, RSA_PSS]) {
      assert.ok(all.some((r) => r.certificate?.keyType === c.keyType && r.certificate.scheme === c.scheme), schemeName(c.scheme));
    }
  });

  for (const row of all) {
    const { suite, certificate, group } = row;
    const cbc = suite.cipher.kind === 'cbc';
    test(`${suite.name}, ${describeRow(row)}: both sides agree, data flows both ways, close_notify arrives`, () => {
      const pki = cachedPki({ leafKeyType: certificate!.keyType });
      // ECDHE: the server (listing only the row's group) takes that group; an ECDSA certificate's
      // curve must be in the client's supported_groups too (RFC 8422 §5.3), so it is listed after.
      const curve = CERTIFICATE_CURVES[certificate!.keyType];
      const clientGroups = group === undefined ? undefined : curve === undefined || curve === group ? [group] : [group, curve];
      let serverKeyExchange: Uint8Array | undefined;
      const pair = makePair(
        clientFor(pki, {
          maxVersion: 'TLSv1.2',
          cipherSuites: [suite.id],
          ...(clientGroups ? { groups: clientGroups } : {}),
          ...(certificate!.pinScheme ? { signatureSchemes: [certificate!.scheme] } : {}),
        }),
        // DHE: the server lists no finite-field group of its own, so it accepts any RFC 7919 group.
        serverFor(pki, {
          maxVersion: 'TLSv1.2',
          cipherSuites: [suite.id],
          ...(suite.keyExchange === 'ECDHE' ? { groups: [group!] } : {}),
        }),
        {
          tamper: (from, chunk) => {
            serverKeyExchange ??= serverFlight(from, chunk)?.find((m) => m[0] === HandshakeType.server_key_exchange);
            return chunk;
          },
        },
      );
      const [c, s] = completed(pair);
      for (const [side, info] of [
        ['client', c],
        ['server', s],
      ] as const) {
        const where = `${side} HandshakeInfo`;
        assert.equal(info.version, 'TLSv1.2', where);
        assert.equal(cipherSuiteName(info.cipherSuite), suite.name, where);
        assert.equal(info.cipherSuiteName, suite.name, where);
        assert.equal(groupName(info.group), groupName(group ?? 0), where);
        assert.equal(schemeName(info.signatureScheme), schemeName(certificate!.scheme), where);
        assert.equal(info.extendedMasterSecret, true, `${where}: extended master secret`);
        // RFC 7366 §2: encrypt_then_mac is offered with CBC suites and changes nothing for AEAD.
        assert.equal(info.encryptThenMac, cbc, `${where}: encrypt_then_mac`);
        assert.equal(info.helloRetryRequest, false, where);
        assert.equal(info.resumed ?? false, false, where);
      }
      if (group !== undefined) {
        assert.equal(c.groupName, s.groupName, 'both sides name the group alike');
        assert.equal(c.signatureSchemeName, s.signatureSchemeName, 'both sides name the scheme alike');
      }
      assert.equal(c.authorized, true);
      assert.equal(c.peerCertificates[0]?.fingerprint256, parse(pki.leaf).fingerprint256);
      assert.equal(c.verifiedChain.length, 3, 'leaf, intermediate, root');

      // On the wire: a ServerKeyExchange exactly when the key exchange is ephemeral, for the
      // row's group and signed with the row's scheme.
      if (group === undefined) assert.equal(serverKeyExchange, undefined, 'RSA key transport has no ServerKeyExchange');
      else {
        assert.ok(serverKeyExchange, 'a ServerKeyExchange');
        if (suite.keyExchange === 'ECDHE') {
          const ske = decodeEcdheServerKeyExchange(bodyOf(serverKeyExchange));
          assert.equal(groupName(ske.params.group), groupName(group));
          assert.equal(schemeName(ske.signed_params.algorithm), schemeName(certificate!.scheme));
        } else {
          const ske = decodeDheServerKeyExchange(bodyOf(serverKeyExchange));
          const bits = { [NamedGroup.ffdhe2048]: 2048, [NamedGroup.ffdhe3072]: 3072, [NamedGroup.ffdhe4096]: 4096 }[group]!;
          assert.equal(ske.params.dh_p.length * 8, bits, 'the RFC 7919 prime of the row');
          assert.equal(schemeName(ske.signed_params.algorithm), schemeName(certificate!.scheme));
        }
      }
      exchangeAndClose(pair);
    });
  }

  // The same field, named on both sides, should read the same: an application that logs
  // `groupName` must not see a different value depending on which end it runs.
  test('RSA key transport: both sides name the absent group and signature scheme alike', () => {
    const suite = TLS12_SUITES.find((s) => s.name === 'TLS_RSA_WITH_AES_128_GCM_SHA256')!;
    const pki = cachedPki({ leafKeyType: 'rsa-2048' });
    const pair = makePair(
      clientFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] }),
      serverFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] }),
    );
    const [c, s] = completed(pair);
    assert.equal(c.group, 0);
    assert.equal(s.group, 0);
    assert.equal(c.signatureScheme, 0);
    assert.equal(s.signatureScheme, 0);
    assert.deepEqual(
      { groupName: s.groupName, signatureSchemeName: s.signatureSchemeName },
      { groupName: c.groupName, signatureSchemeName: c.signatureSchemeName },
    );
  });
});

describe('TLS 1.2 pair: every record split into pieces on the way', () => {
  // The deframer and the handshake joiner must reassemble TLS 1.2 records (explicit nonces and
  // IVs, CBC padding, MACs) and handshake messages from any split.
  const SPLIT: [string, number | ((from: 'client' | 'server') => number)][] = [
    ['one byte at a time', 1],
    ['pieces of 1..700 bytes', (() => {
      let i = 0;
      return () => [7, 1, 700, 3, 250, 16, 5][i++ % 7]!;
    })()],
  ];
  for (const name of [
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
    'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
    'TLS_RSA_WITH_AES_256_GCM_SHA384',
  ]) {
    for (const [how, chunk] of SPLIT) {
      test(`${name}, ${how}: completes, 20 KB each way arrive intact, close_notify arrives`, () => {
        const suite = TLS12_SUITES.find((x) => x.name === name)!;
        const pki = cachedPki({ leafKeyType: suite.authentication === 'ECDSA' ? 'ecdsa-p256' : 'rsa-2048' });
        const pair = makePair(
          clientFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [suite.id], ...(suite.keyExchange === 'DHE' ? { groups: [NamedGroup.ffdhe2048] } : {}) }),
          serverFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] }),
          { chunk },
        );
        const [c, s] = completed(pair);
        assert.equal(c.cipherSuiteName, name);
        assert.equal(s.cipherSuiteName, name);
        const up = payload(20_000, 7);
        const down = payload(20_000, 8);
        pair.client.write(up);
        pair.server.write(down);
        pair.run();
        assert.ok(receivedBytes(pair.serverEvents).equals(up));
        assert.ok(receivedBytes(pair.clientEvents).equals(down));
        pair.client.close();
        pair.server.close();
        pair.run();
        assert.ok(has(pair.serverEvents, 'peer-closed') && has(pair.clientEvents, 'peer-closed'));
        assert.equal(failure(pair.clientEvents) ?? failure(pair.serverEvents), undefined);
      });
    }
  }
});

describe('TLS 1.2 MAC-then-encrypt (no encrypt_then_mac): each of our endpoints against a scripted peer', () => {
  const CBC = TLS12_SUITES.filter((s) => s.cipher.kind === 'cbc');
  const text = (b: Uint8Array | Uint8Array[]) => Buffer.concat(Array.isArray(b) ? b : [b]).toString('latin1');

  for (const suite of CBC) {
    const pki = () => cachedPki({ leafKeyType: suite.authentication === 'ECDSA' ? 'ecdsa-p256' : 'rsa-2048' });

    test(`our server, ${suite.name}, a client without encrypt_then_mac: MAC-then-encrypt, data both ways, close_notify`, () => {
      const server = serverFor(pki(), { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] });
      const client = new ScriptedTls12Client(server);
      const hello = client.clientHello({ cipher_suites: [suite.id] });
      assert.equal(hello.extensions.encrypt_then_mac, undefined, 'the scripted client does not offer encrypt_then_mac');
      client.sendClientHello(hello);
      assert.equal(client.serverHello?.extensions.encrypt_then_mac, undefined, 'not acknowledged unasked');
      client.finishHandshake();
      assert.equal(client.failure, undefined, client.failure?.message);
      assert.ok(client.serverFinishedVerified, "the server's Finished verified");
      const info = client.server.handshakeInfo;
      assert.ok(info);
      assert.equal(info.cipherSuiteName, suite.name);
      assert.equal(info.encryptThenMac, false);
      assert.equal(info.extendedMasterSecret, true);

      const up = payload(100 * 1024, 3);
      for (let at = 0; at < up.length; at += 1 << 14) client.sendProtected(ContentType.application_data, up.subarray(at, at + (1 << 14)));
      assert.ok(receivedBytes(client.events).equals(up), 'the server read every MAC-then-encrypt record');
      const down = payload(100 * 1024, 4);
      client.server.write(down);
      client.collect();
      assert.equal(client.applicationData.length, down.length);
      assert.equal(client.applicationData, text(down));
      client.server.close();
      client.collect();
      assert.deepEqual(client.alerts.at(-1), [1, AlertDescription.close_notify]);
      assert.equal(client.failure, undefined);
    });

    if (suite.keyExchange !== 'ECDHE') continue; // the scripted server speaks ECDHE only
    test(`our client, ${suite.name}, a server that does not acknowledge encrypt_then_mac: MAC-then-encrypt, data both ways, close_notify`, () => {
      const certified = serverCertificate(pki());
      const server = new Tls12ScriptedServer(clientFor(pki(), { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] }));
      assert.equal(server.clientHello.extensions.encrypt_then_mac, true, 'our client offers encrypt_then_mac with a CBC suite');
      const sh = server.serverHello(suite.id);
      assert.equal(sh.extensions.encrypt_then_mac, undefined);
      server.sendHello(sh);
      const scheme = suite.authentication === 'ECDSA' ? SignatureScheme.ecdsa_secp256r1_sha256 : SignatureScheme.rsa_pss_rsae_sha256;
      server.completeHandshake(certified, { scheme });
      assert.equal(server.failure, undefined, server.failure?.message);
      assert.ok(server.completed);
      const info = server.client.handshakeInfo!;
      assert.equal(info.cipherSuiteName, suite.name);
      assert.equal(info.encryptThenMac, false);
      assert.equal(info.extendedMasterSecret, true);

      const down = payload(100 * 1024, 5);
      for (let at = 0; at < down.length; at += 1 << 14) server.sendRecord(ContentType.application_data, down.subarray(at, at + (1 << 14)));
      assert.ok(receivedBytes(server.events).equals(down), 'our client read every MAC-then-encrypt record');
      const up = payload(100 * 1024, 6);
      server.client.write(up);
      server.collect();
      assert.equal(text(server.applicationData), text(up));
      server.client.close();
      server.collect();
      assert.deepEqual([server.alertLevels.at(-1), server.alerts.at(-1)], [1, AlertDescription.close_notify]);
      assert.equal(server.failure, undefined);
    });
  }
});

describe('TLS 1.2 pair: version negotiation', () => {
  const pki = cachedPki({ leafKeyType: 'ecdsa-p256' });
  const sentinelOf = (random: Uint8Array) => Buffer.from(random.subarray(24)).equals(DOWNGRADE_TLS12_SENTINEL);

  /** The pair, and the random of the TLS 1.2 ServerHello the client received, if it got one. */
  function negotiate(client: ClientConfig, server: Partial<ServerConfig>) {
    let random: Uint8Array | undefined;
    let serverHelloType: string | undefined;
    const pair = makePair(clientFor(pki, client), serverFor(pki, server), {
      tamper: (from, chunk) => {
        const sh = serverFlight(from, chunk)?.[0];
        if (sh && !serverHelloType) {
          serverHelloType = decodeHandshakeMessage(sh, 'tls12').type;
          if (serverHelloType === 'server_hello_tls12') random = serverHello12(sh).random;
        }
        return chunk;
      },
    });
    return { pair, random, serverHelloType };
  }

  test('client TLS 1.2 + 1.3, server TLS 1.2 only: TLS 1.2, no downgrade sentinel, so no false alarm', () => {
    const { pair, random } = negotiate({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2' });
    const [c, s] = completed(pair);
    assert.equal(c.version, 'TLSv1.2');
    assert.equal(s.version, 'TLSv1.2');
    assert.ok(random, 'a TLS 1.2 ServerHello');
    assert.equal(sentinelOf(random), false, 'a TLS 1.2-only server does not mark its random (RFC 8446 §4.1.3)');
    exchangeAndClose(pair);
  });

  test('client TLS 1.2 only, server TLS 1.2 + 1.3: TLS 1.2; the sentinel is there and is no downgrade to this client', () => {
    const { pair, random } = negotiate({ maxVersion: 'TLSv1.2' }, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    const [c, s] = completed(pair);
    assert.equal(c.version, 'TLSv1.2');
    assert.equal(s.version, 'TLSv1.2');
    assert.ok(random);
    assert.equal(sentinelOf(random), true, 'a TLS 1.3 server answering TLS 1.2 marks its random');
    exchangeAndClose(pair);
  });

  test('client TLS 1.2 + 1.3, server TLS 1.2 + 1.3: TLS 1.3 (the control)', () => {
    const { pair, random, serverHelloType } = negotiate({ minVersion: 'TLSv1.2' }, { minVersion: 'TLSv1.2' });
    const [c, s] = completed(pair);
    assert.equal(c.version, 'TLSv1.3');
    assert.equal(s.version, 'TLSv1.3');
    assert.equal(serverHelloType, 'server_hello', 'a TLS 1.3 ServerHello');
    assert.equal(random, undefined, 'no TLS 1.2 ServerHello');
  });

  for (const [client, server] of [
    [{ minVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2' }],
    [{ maxVersion: 'TLSv1.2' }, { minVersion: 'TLSv1.3' }],
  ] as const) {
    test(`client ${client.minVersion ? 'TLS 1.3 only' : 'TLS 1.2 only'}, server ${server.maxVersion ? 'TLS 1.2 only' : 'TLS 1.3 only'}: protocol_version on both sides`, () => {
      const { pair } = negotiate(client, server);
      const sErr = failure(pair.serverEvents);
      const cErr = failure(pair.clientEvents);
      assert.ok(sErr && cErr, 'both failed');
      assert.equal(alertName(sErr.alert), 'protocol_version', sErr.message);
      assert.equal(sErr.fromPeer, false, 'the server found no version in common');
      assert.equal(alertName(cErr.alert), 'protocol_version', cErr.message);
      assert.equal(cErr.fromPeer, true, 'the client received the alert');
      assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false);
    });
  }
});

describe('TLS 1.2 pair: signature_algorithms', () => {
  const pki = cachedPki({ leafKeyType: 'rsa-2048' });
  const PKCS1: number[] = [SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512];

  for (const name of ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384']) {
    test(`a client offering PKCS#1 v1.5 only, ${name}: the server signs ServerKeyExchange with rsa_pkcs1_*`, () => {
      const suite = TLS12_SUITES.find((s) => s.name === name)!;
      let algorithm: number | undefined;
      const pair = makePair(
        clientFor(pki, {
          maxVersion: 'TLSv1.2',
          cipherSuites: [suite.id],
          signatureSchemes: PKCS1,
          ...(suite.keyExchange === 'DHE' ? { groups: [NamedGroup.ffdhe2048] } : {}),
        }),
        serverFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [suite.id] }),
        {
          tamper: (from, chunk) => {
            const ske = serverFlight(from, chunk)?.find((m) => m[0] === HandshakeType.server_key_exchange);
            if (ske) {
              const decode = suite.keyExchange === 'ECDHE' ? decodeEcdheServerKeyExchange : decodeDheServerKeyExchange;
              algorithm = decode(bodyOf(ske)).signed_params.algorithm;
            }
            return chunk;
          },
        },
      );
      const [c, s] = completed(pair);
      assert.ok(algorithm !== undefined, 'a ServerKeyExchange went by');
      assert.ok(PKCS1.includes(algorithm), `signed with ${schemeName(algorithm)}`);
      assert.equal(schemeName(algorithm), 'rsa_pkcs1_sha256', "the server's first PKCS#1 scheme");
      assert.equal(c.signatureScheme, algorithm);
      assert.equal(s.signatureScheme, algorithm);
      exchangeAndClose(pair);
    });
  }

  test('a client offering only PKCS#1 to an ECDSA-only server: no suite in common, handshake_failure on both sides', () => {
    const ecdsa = cachedPki({ leafKeyType: 'ecdsa-p256' });
    const pair = makePair(
      clientFor(ecdsa, { maxVersion: 'TLSv1.2', signatureSchemes: PKCS1 }),
      serverFor(ecdsa, { maxVersion: 'TLSv1.2' }),
    );
    const sErr = failure(pair.serverEvents);
    const cErr = failure(pair.clientEvents);
    assert.equal(alertName(sErr?.alert ?? 0), 'handshake_failure', sErr?.message);
    assert.equal(sErr?.fromPeer, false);
    assert.equal(alertName(cErr?.alert ?? 0), 'handshake_failure', cErr?.message);
    assert.equal(cErr?.fromPeer, true);
  });
});
