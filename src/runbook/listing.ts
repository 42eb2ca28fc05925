// `list`'s way to read a library: a blocks-only parse (no inline parse of every paragraph), and a cache of what
// list shows, keyed by path, size, mtime, ctime and inode, under $XDG_CACHE_HOME/runbook. The cache is invisible:
// a changed file is always re-read, a file changed in the last two seconds is never cached (a later change
// within the same mtime tick would otherwise go unseen), and a cache that cannot be read, parsed or written
// is ignored. RUNBOOK_NO_CACHE=1 turns it off.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { describeSystemError } from '../errors.js';
import { VERSION } from '../version.js';
import { cacheRoot } from './bundled.js';
import { assembleLibrary, decode, findRunbookFiles, type Library } from './load.js';
import type { Problem, Runbook } from './model.js';
import type { ParsedFile } from './parse.js';

/** What list keeps of one file: its metadata, per step the number of runnable commands, its problems. */
interface Entry {
  key: string;
  fatal: boolean;
  problems: Problem[];
  meta: Omit<Runbook, 'steps' | 'vars' | 'redact' | 'intro' | 'source'>;
  steps: { index: number; line: number; runnable: number }[];
}
interface CacheFile {
  version: string;
  entries: Record<string, Entry>;
}

// Bumped when Entry or what feeds it changes; the CLI version is part of the key too.
const FORMAT = `1:${VERSION}`;
const MAX_ENTRIES = 50_000;

const keyOf = (s: Stats): string => `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;

function toEntry(p: ParsedFile, key: string): Entry {
  const { steps, vars: _v, redact: _r, intro: _i, source: _s, ...meta } = p.runbook;
  return { key, fatal: p.fatal, problems: p.problems, meta, steps: steps.map((s) => ({ index: s.index, line: s.line, runnable: s.commands.filter((c) => c.runnable).length })) };
}

// What list counts of a command: that it runs. One shared object for every cached command.
const RUNNABLE = Object.freeze({ runnable: true }) as unknown as Runbook['steps'][number]['commands'][number];

/** An entry back as the cut-down ParsedFile list keeps: runnable commands as placeholders, nothing else. */
function fromEntry(e: Entry): ParsedFile {
  const steps = e.steps.map((s) => ({
    index: s.index,
    title: '',
    prose: '',
    proseBlocks: [],
    checks: [],
    line: s.line,
    commands: new Array<typeof RUNNABLE>(s.runnable).fill(RUNNABLE),
  }));
  return { runbook: { ...e.meta, vars: [], redact: [], intro: '', source: '', steps }, problems: e.problems, fatal: e.fatal };
}

function readCache(file: string): Record<string, Entry> {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return c && c.version === FORMAT && c.entries && typeof c.entries === 'object' ? c.entries : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, entries: Record<string, Entry>): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: FORMAT, entries } satisfies CacheFile));
    renameSync(tmp, file); // readers see the old cache or the new one, never half of one
  } catch {
    // No cache this time (read-only home, full disk): list works the same without it.
  }
}

/** Read one file the way list needs it: blocks-only parse, problems of decoding included. */
async function readForListing(file: string): Promise<ParsedFile> {
  // The parser is loaded only when a file is not in the cache (it is most of list's start-up).
  const { parseRunbook } = await import('./parse.js');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const parsed = parseRunbook('', file, { listing: true });
    return { ...parsed, fatal: true, problems: [{ file, line: 1, severity: 'error', rule: 'unreadable', message: `cannot read ${file}: ${describeSystemError(err)}` }] };
  }
  const { text, problems } = decode(bytes, file);
  const parsed = parseRunbook(text, file, { listing: true });
  return { ...parsed, problems: [...problems, ...parsed.problems] };
}

/** loadLibrary for list: the same Library, from the cache where a file has not changed. */
export async function loadListing(dirs: string[], keep: (p: ParsedFile) => ParsedFile, env: NodeJS.ProcessEnv = process.env): Promise<Library> {
  const files = await findRunbookFiles(dirs);
  const useCache = env.RUNBOOK_NO_CACHE !== '1';
  const cacheFile = join(cacheRoot(env), 'list-cache.json');
  const old = useCache ? readCache(cacheFile) : {};
  const seen: Record<string, Entry> = {};
  let changed = false;
  const recent = Date.now() - 2000;
  const parsed: ParsedFile[] = [];
  for (const f of files) {
    let st: Stats | undefined;
    try {
      st = statSync(f);
    } catch {
      // gone or unreadable: readForListing reports it
    }
    const key = st ? keyOf(st) : '';
    const hit = st && old[f]?.key === key ? old[f] : undefined;
    if (hit) {
      seen[f] = hit;
      parsed.push(fromEntry(hit)); // already cut down: what `keep` would keep
      continue;
    }
    const p = await readForListing(f);
    if (st && st.mtimeMs < recent) {
      seen[f] = toEntry(p, key);
      changed = true;
    }
    parsed.push(keep(p));
  }
  if (useCache && changed) {
    // Entries of other folders stay (list of team A, then of team B), up to a bound.
    const merged = { ...old, ...seen };
    writeCache(cacheFile, Object.keys(merged).length > MAX_ENTRIES ? seen : merged);
  }
  return assembleLibrary(parsed);
}
