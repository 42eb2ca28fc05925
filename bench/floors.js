// The floors under the targets that runbook misses on the reference machine (issue 13): the same measurement
// made by a program that does only what the contract cannot do without, with the libraries it names (gray-matter
// and js-yaml, markdown-it, execa, node:crypto, synced writes; bench/floor/*.mjs). Each row is a reference,
// never a pass or a miss: it says how much of a target the minimum already takes on this machine, and so how much
// is left for everything else runbook does there (redaction, the lock, rendering, the session, checks, commander).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { noOldYaml } from '../scripts/no-old-yaml.mjs';
import { FLOOD_COMMAND, manyCommandsRunbook, oneCommandRunbook, writeLibrary } from './fixtures.js';

/**
 * Bundle bench/floor/<entry> into one CommonJS file in `dir`: its path, and with `cached` (written as
 * bin/compiled.js runs dist/run.cjs and dist/parse.cjs) the path its V8 code cache is looked for at.
 */
async function bundle(ROOT, dir, entry, cached = false) {
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, entry.replace(/\.mjs$/, '.cjs'));
  const r = await build({
    entryPoints: [join(ROOT, 'bench', 'floor', entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [noOldYaml],
    write: false,
    logLevel: 'warning',
  });
  const code = r.outputFiles[0].text;
  // As scripts/build.mjs writes run.cjs: the build id on line 1, then the CommonJS wrapper, so that
  // bin/compiled.js compiles it with a V8 code cache made by a first run (as the build's warm-up run does).
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(outfile, cached ? `// runbook-build ${id}\n(function (exports, require, module, __filename, __dirname) {${code}\n})` : code);
  return { prog: outfile, cache: `${outfile}.${id}.cache` };
}

/** The phases bench/floor/phases.cjs marks, in the order a run passes them: [name, from mark, to mark]. */
const PHASES = [
  ['Node starts, until the program\'s first line', null, 'entry'],
  ['reads its bundle and code cache', 'entry', 'compile'],
  ['compiles the bundle from the cache', 'compile', 'compiled'],
  ['loads, parses, checks, opens the timeline', 'compiled', 'first-event'],
  ['until the command is spawned', 'first-event', 'spawn'],
  ['spawn (fork and exec of the shell)', 'spawn', 'spawned'],
  ['the command runs (shell start to exit)', 'spawned', 'command-exit'],
  ['after the command, until exit', 'command-exit', 'exit'],
  ['exit, until the process is gone', 'exit', null],
];

/** Per-phase medians of the floor's runs `a` and runbook's `c` (each with its marks), as lines of a table. */
function phaseTable(a, c) {
  const at = (r, k) => {
    if (typeof r.marks[k] !== 'number') throw new Error(`phases: no "${k}" mark in ${JSON.stringify(r.marks)}`);
    return r.marks[k];
  };
  const span = (r, from, to) => (to === null ? r.ms : at(r, to)) - (from === null ? 0 : at(r, from));
  const med = (rs, from, to) => {
    const v = rs.map((r) => span(r, from, to)).sort((x, y) => x - y);
    return v[v.length >> 1];
  };
  const phases = PHASES.map(([name, from, to]) => ({ name, floor_ms: med(a, from, to), runbook_ms: med(c, from, to) }));
  const lines = phases.map((p) => `${p.name.padEnd(44)} floor ${p.floor_ms.toFixed(1).padStart(6)}  runbook ${p.runbook_ms.toFixed(1).padStart(6)}  (${p.runbook_ms >= p.floor_ms ? '+' : ''}${(p.runbook_ms - p.floor_ms).toFixed(1)})`);
  const top = [...phases].sort((x, y) => y.runbook_ms - y.floor_ms - (x.runbook_ms - x.floor_ms)).slice(0, 3);
  return { phases, lines, summary: top.map((p) => `${p.name} +${(p.runbook_ms - p.floor_ms).toFixed(0)}`).join('; ') };
}

/** `ctx`: what run.js shares. */
export function floorMeasurements(ctx) {
  const { ROOT, NODE, BIN, work, baseEnv, emptyCwd, runOnce, runbook, nodeE0, freshTimelineDir, interleave, check, record, ms, fmtMs, STARTUP_RUNS, RUNS, log } = ctx;
  const dir = join(work, 'floor');
  const row = (key, name, a, b, text, raw) =>
    record({ key, name, value: fmtMs(ms(a)), baseline: fmtMs(ms(b)), ratio: text, target: 'reference', pass: true, reference: true, runs: a.length, raw: { measured_ms: ms(a), baseline_ms: ms(b), measured_all: a.map((r) => r.ms), baseline_all: b.map((r) => r.ms), ...raw } });
  // The floor of one command, bundled with its code cache made: its start file, the runbook it runs, and a run of it.
  const floorOne = async () => {
    const { prog, cache } = await bundle(ROOT, dir, 'one.mjs', true);
    const start = join(dir, 'start.cjs');
    writeFileSync(start, `require(${JSON.stringify(join(BIN, '..', 'compiled.js'))}).start(${JSON.stringify(prog)});\n`);
    const file = join(work, 'floor-one.md');
    writeFileSync(file, oneCommandRunbook('echo hello'));
    const go = (env = baseEnv, pre = []) => runOnce(NODE, [...pre, start, file, freshTimelineDir()], { cwd: emptyCwd, env });
    check('floor one (cache made)', await go({ ...baseEnv, RUNBOOK_CODE_CACHE_OUT: cache }));
    return { file, go };
  };
  return [
    {
      key: 'floor-run-one',
      async run() {
        log('floor: one command with only the libraries the contract names (code cache as run uses) vs node -e 0, and runbook');
        const { file, go } = await floorOne();
        const ours = () => runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() } });
        const [a, b, c] = await interleave([() => go(), nodeE0, ours], { runs: STARTUP_RUNS, label: 'floor run one' });
        a.concat(c).forEach((x) => check('floor run one', x));
        row('floor-run-one', 'floor: one command, the named libraries only, vs `node -e 0` (target for runbook: ≤ 2.5×)', a, b, `${(ms(a) / ms(b)).toFixed(2)}× (runbook ${(ms(c) / ms(b)).toFixed(2)}×, ${fmtMs(ms(c))})`, { runbook_ms: ms(c), runbook_all: c.map((r) => r.ms) });
      },
    },
    {
      key: 'floor-run-one-phases',
      async run() {
        log('floor: where the time of one command goes, phase by phase, runbook against the floor (bench/floor/phases.cjs)');
        const { file, go } = await floorOne();
        const pre = ['-r', join(ROOT, 'bench', 'floor', 'phases.cjs')];
        const marksFile = join(work, 'phases.json');
        const marked = (thunk) => async () => {
          const r = await thunk();
          return { ...r, marks: JSON.parse(readFileSync(marksFile, 'utf8')) };
        };
        const env = { ...baseEnv, RUNBOOK_BENCH_PHASES: marksFile };
        const floor = marked(() => go(env, pre));
        const ours = marked(() => runOnce(NODE, [...pre, BIN, 'run', file, '--yes'], { cwd: emptyCwd, env: { ...env, RUNBOOK_TIMELINE_DIR: freshTimelineDir() } }));
        const [a, c] = await interleave([floor, ours], { runs: STARTUP_RUNS, label: 'phases' });
        a.concat(c).forEach((r) => check('phases', r));
        const table = phaseTable(a, c);
        for (const line of table.lines) log(`  ${line}`);
        row('floor-run-one-phases', 'floor: one command phase by phase, runbook minus the floor (ms, medians)', c, a, table.summary, { phases: table.phases });
      },
    },
    {
      key: 'floor-run-100',
      async run() {
        log('floor: 100 trivial commands, two events each, started by execa or by the launcher, vs the bash loop');
        const { prog } = await bundle(ROOT, dir, 'per-command.mjs');
        const file = join(work, 'floor-many.md');
        writeFileSync(file, manyCommandsRunbook(100, 10));
        const floor = (how) => () => runOnce(NODE, [prog, how, '100', freshTimelineDir()], { cwd: emptyCwd, env: baseEnv });
        const base = () => runOnce('bash', ['-c', `"${NODE}" -e 0; i=0; while [ $i -lt 100 ]; do bash -c true; i=$((i+1)); done`], { cwd: emptyCwd, env: baseEnv });
        const ours = () => runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() } });
        const [x, l, b, c] = await interleave([floor('execa'), floor('launcher'), base, ours], { runs: RUNS, label: 'floor run 100' });
        x.concat(l, c).forEach((r) => check('floor run 100', r));
        const per = (rs) => (ms(rs) - ms(b)) / 100;
        const note = `(runbook +${per(c).toFixed(2)})`;
        row('floor-run-100-execa', 'floor: per command, execa from Node, vs 100 × `bash -c true` (target for runbook: ≤ +6 ms)', x, b, `+${per(x).toFixed(2)} ms/cmd ${note}`, { extra_ms_per_command: per(x), runbook_extra_ms_per_command: per(c) });
        row('floor-run-100-launcher', "floor: per command, runbook's launcher, vs 100 × `bash -c true`", l, b, `+${per(l).toFixed(2)} ms/cmd ${note}`, { extra_ms_per_command: per(l) });
      },
    },
    {
      key: 'floor-run-300mb',
      async run() {
        log('floor: 300 MB relayed by execa from Node with the output\'s ends recorded, vs the bare command, and runbook');
        const { prog } = await bundle(ROOT, dir, 'relay.mjs');
        const file = join(work, 'floor-flood.md');
        writeFileSync(file, oneCommandRunbook(FLOOD_COMMAND, 'flood'));
        const floor = () => runOnce(NODE, [prog, FLOOD_COMMAND, freshTimelineDir()], { cwd: emptyCwd, env: baseEnv, stdout: 'cat' });
        const bare = () => runOnce('sh', ['-c', FLOOD_COMMAND], { cwd: emptyCwd, env: baseEnv, stdout: 'cat' });
        const ours = () => runbook(['run', file, '--yes'], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() }, stdout: 'cat' });
        const [a, b, c] = await interleave([floor, bare, ours], { runs: RUNS, label: 'floor 300 MB' });
        a.concat(c).forEach((r) => check('floor 300 MB', r));
        row('floor-run-300mb', 'floor: 300 MB relayed by execa from Node, vs the bare command (target for runbook: ≤ 2×)', a, b, `${(ms(a) / ms(b)).toFixed(2)}× (runbook ${(ms(c) / ms(b)).toFixed(2)}×, ${fmtMs(ms(c))})`, { runbook_ms: ms(c), runbook_all: c.map((r) => r.ms) });
      },
    },
    {
      key: 'floor-list-5000',
      async run() {
        log('floor: list --json over 5,000 runbooks with only the named parsers (from a code cache, as list loads its parser), vs runbook (no cache)');
        // From a V8 code cache, as runbook's parser is (dist/parse.cjs), made by a first run over the bundled runbooks.
        const { prog, cache } = await bundle(ROOT, dir, 'list.mjs', true);
        const start = join(dir, 'start-list.cjs');
        writeFileSync(start, `require(${JSON.stringify(join(BIN, '..', 'compiled.js'))}).start(${JSON.stringify(prog)});\n`);
        check('floor list (cache made)', await runOnce(NODE, [start, join(ROOT, 'runbooks')], { cwd: emptyCwd, env: { ...baseEnv, RUNBOOK_CODE_CACHE_OUT: cache } }));
        const lib = join(work, 'floor-lib5k');
        writeLibrary(lib, 5000);
        const floor = () => runOnce(NODE, [start, lib], { cwd: emptyCwd, env: baseEnv });
        const ours = () => runbook(['list', '--json', '--dir', lib], { env: { ...baseEnv, RUNBOOK_NO_CACHE: '1' } });
        const [a, c] = await interleave([floor, ours], { runs: RUNS, label: 'floor list 5000' });
        a.concat(c).forEach((r) => check('floor list 5000', r));
        row('floor-list-5000', 'floor: `list --json` over 5,000, the named parsers only (target for runbook: ≤ 0.8 s), vs runbook', a, c, `${(ms(a) / ms(c)).toFixed(2)}×`, {});
      },
    },
  ];
}
