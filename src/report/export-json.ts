// `export --format json`: the incident summary as one JSON document, in the timeline's snake_case.
import type { IncidentSummary } from './fold.js';
import { terminalJson } from '../ui/neutralize.js';

export interface ExportProblem {
  line: number;
  message: string;
  torn: boolean;
}

/** The documented shape of `runbook export --format json` (docs/replay-and-export.md). */
export interface JsonExport {
  format: 'runbook-incident-summary';
  version: 1;
  incident: string;
  runbook: { id: string; title: string; path: string; severity: string | null };
  mode: string | null;
  actor: string | null;
  host: string | null;
  /** How many hosts remote blocks ran on; absent when every command ran on the operator's machine. */
  host_count?: number;
  started: string | null;
  finished: string | null;
  status: string;
  duration_ms: number;
  time_to_detect_ms: number | null;
  time_to_mitigate_ms: number | null;
  time_to_resolve_ms: number | null;
  /** What time to mitigate / resolve count from: "impact", else "detection", else "run start". */
  times_from: string;
  counts: {
    steps_done: number;
    steps_skipped: number;
    commands_run: number;
    commands_failed: number;
    commands_skipped: number;
  };
  steps: {
    index: number;
    title: string;
    status: string;
    commands: {
      id: string;
      command: string;
      danger: boolean;
      edited: boolean;
      skipped: boolean;
      started: string;
      offset_ms: number;
      exit_code: number | null;
      capture_error?: string;
      signal: string | null;
      duration_ms: number | null;
      timed_out: boolean;
      interrupted: boolean;
      omitted_bytes: number;
      /** Run on hosts: each host's result. */
      hosts?: { host: string; exit_code: number | null; duration_ms: number; timed_out: boolean; interrupted: boolean; host_error?: string }[];
      /** What it left in the shell session (per host on hosts): names, the new cwd, the values recorded. */
      session?: { host?: string; added: string[]; changed: string[]; removed: string[]; cwd?: string; values: Record<string, string> }[];
    }[];
  }[];
  notes: { ts: string; offset_ms: number; actor: string; text: string }[];
  /** `at`: when it happened (a backfilled mark's time, else `ts`); offset_ms is `at`'s offset from the run start. */
  marks: { what: string; ts: string; at: string; offset_ms: number; actor: string; text: string }[];
  /** Lines of the timeline that could not be read (a torn tail, a damaged line). */
  problems: { line: number; message: string; torn: boolean }[];
}

export function toJsonExport(s: IncidentSummary, problems: readonly ExportProblem[] = []): JsonExport {
  return {
    format: 'runbook-incident-summary',
    version: 1,
    incident: s.incident,
    runbook: { id: s.runbook.id, title: s.runbook.title, path: s.runbook.path, severity: s.runbook.severity ?? null },
    mode: s.mode,
    actor: s.actor,
    host: s.host,
    ...(s.hostCount !== undefined ? { host_count: s.hostCount } : {}),
    started: s.started,
    finished: s.finished,
    status: s.status,
    duration_ms: s.durationMs,
    time_to_detect_ms: s.timeToDetectMs,
    time_to_mitigate_ms: s.timeToMitigateMs,
    time_to_resolve_ms: s.timeToResolveMs,
    times_from: s.timesFrom,
    counts: {
      steps_done: s.counts.stepsDone,
      steps_skipped: s.counts.stepsSkipped,
      commands_run: s.counts.commandsRun,
      commands_failed: s.counts.commandsFailed,
      commands_skipped: s.counts.commandsSkipped,
    },
    steps: s.steps.map((st) => ({
      index: st.index,
      title: st.title,
      status: st.status,
      commands: st.commands.map((c) => ({
        id: c.id,
        command: c.command,
        danger: c.danger,
        edited: c.edited,
        skipped: c.skipped,
        started: c.ts,
        offset_ms: c.atMs,
        exit_code: c.exitCode,
        signal: c.signal,
        duration_ms: c.durationMs,
        timed_out: c.timedOut,
        interrupted: c.interrupted,
        omitted_bytes: c.omittedBytes,
        ...(c.captureError !== undefined ? { capture_error: c.captureError } : {}),
        ...(c.session ? { session: c.session.map((ch) => ({ ...ch, values: { ...ch.values } })) } : {}),
        ...(c.hosts ? { hosts: c.hosts.map((h) => ({ host: h.host, exit_code: h.exitCode, duration_ms: h.durationMs, timed_out: h.timedOut, interrupted: h.interrupted, ...(h.hostError !== undefined ? { host_error: h.hostError } : {}) })) } : {}),
      })),
    })),
    notes: s.notes.map((n) => ({ ts: n.ts, offset_ms: n.atMs, actor: n.actor, text: n.text })),
    marks: s.marks.map((m) => ({ what: m.what, ts: m.ts, at: m.at, offset_ms: m.atMs, actor: m.actor, text: m.text })),
    problems: problems.map((p) => ({ line: p.line, message: p.message, torn: p.torn })),
  };
}

export function renderJsonExport(s: IncidentSummary, problems: readonly ExportProblem[] = [], integrity: string | null = null): string {
  // JSON escapes the controls; terminalJson also escapes the C1 ones JSON.stringify leaves raw.
  return `${terminalJson({ ...toJsonExport(s, problems), ...(integrity !== null ? { verify: integrity } : {}) }, 2)}\n`;
}
