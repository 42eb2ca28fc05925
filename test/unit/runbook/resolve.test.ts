// `<runbook>` → one runbook: an id is looked up the way list reads the library, and only the runbook it names is
// read in full; whatever the lookup cannot settle alone goes to the full read of the library, so every outcome
// (runbook, or error message) is the one the full read gives.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleLibrary, loadLibrary, readRunbookFile } from '../../../src/runbook/load.js';
import { listCacheFile, loadListing } from '../../../src/runbook/listing.js';
import { resolveRunbook, type LibraryReader } from '../../../src/runbook/resolve.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'runbook-resolve-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rb = (id: string, extra = ''): string => `---\nid: ${id}\ntitle: ${id}\n${extra}---\n# ${id}\n\n## One\n\n\`\`\`sh\necho ${id}\n\`\`\`\n`;
const write = (dir: string, name: string, text: string): string => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  // Older than two seconds: cached (a file changed in the last two seconds never is).
  utimesSync(p, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  return p;
};

/** The real reader, counting what it reads in full. */
function counting(): LibraryReader & { files: string[]; libraries: number } {
  const r = {
    files: [] as string[],
    libraries: 0,
    listing: loadListing,
    library: (d: string[]) => {
      r.libraries++;
      return loadLibrary(d);
    },
    file: (p: string) => {
      r.files.push(p);
      return readRunbookFile(p);
    },
  };
  return r;
}
/** Only the full read of the library: how `<runbook>` was resolved before the lookup through list's reading. */
const fullOnly: LibraryReader = { listing: async () => assembleLibrary([]), library: (d) => loadLibrary(d), file: readRunbookFile };

const outcome = async (p: Promise<{ runbook: { path: string; id: string; sha256: string } }>): Promise<string> =>
  p.then(
    (f) => `ok ${f.runbook.path} ${f.runbook.id} ${f.runbook.sha256}`,
    (e: Error) => `error ${e.message}`,
  );

describe('resolveRunbook', () => {
  it('reads in full only the runbook an id names, not the library (from the cache or not)', async () => {
    const dir = tmp();
    for (let k = 0; k < 40; k++) write(dir, `r${k}.md`, rb(`r${k}`));
    for (const env of [{ XDG_CACHE_HOME: join(dir, '.cache') }, { XDG_CACHE_HOME: join(dir, '.cache') }, { RUNBOOK_NO_CACHE: '1' }]) {
      const read = counting();
      const found = await resolveRunbook('r17', [dir], env, dir, read);
      expect(found.runbook).toMatchObject({ id: 'r17', path: join(dir, 'r17.md') });
      expect(found.runbook.steps[0]?.commands[0]?.text).toBe('echo r17');
      expect(read.files).toEqual([join(dir, 'r17.md')]);
      expect(read.libraries).toBe(0);
    }
    // The first lookup wrote list's cache for the folder: the next one read no runbook to find r17.
    expect(readdirSync(join(dir, '.cache', 'runbook')).some((f) => f.startsWith('list-cache-'))).toBe(true);
  });

  it('gives what the full read of the library gives, for every name, id, path and error', async () => {
    const dir = tmp();
    const a = join(dir, 'team-a');
    const b = join(dir, 'team-b');
    write(a, 'db.md', rb('db-failover'));
    write(b, 'db.md', rb('db-failover')); // the same id twice: named team-a/db-failover and team-b/db-failover
    write(a, 'only-a.md', rb('only-a'));
    write(b, 'same/x.md', rb('twin'));
    write(b, 'same/y.md', rb('twin')); // the same id in one folder: no name tells them apart
    write(a, 'getting-started.md', rb('getting-started')); // hides the bundled runbook of that id
    write(a, 'broken.md', '---\nid: broken\ntags: [a\n---\n# B\n'); // front-matter that cannot be read
    write(b, 'scenario.md', '---\nkind: scenario\nid: sc\ntitle: S\ntarget: local\nduration: 1m\nrunbook: only-a\n---\n# S\n');
    write(b, 'bad-vars.md', rb('bad-vars', 'vars: 5\n'));
    const refs = [
      'db-failover', 'team-a/db-failover', 'team-b/db-failover', 'only-a', 'team-a/only-a', 'twin', 'getting-started', 'disk-full',
      'broken', 'sc', 'bad-vars', 'only-b', 'db-failovr', 'nope/only-a', 'team-a/db.md', join(a, 'only-a.md'), 'team-c/x',
    ];
    const env = { XDG_CACHE_HOME: join(dir, '.cache') };
    for (const pass of ['cache empty', 'cache warm']) {
      for (const ref of refs) {
        expect(await outcome(resolveRunbook(ref, [a, b], env, dir)), `${ref} (${pass})`).toBe(await outcome(resolveRunbook(ref, [a, b], env, dir, fullOnly)));
      }
    }
    expect(await outcome(resolveRunbook('team-a/db-failover', [a, b], env, dir))).toMatch(/^ok .*team-a\/db\.md db-failover /);
    expect(await outcome(resolveRunbook('getting-started', [a, b], env, dir))).toContain(join(a, 'getting-started.md'));
    expect(await outcome(resolveRunbook('twin', [a, b], env, dir))).toMatch(/^error runbook id "twin" is ambiguous/);
  });

  it('a file that no longer reads as the listing saw it (changed in between) is settled by the full read', async () => {
    const dir = tmp();
    const env = { XDG_CACHE_HOME: join(dir, '.cache') };
    write(dir, 'a.md', rb('alpha'));
    write(dir, 'b.md', rb('beta'));
    await resolveRunbook('alpha', [dir], env, dir); // the cache now holds both files
    // This folder's cache (the bundled library has one of its own).
    const path = listCacheFile(dir, env);
    const cache = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, { meta: { id: string } }> };
    // The listing now says a.md is "ghost"; the file itself still says alpha.
    (cache.entries[join(dir, 'a.md')] as { meta: { id: string } }).meta.id = 'ghost';
    writeFileSync(path, JSON.stringify(cache));
    const read = counting();
    await expect(resolveRunbook('ghost', [dir], env, dir, read)).rejects.toThrow(/unknown runbook "ghost"/);
    expect(read.libraries).toBe(1);
    expect((await resolveRunbook('beta', [dir], env, dir)).runbook.path).toBe(join(dir, 'b.md'));
  });

  it('a cache entry of the wrong shape is read again from its file: the lookup neither fails nor trusts it', async () => {
    const dir = tmp();
    const env = { XDG_CACHE_HOME: join(dir, '.cache') };
    const team = join(dir, 'team');
    write(team, 'x.md', rb('x'));
    write(dir, 'y.md', rb('y'));
    await resolveRunbook('y', [dir], env, dir);
    const path = listCacheFile(dir, env);
    const good = readFileSync(path, 'utf8');
    const x = join(team, 'x.md');
    for (const bad of [null, 7, { meta: null }, { meta: { id: 5 } }, { meta: { id: 'x', title: 'x', tags: 'a', services: [] } }, { meta: { id: 'x', title: 'x', tags: [], services: [] }, runnable: ['1'] }]) {
      const cache = JSON.parse(good) as { entries: Record<string, Record<string, unknown>> };
      cache.entries[x] = bad === null || typeof bad !== 'object' ? (bad as never) : { ...bad, key: cache.entries[x]?.key };
      writeFileSync(path, JSON.stringify(cache));
      const found = await resolveRunbook('x', [dir], env, dir);
      expect(found.runbook.path, JSON.stringify(bad)).toBe(x);
      expect((await loadListing([dir], env)).runbooks.map((r) => r.runbook.id).sort(), JSON.stringify(bad)).toEqual(['x', 'y']);
    }
  });
});
