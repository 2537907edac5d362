// Trust anchors (RFC 5280 §6.1.1 (d)): a subject name and a public key we accept without proof.
// We keep them as whole certificates because that is what node:tls's `ca` and
// `tls.rootCertificates` hold; a path is anchored by subject name and key (SPKI) alone, and the
// CA rules of policy.ts then hold the anchor to its own extensions.
//
// Caching: parsing Node's ~150 bundled roots costs ≈ 30 ms, so a store must be built once per
// process and reused. The core keeps no global state (DESIGN.md §1), so that cache lives in the
// Node adapter (`nodeRootTrustStore()` in src/node/certs.ts); this module never caches.
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import { type CertificateInfo, certificateInfo, sameBytes } from './certificate.js';
import { pemToDer } from './pem.js';

/** The policy view, or undefined for an anchor whose extensions do not parse (it then anchors nothing). */
function infoOrUndefined(cert: ParsedCertificate): CertificateInfo | undefined {
  try {
    return certificateInfo(cert);
  } catch {
    return undefined;
  }
}

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

  /** This store's anchors and `more` (node's NODE_EXTRA_CA_CERTS idea: add to the roots, keep them). */
  with(more: Iterable<ParsedCertificate>): TrustStore {
    return new TrustStore([...this.anchors, ...more]);
  }

  get size(): number {
    return this.anchors.length;
  }

  /** Anchors whose subject is `cert`'s issuer name: candidates to check its signature with. */
  issuersOf(cert: ParsedCertificate): readonly ParsedCertificate[] {
    return this.bySubject.get(cert.issuer) ?? [];
  }

  /**
   * The anchor `cert` stands for, if any: the same subject name and public key (RFC 5280 §6.1.1 (d):
   * an anchor is a name and a key). A re-issued or cross-signed copy of a root anchors as well as
   * the root; a certificate that merely has a root's name does not.
   */
  anchorFor(cert: ParsedCertificate): ParsedCertificate | undefined {
    const exact = this.byFingerprint.get(cert.fingerprint256);
    if (exact) return exact;
    const named = this.bySubject.get(cert.subject);
    if (!named) return undefined;
    const info = infoOrUndefined(cert);
    if (!info) return undefined;
    return named.find((anchor) => {
      const a = infoOrUndefined(anchor);
      return a !== undefined && sameBytes(a.subjectDer, info.subjectDer) && sameBytes(a.spki, info.spki);
    });
  }
}
