// Tampering with records in flight between a real client and a real server: each change must end
// the handshake with the alert the protocol implies, on both sides, and never crash.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TLSError } from '../../src/errors.js';
import { AlertDescription, ContentType, HandshakeType, NamedGroup, alertName } from '../../src/wire/codes.js';
import { decodeHandshakeMessage } from '../../src/wire/handshake.js';
import type { ServerHello } from '../../src/wire/types.js';
import { certifiedKey, clientFor, serverFor } from '../helpers/endpoints.js';
import { editServerFlight, typeOf } from '../helpers/flight.js';
import { type Pair, type Tamper, failure, has, makePair, received } from '../helpers/pair.js';
import { cachedPki, issueCertificate } from '../helpers/pki.js';
import { CHANGE_CIPHER_SPEC, concat, readRecords, record } from '../helpers/records.js';

const pki = cachedPki();
// A leaf with ~1000 names: its Certificate alone exceeds 2^14 bytes, so the server's encrypted
// flight spans several records.
const bigLeaf = issueCertificate(
  { dnsNames: ['localhost', ...Array.from({ length: 1000 }, (_, i) => `host-${i}.example`)] },
  pki.intermediate,
);
const bigServer = serverFor(pki, { certificates: [certifiedKey(bigLeaf, pki.intermediate)] });

const isProtected = (chunk: Uint8Array) => chunk[0] === ContentType.application_data;

function expectFailure(error: TLSError | undefined, alert: number, fromPeer: boolean, who: string): void {
  assert.ok(error, `${who} failed`);
  assert.equal(alertName(error.alert), alertName(alert), `${who}: ${error.message}`);
  assert.equal(error.fromPeer, fromPeer, `${who}: fromPeer`);
}

/** The client detected the problem and sent `alert`; the server received it. */
function clientRejected(pair: Pair, alert: number): void {
  expectFailure(failure(pair.clientEvents), alert, false, 'client');
  expectFailure(failure(pair.serverEvents), alert, true, 'server');
}

/** The server detected the problem and sent `alert`; the client received it. */
function serverRejected(pair: Pair, alert: number): void {
  expectFailure(failure(pair.serverEvents), alert, false, 'server');
  expectFailure(failure(pair.clientEvents), alert, true, 'client');
}

/** Applies `change` to the n-th protected record the server sends during the handshake. */
function onServerFlightRecord(n: number, change: (chunk: Uint8Array) => Uint8Array | undefined): Tamper {
  let seen = 0;
  return (from, chunk, _i, pair) => {
    if (from !== 'server' || !isProtected(chunk) || pair.client.handshakeComplete) return chunk;
    return seen++ === n ? change(chunk) : chunk;
  };
}

const flipBit = (at: (chunk: Uint8Array) => number, bit = 0x01) => (chunk: Uint8Array) => {
  const out = chunk.slice();
  out[at(out)]! ^= bit;
  return out;
};

// How many protected records the big flight takes, from an untouched run.
let flightRecords = 0;
const counting = makePair(clientFor(pki), bigServer, {
  tamper: (from, chunk, _i, pair) => {
    if (from === 'server' && isProtected(chunk) && !pair.client.handshakeComplete) flightRecords++;
    return chunk;
  },
});

describe('bit flips in the server encrypted flight', () => {
  test('the untouched flight spans several records and completes', () => {
    assert.ok(counting.client.handshakeComplete && counting.server.handshakeComplete);
    assert.ok(flightRecords >= 2, `flight of ${flightRecords} records`);
  });

  const positions: [string, (c: Uint8Array) => number][] = [
    ['the first ciphertext byte', () => 5],
    ['a middle ciphertext byte', (c) => 5 + ((c.length - 5) >> 1)],
    ['the last byte of the tag', (c) => c.length - 1],
    // The header is the AEAD's additional data (RFC 8446 §5.2): a changed version fails too.
    ['the legacy_record_version in the header', () => 2],
  ];
  for (let n = 0; n < flightRecords; n++) {
    for (const [where, at] of positions) {
      test(`record ${n + 1} of ${flightRecords} of the flight, ${where}: client bad_record_mac, server receives it`, () => {
        const pair = makePair(clientFor(pki), bigServer, { tamper: onServerFlightRecord(n, flipBit(at)) });
        clientRejected(pair, AlertDescription.bad_record_mac);
      });
    }
  }

  test('a bit flipped in application data, either way, is bad_record_mac', () => {
    for (const side of ['client', 'server'] as const) {
      const pair = makePair(clientFor(pki), serverFor(pki), {
        tamper: (from, chunk, _i, p) =>
          from === side && isProtected(chunk) && p.client.handshakeComplete && p.server.handshakeComplete ? flipBit((c) => c.length - 20)(chunk) : chunk,
      });
      pair[side].write(new TextEncoder().encode('payload'));
      pair.run();
      if (side === 'client') serverRejected(pair, AlertDescription.bad_record_mac);
      else clientRejected(pair, AlertDescription.bad_record_mac);
      assert.equal(received(side === 'client' ? pair.serverEvents : pair.clientEvents), '');
    }
  });
});

describe('changes to the plaintext ServerHello', () => {
  /** Changes the ServerHello record: `locate` finds the offset (in the record) of the byte to change. */
  const onServerHello =
    (locate: (sh: ServerHello, rec: Uint8Array) => number, xor = 0x40): Tamper =>
    (from, chunk) => {
      if (from !== 'server' || chunk[0] !== ContentType.handshake || chunk[5] !== HandshakeType.server_hello) return chunk;
      const sh = decodeHandshakeMessage(chunk.subarray(5)) as ServerHello;
      const out = chunk.slice();
      out[locate(sh, out)]! ^= xor;
      return out;
    };
  const keyShareOffset = (sh: ServerHello, rec: Uint8Array) =>
    Buffer.from(rec).indexOf(Buffer.from(sh.extensions.key_share!.key_exchange));

  // The ServerHello is in the transcript that every handshake secret is derived from
  // (RFC 8446 §7.1). A changed random gives the client other handshake traffic keys than the
  // server's, so the first protected record fails to authenticate: bad_record_mac. The client's
  // alert goes out under its (wrong) handshake key, which the server cannot open either: the
  // server fails with bad_record_mac of its own rather than receiving the client's alert.
  test('a changed random: the client fails bad_record_mac; the server cannot read its alert', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), { tamper: onServerHello(() => 5 + 4 + 2 + 7) });
    expectFailure(failure(pair.clientEvents), AlertDescription.bad_record_mac, false, 'client');
    expectFailure(failure(pair.serverEvents), AlertDescription.bad_record_mac, false, 'server');
  });

  // An X25519 public key is any 32 bytes: a changed one still agrees, on a different shared
  // secret, so again the keys differ and the first protected record is bad_record_mac.
  test('a changed x25519 key_share: the client fails bad_record_mac', () => {
    for (const byte of [0, 10, 30]) {
      const tamper = onServerHello((sh, rec) => keyShareOffset(sh, rec) + byte, 0x01);
      const pair = makePair(clientFor(pki, { groups: [NamedGroup.x25519] }), serverFor(pki), { tamper });
      expectFailure(failure(pair.clientEvents), AlertDescription.bad_record_mac, false, `client (key byte ${byte})`);
      expectFailure(failure(pair.serverEvents), AlertDescription.bad_record_mac, false, `server (key byte ${byte})`);
    }
  });

  // A changed secp256r1 point is (overwhelmingly) no longer on the curve: RFC 8446 §4.2.8.2
  // requires the check, and the failure comes before any key is set, so the client's
  // illegal_parameter alert goes out in plaintext and the server receives it.
  test('a changed secp256r1 key_share: the client fails illegal_parameter, which the server receives', () => {
    const tamper = onServerHello((sh, rec) => keyShareOffset(sh, rec) + 40, 0x01);
    const pair = makePair(clientFor(pki, { groups: [NamedGroup.secp256r1] }), serverFor(pki), { tamper });
    clientRejected(pair, AlertDescription.illegal_parameter);
  });

  test('a key_share group changed to one the client sent no share for: illegal_parameter', () => {
    // The group is the two bytes before the key_exchange length.
    const tamper = onServerHello((sh, rec) => keyShareOffset(sh, rec) - 3, NamedGroup.x25519 ^ NamedGroup.secp384r1);
    const pair = makePair(clientFor(pki, { groups: [NamedGroup.x25519, NamedGroup.secp384r1] }), serverFor(pki), { tamper });
    clientRejected(pair, AlertDescription.illegal_parameter);
  });
});

describe('messages removed or reordered in the encrypted flight', () => {
  const drop = (type: number) => (ms: Uint8Array[]) => ms.filter((m) => typeOf(m) !== type);
  const swap = (a: number, b: number) => (ms: Uint8Array[]) => {
    const out = [...ms];
    const i = out.findIndex((m) => typeOf(m) === a);
    const j = out.findIndex((m) => typeOf(m) === b);
    [out[i], out[j]] = [out[j]!, out[i]!];
    return out;
  };

  test('the flight re-protected unchanged still completes (the editor itself is faithful)', () => {
    for (const recordPerMessage of [false, true]) {
      const pair = makePair(clientFor(pki), serverFor(pki), { tamper: editServerFlight({ edit: (m) => m, recordPerMessage }) });
      assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
    }
  });

  const cases: [string, (ms: Uint8Array[]) => Uint8Array[]][] = [
    ['CertificateVerify dropped', drop(HandshakeType.certificate_verify)],
    ['Certificate dropped', drop(HandshakeType.certificate)],
    ['Certificate and CertificateVerify dropped', (ms) => drop(HandshakeType.certificate)(drop(HandshakeType.certificate_verify)(ms))],
    ['EncryptedExtensions dropped', drop(HandshakeType.encrypted_extensions)],
    ['Certificate and CertificateVerify swapped', swap(HandshakeType.certificate, HandshakeType.certificate_verify)],
    ['EncryptedExtensions and Certificate swapped', swap(HandshakeType.encrypted_extensions, HandshakeType.certificate)],
    ['Finished before CertificateVerify', swap(HandshakeType.certificate_verify, HandshakeType.finished)],
    ['EncryptedExtensions sent twice', (ms) => [ms[0]!, ...ms]],
  ];
  for (const [what, edit] of cases) {
    for (const recordPerMessage of [false, true]) {
      test(`${what} (${recordPerMessage ? 'one record each' : 'one record'}): client unexpected_message, server receives it`, () => {
        const pair = makePair(clientFor(pki), serverFor(pki), { tamper: editServerFlight({ edit, recordPerMessage }) });
        clientRejected(pair, AlertDescription.unexpected_message);
      });
    }
  }

  test('the encrypted flight before the ServerHello: unexpected_message (protected data with no keys)', () => {
    let held: Uint8Array | undefined;
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => {
        if (from !== 'server') return chunk;
        if (chunk[0] === ContentType.handshake && !held) {
          held = chunk;
          return undefined;
        }
        if (isProtected(chunk) && held) return concat([chunk, held]);
        return chunk;
      },
    });
    clientRejected(pair, AlertDescription.unexpected_message);
  });
});

describe('replayed records', () => {
  // The copy is opened with the next sequence number (RFC 8446 §5.3) and so fails to authenticate.
  test('the server flight record delivered twice: the client completes on the first, then bad_record_mac', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: onServerFlightRecord(0, (c) => concat([c, c])),
    });
    assert.ok(pair.client.handshakeComplete);
    clientRejected(pair, AlertDescription.bad_record_mac);
  });

  test('the client Finished delivered twice: the server completes, then bad_record_mac', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk, _i, p) => (from === 'client' && isProtected(chunk) && !p.server.handshakeComplete ? concat([chunk, chunk]) : chunk),
    });
    assert.ok(pair.server.handshakeComplete);
    serverRejected(pair, AlertDescription.bad_record_mac);
  });

  test('an application data record delivered twice: bad_record_mac, the data arrives once', () => {
    const pair = makePair(clientFor(pki), serverFor(pki));
    pair.client.write(new TextEncoder().encode('once'));
    const [rec] = pair.client.takeOutput();
    pair.server.receive(rec!);
    pair.server.receive(rec!);
    pair.run();
    assert.equal(received(pair.serverEvents), 'once');
    serverRejected(pair, AlertDescription.bad_record_mac);
  });
});

describe('truncation', () => {
  for (const cut of [1, 16, 100]) {
    test(`the server flight cut by ${cut} bytes: nothing completes, nothing fails, and the rest completes it`, () => {
      let rest: Uint8Array | undefined;
      const pair = makePair(clientFor(pki), serverFor(pki), {
        tamper: onServerFlightRecord(0, (c) => {
          rest = c.subarray(c.length - cut);
          return c.subarray(0, c.length - cut);
        }),
      });
      assert.equal(pair.client.handshakeComplete || pair.server.handshakeComplete, false);
      assert.equal(failure(pair.clientEvents) ?? failure(pair.serverEvents), undefined);
      assert.equal(pair.client.open && pair.server.open, true);
      pair.client.receive(rest!);
      pair.run();
      assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
    });
  }

  test('the client Finished cut short: the server neither completes nor fails', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => (from === 'client' && isProtected(chunk) ? chunk.subarray(0, chunk.length - 3) : chunk),
    });
    assert.equal(pair.server.handshakeComplete, false);
    assert.equal(failure(pair.serverEvents), undefined);
    assert.equal(has(pair.serverEvents, 'handshake-complete'), false);
  });
});

describe('injected records', () => {
  const appData = record(ContentType.application_data, new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));

  test('plaintext application data before the ServerHello: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk, i) => (from === 'server' && i === 0 ? concat([appData, chunk]) : chunk),
    });
    clientRejected(pair, AlertDescription.unexpected_message);
  });

  test('plaintext application data before the ClientHello: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk, i) => (from === 'client' && i === 0 ? concat([appData, chunk]) : chunk),
    });
    serverRejected(pair, AlertDescription.unexpected_message);
  });

  // Once handshake keys are in use, an application_data record is taken for a protected one
  // (RFC 8446 §5.2: protected records carry that outer type), and it fails to authenticate.
  test('plaintext application data after the ServerHello: bad_record_mac', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => (from === 'server' && chunk[0] === ContentType.change_cipher_spec ? concat([chunk, appData]) : chunk),
    });
    clientRejected(pair, AlertDescription.bad_record_mac);
  });

  test('a plaintext handshake record after the ServerHello: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) =>
        from === 'server' && chunk[0] === ContentType.change_cipher_spec ? concat([chunk, record(ContentType.handshake, Uint8Array.of(8, 0, 0, 2, 0, 0))]) : chunk,
    });
    clientRejected(pair, AlertDescription.unexpected_message);
  });

  test('a change_cipher_spec after the handshake: unexpected_message, either side', () => {
    for (const side of ['client', 'server'] as const) {
      const pair = makePair(clientFor(pki), serverFor(pki));
      assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
      pair[side].receive(CHANGE_CIPHER_SPEC);
      pair.run();
      if (side === 'client') clientRejected(pair, AlertDescription.unexpected_message);
      else serverRejected(pair, AlertDescription.unexpected_message);
    }
  });

  test('a second change_cipher_spec during the handshake: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => (from === 'server' && chunk[0] === ContentType.change_cipher_spec ? concat([chunk, chunk]) : chunk),
    });
    clientRejected(pair, AlertDescription.unexpected_message);
  });

  test('a second change_cipher_spec from the client: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => (from === 'client' && chunk[0] === ContentType.change_cipher_spec ? concat([chunk, chunk]) : chunk),
    });
    serverRejected(pair, AlertDescription.unexpected_message);
  });

  test('a change_cipher_spec before the ClientHello: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk, i) => (from === 'client' && i === 0 ? concat([CHANGE_CIPHER_SPEC, chunk]) : chunk),
    });
    serverRejected(pair, AlertDescription.unexpected_message);
  });

  /** Splits the ServerHello record in two, with `between` in the middle; the server's own CCS is dropped. */
  const splitServerHello =
    (between: Uint8Array): Tamper =>
    (from, chunk) => {
      if (from !== 'server') return chunk;
      if (chunk[0] === ContentType.change_cipher_spec && between.length) return undefined;
      if (chunk[0] !== ContentType.handshake) return chunk;
      const [sh] = readRecords(chunk);
      return concat([record(ContentType.handshake, sh!.fragment.subarray(0, 20)), between, record(ContentType.handshake, sh!.fragment.subarray(20))]);
    };

  test('the ServerHello split across two records completes', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), { tamper: splitServerHello(new Uint8Array(0)) });
    assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
  });

  // RFC 8446 §5.1: "if a handshake message is split over two or more records, there MUST NOT be
  // any other records between them."
  test('a change_cipher_spec between two fragments of the ServerHello: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), { tamper: splitServerHello(CHANGE_CIPHER_SPEC) });
    clientRejected(pair, AlertDescription.unexpected_message);
  });

  test('a change_cipher_spec whose byte is not 1: unexpected_message', () => {
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => (from === 'server' && chunk[0] === ContentType.change_cipher_spec ? Uint8Array.of(20, 3, 3, 0, 1, 2) : chunk),
    });
    clientRejected(pair, AlertDescription.unexpected_message);
  });

  test('a reflected ServerHello in place of the client Finished: unexpected_message', () => {
    // A server that receives its own ServerHello in place of the client Finished.
    let serverHello: Uint8Array | undefined;
    const pair = makePair(clientFor(pki), serverFor(pki), {
      tamper: (from, chunk) => {
        if (from === 'server' && chunk[0] === ContentType.handshake) serverHello = chunk;
        if (from === 'client' && isProtected(chunk) && serverHello) return serverHello;
        return chunk;
      },
    });
    // The server is reading under the client handshake key: a plaintext handshake record is refused.
    assert.ok(serverHello);
    expectFailure(failure(pair.serverEvents), AlertDescription.unexpected_message, false, 'server');
    expectFailure(failure(pair.clientEvents), AlertDescription.unexpected_message, true, 'client');
  });
});
