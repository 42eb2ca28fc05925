// Bundles the executor adapter (and whatever it imports from src/) to one plain ESM file, so fixtures can run
// it in a child node process. esbuild follows the imports: no hand-kept list of files to go stale.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

/** Returns the path of the bundled executor module (or another adapter). Packages (execa) stay imports, resolved from the project. */
export function compileExecutor(adapter = 'executor'): string {
  // Inside the project, so that the adapter's package imports resolve from its node_modules.
  const cache = new URL('../../../node_modules/.cache/', import.meta.url).pathname;
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'runbook-executor-'));
  buildSync({
    entryPoints: [new URL(`../../../src/adapters/${adapter}.ts`, import.meta.url).pathname],
    outfile: join(out, 'adapters', `${adapter}.js`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  return join(out, 'adapters', `${adapter}.js`);
}

/** Removes what compileExecutor made (call it in afterAll: node_modules/.cache must not gather one per run). */
export function removeExecutor(modulePath: string): void {
  if (modulePath) rmSync(dirname(dirname(modulePath)), { recursive: true, force: true });
}

export const fixture = (name: string): string =>
  new URL(`../../fixtures/executor/${name}`, import.meta.url).pathname;
