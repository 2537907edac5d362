// Proof tokens (DESIGN §3.5). Only the verifying functions can mint them, and the traffic state
// requires them, so a handshake that skips a check does not type-check.

declare const brand: unique symbol;
type Proof<T extends string> = { readonly [brand]: T };

export type CertificateVerified = Proof<'certificate'>;
export type SignatureVerified = Proof<'signature'>;
export type FinishedVerified = Proof<'finished'>;

/** The peer's identity checks that must all have happened before application data flows. */
export interface PeerVerified {
  certificate: CertificateVerified;
  signature: SignatureVerified;
  finished: FinishedVerified;
}

// The only constructors; exported for the modules that actually verify (handshake/verify.ts).
export const mintCertificateVerified = () => ({}) as CertificateVerified;
export const mintSignatureVerified = () => ({}) as SignatureVerified;
export const mintFinishedVerified = () => ({}) as FinishedVerified;
