// Where timelines live, and which one `note` and `mark` append to when no --timeline is given.
import { promises as fsp } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import { isFinished, summarizeTimeline, type TimelineSummary } from './status.js';

/** $RUNBOOK_TIMELINE_DIR, else ./incidents (absolute). */
export function timelineDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.RUNBOOK_TIMELINE_DIR || 'incidents');
}

/**
 * Where drills write their timelines: `drills/` beside the timeline folder, so a rehearsal never sits among
 * real incidents (in `incidents`, or as the default target of `note` and `mark`).
 */
export function drillDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return join(dirname(timelineDir(env, cwd)), 'drills');
}

/** The file name of a new timeline: `<UTC yyyymmdd-hhmmss>-<runbook id>.jsonl`. */
export function timelineFileName(started: Date, runbookId: string): string {
  const iso = started.toISOString(); // 2026-11-28T03:00:00.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${stamp}-${runbookId}.jsonl`;
}

/** The timelines (`*.jsonl`) directly in dir, as paths; [] when dir does not exist. */
export async function listTimelines(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot list timelines in ${dir}: ${describeSystemError(err)}`);
  }
  return names.filter((n) => n.endsWith('.jsonl') && !n.startsWith('.')).sort().map((n) => join(dir, n));
}

/** Newest first: by start time, then by path (names start with the UTC start time). */
export function newestFirst(a: TimelineSummary, b: TimelineSummary): number {
  const sa = a.started ?? '';
  const sb = b.started ?? '';
  if (sa !== sb) return sa < sb ? 1 : -1;
  return a.path < b.path ? 1 : a.path > b.path ? -1 : 0;
}

export interface Summaries {
  summaries: TimelineSummary[];
  /** Timelines that could not be read, each as one message. */
  problems: string[];
}

/** Summaries of every timeline in dir, newest first. */
export async function summarizeDir(dir: string, opts: { hosts?: boolean } = {}): Promise<Summaries> {
  const summaries: TimelineSummary[] = [];
  const problems: string[] = [];
  for (const path of await listTimelines(dir)) {
    try {
      summaries.push(await summarizeTimeline(path, opts));
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  summaries.sort(newestFirst);
  return { summaries, problems };
}

/**
 * The timeline `note` and `mark` append to by default: the newest live run (mode `live`, never a dry run or
 * a drill) still going (its runner is alive), else the newest unfinished live one; null when there is none.
 */
export async function newestUnfinished(env: NodeJS.ProcessEnv, cwd: string): Promise<string | null> {
  const { summaries } = await summarizeDir(timelineDir(env, cwd));
  const open = summaries.filter((s) => s.mode === 'live' && !isFinished(s));
  return (open.find((s) => s.status === 'running') ?? open[0])?.path ?? null;
}
