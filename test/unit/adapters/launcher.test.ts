// The command launcher (src/adapters/launcher.ts): which commands it takes, that values reach them byte for
// byte, that nothing of it outlives its use, and that the runner survives losing it. The executor's own
// guarantees are tested through it as well (test/unit/executor/*, "through the launcher").
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExecutor } from '../../../src/adapters/executor.js';
import { createLauncher } from '../../../src/adapters/launcher.js';
import { capture, isRunning, request, sleep } from '../executor/helpers.js';

const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'gone';
  }
};

/** Runs `echo $PPID` and returns the parent of the command's shell. */
async function parentOf(run: ReturnType<typeof createExecutor>['run']): Promise<number> {
  const out = capture();
  const r = await run(request('echo $PPID'), out.listener);
  expect(r.exitCode).toBe(0);
  return Number(out.text('stdout').trim());
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await sleep(50);
  expect(cond(), what).toBe(true);
}

describe('which commands the launcher starts', () => {
  it('not the first two commands of a run (a one-command run never starts it); once ready, each is its child, not the runner\'s', async () => {
    const launcher = createLauncher();
    const executor = createExecutor({ launcher });
    expect(await parentOf(executor.run)).toBe(process.pid);
    expect(launcher.ready()).toBe(false);
    // The second starts it, and goes directly itself; so does any command before it is ready.
    expect(await parentOf(executor.run)).toBe(process.pid);
    await until(() => launcher.ready(), 'the launcher is ready');
    const third = await parentOf(executor.run);
    expect(third).not.toBe(process.pid);
    expect(comm(third)).toBe('perl');
    expect(await parentOf(executor.run)).toBe(third); // one launcher for the run
    expect(launcher.launched()).toBe(2);
  });

  it('none without perl: every command is spawned by the runner', async () => {
    const launcher = createLauncher({ perl: undefined });
    const executor = createExecutor({ launcher });
    for (let i = 0; i < 3; i++) expect(await parentOf(executor.run)).toBe(process.pid);
    expect(launcher.launched()).toBe(0);
  });

  it('none with RUNBOOK_NO_LAUNCHER=1', async () => {
    process.env['RUNBOOK_NO_LAUNCHER'] = '1';
    try {
      const launcher = createLauncher();
      const executor = createExecutor({ launcher });
      for (let i = 0; i < 3; i++) expect(await parentOf(executor.run)).toBe(process.pid);
    } finally {
      delete process.env['RUNBOOK_NO_LAUNCHER'];
    }
  });

  it('never an interactive command, nor one fed on stdin', async () => {
    const launcher = createLauncher({ startAt: 1, always: true });
    const executor = createExecutor({ launcher });
    const out = capture();
    const r = await executor.run(request('read x; echo "$x $PPID"', { stdin: Buffer.from('fed\n') }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe(`fed ${process.pid}\n`);
    expect(launcher.launched()).toBe(0);
  });
});

describe('values through the launcher', () => {
  const launcher = createLauncher({ startAt: 1, always: true });
  const executor = createExecutor({ launcher });

  it('an environment value reaches the command byte for byte, never as shell text', async () => {
    const value = `$(touch /tmp/pwned-${process.pid}); \`id\` "q" 'q' a=b\nsecond line é ✓ \t\\`;
    const out = capture();
    const r = await executor.run(request('printf %s "$V"', { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', V: value } }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe(value);
    expect(existsSync(`/tmp/pwned-${process.pid}`)).toBe(false);
  });

  it('argv (a program given as argv, as ssh is) arrives as separate arguments, empty ones included', async () => {
    const out = capture();
    const r = await executor.run(request('', { argv: ['printf', '[%s]', 'a b', '$(id)', '', 'é;|&'] }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('[a b][$(id)][][é;|&]');
    expect(launcher.launched()).toBe(2);
  });

  it('a value holding a NUL byte is not sent to it: the direct path reports it, as before', async () => {
    const r = await executor.run(request('true', { env: { PATH: '/usr/bin:/bin', V: 'a\0b' } }), () => {});
    expect(r.spawnError).toBe('the command or its environment holds a NUL byte');
    expect(launcher.launched()).toBe(2);
  });

  it('output larger than a pipe, from a command that ends before the runner reads it, arrives whole', async () => {
    const out = capture();
    const r = await executor.run(request("head -c 1000000 /dev/zero | tr '\\0' x"), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('x'.repeat(1_000_000));
  });
});

describe('its lifetime', () => {
  it('ends when idle, its folder removed; the next command starts another', async () => {
    const launcher = createLauncher({ startAt: 1, always: true, idleMs: 100 });
    const executor = createExecutor({ launcher });
    const first = await parentOf(executor.run);
    expect(comm(first)).toBe('perl');
    await until(() => !isRunning(first), 'the idle launcher ended');
    const second = await parentOf(executor.run);
    expect(comm(second)).toBe('perl');
    expect(second).not.toBe(first);
  });

  it('killed under a running command: the command settles (its status is lost), and the next one still runs', async () => {
    const launcher = createLauncher({ startAt: 1, always: true });
    const executor = createExecutor({ launcher, pipeQuietMs: 100, pipeCapMs: 500 });
    const out = capture();
    const running = executor.run(request('echo $PPID; sleep 0.5; echo done'), out.listener);
    await out.waitFor('stdout', '\n');
    const perl = Number(out.text('stdout').trim());
    process.kill(perl, 'SIGKILL');
    const r = await running;
    expect(r).toMatchObject({ exitCode: null, signal: null });
    const next = capture();
    expect((await executor.run(request('echo again'), next.listener)).exitCode).toBe(0);
    expect(next.text('stdout')).toBe('again\n');
  });
});
