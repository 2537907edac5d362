import { NamedGroup } from '../wire/codes.js';
import { FFDHE_GROUPS } from './ffdhe.js';

export interface GroupInfo {
  readonly id: number;
  readonly name: string;
  /** The name node:tls uses in ecdhCurve and getEphemeralKeyInfo(). */
  readonly nodeName: string;
  /**
   * Length of the key_exchange value: RFC 8446 §4.2.8.2 uncompressed points, and for finite-field
   * groups the prime's length, to which the public value is left-padded (RFC 8446 §4.2.8.1).
   */
  readonly publicLength: number;
  /** Elliptic-curve or RFC 7919 finite-field group: in TLS 1.2 this picks ECDHE or DHE suites (RFC 7919 §4). */
  readonly kind: 'ecdhe' | 'ffdhe';
}

export const GROUPS: readonly GroupInfo[] = [
  { id: NamedGroup.x25519, name: 'x25519', nodeName: 'X25519', publicLength: 32, kind: 'ecdhe' },
  { id: NamedGroup.secp256r1, name: 'secp256r1', nodeName: 'prime256v1', publicLength: 65, kind: 'ecdhe' },
  { id: NamedGroup.secp384r1, name: 'secp384r1', nodeName: 'secp384r1', publicLength: 97, kind: 'ecdhe' },
  ...FFDHE_GROUPS.map((g): GroupInfo => ({ id: g.id, name: g.name, nodeName: g.name, publicLength: g.p.length, kind: 'ffdhe' })),
];

const byId = new Map(GROUPS.map((g) => [g.id, g]));
const aliases = new Map<string, number>([
  ['x25519', NamedGroup.x25519],
  ['p-256', NamedGroup.secp256r1],
  ['prime256v1', NamedGroup.secp256r1],
  ['secp256r1', NamedGroup.secp256r1],
  ['p-384', NamedGroup.secp384r1],
  ['secp384r1', NamedGroup.secp384r1],
  // OpenSSL's group names, which node:tls passes through from ecdhCurve.
  ['ffdhe2048', NamedGroup.ffdhe2048],
  ['ffdhe3072', NamedGroup.ffdhe3072],
  ['ffdhe4096', NamedGroup.ffdhe4096],
]);

export const groupInfo = (id: number): GroupInfo | undefined => byId.get(id);

/** Parses node:tls `ecdhCurve` ("X25519:P-256", or "auto"). Unknown names throw a plain error (config, not peer input). */
export function parseGroupList(spec: string): number[] {
  if (spec.toLowerCase() === 'auto') return [...DEFAULT_GROUPS];
  return spec.split(':').map((name) => {
    const id = aliases.get(name.trim().toLowerCase());
    if (id === undefined) throw new Error(`unsupported group in ecdhCurve: ${name}`);
    return id;
  });
}

/**
 * What we offer and accept unless configured otherwise. No finite-field group: an ffdhe2048
 * share costs ≈ 285 µs to generate and as much to agree (ffdhe3072 ≈ 700 µs, ffdhe4096
 * ≈ 1.45 ms each), against ≈ 40 µs each for X25519 (measured, Node 20 / OpenSSL 3.0), for less
 * strength (RFC 7919 §8.3), and a TLS 1.3 ClientHello carrying one grows by 256–512 bytes.
 * Anyone who wants them names them ("X25519:ffdhe2048").
 */
export const DEFAULT_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
