// Helpers for executor tests: requests, output capture, and what is left of a process group.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ExecRequest, Executor, OutputListener } from '../../../src/runner/ports.js';
import { createExecutor, defaultShell, type ExecutorOptions } from '../../../src/adapters/executor.js';
import { createLauncher, launcherPrograms, type LauncherProgram } from '../../../src/adapters/launcher.js';

export function request(script: string, overrides: Partial<ExecRequest> = {}): ExecRequest {
  return {
    script,
    shell: defaultShell(),
    cwd: tmpdir(),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    timeoutMs: 20_000,
    interactive: false,
    ...overrides,
  };
}

export interface Capture {
  listener: OutputListener;
  chunks: { stream: 'stdout' | 'stderr'; text: string }[];
  text(stream: 'stdout' | 'stderr'): string;
  /** Resolves when `stream` has produced output containing `needle`. */
  waitFor(stream: 'stdout' | 'stderr', needle: string): Promise<void>;
}

export function capture(): Capture {
  const chunks: Capture['chunks'] = [];
  const waiters: { stream: string; needle: string; resolve: () => void }[] = [];
  const text = (stream: 'stdout' | 'stderr'): string =>
    chunks.filter((c) => c.stream === stream).map((c) => c.text).join('');
  const check = (): void => {
    for (const w of [...waiters]) {
      if (text(w.stream as 'stdout' | 'stderr').includes(w.needle)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    chunks,
    text,
    listener: (stream, chunk) => {
      chunks.push({ stream, text: chunk.toString('utf8') });
      check();
    },
    waitFor: (stream, needle) =>
      new Promise((resolve) => {
        waiters.push({ stream, needle, resolve });
        check();
      }),
  };
}

/** `/proc/<pid>/stat` fields after the command name: [state, ppid, pgrp, ...]. */
function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Live (non-zombie) processes in process group `pgid`. PID 1 here may not reap, so zombies do not count. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (f !== undefined && f[2] === String(pgid) && f[0] !== 'Z') members.push(Number(entry));
  }
  return members;
}

export function isRunning(pid: number): boolean {
  const f = statFields(String(pid));
  return f !== undefined && f[0] !== 'Z';
}

export function processGroupOf(pid: number): number {
  return Number(statFields(String(pid))?.[2]);
}

export function killGroupQuietly(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Both launcher programs (launcher.ts: python3 first, perl), for the tests that run each. The suite needs both:
 * .ci/run installs python3 and perl-base when missing, and a machine without one fails here, loudly.
 */
export function launcherProgramsUnderTest(): LauncherProgram[] {
  const found = launcherPrograms({ PATH: process.env['PATH'] });
  for (const kind of ['python', 'perl'] as const)
    if (!found.some((p) => p.kind === kind)) throw new Error(`the launcher tests need ${kind === 'python' ? 'python3 (apt-get install -y python3)' : 'perl (apt-get install -y perl-base)'} on PATH`);
  return found;
}

/**
 * The ways the executor starts a command, for the same tests: Node's own spawn, and the launcher taking every
 * command from the first (waiting for it rather than falling back), once with each of its programs (python3,
 * perl). `launched()` counts what the launcher started, so a suite can prove it went through it.
 */
export function startingWays(opts: ExecutorOptions = {}): { way: string; executor: Executor; make: (o: ExecutorOptions) => Executor; launched: () => number }[] {
  const direct = (o: ExecutorOptions): Executor => createExecutor({ ...o, launcher: null });
  return [
    { way: 'spawned by Node', executor: direct(opts), make: direct, launched: () => 0 },
    ...launcherProgramsUnderTest().map((prog) => {
      const launcher = createLauncher({ programs: [prog], startAt: 1, always: true });
      const launching = (o: ExecutorOptions): Executor => createExecutor({ ...o, launcher });
      return { way: `through the launcher (${prog.kind})`, executor: launching(opts), make: launching, launched: () => launcher.launched() };
    }),
  ];
}
