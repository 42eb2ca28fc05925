// docs/ is the reference users get: it must stand alone, citing nothing the repository does not hold.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pages = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];

describe.each(pages.map((p) => [p.slice(ROOT.length + 1), p]))('%s', (_name, page) => {
  const text = readFileSync(page, 'utf8');
  it('cites no document outside the repository (PRODUCT.md, § sections)', () => {
    expect(text.split('\n').filter((l) => /PRODUCT|§/.test(l))).toEqual([]);
  });
  it('links only to files that exist', () => {
    const missing = [...text.replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1] as string)
      .filter((href) => !/^[a-z]+:/.test(href))
      .filter((href) => !existsSync(resolve(dirname(page), href)));
    expect(missing).toEqual([]);
  });
});
