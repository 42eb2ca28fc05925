// Drills: the engine walks a past incident's runbook with an Executor that plays back what was recorded
// and never starts a process.
import { endedBadly, type TimelineEvent, type VarSource } from '../timeline/events.js';
import { readTimeline } from '../timeline/reader.js';
import { UserError } from '../errors.js';
import type { ExecResult, Executor } from './ports.js';
import { endingWords } from '../timeline/ending.js';

export interface RecordedCommand {
  id: string;
  step: number;
  command: string;
  danger: boolean;
  output: { stream: 'stdout' | 'stderr'; data: string }[];
  finished: Extract<TimelineEvent, { type: 'command.finished' }> | null;
  /** Run on hosts: each host's finished event (`finished` is then the first failed host's, else the last). */
  hosts?: Extract<TimelineEvent, { type: 'command.finished' }>[];
}

export interface IncidentRecord {
  started: Extract<TimelineEvent, { type: 'run.started' }>;
  /** Non-secret values as recorded, with where each came from. */
  vars: Map<string, { value: string; source: VarSource }>;
  /** The last attempt of each command that ran, by id. */
  commands: Map<string, RecordedCommand>;
  durationMs: number | null;
  problems: string[];
}

/** Read what a past run recorded; the reader never holds the whole file, we keep only per-command output. */
export async function readIncident(path: string): Promise<IncidentRecord> {
  let started: IncidentRecord['started'] | undefined;
  const vars = new Map<string, { value: string; source: VarSource }>();
  const commands = new Map<string, RecordedCommand>();
  const problems: string[] = [];
  let durationMs: number | null = null;
  let lastMono = 0;
  for await (const item of readTimeline(path)) {
    if (item.kind === 'problem') {
      problems.push(`${path}:${item.line}: ${item.message}`);
      continue;
    }
    const e = item.event;
    lastMono = Math.max(lastMono, e.mono_ms);
    switch (e.type) {
      case 'run.started':
        started ??= e;
        break;
      case 'var.set':
        if (e.value !== '[secret]') vars.set(e.name, { value: e.value, source: e.source });
        break;
      case 'command.started':
        commands.set(e.id, { id: e.id, step: e.step, command: e.command, danger: e.danger, output: [], finished: null });
        break;
      case 'command.output': {
        const c = commands.get(e.id);
        // On hosts: each line carries its host, as the live run showed it.
        if (c) c.output.push({ stream: e.stream, data: typeof e.host === 'string' ? e.data.replace(/^(?=.)/gm, `${e.host} | `) : e.data });
        break;
      }
      case 'command.finished': {
        const c = commands.get(e.id);
        if (c && typeof e.host === 'string') {
          (c.hosts ??= []).push(e);
          if (!c.finished || !endedBadly(c.finished)) c.finished = e;
        } else if (c) c.finished = e;
        break;
      }
      case 'run.finished':
        durationMs = e.duration_ms;
        break;
      default:
        break;
    }
  }
  if (!started) throw new UserError(`${path}: no run.started event: not a runbook timeline`);
  if (started.mode === 'drill') throw new UserError(`${path} is itself a drill; drill the original incident's timeline`);
  return { started, vars, commands, durationMs: durationMs ?? (lastMono || null), problems };
}

export interface DrillExecutor extends Executor {
  /** Ids of commands whose recorded output the trainee reviewed. */
  reviewed: Set<string>;
}

/** Plays back recorded output, matched by id (step and position), then by command text. Spawns nothing. */
export function createDrillExecutor(record: IncidentRecord): DrillExecutor {
  const byText = new Map<string, RecordedCommand>();
  for (const c of record.commands.values()) byText.set(c.command, c);
  const recordingOf = (meta: { id: string; command: string }): RecordedCommand | undefined => record.commands.get(meta.id) ?? byText.get(meta.command);
  const reviewed = new Set<string>();
  return {
    reviewed,
    hasRecording: (meta) => recordingOf(meta) !== undefined,
    async run(req, onOutput): Promise<ExecResult> {
      const meta = req.meta;
      const rec = meta ? recordingOf(meta) : undefined;
      const live = req.live;
      const emit = (stream: 'stdout' | 'stderr', text: string): void => {
        const b = Buffer.from(text);
        onOutput(stream, b);
        live?.[stream].write(b);
      };
      if (!rec) {
        emit('stderr', '[drill] this command was not run during the incident: there is no recorded output to show\n');
        // Recorded as a command that did not start (no exit code, no signal), never as a success.
        return { exitCode: null, signal: null, durationMs: 0, timedOut: false, interrupted: false, spawnError: 'not run during the incident' };
      }
      if (meta) reviewed.add(rec.id);
      // An edit (or a runbook changed since) runs nothing either: the trainee is told what plays instead.
      const differs = meta !== undefined && rec.command !== meta.command;
      if (differs) emit('stderr', '[drill] a drill runs nothing: the command as it was run during the incident is played, not this text\n');
      emit('stderr', `[drill] output recorded during the incident for ${rec.id}${differs ? ` (${rec.command})` : ''}:\n`);
      for (const o of rec.output) emit(o.stream, o.data);
      const f = rec.finished;
      // Each host's ending in the live run's words.
      const how = (h: NonNullable<typeof rec.hosts>[number]): string => endingWords({ ...recorded(h), ...(typeof h.host_error === 'string' ? { hostError: h.host_error } : {}) });
      if (rec.hosts) emit('stderr', `[drill] on ${rec.hosts.length} host${rec.hosts.length === 1 ? '' : 's'}: ${rec.hosts.map((h) => `${h.host} ${how(h)}`).join(', ')}\n`);
      if (!f) {
        emit('stderr', '[drill] the command never finished during the incident (the run was interrupted)\n');
        return { exitCode: null, signal: null, durationMs: 0, timedOut: false, interrupted: true };
      }
      const unrecorded = rec.hosts ? rec.hosts.reduce((n, h) => n + h.omitted_bytes, 0) : f.omitted_bytes;
      return {
        ...recorded(f),
        ...(typeof f.capture_error === 'string' ? { captureError: f.capture_error } : {}),
        // Left out of the incident's timeline, so not played either: the drill says so as the incident did.
        ...(unrecorded > 0 ? { unrecordedBytes: unrecorded } : {}),
      };
    },
  };
}

/** A recorded command.finished as the result an executor returns. */
function recorded(f: Extract<TimelineEvent, { type: 'command.finished' }>): ExecResult {
  return { exitCode: f.exit_code, signal: f.signal, durationMs: f.duration_ms, timedOut: f.timed_out, interrupted: f.interrupted, ...(f.status_lost === true ? { statusLost: true } : {}) };
}

export interface DrillScore {
  stepsCovered: number;
  stepsTotal: number;
  commandsReviewed: number;
  commandsInIncident: number;
  dangerousApproved: number;
  drillMs: number;
  incidentMs: number | null;
}
