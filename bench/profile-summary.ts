// Summarises a V8 .cpuprofile (from `BENCH_PROFILE=dir npm run bench …` or `node --cpu-prof`).
//
//   node node_modules/.cache/handshake-bench/bench/profile-summary.js FILE [options]
//     --top=N         self time by function, N rows (default 30)
//     --layers        time by layer: each sample goes to the innermost frame from src/ on its
//                     stack (node:crypto calls count for the src/crypto/node.ts function that
//                     made them); samples with no src/ frame go to GC, node internals, …
//     --tree=PCT      top-down call tree, nodes of at least PCT % (default off)
//     --fn=a,b,…      inclusive time of the named functions
// Shares are of non-idle time.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (!file) throw new Error('usage: profile-summary FILE [--top=N] [--layers] [--tree=PCT] [--fn=a,b]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const isIdle = (n: ProfileNode) => n.callFrame.functionName === '(idle)';
let busy = 0;
for (const [id, t] of self) if (!isIdle(byId.get(id)!)) busy += t;

const short = (url: string) => url.replace(/^.*\/(src|bench)\//, '$1/');
const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>, rows: number) => {
  console.log(`\n${title} (share of ${(busy / 1000).toFixed(0)} ms non-idle)`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${pct(t)}  ${k}`);
};
const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);

const top = Number(opt('top') ?? 30);
if (top > 0) {
  const fnSelf = new Map<string, number>();
  for (const [id, t] of self) if (!isIdle(byId.get(id)!)) add(fnSelf, name(byId.get(id)!), t);
  print('self time by function', fnSelf, top);
}

if (args.includes('--layers')) {
  const layers = new Map<string, number>();
  for (const [id, t] of self) {
    const leaf = byId.get(id)!;
    if (isIdle(leaf)) continue;
    let layer: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !layer; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const m = /\/src\/(.+)\.[jt]s$/.exec(n.callFrame.url);
      if (!m) continue;
      const path = m[1]!;
      if (path === 'crypto/node') layer = `src/crypto/node.ts ${n.callFrame.functionName || '(anonymous)'}()`;
      else layer = path.startsWith('node/') || !path.includes('/') ? `src/${path}.ts` : `src/${path.split('/')[0]}/*`;
    }
    if (!layer) {
      const f = leaf.callFrame.functionName;
      layer = f === '(garbage collector)' ? 'GC' : f === '(program)' ? '(program)' : `no src frame: ${short(leaf.callFrame.url) || f}`;
    }
    add(layers, layer, t);
  }
  print('time by layer', layers, 40);
}

const tree = opt('tree');
if (tree !== undefined) {
  const threshold = (Number(tree) / 100) * busy;
  const incl = new Map<number, number>();
  const total = (id: number): number => {
    let t = self.get(id) ?? 0;
    for (const c of byId.get(id)!.children ?? []) t += total(c);
    incl.set(id, t);
    return t;
  };
  const root = profile.nodes[0]!.id;
  total(root);
  console.log(`\ncall tree (nodes ≥ ${tree}% of non-idle)`);
  const walk = (id: number, depth: number) => {
    const n = byId.get(id)!;
    if (incl.get(id)! < threshold || isIdle(n)) return;
    console.log(`${'  '.repeat(depth)}${pct(incl.get(id)!)} ${name(n)}`);
    for (const c of [...(n.children ?? [])].sort((a, b) => incl.get(b)! - incl.get(a)!)) walk(c, depth + 1);
  };
  walk(root, 0);
}

const fns = opt('fn');
if (fns) {
  // A sample counts once for each distinct wanted function name on its stack.
  const wanted = new Set(fns.split(','));
  const incl = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame.functionName;
      if (wanted.has(f) && !seen.has(f)) {
        seen.add(f);
        add(incl, f, t);
      }
    }
  }
  print('inclusive time', incl, wanted.size);
}
