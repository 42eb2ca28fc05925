// A command printing hundreds of megabytes: every byte arrives, and the runner's memory stays bounded.
// 200 MB is enough here: kept in memory it alone would break the 150 MB bound (test/e2e/run/flood.test.ts
// pushes the bench's 300 MB through the whole CLI).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExecutor, fixture, removeExecutor } from './compile.js';

const run = promisify(execFile);
const BYTES = 200_000_000;
const MAX_PEAK_KB = 150 * 1024;
let executorModule = '';

beforeAll(() => {
  executorModule = compileExecutor();
});
afterAll(() => removeExecutor(executorModule));

async function flood(mode: 'pipe' | 'slow'): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [fixture('flood.mjs'), executorModule, mode, String(BYTES)], {
    timeout: 170_000,
  });
  const report = JSON.parse(stdout) as Record<string, unknown>;
  console.log(`flood ${mode}: VmHWM ${String(report['vmHwmKb'])} kB, maxRSS ${String(report['maxRssKb'])} kB`);
  return report;
}

describe('200 MB of output', () => {
  it.each(['pipe', 'slow'] as const)(
    'all arrives through a %s live stream while peak RSS stays under 150 MB',
    async (mode) => {
      const report = await flood(mode);
      expect(report['result']).toMatchObject({ exitCode: 0, timedOut: false });
      expect(report['listenerBytes']).toBe(BYTES);
      expect(report['liveBytes']).toBe(BYTES);
      expect(report['wrongBytes']).toBe(false);
      expect(report['vmHwmKb']).toBeLessThan(MAX_PEAK_KB);
    },
    180_000,
  );
});
