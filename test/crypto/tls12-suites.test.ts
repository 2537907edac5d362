// The TLS 1.2 suite table, checked two ways: against itself and the IANA naming scheme, and
// against OpenSSL. For every suite a node:tls client and server complete a TLS 1.2 handshake
// through a recording proxy; from the client's key log (CLIENT_RANDOM, master secret) and the
// randoms on the wire we derive the key block, decrypt both Finished records with it (checking
// the CBC MAC too) and recompute their verify_data and an exporter value. So keyLength, the
// fixed IV, the MAC key, the PRF hash and the derivations in src/tls12/ all have to agree with
// what OpenSSL computed.
import assert from 'node:assert/strict';
import { constants, createDecipheriv, createHmac } from 'node:crypto';
import { type Server, type Socket, connect as netConnect, createServer as netCreateServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';

import { nodeProvider } from '../../src/crypto/node.js';
import {
  DEFAULT_TLS12_SUITES,
  DEFAULT_TLS13_SUITES,
  TLS12_SUITES,
  TLS13_SUITES,
  Tls12CipherSuite,
  type Tls12Suite,
  tls12Suite,
  tls12SuiteByName,
  tls12SuiteByOpensslName,
  tls13Suite,
} from '../../src/crypto/suites.js';
import { type Tls12DirectionKeys, keyBlock } from '../../src/tls12/keys.js';
import { exportKeyingMaterial, extendedMasterSecret, finishedVerifyData, masterSecret } from '../../src/tls12/prf.js';
import { cachedPki } from '../helpers/pki.js';
import { listen, waitEvent, withTimeout, WAIT_MS } from '../helpers/interop.js';
import { toHex } from '../wire/helpers.js';

const p = nodeProvider;

/** What the issue asks for, by OpenSSL name: all must be in the table. */
const REQUIRED = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384',
  'AES128-SHA', 'AES256-SHA', 'AES128-SHA256', 'AES256-SHA256',
  'DHE-RSA-AES128-SHA', 'DHE-RSA-AES256-SHA', 'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-SHA256',
];

describe('TLS 1.2 suite table', () => {
  it('has every required suite, and nothing else', () => {
    assert.deepEqual(TLS12_SUITES.map((s) => s.opensslName).sort(), [...REQUIRED].sort());
  });

  it('ids, IANA names and OpenSSL names are unique, and none collides with TLS 1.3', () => {
    for (const key of ['id', 'name', 'opensslName'] as const) {
      assert.equal(new Set(TLS12_SUITES.map((s) => s[key])).size, TLS12_SUITES.length, key);
    }
    for (const s of TLS12_SUITES) assert.equal(tls13Suite(s.id), undefined, s.name);
  });

  it('each id is the IANA code point the constant of that name holds', () => {
    for (const s of TLS12_SUITES) assert.equal(Tls12CipherSuite[s.name as keyof typeof Tls12CipherSuite], s.id, s.name);
    assert.equal(Object.keys(Tls12CipherSuite).length, TLS12_SUITES.length);
  });

  it('lookups round-trip by id, IANA name and OpenSSL name (either case)', () => {
    for (const s of TLS12_SUITES) {
      assert.equal(tls12Suite(s.id), s);
      assert.equal(tls12SuiteByName(s.name), s);
      assert.equal(tls12SuiteByOpensslName(s.opensslName), s);
      assert.equal(tls12SuiteByOpensslName(s.opensslName.toLowerCase()), s);
    }
    assert.equal(tls12Suite(0x1301), undefined);
    assert.equal(tls12SuiteByName('TLS_AES_128_GCM_SHA256'), undefined);
    assert.equal(tls12SuiteByOpensslName('RC4-SHA'), undefined);
  });

  it('every field agrees with what the IANA name spells out', () => {
    const re = /^TLS_(ECDHE|DHE|RSA)(?:_(ECDSA|RSA))?_WITH_(AES_128|AES_256|CHACHA20)_(GCM|CBC|POLY1305)_(SHA|SHA256|SHA384)$/;
    for (const s of TLS12_SUITES) {
      const m = re.exec(s.name);
      assert.ok(m, s.name);
      const [, kx, auth, bulk, mode, mac] = m;
      assert.equal(s.keyExchange, kx, s.name);
      assert.equal(s.authentication, auth ?? 'RSA', s.name);
      assert.equal(s.keyLength, bulk === 'AES_128' ? 16 : 32, s.name);
      // RFC 5246 §5: SHA-256 PRF unless the suite says otherwise; the SHA-1 suites do not.
      assert.equal(s.prfHash, mac === 'SHA384' ? 'sha384' : 'sha256', s.name);
      assert.equal(s.forwardSecret, kx !== 'RSA', s.name);
      assert.equal(s.legacy, mode === 'CBC' || kx === 'RSA', s.name);
      const c = s.cipher;
      if (mode === 'CBC') {
        assert.equal(c.kind, 'cbc', s.name);
        if (c.kind !== 'cbc') continue;
        assert.equal(c.cipher, bulk === 'AES_128' ? 'aes-128-cbc' : 'aes-256-cbc');
        const macHash = mac === 'SHA' ? 'sha1' : mac === 'SHA256' ? 'sha256' : 'sha384';
        assert.equal(c.mac, macHash, s.name);
        assert.equal(c.macLength, createHmac(macHash, '').digest().length, s.name);
        assert.equal(c.macKeyLength, c.macLength, s.name);
        assert.equal(c.fixedIvLength, 0);
        assert.equal(c.recordIvLength, 16);
      } else {
        assert.equal(c.kind, 'aead', s.name);
        if (c.kind !== 'aead') continue;
        if (mode === 'GCM') {
          assert.equal(c.aead, bulk === 'AES_128' ? 'aes-128-gcm' : 'aes-256-gcm');
          assert.deepEqual([c.fixedIvLength, c.recordIvLength], [4, 8], s.name); // RFC 5288 §3
        } else {
          assert.equal(c.aead, 'chacha20-poly1305');
          assert.deepEqual([c.fixedIvLength, c.recordIvLength], [12, 0], s.name); // RFC 7905 §2
        }
      }
    }
  });

  it('OpenSSL in this node knows every suite by our opensslName (tls.getCiphers() lists them lower-case)', () => {
    const known = new Set(tls.getCiphers());
    for (const s of TLS12_SUITES) assert.ok(known.has(s.opensslName.toLowerCase()), s.opensslName);
  });

  it('DEFAULT_TLS12_SUITES: every forward-secret AEAD suite and nothing legacy', () => {
    const defaults = DEFAULT_TLS12_SUITES.map((id) => tls12Suite(id)!);
    for (const s of defaults) {
      assert.equal(s.cipher.kind, 'aead', s.name);
      assert.ok(s.forwardSecret, s.name);
      assert.ok(!s.legacy, s.name);
    }
    const eligible = TLS12_SUITES.filter((s) => s.cipher.kind === 'aead' && s.forwardSecret).map((s) => s.id);
    assert.deepEqual([...DEFAULT_TLS12_SUITES].sort(), eligible.sort());
  });

  it('DEFAULT_TLS12_SUITES order: ECDHE-ECDSA, then ECDHE-RSA, then DHE; AES-GCM before ChaCha20 in each', () => {
    const defaults = DEFAULT_TLS12_SUITES.map((id) => tls12Suite(id)!);
    const rank = (s: Tls12Suite) => (s.keyExchange === 'DHE' ? 2 : s.authentication === 'ECDSA' ? 0 : 1);
    for (let i = 1; i < defaults.length; i++) {
      const [a, b] = [defaults[i - 1]!, defaults[i]!];
      assert.ok(rank(a) <= rank(b), `${a.name} before ${b.name}`);
      if (rank(a) === rank(b) && a.cipher.kind === 'aead' && b.cipher.kind === 'aead') {
        assert.ok(!(a.cipher.aead === 'chacha20-poly1305' && b.cipher.aead !== 'chacha20-poly1305'), `${a.name} before ${b.name}`);
      }
    }
    assert.equal(defaults[0]!.id, Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  });

  it('leaves the TLS 1.3 table as it was', () => {
    assert.deepEqual(TLS13_SUITES.map((s) => s.id), [0x1301, 0x1302, 0x1303]);
    assert.deepEqual(DEFAULT_TLS13_SUITES, [0x1301, 0x1302, 0x1303]);
  });
});

// ---------------------------------------------------------------------------------------------
// Cross-check against OpenSSL through node:tls.

interface WireRecord {
  readonly type: number;
  readonly fragment: Buffer;
}

function parseRecords(stream: Buffer): WireRecord[] {
  const records: WireRecord[] = [];
  let at = 0;
  while (at + 5 <= stream.length) {
    const length = stream.readUInt16BE(at + 3);
    if (at + 5 + length > stream.length) break;
    records.push({ type: stream[at]!, fragment: stream.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return records;
}

/** Handshake messages (header included) sent in the clear, and the first record after ChangeCipherSpec. */
function splitFlight(stream: Buffer): { messages: Buffer[]; encryptedFinished: Buffer } {
  const records = parseRecords(stream);
  const ccs = records.findIndex((r) => r.type === 20);
  assert.ok(ccs >= 0, 'no ChangeCipherSpec on the wire');
  const clear = Buffer.concat(records.slice(0, ccs).filter((r) => r.type === 22).map((r) => r.fragment));
  const messages: Buffer[] = [];
  for (let at = 0; at < clear.length; ) {
    const length = clear.readUIntBE(at + 1, 3);
    messages.push(clear.subarray(at, at + 4 + length));
    at += 4 + length;
  }
  const finished = records[ccs + 1];
  assert.ok(finished && finished.type === 22, 'no encrypted Finished after ChangeCipherSpec');
  return { messages, encryptedFinished: finished.fragment };
}

/** RFC 5246 §6.2.3: the first protected record of a direction has sequence number 0. */
function additionalData(length: number): Buffer {
  const ad = Buffer.alloc(13);
  ad[8] = 22;
  ad.writeUInt16BE(0x0303, 9);
  ad.writeUInt16BE(length, 11);
  return ad;
}

/** Decrypts a direction's first protected record with keys from our key block. */
function openFirstRecord(suite: Tls12Suite, keys: Tls12DirectionKeys, fragment: Buffer): Buffer {
  const c = suite.cipher;
  if (c.kind === 'aead') {
    const explicit = fragment.subarray(0, c.recordIvLength);
    const sealed = fragment.subarray(c.recordIvLength);
    // RFC 5288 §3: salt + explicit nonce; RFC 7905 §2: the IV XOR the (zero) sequence number.
    const nonce = Buffer.concat([keys.iv, explicit]);
    const opened = p.createAead(c.aead, keys.key).open(nonce, additionalData(sealed.length - 16), sealed);
    assert.ok(opened, `${suite.name}: Finished does not open with our key block`);
    return Buffer.from(opened);
  }
  // RFC 5246 §6.2.3.2, MAC-then-encrypt (the client turns encrypt_then_mac off).
  const decipher = createDecipheriv(c.cipher, keys.key, fragment.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(fragment.subarray(16)), decipher.final()]);
  const padLength = plain[plain.length - 1]!;
  const padding = plain.subarray(plain.length - 1 - padLength);
  assert.ok(padding.every((b) => b === padLength), `${suite.name}: bad CBC padding, so the key is wrong`);
  const contentAndMac = plain.subarray(0, plain.length - 1 - padLength);
  const content = contentAndMac.subarray(0, contentAndMac.length - c.macLength);
  const mac = contentAndMac.subarray(contentAndMac.length - c.macLength);
  const expected = createHmac(c.mac, keys.macKey).update(additionalData(content.length)).update(content).digest();
  assert.equal(toHex(mac), toHex(expected), `${suite.name}: record MAC does not match our MAC key`);
  return content;
}

/** OpenSSL 3.0 ssl.h: SSL_OP_BIT(0); node:crypto does not export it. The test checks it took effect. */
const SSL_OP_NO_EXTENDED_MASTER_SECRET = 1;

/** RFC 5246 §7.4.1.3 ServerHello, header included: the suite and whether RFC 7627's extension (23) came back. */
function parseServerHello(msg: Buffer): { suite: number; extendedMasterSecret: boolean } {
  assert.equal(msg[0], 2, 'first server message is ServerHello');
  let at = 4 + 2 + 32;
  at += 1 + msg[at]!;
  const suite = msg.readUInt16BE(at);
  at += 2 + 1;
  let extendedMasterSecret = false;
  if (at < msg.length) {
    const end = at + 2 + msg.readUInt16BE(at);
    for (at += 2; at < end; at += 4 + msg.readUInt16BE(at + 2)) {
      if (msg.readUInt16BE(at) === 23) extendedMasterSecret = true;
    }
  }
  return { suite, extendedMasterSecret };
}

interface Session {
  readonly cipher: tls.CipherNameAndProtocol;
  readonly protocol: string | null;
  readonly clientRandom: Buffer;
  readonly serverRandom: Buffer;
  readonly master: Buffer;
  /** From the key log's RSA line, for RSA key transport only. */
  readonly premaster: Buffer | undefined;
  readonly toServer: Buffer;
  readonly toClient: Buffer;
  readonly exported: { none: Buffer; withContext: Buffer; emptyContext: Buffer };
}

const EXPORT_LABEL = 'EXPERIMENTAL handshake test';
const EXPORT_CONTEXT = Buffer.from('context value');

describe('TLS 1.2 suites against OpenSSL (node:tls)', () => {
  let server: tls.Server;
  let serverPort: number;
  const open = new Set<Socket>();

  before(async () => {
    const ecdsa = cachedPki();
    const rsa = cachedPki({ leafKeyType: 'rsa-2048' });
    server = tls.createServer({
      key: [ecdsa.leafKeyPem, rsa.leafKeyPem],
      cert: [ecdsa.leafPem, rsa.leafPem],
      ciphers: TLS12_SUITES.map((s) => s.opensslName).join(':'),
      dhparam: 'auto',
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    // Tracked from the raw connection so that one failing mid-handshake is still closed in after().
    server.on('connection', (s: Socket) => open.add(s));
    server.on('secureConnection', (s: tls.TLSSocket) => {
      open.add(s);
      s.on('error', () => {});
    });
    serverPort = await listen(server);
  });

  after(async () => {
    for (const s of open) s.destroy();
    await withTimeout(new Promise<void>((resolve) => server.close(() => resolve())), WAIT_MS, 'server close');
  });

  /** One handshake through a proxy that keeps every byte, in both directions. */
  async function handshake(suite: Tls12Suite, secureOptions = 0): Promise<Session> {
    const toServer: Buffer[] = [];
    const toClient: Buffer[] = [];
    const proxy: Server = netCreateServer((inbound) => {
      const outbound = netConnect(serverPort, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        open.add(s);
        s.on('error', () => {});
        s.on('close', () => (s === inbound ? outbound : inbound).destroy());
      }
      inbound.on('data', (d: Buffer) => (toServer.push(Buffer.from(d)), outbound.write(d)));
      outbound.on('data', (d: Buffer) => (toClient.push(Buffer.from(d)), inbound.write(d)));
    });
    const proxyPort = await listen(proxy);
    const client = tls.connect({
      host: '127.0.0.1',
      port: proxyPort,
      ciphers: suite.opensslName,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      rejectUnauthorized: false,
      secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC | secureOptions,
    });
    open.add(client);
    let keylog = '';
    client.on('keylog', (line: Buffer) => (keylog += line.toString('latin1')));
    try {
      await waitEvent(client, 'secureConnect');
      const m = /^CLIENT_RANDOM ([0-9a-f]{64}) ([0-9a-f]{96})$/im.exec(keylog);
      // OpenSSL logs RSA key transport as "RSA <first 8 bytes of the encrypted premaster> <premaster>".
      const rsa = /^RSA [0-9a-f]{16} ([0-9a-f]{96})$/im.exec(keylog);
      assert.ok(m, `no CLIENT_RANDOM line in the key log: ${keylog}`);
      const wireToClient = Buffer.concat(toClient);
      // @types/node marks the context as required; node:tls takes its absence as RFC 5705's no-context form.
      const exportWithoutContext = client.exportKeyingMaterial.bind(client) as (length: number, label: string) => Buffer;
      // ServerHello is the first message: record header 5, handshake header 4, version 2, random 32.
      assert.equal(wireToClient[5], 2, 'first server message is not ServerHello');
      return {
        cipher: client.getCipher(),
        protocol: client.getProtocol(),
        clientRandom: Buffer.from(m[1]!, 'hex'),
        serverRandom: Buffer.from(wireToClient.subarray(11, 43)),
        master: Buffer.from(m[2]!, 'hex'),
        premaster: rsa ? Buffer.from(rsa[1]!, 'hex') : undefined,
        toServer: Buffer.concat(toServer),
        toClient: wireToClient,
        exported: {
          none: exportWithoutContext(40, EXPORT_LABEL),
          withContext: client.exportKeyingMaterial(40, EXPORT_LABEL, EXPORT_CONTEXT),
          emptyContext: client.exportKeyingMaterial(40, EXPORT_LABEL, Buffer.alloc(0)),
        },
      };
    } finally {
      client.destroy();
      await withTimeout(new Promise<void>((resolve) => proxy.close(() => resolve())), WAIT_MS, 'proxy close');
    }
  }

  /** Everything we can recompute from a recorded session; returns whether extended_master_secret was used. */
  function check(suite: Tls12Suite, s: Session): boolean {
    assert.equal(s.cipher.name, suite.opensslName);
    assert.equal(s.cipher.standardName, suite.name);
    // getCipher().version is the oldest protocol the suite exists in; getProtocol() is what ran.
    assert.equal(s.protocol, 'TLSv1.2');

    const client = splitFlight(s.toServer);
    const server = splitFlight(s.toClient);
    const [clientHello, ...clientRest] = client.messages;
    const serverHello = server.messages[0]!;
    assert.equal(clientHello![0], 1, 'ClientHello first');
    assert.deepEqual(clientHello!.subarray(6, 38), s.clientRandom, 'key log and ClientHello agree on the client random');
    const hello = parseServerHello(serverHello);
    assert.equal(hello.suite, suite.id, 'ServerHello selected our code point');

    // RFC 7627 §3: session_hash covers ClientHello through ClientKeyExchange, and with no client
    // certificate the client's clear messages end there.
    const beforeTicket = server.messages.filter((m) => m[0] !== 4);
    const tickets = server.messages.filter((m) => m[0] === 4);
    const throughKeyExchange = Buffer.concat([clientHello!, ...beforeTicket, ...clientRest]);
    if (s.premaster) {
      const master = hello.extendedMasterSecret
        ? extendedMasterSecret(p, suite.prfHash, s.premaster, p.hash(suite.prfHash, throughKeyExchange))
        : masterSecret(p, suite.prfHash, s.premaster, s.clientRandom, s.serverRandom);
      assert.equal(toHex(master), toHex(s.master), 'master secret from the logged premaster');
    }

    const keys = keyBlock(p, suite, s.master, s.clientRandom, s.serverRandom);
    const clientFinished = openFirstRecord(suite, keys.client, client.encryptedFinished);
    const serverFinished = openFirstRecord(suite, keys.server, server.encryptedFinished);

    // RFC 5246 §7.4.9: each Finished covers every handshake message before it; NewSessionTicket (4)
    // comes after the client's Finished in the transcript though it travels in the server's flight.
    const th1 = p.hash(suite.prfHash, throughKeyExchange);
    assert.equal(toHex(clientFinished), '1400000c' + toHex(finishedVerifyData(p, suite.prfHash, s.master, 'client', th1)));
    const th2 = p.hash(suite.prfHash, Buffer.concat([throughKeyExchange, clientFinished, ...tickets]));
    assert.equal(toHex(serverFinished), '1400000c' + toHex(finishedVerifyData(p, suite.prfHash, s.master, 'server', th2)));

    const ours = (context: Uint8Array | undefined) =>
      toHex(exportKeyingMaterial(p, suite.prfHash, s.master, s.clientRandom, s.serverRandom, EXPORT_LABEL, context, 40));
    assert.equal(ours(undefined), toHex(s.exported.none));
    assert.equal(ours(EXPORT_CONTEXT), toHex(s.exported.withContext));
    assert.equal(ours(new Uint8Array(0)), toHex(s.exported.emptyContext));
    return hello.extendedMasterSecret;
  }

  for (const suite of TLS12_SUITES) {
    it(`${suite.opensslName}: names, key block, Finished and exporter agree with OpenSSL`, async () => {
      const usedEms = check(suite, await handshake(suite));
      assert.ok(usedEms, 'OpenSSL negotiates extended_master_secret by default');
    });
  }

  it('RSA key transport: the extended and the plain master secret both match the logged premaster', async () => {
    const suite = tls12Suite(Tls12CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256)!;
    const withEms = await handshake(suite);
    assert.ok(withEms.premaster);
    assert.ok(check(suite, withEms));
    const withoutEms = await handshake(suite, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    assert.ok(withoutEms.premaster);
    assert.equal(check(suite, withoutEms), false, 'the client still offered extended_master_secret');
  });
});
