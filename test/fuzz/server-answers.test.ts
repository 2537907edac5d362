// Structured fuzzing of the client's handling of the server's answer: a ServerHello and
// EncryptedExtensions built from independent knobs, each either correct or wrong in one way
// that implies a known alert. With every knob correct the client must complete the handshake;
// otherwise it must fail with an alert that one of the wrong knobs implies, and send it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CipherSuite, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme, alertName } from '../../src/wire/codes.js';
import type { EncryptedExtensions, ServerHello } from '../../src/wire/types.js';
import { runs } from '../helpers/fuzz.js';
import { clientFor, serverCertificate } from '../helpers/endpoints.js';
import { cachedPki } from '../helpers/pki.js';
import { ScriptedServer } from '../helpers/scripted.js';

const pki = cachedPki();
const cert = serverCertificate(pki);

type Knob<T> = { ok: true; value: T } | { ok: false; value: T; alerts: string[] };
const good = <T>(value: T): Knob<T> => ({ ok: true, value });
const bad = <T>(value: T, ...alerts: string[]): Knob<T> => ({ ok: false, value, alerts });
/** Right six times out of seven. */
const knob = <T>(right: fc.Arbitrary<Knob<T>>, ...wrong: fc.Arbitrary<Knob<T>>[]) =>
  fc.oneof({ arbitrary: right, weight: 6 * wrong.length }, ...wrong.map((arbitrary) => ({ arbitrary, weight: 1 })));

interface Answer {
  suite: Knob<number>;
  version: Knob<number | undefined>;
  legacyVersion: Knob<number>;
  echo: Knob<'same' | 'changed' | 'empty'>;
  compression: Knob<number>;
  share: Knob<'ours' | 'other-offered-group' | 'unoffered-group' | 'zeros' | 'missing'>;
  extraSh: Knob<'none' | 'unknown' | 'alpn' | 'duplicate' | 'psk'>;
  alpn: Knob<'none' | 'offered' | 'unoffered'>;
  serverName: Knob<boolean>;
  extraEe: Knob<'none' | 'unknown' | 'early_data' | 'record_size_limit' | 'key_share'>;
  sni: boolean;
  offerAlpn: boolean;
}

const answers: fc.Arbitrary<Answer> = fc
  .record({ sni: fc.boolean(), offerAlpn: fc.boolean() })
  .chain(({ sni, offerAlpn }) =>
    fc.record({
      sni: fc.constant(sni),
      offerAlpn: fc.constant(offerAlpn),
      suite: knob(
        fc.constantFrom(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256).map(good),
        fc.constantFrom(CipherSuite.TLS_AES_256_GCM_SHA384, 0xc02f, 0x1304).map((s) => bad(s, 'illegal_parameter')),
      ),
      version: knob(
        fc.constant(good<number | undefined>(ProtocolVersion.TLS1_3)),
        fc.constant(bad<number | undefined>(undefined, 'protocol_version')),
        fc.constantFrom(ProtocolVersion.TLS1_2, 0x7f1c).map((v) => bad<number | undefined>(v, 'illegal_parameter')),
      ),
      legacyVersion: knob(fc.constant(good(ProtocolVersion.TLS1_2)), fc.constantFrom(0x0301, 0x0304).map((v) => bad(v, 'illegal_parameter'))),
      echo: knob(
        fc.constant(good<'same' | 'changed' | 'empty'>('same')),
        fc.constantFrom<'changed' | 'empty'>('changed', 'empty').map((e) => bad<'same' | 'changed' | 'empty'>(e, 'illegal_parameter')),
      ),
      compression: knob(fc.constant(good(0)), fc.constantFrom(1, 64).map((c) => bad(c, 'illegal_parameter'))),
      share: knob(
        fc.constant(good<Answer['share']['value']>('ours')),
        fc.constantFrom<Answer['share']['value']>('other-offered-group', 'unoffered-group', 'zeros').map((s) => bad(s, 'illegal_parameter')),
        fc.constant(bad<Answer['share']['value']>('missing', 'missing_extension')),
      ),
      extraSh: knob(
        fc.constant(good<Answer['extraSh']['value']>('none')),
        fc.constant(bad<Answer['extraSh']['value']>('unknown', 'unsupported_extension')),
        fc.constantFrom<Answer['extraSh']['value']>('alpn', 'duplicate').map((x) => bad(x, 'illegal_parameter')),
        // A PSK we never offered: unsupported_extension (RFC 8446 §4.2) or illegal_parameter (§4.2.11).
        fc.constant(bad<Answer['extraSh']['value']>('psk', 'illegal_parameter', 'unsupported_extension')),
      ),
      alpn: offerAlpn
        ? knob(
            fc.constantFrom<'none' | 'offered'>('none', 'offered').map((a) => good<Answer['alpn']['value']>(a)),
            fc.constant(bad<Answer['alpn']['value']>('unoffered', 'illegal_parameter')),
          )
        : knob(fc.constant(good<Answer['alpn']['value']>('none')), fc.constant(bad<Answer['alpn']['value']>('offered', 'unsupported_extension'))),
      serverName: sni ? fc.boolean().map((b) => good(b)) : knob(fc.constant(good(false)), fc.constant(bad(true, 'unsupported_extension'))),
      extraEe: knob(
        fc.constant(good<Answer['extraEe']['value']>('none')),
        fc.constantFrom<Answer['extraEe']['value']>('unknown', 'early_data', 'record_size_limit').map((x) => bad(x, 'unsupported_extension')),
        fc.constant(bad<Answer['extraEe']['value']>('key_share', 'illegal_parameter')),
      ),
    }),
  );

function buildServerHello(s: ScriptedServer, a: Answer): ServerHello {
  const sh = s.serverHello({ suite: a.suite.value });
  const echo = a.echo.value === 'same' ? sh.legacy_session_id_echo : a.echo.value === 'empty' ? new Uint8Array(0) : sh.legacy_session_id_echo.map((b, i) => (i ? b : b ^ 1));
  const share = sh.extensions.key_share!;
  const extensions: ServerHello['extensions'] = { unknown: [] };
  if (a.version.value !== undefined) extensions.supported_versions = a.version.value;
  switch (a.share.value) {
    case 'ours':
      extensions.key_share = share;
      break;
    case 'other-offered-group':
      extensions.key_share = { group: NamedGroup.secp256r1, key_exchange: s.serverHello({ group: NamedGroup.secp256r1 }).extensions.key_share!.key_exchange };
      break;
    case 'unoffered-group':
      extensions.key_share = { group: NamedGroup.secp384r1, key_exchange: new Uint8Array(97).fill(4) };
      break;
    case 'zeros':
      extensions.key_share = { group: share.group, key_exchange: new Uint8Array(32) };
      break;
    case 'missing':
      break;
  }
  if (a.extraSh.value === 'unknown') extensions.unknown.push({ type: 0x3131, data: Uint8Array.of(1) });
  if (a.extraSh.value === 'alpn') extensions.unknown.push({ type: ExtensionType.application_layer_protocol_negotiation, data: Uint8Array.of(0, 3, 2, 0x68, 0x32) });
  // The same (unknown) type twice: a duplicate is illegal_parameter whatever the type (RFC 8446 §4.2).
  if (a.extraSh.value === 'duplicate') extensions.unknown.push({ type: 0x3232, data: new Uint8Array(0) }, { type: 0x3232, data: new Uint8Array(0) });
  if (a.extraSh.value === 'psk') extensions.pre_shared_key = 0;
  return { ...sh, legacy_version: a.legacyVersion.value, legacy_session_id_echo: echo, legacy_compression_method: a.compression.value, extensions };
}

function buildEncryptedExtensions(a: Answer): EncryptedExtensions {
  const x: EncryptedExtensions['extensions'] = { unknown: [] };
  if (a.alpn.value === 'offered') x.alpn = 'h2';
  if (a.alpn.value === 'unoffered') x.alpn = 'spdy/3';
  if (a.serverName.value) x.server_name = true;
  if (a.extraEe.value === 'unknown') x.unknown.push({ type: 0x4242, data: new Uint8Array(0) });
  if (a.extraEe.value === 'early_data') x.early_data = true;
  if (a.extraEe.value === 'record_size_limit') x.record_size_limit = 1000;
  if (a.extraEe.value === 'key_share') x.unknown.push({ type: ExtensionType.key_share, data: Uint8Array.of(0, 0x1d, 0, 1, 1) });
  return { type: 'encrypted_extensions', extensions: x };
}

test('the client completes exactly the correct answers, and refuses the others with an alert they imply', () => {
  const params = runs(600);
  let completed = 0;
  let refused = 0;
  fc.assert(
    fc.property(answers, (a) => {
      const s = new ScriptedServer(
        clientFor(pki, {
          // The oracle judges TLS 1.3 answers; a client offering 1.2 reads a ServerHello differently.
          minVersion: 'TLSv1.3',
          groups: [NamedGroup.x25519, NamedGroup.secp256r1],
          keyShareGroups: [NamedGroup.x25519],
          cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
          ...(a.sni ? {} : { sni: false }),
          ...(a.offerAlpn ? { alpnProtocols: ['h2', 'http/1.1'] } : {}),
        }),
      );
      s.sendHello(buildServerHello(s, a));
      // The ServerHello knobs are judged before anything is encrypted; stop there if the client did.
      const early = s.failure;
      if (!early) s.sendEncrypted(buildEncryptedExtensions(a));
      if (!s.failure) {
        s.sendEncrypted(s.certificate(cert));
        s.sendEncrypted(s.certificateVerify(cert, SignatureScheme.ecdsa_secp256r1_sha256));
        s.sendEncrypted(s.finished());
      }
      const wrong = Object.values(a).filter((k): k is Extract<Knob<unknown>, { ok: false }> => typeof k === 'object' && !k.ok);
      const error = s.failure;
      if (wrong.length === 0) {
        assert.equal(error, undefined, error?.message);
        assert.ok(s.completed);
        assert.equal(s.client.handshakeInfo!.alpnProtocol, a.alpn.value === 'offered' ? 'h2' : false);
        completed++;
        return;
      }
      const possible = [...new Set(wrong.flatMap((k) => k.alerts))];
      assert.ok(error, `the client should refuse (${possible.join(' or ')})`);
      assert.ok(possible.includes(alertName(error.alert)), `${alertName(error.alert)} (${error.message}), expected ${possible.join(' or ')}`);
      assert.equal(s.alert === undefined ? 'none' : alertName(s.alert), alertName(error.alert), 'the alert on the wire');
      refused++;
    }),
    params,
  );
  // The generator reaches both outcomes (typically 20 % completed).
  const n = params.numRuns;
  assert.ok(completed > n / 12 && refused > n / 4, `completed ${completed}, refused ${refused} of ${n}`);
});
