// When the runner goes away, a running command goes with it; a finished command's background job does not
// keep the runner alive.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { groupMembers, isRunning, killGroupQuietly, sleep } from '../../unit/executor/helpers.js';
import { compileExecutor, fixture, removeExecutor } from './compile.js';

let executorModule = '';
const leftovers: number[] = [];
beforeAll(() => {
  executorModule = compileExecutor();
});
afterAll(() => removeExecutor(executorModule));
afterEach(() => {
  for (const pgid of leftovers.splice(0)) killGroupQuietly(pgid);
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  pgid: number;
}

/** Runs the fake runner; kills it if it has not ended after 20 s, which fails the test. */
function runner(mode: string): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fixture('runner-exit.mjs'), executorModule, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      const pgid = Number(stdout.split('\n')[0]);
      if (pgid > 0) leftovers.push(pgid);
      resolve({ code, signal, stdout, pgid });
    });
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(50);
  expect(condition()).toBe(true);
}

describe('when the runner goes away while a command runs', () => {
  it.each([
    ['exits normally', 'exit', null],
    ['is sent SIGTERM', 'SIGTERM', 'SIGTERM'],
    ['is sent SIGHUP (terminal closed)', 'SIGHUP', 'SIGHUP'],
  ] as const)('the whole group dies when the runner %s', async (_what, mode, expectedSignal) => {
    const ended = await runner(mode);
    expect(ended.pgid).toBeGreaterThan(0);
    // The runner still dies the way it would have without our hooks.
    expect(ended.signal).toBe(expectedSignal);
    expect(ended.stdout).not.toContain('result=');
    await until(() => groupMembers(ended.pgid).length === 0);
  });

  it("leaves SIGINT to the runner's own handler, which stops the command through the AbortSignal", async () => {
    const ended = await runner('sigint-handled');
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.stdout).toMatch(/result=\{.*"interrupted":true/);
    await until(() => groupMembers(ended.pgid).length === 0);
  });
});

describe('after a command finished with a background job', () => {
  it('the runner ends by itself, and the background job lives on', async () => {
    const ended = await runner('finished');
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.stdout).toMatch(/result=\{"exitCode":0/);
    const bg = Number(/bg=(\d+)/.exec(ended.stdout)?.[1]);
    expect(isRunning(bg)).toBe(true);
  });
});
