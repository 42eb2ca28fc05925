// `runbook run` driven through a real pseudo-terminal, the way an operator (or a script) drives it: a letter and
// Enter at each prompt, Ctrl-C as the terminal sends it (a byte that becomes SIGINT for the foreground group).
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, processesWith, python3Available, readEvents, spawnPty, uniqueSleep, until, workDir } from '../../helpers/run-cli.js';

const markers: string[] = [];
afterEach(() => cleanup(markers.splice(0)));

const hasPty = python3Available();

describe.skipIf(!hasPty)('run on a terminal (needs python3 with the pty module)', { timeout: 120_000 }, () => {
  it('skip, run, Ctrl-C a running command back to the failure prompt, stop there: aborted, exit 130', async () => {
    const w = workDir();
    const sleep = uniqueSleep(30);
    markers.push(sleep);
    w.write(
      'three.md',
      `# Three

## One

\`\`\`sh
touch one-ran
\`\`\`

## Two

\`\`\`sh
echo hi
\`\`\`

## Three

\`\`\`sh
sleep ${sleep}
\`\`\`

## Four

\`\`\`sh
touch four-ran
\`\`\`
`,
    );
    const t = spawnPty(['run', 'three.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('s\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    t.type('r\r');
    at = await t.waitFor(/\nhi\n/, { from: at });
    at = await t.waitFor('Run 3.1?', { from: at });
    t.type('r\r');
    // Ctrl-C only once the command is really running (before that it would stop the whole run).
    await until(() => processesWith(sleep).length > 0, 10_000, 'the sleep to start');
    t.type('\x03');
    at = await t.waitFor(/3\.1 failed\. What now\?.*\(recq/, { from: at });
    // The prompt says what stopping here means (q shows its choice before Enter).
    t.type('q');
    at = await t.waitFor('stop the run (it ends as aborted)', { from: at });
    expect(t.screen().slice(at - 200)).toMatch(/interrupted/);
    expect(processesWith(sleep)).toEqual([]);
    t.type('\r');
    const exit = await t.done;

    // The operator interrupted the command and chose to stop: nothing failed on its own, so the run is aborted
    // (exit 130), as a stop at a command prompt is. A command that fails by itself and then stop is exit 1.
    expect(exit.code).toBe(130);
    expect(existsSync(w.path('one-ran'))).toBe(false);
    expect(existsSync(w.path('four-ran'))).toBe(false);
    const events = readEvents(w.path('t.jsonl'));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.find((e) => e.type === 'command.skipped')).toMatchObject({ id: '1.1' });
    expect(events.find((e) => e.type === 'command.output')).toMatchObject({ id: '2.1', data: 'hi\n' });
    expect(events.find((e) => e.type === 'command.finished' && e['id'] === '3.1')).toMatchObject({ interrupted: true, timed_out: false });
    expect(events.filter((e) => e.type === 'command.started').map((e) => e['id'])).toEqual(['2.1', '3.1']);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('q at a command prompt ends the run as aborted with exit 130, and that command does not run', async () => {
    const w = workDir();
    w.write('stop.md', '# Stop\n\n## One\n\n```sh\necho first\n```\n\n## Two\n\n```sh\ntouch two-ran\n```\n');
    const t = spawnPty(['run', 'stop.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('r\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    t.type('q\r');
    const exit = await t.done;
    expect(exit.code).toBe(130);
    expect(existsSync(w.path('two-ran'))).toBe(false);
    const events = readEvents(w.path('t.jsonl'));
    expect(events.filter((e) => e.type === 'command.started').map((e) => e['id'])).toEqual(['1.1']);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('a dangerous command runs only after the operator types the word shown', async () => {
    const w = workDir();
    w.write('danger.md', '# Danger\n\n## Wipe\n\n```sh {danger=true name=wipe}\ntouch wiped\n```\n');
    const t = spawnPty(['run', 'danger.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('DANGEROUS');
    at = await t.waitFor('(rsenq', { from: at });
    t.type('r\r');
    at = await t.waitFor('Type "wipe"', { from: at });
    t.type('wipes\r');
    at = await t.waitFor('not run', { from: at });
    expect(existsSync(w.path('wiped'))).toBe(false);
    expect(readEvents(w.path('t.jsonl')).filter((e) => e.type === 'command.started')).toEqual([]);
    at = await t.waitFor('(rsenq', { from: at });
    t.type('r\r');
    at = await t.waitFor('Type "wipe"', { from: at });
    t.type('wipe\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(existsSync(w.path('wiped'))).toBe(true);
    const events = readEvents(w.path('t.jsonl'));
    expect(events.filter((e) => e.type === 'command.started')).toMatchObject([{ id: '1.1', danger: true }]);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('one SIGINT that reaches the runner outside a command (not as a keypress) warns and does not end the run', async () => {
    // As when Ctrl-C lands while the runner writes the timeline just before spawning an approved command.
    const w = workDir();
    w.write('one.md', '# One\n\n## One\n\n```sh\ntouch one-ran\n```\n');
    const t = spawnPty(['run', 'one.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    process.kill(await t.pid, 'SIGINT');
    at = await t.waitFor('Ctrl-C again to abort the run', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(existsSync(w.path('one-ran'))).toBe(true);
    expect(readEvents(w.path('t.jsonl')).at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('Ctrl-C twice at a prompt aborts the run: exit 130, run.finished aborted', async () => {
    const w = workDir();
    w.write('cc.md', '# CC\n\n## One\n\n```sh\ntouch one-ran\n```\n');
    const t = spawnPty(['run', 'cc.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('\x03');
    at = await t.waitFor('Ctrl-C again', { from: at });
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('\x03');
    const exit = await t.done;
    expect(exit.code).toBe(130);
    expect(existsSync(w.path('one-ran'))).toBe(false);
    const events = readEvents(w.path('t.jsonl'));
    expect(events.filter((e) => e.type === 'command.started')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });
});
