// `runbook note` and `runbook mark`: stamp a note or a milestone into a timeline, from any terminal.
import { promises as fsp } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve, isAbsolute } from 'node:path';
import type { MarkOptions, TimelineTarget } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { MARK_WHATS, type EventBody, type MarkWhat } from '../timeline/events.js';
import { newestUnfinished, timelineDir } from '../timeline/locate.js';
import { listLive } from '../timeline/registry.js';
import { summarizeTimeline } from '../timeline/status.js';
import { outOfOrder, parseWhen, type Milestone } from '../timeline/milestones.js';
import { readTimeline } from '../timeline/reader.js';
import { createRedactor, loadUserRedactPatterns } from '../timeline/redact.js';
import { envelopeOf, linesBackward, readFirstLine, tryParse } from '../timeline/tail.js';
import { openTimeline } from '../timeline/writer.js';
import { noteTooLong } from '../timeline/limits.js';
import { systemClock } from '../adapters/clock.js';
import { relativeTo } from './shared.js';
import { hint } from '../self-name.js';
import { neutralize } from '../ui/neutralize.js';
import { normalizeText, readMeta, splitFrontMatter } from '../runbook/front-matter.js';

export async function note(text: string, options: TimelineTarget, io: Io): Promise<number> {
  if (text.trim() === '') throw new UserError(`a note needs some text: ${hint(io, 'note', '"what happened"')}`);
  const tooLong = noteTooLong(text);
  if (tooLong) throw new UserError(tooLong);
  const event = await record({ type: 'note', text, actor: actorName(io.env) }, options, io);
  io.stderr.write(`note recorded in ${neutralize(relativeTo(io.cwd)(event.path))} (seq ${event.seq})\n`);
  await warnIfAfterSeal(event, 'note', io);
  return ExitCode.ok;
}

/** After the seal (a finished run), `verify` reports what was added as appended: say how to seal it in. */
async function warnIfAfterSeal(event: { path: string; seq: number }, what: string, io: Io): Promise<void> {
  if (await sealedBefore(event.path, event.seq))
    io.stderr.write(`runbook: the run was sealed; until it is sealed again (${hint(io, 'seal', neutralize(relativeTo(io.cwd)(event.path)))}), verify reports this ${what} as appended after the seal\n`);
}

/**
 * Whether the event before `seq` is the seal of a run that ended completed or failed (read from the end of the
 * file; false when it cannot be read). An aborted or interrupted run is sealed again when it is resumed.
 */
async function sealedBefore(path: string, seq: number): Promise<boolean> {
  // The two events before ours, last first.
  const before: { seq: number; type: string; status?: unknown }[] = [];
  try {
    const fh = await fsp.open(path, 'r');
    try {
      for await (const line of linesBackward(fh, (await fh.stat()).size)) {
        const value = tryParse(line.bytes.toString('utf8'));
        const e = envelopeOf(value);
        if (e === null || e.seq >= seq) continue;
        before.push({ seq: e.seq, type: e.type, status: (value as { status?: unknown }).status });
        if (before.length === 2) break;
      }
    } finally {
      await fh.close();
    }
  } catch {
    return false; // unreadable now: no hint
  }
  const [seal, finished] = before;
  return seal?.seq === seq - 1 && seal.type === 'seal' && finished?.seq === seq - 2 && finished.type === 'run.finished' && (finished.status === 'completed' || finished.status === 'failed');
}

export async function mark(what: string, text: string, options: MarkOptions, io: Io, now = new Date()): Promise<number> {
  if (!(MARK_WHATS as readonly string[]).includes(what)) {
    throw new UserError(`cannot mark "${what}": use one of ${MARK_WHATS.join(', ')} (${hint(io, 'mark', 'mitigated', '"rolled back"')})`);
  }
  const tooLong = noteTooLong(text, 'mark');
  if (tooLong) throw new UserError(tooLong);
  let at: Date | undefined;
  if (options.at !== undefined) {
    at = parseWhen(options.at, now) ?? undefined;
    if (!at) throw new UserError(`--at "${options.at}" is not a time: use 2026-11-28T03:04Z, 03:04 (today, local time) or 15m ago`);
    if (at.getTime() > now.getTime() + 60_000) throw new UserError(`--at "${options.at}" is ${localTime(at.getTime())}, in the future`);
  }
  const body: EventBody = { type: 'mark', what: what as MarkWhat, text, actor: actorName(io.env), ...(at ? { at: at.toISOString() } : {}) };
  const event = await record(body, options, io, async (path) => {
    if (options.force) return;
    const problem = outOfOrder(await milestonesOf(path), what as MarkWhat, (at ?? now).getTime(), localTime);
    if (problem) throw new UserError(`${problem}: check the order (or --at TIME), or pass --force to record it anyway`);
  });
  io.stderr.write(`marked ${what}${at ? ` at ${localTime(at.getTime())}` : ''} in ${neutralize(relativeTo(io.cwd)(event.path))} (seq ${event.seq})\n`);
  await warnIfAfterSeal(event, 'mark', io);
  return ExitCode.ok;
}

/** The milestones already in a timeline, at the time each happened. */
async function milestonesOf(path: string): Promise<Milestone[]> {
  const out: Milestone[] = [];
  for await (const item of readTimeline(path)) {
    if (item.kind !== 'event' || item.event.type !== 'mark') continue;
    const e = item.event;
    out.push({ what: e.what, atMs: Date.parse(typeof e.at === 'string' ? e.at : e.ts) });
  }
  return out;
}

/** `2026-11-28 03:04:00` in local time, as the operator typed it. */
function localTime(ms: number): string {
  return new Date(ms).toLocaleString('sv-SE');
}

/** $RUNBOOK_ACTOR, else the OS user name. */
export function actorName(env: NodeJS.ProcessEnv): string {
  if (env.RUNBOOK_ACTOR) return env.RUNBOOK_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

export async function record(body: EventBody, options: TimelineTarget, io: Io, check?: (path: string) => Promise<void>): Promise<{ path: string; seq: number }> {
  const path = await targetTimeline(options, io);
  await check?.(path);
  const redactor = createRedactor({ patterns: [...loadUserRedactPatterns(io.env), ...(await runbookPatterns(path))] });
  const writer = await openTimeline(path, { clock: systemClock, redactor, create: false });
  try {
    const event = await writer.append(body);
    return { path, seq: event.seq };
  } finally {
    await writer.close().catch(() => undefined);
  }
}

async function targetTimeline(options: TimelineTarget, io: Io): Promise<string> {
  if (options.timeline !== undefined) {
    const path = isAbsolute(options.timeline) ? options.timeline : resolve(io.cwd, options.timeline);
    try {
      await fsp.stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UserError(`no timeline ${options.timeline}: give the file a run writes to (see ${hint(io, 'incidents')})`);
      }
      // Anything else (permissions, a directory) is the writer's to report.
    }
    return path;
  }
  // A live run registered on this host is found from any directory; ./incidents is the fallback.
  const live = await listLive(io.env);
  if (live.length > 1) io.stderr.write(`runbook: ${live.length} runs are live on this host; adding to the newest (${neutralize(live[0]?.incident ?? '')}); pass --timeline FILE to choose (see ${hint(io, 'status')})\n`);
  if (live[0]) return live[0].timeline;
  const found = await newestUnfinished(io.env, io.cwd);
  if (!found) {
    throw new UserError(
      `no unfinished live run in ${relativeTo(io.cwd)(timelineDir(io.env, io.cwd))} (dry runs and drills are never chosen): pass --timeline FILE, or start a run with ${hint(io, 'run')}`,
    );
  }
  // Live runs are preferred; say so when the best there is is a run whose runner is gone.
  if ((await summarizeTimeline(found)).status !== 'running') {
    io.stderr.write(`runbook: no run is live; adding to the newest interrupted one (${neutralize(relativeTo(io.cwd)(found))}); pass --timeline FILE to choose\n`);
  }
  return found;
}

/** The `redact` patterns of the runbook recorded in the timeline's run.started, so notes follow its rules too. */
async function runbookPatterns(path: string): Promise<string[]> {
  let source: unknown;
  try {
    const fh = await fsp.open(path, 'r');
    try {
      if (!(await fh.stat()).isFile()) return []; // a device such as /dev/full never ends
      const first = await readFirstLine(fh, 64 * 1024 * 1024);
      const head = first ? (tryParse(first.toString('utf8')) as { type?: unknown; runbook?: { source?: unknown } } | undefined) : undefined;
      source = head?.type === 'run.started' ? head.runbook?.source : undefined;
    } finally {
      await fh.close();
    }
  } catch {
    return []; // unreadable: the writer says why
  }
  if (typeof source !== 'string') return [];
  // The front-matter alone, with the runbook reader's own YAML handling (no Markdown parse); invalid
  // patterns are dropped by readMeta.
  return readMeta(splitFrontMatter(normalizeText(source)), path).meta.redact;
}

