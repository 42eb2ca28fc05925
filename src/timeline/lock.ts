// A cross-process lock file (`<timeline>.lock`, created O_EXCL, holding pid, host and process start time).
// A lock is stale only when its holder is gone; a live holder, however long it takes (stopped with Ctrl-Z,
// stuck on a slow disk), keeps it. docs/timeline-format.md#locking has the rules.
import { closeSync, constants as C, existsSync, openSync, promises as fsp, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeSystemError } from '../errors.js';
import { statFields } from '../proc.js';

/** A lock file that names no holder (garbage, or a crash between create and write) is stale after this long. */
export const UNREADABLE_LOCK_MS = 10_000;
/** After this long waiting, say who holds the lock. */
export const WAIT_MESSAGE_MS = 2_000;
/** A holder on another host cannot be checked from here: wait this long for it, then give up (never take over). */
export const FOREIGN_WAIT_LIMIT_MS = 60_000;

export const lockPathOf = (timeline: string): string => `${timeline}.lock`;
export const ownerPathOf = (timeline: string): string => `${timeline}.owner`;
/** A waiter's request to a runner holding the lock across appends (a lease) to let go: `<timeline>.lock.want`. */
export const wantPathOf = (lockPath: string): string => `${lockPath}.want`;

export interface LockHolder {
  pid: number;
  host: string;
  /** The process's start time (/proc/<pid>/stat field 22), so a reused pid is not taken for the holder. */
  start: string | null;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
  ) {
    super(`timed out waiting for the lock ${lockPath} (held by ${holder}); if that process is gone, remove the lock file`);
    this.name = 'LockTimeoutError';
  }
}

/** A lock or owner file we will not use: a symbolic link, a directory, another user's trap. */
export class LockFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockFileError';
  }
}

export function parseHolder(text: string): LockHolder | null {
  const [pidText, host, start] = text.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !host) return null;
  return { pid, host, start: start && /^\d+$/.test(start) ? start : null };
}

interface ProcStat {
  /** R, S, D, T (stopped), Z (zombie), … */
  state: string;
  start: string;
}

/** /proc/<pid>/stat's state and start time; null when there is no such process; undefined without /proc. */
function procStat(pid: number): ProcStat | null | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return procAvailable() ? null : undefined;
    return undefined;
  }
  const fields = statFields(text);
  const state = fields[0];
  const start = fields[19]; // field 22 of the whole line
  return state && start ? { state, start } : undefined;
}

let procOk: boolean | undefined;
function procAvailable(): boolean {
  if (procOk === undefined) procOk = procStat(process.pid) !== undefined;
  return procOk;
}

let myStart: string | null | undefined;
/** This process's start time, as written into lock and owner files and the game-day journal (holderState reads it back). */
export function ownStart(): string | null {
  if (myStart === undefined) myStart = procStat(process.pid)?.start ?? null;
  return myStart;
}

/** Whether a process with this pid exists on this machine (pid only). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type HolderState = 'alive' | 'stopped' | 'gone' | 'foreign';

/** What is known of a holder: gone (dead, a zombie, or its pid now belongs to another process) or not. */
export function holderState(h: LockHolder): HolderState {
  if (h.host !== hostname()) return 'foreign';
  const st = procStat(h.pid);
  if (st === undefined) return pidAlive(h.pid) ? 'alive' : 'gone'; // no /proc: the pid is all we can check
  if (st === null || st.state === 'Z' || st.state === 'X') return 'gone';
  if (h.start !== null && st.start !== h.start) return 'gone'; // the pid was reused
  return st.state === 'T' || st.state === 't' ? 'stopped' : 'alive';
}

/** "pid 1234 (runbook note hi) on this host": for the wait message. */
function describeHolder(h: LockHolder | null, state: HolderState | null): string {
  if (!h) return 'an unknown process';
  if (state === 'foreign') return `pid ${h.pid} on host ${visible(h.host)}`;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${h.pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    // no /proc, or it just ended
  }
  if (cmd.length > 120) cmd = `${cmd.slice(0, 117)}...`;
  return `pid ${h.pid}${cmd ? ` (${visible(cmd)})` : ''} on this host${state === 'stopped' ? ', which is stopped (Ctrl-Z or SIGSTOP): resume it with fg or kill -CONT' : ''}`;
}

/** Control characters from a file or another process's command line, shown instead of sent to the terminal. */
const visible = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LockOptions {
  /** Told (once, after WAIT_MESSAGE_MS) who holds the lock we are waiting for. */
  onWait?: (message: string) => void;
}

/** Take the lock, run fn, release. Errors from the file system (other than contention) are thrown as they are. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const mine = await acquireLock(lockPath, opts);
  try {
    return await fn();
  } finally {
    releaseLock(lockPath, mine);
  }
}

/** Release a lock taken with acquireLock (`mine` is what it returned). */
export function releaseLock(lockPath: string, mine: string): void {
  // Only remove the lock if it is still ours (never expected otherwise: a live holder is never taken over).
  try {
    const text = readNoFollow(lockPath);
    if (text === mine) unlinkSync(lockPath);
  } catch {
    // gone already
  }
}

/** Whether another process waits for the lock and has asked its holder to let go. */
export function lockWanted(lockPath: string): boolean {
  return existsSync(wantPathOf(lockPath));
}

/** Ask a runner that keeps the lock across appends to release it (best effort: it also lets go when idle). */
function askForLock(lockPath: string): void {
  try {
    closeSync(openSync(wantPathOf(lockPath), C.O_WRONLY | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK, 0o600));
  } catch {
    // a read-only folder, a planted link: the holder still lets go when idle
  }
}

/** A file's text, refusing to follow a symbolic link; null when it does not exist. */
function readNoFollow(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new LockFileError(`${path} is a symbolic link, not a lock or owner file runbook made: remove it`);
    throw err;
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Take the lock (waiting for a live holder as long as it lives); returns the token releaseLock needs. */
export async function acquireLock(lockPath: string, opts: LockOptions = {}): Promise<string> {
  // The random part tells our lock from a later one of the same process.
  const me = `${process.pid}\n${hostname()}\n${ownStart() ?? ''}\n${Math.random().toString(36).slice(2)}\n`;
  const began = Date.now();
  let told = false;
  let asked = false;
  let delay = 1;
  // Someone waits and has asked: let them go first. The lock is not fair otherwise: a busy appender takes it
  // again the moment it lets go, before a waiter's next look (up to 50 ms away), and could starve it.
  if (lockWanted(lockPath)) await sleep(20);
  for (;;) {
    try {
      // Synchronous: a few quick syscalls, without a thread-pool round trip each while others wait for the lock.
      // O_EXCL also refuses a planted symbolic link (even one to a missing file); O_NOFOLLOW says so twice.
      // Readable by all (it holds a pid, a host name and a start time): on a shared bastion a teammate's
      // `note` must read who holds the lock to wait for it; a lock it cannot read would fail its append.
      const fd = openSync(lockPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
      try {
        writeSync(fd, me);
      } catch (err) {
        closeSync(fd);
        rmSync(lockPath, { force: true });
        throw err;
      }
      closeSync(fd);
      if (asked) rmSync(wantPathOf(lockPath), { force: true }); // other waiters ask again on their next look
      return me;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LockFileError(`cannot take the lock ${lockPath}: ${describeSystemError(err).replace(/, [a-z]+$/, '')}`);
      }
    }
    const seen = await readLock(lockPath);
    if (!seen) continue; // released between our open and our read: try again at once
    const holder = parseHolder(seen.text);
    const state = holder ? holderState(holder) : null;
    if (state === 'gone' || (holder === null && Date.now() - seen.mtimeMs > UNREADABLE_LOCK_MS)) {
      await breakStale(lockPath, seen.text);
      continue;
    }
    if (!lockWanted(lockPath)) {
      askForLock(lockPath);
      asked = true;
    }
    const waited = Date.now() - began;
    if (!told && waited >= WAIT_MESSAGE_MS) {
      told = true;
      opts.onWait?.(`waiting for the lock ${lockPath}: held by ${describeHolder(holder, state)}`);
    }
    if (state === 'foreign' && waited > FOREIGN_WAIT_LIMIT_MS) throw new LockTimeoutError(lockPath, describeHolder(holder, state));
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

async function readLock(lockPath: string): Promise<{ text: string; mtimeMs: number } | null> {
  const st = await fsp.lstat(lockPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!st) return null;
  if (st.isSymbolicLink()) throw new LockFileError(`${lockPath} is a symbolic link, not a lock runbook made: remove it`);
  if (!st.isFile()) throw new LockFileError(`${lockPath} is not a regular file, so it is not a lock runbook made: remove it`);
  const text = readNoFollow(lockPath);
  return text === null ? null : { text, mtimeMs: st.mtimeMs };
}

/**
 * Remove a stale lock without removing a fresh one another process has just taken: move it aside under a
 * unique name, check it is the one we judged stale, and put it back (link, which never overwrites) if not.
 */
async function breakStale(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await fsp.rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const text = readNoFollow(aside);
    if (text !== staleText) await fsp.link(aside, lockPath).catch(() => undefined);
  } finally {
    await fsp.unlink(aside).catch(() => undefined);
  }
}

/**
 * Write the owner sidecar (`<timeline>.owner`): this process is the live runner of the timeline. Created anew
 * (O_EXCL, O_NOFOLLOW), so a symbolic link planted in a shared folder is never written through.
 */
export async function writeOwner(ownerPath: string): Promise<void> {
  const text = `${process.pid}\n${hostname()}\n${ownStart() ?? ''}\n`;
  for (let attempt = 0; ; attempt++) {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(ownerPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) {
        throw new LockFileError(`cannot write ${ownerPath}: ${describeSystemError(err).replace(/, [a-z]+$/, '')}`);
      }
      // A sidecar left by a crash is replaced; anything else there was not made by runbook: refuse, touch nothing.
      const st = await fsp.lstat(ownerPath).catch(() => null);
      if (st?.isSymbolicLink()) throw new LockFileError(`${ownerPath} is a symbolic link, not an owner file runbook made: remove it`);
      if (st && !st.isFile()) throw new LockFileError(`${ownerPath} is not a regular file, so not an owner file runbook made: remove it`);
      await fsp.unlink(ownerPath).catch(() => undefined);
      continue;
    }
    try {
      await fh.write(text);
    } finally {
      await fh.close();
    }
    return;
  }
}

/** Whether the owner sidecar names a live process on this host (a stopped one counts as live). */
export async function ownerAlive(ownerPath: string): Promise<boolean> {
  let text: string | null;
  try {
    text = readNoFollow(ownerPath);
  } catch {
    return false;
  }
  const h = text === null ? null : parseHolder(text);
  if (h === null) return false;
  const state = holderState(h);
  return state === 'alive' || state === 'stopped';
}
