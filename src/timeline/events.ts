// Every timeline event, as one discriminated union . docs/timeline-format.md documents each.

export const SCHEMA_VERSION = 1 as const;

export type RunMode = 'live' | 'dry-run' | 'drill';
export type RunStatus = 'completed' | 'failed' | 'aborted';
export type MarkWhat = 'impact' | 'detected' | 'mitigated' | 'resolved';
export type VarSource = 'flag' | 'env' | 'default' | 'prompt';

export interface EventEnvelope {
  v: typeof SCHEMA_VERSION;
  seq: number;
  ts: string;
  mono_ms: number;
}

export type EventBody =
  | {
      type: 'run.started';
      incident: string;
      runbook: { id: string; title: string; path: string; sha256: string; source: string };
      mode: RunMode;
      actor: string;
      host: string;
      cwd: string;
      cli_version: string;
    }
  | { type: 'var.set'; name: string; value: string; source: VarSource }
  | { type: 'step.started'; step: number; title: string }
  | { type: 'step.completed'; step: number; title: string }
  | { type: 'step.skipped'; step: number; title: string }
  | { type: 'command.started'; step: number; id: string; command: string; edited: boolean; danger: boolean }
  | { type: 'command.output'; id: string; stream: 'stdout' | 'stderr'; data: string }
  | {
      type: 'command.finished';
      id: string;
      exit_code: number | null;
      signal: string | null;
      duration_ms: number;
      timed_out: boolean;
      interrupted: boolean;
      omitted_bytes: number;
    }
  | { type: 'command.skipped'; step: number; id: string; command: string }
  | { type: 'check.confirmed'; step: number; text: string }
  | { type: 'note'; text: string; actor: string }
  /** `at`: when it happened, for a mark made afterwards (`mark --at`); `ts` stays when it was recorded. */
  | { type: 'mark'; what: MarkWhat; text: string; actor: string; at?: string }
  | { type: 'run.finished'; status: RunStatus; duration_ms: number }
  /** An interrupted or aborted run continued (`run --resume`) in the same timeline, from `step`. */
  | { type: 'run.resumed'; step: number; actor: string; host: string };

export type EventType = EventBody['type'];

/** A body with its envelope: exactly what one timeline line holds. */
export type TimelineEvent = EventEnvelope & EventBody;

/** Narrow a TimelineEvent by its type. */
export type EventOf<T extends EventType> = EventEnvelope & Extract<EventBody, { type: T }>;

export const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'run.started',
  'var.set',
  'step.started',
  'step.completed',
  'step.skipped',
  'command.started',
  'command.output',
  'command.finished',
  'command.skipped',
  'check.confirmed',
  'note',
  'mark',
  'run.finished',
  'run.resumed',
]);

export const MARK_WHATS: readonly MarkWhat[] = ['impact', 'detected', 'mitigated', 'resolved'];
