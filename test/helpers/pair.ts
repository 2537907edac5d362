// In-memory client <-> server: moves bytes between two sans-IO connections until both are quiet.
import { Connection } from '../../src/connection.js';
import type { ClientConfig } from '../../src/client/config.js';
import type { ServerConfig } from '../../src/server/config.js';
import type { ConnectionEvent } from '../../src/events.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';

export type Tamper = (from: 'client' | 'server', chunk: Uint8Array, index: number) => Uint8Array | undefined;

export interface Pair {
  client: Connection;
  server: Connection;
  clientEvents: ConnectionEvent[];
  serverEvents: ConnectionEvent[];
  /** Moves bytes both ways until neither side has output. */
  run(): void;
}

export function makePair(
  clientConfig: ClientConfig,
  serverConfig: ServerConfig,
  options: { tamper?: Tamper; provider?: CryptoProvider; serverProvider?: CryptoProvider; chunk?: number } = {},
): Pair {
  const client = Connection.client(clientConfig, { ...(options.provider ? { provider: options.provider } : {}) });
  const server = Connection.server(serverConfig, {
    ...((options.serverProvider ?? options.provider) ? { provider: options.serverProvider ?? options.provider } : {}),
  });
  const clientEvents: ConnectionEvent[] = [];
  const serverEvents: ConnectionEvent[] = [];
  const counters = { client: 0, server: 0 };
  const deliver = (from: 'client' | 'server', to: Connection, chunks: Uint8Array[]) => {
    for (const original of chunks) {
      const chunk = options.tamper ? options.tamper(from, original, counters[from]++) : original;
      if (!chunk) continue;
      if (options.chunk) {
        for (let i = 0; i < chunk.length; i += options.chunk) to.receive(chunk.subarray(i, i + options.chunk));
      } else to.receive(chunk);
    }
  };
  const pair: Pair = {
    client,
    server,
    clientEvents,
    serverEvents,
    run() {
      for (let i = 0; i < 1000; i++) {
        clientEvents.push(...client.takeEvents());
        serverEvents.push(...server.takeEvents());
        const fromClient = client.takeOutput();
        const fromServer = server.takeOutput();
        if (!fromClient.length && !fromServer.length) return;
        deliver('client', server, fromClient);
        deliver('server', client, fromServer);
      }
      throw new Error('pair did not settle');
    },
  };
  pair.run();
  return pair;
}

export const failure = (events: ConnectionEvent[]) =>
  events.find((e): e is Extract<ConnectionEvent, { type: 'failed' }> => e.type === 'failed')?.error;

export const received = (events: ConnectionEvent[]) =>
  Buffer.concat(events.filter((e) => e.type === 'data').map((e) => (e as { data: Uint8Array }).data)).toString();
