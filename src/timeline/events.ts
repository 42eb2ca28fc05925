// The event table: every timeline event type and its fields, declared once (docs/timeline-format.md documents
// each). The type union, the reader's checks, the writer's redaction and export's re-redaction all derive from
// it, so a field added here is typed, checked on read and redacted without another list to update.

export const SCHEMA_VERSION = 1 as const;

export const RUN_MODES = ['live', 'dry-run', 'drill', 'gameday'] as const;
export const RUN_STATUSES = ['completed', 'failed', 'aborted'] as const;
export const MARK_WHATS = ['impact', 'detected', 'mitigated', 'resolved'] as const;
export const VAR_SOURCES = ['flag', 'env', 'default', 'prompt', 'capture'] as const;
export const STREAMS = ['stdout', 'stderr'] as const;

/**
 * How a field is written and checked on read. `text` is free text that may carry a secret (a command, its
 * output, a title, a note, the runbook's source): the writer redacts it, and export redacts it again.
 * `string` is text the program makes itself (ids, names, digests): checked, never redacted.
 */
export type FieldSpec =
  | { readonly kind: 'text' }
  | { readonly kind: 'string' }
  | { readonly kind: 'string|null' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'int' }
  | { readonly kind: 'int|null' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'string[]' }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, FieldSpec>> };

const text = { kind: 'text' } as const;
const str = { kind: 'string' } as const;
const int = { kind: 'int' } as const;
const num = { kind: 'number' } as const;
const bool = { kind: 'boolean' } as const;
const strList = { kind: 'string[]' } as const;
const oneOf = <V extends readonly string[]>(values: V) => ({ kind: 'enum', values }) as const;

export const EVENTS = {
  'run.started': {
    incident: text,
    runbook: { kind: 'object', fields: { id: str, title: text, path: text, sha256: str, source: text } },
    mode: oneOf(RUN_MODES),
    actor: text,
    host: text,
    cwd: text,
    cli_version: str,
  },
  'var.set': { name: str, value: text, source: oneOf(VAR_SOURCES) },
  'step.started': { step: int, title: text },
  'step.completed': { step: int, title: text },
  'step.skipped': { step: int, title: text },
  'command.started': { step: int, id: str, command: text, edited: bool, danger: bool },
  'command.output': { id: str, stream: oneOf(STREAMS), data: text },
  'command.finished': {
    id: str,
    exit_code: { kind: 'int|null' },
    signal: { kind: 'string|null' },
    duration_ms: num,
    timed_out: bool,
    interrupted: bool,
    omitted_bytes: int,
  },
  'command.skipped': { step: int, id: str, command: text },
  'check.confirmed': { step: int, text },
  /** A check the operator skipped at its prompt (under --yes and --dry-run checks are only shown). */
  'check.skipped': { step: int, text },
  note: { text, actor: text },
  mark: { what: oneOf(MARK_WHATS), text, actor: text },
  'run.finished': { status: oneOf(RUN_STATUSES), duration_ms: num },
  /** An interrupted or aborted run continued (`run --resume`) in the same timeline, from `step`. */
  'run.resumed': { step: int, actor: text, host: text },
  /** The chain head (`head`, the hash of the line before; `events` before it), signed when a key was at hand. */
  seal: { head: str, events: int, actor: text, signature: { kind: 'string|null' }, key: { kind: 'string|null' }, signer: { kind: 'string|null' } },
  /** `runbook handover --to NAME`: `to` holds the run from here on; `actor` recorded it; `text` may be ''. */
  handover: { to: text, text, actor: text },
  /**
   * A command changed the shell session: exported variables added, changed, removed (space-separated names),
   * the session's directory after it, and `values`, a JSON object of the new values that may be shown (not
   * secret, not secret-looking, UTF-8). `--resume` restores from these.
   */
  'session.changed': { id: str, added: str, changed: str, removed: str, cwd: text, values: text },
  /** The hosts remote blocks run on, resolved from --on/--inventory, shown and confirmed once before the first of them. */
  'targets.confirmed': { hosts: strList, confirmed_by: oneOf(['operator', 'unattended']) },
  /** A command proposed for a live run by someone else (an AI assistant through `runbook mcp`); never run unless the operator runs it. */
  suggestion: { id: str, command: text, reason: text, actor: text },
} as const satisfies Record<string, Readonly<Record<string, FieldSpec>>>;

export type EventType = keyof typeof EVENTS;

/** Fields an event may carry, checked when present: a mark made afterwards (`mark --at`) has `at`, the ISO time it happened. */
export const OPTIONAL_FIELDS = {
  mark: { at: str },
  // When the command shown hides a secret ([secret]), the script that ran too: values only as environment
  // references (`"${RUNBOOK_VAR_pw}"`), so it holds no value and shows exactly what the shell was given.
  'command.started': { script: text, actor: text, hosts: strList, suggestion: str, suggested_by: text, approved_by: text },
  // After a handover (`runbook handover`), the runner's own events name who holds the run: `actor` is the
  // handover's `to`. Without it, the holder is the actor of run.started (or of the latest run.resumed).
  'step.started': { actor: text },
  'command.skipped': { actor: text },
  'check.confirmed': { actor: text },
  'check.skipped': { actor: text },
  'run.finished': { actor: text },
  // A block run on hosts (on=targets): output and one finished event per host. `host_error`: ssh's own
  // message when the host itself failed (unreachable, authentication; exit 255), not the command.
  // `capture_error`: the command exited 0 but its `capture=NAME` could not be stored (too large, not text):
  // the runner's message. The attempt failed, as the live run said. `status_lost`: the command ran, but its
  // exit status went with the command launcher that started it (killed meanwhile); exit_code and signal are null.
  'command.output': { host: str },
  'command.finished': { host: str, host_error: text, capture_error: text, status_lost: bool },
  // A game day's own timeline (mode gameday): its scenario, and the responder's run it is linked to.
  'run.started': {
    game: { kind: 'object', fields: { scenario: str, target: text, duration_ms: num, responder_runbook: str, responder_timeline: text } },
  },
  // What a command left in the shell session of one host (a block run on hosts); without it, the local session.
  'session.changed': { host: str },
} as const satisfies Partial<Record<EventType, Readonly<Record<string, FieldSpec>>>>;

type FieldType<F> = F extends { kind: 'text' | 'string' }
  ? string
  : F extends { kind: 'string|null' }
    ? string | null
    : F extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { kind: 'int' | 'number' }
        ? number
        : F extends { kind: 'int|null' }
          ? number | null
          : F extends { kind: 'boolean' }
            ? boolean
            : F extends { kind: 'string[]' }
              ? string[]
            : F extends { kind: 'object'; fields: infer O }
              ? { -readonly [K in keyof O]: FieldType<O[K]> }
              : never;

type OptionalOf<T extends EventType> = T extends keyof typeof OPTIONAL_FIELDS
  ? { -readonly [K in keyof (typeof OPTIONAL_FIELDS)[T]]?: FieldType<(typeof OPTIONAL_FIELDS)[T][K]> }
  : unknown;
type BodyOf<T extends EventType> = { type: T } & { -readonly [K in keyof (typeof EVENTS)[T]]: FieldType<(typeof EVENTS)[T][K]> } & OptionalOf<T>;
type Flat<X> = { [K in keyof X]: X[K] };

export type RunMode = (typeof RUN_MODES)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type MarkWhat = (typeof MARK_WHATS)[number];
export type VarSource = (typeof VAR_SOURCES)[number];

export interface EventEnvelope {
  v: typeof SCHEMA_VERSION;
  seq: number;
  ts: string;
  mono_ms: number;
  /** SHA-256 (hex) of the line before (docs/timeline-format.md#the-hash-chain); absent in timelines written before. */
  prev?: string;
}

export type EventBody = { [T in EventType]: Flat<BodyOf<T>> }[EventType];

/** A body with its envelope: exactly what one timeline line holds. */
export type TimelineEvent = EventEnvelope & EventBody;

/** Narrow a TimelineEvent by its type. */
export type EventOf<T extends EventType> = EventEnvelope & Extract<EventBody, { type: T }>;

/**
 * Whether a command.finished records an attempt that did not end well: a non-zero exit, no exit at all (killed,
 * never started), a timeout, an interruption, or a capture that could not be stored. The one test behind
 * replay, the exports, drill and `run --resume`, as the runner's summary judged it live (a command marked
 * allow_failure=true is the caller's to excuse).
 */
export function endedBadly(f: Pick<EventOf<'command.finished'>, 'exit_code' | 'timed_out' | 'interrupted' | 'capture_error'>): boolean {
  return f.exit_code !== 0 || f.timed_out || f.interrupted || f.capture_error !== undefined;
}

export const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENTS));

function fieldProblem(value: unknown, spec: FieldSpec, name: string): string | null {
  switch (spec.kind) {
    case 'text':
    case 'string':
      return typeof value === 'string' ? null : name;
    case 'string|null':
      return value === null || typeof value === 'string' ? null : name;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : name;
    case 'int':
      return Number.isInteger(value) ? null : name;
    case 'int|null':
      return value === null || Number.isInteger(value) ? null : name;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : name;
    case 'boolean':
      return typeof value === 'boolean' ? null : name;
    case 'string[]':
      return Array.isArray(value) && value.every((x) => typeof x === 'string') ? null : name;
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return name;
      const o = value as Record<string, unknown>;
      for (const [k, s] of Object.entries(spec.fields)) {
        const p = fieldProblem(o[k], s, `${name}.${k}`);
        if (p) return p;
      }
      return null;
    }
  }
}

/** The first field of a known event type that is missing or of the wrong kind (its dotted name), else null. */
// Each type's fields as entries, made once: Object.entries for every event read was ~6% of replaying 1M events.
const fieldEntries = new Map<EventType, readonly [required: [string, FieldSpec][], optional: [string, FieldSpec][]]>();

export function invalidField(type: EventType, o: Record<string, unknown>): string | null {
  let entries = fieldEntries.get(type);
  if (!entries) {
    const optional = (OPTIONAL_FIELDS as Partial<Record<EventType, Record<string, FieldSpec>>>)[type] ?? {};
    entries = [Object.entries(EVENTS[type] as Record<string, FieldSpec>), Object.entries(optional)];
    fieldEntries.set(type, entries);
  }
  for (const [k, s] of entries[0]) {
    const p = fieldProblem(o[k], s, k);
    if (p) return p;
  }
  for (const [k, s] of entries[1]) {
    const p = k in o ? fieldProblem(o[k], s, k) : null;
    if (p) return p;
  }
  return null;
}

function mapText(value: unknown, spec: FieldSpec, fn: (s: string) => string): unknown {
  if (spec.kind === 'text') return typeof value === 'string' ? fn(value) : value;
  if (spec.kind !== 'object' || value === null || typeof value !== 'object') return value;
  const o = { ...(value as Record<string, unknown>) };
  for (const [k, s] of Object.entries(spec.fields)) if (k in o) o[k] = mapText(o[k], s, fn);
  return o;
}

/** The event (or body) with fn applied to every `text` field the table declares for its type. */
export function mapTextFields<E extends EventBody>(event: E, fn: (s: string) => string): E {
  const optional = (OPTIONAL_FIELDS as Partial<Record<EventType, Record<string, FieldSpec>>>)[event.type] ?? {};
  const spec = { ...(EVENTS[event.type] as Record<string, FieldSpec>), ...optional };
  const out: Record<string, unknown> = { ...event };
  for (const [k, s] of Object.entries(spec)) if (k in out) out[k] = mapText(out[k], s, fn);
  return out as E;
}
