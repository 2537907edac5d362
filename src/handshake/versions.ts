// Which protocol versions a configuration speaks (node:tls minVersion / maxVersion).
import { ProtocolVersion } from '../wire/codes.js';

export type TlsVersionName = 'TLSv1.2' | 'TLSv1.3';

const VERSIONS: Record<TlsVersionName, number> = { 'TLSv1.2': ProtocolVersion.TLS1_2, 'TLSv1.3': ProtocolVersion.TLS1_3 };

/** node:tls's default range: TLS 1.2 and 1.3 (never 1.0 or 1.1). */
const DEFAULT_MIN: TlsVersionName = 'TLSv1.2';
const DEFAULT_MAX: TlsVersionName = 'TLSv1.3';

/** Configuration errors throw plain Errors (not peer input). */
export function resolveVersions(config: { minVersion?: TlsVersionName; maxVersion?: TlsVersionName }): {
  minVersion: number;
  maxVersion: number;
} {
  const min = config.minVersion ?? DEFAULT_MIN;
  const max = config.maxVersion ?? DEFAULT_MAX;
  const minVersion = VERSIONS[min];
  const maxVersion = VERSIONS[max];
  if (minVersion === undefined) throw new Error(`unsupported minVersion ${min}: TLS 1.2 and 1.3 are spoken`);
  if (maxVersion === undefined) throw new Error(`unsupported maxVersion ${max}: TLS 1.2 and 1.3 are spoken`);
  if (minVersion > maxVersion) throw new Error(`minVersion ${min} is above maxVersion ${max}`);
  return { minVersion, maxVersion };
}
