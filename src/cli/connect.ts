// `handshake connect HOST[:PORT]`: like `openssl s_client`, drawn as a ladder with timings (issue 6).
import type { Command } from 'commander';

export function registerConnectCommand(program: Command): void {
  program
    .command('connect')
    .description('connect to HOST[:PORT] over TLS and show the handshake')
    .argument('<target>', 'HOST[:PORT]')
    .action(() => {
      throw new Error('not implemented yet');
    });
}
