// The node provider's own paths around node:crypto (one-shot digests and HMACs as latin1 strings,
// the randomness pool, sealInto joining parts in place) must give
// exactly what node:crypto's straightforward calls give.
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { hkdfExpandLabel } from '../../src/crypto/hkdf.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { AeadName, HashName } from '../../src/crypto/provider.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
/** Deterministic filler, so a failure names reproducible inputs. */
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff);

const HASHES: HashName[] = ['sha256', 'sha384', 'sha512'];
// Around the block sizes (64, 128) and the scratch limit (512), where the paths change.
const KEY_LENGTHS = [0, 1, 31, 32, 48, 63, 64, 65, 127, 128, 129, 200];
const DATA_LENGTHS = [0, 1, 55, 56, 63, 64, 65, 100, 511, 512, 513, 2000];

describe('node provider: HMAC', () => {
  for (const hash of HASHES) {
    it(`${hash}: equals createHmac for keys of ${KEY_LENGTHS.join(', ')} and data of ${DATA_LENGTHS.join(', ')} bytes`, () => {
      for (const k of KEY_LENGTHS) {
        for (const d of DATA_LENGTHS) {
          const key = bytes(k, k);
          const data = bytes(d, d + 1);
          assert.equal(hex(p.hmac(hash, key, data)), createHmac(hash, key).update(data).digest('hex'), `key ${k}, data ${d}`);
        }
      }
    });
  }

  it('RFC 4231 test case 6 (a 131-byte key, hashed first): SHA-256, SHA-384, SHA-512', () => {
    const key = new Uint8Array(131).fill(0xaa);
    const data = new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First');
    assert.equal(hex(p.hmac('sha256', key, data)), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
    assert.equal(
      hex(p.hmac('sha384', key, data)),
      '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    );
    assert.equal(
      hex(p.hmac('sha512', key, data)),
      '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    );
  });

  it('a result is its own array: later calls and changes to the inputs leave it alone', () => {
    const key = bytes(32, 1);
    const data = bytes(40, 2);
    const first = p.hmac('sha256', key, data);
    const expected = hex(first);
    p.hmac('sha256', bytes(32, 3), bytes(40, 4));
    key.fill(0);
    data.fill(0);
    assert.equal(hex(first), expected);
    assert.equal(first.byteLength, first.buffer.byteLength);
  });
});

describe('node provider: digests', () => {
  for (const hash of ['sha1', ...HASHES] as const) {
    it(`${hash}: hash() equals createHash() for 0 to 300 bytes`, () => {
      for (let n = 0; n <= 300; n += 7) {
        const data = bytes(n, n);
        assert.equal(hex(p.hash(hash, data)), createHash(hash).update(data).digest('hex'), `${n} bytes`);
      }
    });
  }

  it('peek() gives every byte value (latin1 decoding is exact)', () => {
    // Digests of enough inputs that each output byte value 0..255 appears somewhere.
    const seen = new Set<number>();
    const h = p.createHash('sha256');
    for (let i = 0; i < 200; i++) {
      h.update(Uint8Array.of(i));
      const peeked = h.peek();
      assert.equal(hex(peeked), createHash('sha256').update(Uint8Array.from({ length: i + 1 }, (_, j) => j)).digest('hex'));
      for (const b of peeked) seen.add(b);
    }
    assert.equal(seen.size, 256);
  });
});

describe('node provider: randomness pool', () => {
  it('gives the asked length, pooled or not, each result its own array', () => {
    for (const n of [0, 1, 4, 12, 32, 48, 255, 256, 257, 1000, 5000]) {
      const r = p.randomBytes(n);
      assert.equal(r.length, n);
      assert.equal(r.buffer.byteLength, n, `${n} bytes: not a view into the pool`);
    }
  });

  it('values stay fresh across many refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(hex(p.randomBytes(13)));
    assert.equal(seen.size, 3000);
    // Neither a stuck nor an erased pool: about half the bits of a large sample are set.
    let ones = 0;
    for (let i = 0; i < 1000; i++) for (const b of p.randomBytes(16)) for (let v = b; v; v >>= 1) ones += v & 1;
    assert.ok(ones > 60_000 && ones < 68_000, `${ones} of 128000 bits set`);
  });
});

describe('node provider: sealInto', () => {
  const cases: [AeadName, number][] = [
    ['aes-128-gcm', 16],
    ['aes-256-gcm', 32],
    ['chacha20-poly1305', 32],
  ];
  for (const [alg, keyLength] of cases) {
    it(`${alg}: parts joined, a single part, an in-place part and no parts all seal as one plaintext would`, () => {
      const key = bytes(keyLength, 5);
      const aead = p.createAead(alg, key);
      const nonce = bytes(12, 6);
      const aad = Uint8Array.of(0x17, 0x03, 0x03, 0x01, 0x00);
      const expected = (plaintext: Uint8Array) => {
        const c = createCipheriv(alg as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
        c.setAAD(aad, { plaintextLength: plaintext.length });
        return hex(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
      };
      for (const sizes of [[], [0], [1], [100, 1], [16384, 1], [3, 0, 7, 2]]) {
        const parts = sizes.map((n, i) => bytes(n, i + 10));
        const plaintext = Buffer.concat(parts);
        const out = new Uint8Array(7 + plaintext.length + 16 + 3).fill(0xee);
        aead.sealInto(nonce, aad, parts, out, 7);
        assert.equal(hex(out.subarray(7, 7 + plaintext.length + 16)), expected(plaintext), `parts ${sizes.join('+')}`);
        assert.ok(out.subarray(0, 7).every((b) => b === 0xee) && out.subarray(7 + plaintext.length + 16).every((b) => b === 0xee), 'outside untouched');
        assert.equal(hex(aead.open(nonce, aad, out.subarray(7, 7 + plaintext.length + 16))!), hex(plaintext));
      }
      const record = new Uint8Array(5 + 40 + 16);
      record.set(bytes(40, 9), 5);
      aead.sealInto(nonce, aad, [record.subarray(5, 45)], record, 5);
      assert.equal(hex(record.subarray(5)), expected(bytes(40, 9)), 'in place');
    });
  }
});

describe('HKDF-Expand-Label: cached infos for an empty context', () => {
  it('equal the uncached computation, per label and per length', () => {
    const secret = bytes(32, 8);
    const empty = new Uint8Array(0);
    const encode = (s: string) => new TextEncoder().encode(s);
    for (const label of ['key', 'iv', 'finished', 'traffic upd']) {
      for (const length of [12, 16, 32, 12]) {
        const cached = hkdfExpandLabel(p, 'sha256', secret, label, empty, length);
        assert.equal(hex(cached), hex(hkdfExpandLabel(p, 'sha256', secret, encode(label), empty, length)), `${label} ${length}`);
        // HkdfLabel by hand: uint16 length, "tls13 " + label, empty context, then counter 1.
        const full = encode(`tls13 ${label}`);
        const info = Uint8Array.of(length >> 8, length & 0xff, full.length, ...full, 0, 1);
        assert.equal(hex(cached), createHmac('sha256', secret).update(info).digest('hex').slice(0, 2 * length));
      }
    }
  });
});
