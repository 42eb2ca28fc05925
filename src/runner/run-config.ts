// What a run is given: its configuration (RunConfig) and its ports (EnginePorts), with the fleet's part of
// both. Types only, in a file of their own, so the engine, the fleet runner and the session runner all take
// them from here and none imports another for its types.
import type { Runbook } from '../runbook/model.js';
import type { EventBody, RunMode } from '../timeline/events.js';
import type { Target, TargetResult, Transport } from '../fleet/targets.js';
import type { Clock, EventSink, Executor, Prompter, View } from './ports.js';
import type { ResolvedVar } from './vars.js';
import type { RecordedSession } from './session.js';
import type { SuggestionSource } from './suggestions.js';

export interface RunConfig {
  runbook: Runbook;
  mode: RunMode;
  /** --yes: run every non-dangerous command without asking; stop at the first failure. */
  yes: boolean;
  allowDangerous: boolean;
  fromStep: number;
  vars: ResolvedVar[];
  /** The operator's environment (the base of each command's). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  shell: string;
  defaultTimeoutMs: number;
  incident: string;
  actor: string;
  host: string;
  cliVersion: string;
  /**
   * Continue an unfinished run: no run.started, steps before fromStep are not touched. `earlier`: what the run
   * had done before (from its timeline), so that the summary counts the whole run, as replay does.
   */
  resumed?: { originMonoMs: number; earlier?: EarlierPart };
  /** Carry exported variables and the directory from command to command (runner/session.ts). */
  session?: boolean;
  /** Names an earlier command sets (runner/session-names.ts): asked for only if unset when a command needs them. */
  deferred?: ReadonlySet<string>;
  /** With `resumed`: the session the timeline recorded. */
  restoreSession?: RecordedSession;
  /** Hosts that `on=` blocks run on (src/runner/fleet-run.ts); without it every block runs here. */
  fleet?: FleetConfig;
}

export interface EnginePorts {
  prompter: Prompter;
  executor: Executor;
  clock: Clock;
  sink: EventSink;
  view: View;
  /** Aborted when the runner itself must stop (SIGTERM, SIGHUP): the running command is killed. */
  stop?: AbortSignal;
  /** Called with a controller for the running command, so Ctrl-C can be forwarded to it; null after. */
  onCommand?: (interrupt: AbortController | null) => void;
  /** Ask for a deferred variable's value when a command needs it; throws (a UserError) when it cannot. */
  askVar?: (name: string) => Promise<ResolvedVar>;
  /** A value that must from now on be kept out of the timeline (a secret-looking capture). */
  addSecret?: (value: string) => void;
  /** Reaches the hosts of cfg.fleet (the OpenSSH transport), and shows their output. */
  transport?: Transport;
  hostView?: HostView;
  /** Commands suggested by others (runbook mcp), offered at each command prompt; never run without the operator. */
  suggestions?: SuggestionSource;
}

export interface FleetConfig {
  /** The targets of each `on=` value: `targets` → the operator's `--on`; a group name → its inventory hosts. */
  byOn: ReadonlyMap<string, Target[]>;
  /** Every target of the run, in order: what the operator confirms once. */
  all: Target[];
  /** Hosts running at once (--parallel). */
  parallel: number;
}

/** What the operator's screen does with a command run on hosts (src/ui/host-view.ts on a terminal). */
export interface HostView {
  start(id: string, hosts: string[]): void;
  output(host: string, stream: 'stdout' | 'stderr', chunk: Buffer): void;
  finish(id: string, results: HostOutcome[]): void;
}

export interface HostOutcome {
  host: string;
  result: TargetResult;
  /** What was recorded of its output (stdout and stderr in order), for grouping identical outputs. */
  output: string;
}

/** The hosts' shell sessions (runner/host-sessions.ts through SessionRun): absent with --no-session. */
export interface FleetSession {
  /** encodeRestore's text for the host's next command; `blockCwd`: the block has its own `cwd=`. */
  restoreFor(host: string, blockCwd: boolean): string;
  /** After a command succeeded on `host`: carry its state, and record a change as `session.changed` with `host`. */
  settle(id: string, host: string, result: TargetResult, emit: (body: EventBody) => Promise<unknown>): Promise<void>;
}

/** What a resumed run had done before it stopped: its counts, and the last attempt of each command that ran. */
export interface EarlierPart {
  counts: { stepsDone: number; stepsSkipped: number; commandsSkipped: number; checksConfirmed: number; checksSkipped: number };
  /** In the order they first ran; `how` as the summary names a failure ("exit 1", "timed out"). */
  commands: Array<{ id: string; failed: boolean; how: string }>;
}
