import { NamedGroup } from '../wire/codes.js';

export interface GroupInfo {
  readonly id: number;
  readonly name: string;
  /** The name node:tls uses in ecdhCurve and getEphemeralKeyInfo(). */
  readonly nodeName: string;
  /** Length of the key_exchange value (RFC 8446 §4.2.8.2: uncompressed points). */
  readonly publicLength: number;
}

export const GROUPS: readonly GroupInfo[] = [
  { id: NamedGroup.x25519, name: 'x25519', nodeName: 'X25519', publicLength: 32 },
  { id: NamedGroup.secp256r1, name: 'secp256r1', nodeName: 'prime256v1', publicLength: 65 },
  { id: NamedGroup.secp384r1, name: 'secp384r1', nodeName: 'secp384r1', publicLength: 97 },
];

const byId = new Map(GROUPS.map((g) => [g.id, g]));
const aliases = new Map<string, number>([
  ['x25519', NamedGroup.x25519],
  ['p-256', NamedGroup.secp256r1],
  ['prime256v1', NamedGroup.secp256r1],
  ['secp256r1', NamedGroup.secp256r1],
  ['p-384', NamedGroup.secp384r1],
  ['secp384r1', NamedGroup.secp384r1],
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

export const DEFAULT_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
