// A small long-lived process that starts a run's commands, so the runner itself is not forked for each one.
//
// Node 20 (libuv 1.46) starts a child with fork(): the ~60 MB runner was blocked ~5–7 ms per command while
// its page tables were copied, and paid copy-on-write faults after. The launcher is a few MB: a Python program
// (launcher-python.ts) that starts each command with vfork (through subprocess), where a real python3 is on
// PATH, else a Perl one (launcher-script.ts, which describes the protocol both speak) that forks. Either starts
// each command with the guarantees of the direct path: its own session and process group, stdin /dev/null, the
// exact environment, argv as data, the exact wait status. Output comes back through FIFOs the runner opens
// before the command starts; signals go from the runner to the group, by pid, as before. Used only where it is
// equivalent: not for interactive commands, nor for commands fed on stdin, nor where neither interpreter is
// found (then, and whenever it is not ready, the executor spawns directly).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, realpathSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as os, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAUNCHER_PY } from './launcher-python.js';
import { LAUNCHER_PL } from './launcher-script.js';
import { isAlive, sessionHolding, type FileId } from './process-group.js';
import { findOnPath } from './shell.js';

/** What the executor reads of a started command: a ChildProcess's events and pipes. */
export interface Launched extends EventEmitter {
  pid: number | undefined;
  stdout: Socket;
  stderr: Socket;
  stdin: null;
  /** [stdin, stdout, stderr, the session dump's fd 3 when asked for]. */
  stdio: [null, Socket, Socket, Socket | null];
  /** Set before 'exit' when the launcher died under the command: it ran, its end is its group's, its status is lost. */
  statusLost?: boolean;
}

export interface Launcher {
  /**
   * A slot to start the next command in, once the launcher is ready; undefined when the command should be
   * spawned directly (the first command of a run, no perl, the launcher not ready yet or gone).
   */
  reserve(): Promise<Slot | undefined>;
  /** How many commands it has started. */
  launched(): number;
  /** Whether a launcher is running and ready for the next command. */
  ready(): boolean;
}

/** An interpreter that runs the launcher's program: its kind picks the program. */
export interface LauncherProgram {
  kind: 'python' | 'perl';
  path: string;
}

export interface LauncherOptions {
  /** The programs to try, in order (the next when one ends before it is ready); []: no launcher. Default: launcherPrograms(). */
  programs?: LauncherProgram[];
  /** At which command the launcher is started; it takes the commands from the next on. Default 2. */
  startAt?: number;
  /** Wait for the launcher instead of spawning directly meanwhile, and fail when it cannot start (tests). */
  always?: boolean;
  /** Idle this long (no command running), the launcher is ended; the next command starts another. Default 30 s. */
  idleMs?: number;
}

export interface Slot {
  /** Starts argv here: 'spawn' (pid set), or 'error' (nothing ran), then 'exit'(code, signal). Throws when it cannot. */
  launch(argv: string[], opts: { cwd: string; env: Record<string, string>; dump: boolean }): Launched;
  /** Give the slot back unused. */
  release(): void;
}

/** The request that starts `argv` in slot `slot` (launcher-script.ts describes the protocol): its bytes on the pipe. */
export function launchRequest(slot: number, argv: string[], opts: { cwd: string; env: Record<string, string>; dump: boolean }): Buffer {
  const fields = ['R', String(slot), opts.cwd, opts.dump ? '1' : '0', String(argv.length), ...argv, ...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`)];
  const payload = Buffer.from(fields.join('\0'), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

/** Whether `argv` and `env` can travel to the launcher (a NUL byte cannot; the direct path reports it). */
export function launchable(argv: string[], env: Record<string, string>, cwd: string): boolean {
  if (cwd.includes('\0') || argv.some((a) => a.includes('\0'))) return false;
  for (const [k, v] of Object.entries(env)) if (k.includes('\0') || k.includes('=') || v.includes('\0')) return false;
  return true;
}

// Long enough to outlast an operator's pause between two commands: a stopped launcher is started again by the
// next command, which itself goes the direct way.
const IDLE_MS = 30_000;
// How often a command whose launcher died is checked for its end.
const GROUP_POLL_MS = 50;
// The launcher is started at a run's second command (which still goes directly) and used from the third: a
// run of one command never pays for it.
const START_AT = 2;

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(os.signals).map(([name, n]) => [n as number, name as NodeJS.Signals]));
const ERRNO_NAMES = new Map<number, string>(Object.entries(os.errno).map(([name, n]) => [n as number, name]));

class Running extends EventEmitter implements Launched {
  pid: number | undefined;
  /** Forked, exec not yet confirmed. */
  forked: number | undefined;
  statusLost = false;
  stdin = null;
  stdio: [null, Socket, Socket, Socket | null];
  constructor(
    readonly stdout: Socket,
    readonly stderr: Socket,
    dump: Socket | null,
    /** The slot's FIFOs, which the command holds from its start: how it is found when the launcher dies without a word of it. */
    readonly fifos: FileId[],
  ) {
    super();
    this.stdio = [null, stdout, stderr, dump];
  }
}

interface Live {
  proc: ChildProcess;
  prog: LauncherProgram;
  dir: string;
  ready: boolean;
  /** The slot the launcher has prepared and nobody holds. */
  free: number | undefined;
  waiting: ((slot: number | undefined) => void)[];
  readyWaiting: ((ok: boolean) => void)[];
  running: Map<number, Running>;
  buffered: string;
  idle: NodeJS.Timeout | undefined;
}

/**
 * The launcher's interpreters on PATH, in the order to try them: python3, then perl. Only a python3 that is a
 * program itself (an ELF file): a version manager's shim is a script that takes ~0.4 s to start, and macOS's
 * /usr/bin/python3 is a stub that may offer to install the developer tools. RUNBOOK_LAUNCHER=perl or =python
 * keeps only that one; RUNBOOK_NO_LAUNCHER=1 none (every command spawned by Node).
 */
export function launcherPrograms(env: NodeJS.ProcessEnv = process.env): LauncherProgram[] {
  if (env['RUNBOOK_NO_LAUNCHER'] === '1') return [];
  const only = env['RUNBOOK_LAUNCHER'];
  const found: LauncherProgram[] = [];
  if (only !== 'perl') {
    const python = findOnPath('python3', env['PATH'], isElf);
    if (python !== undefined) found.push({ kind: 'python', path: python });
  }
  if (only !== 'python') {
    const perl = findOnPath('perl', env['PATH']);
    if (perl !== undefined) found.push({ kind: 'perl', path: perl });
  }
  return found;
}

/**
 * The interpreter's arguments that run the launcher's program with `dir` as its private folder. Python isolated
 * (-I: no PYTHON* variables, no user site) and without its site module (-S): the standard library only.
 */
export function launcherArgs(kind: LauncherProgram['kind'], dir: string): string[] {
  return kind === 'python' ? ['-I', '-S', '-c', LAUNCHER_PY, dir] : ['-e', LAUNCHER_PL, dir];
}

function isElf(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === '\x7fELF';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The launcher of a run (launcherPrograms: python3 or perl from PATH); none: every command spawned by Node. */
export function createLauncher(opts: LauncherOptions = {}): Launcher {
  // null: not looked up yet. Looked up on PATH when first wanted, not when a run starts: a run of one command
  // never needs it. One that ends before it is ready (a Python older than 3.8, a perl without POSIX) is dropped
  // for the rest of the run, and the next is tried.
  let programs: LauncherProgram[] | null = opts.programs ? [...opts.programs] : null;
  const program = (): LauncherProgram | undefined => (programs ??= launcherPrograms())[0];
  const dropProgram = (prog: LauncherProgram): void => {
    if (programs?.[0] === prog) programs.shift();
  };
  const startAt = opts.startAt ?? START_AT;
  const always = opts.always === true;
  const idleMs = opts.idleMs ?? IDLE_MS;
  let calls = 0;
  let count = 0;
  let live: Live | undefined;

  const start = (): void => {
    const prog = program();
    if (prog === undefined) return;
    let dir: string;
    try {
      // By its real path: a FIFO is later found by the path /proc shows for it, which is resolved (a TMPDIR
      // through a symbolic link, as /tmp is on macOS, would never match).
      dir = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-launch-')));
    } catch {
      programs = [];
      return;
    }
    let proc: ChildProcess;
    try {
      // Detached: its own session, out of reach of the terminal's Ctrl-C (the runner forwards it). An empty
      // environment: each command's is set from its request.
      proc = spawn(prog.path, launcherArgs(prog.kind, dir), { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: {} });
    } catch {
      dropProgram(prog);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    const l: Live = { proc, prog, dir, ready: false, free: undefined, waiting: [], readyWaiting: [], running: new Map(), buffered: '', idle: undefined };
    live = l;
    proc.unref();
    proc.on('error', () => gone(l));
    // 'close', not 'exit': its last replies (a start, an end) may still be in the pipe at 'exit'.
    proc.on('close', () => gone(l));
    proc.stdin?.on('error', () => gone(l));
    proc.stdout?.setEncoding('latin1');
    proc.stdout?.on('data', (d: string) => {
      l.buffered += d;
      for (let i = l.buffered.indexOf('\n'); i >= 0; i = l.buffered.indexOf('\n')) {
        const line = l.buffered.slice(0, i);
        l.buffered = l.buffered.slice(i + 1);
        onReply(l, line);
      }
    });
    setRef(l, false);
  };

  // The launcher's pipes keep the runner alive only while something waits on it: a command, a slot, its start.
  const setRef = (l: Live, on: boolean): void => {
    for (const s of [l.proc.stdin, l.proc.stdout] as (Socket | null)[]) (on ? s?.ref() : s?.unref());
  };
  const refIfWaited = (l: Live): void => setRef(l, l.running.size > 0 || l.waiting.length > 0 || l.readyWaiting.length > 0);

  const armIdle = (l: Live): void => {
    clearTimeout(l.idle);
    l.idle = undefined;
    if (l.running.size > 0) return;
    l.idle = setTimeout(() => stop(l), idleMs);
    l.idle.unref();
  };

  const stop = (l: Live): void => {
    if (l.running.size > 0) return;
    l.proc.stdin?.end();
    gone(l);
  };

  /** The launcher is gone (ended when idle, or died): what waited on it is told, and the next call starts another. */
  const gone = (l: Live): void => {
    if (live === l) live = undefined;
    // One that never got ready (a Python older than 3.8, perl without its POSIX module): not tried again this
    // run; the next program is.
    if (!l.ready) dropProgram(l.prog);
    clearTimeout(l.idle);
    for (const w of l.waiting.splice(0)) w(undefined);
    for (const w of l.readyWaiting.splice(0)) w(false);
    l.free = undefined;
    try {
      forgetRunning(l);
    } finally {
      // Removed after the search in forgetRunning: while its folder links the FIFOs, their inodes are not another file's.
      rmSync(l.dir, { recursive: true, force: true });
    }
  };

  /** Each command the launcher was running, when it is gone: supervised by its group, or told it did not start. */
  const forgetRunning = (l: Live): void => {
    for (const [slot, r] of l.running) {
      l.running.delete(slot);
      // Asked for, and nothing said of it: the Python launcher says P and S once its command has exec'd, so a
      // launcher killed in between leaves a command running that it never named. Whatever holds the slot's
      // FIFOs is that command or what it started (the launcher's own holds went with it; its session, which a
      // child of it is in until the command's own starts, is never taken): their session is the command's pid.
      if (r.pid === undefined && r.forked === undefined) r.forked = sessionHolding(r.fifos, l.proc.pid === undefined ? [] : [l.proc.pid]);
      // Forked but not confirmed: it may be running; it is treated as started, and supervised as such.
      if (r.pid === undefined && r.forked !== undefined) {
        r.pid = r.forked;
        r.emit('spawn');
      }
      if (r.pid === undefined) {
        r.emit('error', Object.assign(new Error('the command launcher ended before it said whether the command started'), { code: 'ELAUNCHER' }));
        continue;
      }
      // A command it had started runs on in its own group, still under the runner's timeout and Ctrl-C (they
      // go by pid); its exit status went with the launcher, so its end is the end of its group.
      const pid = r.pid;
      const watch = setInterval(() => {
        if (isAlive(pid, true)) return;
        clearInterval(watch);
        r.statusLost = true;
        r.emit('exit', null, null);
      }, GROUP_POLL_MS);
    }
  };

  function onReply(l: Live, line: string): void {
    const [kind, a, b] = line.split(' ');
    const slot = Number(a);
    if (kind === 'H') {
      l.ready = true;
      for (const w of l.readyWaiting.splice(0)) w(true);
    }
    else if (kind === 'F') {
      const w = l.waiting.shift();
      if (w) w(slot);
      else l.free = slot;
    } else if (kind === 'P') {
      const r = l.running.get(slot);
      if (r) r.forked = Number(b);
    } else if (kind === 'S') {
      const r = l.running.get(slot);
      if (!r) return;
      r.pid = Number(b);
      r.emit('spawn');
    } else if (kind === 'E') {
      const r = l.running.get(slot);
      if (!r) return;
      l.running.delete(slot);
      const code = ERRNO_NAMES.get(Number(b)) ?? `errno ${b}`;
      r.emit('error', Object.assign(new Error(`spawn: ${code}`), { code }));
      afterCommand(l);
    } else if (kind === 'X') {
      const r = l.running.get(slot);
      if (!r) return;
      l.running.delete(slot);
      const status = Number(b);
      const sig = status & 0x7f;
      r.emit('exit', sig ? null : status >> 8, sig ? (SIGNAL_NAMES.get(sig) ?? null) : null);
      afterCommand(l);
    }
  }

  const afterCommand = (l: Live): void => {
    refIfWaited(l);
    armIdle(l);
  };

  const slotOf = (l: Live, n: number): Slot => ({
    release() {
      if (live !== l) return;
      const waiter = l.waiting.shift();
      if (waiter) return waiter(n);
      l.free = n;
      armIdle(l);
    },
    launch(argv, opts) {
      if (live !== l) throw new Error('the command launcher ended');
      const opened: Socket[] = [];
      const fifos: FileId[] = [];
      try {
        for (const k of opts.dump ? [1, 2, 3] : [1, 2]) {
          const path = join(l.dir, `${n}.${k}`);
          const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
          try {
            const { dev, ino } = fstatSync(fd, { bigint: true });
            fifos.push({ path, dev, ino });
            // The session dump (3) is not read before the reader asks (session-dump.ts reads it in one go at
            // the shell's exit): read as bash writes it, a line at a time, it woke the runner ~20 times a command.
            const paused = k === 3 ? { pauseOnCreate: true } : {};
            opened.push(new Socket({ fd, readable: true, writable: false, ...paused } as ConstructorParameters<typeof Socket>[0]));
          } catch (err) {
            closeSync(fd);
            throw err;
          }
        }
      } catch (err) {
        for (const s of opened) s.destroy();
        throw err;
      }
      const r = new Running(opened[0] as Socket, opened[1] as Socket, opened[2] ?? null, fifos);
      l.running.set(n, r);
      count++;
      setRef(l, true);
      l.proc.stdin?.write(launchRequest(n, argv, opts));
      return r;
    },
  });

  return {
    launched: () => count,
    ready: () => live?.ready === true,
    async reserve() {
      calls++;
      if (calls < startAt) return undefined;
      if (program() === undefined) {
        if (always) throw new Error('no python3 nor perl for the command launcher');
        return undefined;
      }
      if (!live) start();
      const l = live;
      if (!l) {
        if (always) throw new Error('the command launcher could not start');
        return undefined;
      }
      // Not ready yet (just started): this one goes directly, the launcher takes the next.
      if (!l.ready) {
        if (!always) return undefined;
        const ready = new Promise<boolean>((resolve) => l.readyWaiting.push(resolve));
        setRef(l, true);
        const ok = await ready;
        refIfWaited(l);
        if (!ok) throw new Error('the command launcher ended before it was ready');
      }
      clearTimeout(l.idle);
      l.idle = undefined;
      if (l.free !== undefined) {
        const n = l.free;
        l.free = undefined;
        return slotOf(l, n);
      }
      const next = new Promise<number | undefined>((resolve) => l.waiting.push(resolve));
      setRef(l, true);
      const n = await next;
      refIfWaited(l);
      return n === undefined ? undefined : slotOf(l, n);
    },
  };
}
