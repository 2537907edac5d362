// 5. Certificate validation, no sockets: a leaf ← intermediate ← root chain (the server sends leaf
// and intermediate; the root is an anchor in a store of Node's bundled roots plus ours) validated
// through the verifier the handshake calls (createCertificateVerifier → verifyCertificate: path
// building, RFC 5280 policy, hostname). Two cases:
//   cached: a server met before, as our client sees it on every later handshake (certificates
//           parsed and signatures checked once, then cached by the provider and certificateInfo);
//   cold:   a chain never seen, with a fresh provider (empty certificate cache) and certificates
//           certificateInfo has not parsed: parsing plus two signature checks.
// Run as the `pki` group of bench/run.ts (`npm run bench -- pki`).
import { createNodeProvider, nodeProvider } from '../src/crypto/node.js';
import { type KeyType, generatePki } from '../src/node/certs.js';
import { certificateInfo, parseCertificateInfo } from '../src/pki/certificate.js';
import { buildPath, createCertificateVerifier } from '../src/pki/chain.js';
import type { TrustStore } from '../src/pki/roots.js';

export interface PkiTimings {
  /** µs per validation through the verifier entry, chain seen before: median of batch means. */
  cached: number;
  /** µs per buildPath on already-parsed certificates (the part of `cached` that is path validation). */
  buildPath: number;
  /** µs for the first validation of a new chain: median over `chains` chains. */
  cold: number;
  /** µs for parseCertificateInfo of one (intermediate) certificate, uncached: median over `chains`. */
  parseInfo: number;
  batches: number;
  chains: number;
}

const PER_BATCH = 100;
/** Never fewer batches than this, however short the window. */
const MIN_BATCHES = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median µs per call of `fn` over batches of PER_BATCH calls (each batch's mean) for about `ms`, after a warm-up. */
function measure(fn: () => void, ms: number): { us: number; batches: number } {
  for (let i = 0; i < PER_BATCH * 10; i++) fn();
  const batches: number[] = [];
  const end = performance.now() + ms;
  while (batches.length < MIN_BATCHES || performance.now() < end) {
    const started = performance.now();
    for (let i = 0; i < PER_BATCH; i++) fn();
    batches.push(((performance.now() - started) * 1000) / PER_BATCH);
  }
  return { us: median(batches), batches: batches.length };
}

/**
 * Validation costs for one key type (root, intermediate and leaf all `keyType`). `roots` is the
 * store the chain's own root is added to; `ms` is each cached measurement's window; `chains` is how
 * many never-seen chains the cold median is taken over.
 */
export function pkiValidation(keyType: KeyType, roots: TrustStore, ms: number, chains: number): PkiTimings {
  const base = generatePki({ caKeyType: keyType, leafKeyType: keyType });
  const anchor = nodeProvider.parseCertificate(base.root.der);
  // Anchors are parsed once per process, like Node's roots in nodeRootTrustStore.
  certificateInfo(anchor);
  const trust = roots.with([anchor]);
  const time = Date.now();

  // Cached: the same chain again and again, as the handshake hands it to its verifier.
  const chain = [base.leaf.der, base.intermediate.der];
  const verify = createCertificateVerifier(trust, nodeProvider);
  const check = { chain, hostname: 'localhost', time, purpose: 'server' as const };
  verify(check);
  const cached = measure(() => verify(check), ms);
  const [leaf, intermediate] = chain.map((der) => nodeProvider.parseCertificate(der));
  const options = { leaf: leaf!, pool: [intermediate!], trust, time, purpose: 'server' as const, provider: nodeProvider };
  const path = measure(() => buildPath(options), ms);

  // Cold: new leaf and intermediate certificates under the same root. Their keys are reused (an
  // RSA-2048 key takes this machine ~150 ms to generate, and what validation does with a key it
  // has not seen in a certificate does not depend on whether the key is new): the DER is new, so
  // parsing, key import and signature checks all happen again.
  const cold: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < chains; i++) {
    const pki = generatePki({
      caKeyType: keyType,
      leafKeyType: keyType,
      root: { keyFrom: base.root },
      intermediate: { keyFrom: base.intermediate },
      leaf: { keyFrom: base.leaf },
    });
    // A fresh provider has an empty certificate cache, so the chain is parsed and checked anew.
    const provider = createNodeProvider();
    const verifyNew = createCertificateVerifier(trust, provider);
    let started = performance.now();
    verifyNew({ chain: [pki.leaf.der, pki.intermediate.der], hostname: 'localhost', time, purpose: 'server' });
    cold.push((performance.now() - started) * 1000);
    started = performance.now();
    parseCertificateInfo(pki.intermediate.der);
    parses.push((performance.now() - started) * 1000);
  }
  return { cached: cached.us, buildPath: path.us, cold: median(cold), parseInfo: median(parses), batches: cached.batches, chains };
}
