// Revert what crashed games left: each journal entry whose game is no longer running. Used by
// `gameday --cleanup` and at the start of every game.
import { promises as fsp, readFileSync } from 'node:fs';
import { systemClock } from '../adapters/clock.js';
import type { Executor } from '../runner/ports.js';
import { createRedactor } from '../timeline/redact.js';
import { openTimeline } from '../timeline/writer.js';
import { controlArgs, createSshTransport, sshBaseArgs } from '../fleet/ssh.js';
import { gameAlive, readEntries, removeEntry, writeEntry, type JournalEntry } from './journal.js';
import { failedHow, hostsPlace, localPlace, resultOk } from './where.js';

export interface CleanupResult {
  reverted: JournalEntry[];
  failed: JournalEntry[];
  /** Entries of games still running: left alone. */
  running: JournalEntry[];
  problems: string[];
}

export async function revertLeftovers(dir: string, executor: Executor, say: (line: string, tone?: 'info' | 'warn' | 'error') => void, sshExecutor: Executor = executor): Promise<CleanupResult> {
  const { entries, problems } = await readEntries(dir);
  const result: CleanupResult = { reverted: [], failed: [], running: [], problems };
  for (const e of entries) {
    if (gameAlive(e)) {
      result.running.push(e);
      continue;
    }
    say(`reverting what game ${e.game} (scenario ${e.scenario.id}, pid ${e.pid}) left${e.hosts?.length ? ` on ${e.hosts.map((h) => h.target.name).join(', ')}` : ''}`);
    // Where the game ran its blocks: here, or its fleet hosts over ssh (the journal says how to reach them).
    const place = e.hosts?.length
      ? hostsPlace(createSshTransport(sshExecutor, e.sshConfig !== undefined ? { configFile: e.sshConfig } : {}), e.hosts)
      : localPlace(executor, { cwd: e.cwd, env: e.env, shell: e.revert[0]?.shell ?? 'sh' });
    let ok = true;
    try {
      for (const r of e.revert) {
        const rs = await place.run({ script: r.text, ...(r.shell ? { shell: r.shell } : {}), timeoutMs: r.timeoutMs }, () => undefined);
        if (!rs.every((x) => resultOk(x.result))) {
          ok = false;
          say(`the revert failed: ${failedHow(rs)}`, 'error');
        }
      }
      if (ok && !(await place.finish())) say("a host's game folder could not be removed (something is still mounted in it?)", 'warn');
    } finally {
      await place.close();
      await endMasters(sshExecutor, e);
    }
    if (ok) {
      await removeEntry(dir, e.game);
      await removeWorkDir(e.dir);
      await noteInTimeline(e.timeline, 'the fault of this game was reverted by gameday --cleanup (the game had ended without reverting)');
      result.reverted.push(e);
    } else {
      e.failedReverts++;
      await writeEntry(dir, e);
      result.failed.push(e);
    }
  }
  return result;
}

/** The ssh master connections a crashed fleet game left (ControlPersist would keep them a while): ended, their folder removed. */
async function endMasters(executor: Executor, e: JournalEntry): Promise<void> {
  const dir = e.sshControlDir;
  if (dir === undefined || e.hosts === undefined || !/\/rb-ssh-[^/]+$/.test(dir)) return;
  await Promise.all(
    e.hosts.map((h) =>
      executor.run(
        { script: '', shell: 'ssh', argv: ['ssh', ...controlArgs(sshBaseArgs(h.target, { controlDir: dir, ...(e.sshConfig !== undefined ? { configFile: e.sshConfig } : {}) }), 'exit')], cwd: '/', env: process.env as Record<string, string>, timeoutMs: 5000, interactive: false },
        () => undefined,
      ),
    ),
  ).catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Remove a game's work folder, unless something is still mounted in it (never delete through a mount). */
export async function removeWorkDir(dir: string): Promise<boolean> {
  if (dir === '' || dir === '/') return false;
  let mounts = '';
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    // no /proc: remove only an empty folder
    return fsp.rmdir(dir).then(() => true, () => false);
  }
  const inside = mounts.split('\n').some((l) => {
    const point = (l.split(' ')[4] ?? '').replace(/\\040/g, ' ');
    return point === dir || point.startsWith(`${dir}/`);
  });
  if (inside) return false;
  await fsp.rm(dir, { recursive: true, force: true });
  return true;
}

async function noteInTimeline(path: string, text: string): Promise<void> {
  try {
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor({}), create: false });
    try {
      await w.append({ type: 'note', text, actor: 'gameday' });
    } finally {
      await w.close();
    }
  } catch {
    // the game's timeline is gone or unwritable: the revert is what matters
  }
}
