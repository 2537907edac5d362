// The fixed side of every socket benchmark, run in a worker thread: node:tls only, never our code.
// The main thread hosts whichever implementation is under test; this worker is the same load
// generator or the same peer for both, so a ratio compares only the side under test.
import { parentPort } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import type { PeerRequest, PeerResponse } from './protocol.js';
import { BENCH_CIPHER, BENCH_CURVE, pinned } from './protocol.js';
import { SharedSession, sendBulk } from './lib.js';

const port = parentPort!;
let stopLoad: (() => { completed: number; failed: number; notResumed?: number }) | undefined;
const servers: tls.Server[] = [];

/**
 * node:tls clients: `concurrency` connections, each opened again as soon as one finishes. With
 * `resume`, a first connection's session is offered by all of them (SharedSession), and the
 * completed handshakes that did not resume are counted.
 */
async function handshakeLoad(req: Extract<PeerRequest, { cmd: 'load' }>): Promise<void> {
  const context = tls.createSecureContext({ ca: req.ca, ...pinned(req.version) });
  const base = { host: '127.0.0.1', port: req.port, servername: 'localhost', secureContext: context };
  const shared = req.resume ? await SharedSession.prime(tls.connect(base)) : undefined;
  let running = true;
  let completed = 0;
  let failed = 0;
  let notResumed = 0;
  const one = () => {
    if (!running) return;
    const socket = tls.connect(shared ? { ...base, session: shared.current } : base);
    shared?.watch(socket);
    let done = false;
    const next = (ok: boolean) => {
      if (done) return;
      done = true;
      if (ok) completed++;
      else failed++;
      if (ok && shared && !socket.isSessionReused()) notResumed++;
      socket.destroy();
      setImmediate(one);
    };
    // The server writes one byte after its handshake completes: the round trip is whole.
    socket.once('data', () => next(socket.authorized));
    socket.once('error', () => next(false));
    socket.once('close', () => next(false));
  };
  for (let i = 0; i < req.concurrency; i++) one();
  stopLoad = () => {
    running = false;
    return { completed, failed, ...(shared ? { notResumed } : {}) };
  };
}

function reply(res: PeerResponse): void {
  port.postMessage(res);
}

async function handle(req: PeerRequest): Promise<void> {
  switch (req.cmd) {
    case 'load':
      await handshakeLoad(req);
      reply({ id: req.id });
      return;
    case 'stop-load': {
      const stop = stopLoad;
      stopLoad = undefined;
      reply({ id: req.id, ...(stop ? stop() : {}) });
      return;
    }
    case 'server': {
      // A node:tls server: after the handshake, 'byte' mode writes one byte and ends; 'bulk'
      // mode sends `bytes` in 16 KiB writes.
      const server = tls.createServer(
        { key: req.key, cert: req.cert, ...pinned(req.version) },
        (socket) => {
          socket.on('error', () => socket.destroy());
          if (req.mode === 'byte') socket.end('x');
          else void sendBulk(socket, req.bytes ?? 0);
        },
      );
      server.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve));
      servers.push(server);
      reply({ id: req.id, port: (server.address() as AddressInfo).port });
      return;
    }
    case 'close-servers': {
      for (const s of servers.splice(0)) s.close();
      reply({ id: req.id });
      return;
    }
    case 'receive': {
      // A node:tls client that reads everything the server sends; timed from secureConnect.
      const socket = tls.connect({
        host: '127.0.0.1',
        port: req.port,
        servername: 'localhost',
        ca: req.ca,
        ciphers: BENCH_CIPHER,
        ecdhCurve: BENCH_CURVE,
      });
      let start = 0;
      let bytes = 0;
      socket.on('secureConnect', () => (start = performance.now()));
      socket.on('data', (d: Buffer) => (bytes += d.length));
      socket.on('error', (err) => reply({ id: req.id, error: String(err) }));
      socket.on('end', () => {
        const ms = performance.now() - start;
        const cipher = socket.getCipher()?.name ?? '?';
        socket.destroy();
        reply({ id: req.id, bytes, ms, cipher });
      });
      return;
    }
  }
}

port.on('message', (req: PeerRequest) => {
  handle(req).catch((err: unknown) => reply({ id: req.id, error: String(err) }));
});
