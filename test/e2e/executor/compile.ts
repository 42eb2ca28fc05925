// Compiles the executor adapter to plain ESM in a temp dir, so fixtures can run it in a child node process.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// The executor and what it imports at run time, under src/ as laid out there.
const FILES = ['adapters/executor', 'adapters/shell', 'adapters/process-group', 'adapters/session-dump', 'runner/session-state'];

/** Returns the path of the compiled executor module. Type-only imports (the ports) vanish; package imports resolve from the project. */
export function compileExecutor(): string {
  // Inside the project, so that the adapter's runtime imports (execa) resolve from its node_modules.
  const cache = new URL('../../../node_modules/.cache/', import.meta.url).pathname;
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'runbook-executor-'));
  for (const name of FILES) {
    const source = readFileSync(new URL(`../../../src/${name}.ts`, import.meta.url), 'utf8');
    mkdirSync(join(out, name, '..'), { recursive: true });
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(join(out, `${name}.js`), outputText);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  return join(out, 'adapters', 'executor.js');
}

export const fixture = (name: string): string =>
  new URL(`../../fixtures/executor/${name}`, import.meta.url).pathname;
