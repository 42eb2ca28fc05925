// Stopping commands: timeouts and aborts reach the whole process group; background processes do not hang us.
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { capture, groupMembers, isRunning, killGroupQuietly, request, sleep, startingWays } from './helpers.js';

const GRACE = 1000;
// Generous: a loaded 2-core CI machine may be slow to schedule, but nothing here may wait 30 s.
const SLACK = 5000;

const leftovers: number[] = [];
// Once at the end: the tests run side by side (each mostly waits on a timeout or a grace period).
afterAll(() => {
  for (const pgid of leftovers.splice(0)) killGroupQuietly(pgid);
});

/** The script's first output line is its shell's pid, which is its process group id. */
async function groupOf(out: ReturnType<typeof capture>): Promise<number> {
  await out.waitFor('stdout', '\n');
  const pgid = Number(out.text('stdout').split('\n')[0]);
  leftovers.push(pgid);
  return pgid;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(50);
  expect(condition()).toBe(true);
}

describe.each(startingWays({ graceMs: GRACE }))('$way', ({ way, executor, make, launched }) => {
  afterAll(() => {
    if (way.startsWith('through the launcher')) expect(launched()).toBeGreaterThan(0);
  });

  describe.concurrent('timeout', () => {
    it('kills the whole group, background children included, and settles within timeout + grace', async () => {
      const out = capture();
      const t0 = performance.now();
      const running = executor.run(request('echo $$; sleep 30 & sleep 31', { timeoutMs: 500 }), out.listener);
      const pgid = await groupOf(out);
      await until(() => groupMembers(pgid).length >= 3); // the shell and both sleeps

      const r = await running;
      expect(performance.now() - t0).toBeLessThan(500 + GRACE + SLACK);
      expect(r).toMatchObject({ timedOut: true, interrupted: false, exitCode: null, signal: 'SIGTERM' });
      expect(groupMembers(pgid)).toEqual([]);
    });

    it('escalates to SIGKILL after the grace when the group ignores SIGTERM', async () => {
      const out = capture();
      const t0 = performance.now();
      // The trap is inherited as "ignored" by the shell's children: nothing in the group dies of SIGTERM.
      const script = "trap '' TERM; echo $$; sh -c 'sleep 30' & sleep 31; echo survived";
      const r = await executor.run(request(script, { timeoutMs: 300 }), out.listener);
      const pgid = Number(out.text('stdout').split('\n')[0]);
      leftovers.push(pgid);
      const elapsed = performance.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(300 + GRACE - 50); // it did wait for the grace ...
      expect(elapsed).toBeLessThan(300 + GRACE + SLACK); // ... and no longer than needed
      expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
      expect(out.text('stdout')).not.toContain('survived');
      expect(groupMembers(pgid)).toEqual([]);
    });
  });

  describe.concurrent('abort', () => {
    it("with reason 'interrupt' sends SIGINT to grandchildren, then kills what ignores it", async () => {
      const out = capture();
      const ac = new AbortController();
      // The inner sh is a grandchild of the executor; its own `sleep &` ignores SIGINT (POSIX, no job control).
      const script = `echo $$; sh -c 'trap "echo grandchild-got-SIGINT; exit 3" INT; echo ready; sleep 1000 & wait $!'`;
      const running = executor.run(request(script, { signal: ac.signal }), out.listener);
      const pgid = await groupOf(out);
      await out.waitFor('stdout', 'ready\n');

      const t0 = performance.now();
      ac.abort('interrupt');
      const r = await running;
      expect(performance.now() - t0).toBeLessThan(GRACE + SLACK);
      expect(out.text('stdout')).toContain('grandchild-got-SIGINT\n');
      expect(r).toMatchObject({ interrupted: true, timedOut: false });
      expect(groupMembers(pgid)).toEqual([]);
    });

    it("with reason 'interrupt' stops a foreground command by SIGINT", async () => {
      const out = capture();
      const ac = new AbortController();
      const running = executor.run(request('echo $$; sleep 1000', { signal: ac.signal }), out.listener);
      const pgid = await groupOf(out);
      ac.abort('interrupt');
      const r = await running;
      expect(r).toMatchObject({ interrupted: true, exitCode: null, signal: 'SIGINT' });
      expect(groupMembers(pgid)).toEqual([]);
    });

    it('with any other reason sends SIGTERM and is not an interrupt', async () => {
      const out = capture();
      const ac = new AbortController();
      const running = executor.run(request('echo $$; sleep 1000 & sleep 1001', { signal: ac.signal }), out.listener);
      const pgid = await groupOf(out);
      ac.abort(new Error('operator stopped the run'));
      const r = await running;
      expect(r).toMatchObject({ interrupted: false, timedOut: false, exitCode: null, signal: 'SIGTERM' });
      expect(groupMembers(pgid)).toEqual([]);
    });
  });

  describe.concurrent('background processes of a command that exits normally', () => {
    it('do not hold the result: `sleep 100 & echo hi` settles quickly with its output', async () => {
      const out = capture();
      const t0 = performance.now();
      const r = await executor.run(request('echo $$; sleep 100 & echo "bg=$!"; echo hi'), out.listener);
      const elapsed = performance.now() - t0;
      const pgid = Number(out.text('stdout').split('\n')[0]);
      leftovers.push(pgid);
      expect(elapsed).toBeLessThan(SLACK); // far below the sleep's 100 s
      expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
      expect(out.text('stdout')).toMatch(/\nhi\n$/);
      // Our choice: what the operator started in the background keeps running (`nohup foo &`).
      const bg = Number(/bg=(\d+)/.exec(out.text('stdout'))?.[1]);
      expect(isRunning(bg)).toBe(true);
    });

    it('are not killed by SIGPIPE when they write after the command finished, and deliver nothing more', async () => {
      const out = capture();
      const fast = make({ graceMs: GRACE, pipeQuietMs: 100, pipeCapMs: 300 });
      const script = 'echo $$; (while :; do echo tick; sleep 0.05; done) & echo "bg=$!"';
      const r = await fast.run(request(script), out.listener);
      const pgid = Number(out.text('stdout').split('\n')[0]);
      leftovers.push(pgid);
      expect(r.exitCode).toBe(0);
      const bg = Number(/bg=(\d+)/.exec(out.text('stdout'))?.[1]);
      const delivered = out.chunks.length;

      await sleep(500); // ten more ticks written into the pipe after the result
      expect(isRunning(bg)).toBe(true);
      expect(out.chunks.length).toBe(delivered);
    });

    it('a Ctrl-C after the command finished does not reach them', async () => {
      const out = capture();
      const ac = new AbortController();
      const r = await executor.run(request('echo $$; sleep 100 & echo "bg=$!"', { signal: ac.signal }), out.listener);
      leftovers.push(Number(out.text('stdout').split('\n')[0]));
      ac.abort('interrupt');
      expect(r.interrupted).toBe(false);
      expect(isRunning(Number(/bg=(\d+)/.exec(out.text('stdout'))?.[1]))).toBe(true);
    });
  });
});
