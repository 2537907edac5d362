// Headless Chromium (Debian's `chromium`) rendering a page: the DOM after load (--dump-dom) or a
// screenshot. Each run gets its own --user-data-dir (and HOME) and its own process group, so the
// browser, its zygotes and renderers are all killed together; killChromiums() in after() ends
// whatever a failed test left. DESIGN.md §4: the tests fail, never skip, without chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireCommand } from '../../helpers/interop.js';

/** Chromium takes seconds to start on a busy machine; a render is given this long. */
export const CHROMIUM_MS = 45_000;

const groups = new Set<number>();
process.on('exit', () => {
  for (const pgid of groups) killGroup(pgid);
});

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

export function requireChromium(): string {
  return requireCommand('chromium', ['--version']).trim();
}

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--mute-audio',
  '--hide-scrollbars',
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runChromium(args: readonly string[], ms: number): Promise<Run> {
  const profile = mkdtempSync(join(tmpdir(), 'handshake-chromium-'));
  let child: ChildProcess | undefined;
  try {
    child = spawn('chromium', [...FLAGS, `--user-data-dir=${profile}`, ...args], {
      // A process group of its own (setsid), so one kill reaches every process it starts.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    });
    const pgid = child.pid;
    if (pgid !== undefined) groups.add(pgid);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const started = child;
    return await new Promise<Run>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (pgid !== undefined) killGroup(pgid);
        reject(new Error(`chromium ${args.join(' ')} did not finish within ${ms} ms\n${stderr}`));
      }, ms);
      started.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`chromium: ${err.message}`));
      });
      started.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    // The browser has exited (or timed out): no helper process it started may outlive the test.
    if (child?.pid !== undefined) {
      killGroup(child.pid);
      groups.delete(child.pid);
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The page's DOM as Chromium serialises it once loaded. */
export async function renderDom(file: string, ms = CHROMIUM_MS): Promise<string> {
  const run = await runChromium(['--dump-dom', pathToFileURL(file).href], ms);
  if (run.code !== 0 || !run.stdout.includes('<html')) throw new Error(`chromium --dump-dom exited ${run.code}\n${run.stderr}`);
  return run.stdout;
}

/** A PNG screenshot of the page in a window of `width`×`height`. */
export async function screenshot(file: string, png: string, width: number, height: number, ms = CHROMIUM_MS): Promise<void> {
  const run = await runChromium([`--screenshot=${png}`, `--window-size=${width},${height}`, pathToFileURL(file).href], ms);
  if (run.code !== 0) throw new Error(`chromium --screenshot exited ${run.code}\n${run.stderr}`);
}

export function killChromiums(): void {
  for (const pgid of groups) killGroup(pgid);
  groups.clear();
}
