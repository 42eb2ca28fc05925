// Where a block runs: the target model and how `--on` names targets. A target is a name plus how to reach
// it; a transport (ssh.ts for OpenSSH; a `kubectl exec` one would sit beside it) runs one command on one.
import type { ExecResult, OutputListener } from '../runner/ports.js';

/** One place a command runs. `name` is what the operator, the screen and the timeline call it. */
export interface Target {
  readonly name: string;
  /** Which transport reaches it: 'ssh' today; 'kubectl' (a pod) would be another kind, same interface. */
  readonly kind: string;
}

/** A host reached with the system `ssh`: `host` may be an ssh_config `Host` alias. */
export interface SshTarget extends Target {
  readonly kind: 'ssh';
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

/** One command for one target. Values arrive as data (environment entries), never inside `script`. */
export interface TargetRequest {
  /** Shell text; values only as `${RUNBOOK_VAR_x}`-style references. */
  script: string;
  /** The shell the target runs it with: a name looked up there (the block's `shell`), else bash or sh. */
  shell?: string;
  /** The block's `cwd`, taken on the target (relative to the login directory). */
  cwd?: string;
  /** Variables set for the command on the target: the runbook's values, by name. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborting stops the command on the target with its children ('interrupt' for Ctrl-C). */
  signal?: AbortSignal;
  /**
   * The host's shell session (runner/host-sessions.ts): `restore` is encodeRestore's text (what earlier commands
   * left on this host), applied as data before the command; the result then carries the states before and after.
   */
  session?: { restore: string };
}

export interface TargetResult extends ExecResult {
  /** The target itself failed (unreachable, authentication refused), not the command: the transport's message. */
  hostError?: string;
  /** With `session`: the state the command started in on the host (a dump, runner/session-state.ts). */
  sessionBefore?: Buffer;
}

/** Runs commands on targets of one kind; `close` ends what it keeps open (ssh master connections). */
export interface Transport {
  run(target: Target, req: TargetRequest, onOutput: OutputListener): Promise<TargetResult>;
  close(): Promise<void>;
}

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

// A name that can never be read as an ssh option or hold shell text: letters, digits and . _ - only, not
// starting with '-'. Inventory host names and aliases follow the same rule.
const HOST_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** `web1`, `user@db1`, `db1:2222`, `user@[::1]:2222` → an ssh target; throws TargetError with the reason. */
export function parseSshTarget(spec: string, defaults: { user?: string; port?: number } = {}): SshTarget {
  const m = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(spec);
  const user = m?.[1] ?? defaults.user;
  const rawHost = (m?.[2] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = m?.[3] !== undefined ? Number(m[3]) : defaults.port;
  if (!m || !(HOST_RE.test(rawHost) || /^[0-9a-fA-F:]+$/.test(rawHost) && rawHost.includes(':'))) throw new TargetError(`"${spec}" is not a host name (letters, digits, '.', '_', '-'; optionally user@host:port)`);
  if (user !== undefined && !USER_RE.test(user)) throw new TargetError(`"${spec}": "${user}" is not a user name`);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new TargetError(`"${spec}": the port must be a number from 1 to 65535`);
  const name = spec;
  return { name, kind: 'ssh', host: rawHost, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}

/** The comma-separated `--on` list, in order, duplicates dropped. */
export function splitOn(on: string[]): string[] {
  return [...new Set(on.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))];
}
