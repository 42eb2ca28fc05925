// The per-host registry of live runs: one small JSON file per running `run`, so `note`, `mark`, `status` and
// `replay --follow` find a run from any directory (and, on a shared bastion, from another user's shell).
// docs/team.md has the folders and the rules.
import { constants as C, promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { holderState, parseHolder } from './lock.js';
import { statFields } from '../proc.js';

/** One live run, as its runner registered it. */
export interface LiveEntry {
  pid: number;
  /** The process's start time (/proc/<pid>/stat field 22), so a reused pid is not taken for the runner. */
  start: string | null;
  host: string;
  /** Absolute path of the timeline the run writes. */
  timeline: string;
  incident: string;
  runbook: string;
  actor: string;
  /** ISO time the runner registered. */
  registered: string;
}

/** The default shared folder for `RUNBOOK_SHARED=1`. */
export const SHARED_LIVE_DIR = '/run/runbook/live';

/** $XDG_RUNTIME_DIR/runbook/live, else /tmp/runbook-$UID/live: this user's own runs. */
export function privateLiveDir(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && runtime.startsWith('/') ? join(runtime, 'runbook', 'live') : join('/tmp', `runbook-${uid()}`, 'live');
}

/** The team's folder: RUNBOOK_SHARED=1 → /run/runbook/live; an absolute path → that folder; unset → null. */
export function sharedLiveDir(env: NodeJS.ProcessEnv): string | null {
  const v = env.RUNBOOK_SHARED;
  if (!v || v === '0') return null;
  return v.startsWith('/') ? v : SHARED_LIVE_DIR;
}

const uid = (): number => process.getuid?.() ?? 0;

/** A registry folder we will not use: a symbolic link, or another user's folder where ours should be. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * Make (0700) or check this user's folder and the one above it that we own (`runbook` or `runbook-$UID`):
 * a symbolic link or a folder owned by someone else is refused, never followed or written into.
 */
async function ensurePrivate(dir: string): Promise<void> {
  const parent = join(dir, '..');
  await fsp.mkdir(join(parent, '..'), { recursive: true, mode: 0o700 }); // $XDG_RUNTIME_DIR, when not there yet
  for (const d of [parent, dir]) {
    await fsp.mkdir(d, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const st = await fsp.lstat(d);
    if (st.isSymbolicLink()) throw new RegistryError(`${d} is a symbolic link, not a folder runbook made: remove it`);
    if (!st.isDirectory()) throw new RegistryError(`${d} is not a folder: remove it`);
    if (st.uid !== uid()) throw new RegistryError(`${d} belongs to another user (uid ${st.uid}): remove it, or set XDG_RUNTIME_DIR`);
    if ((st.mode & 0o077) !== 0) await fsp.chmod(d, 0o700);
  }
}

/**
 * Make or check the shared folder. An administrator makes it for the team (docs/team.md); made here, it is
 * 2770 (the group reads it, new entries keep the folder's group) under a 0755 parent. A symbolic link is refused.
 */
async function ensureShared(dir: string): Promise<void> {
  await fsp.mkdir(join(dir, '..'), { recursive: true, mode: 0o755 });
  const made = await fsp.mkdir(dir, { mode: 0o2770 }).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      return false;
    },
  );
  const st = await fsp.lstat(dir);
  if (st.isSymbolicLink()) throw new RegistryError(`${dir} is a symbolic link, not a folder runbook made: remove it`);
  if (!st.isDirectory()) throw new RegistryError(`${dir} is not a folder: remove it`);
  if (made) await fsp.chmod(dir, 0o2770); // the umask would take the group's write and the setgid bit away
}

/** This process's start time, as lock.ts writes it (parsed back through the same holder format). */
async function ownStart(): Promise<string | null> {
  try {
    const text = await fsp.readFile(`/proc/${process.pid}/stat`, 'utf8');
    return statFields(text)[19] ?? null;
  } catch {
    return null;
  }
}

export interface Registration {
  /** Where the entry was written (one or two files). */
  paths: string[];
  /** Folders that could not be written, each as one line to show the operator. */
  problems: string[];
  remove(): Promise<void>;
}

/** Register this process as the runner of `timeline` (private folder, and the shared one when asked for). */
export async function registerLive(env: NodeJS.ProcessEnv, e: Omit<LiveEntry, 'pid' | 'start' | 'host' | 'registered'>): Promise<Registration> {
  const entry: LiveEntry = { pid: process.pid, start: await ownStart(), host: hostname(), ...e, registered: new Date().toISOString() };
  const name = `${process.pid}-${Math.random().toString(36).slice(2, 10)}.json`;
  const paths: string[] = [];
  const problems: string[] = [];
  const targets: [string, () => Promise<void>, number][] = [[privateLiveDir(env), () => ensurePrivate(privateLiveDir(env)), 0o600]];
  const shared = sharedLiveDir(env);
  if (shared) targets.push([shared, () => ensureShared(shared), 0o640]);
  for (const [dir, ensure, mode] of targets) {
    try {
      await ensure();
      const path = join(dir, name);
      const tmp = join(dir, `.${name}.tmp`);
      // Written aside and renamed, so a reader never sees half an entry; O_EXCL|O_NOFOLLOW never writes through a planted link.
      const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode);
      try {
        await fh.writeFile(`${JSON.stringify(entry)}\n`);
        await fh.chmod(mode); // the umask must not take the group's (or the team's) read permission away
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, path);
      paths.push(path);
    } catch (err) {
      problems.push(`cannot register the run in ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    paths,
    problems,
    remove: async () => {
      await Promise.all(paths.map((p) => fsp.unlink(p).catch(() => undefined)));
    },
  };
}

function parseEntry(text: string): LiveEntry | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const r = o as Record<string, unknown>;
  const str = (k: string): string | null => (typeof r[k] === 'string' ? (r[k] as string) : null);
  const timeline = str('timeline');
  const host = str('host');
  if (!Number.isInteger(r.pid) || timeline === null || !timeline.startsWith('/') || host === null) return null;
  return {
    pid: r.pid as number,
    start: str('start'),
    host,
    timeline,
    incident: str('incident') ?? '',
    runbook: str('runbook') ?? '',
    actor: str('actor') ?? '',
    registered: str('registered') ?? '',
  };
}

/** Whether dir and the folder above it are folders (not links) of this user. */
async function ownedByMe(dir: string): Promise<boolean> {
  for (const d of [dir, join(dir, '..')]) {
    const st = await fsp.lstat(d).catch(() => null);
    if (!st || !st.isDirectory() || st.uid !== uid()) return false;
  }
  return true;
}

/** Whether the registered process is this host's live runner (a reused pid has another start time). */
export function entryAlive(e: LiveEntry): boolean | 'foreign' {
  const holder = parseHolder(`${e.pid}\n${e.host}\n${e.start ?? ''}`);
  if (!holder) return false;
  const state = holderState(holder);
  return state === 'foreign' ? 'foreign' : state !== 'gone';
}

/**
 * The live runs of this host, newest first, one per timeline: from this user's folder and the shared one
 * (RUNBOOK_SHARED's, else /run/runbook/live when it exists). Stale entries (the runner is gone, or its pid
 * now belongs to another process) are skipped and removed where we may; entries of other hosts are skipped.
 */
export async function listLive(env: NodeJS.ProcessEnv): Promise<LiveEntry[]> {
  const mine = privateLiveDir(env);
  const dirs = [mine, sharedLiveDir(env) ?? SHARED_LIVE_DIR];
  const found = new Map<string, LiveEntry>();
  for (const dir of dirs) {
    const st = await fsp.lstat(dir).catch(() => null);
    if (!st || !st.isDirectory()) continue; // missing, or a symbolic link: never followed
    // Our own folder must be ours all the way: another user's /tmp/runbook-$UID could point us at any file.
    if (dir === mine && !(await ownedByMe(dir))) continue;
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const path = join(dir, name);
      let text: string;
      let owner: number;
      try {
        const fh = await fsp.open(path, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
        try {
          owner = (await fh.stat()).uid;
          text = await fh.readFile('utf8');
        } finally {
          await fh.close();
        }
      } catch {
        continue; // gone meanwhile, or not ours to read
      }
      const e = parseEntry(text);
      const alive = e ? entryAlive(e) : false;
      if (alive === 'foreign') continue;
      if (!e || !alive) {
        await fsp.unlink(path).catch(() => undefined); // stale: cleaned (in a shared folder, only ours can be)
        continue;
      }
      // An entry is written by its runner: one whose file belongs to someone else than the process is not believed.
      const runner = await fsp.stat(`/proc/${e.pid}`).then((s) => s.uid, () => owner);
      if (runner !== owner) continue;
      if (!found.has(e.timeline)) found.set(e.timeline, e);
    }
  }
  return [...found.values()].sort((a, b) => (a.registered < b.registered ? 1 : a.registered > b.registered ? -1 : 0));
}
