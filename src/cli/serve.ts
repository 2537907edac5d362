// `handshake serve`: like `openssl s_server`, with a page that shows each client its own handshake (issue 6).
import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('accept TLS connections and show each handshake')
    .action(() => {
      throw new Error('not implemented yet');
    });
}
