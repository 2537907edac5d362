// `handshake demo` (what `npm start` runs): a real TLS 1.3 (or, with --tls1.2, TLS 1.2) handshake on
// 127.0.0.1 between our server and our client, with a fresh certificate, then what was negotiated
// and the ladder.
import type { AddressInfo } from 'node:net';
import pc from 'picocolors';
import { connect } from '../node/connect.js';
import { generatePki } from '../node/certs.js';
import { createServer } from '../node/server.js';
import type { TLSSocket } from '../node/tls-socket.js';
import type { TraceEvent } from '../trace.js';
import { renderLadder } from './ladder.js';

export async function runDemo(options: {
  color: boolean;
  keyType?: 'ecdsa-p256' | 'rsa-2048' | 'ed25519';
  /** The client offers TLS 1.2 only, so the 2-RTT handshake is drawn. */
  tls12?: boolean;
}): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const t0 = performance.now();
  const pki = generatePki({ leafKeyType: options.keyType ?? 'ecdsa-p256' });
  out(pc.dim(`generated a root CA, an intermediate and a leaf for localhost in ${(performance.now() - t0).toFixed(0)} ms`));

  const server = createServer({ key: pki.leafKeyPem, cert: pki.chainPem, ALPNProtocols: ['h2', 'http/1.1'] }, (socket: TLSSocket) => {
    socket.on('data', (d: Buffer) => socket.end(`echo: ${d.toString()}`));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  out(pc.dim(`server listening on 127.0.0.1:${port}`));

  const trace: TraceEvent[] = [];
  const started = performance.now();
  const client = connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: pki.rootPem,
    ALPNProtocols: ['http/1.1'],
    ...(options.tls12 ? { maxVersion: 'TLSv1.2' } : {}),
  });
  client.on('trace', (e: TraceEvent) => trace.push(e));
  const reply = await new Promise<string>((resolve, reject) => {
    let body = '';
    client.on('secureConnect', () => {
      const ms = performance.now() - started;
      const info = client.handshakeInfo!;
      out('');
      out(pc.bold('negotiated'));
      out(`  version            ${info.version}`);
      out(`  cipher suite       ${info.cipherSuiteName}`);
      out(`  key exchange group ${info.groupName}`);
      out(`  signature scheme   ${info.signatureSchemeName}`);
      out(`  ALPN               ${info.alpnProtocol || '(none)'}`);
      out(`  server name        ${info.serverName ?? '(none)'}`);
      out(`  certificate        ${client.authorized ? pc.green('valid') : pc.red(`invalid: ${client.authorizationError?.message}`)} (chain of ${info.verifiedChain.length})`);
      out(`  handshake time     ${ms.toFixed(1)} ms (TCP connect included)`);
      client.write(`hello over ${info.version}`);
    });
    client.on('data', (d: Buffer) => (body += d.toString()));
    client.on('end', () => resolve(body));
    client.on('error', reject);
  });
  out('');
  out(pc.bold('the handshake, as the client saw it'));
  out(renderLadder(trace, 'client', options.color));
  out('');
  out(`server replied: ${JSON.stringify(reply)}`);
  server.close();
}
