// --http: node:http on top of our TLS server, answering every GET with a page that shows the
// client its own handshake.
import * as http from 'node:http';
import type { Server } from '../../node/server.js';
import type { TLSSocket } from '../../node/tls-socket.js';
import type { Connections } from './connections.js';
import { factsOf } from './facts.js';
import { renderHtml, renderText, wantsHtml } from './page.js';

/**
 * RFC 6797: browsers keep HTTPS-only for the host (every port of it) for max-age seconds. Short,
 * since a test server on localhost must not pin other local services to HTTPS for long; browsers
 * ignore it anyway over a certificate they did not validate (RFC 6797 §8.1).
 */
export const HSTS = 'max-age=300';

export function httpMode(server: Server, connections: Connections): http.Server {
  const requests = new WeakMap<object, number>();
  const web = http.createServer((req, res) => {
    const tls = req.socket as unknown as TLSSocket;
    const number = (requests.get(tls) ?? 0) + 1;
    requests.set(tls, number);
    res.setHeader('strict-transport-security', HSTS);
    res.setHeader('cache-control', 'no-store');
    // Only safe methods: a request that arrived as 0-RTT data can be replayed (RFC 8446 §8,
    // RFC 8470), and showing a page is harmless to repeat.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('only GET and HEAD are served here\n');
      return;
    }
    const tracked = connections.of(tls);
    const facts = factsOf(tls, tracked?.peer ?? 'unknown', tracked?.handshakeMs);
    const page = { method: req.method, url: req.url ?? '/', number };
    const html = wantsHtml(req.headers.accept);
    const body = html ? renderHtml(facts, page) : renderText(facts, page);
    res.writeHead(200, {
      'content-type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      vary: 'Accept',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  web.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('secureConnection', (tls: TLSSocket) => web.emit('connection', tls));
  return web;
}
