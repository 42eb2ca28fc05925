// `npm ci` from a fresh clone, the README's first command: what it may run besides the project's own build.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

describe('install scripts of dependencies', () => {
  it('every dependency with an install script is named in allowScripts: npm 11 prints no advisory, npm 12 blocks nothing unreviewed', () => {
    const lock = json('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('esbuild');
    const allowed = (json('package.json').allowScripts ?? {}) as Record<string, boolean>;
    for (const name of withScripts) expect(Object.keys(allowed), `${name} has an install script that allowScripts does not name`).toContain(name);
  });

  it("esbuild's install script is not run: the build uses the binary of its platform package", () => {
    const allowed = json('package.json').allowScripts as Record<string, boolean>;
    expect(allowed.esbuild).toBe(false);
    const lock = json('package-lock.json') as { packages: Record<string, { optional?: boolean }> };
    // The platform package npm installs here instead of a download (Linux on x64 or arm64, as this suite runs).
    const platform = lock.packages[`node_modules/@esbuild/${process.platform}-${process.arch}`];
    expect(platform?.optional).toBe(true);
  });
});
