// `runbook status`: what is going on now, for the incident commander: every live run on this host (or the
// timeline given), once, as JSON, or redrawn in place every second until Ctrl-C.
import { isAbsolute, resolve } from 'node:path';
import type { StatusOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode } from '../errors.js';
import { advanceLiveStatus, createLiveStatusState, liveStatusAt, type LiveStatusState } from '../report/live-status.js';
import { followTimeline, readTimeline } from '../timeline/reader.js';
import { listLive } from '../timeline/registry.js';
import { loadStyle } from '../ui/style.js';
import { columnsOf } from '../ui/wrap.js';
import { renderStatus, type StatusRun } from '../ui/status-view.js';
import { writeJson } from './shared.js';

interface Target {
  timeline: string;
  pid: number | null;
}

/** The runs to show: the --timeline given, else every live run registered on this host. */
async function targets(o: StatusOptions, io: Io): Promise<Target[]> {
  if (o.timeline !== undefined) return [{ timeline: isAbsolute(o.timeline) ? o.timeline : resolve(io.cwd, o.timeline), pid: null }];
  return (await listLive(io.env)).map((e) => ({ timeline: e.timeline, pid: e.pid }));
}

async function readState(path: string): Promise<LiveStatusState> {
  const state = createLiveStatusState();
  for await (const item of readTimeline(path)) if (item.kind === 'event') advanceLiveStatus(state, item.event);
  return state;
}

export async function status(o: StatusOptions, io: Io): Promise<number> {
  if (o.watch) return watch(o, io);
  const now = new Date();
  const runs: StatusRun[] = [];
  for (const t of await targets(o, io)) runs.push({ ...t, status: liveStatusAt(await readState(t.timeline), now) });
  if (o.json) {
    writeJson(io, runs.map((r) => ({ timeline: r.timeline, pid: r.pid, ...r.status })));
    return ExitCode.ok;
  }
  const style = await loadStyle(io.color);
  io.stdout.write(`${renderStatus(runs, style, columnsOf(io.env, io.stdout) ?? 100, now, o.timeline !== undefined).join('\n')}\n`);
  return ExitCode.ok;
}

/** One followed timeline: its state grows as lines are appended, without reading the file again. */
interface Tracker {
  target: Target;
  state: LiveStatusState;
  abort: AbortController;
}

/**
 * Redraw every second in place: cursor home, each line then "clear to end of line", then "clear to end of
 * screen"; never a full clear, so nothing flickers. Ctrl-C (or SIGTERM) ends it with exit 0.
 */
async function watch(o: StatusOptions, io: Io): Promise<number> {
  const style = await loadStyle(io.color);
  const out = io.stdout as NodeJS.WriteStream;
  const trackers = new Map<string, Tracker>();
  const follow = (target: Target): Tracker => {
    const t: Tracker = { target, state: createLiveStatusState(), abort: new AbortController() };
    void (async () => {
      for await (const item of followTimeline(target.timeline, { signal: t.abort.signal, throughFinished: o.timeline === undefined })) if (item.kind === 'event') advanceLiveStatus(t.state, item.event);
    })().catch(() => undefined); // unreadable now: shown empty, tried again when it is registered anew
    return t;
  };
  /** Follow new runs, drop ended ones; true when a run was added. */
  const refresh = async (): Promise<boolean> => {
    const now = await targets(o, io).catch(() => [] as Target[]);
    const keep = new Set(now.map((t) => t.timeline));
    for (const [path, t] of trackers) if (!keep.has(path)) (t.abort.abort(), trackers.delete(path));
    let added = false;
    for (const t of now) if (!trackers.has(t.timeline)) (trackers.set(t.timeline, follow(t)), (added = true));
    return added;
  };
  const draw = (): void => {
    const now = new Date();
    const runs = [...trackers.values()].map((t) => ({ ...t.target, status: liveStatusAt(t.state, now) }));
    let lines = renderStatus(runs, style, columnsOf(io.env, out) ?? 100, now, o.timeline !== undefined);
    // A frame taller than the terminal would scroll, and "home" would no longer be its top.
    if (out.rows > 1 && lines.length > out.rows - 1) lines = lines.slice(0, out.rows - 1);
    out.write(`\x1b[H${lines.join('\x1b[K\n')}\x1b[K\n\x1b[J`);
  };

  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (stop = r));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  out.write('\x1b[?25l\x1b[H\x1b[2J'); // hide the cursor; clear once, before the first frame
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      // A new run's follower reads what is there before the frame is drawn.
      if (await refresh()) await new Promise((r) => setTimeout(r, 50));
      draw();
      const tick = new Promise<'tick'>((r) => (timer = setTimeout(() => r('tick'), 1000)));
      if ((await Promise.race([tick, stopped.then(() => 'stop' as const)])) === 'stop') break;
    }
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    for (const t of trackers.values()) t.abort.abort();
    out.write('\x1b[?25h');
  }
  return ExitCode.ok;
}
