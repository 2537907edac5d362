// `handshake serve` as a user runs it: a child process on 127.0.0.1 with a port the kernel picks,
// and the peers (openssl s_client, curl) that talk to it. Every process goes through Peer, so
// killAll() in each file's after() ends whatever a failed test left running.
import { fileURLToPath } from 'node:url';
import { Peer, WAIT_MS, startSClient } from '../../helpers/interop.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
// Absolute, so the child finds tsx whatever the test runner's working directory.
const TSX = import.meta.resolve('tsx');

/** Startup compiles the CLI with tsx: allow more than one ordinary wait on a busy machine. */
const STARTUP_MS = 20_000;

export interface Serve {
  peer: Peer;
  port: number;
  /** The generated certificate's PEM file, when no --cert was given. */
  certFile?: string;
  /** The log (stderr) from `from` on: what one step of a test added. */
  logSince(from: number): string;
}

export function serveProcess(args: readonly string[]): Peer {
  return new Peer(process.execPath, ['--import', TSX, MAIN, 'serve', '--no-color', ...args]);
}

/** Starts `handshake serve --port 0 …` and waits until it listens. */
export async function startServe(args: readonly string[]): Promise<Serve> {
  const peer = serveProcess(['--port', '0', ...args]);
  try {
    const m = await peer.waitFor(/listening on \S+:(\d+)/, STARTUP_MS);
    const cert = /its PEM is in (\S+)/.exec(peer.stderr);
    return {
      peer,
      port: Number(m[1]),
      ...(cert ? { certFile: cert[1]! } : {}),
      logSince: (from) => peer.stderr.slice(from),
    };
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

/** SIGINT, then the exit status; fails after `ms`. */
export async function interrupt(serve: Serve, ms = WAIT_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  serve.peer.child.kill('SIGINT');
  return serve.peer.waitExit(ms);
}

/**
 * `openssl s_client` that sends `send` and then stays connected until `until` appears in its
 * output (or our close_notify ends it); stdin stays open so EOF does not close the connection.
 */
export async function sClientSession(port: number, args: readonly string[], send: string, until: RegExp): Promise<Peer> {
  const peer = startSClient(port, args);
  // s_client reads stdin only once the handshake is done; what is written before waits in the pipe.
  peer.child.stdin!.write(send);
  try {
    await peer.waitFor(until);
  } catch (err) {
    await peer.kill();
    throw err;
  }
  return peer;
}

/** Runs `curl` to completion (at most WAIT_MS) and returns what it printed. */
export async function runCurl(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const peer = new Peer('curl', ['--silent', '--show-error', '--max-time', '8', ...args]);
  const { code } = await peer.waitExit();
  return { code, stdout: peer.stdout, stderr: peer.stderr };
}
