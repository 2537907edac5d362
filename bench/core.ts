// 4. The sans-IO core alone, no sockets: an in-memory client ↔ server pair (as test/helpers/pair.ts
// moves bytes) and record protection, to separate the core's cost from the socket glue.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Connection } from '../src/connection.js';
import { nodeProvider } from '../src/crypto/node.js';
import { tls13Suite } from '../src/crypto/suites.js';
import { certifiedKeys, clientConfigFrom, serverConfigFrom } from '../src/node/options.js';
import { RecordDecrypter, RecordEncrypter } from '../src/record/protection.js';
import { CipherSuite, ContentType } from '../src/wire/codes.js';
import type { Pem } from './sockets.js';
import { CHUNK } from './protocol.js';

/** Moves bytes both ways until neither side has output. */
function settle(a: Connection, b: Connection): void {
  for (let i = 0; i < 100; i++) {
    const fromA = a.takeOutput();
    const fromB = b.takeOutput();
    if (!fromA.length && !fromB.length) return;
    for (const chunk of fromA) b.receive(chunk);
    for (const chunk of fromB) a.receive(chunk);
  }
  throw new Error('pair did not settle');
}

function makeConfigs(pem: Pem) {
  const provider = nodeProvider;
  const client = clientConfigFrom({ host: 'localhost', ca: [pem.rootPem] }, provider);
  const server = serverConfigFrom({}, certifiedKeys({ key: pem.leafKeyPem, cert: pem.chainPem }, provider));
  return { client, server };
}

function handshakePair(configs: ReturnType<typeof makeConfigs>): { client: Connection; server: Connection } {
  const client = Connection.client(configs.client, { trace: 'off' });
  const server = Connection.server(configs.server, { trace: 'off' });
  settle(client, server);
  if (!client.handshakeComplete || !server.handshakeComplete) {
    throw new Error(`in-memory handshake failed: ${client.error?.message ?? server.error?.message}`);
  }
  client.takeEvents();
  server.takeEvents();
  return { client, server };
}

/**
 * Runs `fn` repeatedly for about `ms` in trials of about 50 ms; returns the best trial's
 * iterations per second. The best trial is the one least disturbed by other processes on the
 * machine, so it is the steadiest estimate of the code's own cost.
 */
function rate(ms: number, fn: () => void): number {
  const end = performance.now() + ms;
  let best = 0;
  do {
    const t0 = performance.now();
    let n = 0;
    let t = t0;
    while (t - t0 < 50) {
      for (let i = 0; i < 4; i++) fn();
      n += 4;
      t = performance.now();
    }
    best = Math.max(best, (n * 1000) / (t - t0));
  } while (performance.now() < end);
  return best;
}

/** Full handshakes per second of an in-memory client ↔ server pair (both sides' work on one thread). */
export function coreHandshakes(pem: Pem, warmupMs: number, ms: number): number {
  const configs = makeConfigs(pem);
  rate(warmupMs, () => handshakePair(configs));
  return rate(ms, () => handshakePair(configs));
}

/** Application data through two Connections (write → records → receive → data event), MB/s. */
export function coreBulk(pem: Pem, warmupMs: number, ms: number): number {
  const { client, server } = handshakePair(makeConfigs(pem));
  const data = new Uint8Array(CHUNK).fill(0x61);
  const step = () => {
    server.write(data);
    for (const record of server.takeOutput()) client.receive(record);
    const events = client.takeEvents();
    if (events.length !== 1 || events[0]!.type !== 'data') throw new Error('core bulk: expected one data event');
  };
  rate(warmupMs, step);
  return (rate(ms, step) * CHUNK) / 1e6;
}

const AES128 = tls13Suite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

/** RecordEncrypter.seal / RecordDecrypter.open of 16 KiB application_data records, MB/s. */
export function recordProtection(warmupMs: number, ms: number): { seal: number; open: number } {
  const key = randomBytes(16);
  const iv = randomBytes(12);
  const enc = new RecordEncrypter(nodeProvider, AES128, key, iv);
  const data = new Uint8Array(CHUNK).fill(0x61);
  const sealOne = () => enc.seal(ContentType.application_data, data);
  rate(warmupMs, sealOne);
  const seal = (rate(ms, sealOne) * CHUNK) / 1e6;

  // Open needs fresh sealed records in sequence: seal a batch once, then open it with a decrypter
  // whose sequence restarts for each pass.
  const batch = Array.from({ length: 256 }, () => {
    const record = enc.seal(ContentType.application_data, data);
    return { type: record[0]!, version: (record[1]! << 8) | record[2]!, fragment: record.subarray(5) };
  });
  const start = enc.sequence - 256n;
  let opener = new RecordDecrypter(nodeProvider, AES128, key, iv, start);
  let i = 0;
  const openOne = () => {
    if (i === batch.length) {
      opener = new RecordDecrypter(nodeProvider, AES128, key, iv, start);
      i = 0;
    }
    opener.open(batch[i++]!);
  };
  rate(warmupMs, openOne);
  const open = (rate(ms, openOne) * CHUNK) / 1e6;
  return { seal, open };
}

/** The floor: one createCipheriv / createDecipheriv per 16 KiB record, nothing else, MB/s. */
export function rawAead(warmupMs: number, ms: number): { seal: number; open: number } {
  const key = randomBytes(16);
  const nonce = randomBytes(12);
  const aad = Buffer.alloc(5);
  const data = Buffer.alloc(CHUNK + 1, 0x61);
  let tag = Buffer.alloc(16);
  let ct = Buffer.alloc(0);
  const sealOne = () => {
    const c = createCipheriv('aes-128-gcm', key, nonce);
    c.setAAD(aad);
    ct = c.update(data);
    c.final();
    tag = c.getAuthTag();
  };
  rate(warmupMs, sealOne);
  const seal = (rate(ms, sealOne) * CHUNK) / 1e6;
  const openOne = () => {
    const d = createDecipheriv('aes-128-gcm', key, nonce);
    d.setAuthTag(tag);
    d.setAAD(aad);
    d.update(ct);
    d.final();
  };
  rate(warmupMs, openOne);
  const open = (rate(ms, openOne) * CHUNK) / 1e6;
  return { seal, open };
}
