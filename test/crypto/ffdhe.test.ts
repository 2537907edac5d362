import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkPrimeSync, createDiffieHellman } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import {
  FFDHE_GROUPS,
  bitLength,
  compareUnsigned,
  dhValueInRange,
  ffdheGroup,
  ffdheGroupByParams,
  leftPad,
  stripLeadingZeros,
  type FfdheGroup,
} from '../../src/crypto/ffdhe.js';
import { DEFAULT_GROUPS, GROUPS, groupInfo, parseGroupList } from '../../src/crypto/groups.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription, NamedGroup } from '../../src/wire/codes.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const toBig = (b: Uint8Array) => (b.length ? BigInt('0x' + hex(b)) : 0n);
const toBytes = (n: bigint, length: number) => Uint8Array.from(Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex'));
const isIllegalParameter = (e: unknown) => e instanceof TLSError && e.alert === AlertDescription.illegal_parameter;

/** floor(2^n · e) from the series e = Σ 1/k!, with guard bits so the truncation of each term cannot reach the result. */
function floorTwoPowTimesE(n: number): bigint {
  const guard = 64n;
  const scale = 1n << (BigInt(n) + guard);
  let sum = 0n;
  let term = scale; // scale / k!
  for (let k = 1n; term > 0n; k++) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

/** X for each group, from RFC 7919 Appendix A: the smallest value that makes p a safe prime. */
const RFC_X = new Map<number, bigint>([
  [NamedGroup.ffdhe2048, 560316n],
  [NamedGroup.ffdhe3072, 2625351n],
  [NamedGroup.ffdhe4096, 5736041n],
]);

// RFC 7919 §A.1 prints q = (p-1)/2 separately from p; typed here again as a second reading.
const FFDHE2048_Q = `
  7FFFFFFF FFFFFFFF D6FC2A2C 515DA54D 57EE2B10 139E9E78 EC5CE2C1 E7169B4A D4F09B20 8A3219FD
  E649CEE7 124D9F7C BE97F1B1 B1863AEC 7B40D901 576230BD 69EF8F6A EAFEB2B0 9219FA8F AF833768
  42B1B2AA 9EF68D79 DAAB89AF 3FABE49A CC278638 707345BB F15344ED 79F7F439 0EF8AC50 9B56F39A
  98566527 A41D3CBD 5E0558C1 59927DB0 E88454A5 D96471FD DCB56D5B B06BFA34 0EA7A151 EF1CA6FA
  572B76F3 B1B95D8C 8583D3E4 770536B8 4F017E70 E6FBF176 601A0266 941A17B0 C8B97F4E 74C2C1FF
  C7278919 777940C1 E1FF1D8D A637D6B9 9DDAFE5E 17611002 E2C778C1 BE8B41D9 6379A513 60D977FD
  4435A11C 30942E4B FFFFFFFF FFFFFFFF`;

describe('RFC 7919 primes', () => {
  for (const group of FFDHE_GROUPS) {
    it(`${group.name}: equals 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1, computed from e`, () => {
      const b = group.bits;
      const x = RFC_X.get(group.id)!;
      const expected = (1n << BigInt(b)) - (1n << BigInt(b - 64)) + (floorTwoPowTimesE(b - 130) + x) * (1n << 64n) - 1n;
      assert.equal(toBig(group.p), expected);
      assert.equal(group.p.length, b / 8);
      assert.equal(bitLength(group.p), b);
      const ones = (1n << 64n) - 1n;
      assert.equal(expected >> BigInt(b - 64), ones, 'top 64 bits are ones');
      assert.equal(expected & ones, ones, 'bottom 64 bits are ones');
      assert.deepEqual([...group.g], [2]);
    });
  }

  it('ffdhe2048: p and q = (p-1)/2 are both prime (a safe prime), and q matches the RFC', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const prime = toBig(group.p);
    const q = (prime - 1n) / 2n;
    assert.equal(hex(toBytes(q, 256)), FFDHE2048_Q.replace(/\s+/g, '').toLowerCase());
    assert.ok(checkPrimeSync(prime), 'p is prime');
    assert.ok(checkPrimeSync(q), 'q is prime');
  });

  // The openssl command is a test dependency (.ci/run installs it): without it this fails, not skips.
  it('every prime matches the copy built into OpenSSL (openssl genpkey group:ffdheNNNN)', () => {
    for (const group of FFDHE_GROUPS) {
      const pem = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${group.name}`], {
        encoding: 'utf8',
      });
      // DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER }, with a 2-byte long-form length each.
      const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      const length = der.readUInt16BE(6);
      const prime = stripLeadingZeros(der.subarray(8, 8 + length));
      assert.equal(hex(prime), hex(group.p), group.name);
    }
  });
});

describe('RFC 7919 groups in the group table', () => {
  it('each has GroupInfo with the prime length as publicLength, and parseGroupList knows its name', () => {
    for (const group of FFDHE_GROUPS) {
      const info = groupInfo(group.id)!;
      assert.equal(info.name, group.name);
      assert.equal(info.kind, 'ffdhe');
      assert.equal(info.publicLength, group.p.length);
      assert.deepEqual(parseGroupList(group.name.toUpperCase()), [group.id]);
    }
    assert.deepEqual(parseGroupList('X25519:ffdhe2048:ffdhe4096'), [NamedGroup.x25519, NamedGroup.ffdhe2048, NamedGroup.ffdhe4096]);
    assert.ok(GROUPS.filter((g) => g.kind === 'ecdhe').every((g) => g.id < 0x100));
  });

  it('none is offered by default (cost), and "auto" does not add them', () => {
    for (const group of FFDHE_GROUPS) {
      assert.ok(!DEFAULT_GROUPS.includes(group.id));
      assert.ok(!parseGroupList('auto').includes(group.id));
    }
  });

  it('ffdheGroupByParams recognises a group with or without leading zeros, and only with g = 2', () => {
    const group = ffdheGroup(NamedGroup.ffdhe3072)!;
    assert.equal(ffdheGroupByParams(group.p, Uint8Array.of(2)), group);
    assert.equal(ffdheGroupByParams(Uint8Array.of(0, ...group.p), Uint8Array.of(0, 2)), group);
    assert.equal(ffdheGroupByParams(group.p, Uint8Array.of(5)), undefined);
    const other = group.p.slice();
    other[100]! ^= 1;
    assert.equal(ffdheGroupByParams(other, Uint8Array.of(2)), undefined);
  });
});

describe('ffdhe key shares (TLS 1.3)', () => {
  for (const group of FFDHE_GROUPS) {
    it(`${group.name}: both sides agree on a value padded to ${group.p.length} bytes`, () => {
      assert.ok(p.supportsGroup(group.id));
      const a = p.generateKeyShare(group.id)!;
      const b = p.generateKeyShare(group.id)!;
      assert.equal(a.group, group.id);
      assert.equal(a.publicKey.length, group.p.length);
      assert.ok(dhValueInRange(a.publicKey, group.p));
      const ab = a.agree(b.publicKey);
      assert.equal(ab.length, group.p.length);
      assert.equal(hex(ab), hex(b.agree(a.publicKey)));
    });
  }

  it('agrees with a party made directly with node:crypto, whose public value may come unpadded', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const share = p.generateKeyShare(group.id)!;
    const other = createDiffieHellman(Buffer.from(group.p), 2);
    const theirs = other.generateKeys();
    const expected = other.computeSecret(Buffer.from(share.publicKey));
    assert.equal(hex(share.agree(leftPad(theirs, group.p.length)!)), hex(leftPad(expected, group.p.length)!));
  });

  it('keeps leading zero bytes of the shared secret (RFC 8446 §7.4.1)', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const exponent = (i: number) => toBytes(BigInt(i) * 0x1000003n + (1n << 240n), 32);
    const a = p.keyShareFromPrivate(group.id, exponent(1))!;
    let found = false;
    for (let i = 2; i < 3000 && !found; i++) {
      const b = p.keyShareFromPrivate(group.id, exponent(i))!;
      const secret = a.agree(b.publicKey);
      assert.equal(secret.length, group.p.length);
      if (secret[0] === 0) {
        found = true;
        assert.equal(hex(b.agree(a.publicKey)), hex(secret));
      }
    }
    assert.ok(found, 'some pair of exponents gives a secret with a leading zero byte');
  });

  it('keyShareFromPrivate: the public value is g^x mod p for the given exponent', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const x = Uint8Array.of(0x01, 0x00); // 256: g^x = 2^256, small enough to write down
    const share = p.keyShareFromPrivate(group.id, x)!;
    assert.equal(toBig(share.publicKey), 1n << 256n);
    assert.equal(share.publicKey.length, group.p.length);
  });

  it('rejects 0, 1, p-1, p, values above p and wrong lengths with illegal_parameter (RFC 7919 §5.1)', () => {
    for (const group of FFDHE_GROUPS) {
      const share = p.generateKeyShare(group.id)!;
      const prime = toBig(group.p);
      const n = group.p.length;
      const bad = [0n, 1n, prime - 1n, prime, prime + 1n, (1n << BigInt(group.bits)) - 1n].map((v) => toBytes(v, n));
      for (const value of bad) assert.throws(() => share.agree(value), isIllegalParameter, `${group.name} ${hex(value).slice(-8)}`);
      assert.throws(() => share.agree(toBytes(2n, n - 1)), isIllegalParameter);
      assert.throws(() => share.agree(toBytes(2n, n + 1)), isIllegalParameter);
      assert.throws(() => share.agree(new Uint8Array(0)), isIllegalParameter);
      // 2 and p-2 are in range (2 generates the prime-order subgroup).
      assert.equal(share.agree(toBytes(2n, n)).length, n);
      assert.equal(share.agree(toBytes(prime - 2n, n)).length, n);
    }
  });

  it('the deterministic provider derives reproducible ffdhe shares from a seed', () => {
    for (const group of FFDHE_GROUPS) {
      const a = createDeterministicProvider({ seed: 'ffdhe' }).generateKeyShare(group.id)!;
      const b = createDeterministicProvider({ seed: 'ffdhe' }).generateKeyShare(group.id)!;
      assert.equal(hex(a.publicKey), hex(b.publicKey));
      const peer = p.generateKeyShare(group.id)!;
      assert.equal(hex(a.agree(peer.publicKey)), hex(peer.agree(b.publicKey)));
    }
  });
});

describe('DH value helpers', () => {
  const group: FfdheGroup = ffdheGroup(NamedGroup.ffdhe2048)!;
  const prime = toBig(group.p);

  it('dhValueInRange is exactly 1 < y < p-1, for any encoding length', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 2049n) - 1n }), fc.integer({ min: 0, max: 3 }), (y, extra) => {
        const length = Math.max(1, Math.ceil(y.toString(16).length / 2)) + extra;
        assert.equal(dhValueInRange(toBytes(y, length), group.p), y > 1n && y < prime - 1n);
      }),
      { numRuns: 300 },
    );
    for (const y of [0n, 1n, 2n, prime - 2n, prime - 1n, prime]) {
      assert.equal(dhValueInRange(toBytes(y, 256), group.p), y > 1n && y < prime - 1n, String(y));
    }
    assert.equal(dhValueInRange(Uint8Array.of(5), Uint8Array.of(8)), false, 'even modulus');
  });

  it('does not modify its arguments, Buffers included (Buffer#slice is a view)', () => {
    const modulus = Buffer.from(group.p);
    const before = hex(modulus);
    for (let i = 0; i < 3; i++) dhValueInRange(Buffer.from([7]), modulus);
    assert.equal(hex(modulus), before);
  });

  it('compareUnsigned, bitLength, leftPad and stripLeadingZeros agree with BigInt', () => {
    const bytes = fc.uint8Array({ maxLength: 40 });
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const x = toBig(a);
        const y = toBig(b);
        assert.equal(compareUnsigned(a, b), x < y ? -1 : x > y ? 1 : 0);
        assert.equal(bitLength(a), x === 0n ? 0 : x.toString(2).length);
        assert.equal(toBig(stripLeadingZeros(a)), x);
        const padded = leftPad(a, 32);
        if (stripLeadingZeros(a).length > 32) assert.equal(padded, undefined);
        else {
          assert.equal(padded!.length, 32);
          assert.equal(toBig(padded!), x);
        }
      }),
    );
  });
});
