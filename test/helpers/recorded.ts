// A whole client <-> server session recorded with deterministic providers, so that a fresh
// connection built the same way sends the same bytes and accepts the recorded peer's bytes: a
// mutated recording then reaches every state of the handshake, not just the first record.
import type { ClientConfig } from '../../src/client/config.js';
import { Connection } from '../../src/connection.js';
import { createDeterministicProvider } from '../../src/crypto/deterministic.js';
import type { ServerConfig } from '../../src/server/config.js';
import { concat } from './records.js';
import { clientFor, serverFor } from './endpoints.js';
import { type Pair, makePair } from './pair.js';
import { type Pki, cachedPki } from './pki.js';

/** What each side of a recorded session sent, and how to build endpoints that send it again. */
export interface RecordedStreams {
  /** A fresh client that sends what the recorded one sent. */
  newClient(): Connection;
  /** A fresh server that sends what the recorded one sent. */
  newServer(): Connection;
  /** Everything the client sent, chunk by chunk (one record each, as takeOutput() returned them). */
  fromClient: Uint8Array[];
  /** Everything the server sent, chunk by chunk. */
  fromServer: Uint8Array[];
  clientStream: Uint8Array;
  serverStream: Uint8Array;
}

export interface Recording extends RecordedStreams {
  pki: Pki;
  clientConfig: ClientConfig;
  serverConfig: ServerConfig;
}

/** Records a session between endpoints seeded with `seeds`: the handshake, then whatever `script` does on the pair. */
export function recordDeterministicSession(
  label: string,
  clientConfig: ClientConfig,
  serverConfig: ServerConfig,
  seeds: { client: string; server: string },
  script: (pair: Pair) => void,
): RecordedStreams {
  const newClient = () => Connection.client(clientConfig, { provider: createDeterministicProvider({ seed: seeds.client }) });
  const newServer = () => Connection.server(serverConfig, { provider: createDeterministicProvider({ seed: seeds.server }) });
  const fromClient: Uint8Array[] = [];
  const fromServer: Uint8Array[] = [];
  const pair = makePair(clientConfig, serverConfig, {
    provider: createDeterministicProvider({ seed: seeds.client }),
    serverProvider: createDeterministicProvider({ seed: seeds.server }),
    tamper: (from, chunk) => {
      (from === 'client' ? fromClient : fromServer).push(chunk.slice());
      return chunk;
    },
  });
  if (!pair.client.handshakeComplete || !pair.server.handshakeComplete) throw new Error(`${label}: handshake failed`);
  script(pair);
  return { newClient, newServer, fromClient, fromServer, clientStream: concat(fromClient), serverStream: concat(fromServer) };
}

/**
 * Records a full session: handshake, data both ways (one message spanning two records), a
 * KeyUpdate and close_notify from both sides. Ed25519 signatures are deterministic, so a fresh
 * server signs the same CertificateVerify and accepts the recorded client Finished.
 */
export function recordSession(): Recording {
  const pki = cachedPki({ leafKeyType: 'ed25519' });
  const clientConfig = clientFor(pki, { alpnProtocols: ['h2'] });
  const serverConfig = serverFor(pki, { alpnProtocols: ['h2'] });
  const streams = recordDeterministicSession('recording', clientConfig, serverConfig, { client: 'fuzz client', server: 'fuzz server' }, (pair) => {
    pair.client.write(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    pair.run();
    pair.server.write(new Uint8Array(20_000).fill(0x61));
    pair.run();
    pair.client.updateKeys(true);
    pair.run();
    pair.client.write(new TextEncoder().encode('after the update'));
    pair.run();
    pair.client.close();
    pair.server.close();
    pair.run();
  });
  return { pki, clientConfig, serverConfig, ...streams };
}
