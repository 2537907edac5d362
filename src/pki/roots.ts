// Trust anchors (RFC 5280 §6.1.1 (d)): a subject name and a public key we accept without proof.
// We keep them as whole certificates because that is what node:tls's `ca` and
// `tls.rootCertificates` hold; only the subject and key are used to anchor a path.
//
// Caching: parsing Node's ~150 bundled roots costs ≈ 30 ms, so a store must be built once per
// process and reused. The core keeps no global state (DESIGN.md §1), so that cache lives in the
// Node adapter (`nodeRootTrustStore()` in src/node/certs.ts); this module never caches.
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import { pemToDer } from './pem.js';

export class TrustStore {
  readonly anchors: readonly ParsedCertificate[];
  private readonly bySubject = new Map<string, ParsedCertificate[]>();
  private readonly byFingerprint = new Map<string, ParsedCertificate>();

  constructor(anchors: Iterable<ParsedCertificate>) {
    const list: ParsedCertificate[] = [];
    for (const anchor of anchors) {
      if (this.byFingerprint.has(anchor.fingerprint256)) continue;
      this.byFingerprint.set(anchor.fingerprint256, anchor);
      const same = this.bySubject.get(anchor.subject);
      if (same) same.push(anchor);
      else this.bySubject.set(anchor.subject, [anchor]);
      list.push(anchor);
    }
    this.anchors = list;
  }

  /** Parses each DER certificate once. Throws (a configuration error) if one does not parse. */
  static fromDer(ders: Iterable<Uint8Array>, provider: CryptoProvider): TrustStore {
    const parsed: ParsedCertificate[] = [];
    let index = 0;
    for (const der of ders) {
      try {
        parsed.push(provider.parseCertificate(der));
      } catch (cause) {
        throw new Error(`trust anchor ${index} is not a valid certificate`, { cause });
      }
      index++;
    }
    return new TrustStore(parsed);
  }

  /** Each string may hold several CERTIFICATE blocks (a CA bundle). */
  static fromPem(pems: readonly string[], provider: CryptoProvider): TrustStore {
    return TrustStore.fromDer(
      pems.flatMap((pem) => pemToDer(pem)),
      provider,
    );
  }

  get size(): number {
    return this.anchors.length;
  }

  /** Anchors whose subject is `cert`'s issuer name: candidates to check its signature with. */
  issuersOf(cert: ParsedCertificate): readonly ParsedCertificate[] {
    return this.bySubject.get(cert.issuer) ?? [];
  }

  /**
   * The anchor `cert` stands for, if any: the same DER, or the same subject and public key
   * (a re-issued or cross-signed copy of a root, which anchors a path just as well).
   */
  anchorFor(cert: ParsedCertificate): ParsedCertificate | undefined {
    const exact = this.byFingerprint.get(cert.fingerprint256);
    if (exact) return exact;
    const named = this.bySubject.get(cert.subject);
    if (!named) return undefined;
    // ParsedCertificate exposes no key bytes, so key equality is shown by signatures: a
    // self-signed anchor's signature verifies under `cert`'s key only if the keys are equal;
    // likewise a self-signed `cert` verifies under the anchor's key.
    return named.find(
      (anchor) =>
        (anchor.issuer === anchor.subject && anchor.verifySignedBy(cert)) ||
        (cert.issuer === cert.subject && cert.verifySignedBy(anchor)),
    );
  }
}
