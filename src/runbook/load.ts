// The only file-system code for runbooks: where they are found, reading and decoding them (resolve.ts turns a
// `<runbook>` into one of them).
import { closeSync, existsSync, openSync, readSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import type { Problem, Runbook } from './model.js';
import type { ParsedFile, ParseOptions } from './parse.js';
import { bundledDir } from './bundled.js';
import { parserModule, type Parser } from './parser-module.js';
import { looksLikeScenario } from '../gameday/kind.js';

export interface SearchPath {
  /** The user's folders; the bundled library alone when there are none (what `lint` checks by default). */
  dirs: string[];
  /** Where runbooks are found: the user's folders, then the bundled library (a user's runbook shadows a bundled one of the same id). */
  library: string[];
  /** Where the folders came from, for messages. */
  from: '--dir' | 'RUNBOOK_PATH' | './runbooks' | 'bundled';
}

/**
 * --dir (repeatable), else RUNBOOK_PATH, else ./runbooks when it exists; the bundled library is always searched
 * after them, so `runbook new` creating ./runbooks never hides it.
 */
export function searchPath(dirs: string[], env: NodeJS.ProcessEnv, cwd: string): SearchPath {
  const bundled = bundledDir();
  const withBundled = (user: string[]): string[] => (user.includes(bundled) ? user : [...user, bundled]);
  if (dirs.length > 0) {
    const user = dirs.map((d) => resolve(cwd, d));
    return { dirs: user, library: withBundled(user), from: '--dir' };
  }
  const rp = env.RUNBOOK_PATH?.split(':').filter(Boolean) ?? [];
  if (rp.length > 0) {
    const user = rp.map((d) => resolve(cwd, d));
    return { dirs: user, library: withBundled(user), from: 'RUNBOOK_PATH' };
  }
  const local = resolve(cwd, 'runbooks');
  if (existsSync(local)) return { dirs: [local], library: withBundled([local]), from: './runbooks' };
  return { dirs: [bundled], library: [bundled], from: 'bundled' };
}

/** Whether a runbook file is one of the bundled library's. */
export function isBundled(path: string): boolean {
  return path.startsWith(bundledDir() + sep);
}

// Files in a runbook folder that are about the folder, not runbooks.
const NOT_RUNBOOKS = new Set(['readme.md', '_index.md', 'index.md', 'changelog.md', 'contributing.md', 'license.md', 'code_of_conduct.md', 'template.md', '_template.md']);

/** Every .md file under the folders, sorted, skipping hidden folders and node_modules. Missing folders are errors. */
export async function findRunbookFiles(dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  // One synchronous walk: a promise and a closure per entry (5,000 runbooks) cost more than the walk itself.
  // A child's path is its folder's and its name (never `.` nor `..`: names starting with a dot are skipped),
  // so it is joined by hand from a normalised root: path.join normalised each of them again.
  const walk = (dir: string, shown = dir): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new UserError(`cannot read runbook folder ${shown}: ${describeSystemError(err)}`);
    }
    // As path.join gives them: `.` (or `./`, or `sub/..`) adds nothing before a name.
    const prefix = dir === '.' || dir === `.${sep}` ? '' : dir.endsWith(sep) ? dir : `${dir}${sep}`;
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = `${prefix}${e.name}`;
      if (e.isDirectory()) walk(p);
      else if ((e.isFile() || e.isSymbolicLink()) && /\.(md|markdown)$/i.test(e.name) && !NOT_RUNBOOKS.has(e.name.toLowerCase())) files.push(p);
    }
  };
  // '' stays '' (no folder: an error, as before), not normalize's `.`.
  for (const d of dirs) walk(d === '' ? d : normalize(d), d);
  return files.sort();
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → text: a BOM is dropped; invalid UTF-8 is replaced and reported with its line. */
export function decode(bytes: Uint8Array, file: string): { text: string; problems: Problem[] } {
  try {
    return { text: strictUtf8.decode(bytes), problems: [] };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
    const line = before.split('\n').length;
    return { text, problems: [{ file, line, severity: 'error', rule: 'invalid-utf8', message: 'the file is not valid UTF-8 (bad bytes shown as \uFFFD)' }] };
  }
}

/** readText's buffer, reused from file to file (list reads thousands of small ones). */
let scratch: Buffer | undefined;
const SCRATCH_SIZE = 64 * 1024;

/**
 * A file's text and its decoding problems, as decode() gives them, read into one buffer kept from call to call:
 * no stat and no buffer per file (an uncached list of 5,000 runbooks: ~15 ms less than readFileSync). Fails as
 * readFileSync does (the same system errors). A file larger than the buffer grows it for that file only.
 */
export function readText(file: string): { text: string; problems: Problem[] } {
  let buf = (scratch ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE));
  let n = 0;
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
  } finally {
    closeSync(fd);
  }
  // decode copies the bytes into a string: the buffer is free for the next file once it returns.
  return decode(buf.subarray(0, n), file);
}

/**
 * Read and parse one file with `parseRunbook` (the parser's, passed in: list loads it once for thousands), its
 * decoding problems first. A file that cannot be read at all comes back fatal, with one problem. The read is
 * synchronous on purpose: runbooks are small, and for a library of thousands of files one in-thread read each
 * costs a fraction of fs/promises' four thread-pool round-trips (open, stat, read, close) with every file's
 * buffer alive at once (5,000 runbooks: `list --json` 3.8 s -> 3.2 s of CPU).
 */
export function readParsed(file: string, parseRunbook: Parser['parseRunbook'], options: ParseOptions = {}): ParsedFile {
  let read: ReturnType<typeof readText>;
  try {
    read = readText(file);
  } catch (err) {
    const parsed = parseRunbook('', file, options);
    return { ...parsed, fatal: true, problems: [{ file, line: 1, severity: 'error', rule: 'unreadable', message: `cannot read ${file}: ${describeSystemError(err)}` }] };
  }
  const parsed = parseRunbook(read.text, file, options);
  return read.problems.length ? { ...parsed, problems: [...read.problems, ...parsed.problems] } : parsed;
}

/** Read and parse one file in full (readParsed), the parser loaded on first use: a cached list needs none of it. */
export async function readRunbookFile(file: string): Promise<ParsedFile> {
  return readParsed(file, (await parserModule()).parseRunbook);
}

export interface Library {
  /** Readable runbooks, in path order; a bundled runbook whose id a user's runbook has is left out. */
  runbooks: ParsedFile[];
  /** Files whose front-matter could not be read: left out of `runbooks`, with their problems. */
  broken: ParsedFile[];
  /** Problems across files (duplicate ids). */
  problems: Problem[];
  /**
   * How a runbook whose id is shared is named on the command line, by path (see commandLineNames); every other
   * runbook is named by its id. Read it through commandLineName.
   */
  names: Map<string, string>;
}

/** How `runbook` (one of lib's) is given on the command line: its id, or `folder/id` when the id is shared. */
export function commandLineName(lib: Library, runbook: Runbook): string {
  return lib.names.get(runbook.path) ?? runbook.id;
}

/** Whether the runbook at `path` shares its id but has a `folder/id` name that tells it apart from the others. */
export function namedByFolder(lib: Library, path: string): boolean {
  return lib.names.get(path)?.includes('/') === true;
}

/**
 * Load every runbook under the folders; one broken file never hides the others. `keep` sees each file as
 * soon as it is parsed and returns what to hold on to while the rest are read (list keeps a cut-down copy).
 */
export async function loadLibrary(dirs: string[], keep: (p: ParsedFile) => ParsedFile = (p) => p): Promise<Library> {
  const files = await findRunbookFiles(dirs);
  const parsed: ParsedFile[] = [];
  for (const f of files) parsed.push(keep(await readRunbookFile(f)));
  return assembleLibrary(parsed);
}

/** Parsed files → the library: a user's runbook hides a bundled one with the same id; names and duplicates. */
export function assembleLibrary(parsed: ParsedFile[]): Library {
  // Game-day scenarios (`kind: scenario`) may share a folder with runbooks; they are not runbooks to run.
  const readable = parsed.filter((p) => !p.fatal && !looksLikeScenario(p.runbook.source));
  // The user's runbook wins over a bundled one with the same id: the bundled one is not offered at all.
  const userIds = new Set(readable.filter((p) => !isBundled(p.runbook.path)).map((p) => p.runbook.id));
  const runbooks = readable.filter((p) => !isBundled(p.runbook.path) || !userIds.has(p.runbook.id));
  const groups = byId(runbooks);
  return { runbooks, broken: parsed.filter((p) => p.fatal), problems: duplicateIds(runbooks, groups), names: commandLineNames(groups) };
}

/**
 * The name on the command line, by path, of each runbook whose id others share: `folder/id` with the shortest
 * suffix of its folder path that tells them apart (`team-a/KubeAPIDown`). Runbooks with the same id in the
 * same folder have no such suffix: they keep the id and need their path. A runbook whose id is its own is
 * left out (its name is its id): a list of 5,000 made 5,000 map entries that only repeated the ids.
 */
function commandLineNames(groups: Map<string, ParsedFile[]>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [id, group] of groups) {
    if (group.length === 1) continue;
    const paths = group.map((r) => r.runbook.path);
    const folders = paths.map((p) => dirname(p).split(sep).filter(Boolean));
    paths.forEach((p, i) => {
      const mine = folders[i] as string[];
      for (let k = 1; k <= mine.length; k++) {
        const suffix = mine.slice(-k).join('/');
        const clash = folders.some((other, j) => j !== i && other.slice(-k).join('/') === suffix);
        if (!clash) return void names.set(p, `${suffix}/${id}`);
      }
      names.set(p, id);
    });
  }
  return names;
}

/**
 * The runbooks grouped by id, in order. Pushed onto one array per id: a list of 5,000 runs too briefly for V8
 * to optimise a copy of the group per runbook (`[...group, r]`), which was ~20 ms of it.
 */
function byId(runbooks: ParsedFile[]): Map<string, ParsedFile[]> {
  const groups = new Map<string, ParsedFile[]>();
  for (const r of runbooks) {
    const group = groups.get(r.runbook.id);
    if (group) group.push(r);
    else groups.set(r.runbook.id, [r]);
  }
  return groups;
}

export function duplicateIds(runbooks: ParsedFile[], groups = byId(runbooks)): Problem[] {
  const problems: Problem[] = [];
  for (const [id, group] of groups) {
    if (group.length < 2) continue;
    for (const r of group) {
      const others = group.filter((o) => o !== r).map((o) => o.runbook.path);
      problems.push({ file: r.runbook.path, line: 1, severity: 'error', rule: 'duplicate-id', message: `id "${id}" is also used by ${others.join(', ')}` });
    }
  }
  return problems;
}
