// The revert journal: what a running game must undo, written and synced BEFORE its fault is injected, so that
// `gameday --cleanup` (and any next `gameday`) reverts what a crashed game left. One JSON file per game in a
// runtime folder of this user's ($XDG_RUNTIME_DIR/runbook/gameday, else /tmp/runbook-<uid>/gameday).
import { constants as C, promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import { holderState } from '../timeline/lock.js';
import type { RemoteHost } from './where.js';

export interface JournalEntry {
  /** The game's id: its timeline's name. */
  game: string;
  scenario: { id: string; path: string };
  /** The revert blocks as they were when the fault was injected (the scenario file may change since). */
  revert: { text: string; shell: string; timeoutMs: number }[];
  /** The environment every scenario command got (GAMEDAY_DIR, GAMEDAY_NETNS, …). */
  env: Record<string, string>;
  cwd: string;
  /** The game's work folder: removed once reverted. */
  dir: string;
  timeline: string;
  /** The gameday process: its entry is not touched while it lives. */
  pid: number;
  host: string;
  start: string | null;
  startedAt: string;
  /** Reverts tried and failed so far (by the game or a cleanup). */
  failedReverts: number;
  /**
   * A fleet scenario's hosts (how to reach each, and its GAMEDAY_* values): the revert runs there, over ssh.
   * Its `revert[].shell` is then the block's own shell, or '' for the host's default.
   */
  hosts?: RemoteHost[];
  /** The ssh_config the game used (ssh -F), for the cleanup's connections. */
  sshConfig?: string;
  /** The game's ssh control directory: a cleanup ends the master connections a crashed game left there. */
  sshControlDir?: string;
}

/** The runtime folder for journals and game work folders. */
export function runtimeDir(env: NodeJS.ProcessEnv): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return env.RUNBOOK_GAMEDAY_RUNTIME || (env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'runbook', 'gameday') : join('/tmp', `runbook-${uid}`, 'gameday'));
}

/** Make the folder, private; refuse one that is a symbolic link or belongs to someone else (a trap in /tmp). */
export async function ensureRuntimeDir(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await fsp.lstat(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    if (!st.isDirectory() || st.uid !== uid) throw new UserError(`${dir} is not a folder of yours: remove it (game day keeps its revert journal there)`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot make the game-day folder ${dir}: ${describeSystemError(err)}`);
  }
}

const entryPath = (dir: string, game: string): string => join(dir, `${game}.json`);

/** Write (or rewrite) an entry durably: a temporary file synced, renamed into place, the folder synced. */
export async function writeEntry(dir: string, e: JournalEntry): Promise<void> {
  const final = entryPath(dir, e.game);
  const tmp = `${final}.${process.pid}.tmp`;
  try {
    const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_TRUNC | C.O_NOFOLLOW, 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(e, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, final);
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw new UserError(`cannot write the revert journal ${final}: ${describeSystemError(err)} (nothing was injected)`);
  }
}

export async function removeEntry(dir: string, game: string): Promise<void> {
  await fsp.unlink(entryPath(dir, game)).catch(() => undefined);
}

export interface ReadEntries {
  entries: JournalEntry[];
  problems: string[];
}

export async function readEntries(dir: string): Promise<ReadEntries> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return { entries: [], problems: [] };
  }
  const entries: JournalEntry[] = [];
  const problems: string[] = [];
  for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
    try {
      const e = JSON.parse(await fsp.readFile(join(dir, n), 'utf8')) as JournalEntry;
      if (typeof e.game !== 'string' || !Array.isArray(e.revert) || typeof e.pid !== 'number') throw new Error('not a journal entry');
      entries.push(e);
    } catch (err) {
      problems.push(`${join(dir, n)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { entries, problems };
}

/** Whether the game that wrote the entry is still running (then its revert is its own to do). */
export function gameAlive(e: JournalEntry): boolean {
  if (e.pid === process.pid && e.host === hostname()) return true;
  const state = holderState({ pid: e.pid, host: e.host, start: e.start });
  return state === 'alive' || state === 'stopped' || state === 'foreign';
}
