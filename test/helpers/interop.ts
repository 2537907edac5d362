// Shared plumbing for test/interop: real peers (openssl, curl, node:tls) on 127.0.0.1, started by
// the tests themselves. Every process spawned here is tracked and killed by killAll(), which each
// interop file runs in after() (interopTempDir() registers it); every wait has a timeout that fails
// the test instead of hanging.
//
// DESIGN.md §4: interop tests fail, never skip, when the peer program is missing.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before } from 'node:test';
import type { Pki } from '../../src/node/certs.js';
import { type Server, type ServerOptions, createServer } from '../../src/node/server.js';
import type { TLSSocket } from '../../src/node/tls-socket.js';

/** Default time limit for one wait (a handshake, a response, a process exit). */
export const WAIT_MS = 10_000;

/** Throws (failing the test or hook) unless `command` runs; DESIGN.md §4 forbids skipping instead. */
export function requireCommand(command: string, args: readonly string[] = ['--version']): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: WAIT_MS });
  if (r.error || r.status !== 0) {
    throw new Error(
      `interop tests need \`${command}\` on PATH (${r.error?.message ?? `exit ${r.status}: ${r.stderr}`}); ` +
        'install it — these tests fail rather than skip when a peer is missing',
    );
  }
  return r.stdout;
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** events.once with a deadline; rejects on 'error' as events.once does. */
export function waitEvent<T extends unknown[] = unknown[]>(
  emitter: NodeJS.EventEmitter,
  event: string,
  ms = WAIT_MS,
): Promise<T> {
  return withTimeout(once(emitter, event) as Promise<T>, ms, `'${event}'`);
}

/** Polls `condition` every 10 ms until it holds; fails after `ms`. */
export async function waitUntil(condition: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  // The loop ends itself at the deadline: a poll left running after a timeout keeps the test
  // process alive until the runner kills it.
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything a readable produces until 'end' (rejects on 'error' or after `ms`). */
export async function readAll(stream: Readable, ms = WAIT_MS): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
  return withTimeout(done, ms, 'the end of the stream');
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Listens on 127.0.0.1 on a free port and returns the port. */
export async function listen(server: NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await waitEvent(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes a server, dropping connections that are still open, within a deadline. */
export async function closeServer(server: NetServer & { closeAllConnections?: () => void }): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections?.();
  await withTimeout(closed, WAIT_MS, 'server close');
}

// --- temporary files ------------------------------------------------------------------------

export interface TempDir {
  readonly path: string;
  /** Writes `content` to `name` inside the directory and returns the full path. */
  write(name: string, content: string | Uint8Array): string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'handshake-interop-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** The temporary directory of one interop file: made in before(), removed in after() once every peer is killed. */
export function interopTempDir(prefix?: string): TempDir {
  let dir: TempDir | undefined;
  before(() => {
    dir = tempDir(prefix);
  });
  // Peers first, so that none is left running on files that are gone.
  after(async () => {
    await killAll();
    dir?.remove();
  });
  const current = (): TempDir => {
    if (!dir) throw new Error('interopTempDir: used before its before() hook ran');
    return dir;
  };
  return {
    get path() {
      return current().path;
    },
    write: (name, content) => current().write(name, content),
    file: (name) => current().file(name),
    remove: () => current().remove(),
  };
}

export interface PkiFiles {
  root: string;
  leaf: string;
  key: string;
  intermediate: string;
  /** leaf + intermediate. */
  chain: string;
}

/** Writes a PKI's PEMs as `<name>-root.pem`, … for the openssl and curl command lines. */
export function writePki(dir: TempDir, name: string, pki: Pki): PkiFiles {
  return {
    root: dir.write(`${name}-root.pem`, pki.rootPem),
    leaf: dir.write(`${name}-leaf.pem`, pki.leafPem),
    key: dir.write(`${name}-key.pem`, pki.leafKeyPem),
    intermediate: dir.write(`${name}-intermediate.pem`, pki.intermediatePem),
    chain: dir.write(`${name}-chain.pem`, pki.chainPem),
  };
}

/** s_server's or s_client's arguments that present the leaf of `files`, with its intermediate. */
export const certArgs = (files: Pick<PkiFiles, 'leaf' | 'key' | 'intermediate'>): string[] => [
  '-cert',
  files.leaf,
  '-key',
  files.key,
  '-cert_chain',
  files.intermediate,
];

/** writePki for files several tests share: each `name` is written once, into `dir`. */
export function pkiFilesCache(dir: TempDir): (name: string, pki: Pki) => PkiFiles {
  const files = new Map<string, PkiFiles>();
  return (name, pki) => {
    let f = files.get(name);
    if (!f) files.set(name, (f = writePki(dir, name, pki)));
    return f;
  };
}

// --- child processes ------------------------------------------------------------------------

const live = new Set<Peer>();
// Last resort when the test process exits without running after() (an uncaught error, a runner
// timeout): no peer outlives it.
process.on('exit', () => {
  for (const peer of live) peer.child.kill('SIGKILL');
});

/** A spawned program with its output collected as text. */
export class Peer {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly listeners = new Set<() => void>();

  /** `env` is added to this process's environment for the program alone. */
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
    live.add(this);
    this.child.stdout!.setEncoding('latin1').on('data', (s: string) => {
      this.stdout += s;
      this.notify();
    });
    this.child.stderr!.setEncoding('latin1').on('data', (s: string) => {
      this.stderr += s;
      this.notify();
    });
    // EPIPE when the program exits before reading all of its stdin is not the test's concern.
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitInfo ??= { code, signal };
        live.delete(this);
        this.notify();
        resolve(this.exitInfo);
      };
      this.child.once('close', done);
      this.child.once('error', (err) => {
        this.stderr += `\n[spawn error: ${err.message}]`;
        done(null, null);
      });
    });
  }

  get output(): string {
    return `${this.stdout}\n${this.stderr}`;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Waits until `pattern` appears in stdout+stderr; fails after `ms` or if the program exits first. */
  waitFor(pattern: RegExp, ms = WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.match(pattern);
        if (m) finish(() => resolve(m));
        else if (this.hasExited) finish(() => reject(new Error(`${this.describe()} exited before printing ${pattern}\n${this.output}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.describe()} did not print ${pattern} within ${ms} ms\n${this.output}`))),
        ms,
      );
      const finish = (f: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        f();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The exit status, failing after `ms`. */
  waitExit(ms = WAIT_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return withTimeout(this.exited, ms, `${this.describe()} to exit\n${this.output}`);
  }

  describe(): string {
    return `\`${this.command} ${this.args.join(' ')}\``;
  }

  /** Kills the process (SIGKILL) unless it has exited, and waits for it to go. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await withTimeout(this.exited, WAIT_MS, `${this.describe()} to die`);
  }
}

/** Kills every process spawned through Peer that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

/**
 * `openssl s_server` on 127.0.0.1 with a port the kernel picks (`-accept 127.0.0.1:0`: OpenSSL 3
 * prints "ACCEPT 127.0.0.1:<port>" once it listens). `env` is for settings s_server has no flag
 * for (OPENSSL_CONF).
 */
export async function startSServer(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<{ peer: Peer; port: number }> {
  const peer = new Peer('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], env);
  try {
    const m = await peer.waitFor(/^ACCEPT 127\.0\.0\.1:(\d+)\s*$/m);
    return { peer, port: Number(m[1]) };
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

/** `openssl s_client` to 127.0.0.1:`port`; the caller writes stdin and reads the output. `env` as for startSServer. */
export function startSClient(port: number, args: readonly string[], env?: Readonly<Record<string, string>>): Peer {
  return new Peer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], env);
}

/**
 * `openssl s_client` to 127.0.0.1:`port`, given `input` then stdin closed: it runs until the server
 * closes (with -ign_eof, our close_notify) or fails, and resolves once it has exited.
 */
export async function runSClient(port: number, args: readonly string[], input = ''): Promise<Peer> {
  const peer = startSClient(port, args);
  try {
    peer.child.stdin!.end(input);
    await peer.waitExit();
    return peer;
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

/** runSClient for `localhost`, trusting only `caFile`: -verify_return_error makes a bad chain fail the handshake. */
export function runVerifiedSClient(port: number, version: '-tls1_2' | '-tls1_3', caFile: string, args: readonly string[] = []): Promise<Peer> {
  return runSClient(port, [version, '-servername', 'localhost', '-CAfile', caFile, '-verify_return_error', '-ign_eof', ...args]);
}

/** curl to `localhost`, resolved to 127.0.0.1:`port`, trusting only `caFile`; fails unless it exits 0. */
export async function runCurl(port: number, caFile: string, args: readonly string[]): Promise<Peer> {
  const peer = new Peer('curl', [
    '--cacert',
    caFile,
    '--resolve',
    `localhost:${port}:127.0.0.1`,
    '--silent',
    '--show-error',
    '--verbose',
    '--max-time',
    '10',
    ...args,
  ]);
  try {
    const { code } = await peer.waitExit(15_000);
    assert.equal(code, 0, `curl failed:\n${peer.stderr}`);
    return peer;
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

// --- our server ---------------------------------------------------------------------------------

/** A server from startGreetingServer, and what it saw. */
export interface GreetingServer {
  server: Server;
  port: number;
  /** Our side of each connection that completed its handshake, in order. */
  sockets: TLSSocket[];
  /** Errors of connections that failed before completing ('tlsClientError'). */
  errors: Error[];
}

/** Our server (createServer) on 127.0.0.1 greeting each client, then closing so that s_client -ign_eof exits. */
export async function startGreetingServer(options: ServerOptions, greeting: string): Promise<GreetingServer> {
  const ours: GreetingServer = { server: undefined as never, port: 0, sockets: [], errors: [] };
  ours.server = createServer(options, (socket) => {
    ours.sockets.push(socket);
    socket.on('error', () => {});
    socket.end(`${greeting}\n`);
  });
  ours.server.on('tlsClientError', (err: Error) => ours.errors.push(err));
  ours.port = await listen(ours.server);
  return ours;
}
