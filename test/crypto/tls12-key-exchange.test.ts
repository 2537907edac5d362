import assert from 'node:assert/strict';
import { createDiffieHellman, getDiffieHellman } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FFDHE_GROUPS, ffdheGroup, leftPad, stripLeadingZeros } from '../../src/crypto/ffdhe.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { TLSError } from '../../src/errors.js';
import {
  DHE_MAX_PRIME_BITS,
  DHE_MIN_PRIME_BITS,
  clientDhe,
  ecdhePremaster,
  serverDheParams,
  serverDhePremaster,
  type ServerDhParams,
} from '../../src/tls12/key-exchange.js';
import { AlertDescription, NamedGroup } from '../../src/wire/codes.js';

const p = nodeProvider;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const toBig = (b: Uint8Array) => (b.length ? BigInt('0x' + hex(b)) : 0n);
const toBytes = (n: bigint, length: number) => Uint8Array.from(Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex'));
const alertOf = (alert: AlertDescription) => (e: unknown) => e instanceof TLSError && e.alert === alert;

/** The node provider, counting primality tests. */
function counting(): { provider: CryptoProvider; primeChecks: () => number } {
  let checks = 0;
  const provider: CryptoProvider = {
    ...p,
    isProbablePrime(n) {
      checks++;
      return p.isProbablePrime(n);
    },
  };
  return { provider, primeChecks: () => checks };
}

/** A server holding a DH key over (prime, generator), as node:crypto makes one. */
function customServer(prime: Uint8Array, generator: number | Uint8Array) {
  const dh = createDiffieHellman(Buffer.from(prime), typeof generator === 'number' ? generator : Buffer.from(generator));
  const Ys = dh.generateKeys();
  const params: ServerDhParams = { p: prime, g: typeof generator === 'number' ? Uint8Array.of(generator) : generator, Ys };
  return { params, premasterFor: (Yc: Uint8Array) => stripLeadingZeros(dh.computeSecret(Buffer.from(Yc))) };
}

// RFC 3526 MODP groups: primes node:crypto ships that are not RFC 7919 groups.
const modp = (name: string) => Uint8Array.from(getDiffieHellman(name).getPrime());
const MODP14 = modp('modp14'); // 2048 bits
const MODP2 = modp('modp2'); // 1024 bits
const MODP18 = modp('modp18'); // 8192 bits

describe('TLS 1.2 DHE, client side: the server chose p and g', () => {
  for (const group of FFDHE_GROUPS) {
    it(`${group.name} is recognised and accepted without a primality test; both sides agree`, () => {
      const { provider, primeChecks } = counting();
      const share = p.generateKeyShare(group.id)!;
      const result = clientDhe(provider, serverDheParams(share));
      assert.equal(primeChecks(), 0);
      assert.equal(result.group, group.id);
      assert.equal(result.primeBits, group.bits);
      assert.equal(result.publicKey.length, group.p.length);
      assert.equal(hex(result.premaster), hex(serverDhePremaster(share, result.publicKey)));
      assert.notEqual(result.premaster[0], 0);
    });
  }

  it('a custom 2048-bit prime is accepted after a primality test, and both sides agree', () => {
    const { provider, primeChecks } = counting();
    const server = customServer(MODP14, 2);
    const result = clientDhe(provider, server.params);
    assert.equal(primeChecks(), 1);
    assert.equal(result.group, undefined);
    assert.equal(result.primeBits, 2048);
    assert.equal(result.publicKey.length, 256);
    assert.equal(hex(result.premaster), hex(server.premasterFor(result.publicKey)));
  });

  it('an RFC 7919 prime with another generator is a custom group (tested, then used)', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const { provider, primeChecks } = counting();
    const server = customServer(group.p, 5);
    const result = clientDhe(provider, server.params);
    assert.equal(primeChecks(), 1);
    assert.equal(result.group, undefined);
    assert.equal(hex(result.premaster), hex(server.premasterFor(result.publicKey)));
  });

  it('a generator too large for a key object still works (the createDiffieHellman path)', () => {
    const big = toBytes(toBig(MODP14) - 5n, 256);
    const server = customServer(MODP14, big);
    const result = clientDhe(p, server.params);
    assert.equal(hex(result.premaster), hex(server.premasterFor(result.publicKey)));
  });

  it('leading zero bytes on p, g and Ys are ignored', () => {
    const server = customServer(MODP14, 2);
    const padded = { p: Uint8Array.of(0, 0, ...MODP14), g: Uint8Array.of(0, 2), Ys: Uint8Array.of(0, ...server.params.Ys) };
    const result = clientDhe(p, padded);
    assert.equal(hex(result.premaster), hex(server.premasterFor(result.publicKey)));
  });

  it(`refuses a prime under ${DHE_MIN_PRIME_BITS} bits with insufficient_security, without testing it`, () => {
    const { provider, primeChecks } = counting();
    assert.throws(() => clientDhe(provider, customServer(MODP2, 2).params), alertOf(AlertDescription.insufficient_security));
    assert.equal(primeChecks(), 0);
  });

  it(`refuses a prime over ${DHE_MAX_PRIME_BITS} bits, whose test would cost seconds`, () => {
    const { provider, primeChecks } = counting();
    const params = { p: MODP18, g: Uint8Array.of(2), Ys: Uint8Array.of(4) };
    assert.throws(() => clientDhe(provider, params), alertOf(AlertDescription.insufficient_security));
    assert.equal(primeChecks(), 0);
  });

  it('refuses a composite modulus with insufficient_security', () => {
    const square = toBig(MODP2) ** 2n; // odd, 2048 bits, and certainly not prime
    const composite = toBytes(square, 256);
    assert.equal(composite[0]! >= 0x80, true);
    const { provider, primeChecks } = counting();
    assert.throws(() => clientDhe(provider, { p: composite, g: Uint8Array.of(2), Ys: Uint8Array.of(4) }), alertOf(AlertDescription.insufficient_security));
    assert.equal(primeChecks(), 1);
    const even = MODP14.slice();
    even[255]! ^= 1;
    assert.throws(() => clientDhe(provider, { p: even, g: Uint8Array.of(2), Ys: Uint8Array.of(4) }), alertOf(AlertDescription.insufficient_security));
    assert.equal(primeChecks(), 1, 'an even modulus needs no test');
  });

  it('refuses g outside 1 < g < p-1 with illegal_parameter', () => {
    const prime = toBig(MODP14);
    for (const g of [0n, 1n, prime - 1n, prime, prime + 1n]) {
      const { provider, primeChecks } = counting();
      const params = { p: MODP14, g: toBytes(g, 257), Ys: Uint8Array.of(4) };
      assert.throws(() => clientDhe(provider, params), alertOf(AlertDescription.illegal_parameter), String(g));
      assert.equal(primeChecks(), 0);
    }
  });

  it('refuses Ys outside 1 < Ys < p-1 with handshake_failure (RFC 7919 §3), known group or not', () => {
    for (const prime of [FFDHE_GROUPS[0]!.p, MODP14]) {
      const P = toBig(prime);
      for (const y of [0n, 1n, P - 1n, P, P + 1n, (1n << 2048n) - 1n]) {
        const { provider, primeChecks } = counting();
        const params = { p: prime, g: Uint8Array.of(2), Ys: toBytes(y, 257) };
        assert.throws(() => clientDhe(provider, params), alertOf(AlertDescription.handshake_failure), String(y));
        assert.equal(primeChecks(), 0, 'the cheap checks come before the primality test');
      }
      assert.throws(() => clientDhe(p, { p: prime, g: Uint8Array.of(2), Ys: new Uint8Array(0) }), alertOf(AlertDescription.handshake_failure));
    }
  });

  it('the provider itself refuses an out-of-range peer value with illegal_parameter', () => {
    assert.throws(() => p.dhAgreeWithParams(MODP14, Uint8Array.of(2), Uint8Array.of(1)), alertOf(AlertDescription.illegal_parameter));
  });

  it('the premaster never starts with a zero byte, and matches the server (property)', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const share = p.keyShareFromPrivate(group.id, toBytes(BigInt(seed) + (1n << 230n), 32))!;
        const result = clientDhe(p, serverDheParams(share));
        assert.notEqual(result.premaster[0], 0);
        assert.equal(hex(result.premaster), hex(serverDhePremaster(share, result.publicKey)));
      }),
      { numRuns: 25 },
    );
  });
});

describe('TLS 1.2 DHE, server side: an RFC 7919 group from supported_groups', () => {
  it('serverDheParams carries the group prime, g = 2 and Ys padded to |p|', () => {
    for (const group of FFDHE_GROUPS) {
      const share = p.generateKeyShare(group.id)!;
      const params = serverDheParams(share);
      assert.equal(hex(params.p), hex(group.p));
      assert.deepEqual([...params.g], [2]);
      assert.equal(params.Ys.length, group.p.length);
    }
    assert.throws(() => serverDheParams(p.generateKeyShare(NamedGroup.x25519)!), alertOf(AlertDescription.internal_error));
  });

  it('strips the leading zeros that TLS 1.3 keeps (RFC 5246 §8.1.2 vs RFC 8446 §7.4.1)', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const exponent = (i: number) => toBytes(BigInt(i) * 0x1000003n + (1n << 240n), 32);
    const server = p.keyShareFromPrivate(group.id, exponent(1))!;
    for (let i = 2; i < 3000; i++) {
      const client = p.keyShareFromPrivate(group.id, exponent(i))!;
      const tls13 = server.agree(client.publicKey);
      if (tls13[0] !== 0) continue;
      const tls12 = serverDhePremaster(server, client.publicKey);
      assert.equal(tls13.length, 256);
      assert.equal(hex(tls12), hex(stripLeadingZeros(tls13)));
      assert.ok(tls12.length < 256);
      return;
    }
    assert.fail('no pair of exponents gave a secret with a leading zero byte');
  });

  it('accepts dh_Yc without its leading zeros, refuses an out-of-range one with handshake_failure', () => {
    const group = ffdheGroup(NamedGroup.ffdhe2048)!;
    const server = p.generateKeyShare(group.id)!;
    const client = createDiffieHellman(Buffer.from(group.p), 2);
    const Yc = stripLeadingZeros(client.generateKeys());
    const expected = stripLeadingZeros(client.computeSecret(Buffer.from(server.publicKey)));
    assert.equal(hex(serverDhePremaster(server, Yc)), hex(expected));
    assert.equal(hex(serverDhePremaster(server, Uint8Array.of(0, 0, ...leftPad(Yc, 256)!))), hex(expected));
    const P = toBig(group.p);
    for (const y of [0n, 1n, P - 1n, P, 1n << 2048n]) {
      assert.throws(() => serverDhePremaster(server, toBytes(y, 257)), alertOf(AlertDescription.handshake_failure), String(y));
    }
  });
});

describe('TLS 1.2 ECDHE: KeyShare.agree is the premaster (RFC 8422 §5.10, §5.11)', () => {
  const scalar = (i: number, length: number) => toBytes(BigInt(i), length);
  const curves = [
    { group: NamedGroup.secp256r1, length: 32 },
    { group: NamedGroup.secp384r1, length: 48 },
  ];

  for (const { group, length } of curves) {
    it(`${group === NamedGroup.secp256r1 ? 'P-256' : 'P-384'}: the x-coordinate of the shared point, ${length} bytes`, () => {
      // Scalar 1 makes the public key the base point G, so d·G's x-coordinate is known from d's key.
      const one = p.keyShareFromPrivate(group, scalar(1, length))!;
      const d = p.generateKeyShare(group)!;
      const premaster = ecdhePremaster(one, d.publicKey);
      assert.equal(hex(premaster), hex(d.publicKey.subarray(1, 1 + length)));
      assert.equal(hex(premaster), hex(ecdhePremaster(d, one.publicKey)));
    });

    it(`${group === NamedGroup.secp256r1 ? 'P-256' : 'P-384'}: leading zeros of x are kept ("MUST NOT be truncated")`, () => {
      const one = p.keyShareFromPrivate(group, scalar(1, length))!;
      for (let i = 2; i < 5000; i++) {
        const d = p.keyShareFromPrivate(group, scalar(i, length))!;
        if (d.publicKey[1] !== 0) continue;
        const premaster = ecdhePremaster(one, d.publicKey);
        assert.equal(premaster.length, length);
        assert.equal(premaster[0], 0);
        return;
      }
      assert.fail('no small scalar gave an x-coordinate with a leading zero byte');
    });
  }

  it('X25519: the 32-byte X25519 output; with the base point u = 9 it is the public key', () => {
    const base = new Uint8Array(32);
    base[0] = 9;
    const share = p.generateKeyShare(NamedGroup.x25519)!;
    assert.equal(hex(ecdhePremaster(share, base)), hex(share.publicKey));
    const peer = p.generateKeyShare(NamedGroup.x25519)!;
    const premaster = ecdhePremaster(share, peer.publicKey);
    assert.equal(premaster.length, 32);
    assert.equal(hex(premaster), hex(ecdhePremaster(peer, share.publicKey)));
  });

  it('an invalid point is illegal_parameter, as in TLS 1.3', () => {
    const share = p.generateKeyShare(NamedGroup.secp256r1)!;
    const notOnCurve = new Uint8Array(65);
    notOnCurve[0] = 4;
    notOnCurve[64] = 1;
    assert.throws(() => ecdhePremaster(share, notOnCurve), alertOf(AlertDescription.illegal_parameter));
    assert.throws(() => ecdhePremaster(p.generateKeyShare(NamedGroup.x25519)!, new Uint8Array(32)), alertOf(AlertDescription.illegal_parameter));
  });
});
