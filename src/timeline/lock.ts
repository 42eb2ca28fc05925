// A cross-process lock file (`<timeline>.lock`, created O_EXCL, holding pid and host) with stale-lock recovery.
import { closeSync, constants as C, openSync, promises as fsp, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeSystemError } from '../errors.js';

/** A lock older than this is taken to be left by a crashed process on another host (or a reused pid). */
export const STALE_LOCK_MS = 10_000;
/** How long to wait for a lock before giving up. */
const WAIT_LIMIT_MS = STALE_LOCK_MS + 5_000;

export const lockPathOf = (timeline: string): string => `${timeline}.lock`;
export const ownerPathOf = (timeline: string): string => `${timeline}.owner`;

export interface LockHolder {
  pid: number;
  host: string;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
  ) {
    super(`timed out waiting for the lock ${lockPath} (held by ${holder || 'an unknown process'})`);
    this.name = 'LockTimeoutError';
  }
}

export function parseHolder(text: string): LockHolder | null {
  const [pidText, host] = text.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !host) return null;
  return { pid, host };
}

/** Whether a process with this pid exists on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a holder read from a lock or owner file is certainly gone. */
function holderDead(h: LockHolder | null): boolean {
  return h !== null && h.host === hostname() && !pidAlive(h.pid);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Take the lock, run fn, release. Errors from the file system (other than contention) are thrown as they are. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const mine = await acquire(lockPath);
  // A holder stuck in a slow fsync is alive: keep the lock fresh so nobody takes it for a stale one.
  const keepFresh = setInterval(() => {
    const now = new Date();
    fsp.utimes(lockPath, now, now).catch(() => undefined);
  }, STALE_LOCK_MS / 4);
  keepFresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(keepFresh);
    // Only remove the lock if it is still ours (another process may have judged it stale meanwhile).
    let text: string | null = null;
    try {
      text = readFileSync(lockPath, 'utf8');
      if (text === mine) unlinkSync(lockPath);
    } catch {
      // gone already
    }
  }
}

async function acquire(lockPath: string): Promise<string> {
  // The random part tells our lock from a later one of the same process.
  const me = `${process.pid}\n${hostname()}\n${Math.random().toString(36).slice(2)}\n`;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let delay = 1;
  let lastHolder = '';
  for (;;) {
    try {
      // Synchronous: a few quick syscalls, without a thread-pool round trip each while others wait for the lock.
      const fd = openSync(lockPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
      try {
        writeSync(fd, me);
      } catch (err) {
        closeSync(fd);
        rmSync(lockPath, { force: true });
        throw err;
      }
      closeSync(fd);
      return me;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot take the lock ${lockPath}: ${describeSystemError(err).replace(/, [a-z]+$/, '')}`);
      }
    }
    const seen = await readLock(lockPath);
    if (seen) {
      lastHolder = seen.text.replace(/\n/g, ' ').trim();
      if (holderDead(parseHolder(seen.text)) || Date.now() - seen.mtimeMs > STALE_LOCK_MS) {
        await breakStale(lockPath, seen.text);
        continue;
      }
    } else {
      continue; // released between our open and our read: try again at once
    }
    if (Date.now() > deadline) throw new LockTimeoutError(lockPath, lastHolder);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

async function readLock(lockPath: string): Promise<{ text: string; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([fsp.readFile(lockPath, 'utf8'), fsp.stat(lockPath)]);
    return { text, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
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
    const text = await fsp.readFile(aside, 'utf8');
    if (text !== staleText) await fsp.link(aside, lockPath).catch(() => undefined);
  } finally {
    await fsp.unlink(aside).catch(() => undefined);
  }
}

/** Write the owner sidecar (`<timeline>.owner`): this process is the live runner of the timeline. */
export async function writeOwner(ownerPath: string): Promise<void> {
  await fsp.writeFile(ownerPath, `${process.pid}\n${hostname()}\n`, { mode: 0o600 });
}

/** Whether the owner sidecar names a live process on this host. */
export async function ownerAlive(ownerPath: string): Promise<boolean> {
  let text: string;
  try {
    text = await fsp.readFile(ownerPath, 'utf8');
  } catch {
    return false;
  }
  const h = parseHolder(text);
  return h !== null && h.host === hostname() && pidAlive(h.pid);
}
