// Whole TLS 1.2 client <-> server sessions recorded with deterministic providers (as recorded.ts
// does for TLS 1.3): a fresh endpoint built the same way sends the same bytes, so the recorded
// peer's bytes take it through the whole handshake, and a mutated recording reaches every state.
//
// Signatures must be deterministic for a fresh server to re-send the recorded ServerKeyExchange:
// Ed25519 and RSA PKCS#1 v1.5 are; ECDSA and RSA-PSS are not. RSA key transport encrypts with
// random padding, so a fresh client's ClientKeyExchange differs: such a recording replays into a
// fresh server only.
import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import type { ServerConfig } from '../../src/server/config.js';
import { clientFor, serverFor } from './endpoints.js';
import { makePair } from './pair.js';
import { type KeyType, cachedPki } from './pki.js';
import { concat } from './records.js';

export interface Tls12Recording {
  name: string;
  /** Whether a fresh client accepts the recorded server stream (false for RSA key transport). */
  clientReplays: boolean;
  newClient(): Connection;
  newServer(): Connection;
  /** What each side sent, chunk by chunk (one record each, as takeOutput() returned them). */
  fromClient: Uint8Array[];
  fromServer: Uint8Array[];
  clientStream: Uint8Array;
  serverStream: Uint8Array;
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
  const clientSeed = `tls12 fuzz client ${spec.name}`;
  const serverSeed = `tls12 fuzz server ${spec.name}`;
  const newClient = () => Connection.client(clientConfig, { provider: createDeterministicProvider({ seed: clientSeed }) });
  const newServer = () => Connection.server(serverConfig, { provider: createDeterministicProvider({ seed: serverSeed }) });
  const fromClient: Uint8Array[] = [];
  const fromServer: Uint8Array[] = [];
  const pair = makePair(clientConfig, serverConfig, {
    provider: createDeterministicProvider({ seed: clientSeed }),
    serverProvider: createDeterministicProvider({ seed: serverSeed }),
    tamper: (from, chunk) => {
      (from === 'client' ? fromClient : fromServer).push(chunk.slice());
      return chunk;
    },
  });
  if (!pair.client.handshakeComplete || !pair.server.handshakeComplete) throw new Error(`recording ${spec.name}: handshake failed`);
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
  return {
    name: spec.name,
    clientReplays: spec.clientReplays,
    newClient,
    newServer,
    fromClient,
    fromServer,
    clientStream: concat(fromClient),
    serverStream: concat(fromServer),
  };
}
