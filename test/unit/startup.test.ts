// Start-up cost: the commands that must be quick never load inquirer or execa. Checked on the static import
// graph of the sources (dynamic `import()` is how heavy modules are deferred, so it is not followed).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire, isBuiltin } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    // `import x from '...'` and `export ... from '...'`, not `import type` (erased) and not `import('...')`.
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith('.')) {
        const ts = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(ts)) visit(ts);
      } else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
    // createRequire('pkg') loads count too.
    for (const m of text.matchAll(/createRequire\([^)]*\)\('([^']+)'\)/g)) packages.add(m[1] as string);
  };
  visit(join(SRC, entry));
  return { files, packages };
}

describe('start-up: what each quick command loads', () => {
  it.each(['main.ts', 'cli.ts', 'commands/list.ts', 'commands/show.ts', 'commands/lint.ts', 'commands/new.ts', 'commands/completion.ts', 'commands/incidents.ts', 'commands/replay.ts', 'commands/export.ts'])(
    '%s never loads inquirer or execa',
    (entry) => {
      const { packages, files } = staticClosure(entry);
      expect([...packages].filter((p) => p.startsWith('@inquirer') || p === 'execa' || p === 'inquirer')).toEqual([]);
      expect([...files].map((f) => f.slice(SRC.length + 1)).filter((f) => f.startsWith('adapters/prompter') || f.startsWith('adapters/executor'))).toEqual([]);
    },
  );

  it('colour (chalk) is loaded only when wanted: no quick command imports it statically', () => {
    for (const entry of ['main.ts', 'commands/list.ts', 'commands/show.ts', 'commands/lint.ts']) expect(staticClosure(entry).packages.has('chalk')).toBe(false);
  });

  it('main.ts loads nothing but its own error and io modules before routing (commander comes with cli.ts)', () => {
    const { packages } = staticClosure('main.ts');
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('runbook mcp answers initialize before the MCP SDK and zod load: its command module imports neither statically', () => {
    for (const entry of ['commands/mcp.ts', 'main.ts', 'commands/list.ts', 'commands/show.ts']) {
      const { packages } = staticClosure(entry);
      expect([...packages].filter((p) => p === '@modelcontextprotocol/sdk' || p === 'zod'), entry).toEqual([]);
    }
    expect(staticClosure('mcp/server.ts').packages.has('@modelcontextprotocol/sdk')).toBe(true);
  });

  it('the check itself sees heavy imports where they are', () => {
    expect(staticClosure('adapters/prompter.ts').packages.has('@inquirer/prompts')).toBe(true);
    expect(staticClosure('adapters/executor.ts').packages.has('execa')).toBe(true);
  });
});

// The bundle (dist/, built by `npm run build`): what each command really loads, traced in a spawned CLI.
describe('start-up of the bundle: what each command loads at run time', () => {
  const ROOT = join(SRC, '..');
  const DIST = join(ROOT, 'dist');
  const BIN = join(ROOT, 'bin', 'runbook.js');
  const TRACE = join(ROOT, 'test', 'helpers', 'trace-loads.mjs');

  function traced(args: string[], env: NodeJS.ProcessEnv = {}, bin = BIN): { loaded: string[]; status: number | null; stdout: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-trace-'));
    const out = join(dir, 'loads');
    writeFileSync(out, '');
    const base = { ...process.env };
    for (const k of ['RUNBOOK_PATH', 'NODE_OPTIONS']) delete base[k];
    const r = spawnSync(process.execPath, ['--import', TRACE, bin, ...args], {
      cwd: dir,
      env: { ...base, NO_COLOR: '1', RUNBOOK_TRACE_LOADS: out, RUNBOOK_TIMELINE_DIR: join(dir, 'incidents'), XDG_CACHE_HOME: join(dir, 'cache'), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const loaded = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
    rmSync(dir, { recursive: true, force: true });
    return { loaded, status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  /** Loaded files of our own (not node: built-ins, not the preload and its hook). */
  const ours = (loaded: string[]): string[] =>
    loaded.filter((u) => !u.startsWith('node:') && !u.startsWith('builtin:') && !u.startsWith('data:') && !u.startsWith('vm-cache:') && !(u.startsWith('require:') && isBuiltin(u.slice(8))) && !u.endsWith('trace-loads.mjs'));
  const meta = (): { outputs: Record<string, { inputs: Record<string, unknown> }> } => JSON.parse(readFileSync(join(DIST, 'meta.json'), 'utf8'));
  /** The source files bundled into one of dist/'s CommonJS files, from its source map (as meta.json names them). */
  const sourcesOf = (file: string): string[] =>
    (JSON.parse(readFileSync(join(DIST, `${file}.map`), 'utf8')) as { sources: string[] }).sources.map((f) => relative(ROOT, join(DIST, f)));
  /** The source files bundled into the chunks a process loaded. */
  function inputsOf(loaded: string[]): string[] {
    const m = meta();
    return ours(loaded)
      .filter((u) => u.startsWith('file:'))
      .flatMap((u) => Object.keys(m.outputs[relative(ROOT, fileURLToPath(u))]?.inputs ?? {}));
  }

  it('--version is answered by bin/runbook.js (CommonJS) from package.json: no chunk of the bundle is loaded', () => {
    const r = traced(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    const loaded = ours(r.loaded);
    expect(loaded).toContain(`require:${BIN}`);
    expect(loaded).toContain('require:../package.json');
    expect(loaded.filter((u) => u.includes('/dist/'))).toEqual([]);
  });

  it('main.js on its own (the single executable runs it as its entry) answers --version from its small shared chunks only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-trace-'));
    const out = join(dir, 'loads');
    writeFileSync(out, '');
    const r = spawnSync(process.execPath, ['--import', TRACE, join(DIST, 'main.js'), '--version'], { env: { ...process.env, RUNBOOK_TRACE_LOADS: out }, encoding: 'utf8', timeout: 60_000 });
    const loaded = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
    rmSync(dir, { recursive: true, force: true });
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const files = ours(loaded).filter((u) => u.startsWith('file:')).map((u) => relative(ROOT, fileURLToPath(u)));
    expect(files).toContain('dist/main.js');
    expect(files.every((f) => f.startsWith('dist/')), files.join(' ')).toBe(true);
    expect(files.length, files.join(' ')).toBeLessThanOrEqual(3);
    for (const f of files) expect(statSync(join(ROOT, f)).size).toBeLessThan(8_000);
    expect(inputsOf(loaded).filter((i) => !i.startsWith('src/') && i !== '<runtime>')).toEqual([]);
    expect(inputsOf(loaded).filter((i) => i.startsWith('src/commands/') || i === 'src/cli.ts')).toEqual([]);
  });

  it('list loads only bundle chunks: gray-matter with js-yaml 4 inside, never esprima, js-yaml 3, execa or inquirer', () => {
    const r = traced(['list', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(3);
    // Nothing resolved outside dist/ but bin/compiled.js, which compiles the parser from dist/parse.cjs with its
    // code cache, list's own V8 flags notwithstanding (no node_modules at all: what the bundle holds is all it runs).
    expect(ours(r.loaded).filter((u) => !u.startsWith(pathToFileURL(DIST).href) && !u.endsWith('/bin/runbook.js') && u !== 'require:../bin/compiled.js')).toEqual([]);
    expect(r.loaded).toContain(`vm-cache:${join(DIST, 'parse.cjs')} used`);
    expect(inputsOf(r.loaded).filter((i) => /markdown-it|js-yaml|gray-matter|src\/runbook\/parse\.ts/.test(i))).toEqual([]);
    const inputs = sourcesOf('parse.cjs');
    expect(inputs).toContain('node_modules/gray-matter/index.js');
    expect(inputs).toContain('node_modules/js-yaml/index.js'); // js-yaml 4's CommonJS entry (3's is lib/js-yaml.js)
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules/js-yaml/package.json'), 'utf8')).version).toMatch(/^4\./);
    expect(inputs.filter((i) => /esprima|gray-matter\/node_modules|execa|@inquirer|@modelcontextprotocol|node_modules\/zod/.test(i))).toEqual([]);
    // commander's child_process is loaded on its first spawn only (scripts/build.mjs): never, for list.
    expect(r.loaded.filter((u) => u.includes('child_process'))).toEqual([]);
    // The parser loads node:crypto only to hash a runbook (~6 ms), which list never does, cached or not.
    expect(r.loaded.filter((u) => /^(require:)?(node:)?crypto$/.test(u))).toEqual([]);
  });

  it('a cached `runbook list` loads neither the parser nor node:crypto (its cache files are named by a plain hash)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'runbook-trace-cache-'));
    try {
      expect(traced(['list'], { XDG_CACHE_HOME: cache }).status).toBe(0);
      const r = traced(['list'], { XDG_CACHE_HOME: cache });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('getting-started');
      expect(inputsOf(r.loaded).filter((i) => /markdown-it|js-yaml|gray-matter|src\/runbook\/parse\.ts/.test(i))).toEqual([]);
      expect(r.loaded.filter((u) => /^(require:)?(node:)?crypto$/.test(u))).toEqual([]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a dist/ without parse.cjs (built before it) parses with the ES module chunks: the same list', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'runbook-no-parse-cjs-'));
    try {
      for (const d of ['bin', 'dist', 'runbooks']) mkdirSync(join(pkg, d));
      for (const f of ['package.json', 'bin/runbook.js', 'bin/compiled.js', 'bin/package.json']) copyFileSync(join(ROOT, f), join(pkg, f));
      for (const f of readdirSync(DIST).filter((n) => n.endsWith('.js') || n.endsWith('.json') || n.startsWith('run.cjs'))) copyFileSync(join(DIST, f), join(pkg, 'dist', f));
      for (const f of readdirSync(join(ROOT, 'runbooks'))) copyFileSync(join(ROOT, 'runbooks', f), join(pkg, 'runbooks', f));
      expect(existsSync(join(pkg, 'dist', 'parse.cjs'))).toBe(false);
      const fallback = traced(['list', '--json'], {}, join(pkg, 'bin', 'runbook.js'));
      expect(fallback.status, fallback.stderr).toBe(0);
      expect(fallback.loaded.filter((u) => u.startsWith('vm-cache:'))).toEqual([]);
      const chunks = fallback.loaded.filter((u) => u.startsWith(pathToFileURL(join(pkg, 'dist')).href));
      expect(chunks.some((u) => readFileSync(fileURLToPath(u), 'latin1').includes('function parseRunbook('))).toBe(true);
      const real = traced(['list', '--json']);
      expect(fallback.stdout.replaceAll(pkg, ROOT)).toBe(real.stdout);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('show and lint compile the parser from dist/parse.cjs with its code cache, not from its ES module chunks', () => {
    for (const args of [['show', 'disk-full'], ['lint']]) {
      const r = traced(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.loaded, args.join(' ')).toContain(`vm-cache:${join(DIST, 'parse.cjs')} used`);
      expect(inputsOf(r.loaded).filter((i) => /markdown-it|js-yaml|gray-matter|src\/runbook\/parse\.ts/.test(i)), args.join(' ')).toEqual([]);
    }
  });

  it('a bare `runbook list` loads neither commander nor the command line module; with an option it does', () => {
    const bare = traced(['list']);
    expect(bare.status).toBe(0);
    expect(bare.stdout).toContain('getting-started');
    expect(inputsOf(bare.loaded).filter((i) => i.includes('node_modules/commander') || i === 'src/cli.ts')).toEqual([]);
    const withOption = traced(['list', '--tag', 'linux']);
    expect(withOption.status).toBe(0);
    expect(inputsOf(withOption.loaded)).toContain('src/cli.ts');
    // Few files: Node's module loader costs ~0.75 ms a file. The small modules every command needs share one
    // chunk (src/prelude.ts); without it this list (its cache empty, so the parser loads too) read 21 files of
    // the bundle, and a cached one 16, 9 of them under 1.1 KB (now 13 and 8).
    const files = ours(bare.loaded).filter((u) => u.startsWith(pathToFileURL(DIST).href));
    expect(files.length, files.join(' ')).toBeLessThanOrEqual(14);
  });

  it('the bundle of runbook mcp: the chunks it loads before answering initialize hold no SDK and no zod', () => {
    const m = JSON.parse(readFileSync(join(DIST, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[]; entryPoint?: string }> };
    const chunkOf = (src: string): string => Object.keys(m.outputs).find((o) => !o.endsWith('.map') && src in m.outputs[o]!.inputs) as string;
    // Static imports only: the server (and with it the SDK) comes through a dynamic import().
    const closure = (start: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(start)) return seen;
      seen.add(start);
      for (const i of m.outputs[start]?.imports ?? []) if (i.kind === 'import-statement') closure(i.path, seen);
      return seen;
    };
    const front = closure(chunkOf('src/commands/mcp.ts'));
    const inputs = [...front].flatMap((o) => Object.keys(m.outputs[o]?.inputs ?? {}));
    expect(inputs).toContain('src/mcp/hello.ts');
    expect(inputs.filter((i) => /@modelcontextprotocol|node_modules\/zod|src\/mcp\/server/.test(i))).toEqual([]);
    expect(Object.keys(m.outputs[chunkOf('src/mcp/server.ts')]!.inputs).some((i) => i.includes('@modelcontextprotocol/sdk'))).toBe(true);
  });

  it('run, drill and gameday load dist/run.cjs (execa inside, execa\'s node:v8 never); the others, help run included, load dist/main.js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-trace-rb-'));
    const file = join(dir, 'one.md');
    writeFileSync(file, '# One\n\n## Say\n\n```sh\necho traced-hello\n```\n');
    const run = traced(['--dir', dir, 'run', file, '--yes']);
    const list = traced(['--dir', dir, 'list']);
    const drill = traced([`--dir=${dir}`, 'drill', '--help']);
    const gameday = traced(['gameday', '--list']);
    const help = traced(['help', 'run']);
    rmSync(dir, { recursive: true, force: true });
    for (const [r, what] of [[drill, 'drill'], [gameday, 'gameday'], [help, 'help run']] as const) expect(r.status, `${what}: ${r.stderr}`).toBe(0);
    expect(ours(drill.loaded)).toContain('require:./compiled.js');
    expect(ours(gameday.loaded)).toContain('require:./compiled.js');
    expect(ours(help.loaded)).not.toContain('require:./compiled.js');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('traced-hello');
    expect(ours(run.loaded)).toContain('require:./compiled.js');
    expect(run.loaded).toContain(`vm-cache:${join(DIST, 'run.cjs')} used`);
    // run.cjs holds the parser: dist/parse.cjs is for the ES module build.
    expect(run.loaded.filter((u) => u.includes('parse.cjs'))).toEqual([]);
    expect(ours(run.loaded).filter((u) => u.startsWith('file:') && u.includes('/dist/'))).toEqual([]);
    // execa's node:v8 (only for its ipcInput option) is loaded on first use (scripts/build.mjs): never, for run.
    expect(run.loaded.filter((u) => /^(require:)?(node:)?v8$/.test(u))).toEqual([]);
    // Nor node:perf_hooks (nine internal modules, ~1 ms), by import or through the global `performance`: the
    // monotonic clock is process.hrtime (src/adapters/clock.ts).
    expect(run.loaded).toContain('builtin:child_process');
    expect(run.loaded.filter((u) => /perf_hooks/.test(u))).toEqual([]);
    expect(list.status).toBe(0);
    expect(ours(list.loaded)).not.toContain('require:./compiled.js');
    expect(ours(list.loaded)).toContain(pathToFileURL(join(DIST, 'main.js')).href);
    // What run.cjs holds (its source map's sources): the runner and execa, not the MCP SDK nor the HTML player.
    const sources = (JSON.parse(readFileSync(join(DIST, 'run.cjs.map'), 'utf8')) as { sources: string[] }).sources;
    expect(sources.some((f) => f.includes('node_modules/execa/'))).toBe(true);
    expect(sources.some((f) => f.endsWith('src/commands/run.ts'))).toBe(true);
    expect(sources.filter((f) => /@modelcontextprotocol|node_modules\/zod|asciinema-player|src\/mcp\/server|src\/report\/export-html/.test(f))).toEqual([]);
    // Nor chardet's guess and iconv-lite's tables (550 KB) for the editor: src/adapters/edited-text.ts reads it back.
    expect(sources.filter((f) => /node_modules\/(chardet|iconv-lite)\//.test(f))).toEqual([]);
    expect(sources.some((f) => f.endsWith('src/adapters/edited-text.ts'))).toBe(true);
    expect(Object.values(meta().outputs).flatMap((o) => Object.keys(o.inputs)).filter((f) => /node_modules\/(chardet|iconv-lite)\//.test(f))).toEqual([]);
    // Plain ASCII (scripts/build.mjs, ASCII_REGEX_LITERALS), so bin/compiled.js reads it as Latin-1, not UTF-8.
    const bytes = readFileSync(join(DIST, 'run.cjs'));
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it("run.cjs's code cache: used as built, looked for under its own build's id only, refused by V8 when damaged (the bundle still runs)", () => {
    const probe = (file: string): { used: boolean; cacheFile: string; out: string } => {
      const r = spawnSync(
        process.execPath,
        // The bundle then runs as bin/compiled.js runs it: process.argv.slice(2) is ['--version'].
        ['-e', `const c = require(${JSON.stringify(join(ROOT, 'bin', 'compiled.js'))}).compile(${JSON.stringify(file)});
console.log(JSON.stringify({ used: c.used, cacheFile: c.cacheFile }));
const m = { exports: {} }; c.script.runInThisContext().call(m.exports, m.exports, require, m, ${JSON.stringify(file)}, ${JSON.stringify(dirname(file))});`, 'x', '--version'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const [json, version] = r.stdout.split('\n');
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      return { ...(JSON.parse(json as string) as { used: boolean; cacheFile: string }), out: r.stdout };
    };
    const built = probe(join(DIST, 'run.cjs'));
    expect(built.used).toBe(true);
    expect(built.cacheFile).toMatch(/dist\/run\.cjs\.[0-9a-f]{16}\.cache$/);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    try {
      // Another build (one byte changed, so another id): the cache beside it was made for the first one.
      const text = readFileSync(join(DIST, 'run.cjs'), 'latin1');
      const id = /^\/\/ runbook-build ([0-9a-f]{16})\n/.exec(text)?.[1] as string;
      const other = join(dir, 'run.cjs');
      writeFileSync(other, text.replace(id, id.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))), 'latin1');
      copyFileSync(built.cacheFile, join(dir, `run.cjs.${id}.cache`));
      expect(probe(other).used).toBe(false);
      // The right name, damaged content: V8 checks it and compiles the script itself.
      const same = join(dir, 'same', 'run.cjs');
      mkdirSync(dirname(same));
      copyFileSync(join(DIST, 'run.cjs'), same);
      const damaged = readFileSync(built.cacheFile);
      damaged.fill(7, 0, 64);
      writeFileSync(`${same}.${id}.cache`, damaged);
      expect(probe(same).used).toBe(false);
      // A cache larger than its script (read into a buffer of its own, not the script's): refused by V8, and
      // the script still runs.
      const small = join(dir, 'small', 'run.cjs');
      mkdirSync(dirname(small));
      writeFileSync(small, `// runbook-build ${id}\n(function (exports, require, module, __filename, __dirname) {console.log('0.0.1');\n})`);
      writeFileSync(`${small}.${id}.cache`, Buffer.alloc(64 * 1024, 7));
      const tiny = probe(small);
      expect(tiny.used).toBe(false);
      expect(tiny.out).toMatch(/\n0\.0\.1\n/);
      // A run.cjs built before the build wrote the CommonJS wrapper in: bin/compiled.js wraps it itself.
      const plain = join(dir, 'plain', 'run.cjs');
      mkdirSync(dirname(plain));
      const unwrapped = text.replace('\n(function (exports, require, module, __filename, __dirname) {', '\n').replace(/\n\}\)\n(\/\/# sourceMappingURL=\S+\n?)$/, '\n$1');
      expect(unwrapped.length).toBe(text.length - '(function (exports, require, module, __filename, __dirname) {'.length - 3);
      writeFileSync(plain, unwrapped, 'latin1');
      expect(probe(plain).out).toMatch(/\n\d+\.\d+\.\d+\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run.cjs is strict mode throughout, as the ES modules are; without it, bin/runbook.js falls back to dist/main.js', () => {
    // The file is the CommonJS wrapper function (line 2 opens it, after the build id's comment), and the
    // directive must open its body: esbuild's own "use strict" follows the banner, where it is a plain expression.
    // The function as line 2 opens it, closed after a probe of strict mode.
    const [first, second] = readFileSync(join(DIST, 'run.cjs'), 'latin1').split('\n', 2) as [string, string];
    expect(second.startsWith('(function (exports, require, module, __filename, __dirname) {')).toBe(true);
    const opened = new Function(`${first}\nreturn ${second}\nreturn (function () { return this === undefined; })();\n});`)() as (...a: unknown[]) => boolean;
    expect(opened({}, createRequire(import.meta.url), { exports: {} }, join(DIST, 'run.cjs'), DIST)).toBe(true);
    const r = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(join(ROOT, 'bin', 'compiled.js'))}).start('/nonexistent/run.cjs'))`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout.trim(), r.stderr).toBe('false');
  });

  it('the bundle require()s only Node built-ins (the banner makes its require lazily, without node_modules paths)', () => {
    const required = readdirSync(DIST)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...readFileSync(join(DIST, f), 'utf8').matchAll(/__require\("([^"]+)"\)/g)].map((m) => m[1] as string));
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((id) => !isBuiltin(id))).toEqual([]);
    // run.cjs is CommonJS: its require() is Node's own.
    const cjs = [...readFileSync(join(DIST, 'run.cjs'), 'latin1').matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2] as string);
    expect(cjs.length).toBeGreaterThan(10);
    expect(cjs.filter((id) => !isBuiltin(id))).toEqual([]);
  });

  it("an internal error's stack names src/ files and lines, not only dist/ chunks", () => {
    const r = traced(['list'], { NODE_OPTIONS: `--import ${join(ROOT, 'test', 'helpers', 'throw-in-sort.mjs')}` });
    expect(r.status).toBe(70);
    expect(r.stderr).toContain('internal error');
    expect(r.stderr).toContain('simulated bug');
    expect(r.stderr).toMatch(/src\/commands\/list\.ts:\d+:\d+/);
    // The very line: the build must not shift lines of src/ (the prelude import goes on a file's first line).
    const line = readFileSync(join(ROOT, 'src', 'commands', 'list.ts'), 'utf8').split('\n').findIndex((l) => l.includes('await listedRunbooks(')) + 1;
    expect(line).toBeGreaterThan(1);
    expect(r.stderr).toContain(`src/commands/list.ts:${line}:`);
  });

  it("an internal error in `run` (dist/run.cjs, from its code cache) names the very src/ line too", () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-bug-'));
    try {
      const file = join(dir, 'a.md');
      writeFileSync(file, '---\ntitle: A\nlast_reviewed: 2026-01-01\n---\n# A\n\n```sh\ntrue\n```\n');
      const r = traced(['run', file, '--yes'], { NODE_OPTIONS: `--import ${join(ROOT, 'test', 'helpers', 'throw-in-iso-date.mjs')}` });
      expect(ours(r.loaded)).toContain('require:./compiled.js');
      expect(r.status).toBe(70);
      expect(r.stderr).toContain('simulated bug');
      // The first frame of ours: its src/ line holds the call that threw, whichever it is.
      const frame = /\(([^()\s]*\/src\/[^()\s]+\.ts):(\d+):(\d+)\)/.exec(r.stderr);
      expect(frame, r.stderr).not.toBeNull();
      const [, src, n, col] = frame as unknown as [string, string, string, string];
      const text = readFileSync(src, 'utf8').split('\n')[Number(n) - 1] ?? '';
      // And the very column: the wrapper on run.cjs's second line must not shift the mapping.
      expect(text.slice(Number(col) - 1).startsWith('toISOString'), `${src}:${n}:${col}`).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
