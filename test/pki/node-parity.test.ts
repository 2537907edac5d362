// The same chains through node:tls (OpenSSL) and through verifyServerCertificate: the error code
// and message must be the same, so code written against node:tls errors keeps working.
//
// Where they differ it is on purpose and listed below: node:tls's verify callback lets OpenSSL
// carry on past an error, so it can report a later one, while we stop at the first.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { connect, createServer } from 'node:tls';
import { TLSError } from '../../src/errors.js';
import { verifyServerCertificate } from '../../src/pki/chain.js';
import { derToPem } from '../../src/pki/pem.js';
import { type IssuedCertificate, cachedPki, generateSelfSigned, provider, tamperSignature, trustOf } from '../helpers/pki.js';

interface Outcome {
  code: string | undefined;
  message: string | undefined;
}

/** What node:tls says about `chain` served with `key`, trusting `ca`, connecting as `servername`. */
async function viaNode(chain: Uint8Array[], key: string, ca: IssuedCertificate, servername: string): Promise<Outcome> {
  const server = createServer({ cert: chain.map((d) => derToPem(d)).join(''), key }, (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername, ca: [ca.certPem] });
    const outcome = await new Promise<Outcome>((resolve) => {
      socket.once('secureConnect', () => resolve({ code: undefined, message: undefined }));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve({ code: err.code, message: err.message }));
    });
    socket.destroy();
    return outcome;
  } finally {
    server.close();
  }
}

function viaUs(chain: Uint8Array[], ca: IssuedCertificate, hostname: string): Outcome {
  try {
    verifyServerCertificate({ chain, trust: trustOf(ca), hostname, time: Date.now(), provider });
    return { code: undefined, message: undefined };
  } catch (err) {
    assert.ok(err instanceof TLSError);
    return { code: err.code, message: err.message };
  }
}

describe('agrees with node:tls', () => {
  const pki = cachedPki();
  const other = cachedPki({ leafDnsNames: ['other.example'] });
  const selfSigned = generateSelfSigned();
  interface Case {
    name: string;
    chain: Uint8Array[];
    key: string;
    ca: IssuedCertificate;
    host?: string;
    /** node:tls's code (undefined: accepted). */
    expected: string | undefined;
    /** Our code when it deliberately differs from node:tls's. */
    ours?: string;
  }
  const cases: Case[] = [
    { name: 'a valid chain', chain: [pki.leaf.der, pki.intermediate.der], key: pki.leafKeyPem, ca: pki.root, expected: undefined },
    { name: 'a chain carrying its root', chain: [pki.leaf.der, pki.intermediate.der, pki.root.der], key: pki.leafKeyPem, ca: pki.root, expected: undefined },
    { name: 'a trusted self-signed leaf', chain: [selfSigned.der], key: selfSigned.keyPem, ca: selfSigned, expected: undefined },
    {
      name: 'an unknown root',
      chain: [pki.leaf.der, pki.intermediate.der],
      key: pki.leafKeyPem,
      ca: other.root,
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    },
    { name: 'a self-signed leaf', chain: [selfSigned.der], key: selfSigned.keyPem, ca: pki.root, expected: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    {
      name: 'an untrusted root in the chain',
      chain: [pki.leaf.der, pki.intermediate.der, pki.root.der],
      key: pki.leafKeyPem,
      ca: other.root,
      expected: 'SELF_SIGNED_CERT_IN_CHAIN',
    },
    {
      name: 'a bad leaf signature',
      chain: [tamperSignature(pki.leaf.der), pki.intermediate.der],
      key: pki.leafKeyPem,
      ca: pki.root,
      expected: 'CERT_SIGNATURE_FAILURE',
    },
    { name: 'a missing intermediate', chain: [pki.leaf.der], key: pki.leafKeyPem, ca: pki.root, expected: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    { name: 'another host name', chain: [pki.leaf.der, pki.intermediate.der], key: pki.leafKeyPem, ca: pki.root, host: 'example.com', expected: 'ERR_TLS_CERT_ALTNAME_INVALID' },
  ];
  for (const [name, options, expected] of [
    ['an expired leaf', { leafValidity: 'expired' }, 'CERT_HAS_EXPIRED'],
    ['a not-yet-valid leaf', { leafValidity: 'not-yet-valid' }, 'CERT_NOT_YET_VALID'],
    ['an expired intermediate', { intermediateValidity: 'expired' }, 'CERT_HAS_EXPIRED'],
  ] as const) {
    const bad = cachedPki(options);
    cases.push({ name, chain: [bad.leaf.der, bad.intermediate.der], key: bad.leafKeyPem, ca: bad.root, expected });
  }
  // OpenSSL first flags INVALID_CA, then the failed CA purpose check, and node:tls keeps the last.
  const notCA = cachedPki({ intermediateIsCA: false });
  cases.push({
    name: 'an intermediate without the CA flag',
    chain: [notCA.leaf.der, notCA.intermediate.der],
    key: notCA.leafKeyPem,
    ca: notCA.root,
    expected: 'INVALID_PURPOSE',
    ours: 'INVALID_CA',
  });
  // The leaf is cA false and its keyUsage lacks keyCertSign; node:tls ends with X509_V_ERR_UNSPECIFIED.
  // We name the first problem: basicConstraints (RFC 5280 §6.1.4 (k)) is checked before keyUsage ((n)).
  const leafAsCA = cachedPki({ leafAsIssuer: true });
  cases.push({
    name: 'a leaf used as a CA',
    chain: [leafAsCA.leafIssuedByLeaf!.der, leafAsCA.leaf.der, leafAsCA.intermediate.der],
    key: leafAsCA.leafIssuedByLeaf!.keyPem,
    ca: leafAsCA.root,
    expected: 'UNSPECIFIED',
    ours: 'INVALID_CA',
  });

  for (const c of cases) {
    const title = c.ours ? `${c.name}: node:tls ${c.expected}, ours ${c.ours}` : `${c.name}: ${c.expected ?? 'accepted'}`;
    test(title, async () => {
      const host = c.host ?? 'localhost';
      const node = await viaNode(c.chain, c.key, c.ca, host);
      const ours = viaUs(c.chain, c.ca, host);
      assert.equal(node.code, c.expected);
      if (c.ours) assert.equal(ours.code, c.ours);
      else assert.deepEqual(ours, node);
    });
  }
});
