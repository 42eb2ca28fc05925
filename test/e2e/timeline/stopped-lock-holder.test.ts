// A lock holder stopped with SIGSTOP (or Ctrl-Z) is alive: it keeps its lock however long it is stopped.
// Another appender waits, says who it waits for, and once the holder continues both events are recorded
// with distinct, gap-free seq.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cliEnv, readEvents, spawnCli, workDir } from '../../helpers/run-cli.js';
import { FIXTURES } from './cli.js';

afterEach(() => cleanup());

const until = async (what: string, ok: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const stateOf = (pid: number): string => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
};

describe('a stopped lock holder', () => {
  it('keeps its lock: the other appender waits, names it, and after SIGCONT both events have distinct gap-free seq', async () => {
    const w = workDir();
    const path = join(w.dir, 't.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify({
        v: 1, seq: 0, ts: new Date().toISOString(), mono_ms: 0, type: 'run.started', incident: 'x',
        runbook: { id: 'x', title: 'X', path: 'x.md', sha256: '0', source: '## S\n' }, mode: 'live', actor: 'a', host: 'h', cwd: '/', cli_version: '0',
      })}\n`,
    );
    const holder = spawn(process.execPath, [join(FIXTURES, 'hold-lock.mjs'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    holder.stdout.on('data', (d: Buffer) => (said += d.toString()));
    const holderDone = new Promise<number | null>((r) => holder.on('close', (code) => r(code)));
    try {
      const pid = holder.pid as number;
      await until('the holder holds the lock and is stopped', () => said.includes('holding') && stateOf(pid) === 'T');

      const waiter = spawnCli(['note', '--timeline', path, 'from the waiter'], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 60_000 });
      await until('the waiter says whom it waits for', () => /waiting for the lock/.test(waiter.stderr()));
      const message = waiter.stderr();
      expect(message).toContain(`held by pid ${pid} (`);
      expect(message).toContain('hold-lock.mjs');
      expect(message).toMatch(/stopped/);
      // Well past the message, the waiter still waits: nothing was written behind the holder's back.
      await new Promise((r) => setTimeout(r, 500));
      expect(waiter.child.exitCode).toBeNull();
      expect(readEvents(path)).toHaveLength(1);

      process.kill(pid, 'SIGCONT');
      expect((await waiter.done).code).toBe(0);
      expect(await holderDone).toBe(0);
      const events = readEvents(path);
      expect(events.map((e) => e.seq)).toEqual([0, 1, 2]);
      expect(events.filter((e) => e.type === 'note').map((e) => e.text).sort()).toEqual(['from the holder', 'from the waiter']);
    } finally {
      if (holder.exitCode === null) {
        holder.kill('SIGKILL');
        holder.kill('SIGCONT');
      }
    }
  }, 30_000);
});
