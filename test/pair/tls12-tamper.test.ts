// A man in the middle between our TLS 1.2 client and our TLS 1.2 server (the pair's Tamper hook):
// each change to the records in flight must end the handshake or the connection with the alert
// the protocol implies, sent by the side that can tell, and received by the other.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientConfig } from '../../src/client/config.js';
import { type Tls12Suite, tls12SuiteByName } from '../../src/crypto/suites.js';
import type { TLSError } from '../../src/errors.js';
import type { ServerConfig } from '../../src/server/config.js';
import { DOWNGRADE_TLS12_SENTINEL } from '../../src/server/hello.js';
import { AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup, SignatureScheme, alertName } from '../../src/wire/codes.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import {
  decodeDheServerKeyExchange,
  decodeEcdheServerKeyExchange,
  encodeDheServerKeyExchange,
  encodeEcdheServerKeyExchange,
} from '../../src/wire/messages/server-key-exchange.js';
import type { ClientHello } from '../../src/wire/types.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { type Pair, type Tamper, failure, makePair, received } from '../helpers/pair.js';
import { type KeyType, cachedPki, provider } from '../helpers/pki.js';
import {
  bodyOf,
  chain,
  dropChangeCipherSpec,
  editClientHello,
  editServerFlight12,
  flipBit,
  onProtectedRecord,
  replaceMessage,
  serverFlight,
  serverHello12,
  withBody,
} from '../helpers/tls12-pair-wire.js';

const suite = (name: string): Tls12Suite => {
  const s = tls12SuiteByName(name);
  assert.ok(s, name);
  return s;
};
const ECDHE_ECDSA_GCM = suite('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
const ECDHE_RSA_GCM = suite('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
const ECDHE_ECDSA_CHACHA = suite('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
const ECDHE_ECDSA_CBC = suite('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256');
const ECDHE_RSA_CBC_SHA = suite('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA');
const DHE_RSA_GCM = suite('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
const RSA_GCM = suite('TLS_RSA_WITH_AES_128_GCM_SHA256');
const RSA_CBC = suite('TLS_RSA_WITH_AES_128_CBC_SHA256');

const keyTypeFor = (s: Tls12Suite): KeyType => (s.authentication === 'ECDSA' ? 'ecdsa-p256' : 'rsa-2048');

/** A TLS 1.2-only client and server speaking `s` (DHE over ffdhe2048), with `overrides`. */
function configs(s: Tls12Suite, client: ClientConfig = {}, server: Partial<ServerConfig> = {}, keyType = keyTypeFor(s)) {
  const pki = cachedPki({ leafKeyType: keyType });
  return [
    clientFor(pki, {
      maxVersion: 'TLSv1.2',
      cipherSuites: [s.id],
      ...(s.keyExchange === 'DHE' ? { groups: [NamedGroup.ffdhe2048] } : {}),
      ...client,
    }),
    serverFor(pki, { maxVersion: 'TLSv1.2', cipherSuites: [s.id], ...server }),
  ] as const;
}

const pairFor = (s: Tls12Suite, tamper: Tamper, client: ClientConfig = {}, server: Partial<ServerConfig> = {}, keyType?: KeyType): Pair =>
  makePair(...configs(s, client, server, keyType), { tamper });

function expectFailure(error: TLSError | undefined, alert: number, fromPeer: boolean, who: string): void {
  assert.ok(error, `${who} failed`);
  assert.equal(alertName(error.alert), alertName(alert), `${who}: ${error.message}`);
  assert.equal(error.fromPeer, fromPeer, `${who}: fromPeer (${error.message})`);
}

/** The client detected the change and sent `alert`; the server received it. Neither completed. */
function clientRejected(pair: Pair, alert: number): void {
  expectFailure(failure(pair.clientEvents), alert, false, 'client');
  expectFailure(failure(pair.serverEvents), alert, true, 'server');
}

/** The server detected the change and sent `alert`; the client received it. */
function serverRejected(pair: Pair, alert: number): void {
  expectFailure(failure(pair.serverEvents), alert, false, 'server');
  expectFailure(failure(pair.clientEvents), alert, true, 'client');
}

const neitherCompleted = (pair: Pair) => assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false, 'no side completed');
const bothCompleted = (pair: Pair) => {
  assert.equal(failure(pair.clientEvents), undefined, failure(pair.clientEvents)?.message);
  assert.equal(failure(pair.serverEvents), undefined, failure(pair.serverEvents)?.message);
  assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete, 'both completed');
};

/** Rewrites the ServerKeyExchange body of the server's flight. */
const onServerKeyExchange = (change: (body: Uint8Array) => Uint8Array): Tamper =>
  editServerFlight12(replaceMessage(HandshakeType.server_key_exchange, (raw) => withBody(raw, change(bodyOf(raw)))));

/** Rewrites the ServerHello of the server's flight. */
const onServerHello = (change: (raw: Uint8Array) => Uint8Array): Tamper => editServerFlight12(replaceMessage(HandshakeType.server_hello, change));

/** Offset of the ServerHello random inside the raw message: header (4) and server_version (2). */
const RANDOM_AT = 6;

describe('the man in the middle itself', () => {
  // Without these, a tamper test could pass because the rewriting broke something else.
  test('a ClientHello decoded and re-encoded unchanged is byte-identical and the handshake completes', () => {
    for (const client of [{}, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' } as const]) {
      const seen: { original?: Uint8Array; sent?: Uint8Array } = {};
      const pair = pairFor(ECDHE_ECDSA_GCM, editClientHello((ch) => ch, seen), client);
      assert.ok(seen.original && seen.sent);
      assert.ok(Buffer.from(seen.sent).equals(seen.original), 're-encoding is faithful');
      bothCompleted(pair);
    }
  });

  test('a server flight and ServerKeyExchange decoded and re-encoded unchanged complete', () => {
    const ecdhe = pairFor(ECDHE_ECDSA_GCM, onServerKeyExchange((b) => {
      const ske = decodeEcdheServerKeyExchange(b);
      return encodeEcdheServerKeyExchange(ske.params, ske.signed_params);
    }));
    bothCompleted(ecdhe);
    const dhe = pairFor(DHE_RSA_GCM, onServerKeyExchange((b) => {
      const ske = decodeDheServerKeyExchange(b);
      return encodeDheServerKeyExchange(ske.params, ske.signed_params);
    }));
    bothCompleted(dhe);
    const sh = pairFor(RSA_GCM, onServerHello((raw) => encodeHandshake(serverHello12(raw))));
    bothCompleted(sh);
  });
});

describe('the man in the middle itself, after the ChangeCipherSpec', () => {
  test('protected records passed through the record picker unchanged: completes, the data arrives both ways', () => {
    const seen: number[] = [];
    const [client, server] = configs(ECDHE_ECDSA_CBC);
    const pair = makePair(client, server, {
      tamper: chain(
        onProtectedRecord('client', 1, (c) => (seen.push(c[0]!), c)),
        onProtectedRecord('server', 1, (c) => (seen.push(c[0]!), c)),
      ),
      deferRun: true,
    });
    pair.client.write(new TextEncoder().encode('up'));
    pair.server.write(new TextEncoder().encode('down'));
    pair.run();
    bothCompleted(pair);
    assert.equal(received(pair.serverEvents), 'up');
    assert.equal(received(pair.clientEvents), 'down');
    assert.deepEqual(seen, [ContentType.application_data, ContentType.application_data], 'record 1 of each side is its first data record');
  });
});

describe('ServerKeyExchange', () => {
  const cases: [string, Tls12Suite, KeyType, ClientConfig][] = [
    ['ECDHE, ecdsa_secp256r1_sha256', ECDHE_ECDSA_GCM, 'ecdsa-p256', {}],
    ['ECDHE, ecdsa_secp384r1_sha384', ECDHE_ECDSA_GCM, 'ecdsa-p384', { groups: [NamedGroup.x25519, NamedGroup.secp384r1] }],
    ['ECDHE, ed25519', ECDHE_ECDSA_CBC, 'ed25519', {}],
    ['ECDHE, rsa_pss_rsae_sha256', ECDHE_RSA_GCM, 'rsa-2048', {}],
    ['ECDHE, rsa_pkcs1_sha256', ECDHE_RSA_GCM, 'rsa-2048', { signatureSchemes: [SignatureScheme.rsa_pkcs1_sha256] }],
    ['DHE ffdhe2048, rsa_pss_rsae_sha256', DHE_RSA_GCM, 'rsa-2048', {}],
  ];
  for (const [what, s, keyType, client] of cases) {
    for (const [where, at] of [
      ['last', (b: Uint8Array) => b.length - 1],
      ['a middle', (b: Uint8Array) => b.length - 20],
    ] as const) {
      test(`${what}: ${where} signature byte changed: client decrypt_error, the server receives it`, () => {
        const pair = pairFor(s, onServerKeyExchange(flipBit(at, 0x10)), client, {}, keyType);
        clientRejected(pair, AlertDescription.decrypt_error);
        neitherCompleted(pair);
      });
    }
  }

  // RFC 8422 §5.4, RFC 5246 §7.4.3: the signature covers the parameters, so another valid
  // point (one the client would happily agree with) no longer verifies.
  for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]) {
    test(`ECDHE: the ${group === NamedGroup.x25519 ? 'x25519' : group === NamedGroup.secp256r1 ? 'P-256' : 'P-384'} point replaced with another valid point: client decrypt_error`, () => {
      const pair = pairFor(
        ECDHE_ECDSA_GCM,
        onServerKeyExchange((b) => {
          const ske = decodeEcdheServerKeyExchange(b);
          assert.equal(ske.params.group, group);
          const other = provider.generateKeyShare(group)!.publicKey;
          assert.equal(other.length, ske.params.point.length);
          return encodeEcdheServerKeyExchange({ group, point: other }, ske.signed_params);
        }),
        { groups: [group, NamedGroup.secp256r1] },
        { groups: [group] },
      );
      clientRejected(pair, AlertDescription.decrypt_error);
    });
  }

  test('DHE: dh_Ys replaced with another valid public value of the same group: client decrypt_error', () => {
    const pair = pairFor(
      DHE_RSA_GCM,
      onServerKeyExchange((b) => {
        const ske = decodeDheServerKeyExchange(b);
        const other = provider.generateKeyShare(NamedGroup.ffdhe2048)!.publicKey;
        assert.equal(other.length, ske.params.dh_p.length);
        return encodeDheServerKeyExchange({ ...ske.params, dh_Ys: other }, ske.signed_params);
      }),
    );
    clientRejected(pair, AlertDescription.decrypt_error);
  });

  test('the signature algorithm changed to one that does not fit the ECDSA key (rsa_pss_rsae_sha256): client illegal_parameter', () => {
    const pair = pairFor(
      ECDHE_ECDSA_GCM,
      onServerKeyExchange((b) => {
        const ske = decodeEcdheServerKeyExchange(b);
        return encodeEcdheServerKeyExchange(ske.params, { ...ske.signed_params, algorithm: SignatureScheme.rsa_pss_rsae_sha256 });
      }),
    );
    clientRejected(pair, AlertDescription.illegal_parameter);
  });

  test('the signature algorithm changed to one the client did not offer: client illegal_parameter', () => {
    const pair = pairFor(
      ECDHE_RSA_GCM,
      onServerKeyExchange((b) => {
        const ske = decodeEcdheServerKeyExchange(b);
        return encodeEcdheServerKeyExchange(ske.params, { ...ske.signed_params, algorithm: SignatureScheme.rsa_pkcs1_sha512 });
      }),
      { signatureSchemes: [SignatureScheme.rsa_pss_rsae_sha256] },
    );
    clientRejected(pair, AlertDescription.illegal_parameter);
  });
});

// RFC 7627: with extended_master_secret the master secret is derived from the session hash (the
// transcript through ClientKeyExchange) instead of the two randoms alone, so two connections with
// different transcripts can never share a master secret (the triple handshake attack). Against an
// on-path attacker the Finished messages already cover every handshake message; what EMS adds is
// that a changed transcript also changes the keys. So stripping the extension cannot go unseen:
// - from the ClientHello: the server answers without it, both sides fall back to the RFC 5246
//   master secret (same premaster, same randoms: same keys), and the transcripts differ only in
//   the ClientHello, which the Finished covers: the server fails the client's Finished with
//   decrypt_error;
// - from the ServerHello only: the client derives the RFC 5246 master secret, the server the
//   extended one; the client's Finished record cannot even be opened: bad_record_mac.
// (Our client accepts a server without EMS, as RFC 7627 §5.3 allows; it reports it in
// HandshakeInfo.extendedMasterSecret.)
describe('extended_master_secret (RFC 7627)', () => {
  for (const s of [ECDHE_ECDSA_GCM, RSA_CBC]) {
    test(`${s.name}: stripped from the ClientHello: the server fails the client Finished with decrypt_error, the client receives it`, () => {
      let serverHelloEms: boolean | undefined;
      const tamper = chain(
        editClientHello((ch) => {
          assert.equal(ch.extensions.extended_master_secret, true, 'offered');
          const { extended_master_secret: _, ...rest } = ch.extensions;
          return { ...ch, extensions: rest };
        }),
        (from, chunk) => {
          const sh = serverFlight(from, chunk)?.[0];
          if (sh) serverHelloEms = serverHello12(sh).extensions.extended_master_secret === true;
          return chunk;
        },
      );
      const pair = pairFor(s, tamper);
      assert.equal(serverHelloEms, false, 'the server did not acknowledge what it did not see');
      serverRejected(pair, AlertDescription.decrypt_error);
      assert.match(failure(pair.serverEvents)!.message, /Finished/);
      neitherCompleted(pair);
    });

    test(`${s.name}: stripped from the ServerHello: the master secrets differ, the server fails the client Finished record with bad_record_mac`, () => {
      const pair = pairFor(
        s,
        onServerHello((raw) => {
          const sh = serverHello12(raw);
          assert.equal(sh.extensions.extended_master_secret, true);
          const { extended_master_secret: _, ...rest } = sh.extensions;
          return encodeHandshake({ ...sh, extensions: rest });
        }),
      );
      serverRejected(pair, AlertDescription.bad_record_mac);
      neitherCompleted(pair);
    });
  }

  test('stripped from both hellos: same keys, different transcripts: decrypt_error at the Finished', () => {
    const pair = pairFor(
      RSA_GCM,
      chain(
        editClientHello((ch) => {
          const { extended_master_secret: _, ...rest } = ch.extensions;
          return { ...ch, extensions: rest };
        }),
        // The server, not having seen it, does not send it either; this only checks so.
        onServerHello((raw) => {
          assert.equal(serverHello12(raw).extensions.extended_master_secret, undefined);
          return raw;
        }),
      ),
    );
    serverRejected(pair, AlertDescription.decrypt_error);
  });
});

// The ServerHello random feeds everything in TLS 1.2: the ServerKeyExchange signature
// (RFC 5246 §7.4.3), the key block (§6.3), and with EMS the session hash. One changed byte is
// therefore caught at the first of these the client meets.
describe('a changed byte in the ServerHello random the client sees', () => {
  const changeRandom = () =>
    onServerHello((raw) => {
      const out = raw.slice();
      out[RANDOM_AT + 5]! ^= 0x01;
      return out;
    });

  for (const s of [ECDHE_ECDSA_GCM, ECDHE_RSA_CBC_SHA, DHE_RSA_GCM]) {
    test(`${s.name}: the ServerKeyExchange signature no longer verifies: client decrypt_error`, () => {
      clientRejected(pairFor(s, changeRandom()), AlertDescription.decrypt_error);
    });
  }

  // RSA key transport signs nothing: the client goes on, and its Finished, protected with keys
  // from its own view of the randoms and transcript, is not the server's: bad_record_mac.
  for (const s of [RSA_GCM, RSA_CBC]) {
    test(`${s.name}: no signature to break; the client Finished is sealed under other keys: server bad_record_mac`, () => {
      const pair = pairFor(s, changeRandom());
      serverRejected(pair, AlertDescription.bad_record_mac);
      neitherCompleted(pair);
    });
  }
});

// RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 ends its random with DOWNGRD\x01, and a
// client that offered TLS 1.3 must then abort with illegal_parameter.
describe('downgrade to TLS 1.2', () => {
  const stripVersions = () =>
    editClientHello((ch: ClientHello) => {
      assert.deepEqual(ch.extensions.supported_versions, [0x0304, 0x0303]);
      const { supported_versions: _, ...rest } = ch.extensions;
      return { ...ch, extensions: rest };
    });
  const both = (s: Tls12Suite) =>
    [
      { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, s.id] },
      { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, s.id] },
    ] as const;

  for (const s of [ECDHE_ECDSA_GCM, RSA_GCM]) {
    test(`${s.name}: supported_versions stripped: the server answers TLS 1.2 with the sentinel, the client fails illegal_parameter`, () => {
      let random: Uint8Array | undefined;
      const [client, server] = both(s);
      const pair = pairFor(
        s,
        chain(stripVersions(), (from, chunk) => {
          const sh = serverFlight(from, chunk)?.[0];
          if (sh) random = serverHello12(sh).random;
          return chunk;
        }),
        client,
        server,
      );
      assert.ok(random, 'the server answered in TLS 1.2');
      assert.ok(Buffer.from(random.subarray(24)).equals(DOWNGRADE_TLS12_SENTINEL), 'with the downgrade sentinel');
      clientRejected(pair, AlertDescription.illegal_parameter);
      assert.match(failure(pair.clientEvents)!.message, /sentinel/);
    });
  }

  // Had the attacker also erased the sentinel, the transcript would still give it away: the
  // random is signed in ServerKeyExchange (ECDHE) and feeds the keys (RSA key transport).
  test('supported_versions stripped and the sentinel erased, ECDHE: the ServerKeyExchange signature fails, client decrypt_error', () => {
    const [client, server] = both(ECDHE_ECDSA_GCM);
    const pair = pairFor(ECDHE_ECDSA_GCM, chain(stripVersions(), eraseSentinel()), client, server);
    clientRejected(pair, AlertDescription.decrypt_error);
  });

  test('supported_versions stripped and the sentinel erased, RSA key transport: the Finished keys differ, server bad_record_mac', () => {
    const [client, server] = both(RSA_GCM);
    const pair = pairFor(RSA_GCM, chain(stripVersions(), eraseSentinel()), client, server);
    serverRejected(pair, AlertDescription.bad_record_mac);
    neitherCompleted(pair);
  });

  function eraseSentinel(): Tamper {
    return onServerHello((raw) => {
      const out = raw.slice();
      const at = RANDOM_AT + 24;
      assert.ok(Buffer.from(out.subarray(at, at + 8)).equals(DOWNGRADE_TLS12_SENTINEL));
      out.set(provider.randomBytes(8), at);
      return out;
    });
  }
});

// RFC 7507 §3: a server whose highest version is above the client's, seeing TLS_FALLBACK_SCSV,
// answers inappropriate_fallback.
describe('TLS_FALLBACK_SCSV', () => {
  const withScsv = () => editClientHello((ch) => ({ ...ch, cipher_suites: [...ch.cipher_suites, CipherSuite.TLS_FALLBACK_SCSV] }));
  // A server that speaks TLS 1.3 too (a cipher list without TLS 1.3 suites would turn it off).
  const server13 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, ECDHE_ECDSA_GCM.id] } as const;

  test('added in flight to a TLS 1.2-only client talking to a TLS 1.2 + 1.3 server: server inappropriate_fallback', () => {
    const pair = pairFor(ECDHE_ECDSA_GCM, withScsv(), {}, server13);
    serverRejected(pair, AlertDescription.inappropriate_fallback);
    neitherCompleted(pair);
  });

  test('configured on a TLS 1.2-only client: the TLS 1.2 + 1.3 server refuses with inappropriate_fallback; a TLS 1.2 server completes', () => {
    const client = { cipherSuites: [ECDHE_ECDSA_GCM.id, CipherSuite.TLS_FALLBACK_SCSV] };
    serverRejected(pairFor(ECDHE_ECDSA_GCM, (_f, c) => c, client, server13), AlertDescription.inappropriate_fallback);
    bothCompleted(pairFor(ECDHE_ECDSA_GCM, (_f, c) => c, client, {}));
  });
});

// After each side's ChangeCipherSpec every record is protected (RFC 5246 §6.2.3); its header is
// the AEAD's additional data or under the MAC (§6.2.3.1, RFC 7366 §3), so no bit of it can change.
describe('one flipped bit in a protected record', () => {
  const positions: [string, (c: Uint8Array) => number][] = [
    ['the first fragment byte (explicit nonce or IV)', () => 5],
    ['a middle byte', (c) => 5 + ((c.length - 5) >> 1)],
    ['the last byte (tag or MAC)', (c) => c.length - 1],
    ['the content type in the header', () => 0],
  ];
  // [what, who sends it, its index among that side's protected records]
  const records: [string, 'client' | 'server', number][] = [
    ['the client Finished', 'client', 0],
    ['the server Finished', 'server', 0],
    ['client application data', 'client', 1],
    ['server application data', 'server', 1],
  ];
  for (const s of [ECDHE_ECDSA_GCM, ECDHE_ECDSA_CHACHA, ECDHE_ECDSA_CBC, RSA_CBC]) {
    for (const [what, side, n] of records) {
      for (const [where, at] of positions) {
        // The header's content type is authenticated too (in the AEAD additional data or under the
        // MAC, RFC 5246 §6.2.3.1): bit 0 turns handshake (22) into application_data (23) and back.
        const bit = where.includes('content type') ? 0x01 : 0x08;
        test(`${s.name}, ${what}, ${where}: ${side === 'client' ? 'server' : 'client'} bad_record_mac, ${side} receives it`, () => {
          const [client, server] = configs(s);
          const pair = makePair(client, server, { tamper: onProtectedRecord(side, n, flipBit(at, bit)), deferRun: true });
          // Application data written before the handshake goes out right after each Finished.
          if (n === 1) pair[side].write(new TextEncoder().encode('secret payload'));
          pair.run();
          if (side === 'client') serverRejected(pair, AlertDescription.bad_record_mac);
          else clientRejected(pair, AlertDescription.bad_record_mac);
          assert.equal(received(side === 'client' ? pair.serverEvents : pair.clientEvents), '', 'nothing was delivered');
        });
      }
    }
  }
});

// RFC 5246 §7.1, §7.4.9: the Finished must come right after a ChangeCipherSpec. Without it the
// receiver still reads plaintext, and the protected Finished, a handshake record, is
// unexpected_message — whatever its (random-looking) bytes would parse as.
describe('a ChangeCipherSpec dropped', () => {
  const TRIES = 12; // the protected Finished starts with a random IV for CBC: try several
  for (const s of [ECDHE_ECDSA_GCM, ECDHE_ECDSA_CHACHA, ECDHE_ECDSA_CBC, RSA_CBC]) {
    test(`${s.name}: the client's: the server fails with unexpected_message when the Finished arrives, the client receives it`, () => {
      for (let i = 0; i < TRIES; i++) {
        const pair = pairFor(s, dropChangeCipherSpec('client'));
        serverRejected(pair, AlertDescription.unexpected_message);
        neitherCompleted(pair);
      }
    });

    test(`${s.name}: the server's: the client fails with unexpected_message when the Finished arrives, the server receives it`, () => {
      for (let i = 0; i < TRIES; i++) {
        const pair = pairFor(s, dropChangeCipherSpec('server'));
        clientRejected(pair, AlertDescription.unexpected_message);
        assert.equal(pair.client.handshakeComplete, false);
      }
    });
  }
});

describe('protected records replayed or dropped', () => {
  // The copy is opened with the next sequence number (RFC 5246 §6.2.3.3) and fails to authenticate.
  test('client application data delivered twice: the data arrives once, then server bad_record_mac', () => {
    const [client, server] = configs(ECDHE_ECDSA_GCM);
    const pair = makePair(client, server, {
      tamper: onProtectedRecord('client', 1, (c) => Buffer.concat([c, c])),
      deferRun: true,
    });
    pair.client.write(new TextEncoder().encode('once'));
    pair.run();
    assert.equal(received(pair.serverEvents), 'once');
    serverRejected(pair, AlertDescription.bad_record_mac);
  });

  test('one server application data record dropped: the next one fails with bad_record_mac at the client', () => {
    const [client, server] = configs(ECDHE_ECDSA_CBC);
    const pair = makePair(client, server, { tamper: onProtectedRecord('server', 1, () => undefined) });
    pair.server.write(new TextEncoder().encode('first'));
    pair.run();
    pair.server.write(new TextEncoder().encode('second'));
    pair.run();
    assert.equal(received(pair.clientEvents), '');
    clientRejected(pair, AlertDescription.bad_record_mac);
  });
});

test('a record carrying the ServerHello with ContentType 23 instead of 22: client unexpected_message', () => {
  const pair = pairFor(ECDHE_ECDSA_GCM, (from, chunk) => {
    if (!serverFlight(from, chunk)) return chunk;
    const out = chunk.slice();
    out[0] = ContentType.application_data;
    return out;
  });
  clientRejected(pair, AlertDescription.unexpected_message);
});
