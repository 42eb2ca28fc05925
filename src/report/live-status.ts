// What is going on in a run right now, for the incident commander (`runbook status`, the MCP incident_status
// tool): a pure, incremental summary of a timeline's events at a given wall-clock time. No I/O, and the text
// is as recorded: whoever prints it neutralises it.
import type { MarkWhat, RunMode, RunStatus, TimelineEvent } from '../timeline/events.js';
import { outlineRunbook } from '../timeline/outline.js';

/** How many of the latest notes a status shows. */
export const STATUS_NOTES = 3;

export interface LiveNote {
  seq: number;
  ts: string;
  actor: string;
  text: string;
}

export interface LiveMark {
  seq: number;
  what: MarkWhat;
  /** When it happened: a backfilled mark's `at`, else its `ts`. */
  at: string;
  actor: string;
  text: string;
}

export interface LiveHandover {
  seq: number;
  ts: string;
  from: string | null;
  to: string;
  actor: string;
  text: string;
}

export interface LiveStatus {
  incident: string;
  runbook: { id: string; title: string };
  mode: RunMode | null;
  /** Who holds the run now: the last handover's `to`, else the actor of the last run.started / run.resumed. */
  operator: string | null;
  host: string | null;
  /** ISO time of run.started (else of the first event); null for no events. */
  started: string | null;
  /** The run.finished status; null while the run has not finished (running, or its runner is gone). */
  finished: RunStatus | null;
  /** The step last started (index 1-based, of `count` steps; count null when run.started is missing). */
  step: { index: number; count: number | null; title: string } | null;
  /** The command running now (started, not yet finished on every host), and for how long at `now`. */
  command: { id: string; step: number; command: string; started: string; runningMs: number; danger: boolean } | null;
  /** The last STATUS_NOTES notes, oldest first. */
  notes: LiveNote[];
  /** Every milestone mark, in timeline order. */
  marks: LiveMark[];
  handovers: LiveHandover[];
  /**
   * The incident's clock: elapsed at `now` since the first impact mark, else the first detection, else the
   * run's start (the same origin as time to mitigate / resolve). Null for no events.
   */
  since: { from: 'impact' | 'detected' | 'run start'; at: string; elapsedMs: number } | null;
  /** seq and ts of the last event seen; null for no events. */
  last: { seq: number; ts: string } | null;
  /** Events seen. */
  events: number;
}

/** The fold's working state: feed it with advanceLiveStatus, read it with liveStatusAt. */
export interface LiveStatusState {
  status: Omit<LiveStatus, 'command' | 'since'>;
  /** The running command and how many command.finished it still waits for (one per host of a fleet command). */
  running: { id: string; step: number; command: string; started: string; danger: boolean; pending: number } | null;
  /** The runbook's step count, from run.started's recorded source. */
  stepCount: number | null;
}

export function createLiveStatusState(): LiveStatusState {
  return {
    status: {
      incident: '',
      runbook: { id: '', title: '' },
      mode: null,
      operator: null,
      host: null,
      started: null,
      finished: null,
      step: null,
      notes: [],
      marks: [],
      handovers: [],
      last: null,
      events: 0,
    },
    running: null,
    stepCount: null,
  };
}

/** Add one event (in place; returns the state). Output only counts: a status never holds command output. */
export function advanceLiveStatus(state: LiveStatusState, ev: TimelineEvent): LiveStatusState {
  const s = state.status;
  s.events++;
  s.last = { seq: ev.seq, ts: ev.ts };
  if (s.started === null) s.started = ev.ts;
  switch (ev.type) {
    case 'run.started': {
      if (s.incident !== '') break; // a resumed run keeps its first header
      s.incident = ev.incident;
      s.runbook = { id: ev.runbook.id, title: ev.runbook.title };
      s.mode = ev.mode;
      s.operator = ev.actor;
      s.host = ev.host;
      s.started = ev.ts;
      state.stepCount = outlineRunbook(ev.runbook.source ?? '', ev.runbook.path).steps.length;
      if (s.step) s.step.count = state.stepCount;
      break;
    }
    case 'run.resumed':
      s.operator = ev.actor;
      s.host = ev.host;
      s.finished = null;
      state.running = null;
      break;
    case 'handover':
      s.handovers.push({ seq: ev.seq, ts: ev.ts, from: s.operator, to: ev.to, actor: ev.actor, text: ev.text });
      s.operator = ev.to;
      break;
    case 'step.started':
      s.step = { index: ev.step, count: state.stepCount, title: ev.title };
      break;
    case 'command.started': {
      const hosts = (ev as { hosts?: unknown }).hosts;
      const pending = Array.isArray(hosts) && hosts.length > 0 ? hosts.length : 1;
      state.running = { id: ev.id, step: ev.step, command: ev.command, started: ev.ts, danger: ev.danger, pending };
      break;
    }
    case 'command.finished':
      if (state.running?.id === ev.id && --state.running.pending <= 0) state.running = null;
      break;
    case 'note':
      s.notes = [...s.notes, { seq: ev.seq, ts: ev.ts, actor: ev.actor, text: ev.text }].slice(-STATUS_NOTES);
      break;
    case 'mark': {
      const at = typeof ev.at === 'string' && Number.isFinite(Date.parse(ev.at)) ? ev.at : ev.ts;
      s.marks.push({ seq: ev.seq, what: ev.what, at, actor: ev.actor, text: ev.text });
      break;
    }
    case 'run.finished':
      s.finished = ev.status;
      state.running = null;
      break;
    default:
      break;
  }
  return state;
}

/** The status as it stands at `now` (durations are wall-clock, from the events' `ts`). */
export function liveStatusAt(state: LiveStatusState, now: Date): LiveStatus {
  const s = state.status;
  const nowMs = now.getTime();
  const ms = (iso: string): number => Math.max(0, nowMs - Date.parse(iso)) || 0;
  const r = state.running;
  const first = (what: MarkWhat): LiveMark | undefined =>
    s.marks.filter((m) => m.what === what).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  const origin = first('impact') ?? first('detected');
  const since: LiveStatus['since'] = origin
    ? { from: origin.what === 'impact' ? 'impact' : 'detected', at: origin.at, elapsedMs: ms(origin.at) }
    : s.started !== null
      ? { from: 'run start', at: s.started, elapsedMs: ms(s.started) }
      : null;
  return {
    ...s,
    runbook: { ...s.runbook },
    step: s.step ? { ...s.step } : null,
    notes: [...s.notes],
    marks: [...s.marks],
    handovers: [...s.handovers],
    command: r ? { id: r.id, step: r.step, command: r.command, started: r.started, runningMs: ms(r.started), danger: r.danger } : null,
    since,
  };
}

/** A whole sequence of events, summarised at `now`. */
export function liveStatus(events: Iterable<TimelineEvent>, now: Date): LiveStatus {
  const state = createLiveStatusState();
  for (const ev of events) advanceLiveStatus(state, ev);
  return liveStatusAt(state, now);
}
