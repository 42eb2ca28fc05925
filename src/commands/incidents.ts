// `runbook incidents`: every recorded timeline, newest first, with its status.
import type { IncidentsOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode } from '../errors.js';
import { drillDir, newestFirst, summarizeDir, timelineDir } from '../timeline/locate.js';
import type { TimelineSummary } from '../timeline/status.js';
import { loadStyle, type Style } from '../ui/style.js';
import { renderTable } from '../ui/table.js';
import { neutralize, neutralizeDeep } from '../ui/neutralize.js';
import { relativeTo, writeJson } from './shared.js';

export async function incidents(options: IncidentsOptions, io: Io): Promise<number> {
  const dir = timelineDir(io.env, io.cwd);
  // Only the listing shows host counts: note, mark and resume never pay for looking them up.
  const found = await summarizeDir(dir, { hosts: true });
  // Live runs by default; --all adds dry runs recorded with --timeline there, and the drills/ folder beside it.
  const drills = options.all ? await summarizeDir(drillDir(io.env, io.cwd), { hosts: true }) : { summaries: [], problems: [] };
  const summaries = [...found.summaries.filter((s) => options.all || s.mode === 'live' || s.mode === null), ...drills.summaries].sort(newestFirst);
  const problems = [...found.problems, ...drills.problems];
  for (const p of problems) io.stderr.write(`runbook: ${neutralize(p)}\n`);
  if (options.json) {
    const out = summaries.map((s) => ({
      path: s.path,
      incident: s.incident,
      runbook: s.runbook,
      mode: s.mode,
      started: s.started,
      finished: s.finished,
      status: s.status,
      events: s.events,
      ...(s.hosts !== undefined ? { hosts: s.hosts } : {}),
    }));
    writeJson(io, out);
    return ExitCode.ok;
  }
  if (summaries.length === 0) {
    io.stderr.write(`no incidents in ${neutralize(relativeTo(io.cwd)(dir))}${options.all ? ` or ${neutralize(relativeTo(io.cwd)(drillDir(io.env, io.cwd)))}` : ''}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(renderIncidents(summaries, io.cwd, await loadStyle(io.color)));
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

export function renderIncidents(rows: TimelineSummary[], cwd: string, style: Style): string {
  const rel = relativeTo(cwd);
  // A timeline's fields and file name are whatever is on disk: neutralised before they are laid out.
  const cells = neutralizeDeep(rows).map((r) => [shortTime(r.started), statusColour(style, r.status)(r.status), r.mode ?? '-', r.runbook ?? '-', String(r.events), rel(r.path)]);
  // A HOSTS column only when some run used hosts: listings of local runs stay as they were.
  if (rows.some((r) => r.hosts !== undefined)) {
    rows.forEach((r, i) => cells[i]?.splice(5, 0, r.hosts !== undefined ? String(r.hosts) : '-'));
    return renderTable(['STARTED', 'STATUS', 'MODE', 'RUNBOOK', 'EVENTS', 'HOSTS', 'PATH'], cells, style, { right: [4, 5] });
  }
  return renderTable(['STARTED', 'STATUS', 'MODE', 'RUNBOOK', 'EVENTS', 'PATH'], cells, style, { right: [4] });
}

