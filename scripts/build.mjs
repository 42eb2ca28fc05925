// `npm run build`: bundle src/ with esbuild into dist/ (ESM, code-split). main.js is small; every command is
// a chunk loaded by main's dynamic import(), so --version/list/show/lint never load execa, inquirer or the
// runner. Source maps are written beside each chunk; src/source-stack.ts maps an internal error's stack
// back to src/ lines (cheaper than --enable-source-maps, which parses every map at start-up).
//
//   node scripts/build.mjs          dist/ (what bin/runbook.js imports)
//   node scripts/build.mjs --sea    build/sea/runbook.cjs: one CommonJS file with the runbooks inside (for build:sea)
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const sea = process.argv.includes('--sea');

/**
 * gray-matter requires js-yaml 3 (which loads esprima) for its default YAML engine. We always pass our own
 * engines (js-yaml 4, core schema), so that copy is never used: it is replaced by a stub that throws.
 */
const STUB = 'runbook-unused-stub';
const noOldYaml = {
  name: 'no-js-yaml-3',
  setup(b) {
    b.onResolve({ filter: /^(js-yaml|esprima)$/ }, (args) => {
      if (args.path === 'esprima' || /[\\/]gray-matter[\\/]/.test(args.importer)) return { path: args.path, namespace: STUB };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: STUB }, (args) => ({
      contents: `const no = () => { throw new Error('${args.path} is not part of the runbook bundle'); };
module.exports = { safeLoad: no, safeDump: no, load: no, dump: no, parse: no };`,
      loader: 'js',
    }));
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
  plugins: [noOldYaml, ...lazyModules],
  define: {
    __RUNBOOK_VERSION__: JSON.stringify(pkg.version),
    __RUNBOOK_PLAYER_JS__: playerFile('asciinema-player.min.js'),
    __RUNBOOK_PLAYER_CSS__: playerFile('asciinema-player.css'),
  },
};

if (!sea) {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  await build({
    ...common,
    // app.js: the composition root without the process entry, for the suite's in-process command tests.
    entryPoints: { main: 'src/main.ts', app: 'src/app.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    // Flat: every chunk sits in dist/, so `new URL('../package.json', import.meta.url)` holds for all of them.
    chunkNames: '[name]-[hash]',
    // Some CommonJS dependencies call require() for Node built-ins (only those: checked by a test); ESM has no
    // require of its own. Made on first call: createRequire computes node_modules paths, and at ~0.7 ms a chunk
    // it cost `run --yes` (33 chunks) ~20 ms when every chunk made one at load.
    banner: { js: "import { createRequire as __runbookRequire } from 'node:module'; let __runbookReq; const require = (id) => (__runbookReq ??= __runbookRequire(import.meta.url))(id);" },
    metafile: true,
    absWorkingDir: ROOT,
  }).then(async (r) => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(ROOT, 'dist', 'meta.json'), JSON.stringify(r.metafile));
  });
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
