// The runner engine's ports: everything it needs from the outside world, injected so the engine stays pure.
import type { EventBody, TimelineEvent } from '../timeline/events.js';
import type { Command } from '../runbook/model.js';
import type { ResolvedVar } from './vars.js';

export interface Clock {
  /** Wall-clock time, for `ts`. */
  now(): Date;
  /** Monotonic milliseconds (any origin), for durations and `mono_ms`. */
  monoMs(): number;
}

/** Where events go: the timeline writer (which assigns v, seq, ts, mono_ms and redacts). */
export interface EventSink {
  readonly path: string;
  append(body: EventBody): Promise<TimelineEvent>;
  /** Output may be batched: written at once, synced at most ~250 ms later. */
  appendOutput(body: Extract<EventBody, { type: 'command.output' }>): Promise<void>;
  close(): Promise<void>;
}

export interface ExecRequest {
  /** Shell text to run with `<shell> -c`. */
  script: string;
  /** Shell executable: the `shell` attribute, else bash when present, else sh. */
  shell: string;
  cwd: string;
  /** The complete environment of the command. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Give the command the terminal (stdin, stdout, stderr inherited; output not captured). */
  interactive: boolean;
  /**
   * Aborting this signal stops the command's whole process group: reason 'interrupt' sends SIGINT
   * (Ctrl-C forwarded), anything else SIGTERM; both escalate to SIGKILL after the grace.
   */
  signal?: AbortSignal;
  /**
   * Where live output goes as it is produced (the operator's terminal, or a pipe). The executor respects
   * backpressure (pauses the command's pipes while these are full) and never ends them.
   */
  live?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /**
   * Report the shell session's state at the end (bash only; see runner/session-state.ts): the executor wraps
   * the script and returns the dump's bytes as `sessionDump`, however they travel back.
   */
  sessionDump?: boolean;
  /** Which command of the runbook this is, and its text as the operator saw it (a drill looks it up by these). */
  meta?: { id: string; step: number; command: string };
  /** Run this program with these arguments instead of `<shell> -c script` (a transport such as `ssh`). */
  argv?: string[];
  /** Written to the command's stdin, which then stays open until the command exits (its end tells a remote side we are gone). */
  stdin?: Buffer;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  interrupted: boolean;
  /** The command could not be started at all (shell missing, cwd missing): the reason. */
  spawnError?: string;
  /**
   * It ran, but its exit status went with the command launcher that started it (killed meanwhile): its end is
   * the end of its process group, and exitCode and signal are null.
   */
  statusLost?: boolean;
  /** One complete session dump (runner/session-state.ts), when asked for and the command wrote one. */
  sessionDump?: Buffer;
  /** Set by the runner: the command succeeded but its `capture=` could not be stored (too large, unsafe). */
  captureError?: string;
  /** Output that never reached the runner, in bytes: a drill plays a recording that left this much out. */
  unrecordedBytes?: number;
}

export type OutputListener = (stream: 'stdout' | 'stderr', chunk: Buffer) => void;

export interface Executor {
  run(req: ExecRequest, onOutput: OutputListener): Promise<ExecResult>;
  /** A drill's executor only: whether it has a recording of this command to play (by id, else by its text). */
  hasRecording?(meta: { id: string; command: string }): boolean;
}

/** 'suggestion': run the oldest pending suggested command (offered only when `suggestions` > 0). */
export type CommandChoice = 'run' | 'skip' | 'edit' | 'note' | 'stop' | 'suggestion';
export type FailureChoice = 'retry' | 'edit' | 'continue' | 'stop';
export type CheckChoice = 'confirm' | 'skip' | 'stop';

/** Questions to the operator. Throwing AbortedError (Ctrl-C twice, SIGTERM) ends the run as aborted. */
export interface Prompter {
  commandAction(c: { id: string; danger: boolean; suggestions?: number }): Promise<CommandChoice>;
  /** Ask the operator to type `word`; true when they typed it exactly. */
  confirmDanger(word: string): Promise<boolean>;
  editCommand(current: string): Promise<string>;
  note(): Promise<string>;
  /** `interrupted`: the operator stopped it with Ctrl-C, so stopping here ends the run as aborted, not failed. */
  failureAction(c: { id: string; interrupted: boolean; hosts?: string[] }): Promise<FailureChoice>;
  /** The hosts blocks will run on, shown once before the first of them: true to go on. Without it, the run goes on. */
  confirmTargets?(hosts: string[]): Promise<boolean>;
  confirmCheck(text: string): Promise<CheckChoice>;
}

/** What the operator sees besides events. */
export interface View {
  /** Every event as it is recorded (the live view skips output, which it already streamed). */
  event(e: TimelineEvent): void;
  /** The runbook's introduction (prose before the first step), after the run header. */
  intro(text: string): void;
  /** A run of a step's prose, shown just before the command or check it leads to. */
  prose(text: string): void;
  /** A check that is shown but not asked (--yes, --dry-run). */
  check(text: string): void;
  /** A command as it will run, before the prompt. */
  command(display: string, c: Command, edited: boolean, refs: ResolvedVar[], hosts?: string[]): void;
  message(text: string, tone?: 'info' | 'warn' | 'error'): void;
  /** A command is about to run / has settled (for a "still running" line on a terminal). */
  running(id: string | null): void;
}
