#!/usr/bin/env node
import { Command } from 'commander';
import pc from 'picocolors';
import { runDemo } from './demo.js';
import { registerConnectCommand } from './connect.js';
import { registerServeCommand } from './serve.js';
import { registerVerifyCommand } from './verify.js';

const program = new Command();
program.name('handshake').description('TLS 1.3 and 1.2 in TypeScript, and a window into every handshake');

program
  .command('demo')
  .description('run a TLS handshake between our server and our client on 127.0.0.1 and show it')
  .option('--key-type <type>', 'certificate key: ecdsa-p256 | rsa-2048 | ed25519', 'ecdsa-p256')
  .option('--tls1.2', 'offer TLS 1.2 only (the 2-RTT handshake)')
  .option('--no-color', 'plain output')
  .action(async (opts: { keyType: 'ecdsa-p256' | 'rsa-2048' | 'ed25519'; color: boolean; 'tls1.2'?: boolean }) => {
    await runDemo({ color: opts.color && pc.isColorSupported, keyType: opts.keyType, tls12: Boolean(opts['tls1.2']) });
  });

registerConnectCommand(program);
registerServeCommand(program);
registerVerifyCommand(program);

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`${pc.red('error')}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
