// `runbook incidents`: every recorded timeline, newest first, with its status.
import { relative, isAbsolute } from 'node:path';
import type { IncidentsOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode } from '../errors.js';
import { summarizeDir, timelineDir } from '../timeline/locate.js';
import type { TimelineSummary } from '../timeline/status.js';
import { loadStyle, type Style } from '../ui/style.js';

export async function incidents(options: IncidentsOptions, io: Io): Promise<number> {
  const dir = timelineDir(io.env, io.cwd);
  const { summaries, problems } = await summarizeDir(dir);
  for (const p of problems) io.stderr.write(`runbook: ${p}\n`);
  if (options.json) {
    const out = summaries.map((s) => ({
      path: s.path,
      incident: s.incident,
      runbook: s.runbook,
      started: s.started,
      finished: s.finished,
      status: s.status,
      events: s.events,
    }));
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (summaries.length === 0) {
    io.stderr.write(`no incidents in ${shown(dir, io.cwd)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(renderTable(summaries, io.cwd, await loadStyle(io.color)));
  return ExitCode.ok;
}

function statusColour(style: Style, status: TimelineSummary['status']): (s: string) => string {
  switch (status) {
    case 'completed':
      return style.green;
    case 'failed':
      return style.red;
    case 'aborted':
      return style.yellow;
    case 'running':
      return style.cyan;
    case 'interrupted':
      return style.magenta;
  }
}

/** `2026-11-28T03:00:00.000Z` -> `2026-11-28 03:00:00Z`. */
function shortTime(iso: string | null): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

export function renderTable(rows: TimelineSummary[], cwd: string, style: Style): string {
  const header = ['STARTED', 'STATUS', 'RUNBOOK', 'EVENTS', 'PATH'];
  const cells = rows.map((r) => [shortTime(r.started), r.status, r.runbook ?? '-', String(r.events), shown(r.path, cwd)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const pad = (s: string, i: number): string => (i === 3 ? s.padStart(widths[i] as number) : s.padEnd(widths[i] as number));
  const lines = [style.bold(header.map(pad).join('  ').trimEnd())];
  rows.forEach((r, k) => {
    const c = cells[k] as string[];
    const parts = c.map((s, i) => {
      const padded = i === c.length - 1 ? s : pad(s, i);
      return i === 1 ? statusColour(style, r.status)(padded) : padded;
    });
    lines.push(parts.join('  '));
  });
  return `${lines.join('\n')}\n`;
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
