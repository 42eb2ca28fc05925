// The young generation's setting is applied only on the V8 it was measured on: another one would print
// "unrecognized flag" on stderr if the flag were gone (the effect itself: test/e2e/cli/large-library.test.ts).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { keepYoungGenerationSmall } from '../../src/v8-flags.js';

describe('keepYoungGenerationSmall', () => {
  it("is applied on Node 20's V8 (11.x) only", () => {
    expect(process.versions.v8.startsWith('11.')).toBe(true); // the suite runs on Node 20
    expect(keepYoungGenerationSmall('12.4.254.21-node.33')).toBe(false);
    expect(keepYoungGenerationSmall('13.6.233.10-node.18')).toBe(false);
  });

  it('changes the flag without a word on stderr (V8 prints one for a flag it does not know)', () => {
    const probe = (flag: string) =>
      spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8', timeout: 60_000 });
    expect(probe('--semi-space-growth-factor=1').stderr).toBe('');
    expect(probe('--no-parallel-scavenge').stderr).toBe('');
    expect(probe('--no-such-flag-at-all=1').stderr).toMatch(/unrecognized flag/);
  });
});
