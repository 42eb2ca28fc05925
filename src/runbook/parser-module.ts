// Where the parser comes from. The ES module build (dist/main.js) has it also as dist/parse.cjs with a V8 code
// cache (scripts/build.mjs): compiled from that cache through bin/compiled.js, it is ready ~25 ms sooner than its
// ES module chunks, which Node 20 compiles afresh at every start. Everywhere else (dist/run.cjs, which holds the
// parser; the single executable; the sources under test) it is the module itself.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The parser's module: what parserModule() gives (parseRunbook and the rest of parse.ts). */
export type Parser = typeof import('./parse.js');

// Set by the bundler (scripts/build.mjs): true in the ES module build only.
declare const __RUNBOOK_PARSER_CJS__: boolean | undefined;

let parser: Promise<Parser> | undefined;

/** The parser's module, loaded once. */
export function parserModule(): Promise<Parser> {
  return (parser ??= load());
}

async function load(): Promise<Parser> {
  if (typeof __RUNBOOK_PARSER_CJS__ === 'boolean' && __RUNBOOK_PARSER_CJS__) {
    // dist/<chunk>.js → bin/compiled.js and dist/parse.cjs. A dist/ without parse.cjs (built before it) uses the chunks.
    const compiled = createRequire(import.meta.url)('../bin/compiled.js') as { exportsOf(file: string): Parser | undefined };
    // list keeps the young generation small (a flag V8 counts in its cache's key): compiled under V8's defaults.
    // Imported here, not statically: dist/run.cjs holds this module too, and run never loads node:v8.
    const { withV8Defaults } = await import('../v8-flags.js');
    const cjs = withV8Defaults(() => compiled.exportsOf(fileURLToPath(new URL('./parse.cjs', import.meta.url))));
    if (cjs) return cjs;
  }
  return import('./parse.js');
}
