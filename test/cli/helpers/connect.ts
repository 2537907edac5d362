// `handshake connect` as a user runs it: a child process, its exit code, its output, its JSON.
// Every child is tracked and killed by killConnects() (each test file runs it in after()).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConnectReport } from '../../../src/cli/connect/json.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ConnectRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `handshake connect …args`; `stdin` is written then closed (default: /dev/null). */
export function connectCli(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; ms?: number } = {}): Promise<ConnectRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'connect', ...args], {
    cwd: root,
    // NO_COLOR: picocolors colours even a pipe when CI is set; the assertions read plain text.
    env: { ...process.env, SSLKEYLOGFILE: '', NO_COLOR: '1', ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.stdin !== undefined) {
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.stdin);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`handshake connect ${args.join(' ')} did not exit within ${options.ms ?? 20_000} ms\n${stdout}\n${stderr}`));
    }, options.ms ?? 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** connectCli with --json, the report parsed. */
export async function connectJson(
  args: readonly string[],
  options: Parameters<typeof connectCli>[1] = {},
): Promise<ConnectRun & { report: ConnectReport }> {
  const run = await connectCli(['--json', ...args], options);
  let report: ConnectReport;
  try {
    report = JSON.parse(run.stdout) as ConnectReport;
  } catch {
    throw new Error(`no JSON on stdout (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, report };
}

export function killConnects(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** The ladder's names in order, as the RFC writes them ({…} handshake keys, […] application keys, (…) early). */
export function ladderLabels(report: ConnectReport): string[] {
  return report.ladder.map((e) => {
    const dir = e.direction === 'sent' ? '>' : '<';
    const name = e.protection === 'handshake' ? `{${e.name}}` : e.protection === 'application' ? `[${e.name}]` : e.protection === 'early' ? `(${e.name})` : e.name;
    return `${dir}${name}`;
  });
}

/** Asserts-friendly: `names` appear in this order in `labels` (others may come between). */
export function inOrder(labels: readonly string[], names: readonly string[]): boolean {
  let at = 0;
  for (const name of names) {
    const next = labels.indexOf(name, at);
    if (next < 0) return false;
    at = next + 1;
  }
  return true;
}
