// sessionHolding (src/adapters/process-group.ts): how the runner finds a command the launcher died without
// naming, by the output FIFOs it holds. It must never name a process that is not that command.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionHolding, type FileId } from '../../../src/adapters/process-group.js';
import { until } from '../../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'process-group-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.pid !== undefined) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
});

/** A process in a session of its own (its pid) holding `path` on its fd 0 as `redirect` opens it (`>`, `<>`, `<`). */
async function holder(path: string, redirect: '>' | '<>' | '<'): Promise<number> {
  const child = spawn('/bin/sh', ['-c', `exec sleep 30 0${redirect}'${path}'`], { detached: true, stdio: 'ignore' });
  children.push(child);
  const pid = child.pid as number;
  await until(() => { try { return readlinkSync(`/proc/${pid}/fd/0`).startsWith(path); } catch { return false; } }, 5000, `${pid} holds ${path}`);
  return pid;
}
const idOf = (path: string): FileId => {
  const { dev, ino } = statSync(path, { bigint: true });
  return { path, dev, ino };
};

describe('sessionHolding', () => {
  it('names the session of a process holding the file for writing, also once the file is removed', async () => {
    const path = join(dir, 'out');
    writeFileSync(path, '');
    const id = idOf(path);
    const pid = await holder(path, '>');
    expect(sessionHolding([id])).toBe(pid);
    rmSync(path);
    expect(sessionHolding([id])).toBe(pid);
    // Not a session it is told to pass over (the launcher's own).
    expect(sessionHolding([id], [pid])).toBeUndefined();
  });

  it('never a process holding it for reading, or for reading and writing, as the runner and the launcher do', async () => {
    for (const redirect of ['<', '<>'] as const) {
      const path = join(dir, `held-${redirect.length}`);
      writeFileSync(path, '');
      await holder(path, redirect);
      expect(sessionHolding([idOf(path)]), redirect).toBeUndefined();
    }
  });

  it("never the holder of another file that was given a removed file's inode (ext4 hands inode numbers out again at once)", async () => {
    // The FIFO recorded at launch is gone; a stranger's file now has its device and inode. Made here by naming the
    // stranger's inode under the removed file's path, which is what the runner then holds.
    const stranger = join(dir, 'stranger');
    writeFileSync(stranger, '');
    const pid = await holder(stranger, '>');
    const { dev, ino } = statSync(stranger, { bigint: true });
    expect(sessionHolding([{ path: join(dir, 'runbook-launch-gone', '1.1'), dev, ino }])).toBeUndefined();
    expect(sessionHolding([{ path: stranger, dev, ino }])).toBe(pid);
    expect(readdirSync(dir)).toContain('stranger');
  });
});
