// Two (or more) of our Servers sharing one session store, each on its own port of 127.0.0.1, as
// two machines behind one name would be; and a client visit that reports whether it resumed.
import type { Server as NetServer } from 'node:net';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import { type Server, type ServerOptions, createServer } from '../../src/node/server.js';
import type { SharedSessionStore } from '../../src/node/session-store.js';
import { closeServer, listen, readAll, waitEvent } from '../helpers/interop.js';
import { cachedPki } from '../helpers/pki.js';

export const pki = cachedPki();

export interface Instance {
  server: Server;
  port: number;
  /** 'sessionStoreError' events, in order. */
  errors: Error[];
  recoveries: number;
}

/** A Server answering each request with whether its side resumed the session. */
export async function startInstance(store: SharedSessionStore | undefined, options: Partial<ServerOptions> = {}): Promise<Instance> {
  const server = createServer(
    { key: pki.leafKeyPem, cert: pki.chainPem, ...(store ? { sessionStore: store } : {}), ...options },
    (socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(`reused=${socket.isSessionReused()}`));
    },
  );
  const instance: Instance = { server, port: 0, errors: [], recoveries: 0 };
  server.on('sessionStoreError', (err: Error) => instance.errors.push(err));
  server.on('sessionStoreRecovered', () => instance.recoveries++);
  instance.port = await listen(server as unknown as NetServer);
  return instance;
}

export async function stopInstances(...instances: Array<Instance | undefined>): Promise<void> {
  await Promise.all(instances.map((i) => i && closeServer(i.server as unknown as NetServer)));
}

export interface Visit {
  /** The client's isSessionReused(). */
  reused: boolean;
  /** What the server said: "reused=true" or "reused=false". */
  body: string;
  protocol: string | null;
  /** 0-RTT: 'accepted', 'rejected' (then sent after the handshake) or 'none'. */
  earlyData: 'accepted' | 'rejected' | 'none';
  /** The last 'session' event's session, to resume with. */
  session: Buffer | undefined;
}

/**
 * One connection to `port`: handshake, a request (the `earlyData` option's, when given: sent in
 * 0-RTT or right after the handshake), the answer, the sessions it got.
 */
export async function visit(port: number, options: Partial<ConnectOptions> = {}): Promise<Visit> {
  const socket = connect({ host: '127.0.0.1', servername: 'localhost', port, ca: pki.rootPem, ...options });
  const sessions: Buffer[] = [];
  socket.on('session', (s: Buffer) => sessions.push(s));
  try {
    await waitEvent(socket, 'secureConnect');
    if (!options.earlyData) socket.write('hi');
    const body = (await readAll(socket)).toString('latin1');
    return {
      reused: socket.isSessionReused(),
      body,
      protocol: socket.getProtocol(),
      earlyData: socket.earlyDataStatus,
      session: sessions.at(-1) ?? socket.getSession(),
    };
  } finally {
    socket.destroy();
  }
}
