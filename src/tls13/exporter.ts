// RFC 8446 §7.5: keying material exporters (RFC 5705's interface, on the TLS 1.3 key schedule).
import type { HashName, CryptoProvider } from '../crypto/provider.js';
import { deriveSecret, hkdfExpandLabel } from '../crypto/hkdf.js';

const EMPTY = new Uint8Array(0);

/**
 * TLS-Exporter(label, context_value, key_length) =
 *   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
 * with Secret the exporter_master_secret. RFC 8446 §7.5: in TLS 1.3 no context and an empty
 * context are the same, unlike TLS 1.2 (RFC 5705 §4).
 */
export function exportKeyingMaterial13(
  provider: CryptoProvider,
  hash: HashName,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const secret = deriveSecret(provider, hash, exporterMasterSecret, label, provider.hash(hash, EMPTY));
  return hkdfExpandLabel(provider, hash, secret, 'exporter', provider.hash(hash, context ?? EMPTY), length);
}
