// Whole TLS 1.2 client <-> server sessions recorded with deterministic providers (as recorded.ts
// does for TLS 1.3): a fresh endpoint built the same way sends the same bytes, so the recorded
// peer's bytes take it through the whole handshake, and a mutated recording reaches every state.
//
// Signatures must be deterministic for a fresh server to re-send the recorded ServerKeyExchange:
// Ed25519 and RSA PKCS#1 v1.5 are; ECDSA and RSA-PSS are not. RSA key transport encrypts with
// random padding, so a fresh client's ClientKeyExchange differs: such a recording replays into a
// fresh server only.
import type { ClientConfig } from '../../src/client/config.js';
import type { ServerConfig } from '../../src/server/config.js';
import { clientFor, serverFor } from './endpoints.js';
import { type KeyType, cachedPki } from './pki.js';
import { type RecordedStreams, recordDeterministicSession } from './recorded.js';

export interface Tls12Recording extends RecordedStreams {
  name: string;
  /** Whether a fresh client accepts the recorded server stream (false for RSA key transport). */
  clientReplays: boolean;
}

export interface Tls12RecordingSpec {
  name: string;
  keyType: KeyType;
  client: ClientConfig;
  server: Partial<ServerConfig>;
  clientReplays: boolean;
}

/**
 * Records: handshake, a request, a 20 000-byte answer (two records), a short reply, then
 * close_notify from both sides.
 */
export function recordTls12Session(spec: Tls12RecordingSpec): Tls12Recording {
  const pki = cachedPki({ leafKeyType: spec.keyType });
  const clientConfig = clientFor(pki, { maxVersion: 'TLSv1.2', ...spec.client });
  const serverConfig = serverFor(pki, { maxVersion: 'TLSv1.2', ...spec.server });
  const seeds = { client: `tls12 fuzz client ${spec.name}`, server: `tls12 fuzz server ${spec.name}` };
  const streams = recordDeterministicSession(`recording ${spec.name}`, clientConfig, serverConfig, seeds, (pair) => {
    if (pair.client.handshakeInfo?.version !== 'TLSv1.2') throw new Error(`recording ${spec.name}: not TLS 1.2`);
    pair.client.write(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    pair.run();
    pair.server.write(new Uint8Array(20_000).fill(0x61));
    pair.run();
    pair.client.write(new TextEncoder().encode('thanks'));
    pair.run();
    pair.client.close();
    pair.server.close();
    pair.run();
  });
  return { name: spec.name, clientReplays: spec.clientReplays, ...streams };
}
