// Spawning the real CLI (bin/runbook.js, which imports dist/) for `runbook run` end-to-end tests: each test
// works in its own temp dir, every process has a deadline, and killAll() (afterEach) ends whatever is left.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherPrograms } from '../../src/adapters/launcher.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');
const PTY_DRIVER = join(ROOT, 'test', 'helpers', 'pty-driver.py');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcess>();
const dirs: string[] = [];

/** A fresh working directory with helpers to write runbooks and read what a run left behind. */
export function workDir(): { dir: string; write(name: string, text: string): string; path(name: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-run-e2e-'));
  dirs.push(dir);
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** The environment of a spawned CLI: the test's, without colour or runbook settings of the machine. */
export function cliEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // list's cache goes to the test's own folder, never the user's ~/.cache (and concurrent tests do not share it).
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', RUNBOOK_TIMELINE_DIR: join(dir, 'incidents'), XDG_CACHE_HOME: join(dir, '.cache'), XDG_RUNTIME_DIR: join(dir, '.run'), ...extra };
  delete env.FORCE_COLOR;
  delete env.RUNBOOK_PATH;
  delete env.RUNBOOK_REDACT;
  if (!('RUNBOOK_SHARED' in extra)) delete env.RUNBOOK_SHARED;
  return env;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<Exit>;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: 'ignore' | 'pipe';
  timeoutMs?: number;
  keepStdout?: boolean;
  /** The child also gets `fd` open as descriptor `as` (a descriptor its parent shell left it, say). */
  inherit?: { fd: number; as: number };
}

/**
 * Spawn `node ...args` (the CLI's bin, or a helper script of a test); SIGKILLed after timeoutMs. The one
 * spawner of the e2e suite: spawnCli and the timeline tests' runNode go through it.
 */
export function spawnNode(args: string[], opts: SpawnOptions): Spawned {
  const extra = opts.inherit ? [...new Array<'ignore'>(opts.inherit.as - 3).fill('ignore'), opts.inherit.fd] : [];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe', ...extra],
  });
  live.add(child);
  let out = '';
  let err = '';
  // Decoded across reads: a read that ends inside a character must not turn it into U+FFFD.
  const outUtf8 = new StringDecoder('utf8');
  const errUtf8 = new StringDecoder('utf8');
  if (opts.keepStdout !== false) child.stdout?.on('data', (d: Buffer) => (out += outUtf8.write(d)));
  child.stderr?.on('data', (d: Buffer) => (err += errUtf8.write(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      out += outUtf8.end();
      err += errUtf8.end();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, done, stdout: () => out, stderr: () => err };
}

/** Spawn `node bin/runbook.js ...args` with the suite's CLI environment (cliEnv) unless one is given. */
export function spawnCli(args: string[], opts: Omit<SpawnOptions, 'env'> & { env?: NodeJS.ProcessEnv }): Spawned {
  return spawnNode([BIN, ...args], { ...opts, env: opts.env ?? cliEnv(opts.cwd) });
}

export const runCli = (args: string[], opts: Parameters<typeof spawnCli>[1]): Promise<Exit> => spawnCli(args, opts).done;

/** Remove ANSI escapes and carriage returns, so terminal output can be searched as text. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b[()][A-Z0-9]/g, '').replace(/\r/g, '');
}

export interface PtyRun {
  /** The runner's pid (the process on the terminal). */
  pid: Promise<number>;
  /** Type into the terminal. */
  type(text: string): void;
  /** All the terminal showed so far, ANSI removed. */
  screen(): string;
  /** All the bytes the terminal received so far, escapes included, decoded as UTF-8. */
  raw(): string;
  /** Wait until the screen, from `from` on, matches; returns the index just after the match. */
  waitFor(pattern: RegExp | string, opts?: { from?: number; timeoutMs?: number }): Promise<number>;
  done: Promise<Exit>;
}

/**
 * The pty tests need python3's pty module. .ci/run installs python3 when it is missing; a machine without it
 * fails these tests loudly (this throws) instead of skipping them.
 */
export function python3Available(): boolean {
  if (python3() !== null) return true;
  throw new Error('python3 with its pty module is needed by the terminal tests: apt-get install -y python3');
}

/**
 * The interpreter, by its own path: the first python3 on PATH that is a program, as the command launcher picks
 * it (launcherPrograms), else the one `python3` runs; asked once per worker (files share it). A version
 * manager's shim (pyenv's, on this project's machines) took 0.44 s of wall time and 0.17 s of CPU per start
 * against 0.04 s for the interpreter itself, paid by every pty test; pyenv's own Python 0.07 s of CPU against
 * 0.02 s for Debian's.
 */
function python3(): string | null {
  if (python3Path === undefined) {
    const program = launcherPrograms().find((p) => p.kind === 'python')?.path ?? 'python3';
    const r = spawnSync(program, ['-c', 'import pty, sys; print(sys.executable)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const path = r.status === 0 ? r.stdout.trim() : '';
    python3Path = path.startsWith('/') ? path : r.status === 0 ? 'python3' : null;
  }
  return python3Path;
}
let python3Path: string | null | undefined;

/**
 * Run the CLI on a real pseudo-terminal (python3's pty module), 120x40. `wrap` turns the CLI's argv into the
 * program the terminal runs (a shell pipeline around it, say).
 */
export function spawnPty(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; wrap?: (cli: string[]) => string[] }): PtyRun {
  const env = { ...(opts.env ?? cliEnv(opts.cwd)), TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' };
  const cli = [process.execPath, BIN, ...args];
  const child = spawn(python3() ?? 'python3', [PTY_DRIVER, '120', '40', '--', ...(opts.wrap ? opts.wrap(cli) : cli)], {
    cwd: opts.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let raw = '';
  const bytes: Buffer[] = [];
  let err = '';
  const waiters = new Set<() => void>();
  // A read may end inside a character (─, Ö, я): the decoder holds its first bytes until the rest comes.
  const utf8 = new StringDecoder('utf8');
  child.stdout.on('data', (d: Buffer) => {
    bytes.push(d);
    raw += utf8.write(d);
    for (const w of [...waiters]) w();
  });
  let resolvePid: (pid: number) => void = () => {};
  const pid = new Promise<number>((r) => (resolvePid = r));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /PTY_CHILD_PID=(\d+)/.exec(err);
    if (m) resolvePid(Number(m[1]));
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 30_000);
  let exited = false;
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      raw += utf8.end();
      clearTimeout(timer);
      live.delete(child);
      for (const w of [...waiters]) w();
      resolve({ code, signal, stdout: plain(raw), stderr: err });
    });
  });
  const screen = (): string => plain(raw);
  return {
    pid,
    type: (text) => {
      child.stdin.write(text);
    },
    screen,
    raw: () => Buffer.concat(bytes).toString('utf8'),
    done,
    waitFor(pattern, o = {}) {
      const from = o.from ?? 0;
      const test = (): number | undefined => {
        const text = screen().slice(from);
        if (typeof pattern === 'string') {
          const i = text.indexOf(pattern);
          return i < 0 ? undefined : from + i + pattern.length;
        }
        const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
        return m ? from + m.index + m[0].length : undefined;
      };
      return new Promise<number>((resolve, reject) => {
        const check = (): void => {
          const at = test();
          if (at !== undefined) {
            cleanup();
            resolve(at);
          } else if (exited) {
            cleanup();
            reject(new Error(`the runner exited before showing ${String(pattern)}; screen:\n${screen().slice(-3000)}`));
          }
        };
        const t = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)}; screen:\n${screen().slice(-3000)}`));
        }, o.timeoutMs ?? 60_000);
        const cleanup = (): void => {
          clearTimeout(t);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Parsed events of a timeline file. The `seal` a runner appends after run.finished is left out unless asked for: tests of
 * a run look at the run (the chain's own tests, test/e2e/timeline/chain.test.ts, read seals and bytes).
 */
export function readEvents(path: string, opts: { seals?: boolean } = {}): Array<Record<string, unknown> & { type: string; seq: number }> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string; seq: number })
    .filter((e) => opts.seals === true || e.type !== 'seal');
}

/** The one timeline a run wrote under `<dir>/incidents` (RUNBOOK_TIMELINE_DIR of cliEnv). */
export function onlyTimeline(dir: string): string {
  const files = readdirSync(join(dir, 'incidents')).filter((f) => f.endsWith('.jsonl'));
  if (files.length !== 1) throw new Error(`expected one timeline in ${dir}/incidents, found ${files.join(', ') || 'none'}`);
  return join(dir, 'incidents', files[0] as string);
}

/** Pids of live (not zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmd.includes(marker)) continue;
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && state !== 'X') found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** A marker that makes a test's own `sleep` findable: `sleep 30.<n>` sleeps 30 s and is unique. */
export function uniqueSleep(seconds: number): string {
  // Fixed width: processesWith() matches substrings, and one marker must never be the start of another.
  return `${seconds}.${String(process.pid).slice(-4).padStart(4, '0')}${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
}

/** Kill every process a test started (and their leftovers by marker), remove the temp dirs. */
export function cleanup(markers: string[] = []): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
  for (const m of markers) for (const pid of processesWith(m)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Resolves when `cond` is true (checked every 50 ms), rejects after timeoutMs. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
