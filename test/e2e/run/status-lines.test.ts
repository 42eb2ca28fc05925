// What the operator is told about how a run went, on a real terminal: a step whose command failed never ends
// with a clean ✔, the summary counts commands (not attempts) and names each failure, and stopping after Ctrl-C
// is an abort while stopping after a failure of the command's own is a failure.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, python3Available, readEvents, spawnPty, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

describe.skipIf(!python3Available())('status lines and the summary (needs python3 with the pty module)', () => {
  it('a failed command the operator continues past: the step ends "done with 1 failed command", the summary names it', async () => {
    const w = workDir();
    w.write(
      'f.md',
      '# F\n\n## Check\n\n- [ ] Look at the **dashboard** ([link](https://grafana.example/d/1))\n\n```sh\nexit 1\n```\n\n```sh\necho fine\n```\n\n## Next\n\n```sh\necho next\n```\n',
    );
    const t = spawnPty(['run', 'f.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    // Inline Markdown in a check is rendered as `show` renders it: no ** markers, a link as "text (url)".
    let at = await t.waitFor('Done? Look at the dashboard (link (https://grafana.example/d/1))');
    t.type('s\r');
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('r\r');
    at = await t.waitFor('1.1 failed. What now?', { from: at });
    t.type('r\r'); // retried: still a single command in the summary
    at = await t.waitFor('1.1 failed. What now?', { from: at });
    t.type('c\r');
    at = await t.waitFor('Run 1.2?', { from: at });
    t.type('r\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    const screen = t.screen();
    expect(screen).toContain('step 1 done with 1 failed command');
    expect(screen).not.toMatch(/✔ step 1 done/);
    expect(screen).toMatch(/✔ step 2 done/);
    expect(screen).toContain('Run completed with 1 failed command in');
    expect(screen).toMatch(/commands 3 run, 1 failed \(1\.1 exit 1\), 0 skipped/);
    expect(screen).toMatch(/checks {3}0 confirmed, 1 skipped/);
    expect(readEvents(w.path('t.jsonl')).at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('a command that failed on its own, then stop: the run ends failed with exit 1', async () => {
    const w = workDir();
    w.write('s.md', '# S\n\n## One\n\n```sh\nexit 3\n```\n\n## Two\n\n```sh\necho two\n```\n');
    const t = spawnPty(['run', 's.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('r\r');
    at = await t.waitFor('1.1 failed. What now?', { from: at });
    t.type('q');
    at = await t.waitFor('stop the run (it ends as failed)', { from: at });
    t.type('\r');
    const exit = await t.done;
    expect(exit.code).toBe(1);
    expect(t.screen()).toMatch(/Run failed in .*\n.*\n {2}commands 1 run, 1 failed \(1\.1 exit 3\), 0 skipped/);
    expect(readEvents(w.path('t.jsonl')).at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
  });
});
