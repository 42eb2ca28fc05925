// Compiles the executor adapter to plain ESM in a temp dir, so fixtures can run it in a child node process.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const FILES = ['executor', 'shell', 'process-group'];

/** Returns the path of the compiled executor module. Type-only imports (the ports) vanish. */
export function compileExecutor(): string {
  const out = mkdtempSync(join(tmpdir(), 'runbook-executor-'));
  for (const name of FILES) {
    const source = readFileSync(new URL(`../../../src/adapters/${name}.ts`, import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(join(out, `${name}.js`), outputText);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  return join(out, 'executor.js');
}

export const fixture = (name: string): string =>
  new URL(`../../fixtures/executor/${name}`, import.meta.url).pathname;
