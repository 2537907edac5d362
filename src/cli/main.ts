#!/usr/bin/env node
import { Command } from 'commander';
import pc from 'picocolors';
import { runDemo } from './demo.js';
import { registerVerifyCommand } from './verify.js';

const program = new Command();
program.name('handshake').description('TLS 1.3 in TypeScript, and a window into every handshake');

program
  .command('demo')
  .description('run a TLS 1.3 handshake between our server and our client on 127.0.0.1 and show it')
  .option('--key-type <type>', 'certificate key: ecdsa-p256 | rsa-2048 | ed25519', 'ecdsa-p256')
  .option('--no-color', 'plain output')
  .action(async (opts: { keyType: 'ecdsa-p256' | 'rsa-2048' | 'ed25519'; color: boolean }) => {
    await runDemo({ color: opts.color && pc.isColorSupported, keyType: opts.keyType });
  });

registerVerifyCommand(program);

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`${pc.red('error')}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
