// The HTML report's data: the fold's summary (steps, commands, marks, notes, times to detect / mitigate /
// resolve) plus what only the page shows: when each step ran, each command's output (capped), the result on
// each host of a multi-host command, and the asciicast of the run (capped the same way).
import type { TimelineEvent } from '../timeline/events.js';
import { parseRunbook } from '../runbook/parse.js';
import type { Style } from '../ui/style.js';
import { castHeader, createCastEncoder } from './export-cast.js';
import { attemptFailed, foldEvent, initialFoldState, summarize, type CommandSummary, type IncidentSummary, type StepSummary } from './fold.js';

/** How a command ended, as the chart colours it. */
export type CommandResult = 'ok' | 'failed' | 'timed out' | 'interrupted' | 'skipped' | 'unfinished';
export const RESULTS: readonly CommandResult[] = ['ok', 'failed', 'timed out', 'interrupted', 'skipped', 'unfinished'];

/**
 * Output kept per command (and per host): its first and last part, the middle dropped with its size noted.
 * Generous until the page holds `budget` of output, small after, none after `hard`, so a timeline of a
 * million events still makes a page well under 20 MB (the timeline itself keeps everything).
 */
export const OUTPUT_CAP = { head: 16_384, tail: 16_384, smallHead: 512, smallTail: 1024, budget: 4 << 20, hard: 8 << 20 };
/** The same for the embedded recording, counted in frames' JSON (frames are kept or dropped whole). */
export const CAST_CAP = { head: 16_384, tail: 16_384, smallHead: 256, smallTail: 512, budget: 3 << 20, hard: 6 << 20 };

interface Budget {
  readonly cap: typeof OUTPUT_CAP;
  used: number;
}

/** A head and a tail of pieces of text, with the size of what fell between them. */
export class HeadTail {
  head: string[] = [];
  tail: string[] = [];
  /** Bytes (UTF-8) dropped between head and tail. */
  omitted = 0;
  private headLen = 0;
  private tailLen = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(
    private readonly budget: Budget,
    /** Pieces are whole (frames): never cut one, drop it whole. */
    private readonly whole = false,
  ) {
    const small = budget.used >= budget.cap.budget;
    const none = budget.used >= budget.cap.hard;
    this.headMax = none ? 0 : small ? budget.cap.smallHead : budget.cap.head;
    this.tailMax = none ? 0 : small ? budget.cap.smallTail : budget.cap.tail;
  }

  push(s: string): void {
    if (s === '') return;
    if (this.tailMax === 0 && this.headMax === 0) {
      this.omitted += Buffer.byteLength(s);
      return;
    }
    if (this.headLen < this.headMax && this.omitted === 0 && this.tail.length === 0) {
      const room = this.headMax - this.headLen;
      if (s.length <= room || this.whole) {
        this.head.push(s);
        this.headLen += s.length;
        this.budget.used += s.length;
        return;
      }
      this.head.push(s.slice(0, room));
      this.headLen += room;
      this.budget.used += room;
      s = s.slice(room);
    }
    this.tail.push(s);
    this.tailLen += s.length;
    this.budget.used += s.length;
    while (this.tail.length > 1 && this.tailLen - (this.tail[0] as string).length >= this.tailMax) this.drop(this.tail.shift() as string);
    if (!this.whole && this.tailLen > this.tailMax) {
      const first = this.tail[0] as string;
      const cut = this.tailLen - this.tailMax;
      this.tail[0] = first.slice(cut);
      this.drop(first.slice(0, cut));
    }
  }

  private drop(s: string): void {
    this.tailLen -= s.length;
    this.budget.used -= s.length;
    this.omitted += Buffer.byteLength(s);
  }
}

export interface HostRun {
  host: string;
  result: CommandResult;
  exitCode: number | null;
  signal: string | null;
  durationMs: number | null;
  omittedBytes: number;
}

export interface CommandRun {
  /** The fold's view of this attempt (shared object: it fills in as events come). */
  c: CommandSummary;
  /** The hosts it ran on (empty: here, one host). */
  hosts: string[];
  /** Per host result, for a multi-host command. */
  perHost: Map<string, HostRun>;
  /** Output by host ('' for a local command or output without a host). */
  output: Map<string, HeadTail>;
  /** Seconds into the recording where it starts (null: not in it). */
  castAt: number | null;
}

export interface StepView {
  s: StepSummary;
  startMs: number | null;
  endMs: number | null;
  /** The step's Markdown prose from the runbook source recorded in run.started. */
  prose: string;
  runs: CommandRun[];
  /** Checks the operator confirmed in this step, in order. */
  checks: string[];
}

export interface HtmlModel {
  summary: IncidentSummary;
  intro: string;
  steps: StepView[];
  /** Every host named: run.started's, then those of multi-host commands, in order seen. */
  hosts: string[];
  /** Who ran it, resumed it, wrote notes or marks. */
  people: string[];
  /** Last event's offset: where the chart ends. */
  endMs: number;
  /** The asciicast v2 recording as a JSON array (header, then frames). */
  castJson: string;
  castOmittedFrames: number;
}

/** A string array field another version may add (multi-host `hosts`); anything else reads as absent. */
function stringsField(ev: object, key: string): string[] {
  const v = (ev as Record<string, unknown>)[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringField(ev: object, key: string): string | null {
  const v = (ev as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function resultOf(c: Pick<CommandSummary, 'skipped' | 'finished' | 'timedOut' | 'interrupted' | 'exitCode' | 'allowFailure' | 'captureError'>): CommandResult {
  if (c.skipped) return 'skipped';
  if (!c.finished) return 'unfinished';
  if (c.timedOut) return 'timed out';
  if (c.interrupted) return 'interrupted';
  // The fold's test (a non-zero exit, a capture not stored); a runbook may allow a command that exited to fail.
  return !attemptFailed(c) || (c.allowFailure && c.exitCode !== null) ? 'ok' : 'failed';
}

// Worst first: a multi-host command is shown by its worst host.
const WORST_FIRST: readonly CommandResult[] = ['failed', 'timed out', 'interrupted', 'unfinished', 'ok', 'skipped'];

/** How a command attempt ended; for a multi-host one, how its worst host did (a host not finished: unfinished). */
export function runResult(r: CommandRun): CommandResult {
  if (r.hosts.length === 0 || r.c.skipped || r.perHost.size === 0) return resultOf(r.c);
  const rs = r.hosts.map((h) => r.perHost.get(h)?.result ?? 'unfinished');
  return WORST_FIRST.find((x) => rs.includes(x)) ?? resultOf(r.c);
}

/** How long it ran; for a multi-host one, until its last host finished (null: one never did). */
export function runDurationMs(r: CommandRun): number | null {
  if (r.hosts.length === 0 || r.perHost.size === 0) return r.c.durationMs;
  let longest = 0;
  for (const h of r.hosts) {
    const d = r.perHost.get(h)?.durationMs;
    if (d === undefined || d === null) return null;
    longest = Math.max(longest, d);
  }
  return longest;
}

export interface HtmlModelBuilder {
  add(ev: TimelineEvent): void;
  finish(): HtmlModel;
}

export function createHtmlModelBuilder(style: Style): HtmlModelBuilder {
  const fold = initialFoldState();
  const runs = new Map<CommandSummary, CommandRun>();
  const byId = new Map<string, CommandRun>();
  const stepTimes = new Map<number, { start: number | null; end: number | null }>();
  const checks = new Map<number, string[]>();
  const hosts: string[] = [];
  const people: string[] = [];
  const outBudget: Budget = { cap: OUTPUT_CAP, used: 0 };
  const castBudget: Budget = { cap: CAST_CAP, used: 0 };
  const enc = createCastEncoder(style);
  const frames: string[] = [];
  // Frames of output per command wait here while the command runs: head and tail kept, the middle dropped.
  const pendingCast = new Map<string, HeadTail>();
  let castOmitted = 0;
  let lastOutputAt = 0;
  let source = '';
  let path = '';

  const addHost = (h: string | null): void => {
    if (h !== null && !hosts.includes(h)) hosts.push(h);
  };
  const addPerson = (p: string | null): void => {
    if (p !== null && !people.includes(p)) people.push(p);
  };
  const frameAt = (frame: string): number => Number(frame.slice(1, frame.indexOf(',')));
  const flushCast = (id: string): void => {
    const ht = pendingCast.get(id);
    if (!ht) return;
    pendingCast.delete(id);
    frames.push(...ht.head);
    if (ht.omitted > 0 || ht.tail.length > 0) {
      const first = ht.tail[0];
      if (ht.omitted > 0) {
        // Just before the tail it precedes; with no tail, at the latest output (still before what comes next).
        const t = first !== undefined ? frameAt(first) : lastOutputAt;
        frames.push(`${JSON.stringify([t, 'o', `\r\n\u001b[0;33m[… output of ${id} shortened here: the report's step shows more, the timeline has it all …]\u001b[0m\r\n`])}\n`);
        castOmitted++;
      }
      frames.push(...ht.tail);
    }
  };
  const stepTime = (n: number): { start: number | null; end: number | null } => {
    let t = stepTimes.get(n);
    if (!t) stepTimes.set(n, (t = { start: null, end: null }));
    return t;
  };

  return {
    add(ev) {
      foldEvent(fold, ev);
      const at = fold.lastMs;
      const frame = enc.encode(ev);
      if (ev.type === 'command.output') {
        if (frame !== '') {
          lastOutputAt = frameAt(frame);
          let ht = pendingCast.get(ev.id);
          if (!ht) pendingCast.set(ev.id, (ht = new HeadTail(castBudget, true)));
          ht.push(frame);
        }
        const run = byId.get(ev.id);
        if (run && ev.data !== '') {
          const host = stringField(ev, 'host') ?? '';
          let ht = run.output.get(host);
          if (!ht) run.output.set(host, (ht = new HeadTail(outBudget)));
          ht.push(ev.data);
        }
        return;
      }
      // Anything else shows between outputs: what output is waiting goes out first, so times stay in order.
      for (const id of [...pendingCast.keys()]) flushCast(id);
      if (ev.type === 'command.started' && frame !== '') {
        const c = fold.open.get(ev.id);
        if (c) {
          const hs = stringsField(ev, 'hosts');
          hs.forEach(addHost);
          const run: CommandRun = { c, hosts: hs, perHost: new Map(), output: new Map(), castAt: frameAt(frame) };
          runs.set(c, run);
          byId.set(ev.id, run);
        }
      }
      if (frame !== '') frames.push(frame);
      switch (ev.type) {
        case 'run.started':
          if (source === '') {
            source = ev.runbook.source ?? '';
            path = ev.runbook.path;
          }
          addHost(ev.host);
          addPerson(ev.actor);
          break;
        case 'run.resumed':
          addHost(ev.host);
          addPerson(ev.actor);
          break;
        case 'note':
        case 'mark':
          addPerson(ev.actor);
          break;
        case 'check.confirmed':
          checks.set(ev.step, [...(checks.get(ev.step) ?? []), ev.text]);
          break;
        case 'step.started':
          stepTime(ev.step).start ??= at;
          break;
        case 'step.completed':
        case 'step.skipped': {
          const t = stepTime(ev.step);
          t.start ??= at;
          t.end = at;
          break;
        }
        case 'command.finished': {
          const host = stringField(ev, 'host');
          const run = byId.get(ev.id);
          if (host !== null && run) {
            addHost(host);
            run.perHost.set(host, {
              host,
              result: resultOf({ skipped: false, finished: true, timedOut: ev.timed_out, interrupted: ev.interrupted, exitCode: ev.exit_code, allowFailure: run.c.allowFailure }),
              exitCode: ev.exit_code,
              signal: ev.signal,
              durationMs: ev.duration_ms,
              omittedBytes: ev.omitted_bytes,
            });
          }
          break;
        }
        default:
          break;
      }
    },
    finish() {
      for (const id of [...pendingCast.keys()]) flushCast(id);
      const summary = summarize(fold);
      frames.push(enc.finish(summary));
      const title = [summary.runbook.title, summary.incident].filter((x) => x !== '').join(' — ');
      const header = castHeader({ width: enc.widest + 1, started: summary.started, title });
      // Every line of an asciicast is one JSON value: as an array they are the player's v2 input.
      const castJson = `[${header.trimEnd()},${frames.map((f) => f.trimEnd()).join(',')}]`;

      const rb = source !== '' ? parseRunbook(source, path || 'runbook.md').runbook : null;
      const endMs = Math.max(fold.lastMs, summary.durationMs);
      const steps: StepView[] = summary.steps.map((s, i) => {
        const t = stepTimes.get(s.index);
        const prose = rb?.steps[i]?.prose ?? '';
        return {
          s,
          startMs: t?.start ?? (s.commands[0]?.atMs ?? null),
          endMs: t?.end ?? null,
          prose,
          checks: checks.get(s.index) ?? [],
          runs: s.commands.map((c) => runs.get(c) ?? { c, hosts: [], perHost: new Map(), output: new Map(), castAt: null }),
        };
      });
      // A step that never ended ran until the next one started, else until the end of the record.
      steps.forEach((st, i) => {
        if (st.startMs === null || st.endMs !== null) return;
        const next = steps.slice(i + 1).find((x) => x.startMs !== null);
        st.endMs = next?.startMs ?? endMs;
      });
      return {
        summary,
        intro: rb?.intro ?? '',
        steps,
        hosts,
        people,
        endMs,
        castJson,
        castOmittedFrames: castOmitted,
      };
    },
  };
}
