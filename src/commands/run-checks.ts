// What `run` checks before its first step: the runbook's lint problems, a --timeline file already in use,
// and what a --resume timeline says (its runbook, values, and where to go on). Each refusal is one line that
// says why and advises only what would work.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import { parseRunbook, type ParsedFile } from '../runbook/parse.js';
import { readRunbookFile } from '../runbook/load.js';
import { REDACTED } from '../timeline/redact.js';
import type { Runbook } from '../runbook/model.js';
import { lintRunbook } from '../runbook/lint.js';
import { problemsBeforeRun } from '../runbook/blocking.js';
import { readTimeline } from '../timeline/reader.js';
import { summarizeTimeline } from '../timeline/status.js';
import { ownerAlive, ownerPathOf } from '../timeline/lock.js';
import { endedBadly, type TimelineEvent, type VarSource } from '../timeline/events.js';
import { relativeTo, todayUtc } from './shared.js';
import { emptyRecordedSession, recordSessionEvent, type RecordedSession } from '../runner/session.js';
import { combine } from '../runner/fleet-run.js';
import { howItEnded as runnerHow } from '../runner/engine.js';
import type { EarlierPart } from '../runner/run-config.js';
import { commandFailed, foldEvent, initialFoldState, summarize, type CommandSummary, type FoldState, type HostSummary } from '../report/fold.js';

/**
 * Show the runbook's lint errors before anything is asked or run. Those that change what would run refuse the
 * run (exit 2, each listed as file:line rule message); the others are warnings.
 */
export function checkRunbookBeforeRun(parsed: ParsedFile, io: Pick<Io, 'cwd' | 'stderr'>): void {
  const { refuse, warn } = problemsBeforeRun(lintRunbook(parsed, { maxAgeDays: Number.POSITIVE_INFINITY, today: todayUtc() }));
  const where = relativeTo(io.cwd);
  for (const p of warn) io.stderr.write(`runbook: warning: ${where(p.file)}:${p.line} ${p.rule} ${p.message}\n`);
  if (refuse.length === 0) return;
  for (const p of refuse) io.stderr.write(`runbook: ${where(p.file)}:${p.line} ${p.rule} ${p.message}\n`);
  const n = refuse.length;
  throw new UserError(`not running ${parsed.runbook.id}: ${n === 1 ? 'this error changes' : `these ${n} errors change`} what would run; fix the runbook, then run it again`);
}

/**
 * `--timeline FILE` must be a new or empty file: one run per timeline. When it holds a run, say which kind, and
 * advise `--resume` only for a run that can be resumed.
 */
/** `self`: how hints name the command (selfName). */
export async function refuseUsedTimeline(path: string, shown: string, self = 'runbook'): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (!existing?.isFile() || existing.size === 0) return;
  const s = await summarizeTimeline(path);
  if (s.runbook === null) throw new UserError(`${shown} is not empty and is not a runbook timeline; choose a new file for --timeline`);
  if (s.status === 'running') throw new UserError(`${shown} holds a run that is still going on; choose a new file for --timeline`);
  if (s.status === 'interrupted' || s.status === 'aborted')
    throw new UserError(`${shown} already holds a run (${s.status}): continue it with \`${self} run --resume ${shown}\`, or choose a new file`);
  throw new UserError(`${shown} already holds a ${s.status} run, which cannot be continued; choose a new file for --timeline`);
}

export interface ResumeState {
  path: string;
  runbook: Runbook;
  incident: string;
  fromStep: number;
  vars: Map<string, { value: string; source: VarSource }>;
  /** Values the timeline holds only as `[secret]` or `[redacted]`: asked for again, with the source they had. */
  redacted: Map<string, VarSource>;
  /** Wall-clock start of the run (run.started ts): durations of a resumed run count from it, as mono_ms does. */
  startedAtMs: number;
  /** The shell session its commands left (session.changed events). */
  session: RecordedSession;
  /** What the run had done before the step it resumes at: the resumed run's summary counts the whole run. */
  earlier(fromStep: number): EarlierPart;
}

/**
 * What an interrupted (crashed, killed) or aborted timeline says: its runbook (from the stored source), values,
 * and the first step not finished. A completed or failed run, a live one, or a dry run or drill is refused.
 */
export async function readResume(path: string, shown: string, cwd: string, self = 'runbook'): Promise<ResumeState> {
  if (await ownerAlive(ownerPathOf(path))) throw new UserError(`${shown}: its run is still going on in another runbook process; there is nothing to resume`);
  let started: Extract<TimelineEvent, { type: 'run.started' }> | undefined;
  let finished: Extract<TimelineEvent, { type: 'run.finished' }> | undefined;
  let lastFailed: string | undefined;
  const vars = new Map<string, { value: string; source: VarSource }>();
  const redacted = new Map<string, VarSource>();
  const finishedSteps = new Set<number>();
  const session = emptyRecordedSession();
  // The fold replay uses: the resumed run's summary counts what it did before as replay counts it.
  const fold = initialFoldState();
  const checkSteps: number[] = [];
  const skippedCheckSteps: number[] = [];
  for await (const item of readTimeline(path)) {
    if (item.kind !== 'event') continue;
    const e = item.event;
    foldEvent(fold, e);
    if (e.type === 'check.confirmed') checkSteps.push(e.step);
    else if (e.type === 'check.skipped') skippedCheckSteps.push(e.step);
    if (e.type === 'run.started') started ??= e;
    else if (e.type === 'var.set' && (e.value === '[secret]' || e.value.includes(REDACTED))) redacted.set(e.name, e.source);
    else if (e.type === 'var.set') vars.set(e.name, { value: e.value, source: e.source });
    else if (e.type === 'step.completed' || e.type === 'step.skipped') finishedSteps.add(e.step);
    else if (e.type === 'command.finished') {
      if (endedBadly(e)) lastFailed = e.id;
      else if (lastFailed === e.id) lastFailed = undefined; // retried until it worked
    }
    else if (e.type === 'run.finished') finished = e;
    else if (e.type === 'run.resumed') finished = undefined;
    else if (e.type === 'session.changed') recordSessionEvent(session, e);
  }
  if (!started) throw new UserError(`${shown} holds no run (no run.started event), so there is nothing to resume`);
  if (started.mode !== 'live') throw new UserError(`${shown} is a ${started.mode}; only live runs are resumed (start a new one instead)`);
  let fromStep = 1;
  while (finishedSteps.has(fromStep)) fromStep++;
  if (finished?.status === 'completed') throw new UserError(`${shown}: this run completed; there is nothing left to resume`);
  if (finished?.status === 'failed') {
    // A failed run ended on a failure nobody resolved: its record stays as it ended. A new run can start there.
    const rb = existsSync(started.runbook.path) ? relativeTo(cwd)(started.runbook.path) : started.runbook.id;
    throw new UserError(
      `${shown}: this run ended failed${lastFailed ? ` at ${lastFailed}` : ''}, and a failed run is kept as it ended; to go on, start a new run: \`${self} run ${rb} --from-step ${fromStep}\``,
    );
  }
  const runbook = await resumedRunbook(started.runbook);
  const masked = runbook.steps.find((s) => s.index >= fromStep && s.commands.some((c) => c.text.includes(REDACTED)));
  if (masked) {
    throw new UserError(`${shown}: step ${masked.index} of the recorded runbook had a credential redacted; restore ${started.runbook.path} as it was when the run started (sha256 ${started.runbook.sha256.slice(0, 12)}…) to resume`);
  }
  return { path, runbook, incident: started.incident, fromStep, vars, redacted, startedAtMs: Date.parse(started.ts), session, earlier: (from) => earlierPart(fold, checkSteps, from, skippedCheckSteps) };
}

/**
 * A run's counts before step `fromStep` (where the resumed run starts walking: its steps are counted by the
 * resumed run) and the last attempt of each command, from its timeline, in the runner's terms. A command run
 * again by the resumed run replaces its earlier attempt there. Checks count by the step of each
 * `check.confirmed` and `check.skipped` (checks shown under --yes were not answered, so not recorded).
 */
export function earlierPart(fold: FoldState, checkSteps: number[], fromStep: number, skippedCheckSteps: number[] = []): EarlierPart {
  const s = summarize(fold);
  const before = s.steps.filter((st) => st.index < fromStep);
  const latest = new Map<string, CommandSummary>();
  for (const st of s.steps) for (const c of st.commands) if (!c.skipped) latest.set(c.id, c);
  return {
    counts: {
      stepsDone: before.filter((st) => st.status === 'done').length,
      stepsSkipped: before.filter((st) => st.status === 'skipped').length,
      commandsSkipped: before.reduce((n, st) => n + st.commands.filter((c) => c.skipped).length, 0),
      checksConfirmed: checkSteps.filter((step) => step < fromStep).length,
      checksSkipped: skippedCheckSteps.filter((step) => step < fromStep).length,
    },
    commands: [...latest.values()].map((c) => ({ id: c.id, failed: commandFailed(c), how: howItEnded(c) })),
  };
}

/** How a recorded attempt ended, in the words of the runner's summary ("exit 1", "timed out on web3"). */
function howItEnded(c: CommandSummary): string {
  // A folded attempt as the runner's result: each host's signal and lost status included, as the live run had them.
  const result = (r: CommandSummary | HostSummary) => ({
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs ?? 0,
    timedOut: r.timedOut,
    interrupted: r.interrupted,
    ...(r.statusLost === true ? { statusLost: true } : {}),
  });
  if (c.hosts === undefined) return runnerHow({ ...result(c), ...(c.captureError !== undefined ? { captureError: c.captureError } : {}) });
  return combine(c.hosts.map((h) => ({ host: h.host, output: '', result: { ...result(h), ...(h.hostError !== undefined ? { hostError: h.hostError } : {}) } }))).how;
}

/**
 * The runbook as the run started it: its file when that is unchanged (the recorded source is redacted), else
 * the recorded source, whose redacted defaults are dropped so they are asked for instead of used.
 */
async function resumedRunbook(recorded: { path: string; sha256: string; source: string }): Promise<Runbook> {
  const file = await readRunbookFile(recorded.path);
  if (!file.fatal && file.runbook.sha256 === recorded.sha256) return file.runbook;
  const rb = parseRunbook(recorded.source, recorded.path).runbook;
  const vars = rb.vars.map((v) => {
    if (!v.default?.includes(REDACTED)) return v;
    const { default: _masked, ...rest } = v;
    return rest;
  });
  return { ...rb, vars };
}
