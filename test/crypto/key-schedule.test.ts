import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as tls from 'node:tls';
import { deriveSecret, hkdfExpand, hkdfExtract } from '../../src/crypto/hkdf.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { tls13SuiteByName, type Tls13Suite } from '../../src/crypto/suites.js';
import {
  EarlySecret,
  exportKeyingMaterial,
  finishedVerifyData,
  nextTrafficSecret,
  resumptionPsk,
  trafficKeys,
} from '../../src/tls13/key-schedule.js';
import { NamedGroup } from '../../src/wire/codes.js';
import * as rfc from '../vectors/rfc8448.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const suite = (name: string): Tls13Suite => {
  const s = tls13SuiteByName(name);
  if (!s) throw new Error(name);
  return s;
};
const SHA256_SUITE = suite('TLS_AES_128_GCM_SHA256');
const th = (...messages: Uint8Array[]) => p.hash('sha256', concat(...messages));

// RFC 8448 §3 transcript points.
const CH_SH = [rfc.CLIENT_HELLO, rfc.SERVER_HELLO];
const CH_CV = [...CH_SH, rfc.ENCRYPTED_EXTENSIONS, rfc.CERTIFICATE, rfc.CERTIFICATE_VERIFY];
const CH_SF = [...CH_CV, rfc.SERVER_FINISHED];
const CH_CF = [...CH_SF, rfc.CLIENT_FINISHED];

function sharedSecretFromRfcKeys(): { client: Uint8Array; server: Uint8Array } {
  const client = p.keyShareFromPrivate(NamedGroup.x25519, rfc.CLIENT_EPHEMERAL_PRIVATE_KEY)!;
  const server = p.keyShareFromPrivate(NamedGroup.x25519, rfc.SERVER_EPHEMERAL_PRIVATE_KEY)!;
  assert.equal(hex(client.publicKey), hex(rfc.CLIENT_EPHEMERAL_PUBLIC_KEY), 'client public key from the private key');
  assert.equal(hex(server.publicKey), hex(rfc.SERVER_EPHEMERAL_PUBLIC_KEY), 'server public key from the private key');
  return { client: client.agree(rfc.SERVER_EPHEMERAL_PUBLIC_KEY), server: server.agree(rfc.CLIENT_EPHEMERAL_PUBLIC_KEY) };
}

describe('RFC 8448 §3 key schedule', () => {
  it('X25519: both sides compute the shared secret the RFC uses as IKM', () => {
    const { client, server } = sharedSecretFromRfcKeys();
    assert.equal(hex(client), hex(rfc.ECDHE_SHARED_SECRET));
    assert.equal(hex(server), hex(rfc.ECDHE_SHARED_SECRET));
  });

  it('transcript hashes of the RFC messages match the hashes it prints', () => {
    assert.equal(hex(p.hash('sha256', new Uint8Array(0))), hex(rfc.EMPTY_HASH));
    assert.equal(hex(th(...CH_SH)), hex(rfc.TRANSCRIPT_HASH_SERVER_HELLO));
    assert.equal(hex(th(...CH_SF)), hex(rfc.TRANSCRIPT_HASH_SERVER_FINISHED));
    assert.equal(hex(th(...CH_CF)), hex(rfc.TRANSCRIPT_HASH_CLIENT_FINISHED));
  });

  it('every printed HKDF-Expand (PRK, info) gives the printed output', () => {
    assert.equal(rfc.EXPAND_STEPS.length, 19);
    for (const step of rfc.EXPAND_STEPS) {
      assert.equal(hex(hkdfExpand(p, 'sha256', step.prk, step.info, step.expanded.length)), hex(step.expanded), step.step);
    }
  });

  it('each intermediate secret, from the HKDF primitives', () => {
    const early = hkdfExtract(p, 'sha256', undefined, new Uint8Array(32));
    assert.equal(hex(early), hex(rfc.EARLY_SECRET));
    const derivedHs = deriveSecret(p, 'sha256', early, 'derived', rfc.EMPTY_HASH);
    assert.equal(hex(derivedHs), hex(rfc.DERIVED_SECRET_FOR_HANDSHAKE));
    const handshake = hkdfExtract(p, 'sha256', derivedHs, sharedSecretFromRfcKeys().client);
    assert.equal(hex(handshake), hex(rfc.HANDSHAKE_SECRET));
    const derivedMs = deriveSecret(p, 'sha256', handshake, 'derived', rfc.EMPTY_HASH);
    assert.equal(hex(derivedMs), hex(rfc.DERIVED_SECRET_FOR_MASTER));
    assert.equal(hex(hkdfExtract(p, 'sha256', derivedMs, new Uint8Array(32))), hex(rfc.MASTER_SECRET));
  });

  it('EarlySecret → HandshakeSecret → MasterSecret gives every traffic, exporter and resumption secret', () => {
    const shared = sharedSecretFromRfcKeys().server;
    const hs = new EarlySecret(p, SHA256_SUITE).handshakeSecret(shared);
    assert.equal(hex(hs.clientHandshakeTrafficSecret(th(...CH_SH))), hex(rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET));
    assert.equal(hex(hs.serverHandshakeTrafficSecret(th(...CH_SH))), hex(rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET));
    const ms = hs.masterSecret();
    assert.equal(hex(ms.clientApplicationTrafficSecret(th(...CH_SF))), hex(rfc.CLIENT_APPLICATION_TRAFFIC_SECRET));
    assert.equal(hex(ms.serverApplicationTrafficSecret(th(...CH_SF))), hex(rfc.SERVER_APPLICATION_TRAFFIC_SECRET));
    assert.equal(hex(ms.exporterMasterSecret(th(...CH_SF))), hex(rfc.EXPORTER_MASTER_SECRET));
    assert.equal(hex(ms.resumptionMasterSecret(th(...CH_CF))), hex(rfc.RESUMPTION_MASTER_SECRET));
  });

  it('an all-zero PSK is the same as no PSK (the RFC\'s "early" IKM)', () => {
    const a = new EarlySecret(p, SHA256_SUITE).handshakeSecret(rfc.ECDHE_SHARED_SECRET);
    const b = new EarlySecret(p, SHA256_SUITE, new Uint8Array(32)).handshakeSecret(rfc.ECDHE_SHARED_SECRET);
    assert.equal(hex(b.clientHandshakeTrafficSecret(rfc.TRANSCRIPT_HASH_SERVER_HELLO)), hex(a.clientHandshakeTrafficSecret(rfc.TRANSCRIPT_HASH_SERVER_HELLO)));
  });

  it('write keys and IVs for both directions, handshake and application (§7.3)', () => {
    const cases = [
      [rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET, rfc.SERVER_HANDSHAKE_KEY, rfc.SERVER_HANDSHAKE_IV],
      [rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET, rfc.CLIENT_HANDSHAKE_KEY, rfc.CLIENT_HANDSHAKE_IV],
      [rfc.SERVER_APPLICATION_TRAFFIC_SECRET, rfc.SERVER_APPLICATION_KEY, rfc.SERVER_APPLICATION_IV],
      [rfc.CLIENT_APPLICATION_TRAFFIC_SECRET, rfc.CLIENT_APPLICATION_KEY, rfc.CLIENT_APPLICATION_IV],
    ] as const;
    for (const [secret, key, iv] of cases) {
      const keys = trafficKeys(p, SHA256_SUITE, secret);
      assert.equal(hex(keys.key), hex(key));
      assert.equal(hex(keys.iv), hex(iv));
    }
  });

  it('server Finished: verify_data over ClientHello..CertificateVerify (§4.4.4)', () => {
    const verifyData = finishedVerifyData(p, SHA256_SUITE, rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET, th(...CH_CV));
    assert.equal(hex(verifyData), hex(rfc.SERVER_FINISHED_VERIFY_DATA));
    assert.equal(hex(rfc.SERVER_FINISHED), `14000020${hex(verifyData)}`);
  });

  it('client Finished: verify_data over ClientHello..server Finished (§4.4.4)', () => {
    const verifyData = finishedVerifyData(p, SHA256_SUITE, rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET, th(...CH_SF));
    assert.equal(hex(verifyData), hex(rfc.CLIENT_FINISHED_VERIFY_DATA));
    assert.equal(hex(rfc.CLIENT_FINISHED), `14000020${hex(verifyData)}`);
  });

  it('resumption PSK for the ticket nonce 00 00 (§4.6.1), the nonce read from the NewSessionTicket', () => {
    // NewSessionTicket: type(1) length(3) ticket_lifetime(4) ticket_age_add(4) ticket_nonce<0..255>
    const nst = rfc.NEW_SESSION_TICKET;
    const nonce = nst.subarray(13, 13 + nst[12]!);
    assert.equal(hex(nonce), hex(rfc.TICKET_NONCE));
    assert.equal(hex(resumptionPsk(p, SHA256_SUITE, rfc.RESUMPTION_MASTER_SECRET, nonce)), hex(rfc.RESUMPTION_PSK));
  });
});

describe('secrets without an RFC 8448 §3 vector', () => {
  // §3 has no KeyUpdate, so "traffic upd" has no published value; comparing with
  // hkdfExpandLabel(secret, "traffic upd", "", 32) would repeat the implementation. What can be
  // checked independently: it is a fresh Hash.length secret, deterministic, and chains.
  it('nextTrafficSecret gives a different secret of Hash.length, deterministically', () => {
    for (const name of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const s = suite(name);
      const secret0 = p.hash(s.hash, new TextEncoder().encode(name));
      const secret1 = nextTrafficSecret(p, s, secret0);
      const secret2 = nextTrafficSecret(p, s, secret1);
      assert.equal(secret1.length, s.hashLength);
      assert.notEqual(hex(secret1), hex(secret0));
      assert.notEqual(hex(secret2), hex(secret1));
      assert.equal(hex(nextTrafficSecret(p, s, secret0)), hex(secret1));
    }
    const next = nextTrafficSecret(p, SHA256_SUITE, rfc.CLIENT_APPLICATION_TRAFFIC_SECRET);
    assert.notEqual(hex(next), hex(rfc.CLIENT_APPLICATION_TRAFFIC_SECRET));
    assert.notEqual(hex(trafficKeys(p, SHA256_SUITE, next).key), hex(rfc.CLIENT_APPLICATION_KEY));
  });

  it('the binder keys differ for "ext" and "res" and depend on the PSK', () => {
    const psk = rfc.RESUMPTION_PSK;
    const res = new EarlySecret(p, SHA256_SUITE, psk).binderKey('res');
    const ext = new EarlySecret(p, SHA256_SUITE, psk).binderKey('ext');
    assert.equal(res.length, 32);
    assert.notEqual(hex(res), hex(ext));
    assert.notEqual(hex(res), hex(new EarlySecret(p, SHA256_SUITE).binderKey('res')));
    assert.equal(hex(res), hex(deriveSecret(p, 'sha256', hkdfExtract(p, 'sha256', undefined, psk), 'res binder', rfc.EMPTY_HASH)));
  });

  it('the sizes follow the suite: SHA-384 secrets are 48 bytes, AES-256 and ChaCha20 keys 32', () => {
    const s384 = suite('TLS_AES_256_GCM_SHA384');
    const ms = new EarlySecret(p, s384).handshakeSecret(new Uint8Array(32).fill(1)).masterSecret();
    const secret = ms.clientApplicationTrafficSecret(p.hash('sha384', new Uint8Array(0)));
    assert.equal(secret.length, 48);
    assert.equal(trafficKeys(p, s384, secret).key.length, 32);
    assert.equal(trafficKeys(p, s384, secret).iv.length, 12);
    assert.equal(trafficKeys(p, suite('TLS_CHACHA20_POLY1305_SHA256'), rfc.CLIENT_APPLICATION_TRAFFIC_SECRET).key.length, 32);
  });

  it('psk_ke mode: no shared secret is the same as Hash.length zeros (§7.1)', () => {
    const a = new EarlySecret(p, SHA256_SUITE, rfc.RESUMPTION_PSK).handshakeSecret();
    const b = new EarlySecret(p, SHA256_SUITE, rfc.RESUMPTION_PSK).handshakeSecret(new Uint8Array(32));
    assert.equal(hex(a.serverHandshakeTrafficSecret(rfc.EMPTY_HASH)), hex(b.serverHandshakeTrafficSecret(rfc.EMPTY_HASH)));
  });
});

describe('exporter (RFC 8446 §7.5) against node:tls', () => {
  // node:tls logs EXPORTER_SECRET through 'keylog' and exports with OpenSSL's TLS 1.3 exporter,
  // an independent implementation to compare exportKeyingMaterial with.
  async function connect(ciphersuite: string) {
    const key = nodeKeyPem();
    const cert = `-----BEGIN CERTIFICATE-----\n${Buffer.from(rfc.SERVER_CERTIFICATE_DER).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const server = tls.createServer({ key, cert, minVersion: 'TLSv1.3', ciphers: ciphersuite }, (socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: ciphersuite });
    const lines: string[] = [];
    socket.on('keylog', (line: Buffer) => lines.push(line.toString('latin1')));
    await once(socket, 'secureConnect');
    const exporter = lines.map((l) => /^EXPORTER_SECRET \S+ (\S+)/.exec(l)?.[1]).find((v) => v !== undefined);
    assert.ok(exporter, 'keylog carried EXPORTER_SECRET');
    return {
      socket,
      exporterSecret: new Uint8Array(Buffer.from(exporter, 'hex')),
      close: async () => {
        socket.destroy();
        server.close();
        await once(server, 'close');
      },
    };
  }

  for (const name of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`matches OpenSSL for ${name}, with and without a context`, async () => {
      const s = suite(name);
      const c = await connect(name);
      try {
        assert.equal(c.exporterSecret.length, s.hashLength);
        const context = new TextEncoder().encode('context value');
        for (const [label, ctx, length] of [
          ['EXPERIMENTAL handshake', context, 32],
          ['EXPERIMENTAL handshake', undefined, 64],
          ['EXPERIMENTAL empty context', new Uint8Array(0), 20],
        ] as const) {
          const ours = exportKeyingMaterial(p, s, c.exporterSecret, label, ctx, length);
          const theirs = exportFromNode(c.socket, length, label, ctx);
          assert.equal(hex(ours), hex(theirs), `${label} (${length})`);
        }
        // A missing context and an empty one are the same in TLS 1.3.
        assert.equal(
          hex(exportKeyingMaterial(p, s, c.exporterSecret, 'x', undefined, 16)),
          hex(exportKeyingMaterial(p, s, c.exporterSecret, 'x', new Uint8Array(0), 16)),
        );
      } finally {
        await c.close();
      }
    });
  }
});

/** node:tls takes the context as optional (OpenSSL's use_context = 0), though @types/node marks it required. */
function exportFromNode(socket: tls.TLSSocket, length: number, label: string, context: Uint8Array | undefined): Uint8Array {
  const exportKeyingMaterial = socket.exportKeyingMaterial as (length: number, label: string, context?: Buffer) => Buffer;
  const args: [number, string, Buffer?] = context === undefined ? [length, label] : [length, label, Buffer.from(context)];
  return new Uint8Array(exportKeyingMaterial.apply(socket, args));
}

/** The RFC 8448 server key as PEM, for node:tls. */
function nodeKeyPem(): string {
  return `-----BEGIN PRIVATE KEY-----\n${Buffer.from(rfc.SERVER_RSA_PRIVATE_KEY_PKCS8).toString('base64')}\n-----END PRIVATE KEY-----\n`;
}
