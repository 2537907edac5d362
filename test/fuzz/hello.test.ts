// Structured fuzzing of the server's ClientHello handling: ClientHellos built from independent
// knobs (versions, suites, groups and shares, signature schemes, ALPN, SNI, unknown and GREASE
// extensions), each knob either usable or not. A small model says whether the handshake can
// succeed; the server must then answer (with a HelloRetryRequest exactly when no usable share was
// sent) and complete the handshake, and otherwise refuse with an alert one of the bad knobs implies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme, alertName } from '../../src/wire/codes.js';
import type { ClientHello, KeyShareEntry, UnknownExtension } from '../../src/wire/types.js';
import { runs } from '../helpers/fuzz.js';
import { serverFor } from '../helpers/endpoints.js';
import { cachedPki, provider } from '../helpers/pki.js';
import { ScriptedClient } from '../helpers/scripted.js';

const pki = cachedPki();
const SERVER_GROUPS: number[] = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
const TLS13_SUITES = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
const TLS12_SUITES = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x002f];
const OTHER_SCHEMES = [
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.ed25519,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.rsa_pss_pss_sha256,
  0x0201,
];
const grease = fc.integer({ min: 0, max: 15 }).map((i) => ((i << 4) | 0x0a) * 0x0101);

interface Knobs {
  versions: { good: boolean; list: number[] };
  suites: { good: boolean; list: number[] };
  /** Groups offered (server groups among them when good), and which of them get a real share. */
  groups: { good: boolean; list: number[]; shared: number[] };
  /** Shares for groups the server does not know (GREASE, X25519MLKEM768), placed first. */
  foreignShares: number[];
  schemes: { good: boolean; list: number[] };
  alpn: { good: boolean; list: string[] | undefined };
  serverName: string | undefined;
  unknown: UnknownExtension[];
  sessionId: number;
}

const shuffled = <T>(items: T[]) =>
  fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
/** Usable six times out of seven, so that about half the hellos can be served. */
const mostlyGood = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });

const knobs: fc.Arbitrary<Knobs> = fc.record({
  versions: mostlyGood<Knobs['versions']>(
    fc.tuple(grease, fc.subarray([ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1])).chain(([g, old]) =>
      shuffled([ProtocolVersion.TLS1_3, g, ...old]).map((list) => ({ good: true, list })),
    ),
    fc.subarray([ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, 0x7f1c], { minLength: 1 }).map((list) => ({ good: false, list })),
  ),
  suites: mostlyGood<Knobs['suites']>(
    fc.tuple(fc.subarray(TLS13_SUITES, { minLength: 1 }), fc.subarray(TLS12_SUITES), grease).chain(([a, b, g]) =>
      shuffled([...a, ...b, g]).map((list) => ({ good: true, list })),
    ),
    fc.tuple(fc.subarray(TLS12_SUITES, { minLength: 1 }), grease).map(([list, g]) => ({ good: false, list: [g, ...list] })),
  ),
  groups: mostlyGood<Knobs['groups']>(
    fc.tuple(fc.subarray(SERVER_GROUPS, { minLength: 1 }), fc.boolean(), grease).chain(([offered, pq, g]) =>
      fc.tuple(shuffled([...offered, ...(pq ? [NamedGroup.X25519MLKEM768] : []), g]), fc.subarray(offered)).map(([list, shared]) => ({
        good: true,
        list,
        shared,
      })),
    ),
    fc.tuple(fc.subarray([NamedGroup.secp521r1, NamedGroup.x448, NamedGroup.ffdhe2048, NamedGroup.X25519MLKEM768], { minLength: 1 }), grease).map(
      ([list, g]) => ({ good: false, list: [g, ...list], shared: [] }),
    ),
  ),
  foreignShares: fc.subarray([0x1a1a, NamedGroup.X25519MLKEM768]),
  schemes: mostlyGood<Knobs['schemes']>(
    fc.subarray(OTHER_SCHEMES).chain((others) =>
      shuffled([SignatureScheme.ecdsa_secp256r1_sha256, ...others]).map((list) => ({ good: true, list })),
    ),
    fc.subarray(OTHER_SCHEMES, { minLength: 1 }).map((list) => ({ good: false, list })),
  ),
  alpn: mostlyGood<Knobs['alpn']>(
    fc.oneof(
      fc.constant({ good: true, list: undefined }),
      fc.subarray(['http/1.1', 'spdy/3', 'h3']).chain((others) => shuffled(['h2', ...others]).map((list) => ({ good: true, list }))),
    ),
    fc.subarray(['http/1.1', 'spdy/3', 'h3'], { minLength: 1 }).map((list) => ({ good: false, list })),
  ),
  serverName: fc.option(fc.constantFrom('localhost', 'example.com', 'a.b.c.d.example'), { nil: undefined }),
  unknown: fc.uniqueArray(
    fc.record({ type: fc.oneof(grease, fc.constantFrom(11, 23, 35, 0xff01, 27, 17613, 0xfe0d, 0x3374)), data: fc.uint8Array({ maxLength: 12 }) }),
    { selector: (e) => e.type, maxLength: 6 },
  ),
  sessionId: fc.constantFrom(0, 32),
});

function buildHello(c: ScriptedClient, k: Knobs): ClientHello {
  const shares: KeyShareEntry[] = [
    ...k.foreignShares
      .filter((g) => g !== NamedGroup.X25519MLKEM768 || k.groups.list.includes(g))
      .map((group) => ({ group, key_exchange: provider.randomBytes(group === NamedGroup.X25519MLKEM768 ? 1216 : 1) })),
    ...k.groups.shared.map((group) => ({ group, key_exchange: c.share(group).publicKey })),
  ];
  // A GREASE share must use a GREASE group; keep the one in supported_groups if present.
  return {
    ...c.clientHello(),
    legacy_session_id: new Uint8Array(k.sessionId),
    cipher_suites: k.suites.list,
    extensions: {
      ...(k.serverName ? { server_name: k.serverName } : {}),
      supported_groups: k.groups.list,
      signature_algorithms: k.schemes.list,
      ...(k.alpn.list ? { alpn: k.alpn.list } : {}),
      supported_versions: k.versions.list,
      psk_key_exchange_modes: [1],
      key_share: shares,
      unknown: k.unknown,
    },
  };
}

test('the server answers exactly the ClientHellos it can serve, and completes them', () => {
  const params = runs(600);
  // The oracle models a TLS 1.3 server (TLS 1.2 answers have their own tests in test/pair/tls12-*).
  const server = serverFor(pki, { alpnProtocols: ['h2'], minVersion: 'TLSv1.3' });
  let completed = 0;
  let retried = 0;
  let refused = 0;
  fc.assert(
    fc.property(knobs, (k) => {
      const c = new ScriptedClient(server);
      c.sessionId = new Uint8Array(k.sessionId);
      const hello = buildHello(c, k);
      c.sendClientHello(hello);
      const bad: [boolean, string[]][] = [
        [k.versions.good, ['protocol_version']],
        [k.suites.good, ['handshake_failure']],
        [k.groups.good, ['handshake_failure']],
        [k.schemes.good, ['handshake_failure']],
        [k.alpn.good, ['no_application_protocol']],
      ];
      const possible = bad.filter(([good]) => !good).flatMap(([, alerts]) => alerts);
      if (possible.length) {
        const error = c.failure;
        assert.ok(error, `the server should refuse (${possible.join(' or ')})`);
        assert.ok(possible.includes(alertName(error.alert)), `${alertName(error.alert)} (${error.message}), expected ${possible.join(' or ')}`);
        assert.equal(c.alert === undefined ? 'none' : alertName(c.alert), alertName(error.alert));
        refused++;
        return;
      }
      const failed = c.failure;
      assert.equal(failed, undefined, failed?.message);
      const answer = c.serverHello!;
      assert.ok(answer, 'the server answered');
      assert.ok(hello.cipher_suites.includes(answer.cipher_suite));
      assert.deepEqual(answer.legacy_session_id_echo, hello.legacy_session_id);
      const usableShares = k.groups.shared.filter((g) => SERVER_GROUPS.includes(g));
      if (usableShares.length === 0) {
        assert.equal(answer.type, 'hello_retry_request', 'no usable share: a retry');
        const group = answer.extensions.key_share!;
        assert.ok(k.groups.list.includes(group) && SERVER_GROUPS.includes(group));
        c.sendClientHello({ ...hello, extensions: { ...hello.extensions, key_share: [{ group, key_exchange: c.share(group).publicKey }] } });
        retried++;
      } else {
        assert.equal(answer.type, 'server_hello', 'a usable share: no retry');
      }
      const sh = c.serverHello!;
      assert.equal(sh.type, 'server_hello');
      assert.ok(k.groups.list.includes(sh.extensions.key_share!.group));
      c.sendFinished({ changeCipherSpec: k.sessionId > 0 });
      const error = c.failure;
      assert.equal(error, undefined, error?.message);
      assert.ok(c.completed);
      const info = c.server.handshakeInfo!;
      assert.equal(info.alpnProtocol, k.alpn.list ? 'h2' : false);
      assert.equal(info.serverName, k.serverName);
      completed++;
    }),
    params,
  );
  // The generator reaches every outcome (typically 45 % completed, 20 % retried, 50 % refused).
  const n = params.numRuns;
  assert.ok(completed > n / 10 && retried > n / 20 && refused > n / 10, `completed ${completed}, retried ${retried}, refused ${refused} of ${n}`);
});
