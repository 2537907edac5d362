// Handshake features in memory, both sides real: HelloRetryRequest, SNI certificate selection,
// ALPN, negotiation failures, certificate validation outcomes, KeyUpdate, early writes, chunking,
// record_size_limit and negotiation options.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { tls13Suite } from '../../src/crypto/suites.js';
import type { ConnectionEvent } from '../../src/events.js';
import { AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup, SignatureScheme, alertName, groupName } from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import type { ClientHello, EncryptedExtensions } from '../../src/wire/types.js';
import { certifiedKey, clientFor, serverFor, verifierTrusting } from '../helpers/endpoints.js';
import { editServerFlight, keylogSecret, typeOf } from '../helpers/flight.js';
import { type Pair, failure, has, makePair, received } from '../helpers/pair.js';
import { cachedPki, issueCertificate, parse } from '../helpers/pki.js';
import { sealerFor } from '../helpers/scripted.js';

const text = (s: string) => new TextEncoder().encode(s);

function assertCompleted(pair: Pair): void {
  assert.equal(failure(pair.clientEvents), undefined, `client: ${failure(pair.clientEvents)?.message}`);
  assert.equal(failure(pair.serverEvents), undefined, `server: ${failure(pair.serverEvents)?.message}`);
  assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete, 'both sides completed');
}

/** Data written on each side after the handshake reaches the other. */
function assertDataFlows(pair: Pair, tag: string): void {
  pair.client.write(text(`c:${tag}`));
  pair.server.write(text(`s:${tag}`));
  pair.run();
  assert.match(received(pair.serverEvents), new RegExp(`c:${tag}$`));
  assert.match(received(pair.clientEvents), new RegExp(`s:${tag}$`));
}

/** The server failed with `alert` of its own; the client received it. */
function assertServerRefused(pair: Pair, alert: number): void {
  const s = failure(pair.serverEvents);
  const c = failure(pair.clientEvents);
  assert.ok(s && c, 'both sides failed');
  assert.equal(alertName(s.alert), alertName(alert), s.message);
  assert.equal(s.fromPeer, false);
  assert.equal(alertName(c.alert), alertName(alert), c.message);
  assert.equal(c.fromPeer, true);
  assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false);
}

/** The client failed with `alert` of its own; the server received it. */
function assertClientRefused(pair: Pair, alert: number, code?: string): void {
  const c = failure(pair.clientEvents);
  const s = failure(pair.serverEvents);
  assert.ok(c && s, 'both sides failed');
  assert.equal(alertName(c.alert), alertName(alert), c.message);
  assert.equal(c.fromPeer, false);
  if (code) assert.equal(c.code, code);
  assert.equal(alertName(s.alert), alertName(alert), s.message);
  assert.equal(s.fromPeer, true);
  assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false);
}

/** After the handshake, the client failed with `alert` of its own; the server received it. */
function assertClientRefusedAfterHandshake(pair: Pair, alert: number): void {
  const c = failure(pair.clientEvents);
  const s = failure(pair.serverEvents);
  assert.ok(c && s, 'both sides failed');
  assert.equal(alertName(c.alert), alertName(alert), c.message);
  assert.equal(c.fromPeer, false);
  assert.equal(alertName(s.alert), alertName(alert), s.message);
  assert.equal(s.fromPeer, true);
}

const sentHellos = (events: ConnectionEvent[]) =>
  events.filter((e) => e.type === 'trace' && e.event.direction === 'sent' && e.event.name === 'ClientHello').length;

describe('HelloRetryRequest', () => {
  const pki = cachedPki();

  test('a server that accepts none of the client shares asks for another group, and both report the retry', () => {
    const pair = makePair(
      clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519] }),
      serverFor(pki, { groups: [NamedGroup.secp256r1] }),
    );
    assertCompleted(pair);
    for (const info of [pair.client.handshakeInfo!, pair.server.handshakeInfo!]) {
      assert.equal(info.helloRetryRequest, true);
      assert.equal(groupName(info.group), 'secp256r1');
    }
    assert.equal(sentHellos(pair.clientEvents), 2);
    assertDataFlows(pair, 'after-hrr');
  });

  test('the retry keeps the cipher suite and works for every suite', () => {
    for (const suite of [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256]) {
      const pair = makePair(
        clientFor(pki, { cipherSuites: [suite], groups: [NamedGroup.secp256r1, NamedGroup.secp384r1], keyShareGroups: [NamedGroup.secp256r1] }),
        serverFor(pki, { groups: [NamedGroup.secp384r1] }),
      );
      assertCompleted(pair);
      assert.equal(pair.client.handshakeInfo!.cipherSuite, suite);
      assert.equal(pair.server.handshakeInfo!.helloRetryRequest, true);
      assert.equal(groupName(pair.client.handshakeInfo!.group), 'secp384r1');
      assertDataFlows(pair, `suite-${suite}`);
    }
  });

  test('a client share the server accepts needs no retry', () => {
    const pair = makePair(
      clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
      serverFor(pki, { groups: [NamedGroup.secp256r1] }),
    );
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo!.helloRetryRequest, false);
    assert.equal(groupName(pair.server.handshakeInfo!.group), 'secp256r1');
    assert.equal(sentHellos(pair.clientEvents), 1);
  });
});

describe('SNI', () => {
  const pki = cachedPki();
  const a = certifiedKey(issueCertificate({ dnsNames: ['a.example'] }, pki.intermediate), pki.intermediate);
  const b = certifiedKey(issueCertificate({ dnsNames: ['b.example'] }, pki.intermediate), pki.intermediate);
  const c = certifiedKey(issueCertificate({ dnsNames: ['*.c.example'], keyType: 'ed25519' }, pki.intermediate), pki.intermediate);
  const server = serverFor(pki, { certificates: [a, b, c] });
  const leafOf = (pair: Pair) => pair.client.handshakeInfo!.peerCertificates[0]!.fingerprint256;

  test('the server presents the certificate whose name the client asked for', () => {
    for (const [name, cert] of [['b.example', b], ['a.example', a], ['www.c.example', c]] as const) {
      const pair = makePair(clientFor(pki, { serverName: name }), server);
      assertCompleted(pair);
      assert.equal(leafOf(pair), cert.leaf.fingerprint256, name);
      assert.equal(pair.client.handshakeInfo!.authorized, true);
      assert.equal(pair.server.handshakeInfo!.serverName, name);
      assert.equal(pair.client.handshakeInfo!.serverName, name);
    }
  });

  test('an unknown name, or none, falls back to the first certificate', () => {
    const unknown = makePair(clientFor(pki, { serverName: 'a.example', sni: 'unknown.example' }), server);
    assertCompleted(unknown);
    assert.equal(leafOf(unknown), a.leaf.fingerprint256);
    assert.equal(unknown.server.handshakeInfo!.serverName, 'unknown.example');

    const none = makePair(clientFor(pki, { serverName: 'a.example', sni: false }), server);
    assertCompleted(none);
    assert.equal(leafOf(none), a.leaf.fingerprint256);
    assert.equal(none.server.handshakeInfo!.serverName, undefined);
  });

  test('a trailing dot is not sent in SNI, and an upper-case name matches the certificate', () => {
    const dotted = makePair(clientFor(pki, { serverName: 'b.example.' }), server);
    assertCompleted(dotted);
    assert.equal(dotted.server.handshakeInfo!.serverName, 'b.example');
    assert.equal(leafOf(dotted), b.leaf.fingerprint256);
    assert.equal(dotted.client.handshakeInfo!.authorized, true);

    const upper = makePair(clientFor(pki, { serverName: 'B.Example' }), server);
    assertCompleted(upper);
    assert.equal(leafOf(upper), b.leaf.fingerprint256);
    assert.equal(upper.client.handshakeInfo!.authorized, true);
  });

  test('an IP address is not sent as SNI and is checked against the IP addresses of the certificate', () => {
    for (const ip of ['127.0.0.1', '::1']) {
      const pair = makePair(clientFor(pki, { serverName: ip }), serverFor(pki));
      assertCompleted(pair);
      assert.equal(pair.server.handshakeInfo!.serverName, undefined);
      assert.equal(pair.client.handshakeInfo!.authorized, true, ip);
    }
    const wrong = makePair(clientFor(pki, { serverName: '10.0.0.1' }), serverFor(pki));
    assertClientRefused(wrong, AlertDescription.bad_certificate, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('selectCertificates chooses by name before the name match over the list', () => {
    const pair = makePair(
      clientFor(pki, { serverName: 'b.example', rejectUnauthorized: false }),
      serverFor(pki, { certificates: [a, b], selectCertificates: (name) => (name === 'b.example' ? [a] : undefined) }),
    );
    assertCompleted(pair);
    assert.equal(leafOf(pair), a.leaf.fingerprint256);
    assert.equal(pair.client.handshakeInfo!.authorized, false);
  });
});

describe('ALPN', () => {
  const pki = cachedPki();

  test('the server picks its most preferred protocol the client offers, and both report it', () => {
    const pair = makePair(clientFor(pki, { alpnProtocols: ['h2', 'http/1.1'] }), serverFor(pki, { alpnProtocols: ['http/1.1', 'h2'] }));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo!.alpnProtocol, 'http/1.1');
    assert.equal(pair.server.handshakeInfo!.alpnProtocol, 'http/1.1');
  });

  test('ALPN on one side only negotiates nothing', () => {
    for (const [client, server] of [[['h2'], []], [[], ['h2']]] as const) {
      const pair = makePair(clientFor(pki, { alpnProtocols: client }), serverFor(pki, { alpnProtocols: server }));
      assertCompleted(pair);
      assert.equal(pair.client.handshakeInfo!.alpnProtocol, false);
      assert.equal(pair.server.handshakeInfo!.alpnProtocol, false);
    }
  });

  test('no protocol in common: the server sends no_application_protocol and the client receives it', () => {
    const pair = makePair(clientFor(pki, { alpnProtocols: ['h2'] }), serverFor(pki, { alpnProtocols: ['http/1.1'] }));
    assertServerRefused(pair, AlertDescription.no_application_protocol);
  });
});

describe('nothing in common', () => {
  const pki = cachedPki();

  test('no common cipher suite: handshake_failure', () => {
    const pair = makePair(
      clientFor(pki, { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] }),
      serverFor(pki, { cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256] }),
    );
    assertServerRefused(pair, AlertDescription.handshake_failure);
  });

  test('no common group: handshake_failure', () => {
    const pair = makePair(
      clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
      serverFor(pki, { groups: [NamedGroup.secp384r1] }),
    );
    assertServerRefused(pair, AlertDescription.handshake_failure);
  });

  test('no common signature scheme for the certificate: handshake_failure', () => {
    const pair = makePair(
      clientFor(pki, { signatureSchemes: [SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256] }),
      serverFor(pki),
    );
    assertServerRefused(pair, AlertDescription.handshake_failure);
  });
});

describe('server certificate validation', () => {
  const pki = cachedPki();
  const stranger = cachedPki({ leafCommonName: 'stranger' });
  const expired = cachedPki({ leafValidity: 'expired' });
  const cases = [
    { what: 'an untrusted root', server: pki, client: clientFor(pki, { verifier: verifierTrusting(stranger.root) }), alert: AlertDescription.unknown_ca, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' },
    { what: 'an expired leaf', server: expired, client: clientFor(expired), alert: AlertDescription.certificate_expired, code: 'CERT_HAS_EXPIRED' },
    { what: 'a name mismatch', server: pki, client: clientFor(pki, { serverName: 'other.example' }), alert: AlertDescription.bad_certificate, code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
  ];

  for (const c of cases) {
    test(`rejectUnauthorized false: ${c.what} completes unauthorized with ${c.code}`, () => {
      const pair = makePair({ ...c.client, rejectUnauthorized: false }, serverFor(c.server));
      assertCompleted(pair);
      const info = pair.client.handshakeInfo!;
      assert.equal(info.authorized, false);
      assert.equal(info.authorizationError?.code, c.code);
      assert.equal(info.verifiedChain.length, 0);
      assert.equal(info.peerCertificates[0]?.fingerprint256, parse(c.server.leaf).fingerprint256);
      assertDataFlows(pair, 'unauthorized');
    });

    test(`rejectUnauthorized true: ${c.what} fails with ${alertName(c.alert)}, which the server receives`, () => {
      const pair = makePair(c.client, serverFor(c.server));
      assertClientRefused(pair, c.alert, c.code);
    });
  }

  test('a client without a verifier and rejectUnauthorized false completes unauthorized', () => {
    const pair = makePair({ serverName: 'localhost', rejectUnauthorized: false }, serverFor(pki));
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo!.authorized, false);
    assert.equal(pair.client.handshakeInfo!.authorizationError?.alert, AlertDescription.unknown_ca);
  });
});

describe('KeyUpdate', () => {
  const pki = cachedPki();
  const keyUpdates = (events: ConnectionEvent[], direction: 'read' | 'write') =>
    events.filter((e) => e.type === 'key-update' && e.direction === direction).length;

  for (const side of ['client', 'server'] as const) {
    test(`updateKeys(true) on the ${side} updates both directions and data keeps flowing`, () => {
      const pair = makePair(clientFor(pki), serverFor(pki));
      assertCompleted(pair);
      const [us, them] = side === 'client' ? [pair.clientEvents, pair.serverEvents] : [pair.serverEvents, pair.clientEvents];
      for (let round = 1; round <= 3; round++) {
        pair[side].updateKeys(true);
        pair.run();
        assert.equal(keyUpdates(us, 'write'), round);
        assert.equal(keyUpdates(us, 'read'), round);
        assert.equal(keyUpdates(them, 'read'), round);
        assert.equal(keyUpdates(them, 'write'), round);
        assertDataFlows(pair, `round-${round}`);
      }
      assert.equal(failure(pair.clientEvents), undefined);
      assert.equal(failure(pair.serverEvents), undefined);
    });

    test(`updateKeys(false) on the ${side} updates one direction only`, () => {
      const pair = makePair(clientFor(pki), serverFor(pki));
      const [us, them] = side === 'client' ? [pair.clientEvents, pair.serverEvents] : [pair.serverEvents, pair.clientEvents];
      pair[side].updateKeys(false);
      pair.run();
      assert.equal(keyUpdates(us, 'write'), 1);
      assert.equal(keyUpdates(them, 'read'), 1);
      assert.equal(keyUpdates(us, 'read') + keyUpdates(them, 'write'), 0);
      assertDataFlows(pair, 'one-way');
    });
  }

  test('both sides requesting an update at once still agree', () => {
    const pair = makePair(clientFor(pki), serverFor(pki));
    pair.client.updateKeys(true);
    pair.server.updateKeys(true);
    pair.client.write(text('crossing'));
    pair.run();
    assertDataFlows(pair, 'crossed');
    assert.equal(failure(pair.clientEvents), undefined);
    assert.equal(failure(pair.serverEvents), undefined);
  });
});

describe('writes before the handshake completes', () => {
  const pki = cachedPki();

  test('are held and delivered, in order, once the handshake is done', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), { deferRun: true });
    pair.client.write(text('one,'));
    pair.client.write(text('two'));
    pair.server.write(text('hello from the server'));
    pair.run();
    assertCompleted(pair);
    assert.equal(received(pair.serverEvents), 'one,two');
    assert.equal(received(pair.clientEvents), 'hello from the server');
    // Nothing arrived before the receiver's own handshake-complete.
    for (const events of [pair.clientEvents, pair.serverEvents]) {
      const done = events.findIndex((e) => e.type === 'handshake-complete');
      const data = events.findIndex((e) => e.type === 'data');
      assert.ok(done >= 0 && data > done);
    }
  });
});

describe('chunking', () => {
  const pki = cachedPki();

  test('every byte delivered separately', () => {
    const pair = makePair(clientFor(pki, { alpnProtocols: ['h2'] }), serverFor(pki, { alpnProtocols: ['h2'] }), { chunk: 1 });
    assertCompleted(pair);
    assertDataFlows(pair, 'bytewise');
    pair.client.close();
    pair.run();
    assert.ok(has(pair.serverEvents, 'peer-closed'));
  });

  test('every byte delivered separately, with a HelloRetryRequest', () => {
    const pair = makePair(
      clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp384r1] }),
      serverFor(pki, { groups: [NamedGroup.secp384r1] }),
      { chunk: 1 },
    );
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo!.helloRetryRequest, true);
    assertDataFlows(pair, 'bytewise-hrr');
  });

  test('random chunk sizes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 16 }), fc.boolean(), (sizes, retry) => {
        let i = 0;
        const chunk = () => sizes[i++ % sizes.length]!;
        const pair = makePair(
          clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
          serverFor(pki, retry ? { groups: [NamedGroup.secp256r1] } : {}),
          { chunk },
        );
        assertCompleted(pair);
        assert.equal(pair.client.handshakeInfo!.helloRetryRequest, retry);
        assertDataFlows(pair, 'chunks');
      }),
      { numRuns: 40 },
    );
  });
});

describe('record_size_limit (RFC 8449)', () => {
  const pki = cachedPki();
  /** Records the largest TLSInnerPlaintext each side sends in a protected record. */
  const measure = () => {
    const sizes = { client: 0, server: 0 };
    const tamper = (from: 'client' | 'server', chunk: Uint8Array) => {
      if (chunk[0] === ContentType.application_data) sizes[from] = Math.max(sizes[from], chunk.length - 5 - 16);
      return chunk;
    };
    return { sizes, tamper };
  };
  const big = new Uint8Array(40_000).fill(0x5a);

  for (const [client, server] of [[64, undefined], [1000, 200], [16385, 64]] as const) {
    test(`client limit ${client}, server limit ${server ?? 'default'}: every protected record keeps to the receiver's limit`, () => {
      const { sizes, tamper } = measure();
      const pair = makePair(clientFor(pki, { recordSizeLimit: client }), serverFor(pki, server === undefined ? {} : { recordSizeLimit: server }), { tamper });
      assertCompleted(pair);
      pair.client.write(big);
      pair.server.write(big);
      pair.run();
      assert.equal(received(pair.serverEvents).length, big.length);
      assert.equal(received(pair.clientEvents).length, big.length);
      assert.ok(sizes.server <= client, `server sent ${sizes.server} > ${client}`);
      assert.ok(sizes.client <= (server ?? 16385), `client sent ${sizes.client} > ${server}`);
      // The limit is used, not just respected: records are as large as allowed.
      assert.equal(sizes.server, Math.min(client, 16385));
      assert.equal(sizes.client, Math.min(server ?? 16385, 16385));
    });
  }

  test('a server limit is not sent to a client that offered none, and no limit applies', () => {
    const { sizes, tamper } = measure();
    const pair = makePair(clientFor(pki), serverFor(pki, { recordSizeLimit: 64 }), { tamper });
    assertCompleted(pair);
    pair.client.write(big);
    pair.run();
    assert.equal(sizes.client, 16385);
  });

  test('a record above the limit we advertised: record_overflow', () => {
    const pair = makePair(clientFor(pki, { recordSizeLimit: 64 }), serverFor(pki));
    assertCompleted(pair);
    // Re-seal 100 bytes as one record under the server's key: the server itself would split it.
    const secret = keylogSecret(pair.clientEvents, 'SERVER_TRAFFIC_SECRET_0')!;
    const sealer = sealerFor(tls13Suite(pair.client.handshakeInfo!.cipherSuite)!, secret);
    pair.client.receive(sealer.seal(ContentType.application_data, new Uint8Array(100)));
    pair.run();
    assertClientRefusedAfterHandshake(pair, AlertDescription.record_overflow);
  });
});

describe('negotiation preferences and options', () => {
  const pki = cachedPki();
  /** Counts the change_cipher_spec records each side sends. */
  const ccsRecords = (counter: { client: number; server: number }) => (from: 'client' | 'server', chunk: Uint8Array) => {
    if (chunk[0] === ContentType.change_cipher_spec) counter[from]++;
    return chunk;
  };

  test("the client's suite order wins, unless the server honours its own", () => {
    const client = clientFor(pki, { cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256] });
    const ours = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
    const clientOrder = makePair(client, serverFor(pki, { cipherSuites: ours }));
    assert.equal(clientOrder.server.handshakeInfo!.cipherSuite, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    const serverOrder = makePair(client, serverFor(pki, { cipherSuites: ours, honorCipherOrder: true }));
    assert.equal(serverOrder.server.handshakeInfo!.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
    assert.equal(serverOrder.client.handshakeInfo!.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
  });

  test('the server picks by its own group order among the shares the client sent', () => {
    const pair = makePair(
      clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp384r1], keyShareGroups: [NamedGroup.x25519, NamedGroup.secp384r1] }),
      serverFor(pki, { groups: [NamedGroup.secp384r1, NamedGroup.x25519] }),
    );
    assertCompleted(pair);
    assert.equal(groupName(pair.client.handshakeInfo!.group), 'secp384r1');
    assert.equal(pair.client.handshakeInfo!.helloRetryRequest, false);
  });

  for (const retry of [false, true]) {
    test(`middleboxCompat false: no change_cipher_spec either way${retry ? ', with a HelloRetryRequest' : ''}`, () => {
      const counter = { client: 0, server: 0 };
      const pair = makePair(
        clientFor(pki, { middleboxCompat: false, groups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
        serverFor(pki, retry ? { groups: [NamedGroup.secp256r1] } : {}),
        { tamper: ccsRecords(counter) },
      );
      assertCompleted(pair);
      assert.equal(pair.client.handshakeInfo!.helloRetryRequest, retry);
      assert.deepEqual(counter, { client: 0, server: 0 });
    });

    test(`middleboxCompat (default): one change_cipher_spec each way${retry ? ', with a HelloRetryRequest' : ''}`, () => {
      const counter = { client: 0, server: 0 };
      const pair = makePair(
        clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
        serverFor(pki, retry ? { groups: [NamedGroup.secp256r1] } : {}),
        { tamper: ccsRecords(counter) },
      );
      assertCompleted(pair);
      assert.deepEqual(counter, { client: 1, server: 1 });
    });
  }

  test('advertiseGroups lists the server groups in EncryptedExtensions, which the client accepts', () => {
    const groups = [NamedGroup.secp384r1, NamedGroup.x25519];
    for (const advertiseGroups of [true, false]) {
      let ee: EncryptedExtensions | undefined;
      const tamper = editServerFlight({
        edit: (messages) => {
          ee = decodeHandshakeMessage(messages.find((m) => typeOf(m) === HandshakeType.encrypted_extensions)!) as EncryptedExtensions;
          return messages;
        },
      });
      const pair = makePair(clientFor(pki), serverFor(pki, { advertiseGroups, groups }), { tamper });
      assertCompleted(pair);
      assert.deepEqual(ee?.extensions.supported_groups, advertiseGroups ? groups : undefined);
    }
  });

  test('certSignatureSchemes false: no signature_algorithms_cert, the chain still validates', () => {
    let hello: ClientHello | undefined;
    const tamper = (from: 'client' | 'server', chunk: Uint8Array) => {
      if (from === 'client' && chunk[0] === ContentType.handshake && !hello) hello = decodeHandshakeMessage(chunk.subarray(5)) as ClientHello;
      return chunk;
    };
    const pair = makePair(clientFor(pki, { certSignatureSchemes: false }), serverFor(pki), { tamper });
    assertCompleted(pair);
    assert.equal(pair.client.handshakeInfo!.authorized, true);
    assert.ok(hello);
    assert.equal(hello.extensions.signature_algorithms_cert, undefined);
    assert.ok(hello.extensions.signature_algorithms?.length);
  });

  test('ALPN mismatch with a HelloRetryRequest pending: refused on the first ClientHello, without a retry', () => {
    const pair = makePair(
      clientFor(pki, { alpnProtocols: ['h2'], groups: [NamedGroup.x25519, NamedGroup.secp256r1] }),
      serverFor(pki, { alpnProtocols: ['http/1.1'], groups: [NamedGroup.secp256r1] }),
    );
    assertServerRefused(pair, AlertDescription.no_application_protocol);
    assert.equal(sentHellos(pair.clientEvents), 1);
  });
});
