// Start-up cost: the commands that must be quick never load inquirer or execa. Checked on the static import
// graph of the sources (dynamic `import()` is how heavy modules are deferred, so it is not followed).
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

  it('the check itself sees heavy imports where they are', () => {
    expect(staticClosure('adapters/prompter.ts').packages.has('@inquirer/prompts')).toBe(true);
    expect(staticClosure('adapters/executor.ts').packages.has('execa')).toBe(true);
  });
});
