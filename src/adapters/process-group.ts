// Signalling a command's process group, and not leaving running groups behind when the runner exits.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { fdinfoFlags, statFields } from '../proc.js';

/**
 * Sends `signal` to the process group led by `pid` (`group`), or to the process alone. A group or process
 * that is already gone is not an error.
 */
export function signalProcess(pid: number, group: boolean, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    // ESRCH: nothing left to signal. EPERM: not ours to signal; either way there is nothing more to do.
    return false;
  }
}

/**
 * A file by its path, device and inode: what a process's open descriptor is compared with. The path as well:
 * once a file is removed and no longer open, ext4 gives its inode number to the next file made (another run's
 * FIFO, a log), so device and inode alone may name a stranger's file.
 */
export interface FileId {
  path: string;
  dev: bigint;
  ino: bigint;
}

/**
 * The session of a process that holds one of `files` open for writing (through /proc), or undefined
 * when none does or /proc cannot tell. A command leads its own session, and what it starts stays in it unless
 * it leaves: so a process holding a command's output pipe names the command by its session, even after the
 * command itself has ended. This process is never taken, nor any process of the sessions in `not` (the
 * launcher's own, which a child of it shares until it starts its own). Linux only; a scan of every process,
 * for the rare case that needs it.
 */
export function sessionHolding(files: FileId[], not: number[] = []): number | undefined {
  if (files.length === 0) return undefined;
  // Held for writing only, as a command holds its output (the launcher's own holds are read-write, the
  // runner's ends read-only, and so are their copies in a child not yet exec'd).
  const paths = new Set(files.flatMap((f) => [f.path, `${f.path} (deleted)`]));
  const held = (pid: string, fd: string): boolean => {
    try {
      if (!paths.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return false;
      const st = statSync(`/proc/${pid}/fd/${fd}`, { bigint: true });
      if (!files.some((f) => f.dev === st.dev && f.ino === st.ino)) return false;
      const flags = fdinfoFlags(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1'));
      return flags !== undefined && (flags & 3) === 1;
    } catch {
      return false;
    }
  };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    if (!fds.some((fd) => held(pid, fd))) continue;
    try {
      const session = Number(statFields(readFileSync(`/proc/${pid}/stat`, 'latin1'))[3]);
      if (Number.isInteger(session) && session > 0 && !not.includes(session)) return session;
    } catch {
      // gone meanwhile: look on
    }
  }
  return undefined;
}

/** Whether any process (zombies included) is left in the group, or the process is alive. */
export function isAlive(pid: number, group: boolean): boolean {
  return signalProcess(pid, group, 0);
}

// Commands still running, by leader pid -> whether it leads its own group. Only these are killed when the
// runner goes away: a command that finished normally may have started a background process on purpose.
const running = new Map<number, boolean>();
const HANGUP_SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM'];

/** Remembers a running command until the returned function is called; kills it if the runner exits first. */
export function trackRunning(pid: number, group: boolean): () => void {
  if (running.size === 0) installHooks();
  running.set(pid, group);
  return () => {
    if (running.delete(pid) && running.size === 0) removeHooks();
  };
}

function killRunning(): void {
  // SIGKILL: the runner is going away, nothing will wait out a grace or record what the command does next.
  for (const [pid, group] of running) signalProcess(pid, group, 'SIGKILL');
  running.clear();
}

function installHooks(): void {
  process.on('exit', killRunning);
  for (const sig of HANGUP_SIGNALS) process.on(sig, onSignal);
}

function removeHooks(): void {
  process.removeListener('exit', killRunning);
  for (const sig of HANGUP_SIGNALS) process.removeListener(sig, onSignal);
}

// A listener for a signal replaces Node's default (die). When ours is the only one, behave like the default
// after killing the running groups: remove the hooks and re-raise. When the runner has its own handler (Ctrl-C
// forwarding), it decides, and stops the command through the AbortSignal.
function onSignal(sig: NodeJS.Signals): void {
  if (process.listenerCount(sig) > 1) return;
  killRunning();
  removeHooks();
  process.kill(process.pid, sig);
}

/**
 * The runner's own stop signals: Ctrl-C to `onInt`, SIGTERM and SIGHUP (terminal closed) to `onTerm`, until the
 * returned function removes them. Installing them replaces Node's default (exit at once): the caller decides.
 */
export function onStopSignals(onInt: () => void, onTerm: () => void): () => void {
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onTerm);
  };
}
