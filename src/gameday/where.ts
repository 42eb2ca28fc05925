// Where a scenario's blocks run: here (the executor, the caller's environment) or on fleet hosts (the fleet's
// ssh transport, each host with the game's variables as data, never as shell text). The game, the cleanup
// after a crash and the checks all go through one Place, so a block runs the same way in each of them.
import { randomBytes } from 'node:crypto';
import type { Executor, ExecResult, OutputListener } from '../runner/ports.js';
import type { SshTarget, TargetResult, Transport } from '../fleet/targets.js';

/** One block to run: the place adds the working folder and the environment. */
export interface BlockRequest {
  script: string;
  /** The block's `shell`; without it, the place's default (locally the caller's shell, on a host bash or sh). */
  shell?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How the block ended on one host (`host` undefined: here). */
export interface PlaceResult {
  host?: string;
  result: TargetResult;
}

export interface Place {
  /** The hosts it runs on, in order; empty for this machine. */
  hosts: string[];
  /** The block on every host at once; one result per host, in `hosts` order. */
  run(req: BlockRequest, onOutput: (host: string | undefined, stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<PlaceResult[]>;
  /** Before the fault: each host's work folder (`$GAMEDAY_DIR` there). Results of the hosts where it failed. */
  prepare(): Promise<PlaceResult[]>;
  /** After a successful revert: each host's work folder removed (never through a mount). True when all were. */
  finish(): Promise<boolean>;
  close(): Promise<void>;
}

/** A fleet host of a game: how to reach it and what its blocks get (GAMEDAY_* with this host's folder). */
export interface RemoteHost {
  target: SshTarget;
  env: Record<string, string>;
}

export const resultOk = (r: ExecResult): boolean => r.exitCode === 0 && !r.timedOut && !r.spawnError;

export function localPlace(executor: Executor, o: { cwd: string; env: Record<string, string>; shell: string }): Place {
  return {
    hosts: [],
    async run(req, onOutput) {
      const listener: OutputListener = (stream, chunk) => onOutput(undefined, stream, chunk);
      const result = await executor.run({ script: req.script, shell: req.shell ?? o.shell, cwd: o.cwd, env: o.env, timeoutMs: req.timeoutMs, interactive: false, ...(req.signal ? { signal: req.signal } : {}) }, listener);
      return [{ result }];
    },
    prepare: async () => [],
    finish: async () => true,
    close: async () => undefined,
  };
}

/**
 * The game's variables on one host. `GAMEDAY_DIR` there is a new folder of its own in the host's /tmp, made by
 * prepare() with mkdir (which fails rather than reuse what is there); `GAMEDAY_HOST` is the host's name.
 * Nothing else of the operator's environment is sent, as for any fleet command.
 */
export function remoteHosts(targets: SshTarget[], gameEnv: Record<string, string>, game: string): RemoteHost[] {
  // A random part: two games of one scenario started in the same second share an id, and may share a host.
  const unique = randomBytes(3).toString('hex');
  return targets.map((target) => ({
    target,
    env: { ...gameEnv, GAMEDAY_DIR: `/tmp/runbook-gameday-${game}-${unique}-${target.name.replace(/[^A-Za-z0-9._-]/g, '_')}`, GAMEDAY_HOST: target.name },
  }));
}

// Fixed scripts: the folder's path reaches them as $GAMEDAY_DIR, data in the environment.
const MAKE_DIR = 'umask 077 && mkdir -- "$GAMEDAY_DIR"';
const REMOVE_DIR = [
  '[ -d "$GAMEDAY_DIR" ] || exit 0',
  // Something still mounted in it: left in place rather than deleted through the mount.
  'if grep -qsF -e " $GAMEDAY_DIR " -e " $GAMEDAY_DIR/" /proc/mounts; then echo "something is still mounted in $GAMEDAY_DIR" >&2; exit 1; fi',
  'rm -rf -- "$GAMEDAY_DIR"',
].join('\n');
const HOUSEKEEPING_TIMEOUT_MS = 60_000;

export function hostsPlace(transport: Transport, hosts: RemoteHost[]): Place {
  const each = (req: BlockRequest, onOutput: (host: string | undefined, stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<PlaceResult[]> =>
    Promise.all(
      hosts.map(async (h) => ({
        host: h.target.name,
        result: await transport.run(h.target, { script: req.script, ...(req.shell ? { shell: req.shell } : {}), env: h.env, timeoutMs: req.timeoutMs, ...(req.signal ? { signal: req.signal } : {}) }, (stream, chunk) => onOutput(h.target.name, stream, chunk)),
      })),
    );
  return {
    hosts: hosts.map((h) => h.target.name),
    run: each,
    async prepare() {
      const rs = await each({ script: MAKE_DIR, timeoutMs: HOUSEKEEPING_TIMEOUT_MS }, () => undefined);
      return rs.filter((r) => !resultOk(r.result));
    },
    async finish() {
      const rs = await each({ script: REMOVE_DIR, timeoutMs: HOUSEKEEPING_TIMEOUT_MS }, () => undefined);
      return rs.every((r) => resultOk(r.result));
    },
    close: () => transport.close(),
  };
}

/** "exit 1 on web2; unreachable: web3 (Connection refused)" — how the hosts where a block failed ended. */
export function failedHow(rs: PlaceResult[]): string {
  return rs
    .filter((r) => !resultOk(r.result))
    .map((r) => {
      const x = r.result;
      const how = x.hostError !== undefined ? `unreachable (${x.hostError})` : x.spawnError ?? (x.timedOut ? 'timed out' : `exit ${x.exitCode ?? x.signal}`);
      return r.host === undefined ? how : `${how} on ${r.host}`;
    })
    .join('; ');
}
