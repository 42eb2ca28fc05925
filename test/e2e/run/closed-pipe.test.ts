// `runbook run … | head`: the reader goes away; the run must neither crash nor stop recording.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { cleanup, cliEnv, readEvents, spawnCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

describe('run into a pipe whose reader closes early', () => {
  it('keeps going without a stack trace, and the timeline ends completed', async () => {
    const w = workDir();
    w.write('rb.md', '## Flood\n```sh\nseq 1 3000000\n```\n## After\n```sh\necho after > after.txt\n```\n');
    const run = spawnCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir, env: cliEnv(w.dir), keepStdout: false, timeoutMs: 60_000 });
    // Like `head -1`: read the first chunk, then close the pipe.
    run.child.stdout?.once('data', () => run.child.stdout?.destroy());
    const exit = await run.done;
    expect(exit.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(exit.code).toBe(0);
    expect(existsSync(w.path('after.txt'))).toBe(true);
    expect(readEvents(w.path('t.jsonl')).at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });
});
