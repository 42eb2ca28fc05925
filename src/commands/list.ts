// `runbook list`: find runbooks, filter them, print a table or JSON. Broken files are reported on stderr.
import type { ListOptions } from '../cli.js';
import type { Io } from '../io.js';
import type { Command, Runbook } from '../runbook/model.js';
import { searchPath } from '../runbook/load.js';
import { loadListing } from '../runbook/listing.js';
import type { ParsedFile } from '../runbook/parse.js';
import { isStale } from '../runbook/lint.js';
import { loadStyle } from '../ui/style.js';
import { renderTable } from '../ui/table.js';
import { renderProblem } from '../ui/render-runbook.js';
import { neutralizeDeep } from '../ui/neutralize.js';
import { relativeTo, todayUtc, writeJson } from './shared.js';

/** The fields `list --json` and `show --json` share (PRODUCT.md §2), absent ones as null. */
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

export function listEntry(rb: Runbook) {
  return {
    ...metaJson(rb),
    steps: rb.steps.length,
    commands: rb.steps.reduce((n, s) => n + s.commands.filter((c) => c.runnable).length, 0),
  };
}

const RUNNABLE: Command = { id: '', text: '', lang: '', runnable: true, danger: false, attributes: {}, line: 0, placeholders: [], envRefs: [], interactive: false, allowFailure: false };

/**
 * A readable runbook cut down to what list shows and filters on: its metadata, and per step only as many
 * (empty) runnable commands as it has. Without its text, prose and commands, a library of thousands of
 * runbooks is not held in memory whole while it is read (5,000 runbooks: 83 MB less live heap, GC 0.85 s -> 0.25 s).
 */
export function forListing(p: ParsedFile): ParsedFile {
  if (p.fatal) return p;
  const rb = p.runbook;
  const slim: Runbook = {
    id: rb.id,
    title: rb.title,
    path: rb.path,
    tags: rb.tags,
    services: rb.services,
    vars: [],
    redact: [],
    intro: '',
    steps: rb.steps.map((s) => ({ index: s.index, title: '', prose: '', proseBlocks: [], checks: [], line: s.line, commands: s.commands.filter((c) => c.runnable).map(() => RUNNABLE) })),
    source: '',
    sha256: rb.sha256,
  };
  if (rb.description !== undefined) slim.description = rb.description;
  if (rb.severity !== undefined) slim.severity = rb.severity;
  if (rb.owner !== undefined) slim.owner = rb.owner;
  if (rb.lastReviewed !== undefined) slim.lastReviewed = rb.lastReviewed;
  return { runbook: slim, problems: p.problems, fatal: false };
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

export async function list(o: ListOptions, io: Io): Promise<number> {
  const sp = searchPath(o.dirs, io.env, io.cwd);
  const lib = await loadListing(sp.dirs, forListing, io.env);
  const errStyle = await loadStyle(io.colorErr);
  const rel = relativeTo(io.cwd);
  for (const b of lib.broken) {
    const first = b.problems.find((p) => p.severity === 'error');
    if (first) io.stderr.write(`${renderProblem(first, errStyle, rel)} (left out)\n`);
  }
  for (const p of lib.problems) io.stderr.write(`${renderProblem({ ...p, severity: 'warning' }, errStyle, rel)}\n`);

  // By id, whatever folder each came from (RUNBOOK_PATH=team:shared reads as one library).
  const shown = lib.runbooks.map((p) => p.runbook).filter((rb) => matchesFilters(rb, o)).sort((a, b) => a.id.localeCompare(b.id));
  if (o.json) {
    writeJson(io, shown.map(listEntry));
    return 0;
  }
  if (shown.length === 0) {
    io.stderr.write(lib.runbooks.length ? 'no runbook matches these filters\n' : `no runbooks found in ${sp.dirs.join(':')}\n`);
    return 0;
  }
  const style = await loadStyle(io.color);
  const today = todayUtc();
  const rows = shown.map((rb) => {
    const e = neutralizeDeep(listEntry(rb));
    const reviewed = e.last_reviewed ?? 'never';
    return [
      style.bold(e.id),
      e.title,
      e.severity ?? '',
      e.tags.join(','),
      String(e.steps),
      isStale(rb.lastReviewed, today) ? style.yellow(`${reviewed} (stale)`) : reviewed,
    ];
  });
  io.stdout.write(renderTable(['ID', 'TITLE', 'SEVERITY', 'TAGS', 'STEPS', 'LAST REVIEWED'], rows, style));
  return 0;
}
