// Server identity check: RFC 9525 (which obsoletes RFC 6125), as browsers and rustls apply it.
//
// - An IP literal is compared only with iPAddress SANs, as octets (RFC 9525 §6.4).
// - A DNS name is compared only with dNSName SANs, case-insensitively, in A-label form
//   (RFC 9525 §6.3, RFC 5890 §2.3.2.1).
// - A wildcard is the whole left-most label and matches exactly one label (RFC 9525 §6.3).
//   Partial-label wildcards ("f*.example.com") are refused, as browsers and rustls do.
// - No Common Name fallback: RFC 9525 no longer has CN-IDs (its Appendix A); browsers and
//   rustls dropped the fallback.
import type { ParsedCertificate } from '../crypto/provider.js';

const IPV4_OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => IPV4_OCTET.test(p))) return undefined;
  return Uint8Array.from(parts, Number);
}

// RFC 4291 §2.2: eight groups, one "::" for a run of zero groups, optionally a dotted IPv4 tail.
function parseIPv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (HEX_GROUP.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * The octets of an IP literal: 4 for IPv4 (strict dotted quad, as node:net's isIPv4), 16 for
 * IPv6 (any RFC 4291 text form, optionally in brackets). undefined when `text` is not one.
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text.startsWith('[') && text.endsWith(']')) return parseIPv6(text.slice(1, -1));
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

// RFC 1123 §2.1 LDH labels, plus '_' which real hostnames carry (SRV-style and some CDNs).
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
const MAX_NAME = 253; // RFC 1035 §2.3.4, in text form without the root dot
// Characters that would make the URL parser read something other than a host.
const NOT_HOST = /[\s/?#@:[\]\\%]/;

const labelsOf = (name: string): string[] | undefined => {
  if (name.length === 0 || name.length > MAX_NAME) return undefined;
  const labels = name.split('.');
  return labels.every((l) => l.length <= 63 && LABEL.test(l)) ? labels : undefined;
};

/**
 * A reference DNS name in comparable form: A-labels, lower case, one trailing dot removed.
 * undefined when it is not a valid host name.
 */
export function normalizeHostname(host: string): string | undefined {
  let name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (/[^\x00-\x7f]/.test(name)) {
    // RFC 5891 §5: convert U-labels to A-labels. The WHATWG URL host parser applies UTS #46
    // (the mapping browsers use) and is a global, so pki/ needs no node:url import.
    if (NOT_HOST.test(name)) return undefined;
    let ascii: string;
    try {
      ascii = new URL(`http://${name}/`).hostname;
    } catch {
      return undefined;
    }
    // A name whose mapping yields an address (full-width digits) is not a DNS name.
    if (parseIpAddress(ascii)) return undefined;
    name = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
  }
  name = name.toLowerCase();
  // RFC 9525 §6.4: an address is matched as an IP-ID, never as a DNS-ID ("1.2.3.4." is not a name to look up in dNSName).
  if (parseIPv4(name)) return undefined;
  return labelsOf(name) ? name : undefined;
}

/** RFC 9525 §6.3 on one presented dNSName; `host` is already normalised. */
function matchesDnsName(presented: string, hostLabels: readonly string[]): boolean {
  let pattern = presented.toLowerCase();
  if (pattern.endsWith('.')) pattern = pattern.slice(0, -1);
  const labels = pattern.split('.');
  if (labels[0] === '*') {
    // Only "*" as the whole left-most label, with at least two labels after it ("*.com" is refused),
    // matching exactly one non-empty host label.
    const rest = labels.slice(1);
    if (rest.length < 2 || !labelsOf(rest.join('.'))) return false;
    return hostLabels.length === labels.length && rest.every((l, i) => l === hostLabels[i + 1]);
  }
  // Anything else containing '*' (partial-label or non-left-most wildcards) fails labelsOf.
  if (!labelsOf(pattern) || labels.length !== hostLabels.length) return false;
  return labels.every((l, i) => l === hostLabels[i]);
}

/** True when `cert` is valid for `host` (a DNS name or an IP literal), per RFC 9525. */
export function matchesHostname(cert: Pick<ParsedCertificate, 'dnsNames' | 'ipAddresses'>, host: string): boolean {
  const ip = parseIpAddress(host);
  if (ip) {
    return cert.ipAddresses.some((presented) => {
      const octets = parseIpAddress(presented);
      return octets !== undefined && sameBytes(octets, ip);
    });
  }
  const name = normalizeHostname(host);
  if (name === undefined) return false;
  const hostLabels = name.split('.');
  return cert.dnsNames.some((presented) => matchesDnsName(presented, hostLabels));
}
