// Fold timeline events into an incident summary: pure, incremental, and never holding command output.
import { outlineRunbook } from '../timeline/outline.js';
import { endedBadly, type MarkWhat, type RunMode, type RunStatus, type TimelineEvent } from '../timeline/events.js';
import { incidentTimes, type TimesFrom } from '../timeline/milestones.js';
import { sessionChangeOf, type SessionChange } from './session-change.js';

export type IncidentStatus = RunStatus | 'interrupted';
export type StepStatus = 'done' | 'skipped' | 'partial' | 'not reached';

export interface CommandSummary {
  id: string;
  command: string;
  danger: boolean;
  edited: boolean;
  /** null while running, when killed by a signal, or when the timeline ends before it finished. */
  exitCode: number | null;
  signal: string | null;
  /** null when the command never finished (skipped, or the timeline ends first). */
  durationMs: number | null;
  timedOut: boolean;
  interrupted: boolean;
  omittedBytes: number;
  /** It exited 0 but its `capture=NAME` could not be stored: the runner's message. */
  captureError?: string;
  /** It ran, but its exit status went with the command launcher (killed meanwhile). */
  statusLost?: boolean;
  skipped: boolean;
  /** Whether a command.finished was seen. */
  finished: boolean;
  /** The runbook marks it allow_failure=true: a non-zero exit is an answer, not a failure. */
  allowFailure: boolean;
  /** Offset from run start of command.started (or command.skipped). */
  atMs: number;
  ts: string;
  /** Run on hosts: each host's result, in the order they finished (the fields above: the first failed host's). */
  hosts?: HostSummary[];
  /** What it left in the shell session (one per host on hosts), from `session.changed`. */
  session?: SessionChange[];
}

export interface HostSummary {
  host: string;
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  interrupted: boolean;
  /** ssh's message when the host itself failed (unreachable, authentication). */
  hostError?: string;
  /** It ran, but its exit status was lost (status_lost). */
  statusLost?: boolean;
}

/** A folded attempt (a command's, or one host's) that did not end well, by the timeline's own test. */
export function attemptFailed(a: Pick<CommandSummary, 'exitCode' | 'timedOut' | 'interrupted' | 'captureError'>): boolean {
  return endedBadly({ exit_code: a.exitCode, timed_out: a.timedOut, interrupted: a.interrupted, capture_error: a.captureError });
}

/** The hosts of a command whose attempt failed (empty for a command run here). */
export function failedHosts(c: CommandSummary): string[] {
  return (c.hosts ?? []).filter(attemptFailed).map((h) => h.host);
}

export interface StepSummary {
  index: number;
  title: string;
  status: StepStatus;
  commands: CommandSummary[];
}

export interface NoteSummary {
  ts: string;
  atMs: number;
  actor: string;
  text: string;
}

export interface MarkSummary extends NoteSummary {
  what: MarkWhat;
  /** When it happened: a backfilled mark's `at`, else `ts`. `atMs` is this time's offset from the run start. */
  at: string;
  backfilled: boolean;
}

export interface IncidentSummary {
  incident: string;
  runbook: { id: string; title: string; path: string; severity?: string };
  mode: RunMode | null;
  actor: string | null;
  host: string | null;
  /** ISO time of run.started (or of the first event when run.started is missing). */
  started: string | null;
  /** ISO time of run.finished; null when the run did not finish. */
  finished: string | null;
  status: IncidentStatus;
  durationMs: number;
  steps: StepSummary[];
  notes: NoteSummary[];
  marks: MarkSummary[];
  counts: {
    stepsDone: number;
    stepsSkipped: number;
    commandsRun: number;
    commandsFailed: number;
    commandsSkipped: number;
  };
  /** Time to detect: impact to detection (both marked), else null. See milestones.ts. */
  timeToDetectMs: number | null;
  /** Time to mitigate and to resolve count from the impact mark, else detection, else the run's start. */
  timesFrom: TimesFrom;
  timeToMitigateMs: number | null;
  timeToResolveMs: number | null;
  events: number;
  /** How many hosts remote blocks ran on (targets.confirmed); absent when every command ran here. */
  hostCount?: number;
}

/** The fold's working state: the summary plus what is needed to attach later events. */
export interface FoldState {
  summary: IncidentSummary;
  /** The latest attempt of each command id (ids repeat on retry). */
  open: Map<string, CommandSummary>;
  startMs: number | null;
  lastMs: number;
  runFinished: boolean;
  allowFailure: Set<string>;
}

export function initialFoldState(): FoldState {
  return {
    summary: {
      incident: '',
      runbook: { id: '', title: '', path: '' },
      mode: null,
      actor: null,
      host: null,
      started: null,
      finished: null,
      status: 'interrupted',
      durationMs: 0,
      steps: [],
      notes: [],
      marks: [],
      counts: { stepsDone: 0, stepsSkipped: 0, commandsRun: 0, commandsFailed: 0, commandsSkipped: 0 },
      timeToDetectMs: null,
      timesFrom: 'run start',
      timeToMitigateMs: null,
      timeToResolveMs: null,
      events: 0,
    },
    open: new Map(),
    startMs: null,
    lastMs: 0,
    runFinished: false,
    allowFailure: new Set(),
  };
}

function stepAt(s: IncidentSummary, index: number, title?: string): StepSummary {
  while (s.steps.length < index) s.steps.push({ index: s.steps.length + 1, title: '', status: 'not reached', commands: [] });
  const step = s.steps[index - 1] ?? { index, title: '', status: 'not reached' as const, commands: [] };
  if (title !== undefined && title !== '') step.title = title;
  return step;
}

/** A command as first seen (started or skipped); command.finished fills in the rest. */
function newCommand(
  state: FoldState,
  ev: { id: string; command: string; ts: string },
  at: number,
  how: Pick<CommandSummary, 'danger' | 'edited' | 'skipped'>,
): CommandSummary {
  return {
    id: ev.id,
    command: ev.command,
    ...how,
    exitCode: null,
    signal: null,
    durationMs: null,
    timedOut: false,
    interrupted: false,
    omittedBytes: 0,
    finished: false,
    allowFailure: state.allowFailure.has(ev.id),
    atMs: at,
    ts: ev.ts,
  };
}

/** A command attempt that did not end well (attemptFailed), unless the runbook allows it to fail. */
export function commandFailed(c: CommandSummary): boolean {
  return c.finished && !c.allowFailure && attemptFailed(c);
}

/** One host's command.finished: listed, and the command's own result is its first failed host's. */
function foldHost(c: CommandSummary, ev: Extract<TimelineEvent, { type: 'command.finished' }>): void {
  const h: HostSummary = { host: ev.host as string, exitCode: ev.exit_code, signal: ev.signal, durationMs: ev.duration_ms, timedOut: ev.timed_out, interrupted: ev.interrupted };
  if (typeof ev.host_error === 'string') h.hostError = ev.host_error;
  if (ev.status_lost === true) h.statusLost = true;
  (c.hosts ??= []).push(h);
  const bad = attemptFailed(h);
  const wasBad = c.finished && attemptFailed(c);
  if (!c.finished || (bad && !wasBad)) {
    c.exitCode = ev.exit_code;
    c.signal = ev.signal;
    c.timedOut = ev.timed_out;
    c.interrupted = ev.interrupted;
  }
  c.finished = true;
  c.durationMs = Math.max(c.durationMs ?? 0, ev.duration_ms);
  c.omittedBytes += ev.omitted_bytes;
}

/**
 * Add one event. Updates `state` in place and returns it, so a reader can fold a timeline of any size
 * one event at a time; output events only move the clock.
 */
export function foldEvent(state: FoldState, ev: TimelineEvent): FoldState {
  const s = state.summary;
  s.events++;
  const at = typeof ev.mono_ms === 'number' && Number.isFinite(ev.mono_ms) ? ev.mono_ms : state.lastMs;
  if (at > state.lastMs) state.lastMs = at;
  if (s.started === null) s.started = ev.ts;
  switch (ev.type) {
    case 'command.output':
      break;
    case 'run.started': {
      if (s.incident !== '') break; // a resumed run keeps the first header
      s.incident = ev.incident;
      s.started = ev.ts;
      s.mode = ev.mode;
      s.actor = ev.actor;
      s.host = ev.host;
      const outline = outlineRunbook(ev.runbook.source ?? '', ev.runbook.path);
      s.runbook = { id: ev.runbook.id, title: ev.runbook.title, path: ev.runbook.path };
      if (outline.severity !== undefined) s.runbook.severity = outline.severity;
      state.allowFailure = new Set(outline.allowFailure);
      outline.steps.forEach((title, i) => {
        stepAt(s, i + 1, title === '' && outline.steps.length === 1 ? ev.runbook.title : title);
      });
      break;
    }
    case 'step.started':
      stepAt(s, ev.step, ev.title).status = 'partial';
      break;
    case 'step.completed':
      stepAt(s, ev.step, ev.title).status = 'done';
      break;
    case 'step.skipped':
      stepAt(s, ev.step, ev.title).status = 'skipped';
      break;
    case 'command.started': {
      const c = newCommand(state, ev, at, { danger: ev.danger, edited: ev.edited, skipped: false });
      stepAt(s, ev.step).commands.push(c);
      state.open.set(ev.id, c);
      break;
    }
    case 'targets.confirmed':
      s.hostCount = ev.hosts.length;
      break;
    case 'command.finished': {
      const c = state.open.get(ev.id);
      if (c !== undefined && typeof ev.host === 'string') {
        foldHost(c, ev);
        break;
      }
      if (c === undefined || c.finished) break;
      c.finished = true;
      c.exitCode = ev.exit_code;
      c.signal = ev.signal;
      c.durationMs = ev.duration_ms;
      c.timedOut = ev.timed_out;
      c.interrupted = ev.interrupted;
      c.omittedBytes = ev.omitted_bytes;
      if (typeof ev.capture_error === 'string') c.captureError = ev.capture_error;
      if (ev.status_lost === true) c.statusLost = true;
      break;
    }
    case 'command.skipped':
      stepAt(s, ev.step).commands.push(newCommand(state, ev, at, { danger: false, edited: false, skipped: true }));
      s.counts.commandsSkipped++;
      break;
    case 'session.changed': {
      const c = state.open.get(ev.id);
      if (c !== undefined) (c.session ??= []).push(sessionChangeOf(ev));
      break;
    }
    case 'note':
      s.notes.push({ ts: ev.ts, atMs: at, actor: ev.actor, text: ev.text });
      break;
    case 'mark': {
      const backfilled = typeof ev.at === 'string' && Number.isFinite(Date.parse(ev.at));
      const when = backfilled ? (ev.at as string) : ev.ts;
      const offset = backfilled && s.started !== null ? Date.parse(when) - Date.parse(s.started) : at;
      s.marks.push({ ts: ev.ts, atMs: offset, actor: ev.actor, text: ev.text, what: ev.what, at: when, backfilled });
      break;
    }
    case 'run.resumed':
      // The run goes on in this file: the earlier run.finished (aborted) was not its end.
      state.runFinished = false;
      s.status = 'interrupted';
      s.finished = null;
      break;
    case 'run.finished':
      state.runFinished = true;
      s.status = ev.status;
      s.finished = ev.ts;
      s.durationMs = ev.duration_ms;
      break;
    default:
      break;
  }
  if (!state.runFinished) s.durationMs = state.lastMs;
  return state;
}

/** The summary as it stands (step counts recomputed); the state can keep folding afterwards. */
export function summarize(state: FoldState): IncidentSummary {
  const s = state.summary;
  s.counts.stepsDone = s.steps.filter((st) => st.status === 'done').length;
  s.counts.stepsSkipped = s.steps.filter((st) => st.status === 'skipped').length;
  // Commands, not attempts, as the runner's own summary counts them: a retry replaces the earlier attempt,
  // so a failure retried until it worked is one command run and none failed.
  const latest = new Map<string, CommandSummary>();
  for (const st of s.steps) for (const c of st.commands) if (!c.skipped) latest.set(c.id, c);
  s.counts.commandsRun = latest.size;
  s.counts.commandsFailed = [...latest.values()].filter(commandFailed).length;
  const times = incidentTimes(s.marks.map((m) => ({ what: m.what, atMs: m.atMs })), 0);
  s.timesFrom = times.from;
  s.timeToDetectMs = times.toDetectMs;
  s.timeToMitigateMs = times.toMitigateMs;
  s.timeToResolveMs = times.toResolveMs;
  return s;
}

/** Fold a whole sequence of events. */
export function foldEvents(events: Iterable<TimelineEvent>, state: FoldState = initialFoldState()): IncidentSummary {
  for (const ev of events) foldEvent(state, ev);
  return summarize(state);
}
