// Which timelines `runbook mcp` may read and write: only files directly in the timeline folder
// ($RUNBOOK_TIMELINE_DIR or ./incidents) and in drills/ beside it, named by file name or by a path that is
// inside one of them. One module, so that finding runs can move to the live-run registry in one place.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { drillDir, newestFirst, summarizeDir, timelineDir } from '../timeline/locate.js';
import { isFinished, type TimelineSummary } from '../timeline/status.js';
import { ToolError } from './context.js';

export interface RunPlaces {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The folders timelines are read from. */
export function timelineFolders(p: RunPlaces): string[] {
  return [timelineDir(p.env, p.cwd), drillDir(p.env, p.cwd)];
}

/** A timeline's name as list_incidents gives it: its file name. */
export const runName = (path: string): string => basename(path);

const real = (p: string): string | null => {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
};

/** Every timeline (live runs, dry runs recorded there, drills), newest first, with problems reading any. */
export async function listRuns(p: RunPlaces): Promise<{ runs: TimelineSummary[]; problems: string[] }> {
  const [main, drills] = await Promise.all(timelineFolders(p).map((d) => summarizeDir(d)));
  // A link out of the folders (to /etc/passwd, say) is not a timeline of ours: left out, as resolveRun refuses it.
  const allowed = new Set(timelineFolders(p).map(real).filter((d): d is string => d !== null));
  const inside = (s: TimelineSummary): boolean => {
    const r = real(s.path);
    return r !== null && allowed.has(dirname(r));
  };
  const runs = [...(main?.summaries ?? []), ...(drills?.summaries ?? [])].filter(inside).sort(newestFirst);
  return { runs, problems: [...(main?.problems ?? []), ...(drills?.problems ?? [])] };
}


/**
 * A timeline named by the client → its path, only when the file is directly in a timeline folder (after
 * following links) and ends in .jsonl. Anything else (`../../etc/passwd`, a folder, a link out) is a ToolError.
 */
export function resolveRun(name: string, p: RunPlaces): string {
  if (name === '' || name.length > 4096 || name.includes('\0')) throw new ToolError('give a timeline name from list_incidents');
  const folders = timelineFolders(p);
  const candidates = name.includes('/') ? [isAbsolute(name) ? name : resolve(p.cwd, name)] : folders.map((d) => resolve(d, name.endsWith('.jsonl') ? name : `${name}.jsonl`));
  const allowed = new Set(folders.map(real).filter((d): d is string => d !== null));
  for (const c of candidates) {
    if (!name.includes('/') && (name.startsWith('.') || !/^[\w.:@+-]+$/.test(name))) break;
    const r = real(c);
    if (r && r.endsWith('.jsonl') && allowed.has(dirname(r))) return r;
  }
  throw new ToolError(`no timeline ${JSON.stringify(name.slice(0, 200))} in ${folders.join(' or ')} (list_incidents names them)`);
}

/**
 * The live run a note or suggestion goes to: the named one (it must be running), else the newest running live
 * run. Suggestions need a runner to show them, so an interrupted or finished run is refused.
 */
export async function liveRun(name: string | undefined, p: RunPlaces): Promise<TimelineSummary> {
  const { runs } = await listRuns(p);
  const path = name === undefined ? undefined : resolveRun(name, p);
  const open = runs.filter((s) => s.mode === 'live' && !isFinished(s) && s.status === 'running' && (path === undefined || real(s.path) === path));
  const found = open[0];
  if (found) return found;
  if (path !== undefined) throw new ToolError(`${runName(path)} is not a live run in progress (its runner must be running)`);
  throw new ToolError(`no live run in progress in ${timelineDir(p.env, p.cwd)}: start one with \`runbook run\``);
}

/** The run incident_status reports on: the named one, else the newest live run in progress, else the newest live run. */
export async function statusRun(name: string | undefined, p: RunPlaces): Promise<TimelineSummary> {
  const { runs } = await listRuns(p);
  if (name !== undefined) {
    const path = resolveRun(name, p);
    const found = runs.find((s) => real(s.path) === path);
    if (found) return found;
    throw new ToolError(`${runName(path)} cannot be read as a timeline`);
  }
  const live = runs.filter((s) => s.mode === 'live');
  const pick = live.find((s) => s.status === 'running') ?? live.find((s) => !isFinished(s)) ?? live[0];
  if (!pick) throw new ToolError(`no live run recorded in ${timelineDir(p.env, p.cwd)}`);
  return pick;
}
