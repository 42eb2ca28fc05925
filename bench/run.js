// `npm run bench`: whole-process measurements of runbook against baselines run alongside (issue #7).
// Every measurement alternates the measured command with its baseline in the same run (order flipped each
// run), after warm-up, and reports medians and their ratio. Results: a table on stdout and bench/results.json.
//
//   node bench/run.js                 everything (~10 minutes on 2 cores)
//   node bench/run.js version list    only the measurements whose key contains one of the words
//   BENCH_RUNS=7 node bench/run.js    more runs for the short measurements (default 15 for start-up, 5 others)
//
// Inputs (runbook folders, a 1,000,000-event timeline) are generated into a temp folder, removed at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOOD_COMMAND, manyCommandsRunbook, oneCommandRunbook, writeLibrary } from './fixtures.js';
import { htmlMeasurement } from './html.js';
import { TIME_BIN, check, fmtMb, fmtMs, median, runOnce, table, tempDir } from './lib.js';
import { sessionMeasurement } from './session.js';
import { fleetMeasurements } from './fleet.js';
import { mcpMeasurements } from './mcp.js';
import { floorMeasurements } from './floors.js';
import { chainCostPerEvent, writeChainedTimeline } from './chain.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const NODE = process.execPath;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STARTUP_RUNS = Math.max(RUNS, Number(process.env.BENCH_STARTUP_RUNS ?? 15));
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 3);
const only = process.argv.slice(2);

const work = tempDir();
// The checkout may be shared (others rebuild dist/ while we measure): measure a snapshot of bin/, dist/,
// package.json and the bundled runbooks taken now, with node_modules linked. BENCH_IN_PLACE=1 measures ROOT.
const APP = process.env.BENCH_IN_PLACE === '1' ? ROOT : join(work, 'app');
if (APP !== ROOT) {
  for (const d of ['bin', 'dist', 'runbooks', 'package.json']) cpSync(join(ROOT, d), join(APP, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(APP, 'node_modules'));
}
const BIN = join(APP, 'bin', 'runbook.js');
const baseEnv = { ...process.env };
// NODE_EXTRA_CA_CERTS makes every Node start read a CA bundle (~40 ms here): unset for both sides.
for (const k of ['RUNBOOK_PATH', 'RUNBOOK_TIMELINE_DIR', 'FORCE_COLOR', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'RUNBOOK_NO_CACHE']) delete baseEnv[k];
baseEnv.NO_COLOR = '1';
const emptyCwd = join(work, 'cwd');
mkdirSync(emptyCwd);
// list's metadata cache goes to the work dir, not the user's.
baseEnv.XDG_CACHE_HOME = join(work, 'cache');

let tlCounter = 0;
/** A fresh, empty timeline folder (timeline names have a one-second stamp and are created exclusively). */
const freshTimelineDir = () => {
  const d = join(work, 'timelines', String(tlCounter++));
  mkdirSync(d, { recursive: true });
  return d;
};
const runbook = (args, opts = {}) => runOnce(NODE, [BIN, ...args], { cwd: emptyCwd, env: baseEnv, ...opts });
const nodeE0 = () => runOnce(NODE, ['-e', '0'], { cwd: emptyCwd, env: baseEnv });
// The start-up measurements also run once more per round under bash's `times`, for a CPU-time ratio.
const nodeE0Cpu = () => runOnce(NODE, ['-e', '0'], { cwd: emptyCwd, env: baseEnv, cpu: true });
const cpuMed = (rs) => median(rs.map((r) => r.cpuMs));
const log = (s) => process.stderr.write(`${s}\n`);

/** Run the thunks `runs` times after `warmup` rounds; the order rotates each round. Returns one array per thunk. */
async function interleave(thunks, { runs, warmup = 1, label }) {
  for (let w = 0; w < warmup; w++) for (const t of thunks) await t();
  const out = thunks.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < thunks.length; k++) {
      const j = (k + i) % thunks.length;
      out[j].push(await thunks[j]());
    }
    if (process.stderr.isTTY) process.stderr.write(`\r  ${label}: run ${i + 1}/${runs}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  return out;
}

const ms = (rs) => median(rs.map((r) => r.ms));
const rss = (rs) => (rs.some((r) => r.rssKb === null) ? null : Math.max(...rs.map((r) => r.rssKb)));

const rows = [];
function record(row) {
  rows.push(row);
  log(`  -> ${row.name}: ${row.value}${row.baseline ? ` vs ${row.baseline}` : ''} ${row.ratio ? `(${row.ratio})` : ''} ${row.reference ? 'reference' : row.pass ? 'ok' : 'MISSED'}`);
}
const ratioRow = (name, key, a, b, limit, runs, extra = {}, cpu = null) => {
  const ratio = ms(a) / ms(b);
  const cpuRatio = cpu ? cpuMed(cpu[0]) / cpuMed(cpu[1]) : null;
  record({
    key,
    name,
    value: fmtMs(ms(a)),
    baseline: fmtMs(ms(b)),
    ratio: `${ratio.toFixed(2)}×`,
    target: `≤ ${limit}×`,
    pass: ratio <= limit,
    runs,
    cpu: cpuRatio === null ? '' : `${cpuRatio.toFixed(2)}× (${fmtMs(cpuMed(cpu[0]))} vs ${fmtMs(cpuMed(cpu[1]))})`,
    raw: {
      measured_ms: ms(a),
      baseline_ms: ms(b),
      ratio,
      measured_all: a.map((r) => r.ms),
      baseline_all: b.map((r) => r.ms),
      ...(cpu ? { cpu_ratio: cpuRatio, measured_cpu_ms: cpu[0].map((r) => r.cpuMs), baseline_cpu_ms: cpu[1].map((r) => r.cpuMs) } : {}),
    },
    ...extra,
  });
};

const measurements = [
  {
    key: 'version',
    async run() {
      log('runbook --version vs node -e 0');
      const r = check('--version', await runbook(['--version'], { stdout: 'capture' }));
      if (!/^\d+\.\d+\.\d+/.test(r.stdout)) throw new Error(`--version printed ${JSON.stringify(r.stdout)}`);
      const [a, b, ac, bc] = await interleave([() => runbook(['--version']), nodeE0, () => runbook(['--version'], { cpu: true }), nodeE0Cpu], { runs: STARTUP_RUNS, label: 'version' });
      a.forEach((x) => check('--version', x));
      ratioRow('`runbook --version` vs `node -e 0`', 'version', a, b, 1.15, STARTUP_RUNS, {}, [ac, bc]);
    },
  },
  {
    key: 'list-bundled',
    async run() {
      log('runbook list (bundled library) vs node -e 0');
      const r = check('list', await runbook(['list'], { stdout: 'capture' }));
      if (!r.stdout.includes('getting-started')) throw new Error('list did not show the bundled library');
      const [a, b, ac, bc] = await interleave([() => runbook(['list']), nodeE0, () => runbook(['list'], { cpu: true }), nodeE0Cpu], { runs: STARTUP_RUNS, label: 'list' });
      a.forEach((x) => check('list', x));
      ratioRow('`runbook list` (bundled library) vs `node -e 0`', 'list-bundled', a, b, 1.8, STARTUP_RUNS, {}, [ac, bc]);
    },
  },
  {
    key: 'run-one',
    async run() {
      log('run --yes (echo hello) vs node -e 0');
      const file = join(work, 'one.md');
      writeFileSync(file, oneCommandRunbook('echo hello'));
      const go = (opts = {}) => runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() }, ...opts });
      const r = check('run one', await go({ stdout: 'capture' }));
      if (!r.stdout.includes('hello')) throw new Error(`run --yes did not print hello: ${r.stdout}`);
      const [a, b, ac, bc] = await interleave([go, nodeE0, () => go({ cpu: true }), nodeE0Cpu], { runs: STARTUP_RUNS, label: 'run one' });
      a.forEach((x) => check('run one', x));
      ratioRow('`run --yes` of one command (`echo hello`) vs `node -e 0`', 'run-one', a, b, 2.5, STARTUP_RUNS, {}, [ac, bc]);
    },
  },
  {
    key: 'run-id',
    async run() {
      // The README's way to run a runbook: by id. The id is looked up the way list reads the library (its cache
      // included) and only that runbook is read in full, so naming it costs about what its path does.
      log('run <id> --yes vs run <path> --yes (a folder of one runbook, searched with the bundled library)');
      const lib = join(work, 'by-id');
      mkdirSync(lib, { recursive: true });
      const file = join(lib, 'one.md');
      writeFileSync(file, oneCommandRunbook('echo hello'));
      const env = () => ({ ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() });
      const byId = (opts = {}) => runbook(['--dir', lib, 'run', 'one', '--yes'], { env: env(), ...opts });
      const byPath = (opts = {}) => runbook(['run', file, '--yes'], { env: env(), ...opts });
      const r = check('run by id', await byId({ stdout: 'capture' }));
      if (!r.stdout.includes('hello')) throw new Error(`run one --yes did not print hello: ${r.stdout}`);
      const [a, b, ac, bc] = await interleave([byId, byPath, () => byId({ cpu: true }), () => byPath({ cpu: true })], { runs: STARTUP_RUNS, label: 'run by id' });
      a.forEach((x) => check('run by id', x));
      ratioRow('`run <id> --yes` vs `run <path> --yes` (one command; its folder and the bundled library searched)', 'run-id', a, b, 1.1, STARTUP_RUNS, {}, [ac, bc]);
    },
  },
  {
    key: 'list-5000',
    async run() {
      log('list --json over 5,000 and 10,000 runbooks, without and with the cache (generating them)');
      const d5 = join(work, 'lib5k');
      const d10 = join(work, 'lib10k');
      writeLibrary(d5, 5000);
      writeLibrary(d10, 10000);
      spawnSync('sync'); // write the new files back now, not while we measure
      // Files changed in the last two seconds are never cached (src/runbook/listing.ts): let them age.
      await new Promise((r) => setTimeout(r, 2500));
      const noCache = { env: { ...baseEnv, RUNBOOK_NO_CACHE: '1' } };
      const list = (dir, opts = noCache) => runbook(['list', '--json', '--dir', dir], opts);
      for (const [dir, n] of [[d5, 5000], [d10, 10000]]) {
        const r = check('list --json', await list(dir, { ...noCache, stdout: 'capture' }));
        // The bundled library is always listed after the user's folders: count only the generated ones.
        const got = JSON.parse(r.stdout).filter((x) => x.path.startsWith(dir)).length;
        if (got !== n) throw new Error(`list --json over ${n} runbooks listed ${got}`);
        if (r.stderr) throw new Error(`list --json reported problems: ${r.stderr.slice(0, 500)}`);
      }
      const cached = () => runbook(['list', '--json', '--dir', d5], { env: baseEnv });
      const c0 = check('list --json (cached)', await runbook(['list', '--json', '--dir', d5], { env: baseEnv, stdout: 'capture' }));
      if (JSON.parse(c0.stdout).filter((x) => x.path.startsWith(d5)).length !== 5000) throw new Error('cached list --json did not list 5,000');
      const [a5, a10, c5] = await interleave([() => list(d5), () => list(d10), cached], { runs: RUNS, label: 'list 5k/10k/cached', warmup: 1 });
      a5.concat(a10, c5).forEach((x) => check('list --json', x));
      const t5 = ms(a5);
      const t10 = ms(a10);
      const tc = ms(c5);
      record({
        key: 'list-5000',
        name: '`runbook list --json` over 5,000 runbooks (no cache)',
        value: fmtMs(t5),
        baseline: '—',
        ratio: '—',
        target: '≤ 0.8 s',
        pass: t5 <= 800,
        runs: RUNS,
        raw: { measured_ms: t5, measured_all: a5.map((r) => r.ms) },
      });
      record({
        key: 'list-5000-cached',
        name: '`runbook list --json` over 5,000 runbooks, cached',
        value: fmtMs(tc),
        baseline: '—',
        ratio: '—',
        target: '≤ 0.3 s',
        pass: tc <= 300,
        runs: RUNS,
        raw: { measured_ms: tc, measured_all: c5.map((r) => r.ms) },
      });
      const ratio = t10 / t5;
      record({
        key: 'list-10000',
        name: '`runbook list --json` over 10,000 runbooks, vs 5,000 (no cache)',
        value: fmtMs(t10),
        baseline: fmtMs(t5),
        ratio: `${ratio.toFixed(2)}×`,
        target: '≤ 2.3×',
        pass: ratio <= 2.3,
        runs: RUNS,
        raw: { measured_ms: t10, baseline_ms: t5, ratio, measured_all: a10.map((r) => r.ms) },
      });
      rmSync(d5, { recursive: true, force: true });
      rmSync(d10, { recursive: true, force: true });
    },
  },
  {
    key: 'run-100',
    async run() {
      log('run --yes of 100 trivial commands vs a loop of 100 `bash -c true` + node -e 0');
      const file = join(work, 'many.md');
      writeFileSync(file, manyCommandsRunbook(100, 10));
      const go = () => runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() } });
      const base = () =>
        runOnce('bash', ['-c', `"${NODE}" -e 0; i=0; while [ $i -lt 100 ]; do bash -c true; i=$((i+1)); done`], { cwd: emptyCwd, env: baseEnv });
      const d = freshTimelineDir();
      check('run 100', await runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: d } }));
      const [a, b] = await interleave([go, base], { runs: RUNS, label: 'run 100' });
      a.forEach((x) => check('run 100', x));
      const per = (ms(a) - ms(b)) / 100;
      record({
        key: 'run-100',
        name: '`run --yes` of 100 trivial commands vs 100 × `bash -c true` + `node -e 0`',
        value: fmtMs(ms(a)),
        baseline: fmtMs(ms(b)),
        ratio: `+${per.toFixed(2)} ms/cmd`,
        target: '≤ +6 ms/cmd',
        pass: per <= 6,
        runs: RUNS,
        raw: { measured_ms: ms(a), baseline_ms: ms(b), extra_ms_per_command: per, measured_all: a.map((r) => r.ms), baseline_all: b.map((r) => r.ms) },
      });
    },
  },
  {
    key: 'run-300mb',
    async run() {
      log('run --yes of a command printing 300 MB into a pipe vs the command bare into the same pipe');
      const cmd = FLOOD_COMMAND;
      const file = join(work, 'flood.md');
      writeFileSync(file, oneCommandRunbook(cmd, 'flood'));
      const go = () =>
        runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() }, stdout: 'cat', rss: true });
      const bare = () => runOnce('sh', ['-c', cmd], { cwd: emptyCwd, env: baseEnv, stdout: 'cat', rss: true });
      const [a, b] = await interleave([go, bare], { runs: RUNS, label: 'run 300 MB' });
      a.forEach((x) => check('run 300 MB', x));
      const peak = rss(a);
      ratioRow('`run --yes` of a command printing 300 MB into a pipe vs the bare command', 'run-300mb', a, b, 2, RUNS, {
        rss: peak === null ? 'n/a' : `${fmtMb(peak)} (≤ 120 MB)`,
        rssPass: peak === null ? null : peak <= 120 * 1024,
      });
      const last = rows[rows.length - 1];
      last.raw.peak_rss_kb = peak;
      if (last.rssPass === false) last.pass = false;
    },
  },
  {
    key: 'append',
    async run() {
      log('timeline append with sync (writer API from dist/, 300 appends per process)');
      const worker = join(ROOT, 'bench', 'append-worker.js');
      const results = [];
      for (let i = 0; i < RUNS + 1; i++) {
        const p = join(freshTimelineDir(), 't.jsonl');
        const r = check('append', await runOnce(NODE, [worker, p, '300', join(APP, 'dist')], { cwd: emptyCwd, env: baseEnv, stdout: 'capture' }));
        if (i > 0) results.push(JSON.parse(r.stdout)); // the first is the warm-up
      }
      const med = median(results.map((r) => r.median));
      const p90 = median(results.map((r) => r.p90));
      record({
        key: 'append',
        name: 'timeline append with sync (median per event)',
        value: fmtMs(med),
        baseline: '—',
        ratio: `p90 ${fmtMs(p90)}`,
        target: '≤ 1 ms',
        pass: med <= 1,
        runs: RUNS,
        raw: { median_ms: med, p90_ms: p90, per_run: results },
      });
    },
  },
  {
    key: 'timeline-1m',
    async run() {
      log('replay --instant and incidents over a 1,000,000-event timeline vs jq -c . (generating it)');
      const dir = join(work, 'big');
      mkdirSync(dir);
      const file = join(dir, '20261128-030000-big.jsonl');
      const fd = openSync(file, 'w');
      const g = spawnSync(NODE, [join(ROOT, 'test', 'e2e', 'replay', 'generate-timeline.mjs'), '1000000'], { stdio: ['ignore', fd, 'inherit'] });
      closeSync(fd);
      if (g.status !== 0) throw new Error('generate-timeline.mjs failed');
      spawnSync('sync');
      const env = { ...baseEnv, RUNBOOK_TIMELINE_DIR: dir };
      const replay = () => runbook(['replay', '--instant', file], { env, rss: true });
      const incidents = () => runbook(['incidents'], { env, rss: true });
      const jq = () => runOnce('jq', ['-c', '.', file], { cwd: emptyCwd, env: baseEnv, rss: true });
      const r = check('incidents', await runbook(['incidents', '--json'], { env, stdout: 'capture' }));
      const inc = JSON.parse(r.stdout);
      if (inc.length !== 1 || inc[0].events !== 1_000_000) throw new Error(`incidents saw ${r.stdout.slice(0, 300)}`);
      const [a, i, b] = await interleave([replay, incidents, jq], { runs: BIG_RUNS, label: '1M events', warmup: 1 });
      a.concat(i).forEach((x) => check('1M', x));
      for (const [name, key, xs, limit] of [
        ['`replay --instant` of a 1,000,000-event timeline vs `jq -c .`', 'replay-1m', a, 0.4],
        ['`incidents` over a 1,000,000-event timeline vs `jq -c .`', 'incidents-1m', i, 1.0],
      ]) {
        const peak = rss(xs);
        ratioRow(name, key, xs, b, limit, BIG_RUNS, {
          rss: peak === null ? 'n/a' : `${fmtMb(peak)} (≤ 120 MB)`,
          rssPass: peak === null ? null : peak <= 120 * 1024,
        });
        const last = rows[rows.length - 1];
        last.raw.peak_rss_kb = peak;
        last.raw.jq_peak_rss_kb = rss(b);
        if (last.rssPass === false) last.pass = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    key: 'sea',
    async run() {
      // The single executable (npm run build:sea), when built: its start-up against node -e 0.
      const sea = join(ROOT, 'build', 'runbook');
      if (!existsSync(sea)) throw new Error('build/runbook is missing: run `npm run build:sea` first');
      log(`single executable (${fmtMb(statSync(sea).size / 1024)}): --version and list vs node -e 0`);
      const go = (args) => runOnce(sea, args, { cwd: emptyCwd, env: baseEnv });
      const [v, l, b] = await interleave([() => go(['--version']), () => go(['list']), nodeE0], { runs: STARTUP_RUNS, label: 'sea' });
      v.concat(l).forEach((x) => check('sea', x));
      ratioRow('single executable: `--version` vs `node -e 0`', 'sea-version', v, b, 1.5, STARTUP_RUNS);
      ratioRow('single executable: `list` (bundled library) vs `node -e 0`', 'sea-list', l, b, 2.5, STARTUP_RUNS);
    },
  },
  sessionMeasurement({ work, runbook, freshTimelineDir, baseEnv, interleave, check, record, ms, fmtMs, RUNS, log }),
  ...fleetMeasurements({ runbook, ratioRow, record, work, log, runs: RUNS, baseEnv, check, median, fmtMs }),
  ...mcpMeasurements({ NODE, BIN, baseEnv, emptyCwd, work, interleave, ratioRow, check, runbook, nodeE0, STARTUP_RUNS, RUNS, log }),
  {
    key: 'chain',
    async run() {
      // What the hash chain adds to an append (issue #16): hashing the line is its only work per event.
      log('hash chain: cost per appended event, and verify of a 1,000,000-event timeline vs sha256sum (generating it)');
      const p = join(freshTimelineDir(), 't.jsonl');
      check('append', await runOnce(NODE, [join(ROOT, 'bench', 'append-worker.js'), p, '300', join(APP, 'dist')], { cwd: emptyCwd, env: baseEnv, stdout: 'capture' }));
      const us = await chainCostPerEvent(join(APP, 'dist'), p);
      record({
        key: 'chain-append',
        name: 'hash chain: added to each append (SHA-256 of the line)',
        value: `${(us / 1000).toFixed(4)} ms`,
        baseline: '—',
        ratio: '—',
        target: '≤ 0.1 ms',
        pass: us <= 100,
        runs: 200,
        raw: { us_per_event: us },
      });
      const dir = join(work, 'chain');
      mkdirSync(dir);
      const file = join(dir, 'big.jsonl');
      writeChainedTimeline(NODE, ROOT, 1_000_000, file);
      spawnSync('sync');
      const r = check('verify', await runbook(['verify', file], { stdout: 'capture' }));
      if (!r.stdout.startsWith('ok: 1000001 events')) throw new Error(`verify said ${r.stdout.slice(0, 300)}`);
      const verify = () => runbook(['verify', file], { rss: true });
      const sum = () => runOnce('sha256sum', [file], { cwd: emptyCwd, env: baseEnv, rss: true });
      const [a, b] = await interleave([verify, sum], { runs: BIG_RUNS, label: 'verify 1M', warmup: 1 });
      a.forEach((x) => check('verify 1M', x));
      const peak = rss(a);
      ratioRow('`verify` of a 1,000,000-event timeline vs `sha256sum` of the file', 'chain-verify-1m', a, b, 3, BIG_RUNS, { rss: peak === null ? 'n/a' : fmtMb(peak) });
      rmSync(dir, { recursive: true, force: true });
    },
  },
  htmlMeasurement({ ROOT, NODE, work, runbook, interleave, record, log, RUNS }),
  ...floorMeasurements({ ROOT, NODE, BIN, work, baseEnv, emptyCwd, runOnce, runbook, nodeE0, freshTimelineDir, interleave, check, record, ms, fmtMs, STARTUP_RUNS, RUNS, log }),
];

function machine() {
  const cpuModel = (() => {
    try {
      return /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {}
  return {
    nproc,
    cpu: cpuModel,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`,
    node: process.version,
    loadavg: loadavg().map((x) => x.toFixed(2)).join(' '),
    peak_rss_by: TIME_BIN ? '/usr/bin/time -f %M' : '/proc/<pid>/status VmHWM (polled)',
  };
}

const started = Date.now();
const before = machine();
log(`runbook bench: ${before.nproc} cores, ${before.cpu}, node ${before.node}, load ${before.loadavg}; work dir ${work}`);
try {
  for (const m of measurements) {
    if (only.length && !only.some((w) => m.key.includes(w))) continue;
    const t0 = Date.now();
    try {
      await m.run();
    } catch (err) {
      // One broken measurement (a failed command, a missing tool) is reported; the others still run.
      log(`  ${m.key} FAILED: ${err instanceof Error ? err.message : String(err)}`);
      record({ key: m.key, name: m.key, value: 'error', baseline: '', ratio: '', target: '', pass: false, runs: 0, error: String(err instanceof Error ? err.message : err).slice(0, 2000) });
    }
    log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const after = machine();

const header = ['measurement', 'median', 'baseline', 'ratio', 'target', 'CPU ratio', 'peak RSS', 'runs', 'result'];
const body = rows.map((r) => [r.name, r.value, r.baseline, r.ratio, r.target, r.cpu ?? '', r.rss ?? '', String(r.runs), r.error ? 'ERROR' : r.reference ? 'reference' : r.pass ? 'ok' : 'MISSED']);
process.stdout.write(`\n${table(header, body)}\n\n`);
process.stdout.write(
  `machine: ${after.nproc} cores, ${after.cpu}, ${after.memory}, node ${after.node}; load average ${before.loadavg} at start, ${after.loadavg} at end; peak RSS by ${after.peak_rss_by}; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
);
writeFileSync(
  join(ROOT, 'bench', 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine: { ...after, loadavg_start: before.loadavg }, runs: { startup: STARTUP_RUNS, default: RUNS, big: BIG_RUNS }, results: rows }, null, 2)}\n`,
);
// BENCH_STRICT=1: exit 1 when a target is missed (for CI); otherwise the bench only reports.
if (process.env.BENCH_STRICT === "1" && !rows.every((r) => r.pass)) process.exitCode = 1;
