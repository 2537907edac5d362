import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import fc from 'fast-check';
import { matchesHostname, normalizeHostname, parseIpAddress } from '../../src/pki/hostname.js';
import { issueCertificate, parse } from '../helpers/pki.js';

/** A real certificate (so names go through Node's SAN rendering) with these SANs. */
const certFor = (dnsNames: string[], ips: string[] = [], commonName?: string) =>
  parse(issueCertificate({ dnsNames, ips, ...(commonName === undefined ? {} : { commonName }) }));

describe('DNS names', () => {
  const wildcard = certFor(['*.example.com']);

  test('wildcard matches one label', () => {
    assert.equal(matchesHostname(wildcard, 'www.example.com'), true);
    assert.equal(matchesHostname(wildcard, 'xn--bcher-kva.example.com'), true);
  });

  test('wildcard does not match two labels', () => {
    assert.equal(matchesHostname(wildcard, 'a.b.example.com'), false);
  });

  test('wildcard does not match the bare domain', () => {
    assert.equal(matchesHostname(wildcard, 'example.com'), false);
    assert.equal(matchesHostname(wildcard, '.example.com'), false);
  });

  test('no partial-label wildcard', () => {
    const cert = certFor(['f*.example.com', '*oo.example.org', 'w*w.example.net', 'www.*.example.edu', '**.example.io']);
    for (const host of ['foo.example.com', 'foo.example.org', 'www.example.net', 'www.a.example.edu', 'ab.example.io']) {
      assert.equal(matchesHostname(cert, host), false, host);
    }
  });

  test('wildcard needs two labels after it', () => {
    const cert = certFor(['*.com', '*']);
    for (const host of ['example.com', 'localhost', 'com']) assert.equal(matchesHostname(cert, host), false, host);
  });

  test('case-insensitive', () => {
    assert.equal(matchesHostname(certFor(['WWW.Example.COM']), 'www.example.com'), true);
    assert.equal(matchesHostname(certFor(['www.example.com']), 'WwW.EXAMPLE.com'), true);
    assert.equal(matchesHostname(certFor(['*.EXAMPLE.com']), 'Mail.example.COM'), true);
  });

  test('trailing dot', () => {
    const cert = certFor(['www.example.com']);
    assert.equal(matchesHostname(cert, 'www.example.com.'), true);
    assert.equal(matchesHostname(certFor(['www.example.com.']), 'www.example.com'), true);
    assert.equal(matchesHostname(cert, 'www.example.com..'), false);
    assert.equal(matchesHostname(wildcard, 'www.example.com.'), true);
  });

  test('no CN fallback', () => {
    assert.equal(matchesHostname(certFor([], [], 'example.com'), 'example.com'), false);
    assert.equal(matchesHostname(certFor(['other.example'], [], 'example.com'), 'example.com'), false);
  });

  test('IDN compared in A-label form', () => {
    const cert = certFor(['xn--bcher-kva.example']);
    assert.equal(matchesHostname(cert, 'bücher.example'), true);
    assert.equal(matchesHostname(cert, 'BÜCHER.example'), true);
    assert.equal(matchesHostname(cert, 'xn--bcher-kva.example'), true);
    assert.equal(matchesHostname(cert, 'bucher.example'), false);
    assert.equal(normalizeHostname('bücher.example.'), 'xn--bcher-kva.example');
  });

  test('refuses names that are not host names', () => {
    const cert = certFor(['example.com', '*.example.com']);
    for (const host of ['', '.', 'a..example.com', 'ex ample.com', 'example.com/x', 'user@example.com', '*.example.com', 'é/@x.example.com']) {
      assert.equal(matchesHostname(cert, host), false, JSON.stringify(host));
    }
  });

  test('agrees with node:tls checkServerIdentity on full-label names and wildcards', () => {
    const label = fc.constantFrom('a', 'b', 'www', 'example', 'com');
    const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
    const randomCase = (s: string, flips: boolean[]) => [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');
    const host = fc.tuple(name, fc.array(fc.boolean(), { minLength: 1 }), fc.boolean()).map(([n, flips, dot]) => randomCase(n, flips) + (dot ? '.' : ''));
    const pattern = fc.tuple(name, fc.boolean()).map(([n, wild]) => (wild ? `*.${n}` : n));
    fc.assert(
      fc.property(host, fc.array(pattern, { minLength: 1, maxLength: 3 }), (h, patterns) => {
        const stub = { dnsNames: patterns, ipAddresses: [] };
        const peer = { subject: {}, subjectaltname: patterns.map((p) => `DNS:${p}`).join(', ') } as unknown as PeerCertificate;
        assert.equal(matchesHostname(stub, h), checkServerIdentity(h, peer) === undefined, `${h} vs ${patterns.join(', ')}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IP addresses', () => {
  test('IP only matches iPAddress SAN', () => {
    const dnsOnly = certFor(['127.0.0.1', '::1']);
    assert.equal(matchesHostname(dnsOnly, '127.0.0.1'), false);
    assert.equal(matchesHostname(dnsOnly, '::1'), false);
    const ipOnly = certFor([], ['10.0.0.1']);
    assert.equal(matchesHostname(ipOnly, '10.0.0.1'), true);
    assert.equal(matchesHostname(ipOnly, '10.0.0.1.'), false);
    assert.equal(matchesHostname(ipOnly, '10.0.0.2'), false);
    assert.equal(matchesHostname(ipOnly, '::ffff:10.0.0.1'), false);
  });

  test('IPv6 normalised', () => {
    const cert = certFor([], ['2001:db8::a:1', '::ffff:192.0.2.1']);
    assert.deepEqual(cert.ipAddresses, ['2001:DB8:0:0:0:0:A:1', '0:0:0:0:0:FFFF:C000:201']);
    for (const host of ['2001:db8::a:1', '2001:DB8:0:0:0:0:a:1', '2001:0db8:0000::000a:0001', '[2001:db8::a:1]', '::ffff:c000:201', '::ffff:192.0.2.1']) {
      assert.equal(matchesHostname(cert, host), true, host);
    }
    assert.equal(matchesHostname(cert, '2001:db8::a:2'), false);
    assert.equal(matchesHostname(cert, '192.0.2.1'), false);
  });

  test('parseIpAddress accepts RFC 4291 text forms and nothing else', () => {
    assert.deepEqual(parseIpAddress('192.0.2.255'), Uint8Array.from([192, 0, 2, 255]));
    assert.deepEqual(parseIpAddress('::'), new Uint8Array(16));
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', '1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::1', '::1.2.3', '[::1', 'localhost', '']) {
      assert.equal(parseIpAddress(bad), undefined, bad);
    }
  });

  test('parseIpAddress reads back every IPv6 address in full and compressed form', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        const bytes = parseIpAddress(full);
        assert.ok(bytes);
        // node:url's serializer compresses the longest zero run (RFC 5952).
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        assert.deepEqual(parseIpAddress(compressed), bytes);
        assert.deepEqual([...bytes].length, 16);
      }),
    );
  });
});
