// list's fast path: a blocks-only parse gives the same model, and the metadata cache is invisible.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { decode, findRunbookFiles, loadLibrary, readText } from '../../../src/runbook/load.js';
import { loadListing } from '../../../src/runbook/listing.js';
import { listEntry } from '../../../src/commands/list.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'runbook-listing-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rb = (title: string) => `---\ntitle: ${title}\ntags: [a]\n---\n# Ignored\n\n## One\n\n\`\`\`sh\necho one\n\`\`\`\n\n## Two\n\n- [ ] check\n`;
const old = (file: string) => utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
const listed = async (dir: string, cache: string) =>
  (await loadListing([dir], { XDG_CACHE_HOME: cache })).runbooks.map((p) => listEntry(p.runbook));

describe('findRunbookFiles', () => {
  it('walks every folder given, as path.join names each file (relative, `.`, trailing slashes, `..` inside), skipping dot folders and node_modules', async () => {
    const d = tmp();
    for (const f of ['a.md', 'b.markdown', 'README.md', 'x.txt', 'sub/c.md', 'sub/deeper/d.MD', '.hidden/e.md', 'node_modules/f.md']) {
      mkdirSync(join(d, f, '..'), { recursive: true });
      writeFileSync(join(d, f), '# x\n');
    }
    const want = (base: string): string[] => ['a.md', 'b.markdown', 'sub/c.md', 'sub/deeper/d.MD'].map((f) => join(base, f)).sort();
    expect(await findRunbookFiles([d])).toEqual(want(d));
    expect(await findRunbookFiles([`${d}/`])).toEqual(want(d));
    expect(await findRunbookFiles([`${d}/sub/..`])).toEqual(want(d));
    expect(await findRunbookFiles([`${d}//sub`])).toEqual([join(d, 'sub', 'c.md'), join(d, 'sub', 'deeper', 'd.MD')]);
    const cwd = process.cwd();
    try {
      process.chdir(d);
      const here = await findRunbookFiles(['.']);
      expect(here).toEqual(want('.'));
      expect(here[0]).toBe('a.md');
      expect(await findRunbookFiles(['./sub'])).toEqual(['sub/c.md', 'sub/deeper/d.MD']);
      expect(await findRunbookFiles(['./'])).toEqual(want('.'));
      expect(await findRunbookFiles(['sub/../'])).toEqual(want('.'));
      // A folder that is not there is named as it was given; so is no folder at all.
      await expect(findRunbookFiles(['./missing/'])).rejects.toThrow(/^cannot read runbook folder \.\/missing\/: /);
      await expect(findRunbookFiles([''])).rejects.toThrow(/^cannot read runbook folder : /);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('readText (list reads every file into one buffer)', () => {
  it('gives what readFileSync and decode give: small and large files, one after the other, invalid UTF-8, a BOM', () => {
    const d = tmp();
    // 200 KB with a 4-byte character across each 64 KiB boundary, then small files read after it into the same buffer.
    const files: [string, Buffer][] = [
      ['large.md', Buffer.from(`${'x'.repeat(65_534)}🚀${'é'.repeat(70_000)}end\n`)],
      ['small.md', Buffer.from('# Small\n')],
      ['bom.md', Buffer.from('\ufeff# Bom\n')],
      ['bad.md', Buffer.from([0x23, 0x20, 0xff, 0x0a, 0x6f, 0x6b, 0x0a])],
      ['empty.md', Buffer.alloc(0)],
      ['small-again.md', Buffer.from('# Again\n')],
    ];
    const texts = files.map(([name, bytes]) => {
      writeFileSync(join(d, name), bytes);
      return readText(join(d, name));
    });
    files.forEach(([name, bytes], i) => expect(texts[i], name).toEqual(decode(bytes, join(d, name))));
    expect(texts[3]?.problems[0]).toMatchObject({ rule: 'invalid-utf8', line: 1 });
  });

  it('fails as readFileSync does: a missing file, a folder', () => {
    const d = tmp();
    expect(() => readText(join(d, 'missing.md'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readText(d)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('blocks-only parse', () => {
  it('gives the same runbook model as the full parse, for every bundled and real-world runbook', async () => {
    const files = await findRunbookFiles([join(ROOT, 'runbooks'), join(ROOT, 'test', 'fixtures', 'real-world')]);
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(parseRunbook(text, f, { blocksOnly: true }), f).toEqual(parseRunbook(text, f));
    }
  });

  it("list's parse (no danger or placeholder analysis) lists every bundled and real-world runbook as the full parse does", async () => {
    const files = await findRunbookFiles([join(ROOT, 'runbooks'), join(ROOT, 'test', 'fixtures', 'real-world')]);
    const broken = '---\ntags: [a\n---\n## S\n';
    // Every way an info string can say whether a block runs, and blocks that say nothing of it.
    const infos = ['sh {run=false}', 'sh {"run": false}', 'bash {name=x run=false timeout=5s}', 'SH', 'sh run=false', '{run=false}', 'console {run=false}', 'sh {name=run-it}', 'sh {"name":"x","danger":true}', 'text {run=true}', 'sh {run}', 'sh {bad', 'sh {"\\u0072un": false}', 'sh {"r\\u0075n": "no"}'];
    const fences = `---\ntitle: Fences\n---\n## S\n\n${infos.map((i) => `\`\`\`${i}\necho ${i.length}\n\`\`\`\n`).join('\n')}`;
    const texts = [...files.map((f) => [f, readFileSync(f, 'utf8')] as const), ['/broken.md', broken] as const, ['/fences.md', fences] as const];
    for (const [f, text] of texts) {
      const full = parseRunbook(text, f);
      const fast = parseRunbook(text, f, { listing: true });
      expect(fast.fatal, f).toBe(full.fatal);
      expect(fast.problems.filter((p) => p.severity === 'error')[0], f).toEqual(full.problems.filter((p) => p.severity === 'error')[0]);
      expect(listEntry(fast.runbook), f).toEqual(listEntry(full.runbook));
    }
  });

  it('heading text keeps inline code and drops emphasis markup, as in the full parse', () => {
    const text = '# The `df` *title*\n\n## Step `one` **now**\n\nSome *prose* with `code`.\n';
    const fast = parseRunbook(text, '/x.md', { blocksOnly: true }).runbook;
    expect(fast.title).toBe('The df title');
    expect(fast.steps[0]?.title).toBe('Step one now');
  });
});

/** The one cache file list wrote under `cache` (one per folder listed). */
function cacheFileOf(cache: string): string {
  const files = readdirSync(join(cache, 'runbook')).filter((f) => /^list-cache-[0-9a-f]{16}\.json$/.test(f));
  expect(files).toHaveLength(1);
  return join(cache, 'runbook', files[0] as string);
}

describe('loadListing (list with its cache)', () => {
  it('lists exactly what the full load lists, cold and then from the cache', async () => {
    const cache = tmp();
    const lib = join(ROOT, 'runbooks');
    const full = (await loadLibrary([lib])).runbooks.map((p) => listEntry(p.runbook));
    expect(await listed(lib, cache)).toEqual(full);
    expect(readdirSync(join(cache, 'runbook')).filter((f) => f.startsWith('list-cache-'))).toHaveLength(1);
    expect(await listed(lib, cache)).toEqual(full);
  });

  it('the cache is written as ASCII; titles beyond it (accents, dashes, emoji) read back the same', async () => {
    const dir = tmp();
    const cache = tmp();
    const title = 'Disque plein — ça déborde 🔥 (Größe ≥ 95 %)';
    writeFileSync(join(dir, 'a.md'), rb(title));
    old(join(dir, 'a.md'));
    expect((await listed(dir, cache))[0]?.title).toBe(title);
    const bytes = readFileSync(cacheFileOf(cache));
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    expect((await listed(dir, cache))[0]?.title).toBe(title);
    // A cache with UTF-8 in it (as written before) is still read as UTF-8.
    writeFileSync(cacheFileOf(cache), bytes.toString('latin1').replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
    expect(readFileSync(cacheFileOf(cache)).every((b) => b < 0x80)).toBe(false);
    expect((await listed(dir, cache))[0]?.title).toBe(title);
  });

  it('a changed file is re-read even with the same size and the same mtime', async () => {
    const dir = tmp();
    const cache = tmp();
    const file = join(dir, 'a.md');
    writeFileSync(file, rb('First'));
    old(file);
    expect((await listed(dir, cache))[0]?.title).toBe('First');
    const { mtime, size } = statSync(file);
    writeFileSync(file, rb('Other'));
    utimesSync(file, mtime, mtime);
    expect(statSync(file).size).toBe(size);
    expect((await listed(dir, cache))[0]?.title).toBe('Other');
  });

  it('a file changed in the last seconds is not cached (a second change in the same mtime tick is seen)', async () => {
    const dir = tmp();
    const cache = tmp();
    writeFileSync(join(dir, 'a.md'), rb('Fresh'));
    await listed(dir, cache);
    expect(existsSync(join(cache, 'runbook')) && readdirSync(join(cache, 'runbook')).some((f) => f.startsWith('list-cache'))).toBe(false);
    old(join(dir, 'a.md'));
    await listed(dir, cache);
    expect(Object.keys(JSON.parse(readFileSync(cacheFileOf(cache), 'utf8')).entries)).toEqual([join(dir, 'a.md')]);
  });

  it('a corrupt cache is ignored and replaced', async () => {
    const dir = tmp();
    const cache = tmp();
    writeFileSync(join(dir, 'a.md'), rb('Fine'));
    old(join(dir, 'a.md'));
    await listed(dir, cache);
    writeFileSync(cacheFileOf(cache), '{"version": "1:0.1.0", "entries": {"' + join(dir, 'a.md') + '": 42');
    expect((await listed(dir, cache))[0]?.title).toBe('Fine');
    writeFileSync(cacheFileOf(cache), '\0\0garbage');
    expect((await listed(dir, cache))[0]?.title).toBe('Fine');
    expect(JSON.parse(readFileSync(cacheFileOf(cache), 'utf8')).entries).toBeTypeOf('object');
  });

  it('a cache folder that cannot be written changes nothing', async () => {
    const dir = tmp();
    const notADir = join(tmp(), 'file');
    writeFileSync(notADir, 'x');
    writeFileSync(join(dir, 'a.md'), rb('Still'));
    old(join(dir, 'a.md'));
    expect((await listed(dir, notADir))[0]?.title).toBe('Still');
  });

  it('a game-day scenario beside the runbooks is not listed, cold or from the cache (as loadLibrary leaves it out)', async () => {
    const dir = tmp();
    const cache = tmp();
    writeFileSync(join(dir, 'a.md'), rb('Runbook'));
    writeFileSync(join(dir, 'game.md'), '---\nkind: scenario\nid: game\ntitle: A game\n---\n## Break it\n\n```sh\ntrue\n```\n');
    old(join(dir, 'a.md'));
    old(join(dir, 'game.md'));
    expect((await loadLibrary([dir])).runbooks.map((p) => p.runbook.id)).toEqual(['a']);
    for (let i = 0; i < 2; i++) expect((await listed(dir, cache)).map((e) => e.id)).toEqual(['a']);
    expect(Object.keys(JSON.parse(readFileSync(cacheFileOf(cache), 'utf8')).entries)).toHaveLength(2);
  });

  it("one cache file per folder: a list of one folder reads and writes only that folder's; a file removed leaves its cache", async () => {
    const big = tmp();
    const small = tmp();
    const cache = tmp();
    for (let i = 0; i < 30; i++) writeFileSync(join(big, `b${i}.md`), rb(`Big ${i}`));
    writeFileSync(join(small, 'a.md'), rb('Small'));
    for (const f of [...readdirSync(big).map((f) => join(big, f)), join(small, 'a.md')]) old(f);
    const env = { XDG_CACHE_HOME: cache };
    expect((await loadListing([big, small], env)).runbooks).toHaveLength(31);
    const files = readdirSync(join(cache, 'runbook')).filter((f) => f.startsWith('list-cache-'));
    expect(files).toHaveLength(2);
    const sizes = files.map((f) => Object.keys(JSON.parse(readFileSync(join(cache, 'runbook', f), 'utf8')).entries).length).sort((a, b) => a - b);
    expect(sizes).toEqual([1, 30]);
    // The small folder's cache is the one with its file; a damaged big one does not matter to it.
    const bigCache = files.find((f) => readFileSync(join(cache, 'runbook', f), 'utf8').includes('b0.md')) as string;
    writeFileSync(join(cache, 'runbook', bigCache), 'garbage');
    expect((await loadListing([small], env)).runbooks.map((p) => p.runbook.title)).toEqual(['Small']);
    expect(readFileSync(join(cache, 'runbook', bigCache), 'utf8')).toBe('garbage');
    // Both folders, in path order whichever order they are given in.
    const a = (await loadListing([big, small], env)).runbooks.map((p) => p.runbook.path);
    const b = (await loadListing([small, big], env)).runbooks.map((p) => p.runbook.path);
    expect(b).toEqual(a);
    expect([...a].sort()).toEqual(a);
    // A removed file's entry goes from its folder's cache.
    rmSync(join(big, 'b0.md'));
    expect((await loadListing([big], env)).runbooks).toHaveLength(29);
    expect(Object.keys(JSON.parse(readFileSync(join(cache, 'runbook', bigCache), 'utf8')).entries)).toHaveLength(29);
  });

  it('a broken file is left out with its problem, from the cache too', async () => {
    const dir = tmp();
    const cache = tmp();
    writeFileSync(join(dir, 'bad.md'), '---\ntags: [a\n---\n## S\n');
    old(join(dir, 'bad.md'));
    for (let i = 0; i < 2; i++) {
      const lib = await loadListing([dir], { XDG_CACHE_HOME: cache });
      expect(lib.runbooks).toEqual([]);
      expect(lib.broken[0]?.problems[0]).toMatchObject({ rule: 'invalid-yaml', line: 3 });
    }
  });
});
