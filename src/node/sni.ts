import { peekClientHello } from './client-hello-peek.js';

export type PeekResult = { done: false } | { done: true; serverName: string | undefined };

/**
 * Reads the server_name of a ClientHello from the first plaintext records without consuming them,
 * so an async SNICallback can pick the certificate before the core starts. Anything malformed
 * gives `done` with no name: the core then sees the same bytes and answers with the right alert.
 */
export function peekServerName(bytes: Uint8Array): PeekResult {
  const peek = peekClientHello(bytes);
  return peek.done ? { done: true, serverName: peek.hello?.serverName } : peek;
}
