// RFC 8446 §4.4.3: the content covered by a CertificateVerify signature.

const PAD = new Uint8Array(64).fill(0x20);
const enc = new TextEncoder();
const SERVER = enc.encode('TLS 1.3, server CertificateVerify');
const CLIENT = enc.encode('TLS 1.3, client CertificateVerify');

export function certificateVerifyContent(role: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  const context = role === 'server' ? SERVER : CLIENT;
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.set(PAD, 0);
  out.set(context, 64);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}
