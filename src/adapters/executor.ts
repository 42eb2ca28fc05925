// The real Executor: `<shell> -c <script>` in its own process group, output streamed live, memory bounded.
//
// execa starts the process; its own timeout, cancelSignal, forceKillAfterDelay and cleanup are not used:
// they signal the direct child only (cleanup is off altogether with `detached`), and its promise waits for
// the output pipes to end, which a background grandchild can hold open forever. So signals go to the whole
// group from here, and the run settles on the child's 'exit' plus a bounded wait for its pipes. Buffering and
// maxBuffer are off: output is streamed, never held, and a chatty diagnostic is never killed with SIGPIPE.
import type { ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ExecRequest, ExecResult, Executor, OutputListener } from '../runner/ports.js';
import { monoNow } from './clock.js';
import { createLauncher, launchable, type Launched, type Launcher, type Slot } from './launcher.js';
import { isAlive, signalProcess, trackRunning } from './process-group.js';
import { createDumpReader, sessionLaunch } from './session-dump.js';

export { defaultShell } from './shell.js';

export interface ExecutorOptions {
  /** From SIGTERM/SIGINT to SIGKILL, when the group is still alive. Default 3000 ms. */
  graceMs?: number;
  /** Once the shell has exited, how long its pipes may stay quiet before we stop reading them. Default 300 ms. */
  pipeQuietMs?: number;
  /** Once the shell has exited, the longest we keep reading pipes that a background process writes to. Default 2000 ms. */
  pipeCapMs?: number;
  /** What starts commands after the first (launcher.ts); null: every command is spawned by Node itself. */
  launcher?: Launcher | null;
}

// setTimeout fires at once for anything above this.
const MAX_TIMER_MS = 2 ** 31 - 1;
// After SIGKILL, the longest we wait for the group to be gone before settling anyway (unreaped zombies).
const KILL_SETTLE_MS = 1000;

export function createExecutor(opts: ExecutorOptions = {}): Executor {
  const timing: Timing = {
    graceMs: opts.graceMs ?? 3000,
    pipeQuietMs: opts.pipeQuietMs ?? 300,
    pipeCapMs: opts.pipeCapMs ?? 2000,
  };
  const launcher = opts.launcher === undefined ? createLauncher() : opts.launcher;
  return {
    async run(req, onOutput) {
      const t0 = monoNow();
      const cwdProblem = await checkCwd(req.cwd);
      if (cwdProblem !== undefined) return notStarted(t0, cwdProblem, false);
      // The terminal and a stdin to feed are the direct path's alone.
      const slot = launcher && !req.interactive && !req.stdin ? await launcher.reserve() : undefined;
      // Checked after the awaits: an abort during them has no listener to hear it yet. Never start a command
      // the operator has already stopped: even a few ms of a script can do harm.
      if (req.signal?.aborted) {
        slot?.release();
        return notStarted(t0, 'not started: stopped before it began', req.signal.reason === 'interrupt');
      }
      return new Promise((resolve) => runChild(req, onOutput, timing, t0, resolve, slot));
    },
  };
}

interface Timing {
  graceMs: number;
  pipeQuietMs: number;
  pipeCapMs: number;
}

interface Pump {
  readonly name: 'stdout' | 'stderr';
  readonly stream: Readable;
  closed: boolean;
  /** Set while the live stream is full; calling it stops waiting for 'drain'. */
  stopWaiting: (() => void) | undefined;
}

function runChild(
  req: ExecRequest,
  onOutput: OutputListener,
  timing: Timing,
  t0: number,
  resolve: (r: ExecResult) => void,
  slot: Slot | undefined,
): void {
  // Interactive commands stay in the runner's session and process group: `detached` means setsid(), and a
  // process without a controlling terminal cannot open /dev/tty (sudo, ssh password prompts, editors) and
  // does not get the operator's Ctrl-C or window size. The price: timeouts and aborts reach the shell only.
  const group = !req.interactive;
  // With a session, the script is wrapped to report its state on a private pipe (fd 3): see session-dump.ts.
  const session = sessionLaunch(req);
  let child: ChildProcess | Launched;
  const argv = req.argv ?? [req.shell, '-c', session.script];
  const launched = slot ? tryLaunch(slot, argv, req, session.wrapped) : undefined;
  if (launched) child = launched;
  else try {
    const subprocess = execa(argv[0] as string, argv.slice(1), {
      cwd: req.cwd,
      env: req.env,
      extendEnv: false,
      detached: group,
      stdio: session.stdio,
      buffer: false,
      reject: false,
      cleanup: false,
      stripFinalNewline: false,
      encoding: 'buffer',
    });
    // The outcome is read from the child's events below; execa's promise must not reject unhandled.
    subprocess.catch(() => undefined);
    child = subprocess as unknown as ChildProcess;
    if (req.stdin && child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading it all (EPIPE)
      child.stdin.write(req.stdin);
    }
    // A process that could not be created (E2BIG: script or environment over the kernel's limit; a NUL byte)
    // leaves execa's stand-in silent, no 'spawn', 'error' or 'exit': its settled promise is the only signal.
    subprocess.then((r) => {
      if (started || !r.failed) return;
      for (const p of pumps) p.stream.destroy();
      finish(notStarted(t0, spawnReason(req.shell, r.cause instanceof Error ? r.cause : new Error(r.shortMessage)), false));
    }, () => undefined);
  } catch (err) {
    resolve(notStarted(t0, `cannot start ${req.shell}: ${oneLine(err)}`, false));
    return;
  }

  let started = false;
  let settled = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  let stopping = false;
  let stopBeforeSpawn: 'SIGINT' | 'SIGTERM' | undefined;
  let killSentAt: number | undefined;
  let forcedDrain = false;
  let timedOut = false;
  let interrupted = false;
  let pipesDetached = false;
  let untrack = (): void => {};
  const timers = new Set<NodeJS.Timeout>();
  let quietTimer: NodeJS.Timeout | undefined;

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.min(ms, MAX_TIMER_MS));
    timers.add(t);
    return t;
  };
  const cancel = (t: NodeJS.Timeout | undefined): void => {
    if (t === undefined) return;
    clearTimeout(t);
    timers.delete(t);
  };

  const pumps: Pump[] = [];
  if (child.stdout) pumps.push({ name: 'stdout', stream: child.stdout, closed: false, stopWaiting: undefined });
  if (child.stderr) pumps.push({ name: 'stderr', stream: child.stderr, closed: false, stopWaiting: undefined });
  const anyWaiting = (): boolean => pumps.some((p) => p.stopWaiting !== undefined);
  const dump = session.wrapped ? createDumpReader(child.stdio[3] as Readable | null | undefined, () => tryFinish()) : undefined;
  // The dump matters only after a success; a failed command writes none, and its pipe may be held by a child.
  const dumpDone = (): boolean => dump === undefined || dump.done() || (exit !== undefined && exit.code !== 0);
  const pipesDone = (): boolean => pipesDetached || (pumps.every((p) => p.closed) && dumpDone());

  child.on('error', (err) => {
    if (started) return; // only possible from child.kill(), which we never call; must not crash the runner
    for (const p of pumps) p.stream.destroy();
    finish(notStarted(t0, spawnReason(req.shell, err), false));
  });
  child.once('spawn', () => {
    started = true;
    if (child.pid !== undefined) untrack = trackRunning(child.pid, group);
    if (stopBeforeSpawn) stop(stopBeforeSpawn);
  });

  for (const p of pumps) {
    const live = req.live?.[p.name];
    p.stream.on('error', () => {}); // a read error ends the pipe; 'close' follows
    p.stream.on('close', () => {
      p.closed = true;
      tryFinish();
    });
    p.stream.on('data', (chunk: Buffer) => {
      onOutput(p.name, chunk);
      if (live !== undefined && isWritable(live) && !live.write(chunk)) waitForDrain(p, live);
      if (exit !== undefined) armQuiet();
    });
  }

  // Backpressure: stop reading this pipe (the kernel buffer fills and the command blocks on write) until the
  // live stream drains. Memory stays at one readable buffer per pipe whatever the command prints.
  function waitForDrain(p: Pump, live: NodeJS.WritableStream): void {
    p.stream.pause();
    const done = (): void => {
      live.removeListener('drain', done);
      live.removeListener('close', done);
      p.stopWaiting = undefined;
      if (!pipesDetached) p.stream.resume();
      if (exit !== undefined) armQuiet();
    };
    p.stopWaiting = done;
    live.on('drain', done);
    live.on('close', done);
    if (!forcedDrain) cancel(quietTimer);
  }

  // After the shell exits, its pipes normally close at once. A background process that inherited them
  // (`sleep 100 & echo hi`, `nohup foo &`) keeps them open, so we stop delivering when they have been quiet
  // for pipeQuietMs, or pipeCapMs after exit if it keeps writing. Time spent waiting for a full live stream
  // does not count (the last bytes of the command are still coming), unless the command was stopped.
  function armQuiet(): void {
    cancel(quietTimer);
    if (pipesDetached || (!forcedDrain && anyWaiting())) return;
    quietTimer = later(timing.pipeQuietMs, detachPipes);
  }
  function armCap(): void {
    later(timing.pipeCapMs, () => (!forcedDrain && anyWaiting() ? armCap() : detachPipes()));
  }

  // Stop delivering output, but keep reading and discarding it, without keeping the runner alive: destroying
  // the read end would kill a background writer with SIGPIPE on its next line, and an operator who typed
  // `nohup foo &` or `kubectl port-forward ... &` wants it to live. It lives in the finished command's
  // process group; it is not killed when the runner exits, but when the runner's process ends the pipe has
  // no reader any more, so output it writes after that gets SIGPIPE (redirect it to keep it: `>log 2>&1`).
  function detachPipes(): void {
    if (pipesDetached) return;
    pipesDetached = true;
    cancel(quietTimer);
    dump?.detach();
    for (const p of pumps) {
      p.stopWaiting?.();
      if (p.closed) continue;
      p.stream.removeAllListeners('data');
      p.stream.on('data', () => {});
      p.stream.resume();
      (p.stream as Readable & { unref?: () => void }).unref?.();
    }
    tryFinish();
  }

  function stop(signal: 'SIGINT' | 'SIGTERM'): void {
    // Through the launcher the pid comes a moment after the request: the stop waits for it.
    if (child.pid === undefined && !started) stopBeforeSpawn ??= signal;
    if (stopping || child.pid === undefined) return;
    stopping = true;
    forcedDrain = true;
    const pid = child.pid;
    signalProcess(pid, group, signal);
    later(timing.graceMs, () => {
      signalProcess(pid, group, 'SIGKILL');
      killSentAt = monoNow();
      tryFinish();
    });
  }

  // Shell still running: stop it. Already exited (we are only draining pipes): stop waiting for them.
  const timeoutMs = req.timeoutMs;
  if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
    later(timeoutMs, () => {
      if (exit !== undefined) return detachPipes();
      timedOut = true;
      stop('SIGTERM');
    });
  }
  const onAbort = (): void => {
    if (exit !== undefined) return detachPipes();
    if (req.signal?.reason === 'interrupt') {
      interrupted = true;
      stop('SIGINT');
    } else {
      stop('SIGTERM');
    }
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });

  child.once('exit', (code, signal) => {
    exit = { code, signal, at: monoNow() };
    child.stdin?.destroy();
    dump?.exited();
    if (pipesDone()) return tryFinish();
    armQuiet();
    armCap();
  });

  function tryFinish(): void {
    if (settled || exit === undefined || !pipesDone()) return;
    // A stopped command settles only once its whole group is gone, so the operator's next step never races
    // leftovers of this one. SIGKILL takes effect when the process is next scheduled, hence a short wait after
    // it too; zombies count as alive for kill(0), so that wait is bounded.
    if (stopping && child.pid !== undefined && isAlive(child.pid, group)) {
      if (killSentAt === undefined || monoNow() - killSentAt < KILL_SETTLE_MS) {
        later(25, tryFinish);
        return;
      }
    }
    finish({
      exitCode: exit.code,
      signal: exit.signal,
      durationMs: Math.round(exit.at - t0),
      timedOut,
      interrupted,
      ...(dump?.bytes() ? { sessionDump: dump.bytes() } : {}),
      ...((child as Launched).statusLost === true ? { statusLost: true } : {}),
    });
  }

  function finish(result: ExecResult): void {
    if (settled) return;
    settled = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    req.signal?.removeEventListener('abort', onAbort);
    untrack();
    resolve(result);
  }
}

/** The command through the launcher's slot, or undefined (slot given back) to spawn it directly. */
function tryLaunch(slot: Slot, argv: string[], req: ExecRequest, dump: boolean): Launched | undefined {
  if (!launchable(argv, req.env, req.cwd)) {
    slot.release();
    return undefined;
  }
  try {
    return slot.launch(argv, { cwd: req.cwd, env: req.env, dump });
  } catch {
    slot.release();
    return undefined;
  }
}

function isWritable(s: NodeJS.WritableStream): boolean {
  const w = s as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return w.destroyed !== true && w.writableEnded !== true;
}

async function checkCwd(cwd: string): Promise<string | undefined> {
  try {
    const st = await stat(cwd);
    return st.isDirectory() ? undefined : `working directory is not a directory: ${cwd}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `working directory does not exist: ${cwd}` : `working directory unusable: ${cwd} (${code ?? oneLine(err)})`;
  }
}

function spawnReason(shell: string, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `shell not found: ${shell}`;
  if (code === 'EACCES') return `shell is not executable: ${shell}`;
  if (code === 'E2BIG') return 'the command and its environment are over the system limit (a block or a value over 128 KiB)';
  if (code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test(err.message)) return 'the command or its environment holds a NUL byte';
  return `cannot start ${shell}: ${oneLine(err)}`;
}

function notStarted(t0: number, reason: string, interrupted: boolean): ExecResult {
  return {
    exitCode: null,
    signal: null,
    durationMs: Math.round(monoNow() - t0),
    timedOut: false,
    interrupted,
    spawnError: reason,
  };
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() ?? '';
}
