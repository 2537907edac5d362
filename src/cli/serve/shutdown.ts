// Ctrl-C and SIGTERM: stop listening, end every connection with close_notify (RFC 8446 §6.1),
// exit 0 once they are closed or a short deadline has passed. A second signal exits at once.
import type * as http from 'node:http';
import type { Server } from '../../node/server.js';
import type { Connections } from './connections.js';
import type { Log } from './log.js';

/** How long open connections get to answer our close_notify before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 3000;

export function stopOnSignals(parts: { log: Log; server: Server; web: http.Server | undefined; connections: Connections; beforeStop(): void }): void {
  const { log, server, web, connections } = parts;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.line(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    parts.beforeStop();
    log.line(`${signal}: closing the listener and ${connections.size} connection(s) with close_notify`);
    server.close();
    web?.close();
    const { forced } = await connections.closeAll(SHUTDOWN_DEADLINE_MS);
    if (forced) log.line(`${forced} connection(s) did not close within ${SHUTDOWN_DEADLINE_MS} ms: dropped`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
