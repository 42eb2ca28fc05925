// A timeline that cannot be written stops `run` before any command: one line, exit 3, nothing executed.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cleanup, cliEnv, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const RB = '## Touch\n```sh\ntouch ran.marker\n```\n';

describe('run with a timeline that cannot be written', () => {
  it.each([
    ['/dev/full (disk full)', () => '/dev/full', /ENOSPC/],
    ['a directory', (dir: string) => (mkdirSync(`${dir}/adir`), `${dir}/adir`), /EISDIR/],
    ['a path under a file', (dir: string) => `${dir}/rb.md/t.jsonl`, /ENOTDIR|EEXIST|not a directory/],
  ])('%s: exit 3, one line naming the path and reason, no command run', async (_name, target, reason) => {
    const w = workDir();
    w.write('rb.md', RB);
    const path = target(w.dir);
    const r = await runCli(['run', 'rb.md', '--yes', '--timeline', path], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path);
    expect(lines[0]).toMatch(reason);
    expect(existsSync(w.path('ran.marker'))).toBe(false);
  });
});

describe('run --timeline with a file that already holds a run', () => {
  it('is refused (exit 2) and the file is left as it was; a completed run is not advised to be resumed', async () => {
    const w = workDir();
    w.write('rb.md', RB);
    const first = await runCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(first.code).toBe(0);
    const before = readFileSync(w.path('t.jsonl'), 'utf8');
    const again = await runCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/t\.jsonl already holds a completed run, which cannot be continued; choose a new file/);
    expect(again.stderr).not.toMatch(/--resume/);
    expect(readFileSync(w.path('t.jsonl'), 'utf8')).toBe(before);
  });
});

