// Certificate validation cost: `node --import tsx bench/pki.ts [--quick]`.
//
// A leaf ← intermediate ← root chain validated against a store of Node's bundled roots plus our
// root, as our client validates a server it has met before (certificates parsed and signatures
// checked once, then cached), and cold: a chain never seen, with parsing and signature checks.
// Prints the median in µs of batches of validations.
import { createNodeProvider, nodeProvider } from '../src/crypto/node.js';
import type { CryptoProvider } from '../src/crypto/provider.js';
import { type KeyType, generatePki, nodeRootTrustStore } from '../src/node/certs.js';
import { certificateInfo, parseCertificateInfo } from '../src/pki/certificate.js';
import { buildPath, verifyCertificate } from '../src/pki/chain.js';
import type { TrustStore } from '../src/pki/roots.js';

const quick = process.argv.includes('--quick');
const BATCHES = quick ? 40 : 200;
const PER_BATCH = quick ? 50 : 100;
const COLD_CHAINS = quick ? 10 : 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median µs per call of `fn`, over batches (one batch's mean each), after a warm-up. */
function measure(fn: () => void): number {
  for (let i = 0; i < PER_BATCH * 10; i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const started = performance.now();
    for (let i = 0; i < PER_BATCH; i++) fn();
    batches.push(((performance.now() - started) * 1000) / PER_BATCH);
  }
  return median(batches);
}

const row = (label: string, us: number) => console.log(`${label.padEnd(58)} ${us.toFixed(1).padStart(9)} µs`);

function chainFor(keyType: KeyType) {
  const pki = generatePki({ caKeyType: keyType, leafKeyType: keyType });
  return { pki, chain: [pki.leaf.der, pki.intermediate.der] };
}

function warm(keyType: KeyType, store: (extra: Uint8Array) => TrustStore): void {
  const { pki, chain } = chainFor(keyType);
  const trust = store(pki.root.der);
  const time = Date.now();
  const check = { chain, trust, hostname: 'localhost', time, provider: nodeProvider, purpose: 'server' as const };
  verifyCertificate(check);
  row(`${keyType}: verifyCertificate (handshake entry, cached)`, measure(() => verifyCertificate(check)));
  const [leaf, intermediate] = chain.map((der) => nodeProvider.parseCertificate(der));
  const options = { leaf: leaf!, pool: [intermediate!], trust, time, purpose: 'server' as const, provider: nodeProvider };
  row(`${keyType}: buildPath on parsed certificates`, measure(() => buildPath(options)));
}

function cold(keyType: KeyType, roots: TrustStore): void {
  const chains = Array.from({ length: COLD_CHAINS }, () => chainFor(keyType));
  // Anchors are parsed once per process; what a new server brings is its leaf and intermediate.
  const anchors = chains.map(({ pki }) => nodeProvider.parseCertificate(pki.root.der));
  for (const anchor of anchors) certificateInfo(anchor);
  const trust = roots.with(anchors);
  const samples: number[] = [];
  const parses: number[] = [];
  for (const { pki, chain } of chains) {
    // A fresh provider has an empty certificate cache, so the chain is parsed and checked anew.
    const provider: CryptoProvider = createNodeProvider();
    let started = performance.now();
    verifyCertificate({ chain, trust, hostname: 'localhost', time: Date.now(), provider, purpose: 'server' });
    samples.push((performance.now() - started) * 1000);
    started = performance.now();
    parseCertificateInfo(pki.intermediate.der);
    parses.push((performance.now() - started) * 1000);
  }
  row(`${keyType}: first validation of a new chain (parse + signatures)`, median(samples));
  row(`${keyType}: parseCertificateInfo, one certificate`, median(parses));
}

const roots = nodeRootTrustStore(nodeProvider);
console.log(`# certificate validation, store of ${roots.size + 1} anchors (Node's roots + ours); median of ${BATCHES} batches × ${PER_BATCH}`);
for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
  warm(keyType, (root) => roots.with([nodeProvider.parseCertificate(root)]));
  cold(keyType, roots);
}
