// The suite's own temporary root (vitest.config.ts; removed at the end by test/helpers/global-setup.ts): what
// a test, the CLI it starts or a launcher makes with tmpdir() lands there, never loose in /tmp.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

describe('the suite\'s temporary folders', () => {
  it('go under the run\'s own root, in this process and in every process it starts', () => {
    const root = process.env['RUNBOOK_SUITE_TMP'];
    expect(root).toMatch(/\/runbook-suite-[^/]+$/);
    expect(tmpdir()).toBe(root);
    expect(process.env['XDG_RUNTIME_DIR']?.startsWith(`${root}/`)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
    expect(child.stdout).toBe(root);
  });
});
