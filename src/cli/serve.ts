// `handshake serve`: like `openssl s_server`, with a page that shows each client its own handshake (issue 6).
import type { Command } from 'commander';
import pc from 'picocolors';
import { EX_USAGE, type RawServeOptions, UsageError, parseServeOptions } from './serve/options.js';
import { runServe } from './serve/run.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('accept TLS connections and show each handshake')
    .option('--port <port>', 'TCP port to listen on (0: any free port, printed)', '8443')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--cert <file>', 'certificate chain (PEM, leaf first), repeatable: the first pair is the default, the others answer the SNI names in their certificates', collect, [])
    .option('--key <file>', 'private key (PEM) for the --cert in the same position, repeatable', collect, [])
    .option('--tls1.2', 'speak TLS 1.2 only')
    .option('--tls1.3', 'speak TLS 1.3 only')
    .option('--ciphers <list>', 'cipher suites, colon-separated: IANA names (TLS_AES_128_GCM_SHA256) or OpenSSL ones for TLS 1.2')
    .option('--groups <list>', 'key exchange groups, colon-separated (X25519:P-256:P-384:ffdhe2048)')
    .option('--alpn <list>', 'ALPN protocols, comma-separated, ours first (--http: http/1.1)')
    .option('--request-cert', 'ask for a client certificate; accept the connection whatever the answer')
    .option('--require-cert', 'require a client certificate that chains to --ca')
    .option('--ca <file>', 'CA certificates (PEM) client certificates must chain to')
    .option('--ocsp <file>', 'an OCSP response (DER) to staple with the default certificate')
    .option('--early-data [bytes]', 'accept 0-RTT data, up to BYTES per connection (default 16384); replayable')
    .option('--keylog <file>', 'append every session key to FILE (NSS key log format, for Wireshark); SSLKEYLOGFILE too')
    .option('--http', 'serve HTTPS: a page showing each client its own handshake')
    .option('--echo', 'echo what each client sends')
    .option('--trace', 'also print the handshake ladder of every connection')
    .option('--no-color', 'plain output')
    .addHelpText(
      'after',
      `
Without --http or --echo, what clients send is printed on stdout, prefixed by the peer, and lines
typed on stdin go to the most recent connection, as with openssl s_server. The log (one line per
connection, failed handshakes, reloads) goes to stderr.

Without --cert/--key a self-signed certificate for localhost is made at startup.
SIGHUP, or a change to a certificate file, reloads the certificates without dropping connections.
Ctrl-C ends every connection with close_notify and exits.`,
    )
    // Commander prints its own one-line error; usage errors exit 64 (EX_USAGE).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EX_USAGE))
    .action(async (raw: RawServeOptions) => {
      try {
        await runServe(parseServeOptions({ ...raw, color: raw.color && pc.isColorSupported }, process.env));
      } catch (err) {
        // One line, never a stack trace; exit now, as stdin may be holding the process open.
        process.stderr.write(`${pc.red('error')}: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(err instanceof UsageError ? EX_USAGE : 1);
      }
    });
}
