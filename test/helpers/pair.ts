// In-memory client <-> server: moves bytes between two sans-IO connections until both are quiet.
import { Connection, type ConnectionOptions } from '../../src/connection.js';
import type { ClientConfig } from '../../src/client/config.js';
import type { ServerConfig } from '../../src/server/config.js';
import type { ConnectionEvent } from '../../src/events.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';

/**
 * Sees each chunk (one record, as takeOutput() returns them) on its way; returns what to deliver
 * instead, or undefined to drop it. `pair` gives access to both sides (e.g. keylog events) while
 * the handshake is still running.
 */
export type Tamper = (from: 'client' | 'server', chunk: Uint8Array, index: number, pair: Pair) => Uint8Array | undefined;

export interface Pair {
  client: Connection;
  server: Connection;
  clientEvents: ConnectionEvent[];
  serverEvents: ConnectionEvent[];
  /** Moves bytes both ways until neither side has output. */
  run(): void;
}

export interface PairOptions {
  tamper?: Tamper;
  provider?: CryptoProvider;
  serverProvider?: CryptoProvider;
  /** Delivers each chunk in pieces of this size, or of the sizes a function returns in turn. */
  chunk?: number | ((from: 'client' | 'server') => number);
  /** Do not run at once: the test can write() first, then call run(). */
  deferRun?: boolean;
  /** More options for each side's Connection (the provider options above still apply). */
  clientOptions?: ConnectionOptions;
  serverOptions?: ConnectionOptions;
}

export function makePair(clientConfig: ClientConfig, serverConfig: ServerConfig, options: PairOptions = {}): Pair {
  const client = Connection.client(clientConfig, { ...options.clientOptions, ...(options.provider ? { provider: options.provider } : {}) });
  const server = Connection.server(serverConfig, {
    ...options.serverOptions,
    ...((options.serverProvider ?? options.provider) ? { provider: options.serverProvider ?? options.provider } : {}),
  });
  const clientEvents: ConnectionEvent[] = [];
  const serverEvents: ConnectionEvent[] = [];
  const counters = { client: 0, server: 0 };
  const deliver = (from: 'client' | 'server', to: Connection, chunks: Uint8Array[]) => {
    for (const original of chunks) {
      const chunk = options.tamper ? options.tamper(from, original, counters[from]++, pair) : original;
      if (!chunk) continue;
      const size = options.chunk;
      if (size === undefined) {
        to.receive(chunk);
        continue;
      }
      for (let i = 0; i < chunk.length; ) {
        const n = Math.max(1, typeof size === 'number' ? size : size(from));
        to.receive(chunk.subarray(i, i + n));
        i += n;
      }
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
  if (!options.deferRun) pair.run();
  return pair;
}

export const failure = (events: ConnectionEvent[]) =>
  events.find((e): e is Extract<ConnectionEvent, { type: 'failed' }> => e.type === 'failed')?.error;

export const received = (events: ConnectionEvent[]) =>
  Buffer.concat(events.filter((e) => e.type === 'data').map((e) => (e as { data: Uint8Array }).data)).toString();

/** The application data received, as bytes. */
export const receivedBytes = (events: ConnectionEvent[]): Buffer =>
  Buffer.concat(events.filter((e) => e.type === 'data').map((e) => (e as { data: Uint8Array }).data));

/** Whether an event of this type is among `events`. */
export const has = (events: ConnectionEvent[], type: ConnectionEvent['type']): boolean => events.some((e) => e.type === type);
