// `npm run bench`: handshake's costs as ratios against node:tls measured in the same run.
//
//   npm run bench                        everything (about 4 minutes)
//   npm run bench -- server bulk         only some groups: server, client, tls12, resumed, bulk (= send + receive), core, pki
//   npm run bench -- --seconds=3         longer windows (default 1.5 s after a 0.7 s warm-up)
//   npm run bench -- --rounds=4          more alternating ours/node rounds (default 2; medians reported)
//   npm run bench -- --impl=ours         one side only; --key=ecdsa|rsa one certificate type; --mb=N bulk size
//   BENCH_DEBUG=1 npm run bench …        also print every round's raw numbers (to see the spread behind a median)
//   node --import tsx bench/run.ts …     the same from source, without compiling
//
// Profiling: BENCH_PROFILE=/tmp/p npm run bench -- server --impl=ours writes a V8 CPU profile of
// the main thread for each measured window (warm-up excluded); summarise one with
//   node node_modules/.cache/handshake-bench/bench/profile-summary.js /tmp/p/server-ours-ecdsa.cpuprofile --layers
//
// Layout: the side under test runs on the main thread; its node:tls counterpart (load generator,
// server or receiver) runs in one worker thread (bench/peer.ts) and is the same code whether the
// tested side is ours or node:tls. The machine has two cores: one for each. Each socket
// measurement is reported twice: per CPU-second of the main thread (its capacity: what the
// ratio targets refer to, since a node:tls generator cannot saturate a server on one core) and
// per wall-clock second (capped by the peer, so it drifts towards 1×).
//
// The pki group (bench/pki.ts) times certificate validation alone, in µs (lower is better), with
// no node:tls number: node:tls validates inside the handshake (OpenSSL's X509_verify_cert) and Node
// has no separate path-validation call; X509Certificate.verify()/checkIssued() check one signature
// or one name, not a path with policy, so they would not be a fair comparison.
import { cpus, loadavg } from 'node:os';
import { nodeProvider } from '../src/crypto/node.js';
import { generatePki, nodeRootTrustStore } from '../src/node/certs.js';
import { coreBulk, coreHandshakes, rawAead, recordProtection } from './core.js';
import { Peer, type Row, renderTable } from './lib.js';
import { pkiValidation } from './pki.js';
import { type Impl, type Pem, type Rate, type Throughput, type Timing, bulkReceive, bulkSend, clientHandshakes, serverHandshakes } from './sockets.js';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice('--seconds='.length) ?? 1.5);
const bulkMb = Number(args.find((a) => a.startsWith('--mb='))?.slice('--mb='.length) ?? 256);
const only = args.find((a) => a.startsWith('--impl='))?.slice('--impl='.length) as 'ours' | 'node' | undefined;
const groups = new Set(args.filter((a) => !a.startsWith('--')));
const want = (g: string) => groups.size === 0 || groups.has(g);

const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 2);
const timing: Timing = { warmupMs: 700, durationMs: seconds * 1000, concurrency: 8 };
const BULK = bulkMb * 1024 * 1024;
const WARMUP_BULK = 32 * 1024 * 1024;

const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Runs ours and node:tls alternately for `rounds` rounds (so drift such as CPU frequency or a
 * neighbour's load hits both alike) and returns the per-field median of each. The first round of
 * each side warms up for FIRST_WARMUP_FACTOR times as long: its code paths run for the first time
 * in the process there, and V8 needs a few thousand handshakes to optimise JavaScript (ours, and
 * node:tls's own TLSSocket) — measured: with 0.7 s of warm-up the first round of our server came
 * out ≈ 15% below later ones. Steady state is what a server runs in, for both sides alike.
 */
const FIRST_WARMUP_FACTOR = 3;

async function compare<T extends object>(run: (impl: Impl, timing: Timing) => Promise<T>, n = rounds): Promise<{ ours: T; node: T }> {
  const results: Record<Impl, T[]> = { ours: [], node: [] };
  for (let r = 0; r < n; r++) {
    const t = r === 0 ? { ...timing, warmupMs: timing.warmupMs * FIRST_WARMUP_FACTOR } : timing;
    for (const impl of r % 2 ? (['node', 'ours'] as const) : (['ours', 'node'] as const)) {
      if (only && only !== impl) continue;
      const result = await run(impl, t);
      if (process.env.BENCH_DEBUG) log(`  round ${r} ${impl}: ${JSON.stringify(result)}`);
      results[impl].push(result);
    }
  }
  const combine = (list: T[]): T => {
    if (!list.length) return {} as T;
    const out: Record<string, unknown> = { ...list[0] };
    for (const k of Object.keys(out)) {
      if (typeof out[k] === 'number') out[k] = median(list.map((x) => (x as Record<string, number>)[k]!));
    }
    return out as T;
  };
  return { ours: combine(results.ours), node: combine(results.node) };
}

const keyFilter = args.find((a) => a.startsWith('--key='))?.slice('--key='.length);
const keyTypes = [
  { label: 'ECDSA P-256', key: 'ecdsa' as const, keyType: 'ecdsa-p256' as const },
  { label: 'RSA-2048', key: 'rsa' as const, keyType: 'rsa-2048' as const },
].filter((k) => !keyFilter || keyFilter === k.key);
const pkis: Array<{ label: string; pem: Pem }> = keyTypes
  .map(({ label, key, keyType }) => ({ label, pem: { label: key, ...generatePki({ leafKeyType: keyType }) } }));

/**
 * Two rows per socket measurement: the tested thread's capacity (work per second of its CPU
 * time: the number to compare) and the wall-clock rate (which the shared peer may cap).
 */
function socketRows(title: string, unit: string, ours: Partial<Rate & Throughput>, node: Partial<Rate & Throughput>): void {
  const cpu = (r: Partial<Rate & Throughput>) => r.perBusySecond ?? r.mbPerBusySecond;
  const wall = (r: Partial<Rate & Throughput>) => r.perSecond ?? r.mbPerSecond;
  const failed = (ours.failed ?? 0) + (node.failed ?? 0) ? `; failed ${ours.failed ?? 0}/${node.failed ?? 0}` : '';
  const fresh = (ours.notResumed ?? 0) + (node.notResumed ?? 0) ? `; not resumed ${ours.notResumed ?? 0}/${node.notResumed ?? 0}` : '';
  rows.push({ metric: title, ours: Number.NaN, node: undefined, unit: '', note: '' });
  rows.push({ metric: '  per CPU-second', ours: cpu(ours) ?? Number.NaN, node: cpu(node), unit, note: `${ours.cipher ?? '—'} vs ${node.cipher ?? '—'}${failed}${fresh}` });
  rows.push({ metric: '  per wall second', ours: wall(ours) ?? Number.NaN, node: wall(node), unit, note: `thread busy ${pct(ours.busy ?? Number.NaN)} vs ${pct(node.busy ?? Number.NaN)}` });
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = loadavg()[0]!;
  log(`handshake bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; TLS 1.3 (TLS_AES_128_GCM_SHA256) and TLS 1.2 (ECDHE AES-128-GCM), X25519`);
  // The node:tls peer worker only for the socket groups.
  const sockets = ['server', 'client', 'tls12', 'resumed', 'bulk', 'send', 'receive'].some(want);
  const peer = sockets ? await Peer.start() : undefined;

  if (want('server')) {
    for (const { label, pem } of pkis) {
      log(`server handshakes, ${label} …`);
      const { ours, node } = await compare((impl, t) => serverHandshakes(impl, pem, peer!, t));
      socketRows(`server full handshakes, ${label} (node:tls clients)`, '/s', ours, node);
    }
  }

  if (want('client')) {
    for (const { label, pem } of pkis) {
      for (const shared of [false, true]) {
        log(`client handshakes, ${label}, ${shared ? 'shared context' : 'ca per call'} …`);
        const { ours, node } = await compare((impl, t) => clientHandshakes(impl, pem, peer!, t, shared));
        socketRows(`client full handshakes, ${label}, ${shared ? 'shared ca/context' : 'ca per call'} (node:tls server)`, '/s', ours, node);
      }
    }
  }

  if (want('tls12')) {
    // TLS 1.2 (ECDHE, AES-128-GCM): the node:tls peer caps the version, so both sides settle on it.
    for (const { label, pem } of pkis) {
      log(`TLS 1.2 server handshakes, ${label} …`);
      const server = await compare((impl, t) => serverHandshakes(impl, pem, peer!, t, 'TLSv1.2'));
      socketRows(`TLS 1.2 server full handshakes, ${label} (node:tls clients)`, '/s', server.ours, server.node);
      log(`TLS 1.2 client handshakes, ${label} …`);
      const client = await compare((impl, t) => clientHandshakes(impl, pem, peer!, t, true, 'TLSv1.2'));
      socketRows(`TLS 1.2 client full handshakes, ${label}, shared ca/context (node:tls server)`, '/s', client.ours, client.node);
    }
  }

  if (want('resumed')) {
    // Resumed handshakes: TLS 1.3 PSK (psk_dhe_ke, X25519: a key exchange but no certificate) and
    // TLS 1.2 session tickets (abbreviated handshake), both servers and clients issuing tickets
    // as by default (TLS 1.3: two per connection). All the clients of a measurement offer one
    // session, taken from a first full handshake with that server and replaced by a newer one
    // from a 'session' event at most once a second (bench/lib.ts SharedSession): what most
    // clients do (https.Agent keeps one session per host and offers it to every new connection),
    // and what a server sees from them. A session per connection (each connection's own ticket,
    // used once) would keep a pool per client, which few do, and would not change the server's
    // work: our tickets and OpenSSL's are both stateless and may be reused (no early data here).
    // The measured clients listen to 'session' as an https.Agent does, so node:tls pays for
    // serializing its sessions as ours does. Handshakes that did not resume (isSessionReused())
    // are counted in the note column; a measurement where most did not resume stops the bench.
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      const v = version === 'TLSv1.3' ? 'TLS 1.3' : 'TLS 1.2';
      const how = version === 'TLSv1.3' ? 'PSK, psk_dhe_ke' : 'session ticket';
      for (const { label, pem } of pkis) {
        log(`${v} resumed server handshakes, ${label} …`);
        const server = await compare((impl, t) => serverHandshakes(impl, pem, peer!, t, version, true));
        socketRows(`${v} server resumed handshakes (${how}), ${label} (node:tls clients)`, '/s', server.ours, server.node);
        log(`${v} resumed client handshakes, ${label} …`);
        const client = await compare((impl, t) => clientHandshakes(impl, pem, peer!, t, true, version, true));
        socketRows(`${v} client resumed handshakes (${how}), ${label}, shared ca/context (node:tls server)`, '/s', client.ours, client.node);
      }
    }
  }

  if (want('bulk') || want('send') || want('receive')) {
    const pem = pkis[0]!.pem;
    for (const [what, run] of [
      ['bulk send: server → node:tls client', bulkSend],
      ['bulk receive: client ← node:tls server', bulkReceive],
    ] as const) {
      if (!want('bulk') && !want(run === bulkSend ? 'send' : 'receive')) continue;
      log(`${what} (${bulkMb} MiB) …`);
      if (only !== 'node') await run('ours', pem, peer!, WARMUP_BULK);
      if (only !== 'ours') await run('node', pem, peer!, WARMUP_BULK);
      // Transfers are short, so take one more round than the handshake measurements.
      const { ours, node } = await compare((impl) => run(impl, pem, peer!, BULK), rounds + 1);
      socketRows(`${what}, ${bulkMb} MiB in 16 KiB writes`, 'MB/s', ours, node);
    }
  }

  await peer?.close();

  const pkiRows: Row[] = [];
  if (want('pki')) {
    const roots = nodeRootTrustStore(nodeProvider);
    const chains = 40;
    for (const { label, keyType } of keyTypes) {
      log(`certificate validation, ${label} …`);
      const t = pkiValidation(keyType, roots, seconds * 400, chains);
      pkiRows.push({ metric: `certificate validation, ${label}: leaf ← intermediate ← root`, ours: Number.NaN, node: undefined, unit: '', note: `store of ${roots.size + 1} anchors (Node's roots + ours)` });
      pkiRows.push({ metric: '  chain seen before, verifier entry', ours: t.cached, node: undefined, unit: 'µs', note: `parse + signatures cached; median of ${t.batches} batches × 100` });
      pkiRows.push({ metric: '    of which buildPath', ours: t.buildPath, node: undefined, unit: 'µs', note: 'path building + RFC 5280 policy on parsed certificates' });
      pkiRows.push({ metric: '  first validation of a new chain', ours: t.cold, node: undefined, unit: 'µs', note: `fresh provider: leaf + intermediate parsed, 2 signatures checked; median of ${t.chains} chains` });
      pkiRows.push({ metric: '    parseCertificateInfo, one certificate', ours: t.parseInfo, node: undefined, unit: 'µs', note: 'asn1js; twice in the row above' });
    }
  }

  const coreRows: Row[] = [];
  if (want('core')) {
    log('sans-IO core …');
    const ms = seconds * 600;
    for (const { label, pem } of pkis) {
      coreRows.push({ metric: `in-memory pair handshakes/s, ${label}`, ours: coreHandshakes(pem, 500, ms), node: undefined, unit: '/s', note: 'client + server on one thread' });
    }
    coreRows.push({ metric: 'in-memory pair application data', ours: coreBulk(pkis[0]!.pem, 300, ms), node: undefined, unit: 'MB/s', note: '16 KiB writes, both sides' });
    const ours = recordProtection(300, ms);
    const raw = rawAead(300, ms);
    coreRows.push({ metric: 'record seal, 16 KiB AES-128-GCM', ours: ours.seal, node: raw.seal, unit: 'MB/s', note: 'vs bare createCipheriv per record' });
    coreRows.push({ metric: 'record open, 16 KiB AES-128-GCM', ours: ours.open, node: raw.open, unit: 'MB/s', note: 'vs bare createDecipheriv per record' });
  }

  const out: string[] = [''];
  if (rows.length) out.push(renderTable(rows), '');
  if (pkiRows.length) {
    out.push(
      renderTable(pkiRows),
      'µs per validation: lower is better. node:tls has no equivalent to compare: it validates inside the handshake (OpenSSL),',
      'and X509Certificate.verify()/checkIssued() check one signature or name, not a path, so no node:tls number is given.',
      '',
    );
  }
  if (coreRows.length) out.push(renderTable(coreRows, ['ours', 'floor', 'ratio']), '');
  const load = Math.max(load0, loadavg()[0]!);
  const layout = rows.length
    ? `; tested side on the main thread, node:tls peer in a worker thread; medians of ${rounds} alternating rounds (bulk ${rounds + 1})`
    : '';
  out.push(`(${((performance.now() - started) / 1000).toFixed(0)} s${layout}; load average ${load.toFixed(1)})`);
  // The bench itself keeps two threads busy; more than that means other work competes for the cores.
  if (load > cpus().length + 0.5) out.push(`warning: the machine was busy with other work (load ${load.toFixed(1)}); wall-clock rows are unreliable, CPU-second rows less so`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
