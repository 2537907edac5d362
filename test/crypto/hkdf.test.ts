import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveSecret, hashLength, hkdfExpand, hkdfExpandLabel, hkdfExtract } from '../../src/crypto/hkdf.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription } from '../../src/wire/codes.js';

// RFC 5869 Appendix A.1–A.3 (the SHA-256 cases), as printed.
const RFC5869 = `
A.1.  Test Case 1

   Hash = SHA-256
   IKM  = 0x0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b (22 octets)
   salt = 0x000102030405060708090a0b0c (13 octets)
   info = 0xf0f1f2f3f4f5f6f7f8f9 (10 octets)
   L    = 42

   PRK  = 0x077709362c2e32df0ddc3f0dc47bba63
          90b6c73bb50f9c3122ec844ad7c2b3e5 (32 octets)
   OKM  = 0x3cb25f25faacd57a90434f64d0362f2a
          2d2d0a90cf1a5a4c5db02d56ecc4c5bf
          34007208d5b887185865 (42 octets)

A.2.  Test Case 2

   Hash = SHA-256
   IKM  = 0x000102030405060708090a0b0c0d0e0f
          101112131415161718191a1b1c1d1e1f
          202122232425262728292a2b2c2d2e2f
          303132333435363738393a3b3c3d3e3f
          404142434445464748494a4b4c4d4e4f (80 octets)
   salt = 0x606162636465666768696a6b6c6d6e6f
          707172737475767778797a7b7c7d7e7f
          808182838485868788898a8b8c8d8e8f
          909192939495969798999a9b9c9d9e9f
          a0a1a2a3a4a5a6a7a8a9aaabacadaeaf (80 octets)
   info = 0xb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
          c0c1c2c3c4c5c6c7c8c9cacbcccdcecf
          d0d1d2d3d4d5d6d7d8d9dadbdcdddedf
          e0e1e2e3e4e5e6e7e8e9eaebecedeeef
          f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff (80 octets)
   L    = 82

   PRK  = 0x06a6b88c5853361a06104c9ceb35b45c
          ef760014904671014a193f40c15fc244 (32 octets)
   OKM  = 0xb11e398dc80327a1c8e7f78c596a4934
          4f012eda2d4efad8a050cc4c19afa97c
          59045a99cac7827271cb41c65e590e09
          da3275600c2f09b8367793a9aca3db71
          cc30c58179ec3e87c14c01d5c1f3434f
          1d87 (82 octets)

A.3.  Test Case 3

   Hash = SHA-256
   IKM  = 0x0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b (22 octets)
   salt = (0 octets)
   info = (0 octets)
   L    = 42

   PRK  = 0x19ef24a32c717b167f33a91d6f648bdf
          96596776afdb6377ac434c1c293ccb04 (32 octets)
   OKM  = 0x8da4e775a563c18f715f802a063c5a31
          b8a11f5c5ee1879ec3454e5f3c738d2d
          9d201395faa4b61a96c8 (42 octets)
`;

interface Case {
  name: string;
  ikm: Uint8Array;
  salt: Uint8Array;
  info: Uint8Array;
  length: number;
  prk: Uint8Array;
  okm: Uint8Array;
}

function parseCases(text: string): Case[] {
  return text
    .split(/\n(?=A\.\d)/)
    .filter((chunk) => chunk.trim().startsWith('A.'))
    .map((chunk) => {
      const value = (name: string): Uint8Array => {
        const m = new RegExp(`^   ${name}\\s*= (?:0x([0-9a-f\\s]+?)|)\\s*\\((\\d+) octets\\)`, 'm').exec(chunk);
        if (!m) throw new Error(`RFC 5869 transcription: no ${name}`);
        const bytes = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'hex');
        assert.equal(bytes.length, Number(m[2]), `${name} octet count`);
        return new Uint8Array(bytes);
      };
      return {
        name: chunk.trim().split('\n')[0]!,
        ikm: value('IKM'),
        salt: value('salt'),
        info: value('info'),
        length: Number(/^ {3}L\s*= (\d+)/m.exec(chunk)![1]),
        prk: value('PRK'),
        okm: value('OKM'),
      };
    });
}

const CASES = parseCases(RFC5869);
const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('HKDF (RFC 5869)', () => {
  it('parses all three SHA-256 test cases', () => {
    assert.deepEqual(
      CASES.map((c) => c.name),
      ['A.1.  Test Case 1', 'A.2.  Test Case 2', 'A.3.  Test Case 3'],
    );
  });

  for (const c of CASES) {
    it(`${c.name}: Extract gives PRK, Expand gives OKM`, () => {
      const prk = hkdfExtract(p, 'sha256', c.salt, c.ikm);
      assert.equal(hex(prk), hex(c.prk));
      const okm = hkdfExpand(p, 'sha256', prk, c.info, c.length);
      assert.equal(hex(okm), hex(c.okm));
      // Independent implementation as a second opinion on the transcription.
      assert.equal(hex(new Uint8Array(hkdfSync('sha256', c.ikm, c.salt, c.info, c.length))), hex(c.okm));
    });
  }

  it('treats a missing salt as HashLen zero octets', () => {
    const c = CASES[2]!;
    assert.equal(hex(hkdfExtract(p, 'sha256', undefined, c.ikm)), hex(c.prk));
    assert.equal(hex(hkdfExtract(p, 'sha256', new Uint8Array(32), c.ikm)), hex(c.prk));
  });

  it('agrees with node:crypto for SHA-384 and SHA-512 at lengths around block boundaries', () => {
    const ikm = Uint8Array.from({ length: 40 }, (_, i) => i * 7);
    const salt = Uint8Array.from({ length: 20 }, (_, i) => 255 - i);
    const info = new TextEncoder().encode('handshake hkdf');
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      const hl = hashLength(hash);
      for (const length of [0, 1, hl - 1, hl, hl + 1, 3 * hl, 255 * hl]) {
        const ours = hkdfExpand(p, hash, hkdfExtract(p, hash, salt, ikm), info, length);
        assert.equal(hex(ours), hex(new Uint8Array(hkdfSync(hash, ikm, salt, info, length))), `${hash} L=${length}`);
      }
    }
  });

  it('rejects L > 255*HashLen with internal_error', () => {
    const prk = new Uint8Array(32);
    assert.throws(
      () => hkdfExpand(p, 'sha256', prk, new Uint8Array(0), 255 * 32 + 1),
      (e: unknown) => e instanceof TLSError && e.alert === AlertDescription.internal_error,
    );
    assert.throws(() => hkdfExpand(p, 'sha256', prk, new Uint8Array(0), -1), TLSError);
    assert.throws(() => hkdfExpand(p, 'sha256', prk, new Uint8Array(0), 1.5), TLSError);
  });
});

describe('HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1)', () => {
  it('encodes HkdfLabel as uint16 length, "tls13 "+label<7..255>, context<0..255>', () => {
    // HKDF-Expand-Label(S, "derived", H, 32) must equal HKDF-Expand(S, 00 20 | 0d "tls13 derived" | 20 H, 32).
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
    const context = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
    const info = Uint8Array.from([0x00, 0x20, 13, ...new TextEncoder().encode('tls13 derived'), 32, ...context]);
    assert.equal(
      hex(hkdfExpandLabel(p, 'sha256', secret, 'derived', context, 32)),
      hex(hkdfExpand(p, 'sha256', secret, info, 32)),
    );
  });

  it('Derive-Secret expands to Hash.length with the transcript hash as context', () => {
    const secret = new Uint8Array(48).fill(9);
    const th = p.hash('sha384', new TextEncoder().encode('messages'));
    assert.equal(
      hex(deriveSecret(p, 'sha384', secret, 'c hs traffic', th)),
      hex(hkdfExpandLabel(p, 'sha384', secret, 'c hs traffic', th, 48)),
    );
    assert.equal(deriveSecret(p, 'sha384', secret, 'c hs traffic', th).length, 48);
  });

  it('bounds the label (with prefix) to 255 bytes and the context to 255 bytes', () => {
    const secret = new Uint8Array(32);
    assert.equal(hkdfExpandLabel(p, 'sha256', secret, 'x'.repeat(249), new Uint8Array(255), 32).length, 32);
    assert.throws(() => hkdfExpandLabel(p, 'sha256', secret, 'x'.repeat(250), new Uint8Array(0), 32), TLSError);
    assert.throws(() => hkdfExpandLabel(p, 'sha256', secret, 'key', new Uint8Array(256), 32), TLSError);
  });
});
