// `list`'s way to read a library: a blocks-only parse (no inline parse of every paragraph), and a cache of what
// list shows, keyed by path, size, mtime, ctime and inode, under $XDG_CACHE_HOME/runbook, one file per searched
// folder (listing a small folder never reads the cache of a big one). The cache is invisible:
// a changed file is always re-read, a file changed in the last two seconds is never cached (a later change
// within the same mtime tick would otherwise go unseen), and a cache that cannot be read, parsed or written
// is ignored. RUNBOOK_NO_CACHE=1 turns it off.
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { looksLikeScenario } from '../gameday/kind.js';
import { cacheRoot } from './bundled.js';
import { assembleLibrary, findRunbookFiles, readParsed, type Library } from './load.js';
import { parserModule, type Parser } from './parser-module.js';
import type { Problem, Runbook } from './model.js';
import type { ParsedFile } from './parse.js';

/**
 * What list keeps of one file, small because the whole cache is parsed at every list (5,000 runbooks: its
 * objects were most of a cached list's GC): the stat key, the metadata list shows and filters on (path and
 * sha256 left out), the number of runnable commands of each step, and, only for a file list leaves out, its
 * problems (list reports nothing else of a readable file's problems).
 */
interface Entry {
  key: string;
  meta: Omit<Runbook, 'steps' | 'vars' | 'redact' | 'intro' | 'source' | 'path' | 'sha256'>;
  runnable: number[];
  /** Set for a fatal file only. */
  broken?: Problem[];
  /** A game-day scenario (`kind: scenario`): not a runbook, never listed (load.ts's assembleLibrary). */
  scenario?: true;
}
interface CacheFile {
  version: string;
  entries: Record<string, Entry>;
}

// Bumped when Entry or what feeds it changes; the CLI version is part of the key too.
const FORMAT = `3:${VERSION}`;
const MAX_ENTRIES = 50_000;

const keyOf = (s: Stats): string => `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;

function toEntry(p: Read, key: string): Entry {
  const { steps, vars: _v, redact: _r, intro: _i, source: _s, path: _p, sha256: _h, ...meta } = p.runbook;
  const e: Entry = { key, meta, runnable: steps.map((s) => s.commands.filter((c) => c.runnable).length) };
  if (p.fatal) e.broken = p.problems;
  if (p.scenario) e.scenario = true;
  return e;
}

// What list counts of a command: that it runs. One shared object for every cached command, one shared (frozen)
// step for each number of runnable commands, and one shared steps array for each list of those numbers: list
// reads no more of a cached runbook than that. A cached list of 5,000 runbooks spent most of its time in the
// garbage collector copying the objects it made per entry; now it makes one per entry (the Runbook).
const RUNNABLE = Object.freeze({ runnable: true }) as unknown as Runbook['steps'][number]['commands'][number];
const stepsByCount: Runbook['steps'][number][] = [];
const stepWith = (n: number): Runbook['steps'][number] =>
  (stepsByCount[n] ??= Object.freeze({ index: 0, title: '', prose: '', proseBlocks: [], checks: [], line: 0, commands: Object.freeze(new Array(n).fill(RUNNABLE)) }) as unknown as Runbook['steps'][number]);
const stepsBySignature = new Map<string, Runbook['steps']>();
const stepsOf = (runnable: number[]): Runbook['steps'] => {
  const sig = runnable.join(',');
  let steps = stepsBySignature.get(sig);
  if (!steps) stepsBySignature.set(sig, (steps = Object.freeze(runnable.map(stepWith)) as Runbook['steps']));
  return steps;
};
const NONE = Object.freeze([]) as unknown as never[];
const NO_PROBLEMS = Object.freeze([]) as unknown as Problem[];

/** An entry back as the cut-down ParsedFile list keeps: runnable commands as placeholders, nothing else. */
function fromEntry(e: Entry, path: string): ParsedFile {
  const m = e.meta;
  // One shape for every entry (absent fields are undefined, as list reads them): no per-entry object spread.
  const runbook = {
    id: m.id,
    title: m.title,
    path,
    description: m.description,
    severity: m.severity,
    tags: m.tags,
    services: m.services,
    owner: m.owner,
    lastReviewed: m.lastReviewed,
    timeoutMs: m.timeoutMs,
    targetsRequired: m.targetsRequired,
    vars: NONE,
    redact: NONE,
    intro: '',
    steps: stepsOf(e.runnable),
    source: '',
    sha256: '',
  } as Runbook;
  return { runbook, problems: e.broken ?? NO_PROBLEMS, fatal: e.broken !== undefined };
}

const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const optional = (v: unknown, type: 'string' | 'number' | 'boolean'): boolean => v === undefined || typeof v === type;
/**
 * An entry as this version writes it. The cache is only a file in the user's cache folder, and `run <id>`
 * reads it too (resolve.ts): an entry of any other shape is read again from its file, never trusted.
 */
function wellFormed(e: unknown): e is Entry {
  if (typeof e !== 'object' || e === null) return false;
  const { meta, runnable, broken, scenario } = e as Partial<Entry>;
  if (typeof meta !== 'object' || meta === null || !Array.isArray(runnable) || !runnable.every((n) => Number.isInteger(n) && n >= 0)) return false;
  if (broken !== undefined && !(Array.isArray(broken) && broken.every((p) => typeof p === 'object' && p !== null && typeof p.message === 'string'))) return false;
  if (scenario !== undefined && scenario !== true) return false;
  const m = meta as Partial<Entry['meta']>;
  return (
    typeof m.id === 'string' && typeof m.title === 'string' && strings(m.tags) && strings(m.services) &&
    optional(m.description, 'string') && optional(m.severity, 'string') && optional(m.owner, 'string') &&
    optional(m.lastReviewed, 'string') && optional(m.timeoutMs, 'number') && optional(m.targetsRequired, 'boolean')
  );
}

function readCache(file: string): Record<string, Entry> {
  try {
    // Written as ASCII (below), so read as such: Node 20 decodes UTF-8 into a string at ~80 MB/s, a Latin-1
    // copy of ASCII bytes is a memcpy (2 MB for 5,000 runbooks: 25 ms → under 1). Anything else, as UTF-8.
    const bytes = readFileSync(file);
    const c = JSON.parse(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')) as CacheFile;
    return c && c.version === FORMAT && c.entries && typeof c.entries === 'object' ? c.entries : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, entries: Record<string, Entry>): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, asciiJson({ version: FORMAT, entries } satisfies CacheFile));
    renameSync(tmp, file); // readers see the old cache or the new one, never half of one
  } catch {
    // No cache this time (read-only home, full disk): list works the same without it.
  }
}

/** JSON with every character outside ASCII written as a \u escape: the same data, read back fast. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A file as read for list: its parse, and whether it is a game-day scenario rather than a runbook. */
interface Read extends ParsedFile {
  scenario: boolean;
}

/** Read one file the way list needs it: list's parse, problems of decoding included. */
function readForListing(file: string, { parseRunbook }: Parser): Read {
  const parsed = readParsed(file, parseRunbook, { listing: true });
  return { ...parsed, scenario: !parsed.fatal && looksLikeScenario(parsed.runbook.source) };
}

// FNV-1a over the path's UTF-16 code units, from two offset bases: 64 bits for a file name. Not a digest: two
// folders that shared a name would only share a cache file, whose entries are kept by full path. (SHA-256
// loaded node:crypto, ~7 ms of every `list`, for this alone.)
const fnv1a = (s: string, h: number): string => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
};

/** The cache file of one searched folder. */
export function listCacheFile(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const abs = resolve(dir);
  return join(cacheRoot(env), `list-cache-${fnv1a(abs, 0x811c9dc5)}${fnv1a(abs, 0x050c5d1f)}.json`);
}

/**
 * loadLibrary for list: the same Library, from the cache where a file has not changed. Every runbook comes back
 * cut down to what list shows and filters on (its metadata, and per step only its runnable commands, as
 * placeholders), read or cached alike: a library of thousands is never held in memory whole.
 */
export async function loadListing(dirs: string[], env: NodeJS.ProcessEnv = process.env): Promise<Library> {
  const parsed: ParsedFile[] = [];
  // The parser is loaded only when a file is not in the cache (it is most of list's start-up), and once.
  let parser: Parser | undefined;
  const useCache = env.RUNBOOK_NO_CACHE !== '1';
  // Each folder with its own cache file.
  for (const dir of dirs) {
    const files = await findRunbookFiles([dir]);
    const cacheFile = listCacheFile(dir, env);
    const old = useCache ? readCache(cacheFile) : {};
    const { fresh, changed } = await listFolder(files, old, useCache, parsed, async () => (parser ??= await parserModule()));
    if (!useCache) continue;
    // Written when a file was read again, or when the cache holds files that are gone: this folder's files only.
    if (changed || Object.keys(old).length > files.length) {
      const mine: Record<string, Entry> = {};
      for (const f of files) {
        const e = fresh[f] ?? old[f];
        if (e) mine[f] = e;
      }
      if (files.length <= MAX_ENTRIES) writeCache(cacheFile, mine);
    }
  }
  // In path order, as one walk of all the folders gives them (loadLibrary's order).
  return assembleLibrary(parsed.sort((a, b) => (a.runbook.path < b.runbook.path ? -1 : a.runbook.path > b.runbook.path ? 1 : 0)));
}

/** The files of one folder, from `old` where their key still matches, else read again (and collected in fresh). */
async function listFolder(
  files: string[],
  old: Record<string, Entry>,
  useCache: boolean,
  parsed: ParsedFile[],
  loadParser: () => Promise<Parser>,
): Promise<{ fresh: Record<string, Entry>; changed: boolean }> {
  // Only what was read again is collected (a hit is in `old` already): 5,000 inserts less for a cached list.
  const fresh: Record<string, Entry> = {};
  let changed = false;
  const recent = Date.now() - 2000;
  for (const f of files) {
    let st: Stats | undefined;
    // Without the cache the key is not needed: no stat (reading the file is the check that it is there).
    if (useCache)
      try {
        st = statSync(f, { throwIfNoEntry: false });
      } catch {
        // unreadable: readForListing reports it
      }
    const key = st ? keyOf(st) : '';
    const cached = st ? old[f] : undefined;
    if (cached?.key === key && wellFormed(cached)) {
      if (!cached.scenario) parsed.push(fromEntry(cached, f));
      continue;
    }
    const entry = toEntry(readForListing(f, await loadParser()), key);
    if (st && st.mtimeMs < recent) {
      fresh[f] = entry;
      changed = true;
    }
    // Scenarios are left out here: the cut-down runbook has no text for assembleLibrary to recognise them by.
    if (!entry.scenario) parsed.push(fromEntry(entry, f));
  }
  return { fresh, changed };
}
