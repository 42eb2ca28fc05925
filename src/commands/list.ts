// `runbook list`: find runbooks, filter them, print a table or JSON. Broken files are reported on stderr.
import type { ListOptions } from '../cli.js';
import type { Io } from '../io.js';
import type { Runbook } from '../runbook/model.js';
import { commandLineName, isBundled, namedByFolder, searchPath } from '../runbook/load.js';
import { loadListing } from '../runbook/listing.js';
import { isStale } from '../runbook/stale.js';
import { sortIds } from '../runbook/id-order.js';
import { loadStyle } from '../ui/style.js';
import { renderTable } from '../ui/table.js';
import { columnsOf } from '../ui/wrap.js';
import { neutralizeDeep } from '../ui/neutralize.js';
import { relativeTo, todayUtc, writeJson } from './shared.js';

/** The fields `list --json` and `show --json` share (docs/library.md), absent ones as null. */
export function metaJson(rb: Runbook) {
  return {
    id: rb.id,
    title: rb.title,
    path: rb.path,
    description: rb.description ?? null,
    severity: rb.severity ?? null,
    tags: rb.tags,
    services: rb.services,
    owner: rb.owner ?? null,
    last_reviewed: rb.lastReviewed ?? null,
  };
}

/**
 * `name` is how to give the runbook on the command line (its id, or `folder/id` when the id is used twice);
 * `source` is the folder it was found in, or "bundled".
 */
export function listEntry(rb: Runbook, name: string = rb.id, source = '') {
  // Counted in place (list --json over 5,000 runbooks: one filtered array per step was most of this function).
  let commands = 0;
  for (const s of rb.steps) for (const c of s.commands) if (c.runnable) commands++;
  // Added to metaJson's object rather than spread into a new one (one object per runbook, not two).
  return Object.assign(metaJson(rb), { name, source, steps: rb.steps.length, commands });
}

export function matchesFilters(rb: Runbook, o: Pick<ListOptions, 'tag' | 'service' | 'severity' | 'search'>): boolean {
  const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase());
  if (o.tag.some((t) => !lower(rb.tags).includes(t.toLowerCase()))) return false;
  if (o.service && !lower(rb.services).includes(o.service.toLowerCase())) return false;
  if (o.severity && (rb.severity ?? '').toLowerCase() !== o.severity.toLowerCase()) return false;
  if (o.search) {
    const q = o.search.toLowerCase();
    const hay = [rb.id, rb.title, rb.description ?? '', ...rb.tags, ...rb.services].join('\n').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/** The runbooks `list` shows, filtered and sorted by id, with their `list --json` entries (`runbook mcp` returns the same). */
export async function listedRunbooks(o: Pick<ListOptions, 'dirs' | 'tag' | 'service' | 'severity' | 'search'>, env: NodeJS.ProcessEnv, cwd: string) {
  const sp = searchPath(o.dirs, env, cwd);
  const lib = await loadListing(sp.library, env);
  // Each search folder's name, worked out once (not once per runbook: a path.relative each was ~60 ms for 5,000).
  const relOf = relativeTo(cwd);
  const folderNames = new Map<string, string>();
  const rel = (folder: string): string => {
    let name = folderNames.get(folder);
    if (name === undefined) folderNames.set(folder, (name = relOf(folder)));
    return name;
  };
  // By id, whatever folder each came from (RUNBOOK_PATH=team:shared reads as one library).
  const shown = sortIds(
    lib.runbooks.map((p) => p.runbook).filter((rb) => matchesFilters(rb, o)),
    (rb) => rb.id,
  );
  const entry = (rb: Runbook) => listEntry(rb, commandLineName(lib, rb), sourceOf(rb.path, sp.library, rel));
  return { sp, lib, shown, entry };
}

export async function list(o: ListOptions, io: Io): Promise<number> {
  // A short-lived process that holds all it reads until it prints it (not `runbook mcp`, a long-lived server).
  (await import('../v8-flags.js')).keepYoungGenerationSmall();
  const { sp, lib, shown, entry } = await listedRunbooks(o, io.env, io.cwd);
  const errStyle = await loadStyle(io.colorErr);
  const rel = relativeTo(io.cwd);
  // The problem renderer (with the text wrapping it brings) is loaded only when there is a problem to show.
  if (lib.broken.length > 0 || lib.problems.length > 0) {
    const { renderProblem } = await import('../ui/render-runbook.js');
    for (const b of lib.broken) {
      const first = b.problems.find((p) => p.severity === 'error');
      if (first) io.stderr.write(`${renderProblem(first, errStyle, rel)} (left out)\n`);
    }
    // A shared id is only worth a warning where no `folder/id` name tells the runbooks apart.
    for (const p of lib.problems.filter((x) => x.rule !== 'duplicate-id' || !namedByFolder(lib, x.file)))
      io.stderr.write(`${renderProblem({ ...p, severity: 'warning' }, errStyle, rel)}\n`);
  }

  if (o.json) {
    writeJson(io, shown.map(entry));
    return 0;
  }
  if (shown.length === 0) {
    io.stderr.write(lib.runbooks.length ? 'no runbook matches these filters\n' : `no runbooks found in ${sp.library.join(':')}\n`);
    return 0;
  }
  const style = await loadStyle(io.color);
  const today = todayUtc();
  const entries = shown.map((rb) => neutralizeDeep(entry(rb)));
  // Where each comes from matters once there is more than one folder (the user's and the bundled library).
  const showSource = new Set(entries.map((e) => e.source)).size > 1;
  const rows = shown.map((rb, i) => {
    const e = entries[i] as ReturnType<typeof entry>;
    const reviewed = e.last_reviewed ?? 'never';
    return [
      style.bold(e.name),
      e.title,
      e.severity ?? '',
      e.tags.join(','),
      String(e.steps),
      isStale(rb.lastReviewed, today) ? style.yellow(`${reviewed} (stale)`) : reviewed,
      ...(showSource ? [e.source === 'bundled' ? style.dim(e.source) : e.source] : []),
    ];
  });
  const header = ['ID', 'TITLE', 'SEVERITY', 'TAGS', 'STEPS', 'LAST REVIEWED', ...(showSource ? ['SOURCE'] : [])];
  // On a terminal (or with $COLUMNS), fit its width: tags give way first, then the title. In a narrow pane,
  // rather than a title cut to a few letters, the step count goes, then the tags (already cut short by then);
  // the review date last, since it is where a stale runbook shows.
  const drop = { columns: [4, 3, 5], keep: 1, atLeast: 24 };
  io.stdout.write(renderTable(header, rows, style, { width: columnsOf(io.env, io.stdout), shrink: [3, 1], drop }));
  return 0;
}

/** "bundled", or the search folder the file was found in (relative to cwd when under it). */
function sourceOf(path: string, folders: string[], rel: (f: string) => string): string {
  if (isBundled(path)) return 'bundled';
  const folder = folders.find((d) => path.startsWith(d.endsWith('/') ? d : `${d}/`));
  return folder ? rel(folder) || '.' : '';
}
