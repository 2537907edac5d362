// PEM (RFC 7468) ⇄ DER without node:buffer, so the core stays free of Node imports.

/** What node:tls accepts for `ca` and `cert`: PEM text or bytes, one or several per entry. */
export type CertificateInput = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

// RFC 7468 §3: labels are printable characters except '-'; the END label must repeat BEGIN's.
const PEM_BLOCK = /-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[\x21-\x2c\x2e-\x7e ]*[\x21-\x2c\x2e-\x7e])?)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new Error('PEM block is not valid base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so String.fromCharCode never gets more arguments than the engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Every block labelled `label`, in order. Text between blocks is ignored (OpenSSL writes
 * "Bag Attributes" and comments there); CRLF and any whitespace inside a block are tolerated.
 */
export function pemToDer(pem: string, label = 'CERTIFICATE'): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (m[1] !== label) continue;
    let body = m[2]!;
    // RFC 1421 encapsulated headers ("Proc-Type: …") end at the first blank line.
    if (body.includes(':')) body = body.replace(/^[\s\S]*?\r?\n[ \t]*\r?\n/, '');
    out.push(base64ToBytes(body.replace(/\s+/g, '')));
  }
  return out;
}

/** RFC 7468 §2: base64 in 64-character lines. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = bytesToBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const looksLikeDer = (bytes: Uint8Array) => bytes[0] === 0x30; // a SEQUENCE tag, never the start of PEM text

/**
 * Flattens node:tls-style input into DER certificates: PEM strings or bytes (several blocks each),
 * or raw DER bytes. Throws when an entry holds no `label` block: silently trusting nothing, or
 * serving no certificate, would hide a configuration mistake.
 */
export function toDerList(input: CertificateInput | undefined, label = 'CERTIFICATE'): Uint8Array[] {
  if (input === undefined) return [];
  const entries = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  const out: Uint8Array[] = [];
  for (const entry of entries) {
    if (entry instanceof Uint8Array && looksLikeDer(entry)) {
      out.push(entry);
      continue;
    }
    const text = typeof entry === 'string' ? entry : new TextDecoder('latin1').decode(entry);
    const blocks = pemToDer(text, label);
    if (blocks.length === 0) throw new Error(`no ${label} PEM block found`);
    out.push(...blocks);
  }
  return out;
}
