// `npm run build`: bundle src/ with esbuild into dist/ (ESM, code-split). main.js is small; every command is
// a chunk loaded by main's dynamic import(), so --version/list/show/lint never load execa, inquirer or the
// runner. Source maps are written beside each chunk; src/source-stack.ts maps an internal error's stack
// back to src/ lines (cheaper than --enable-source-maps, which parses every map at start-up).
//
//   node scripts/build.mjs          dist/ (what bin/runbook.js imports)
//   node scripts/build.mjs --sea    build/sea/runbook.cjs: one CommonJS file with the runbooks inside (for build:sea)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { noOldYaml } from './no-old-yaml.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const sea = process.argv.includes('--sea');

/**
 * markdown-it has two regular expression literals holding a non-ASCII character (esbuild escapes every other
 * non-ASCII character, but leaves regular expressions as written). Written here as \u escapes, which match
 * the same code unit in a regular expression without the u flag, so dist/run.cjs is plain ASCII and
 * bin/compiled.js reads it as Latin-1 (UTF-8 decoding of its 1.65 MB costs ~6 ms of every `run`). Each is
 * replaced exactly where it stands, and the build fails if markdown-it no longer has it.
 */
const ASCII_REGEX_LITERALS = [
  { file: /[\\/]markdown-it[\\/]lib[\\/]common[\\/]utils\.mjs$/, from: "str.replace(/\u1E9E/g, 'ß')", to: "str.replace(/\\u1E9E/g, 'ß')" },
  { file: /[\\/]markdown-it[\\/]lib[\\/]rules_core[\\/]replacements\.mjs$/, from: ".replace(/([?!])\u2026/g, '$1..')", to: ".replace(/([?!])\\u2026/g, '$1..')" },
];
const asciiRegexLiterals = {
  name: 'ascii-regex-literals',
  setup(b) {
    b.onLoad({ filter: /markdown-it[\\/]lib[\\/].*\.mjs$/ }, (args) => {
      const edit = ASCII_REGEX_LITERALS.find((e) => e.file.test(args.path));
      if (!edit) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (text.split(edit.from).length !== 2) throw new Error(`build: ${args.path} no longer holds ${edit.from} once: see ASCII_REGEX_LITERALS`);
      return { contents: text.replace(edit.from, () => edit.to), loader: 'js' };
    });
  },
};

/**
 * A stand-in for `module` where a file of `pkg` imports it (and only there): `contents`, which loads the real
 * module on first use (esbuild wraps a bundled require() in an initialiser run then). For modules whose top
 * level costs start-up time and that runbook uses rarely or never.
 */
function standIn(name, module, pkg, contents) {
  const namespace = `runbook-lazy-${name}`;
  const importer = new RegExp(`[\\\\/]${pkg}[\\\\/]`);
  return {
    name: `lazy-${name}-for-${pkg}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${module}$`) }, (args) => (importer.test(args.importer) ? { path: args.path, namespace } : undefined));
      b.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: 'js', resolveDir: ROOT }));
    },
  };
}

const lazyModules = [
  // commander requires node:child_process at load, for executable subcommands (`git-foo` style), which runbook
  // has none of: loading Node's child_process (and the net and stream internals it pulls in) cost every command
  // ~10 ms of a ~100 ms start. Commander gets an object whose spawn loads it on first call.
  standIn('child-process', 'node:child_process', 'commander', "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };"),
  // markdown-it imports entities' HTML decoder, whose top level builds its tables (a 40,000-character string
  // split and mapped into a Uint16Array): ~8 ms and much of the GC of every `run` start-up, for `&name;`
  // references that runbooks almost never hold. markdown-it gets functions that load the decoder on first call.
  standIn(
    'entities',
    'entities',
    'markdown-it',
    `let d; const get = () => (d ??= require('entities/lib/decode.js'));
export const decodeHTML = (s, mode) => get().decodeHTML(s, mode);
export const decodeHTMLStrict = (s) => get().decodeHTMLStrict(s);`,
  ),
  // execa imports node:v8 (and with it Node's heap utilities) for `serialize`, used only for its `ipcInput`
  // option, which runbook never passes: 4-5 ms of `run --yes`, measured by importing it alone.
  standIn('v8', 'node:v8', 'execa', "export const serialize = (...args) => require('node:v8').serialize(...args);"),
  // markdown-it builds a LinkifyIt (its regular expressions made from uc.micro's Unicode tables) in every
  // constructor, used only with `linkify: true`, which runbook never sets: 1.5-3 ms. An object that becomes a
  // real LinkifyIt on the first property markdown-it reads or sets on it.
  standIn(
    'linkify',
    'linkify-it',
    'markdown-it',
    `export default function LinkifyIt() {
  let real;
  const get = () => (real ??= new (require('linkify-it'))());
  return new Proxy({}, { get: (_t, k) => { const v = get()[k]; return typeof v === 'function' ? v.bind(get()) : v; }, set: (_t, k, v) => { get()[k] = v; return true; } });
}`,
  ),
];

/**
 * inquirer's editor (@inquirer/external-editor) reads the edited file back with chardet's guess and iconv-lite:
 * 550 KB, a third of dist/run.cjs, read and compiled at every `run`. It gets src/adapters/edited-text.ts as
 * both instead, which reads UTF-8 itself and loads the real two from dist/legacy-text.cjs (built below) for
 * any other file.
 */
const EDITED_TEXT = join(ROOT, 'src', 'adapters', 'edited-text.ts');
const editedText = {
  name: 'edited-text',
  setup(b) {
    b.onResolve({ filter: /^(chardet|iconv-lite)$/ }, (args) => (/[\\/]@inquirer[\\/]external-editor[\\/]/.test(args.importer) ? { path: EDITED_TEXT } : undefined));
  },
};

/**
 * asciinema-player's bundle, inlined into every HTML report (src/report/export-html-assets.ts lists the same
 * two files): defined as strings here so dist/ and the single executable need no node_modules at run time.
 */
const playerFile = (f) => JSON.stringify(readFileSync(join(ROOT, 'node_modules', 'asciinema-player', 'dist', 'bundle', f), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Keep sources out of the maps: file and line are what a bug report needs.
  sourcesContent: false,
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [noOldYaml, asciiRegexLiterals, editedText, ...lazyModules],
  define: {
    __RUNBOOK_VERSION__: JSON.stringify(pkg.version),
    __RUNBOOK_PLAYER_JS__: playerFile('asciinema-player.min.js'),
    __RUNBOOK_PLAYER_CSS__: playerFile('asciinema-player.css'),
  },
};

/**
 * See src/prelude.ts: in the ES module build, every module of src/ imports the prelude, except the prelude's
 * own modules (read from its import lines) and the process entry (main.ts and io.ts: `node dist/main.js
 * --version` loads nothing more).
 */
const PRELUDE = join(ROOT, 'src', 'prelude.ts');
const preludeImports = [...readFileSync(PRELUDE, 'utf8').matchAll(/^import '\.\/(.+)\.js';$/gm)].map((m) => `${m[1]}.ts`);
if (preludeImports.length === 0) throw new Error("build: src/prelude.ts has no line of the form import './x.js';");
const PRELUDE_OWN = new Set([...preludeImports, 'prelude.ts', 'main.ts', 'io.ts'].map((f) => join(ROOT, 'src', f)));
const prelude = {
  name: 'prelude',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      if (PRELUDE_OWN.has(args.path)) return undefined;
      // On the file's first line, before what is there: every line keeps its number in the source maps.
      return { contents: `import ${JSON.stringify(PRELUDE)};${readFileSync(args.path, 'utf8')}`, loader: 'ts' };
    });
  },
};

if (!sea) {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  await build({
    ...common,
    // app.js: the composition root without the process entry, for the suite's in-process command tests.
    entryPoints: { main: 'src/main.ts', app: 'src/app.ts' },
    plugins: [...common.plugins, prelude],
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    // Flat: every chunk sits in dist/, so `new URL('../package.json', import.meta.url)` holds for all of them.
    chunkNames: '[name]-[hash]',
    // Some CommonJS dependencies call require() for Node built-ins (only those: checked by a test); ESM has no
    // require of its own. Made on first call: createRequire computes node_modules paths, and at ~0.7 ms a chunk
    // it cost `run --yes` (33 chunks) ~20 ms when every chunk made one at load.
    banner: { js: "import { createRequire as __runbookRequire } from 'node:module'; let __runbookReq; const require = (id) => (__runbookReq ??= __runbookRequire(import.meta.url))(id);" },
    // The parser from dist/parse.cjs and its code cache (src/runbook/parser-module.ts): this build only.
    define: { ...common.define, __RUNBOOK_PARSER_CJS__: 'true' },
    metafile: true,
    absWorkingDir: ROOT,
  }).then(async (r) => {
    writeFileSync(join(ROOT, 'dist', 'meta.json'), JSON.stringify(r.metafile));
  });
  // chardet and iconv-lite for an edited command that comes back in another encoding than UTF-8
  // (src/adapters/edited-text.ts loads this file then, and only then).
  await build({ ...common, entryPoints: ['src/adapters/legacy-text.ts'], outfile: join(ROOT, 'dist', 'legacy-text.cjs'), format: 'cjs', absWorkingDir: ROOT });
  await buildRunCjs();
  await buildParserCjs();
  // The timeline writer on its own (tests and the bench drive it without the CLI), built apart so that its
  // shared code does not split main's chunks further.
  await build({
    ...common,
    entryPoints: { writer: 'src/timeline/writer.ts', redact: 'src/timeline/redact.ts', lock: 'src/timeline/lock.ts', chain: 'src/timeline/chain.ts' },
    outdir: 'dist/timeline',
    format: 'esm',
    splitting: true,
    absWorkingDir: ROOT,
  });
} else {
  // The runbooks shipped with the package, as { name: text }: written out on first use (src/runbook/bundled.ts).
  const dir = join(ROOT, 'runbooks');
  const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  // And the game-day scenarios (src/runbook/bundled.ts bundledScenariosDir).
  const sdir = join(ROOT, 'scenarios');
  const scenarios = Object.fromEntries(readdirSync(sdir).filter((f) => f.endsWith('.md')).map((f) => [f, readFileSync(join(sdir, f), 'utf8')]));
  await build({
    ...common,
    entryPoints: ['src/main.ts'],
    outfile: 'build/sea/runbook.cjs',
    format: 'cjs',
    sourcemap: false,
    // A single-executable application runs one CommonJS script; there is no file beside it to read.
    define: {
      ...common.define,
      __RUNBOOK_SEA_RUNBOOKS__: JSON.stringify(JSON.stringify(files)),
      __RUNBOOK_SEA_SCENARIOS__: JSON.stringify(JSON.stringify(scenarios)),
      'import.meta.url': '"file:///runbook-sea/dist/main.js"',
    },
    absWorkingDir: ROOT,
  });
}

/**
 * dist/run.cjs: `run`, `drill` and `gameday` as one CommonJS file, which bin/compiled.js compiles with V8's code
 * cache (dist/run.cjs.<id>.cache, made below by a run of the bundle itself). On Node 20 ES modules have no code
 * cache: every `run` compiled the ~850 KB it loads (~45 ms of a ~250 ms start). The other commands load little
 * and stay on dist/main.js: reading and deserialising a cache costs them more than it saves.
 * What those three commands never reach is left out: the MCP server (its SDK, zod and ajv: ~570 KB) and `export`
 * (the HTML report's player: ~250 KB), each replaced by a module that fails loudly if reached.
 * Its first line names the build (a hash of the file): a cache is only ever read by the build that made it.
 */
async function buildRunCjs() {
  const LEFT_OUT = /^\.\/commands\/(mcp|export)\.js$/;
  const leaveOut = {
    name: 'leave-out-of-run-cjs',
    setup(b) {
      b.onResolve({ filter: LEFT_OUT }, (args) => (/[\\/]src[\\/]app\.ts$/.test(args.importer) ? { path: args.path, namespace: 'runbook-left-out' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'runbook-left-out' }, (args) => {
        const fn = args.path.includes('mcp') ? 'mcp' : 'exportTimeline';
        return { contents: `export const ${fn} = () => { throw new Error('${args.path} is not part of dist/run.cjs: bin/runbook.js sends only run, drill and gameday there'); };`, loader: 'js' };
      });
    },
  };
  // The cache: a real `run --yes` of one command through bin/runbook.js, shaped as runbooks are (front-matter, a
  // step, a command that prints): what a run reads and writes is in the cache, not compiled at first use (with
  // `true` and no front-matter, js-yaml's and the output's paths were not).
  await buildCompiled('src/main.ts', 'run.cjs', [leaveOut], (tmp) => {
    writeFileSync(join(tmp, 'warm.md'), '---\nid: warm\ntitle: Warm\n---\n# Warm\n\n## Step\n\n```sh\necho warm\n```\n');
    return [join(ROOT, 'bin', 'runbook.js'), 'run', join(tmp, 'warm.md'), '--yes'];
  });
}

/**
 * dist/parse.cjs: the parser (markdown-it, gray-matter, js-yaml and runbook's model) as one CommonJS file with its
 * V8 code cache, for the ES module build: `list` of files it has not cached, `show` and `lint` load it through
 * bin/compiled.js (src/runbook/parser-module.ts) instead of compiling the parser's ES module chunks, ~25 ms at
 * every such start. The cache is made by parsing the bundled runbooks, as list and as show do.
 */
async function buildParserCjs() {
  const warm = `const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseRunbook } = require(${JSON.stringify(join(ROOT, 'bin', 'compiled.js'))}).exportsOf(${JSON.stringify(join(ROOT, 'dist', 'parse.cjs'))});
const dir = ${JSON.stringify(join(ROOT, 'runbooks'))};
for (const f of readdirSync(dir).filter((n) => n.endsWith('.md'))) {
  const text = readFileSync(join(dir, f), 'utf8');
  parseRunbook(text, f, { listing: true });
  parseRunbook(text, f);
}`;
  await buildCompiled('src/runbook/parse.ts', 'parse.cjs', [], () => ['-e', warm]);
}

/**
 * One CommonJS file of dist/, `entry` and all it reaches, which bin/compiled.js compiles with V8's code cache
 * (dist/<name>.<id>.cache, made by the warm-up run `warmArgs` gives, with RUNBOOK_CODE_CACHE_OUT set). On Node
 * 20 ES modules have no code cache. Its first line names the build (a hash of the file): a cache is only ever
 * read by the build that made it.
 */
async function buildCompiled(entry, name, plugins, warmArgs) {
  const out = join(ROOT, 'dist', name);
  const PLACEHOLDER = '0'.repeat(16);
  const { CJS_WRAPPER } = createRequire(import.meta.url)('../bin/compiled.js');
  await build({
    ...common,
    plugins: [...common.plugins, ...plugins],
    entryPoints: [entry],
    outfile: out,
    format: 'cjs',
    // The file is the function Node would wrap a CommonJS file in (bin/compiled.js compiles it as it is: adding
    // the wrapper there copied the whole 1.6 MB source once more, ~400 page faults at every start). So
    // `node dist/run.cjs` or a require() of it does nothing: bin/runbook.js is the way in.
    // import.meta.url as an ES module of dist/ sees it: paths such as ../package.json resolve the same. Strict
    // mode first: the whole function is strict, as the ES modules are (esbuild's own "use strict" comes after
    // the banner, where it is no longer a directive).
    banner: { js: `// runbook-build ${PLACEHOLDER}\n${CJS_WRAPPER}"use strict";var __runbookMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
    footer: { js: '})' },
    define: { ...common.define, 'import.meta.url': '__runbookMetaUrl', __RUNBOOK_PLAYER_JS__: 'undefined', __RUNBOOK_PLAYER_CSS__: 'undefined', __RUNBOOK_PARSER_CJS__: 'false' },
    absWorkingDir: ROOT,
  });
  const text = readFileSync(out, 'utf8');
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  // Same length as the placeholder: the source map's lines and columns still hold.
  writeFileSync(out, text.replace(PLACEHOLDER, id));
  // The warm-up writes V8's cache of everything it compiled as it exits. Without it the file is compiled as any
  // script. Nothing of the developer's reaches it: no config, no signing key or agent, no runbook settings, its own HOME.
  const tmp = mkdtempSync(join(tmpdir(), 'runbook-build-cache-'));
  const cache = join(ROOT, 'dist', `${name}.${id}.cache`);
  try {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: tmp,
      XDG_CONFIG_HOME: join(tmp, 'config'),
      XDG_CACHE_HOME: join(tmp, 'cache'),
      XDG_RUNTIME_DIR: join(tmp, 'run'),
      RUNBOOK_TIMELINE_DIR: join(tmp, 'incidents'),
      RUNBOOK_CODE_CACHE_OUT: `${cache}.tmp`,
      NO_COLOR: '1',
    };
    const r = spawnSync(process.execPath, warmArgs(tmp), { cwd: tmp, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    if (r.status === 0) renameSync(`${cache}.tmp`, cache);
    else console.warn(`build: no code cache for dist/${name} (the warm-up run exited ${r.status ?? r.signal}): ${r.stderr}`);
  } finally {
    rmSync(`${cache}.tmp`, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
