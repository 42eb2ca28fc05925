// The OpenSSH transport: the system `ssh`, the operator's configuration, one multiplexed master connection
// per host for the whole run in a private control directory, removed at the end. Never weakens host key
// checking: a host whose key is unknown or changed fails like an unreachable one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor } from '../runner/ports.js';
import { REMOTE_BOOTSTRAP, remoteStdin } from './remote-script.js';
import { createFrameFilter, sessionNonce } from './session-frames.js';
import type { SshTarget, Target, TargetRequest, TargetResult, Transport } from './targets.js';

export interface SshOptions {
  /** `ssh` (looked up on PATH) unless given. */
  ssh?: string;
  /** `--ssh-config` / RUNBOOK_SSH_CONFIG: passed as `ssh -F`. */
  configFile?: string;
  /** How long an idle master connection stays up between commands (seconds). */
  persistS?: number;
  /** The control directory, made by the caller (game day records it to end a crashed game's masters); else a new one. */
  controlDir?: string;
}

// Unix socket paths are limited to ~104 bytes: %C (a 40-character hash) in a short directory.
export function controlDir(): string {
  const base = tmpdir().length <= 40 ? tmpdir() : '/tmp';
  return mkdtempSync(join(base, 'rb-ssh-'));
}

/** The ssh arguments up to and including the destination (shared by commands, `-O exit` and the bench). */
export function sshBaseArgs(t: SshTarget, o: { configFile?: string; controlDir: string; persistS?: number }): string[] {
  return [
    ...(o.configFile !== undefined ? ['-F', o.configFile] : []),
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${o.controlDir}/%C`,
    '-o', `ControlPersist=${o.persistS ?? 600}`,
    ...(t.user !== undefined ? ['-l', t.user] : []),
    ...(t.port !== undefined ? ['-p', String(t.port)] : []),
    '--',
    t.host,
  ];
}

/** `ssh -O <command>` for the same master: the control options, then `-O`, before `--`. */
export function controlArgs(args: string[], command: 'exit' | 'check'): string[] {
  const at = args.indexOf('--');
  return [...args.slice(0, at).filter((a) => a !== '-T'), '-O', command, ...args.slice(at)];
}

/** ssh's own failure (exit 255): its last line of stderr that reads like ssh's, else the last line. */
function hostErrorOf(stderrTail: string): string {
  const lines = stderrTail.split('\n').map((l) => l.trim()).filter(Boolean);
  return [...lines].reverse().find((l) => /^ssh:|Permission denied|Host key|Connection|Could not resolve|kex_|banner/i.test(l)) ?? lines.at(-1) ?? 'ssh exited with 255';
}

export function createSshTransport(executor: Executor, opts: SshOptions = {}): Transport {
  const dir = opts.controlDir ?? controlDir();
  const used = new Map<string, SshTarget>();
  const ssh = opts.ssh ?? 'ssh';
  const base = (t: SshTarget): string[] => sshBaseArgs(t, { controlDir: dir, ...(opts.configFile !== undefined ? { configFile: opts.configFile } : {}), ...(opts.persistS !== undefined ? { persistS: opts.persistS } : {}) });
  return {
    async run(target: Target, req: TargetRequest, onOutput) {
      if (target.kind !== 'ssh') throw new Error(`the ssh transport cannot reach a ${target.kind} target (this is a bug)`);
      const t = target as SshTarget;
      used.set(t.name, t);
      let stderrTail = '';
      // With a shell session the host reports its state in frames on stdout: taken out before anyone sees it.
      const nonce = req.session ? sessionNonce() : undefined;
      const frames = nonce === undefined ? undefined : createFrameFilter(nonce, (chunk) => onOutput('stdout', chunk));
      const result: TargetResult = await executor.run(
        {
          script: '',
          shell: ssh,
          argv: [ssh, ...base(t), REMOTE_BOOTSTRAP],
          stdin: remoteStdin(req, nonce),
          cwd: process.cwd(),
          env: process.env as Record<string, string>,
          timeoutMs: req.timeoutMs,
          interactive: false,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (stream, chunk) => {
          if (stream === 'stderr') stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
          if (frames && stream === 'stdout') frames.push(chunk);
          else onOutput(stream, chunk);
        },
      );
      if (frames) {
        frames.end();
        const before = frames.payload('B');
        const after = frames.payload('A');
        if (before !== undefined) result.sessionBefore = before;
        if (after !== undefined) result.sessionDump = after;
      }
      if (result.exitCode === 255 && !result.timedOut && !result.interrupted) result.hostError = hostErrorOf(stderrTail);
      if (result.spawnError !== undefined && /not found/.test(result.spawnError)) result.spawnError = `ssh not found: ${ssh}`;
      return result;
    },
    async close() {
      // Each master ends now rather than ControlPersist later; then the directory with its sockets goes.
      await Promise.all(
        [...used.values()].map((t) =>
          executor.run(
            { script: '', shell: ssh, argv: [ssh, ...controlArgs(base(t), 'exit')], cwd: process.cwd(), env: process.env as Record<string, string>, timeoutMs: 5000, interactive: false },
            () => undefined,
          ),
        ),
      ).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
