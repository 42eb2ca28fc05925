// A runner whose commands went through the launcher ends when its work does: the idle launcher (here one that
// would wait a minute before it stops) holds no handle that keeps the runner's event loop alive, and it ends
// with the runner.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExecutor, fixture, removeExecutor } from './compile.js';

let executorModule = '';
let launcherModule = '';
beforeAll(() => {
  executorModule = compileExecutor();
  launcherModule = compileExecutor('launcher');
});
afterAll(() => {
  removeExecutor(executorModule);
  removeExecutor(launcherModule);
});

describe('a runner using the launcher', () => {
  it.each([
    ['python', 'python3'],
    ['perl', 'perl'],
  ])('exits as soon as its last command is done, not when the idle launcher would stop (%s)', async (kind, comm) => {
    const env = { ...process.env, RUNBOOK_LAUNCHER: kind };
    const child = spawn(process.execPath, [fixture('launcher-exit.mjs'), executorModule, launcherModule], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let stdout = '';
    let doneAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('done\n') && doneAt === 0) doneAt = Date.now();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(guard);
    expect(stdout).toBe(`0 ${comm}\n0 ${comm}\n0 ${comm}\ndone\n`);
    expect(code).toBe(0);
    // At once in practice (tens of ms); the launcher would have held it 60 s.
    expect(Date.now() - doneAt).toBeLessThan(10_000);
  }, 60_000);
});
