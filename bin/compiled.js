// dist/run.cjs (`run`, `drill` and `gameday`; scripts/build.mjs) compiled with the V8 code cache the build made
// for it: on Node 20 an ES module is compiled afresh at every start, a script can start from V8's cache. The
// ES module build loads the parser the same way, from dist/parse.cjs (src/runbook/parser-module.ts).
const { isAscii } = require('node:buffer');
const { closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const FILE = join(__dirname, '..', 'dist', 'run.cjs');
/** How Node wraps a CommonJS file: run.cjs is one such function (scripts/build.mjs writes it so). */
const CJS_WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

/**
 * A file's bytes, read into `buf` when it is given and large enough, else into a new buffer. The code cache is read into
 * the memory the source was read into (once made a string, the source's bytes are not needed): on the
 * reference machine each page touched for the first time is a ~11 µs page fault, and a new buffer for the
 * 1 MB cache was ~250 of them.
 */
function readInto(file, buf = undefined) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const into = buf !== undefined && size <= buf.length ? buf : Buffer.allocUnsafeSlow(size);
    let n = 0;
    for (let got = -1; n < size && got !== 0; n += got) got = readSync(fd, into, n, size - n, n);
    return into.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bundle as a function of (exports, require, module, __filename, __dirname), as Node wraps a CommonJS file,
 * with `used` telling whether V8 took the cache (it refuses one from another Node or under other V8 flags). The cache is looked for
 * under the build's id (the file's first line), so a cache never meets a file it was not made from.
 */
function compile(file = FILE) {
  // ASCII is made into a string as Latin-1, without decoding UTF-8 (~2.5 ms a MB against ~6 here). The build writes
  // ASCII (scripts/build.mjs escapes the only two non-ASCII characters esbuild leaves, in markdown-it's regular
  // expressions); a file that is not is still read right, as UTF-8.
  const bytes = readInto(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const id = /^\/\/ runbook-build ([0-9a-f]{16})\n/.exec(source)?.[1];
  const cacheFile = id === undefined ? undefined : `${file}.${id}.cache`;
  let cachedData;
  try {
    if (cacheFile) cachedData = readInto(cacheFile, bytes);
  } catch {
    // No cache (a build that could not make one): compiled as any script.
  }
  // The build writes the wrapper in (line 2, after the id): compiled as it is, the source is not copied again.
  // A run.cjs without it (built before) is wrapped here.
  const wrapped = source.startsWith(CJS_WRAPPER, source.indexOf('\n') + 1);
  const script = new vm.Script(wrapped ? source : `${CJS_WRAPPER}${source}\n})`, { filename: file, cachedData });
  return { script, cacheFile, used: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Compile and run a bundle, as Node runs a CommonJS file: its module. With RUNBOOK_CODE_CACHE_OUT (the build's
 * warm-up runs only), V8's cache of all it compiled is written there at exit.
 */
function load(file) {
  const { script } = compile(file);
  const out = process.env.RUNBOOK_CODE_CACHE_OUT;
  if (out) process.once('exit', () => writeFileSync(out, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dirname(file));
  return module;
}

/** Run the bundle; false when there is none (a dist/ built before run.cjs existed): dist/main.js runs the same commands. */
function start(file = FILE) {
  if (!existsSync(file)) return false;
  load(file);
  return true;
}

/**
 * The exports of a bundle that is a library (dist/parse.cjs, which the ES module build loads through here), or
 * undefined when the file is not there.
 */
function exportsOf(file) {
  return existsSync(file) ? load(file).exports : undefined;
}

module.exports = { compile, start, exportsOf, FILE, CJS_WRAPPER };
