// The runbook tools of `runbook mcp`: list (exactly `list --json`), show (exactly `show --json`), full-text
// search, and each runbook's Markdown as a resource. Runbooks are named by id or `folder/id`, never by path.
import { statSync } from 'node:fs';
import { listedRunbooks } from '../commands/list.js';
import { showJson } from '../commands/show.js';
import { commandLineName, findRunbookFiles, loadLibrary, searchPath, type Library } from '../runbook/load.js';
import type { Runbook } from '../runbook/model.js';
import { editDistance } from '../runbook/edit-distance.js';
import { named } from '../runbook/resolve.js';
import { ToolError, type McpContext } from './context.js';

export interface ListFilters {
  tag?: string[];
  service?: string;
  severity?: string;
  search?: string;
}

export async function listRunbooks(ctx: McpContext, f: ListFilters) {
  const { shown, entry, lib } = await listedRunbooks({ dirs: ctx.dirs, tag: f.tag ?? [], service: f.service, severity: f.severity, search: f.search }, ctx.env, ctx.cwd);
  return { runbooks: shown.map(entry), broken: lib.broken.map((b) => ({ path: b.runbook.path, problem: b.problems.find((p) => p.severity === 'error')?.message ?? 'unreadable' })) };
}

/**
 * The whole library, parsed, kept while no runbook file changed (search and show read every file; a library
 * of thousands is not parsed again per call). Keyed by each file's path, size and mtime.
 */
let cached: { key: string; lib: Library } | null = null;
async function fullLibrary(ctx: McpContext): Promise<Library> {
  const dirs = searchPath(ctx.dirs, ctx.env, ctx.cwd).library;
  const files = await findRunbookFiles(dirs);
  const key = files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${f}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${f}:?`;
      }
    })
    .join('\n');
  if (cached?.key !== key) cached = { key, lib: await loadLibrary(dirs) };
  return cached.lib;
}

/** A runbook by its list name or id; unknown or ambiguous is a ToolError naming close ids. */
export async function findRunbook(ctx: McpContext, ref: string): Promise<{ runbook: Runbook; name: string }> {
  const lib = await fullLibrary(ctx);
  const found = named(lib, ref);
  if (found) return { runbook: found.runbook, name: commandLineName(lib, found.runbook) };
  const byId = lib.runbooks.filter((r) => r.runbook.id === ref);
  if (byId.length > 1) throw new ToolError(`runbook id "${ref}" is used by ${byId.length} runbooks: name one as ${byId.map((r) => commandLineName(lib, r.runbook)).join(' or ')}`);
  const close = lib.runbooks.map((r) => r.runbook.id).filter((id) => editDistance(id, ref) <= 2 || id.includes(ref)).slice(0, 3);
  throw new ToolError(`unknown runbook "${ref.slice(0, 200)}"${close.length ? ` (did you mean ${close.join(', ')}?)` : ' (list_runbooks names them)'}`);
}

export async function showRunbook(ctx: McpContext, id: string) {
  const { runbook, name } = await findRunbook(ctx, id);
  return { name, ...showJson(runbook), dangerous_commands: runbook.steps.flatMap((s) => s.commands.filter((c) => c.runnable && c.danger).map((c) => ({ id: c.id, text: c.text, reason: c.dangerReason ?? null }))) };
}

/** The runbook's Markdown as written. */
export async function runbookMarkdown(ctx: McpContext, id: string): Promise<{ name: string; text: string; title: string }> {
  const { runbook, name } = await findRunbook(ctx, id);
  return { name, text: runbook.source, title: runbook.title };
}

const WEIGHTS = { id: 8, title: 6, tags: 4, description: 3, commands: 2, prose: 1 } as const;

/** Full-text search: every word must appear somewhere; ranked by where it appears (id, title, … prose) and how often. */
export async function searchRunbooks(ctx: McpContext, query: string, limit: number) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
  if (words.length === 0) throw new ToolError('give some words to search for');
  const lib = await fullLibrary(ctx);
  const hits = lib.runbooks.flatMap(({ runbook: rb }) => {
    const fields: Record<keyof typeof WEIGHTS, string> = {
      id: rb.id,
      title: rb.title,
      tags: [...rb.tags, ...rb.services].join(' '),
      description: rb.description ?? '',
      commands: rb.steps.flatMap((s) => s.commands.map((c) => c.text)).join('\n'),
      prose: [rb.intro, ...rb.steps.flatMap((s) => [s.title, s.prose, ...s.checks.map((c) => c.text)])].join('\n'),
    };
    const lower = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.toLowerCase()])) as Record<keyof typeof WEIGHTS, string>;
    let score = 0;
    const matched = new Set<string>();
    for (const w of words) {
      let found = false;
      for (const k of Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]) {
        const n = countOf(lower[k], w);
        if (n > 0) {
          found = true;
          matched.add(k);
          score += WEIGHTS[k] * Math.min(n, 5);
        }
      }
      if (!found) return [];
    }
    return [{ id: rb.id, name: commandLineName(lib, rb), title: rb.title, score, matched_in: [...matched], snippet: snippet(fields, words[0] as string) }];
  });
  hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { query, total: hits.length, results: hits.slice(0, limit) };
}

function countOf(hay: string, w: string): number {
  let n = 0;
  for (let i = hay.indexOf(w); i >= 0 && n < 100; i = hay.indexOf(w, i + w.length)) n++;
  return n;
}

/** Up to 160 characters around the first place the word appears, on one line. */
function snippet(fields: Record<string, string>, w: string): string {
  for (const k of ['title', 'description', 'prose', 'commands'] as const) {
    const text = fields[k] ?? '';
    const i = text.toLowerCase().indexOf(w);
    if (i >= 0) return text.slice(Math.max(0, i - 60), i + 100).replace(/\s+/g, ' ').trim();
  }
  return '';
}
