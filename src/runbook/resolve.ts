// `<runbook>` on the command line → the one runbook it names, parsed in full. An id or `folder/id` is looked up
// the way `list` reads the library (front-matter and blocks only, from list's cache where a file has not
// changed), and only the runbook it names is then read in full: `run <id>` costs about what `run <path>` does,
// whether the library holds 16 runbooks or 5,000. Every other outcome (unknown, ambiguous, broken, or a file
// that reads differently in full) is settled by the full read of the whole library, with its messages.
// The runbook returned always has the id asked for (its full read says so); the other files are taken as list's
// cache has them, as `list` takes them (an entry is trusted only while its file's size, times and inode are
// unchanged, and only in the shape this version writes: listing.ts).
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { hint as selfHint } from '../self-name.js';
import { editDistance } from './edit-distance.js';
import { commandLineName, loadLibrary, readRunbookFile, searchPath, type Library, type SearchPath } from './load.js';
import { loadListing } from './listing.js';
import type { ParsedFile } from './parse.js';

function looksLikePath(ref: string): boolean {
  return /\.(md|markdown)$/i.test(ref) || ref.includes('/') || isAbsolute(ref);
}

/** How the library is read: list's way, in full, and one file in full (tests count the calls). */
export interface LibraryReader {
  listing(dirs: string[], env: NodeJS.ProcessEnv): Promise<Library>;
  library(dirs: string[]): Promise<Library>;
  file(path: string): Promise<ParsedFile>;
}
const FILES: LibraryReader = { listing: loadListing, library: (dirs) => loadLibrary(dirs), file: readRunbookFile };

/** `<runbook>` as an id, a `folder/id`, or a path → the parsed runbook. Unknown, ambiguous or unreadable: UserError (exit 2). */
export async function resolveRunbook(ref: string, dirs: string[], env: NodeJS.ProcessEnv, cwd: string, read: LibraryReader = FILES): Promise<ParsedFile> {
  if (looksLikePath(ref)) {
    const file = resolve(cwd, ref);
    const s = await stat(file).catch(() => null);
    if (s?.isFile()) return explicit(await read.file(file));
    if (s?.isDirectory()) throw new UserError(`${ref} is a folder, not a runbook file (to use the runbooks in it: --dir ${ref})`);
    // Not a file: it may still be a `folder/id` name.
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(ref) || /\.(md|markdown)$/i.test(ref)) throw new UserError(`no runbook file ${ref}`);
  }
  const sp = searchPath(dirs, env, cwd);
  const listed = named(await read.listing(sp.library, env), ref);
  if (listed) {
    const full = await read.file(listed.runbook.path);
    // The same file, read in full, must be the runbook the listing saw (it may have changed in between, or be
    // broken in a part the listing does not read): if not, the full read of the library decides.
    if (!full.fatal && full.runbook.id === listed.runbook.id) return full;
  }
  return fromLibrary(ref, await read.library(sp.library), sp, env, cwd);
}

/** The one runbook `ref` names in the library (by its command-line name, else by id), if exactly one. */
export function named(lib: Library, ref: string): ParsedFile | undefined {
  const byName = lib.runbooks.filter((r) => commandLineName(lib, r.runbook) === ref);
  if (byName.length === 1) return byName[0];
  const byId = lib.runbooks.filter((r) => r.runbook.id === ref);
  return byId.length === 1 ? byId[0] : undefined;
}

/** `ref` resolved in a library read in full: the runbook, or the error that says why there is none. */
function fromLibrary(ref: string, lib: Library, sp: SearchPath, env: NodeJS.ProcessEnv, cwd: string): ParsedFile {
  const found = named(lib, ref);
  if (found) return found;
  const matches = lib.runbooks.filter((r) => r.runbook.id === ref);
  if (matches.length > 1) {
    const how = matches.map((m) => commandLineName(lib, m.runbook));
    const useNames = new Set(how).size === how.length && !how.includes(ref);
    throw new UserError(
      useNames
        ? `runbook id "${ref}" is used by ${matches.length} runbooks: name one as ${how.join(' or ')}`
        : `runbook id "${ref}" is ambiguous: ${matches.map((m) => relative(cwd, m.runbook.path) || m.runbook.path).join(', ')} (give the path)`,
    );
  }
  const broken = lib.broken.find((b) => b.runbook.id === ref);
  if (broken) return explicit(broken);
  if (ref.includes('/')) throw new UserError(`no runbook file or runbook named ${ref} (run \`${selfHint({ env, cwd }, 'list')}\` to see the names)`);
  const ids = lib.runbooks.map((r) => r.runbook.id);
  const close = ids.filter((id) => id.includes(ref) || ref.includes(id) || editDistance(id, ref) <= 2).slice(0, 3);
  const hint = close.length ? ` (did you mean ${close.join(', ')}?)` : ` (run \`${selfHint({ env, cwd }, 'list')}\` to see the ${ids.length} runbooks in ${sp.library.join(':')})`;
  throw new UserError(`unknown runbook "${ref}"${hint}`);
}

/** A runbook named explicitly must be readable: its first error is the message. */
function explicit(p: ParsedFile): ParsedFile {
  if (p.fatal) {
    const e = p.problems.find((x) => x.severity === 'error');
    throw new UserError(e ? `${e.file}:${e.line}: ${e.message}` : `cannot read ${p.runbook.path}`);
  }
  return p;
}
