// §4: `--from-step N` starts at step N; `--resume TIMELINE` continues a run that died (SIGKILL: nothing could
// be recorded on the way out) in the same file, from the first step not completed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, plain, processesWith, python3Available, readEvents, runCli, spawnCli, spawnPty, uniqueSleep, until, workDir } from '../../helpers/run-cli.js';
import { runInProcess } from '../../helpers/in-process.js';

const markers: string[] = [];
afterEach(() => cleanup(markers.splice(0)));

describe('starting later and resuming', () => {
  it('--from-step 2 records step 1 as skipped and does not run it', async () => {
    const w = workDir();
    w.write('steps.md', '# Steps\n\n## One\n\n```sh\ntouch one-ran\n```\n\n## Two\n\n```sh\ntouch two-ran\n```\n');
    const r = await runCli(['run', 'steps.md', '--yes', '--from-step', '2'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(existsSync(w.path('one-ran'))).toBe(false);
    expect(existsSync(w.path('two-ran'))).toBe(true);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.filter((e) => e.type.startsWith('step.')).map((e) => [e.type, e['step']])).toEqual([
      ['step.skipped', 1],
      ['step.started', 2],
      ['step.completed', 2],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('--resume continues a SIGKILLed run in the same timeline from step 2: seq contiguous, one run.started', async () => {
    const w = workDir();
    const sleep = uniqueSleep(30);
    markers.push(sleep);
    w.write(
      'resume.md',
      `---
vars:
  - name: zone
---
# Resume

## One

\`\`\`sh
echo one >> one.count
\`\`\`

## Two

\`\`\`sh
test -f go || sleep ${sleep}; echo "two {{zone}}" >> two.out
\`\`\`

## Three

\`\`\`sh
touch three-ran
\`\`\`
`,
    );
    const first = spawnCli(['run', 'resume.md', '--yes', '--var', 'zone=eu-1'], { cwd: w.dir, timeoutMs: 25_000 });
    await until(() => processesWith(sleep).length > 0, 15_000, 'step 2 to be running');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    // SIGKILL leaves the command's own process group behind (nothing can run in a SIGKILLed process).
    for (const pid of processesWith(sleep)) process.kill(pid, 'SIGKILL');
    const timeline = onlyTimeline(w.dir);
    const before = readEvents(timeline);
    expect(before.some((e) => e.type === 'step.completed' && e['step'] === 1)).toBe(true);
    expect(before.some((e) => e.type === 'run.finished')).toBe(false);

    writeFileSync(w.path('go'), '');
    // A responder takes a moment to resume: the run's duration must include that gap.
    await new Promise((r) => setTimeout(r, 1500));
    // No --var this time: the value recorded in the timeline is used again.
    const r = await runCli(['run', 'resume.md', '--yes', '--resume', timeline], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(w.path('one.count'), 'utf8')).toBe('one\n');
    expect(readFileSync(w.path('two.out'), 'utf8')).toBe('two eu-1\n');
    expect(existsSync(w.path('three-ran'))).toBe(true);
    const events = readEvents(onlyTimeline(w.dir)); // still the one file
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
    const after = events.slice(before.length);
    expect(after.filter((e) => e.type === 'step.started').map((e) => e['step'])).toEqual([2, 3]);
    expect(after.some((e) => e.type === 'step.skipped')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    // The run's duration counts from its run.started, across the crash and the 1.5 s pause, as every event's
    // mono_ms does (the two clocks may differ by a rounding millisecond or so, never by the pause).
    const finished = events.at(-1) as { duration_ms: number; ts: string };
    const wall = Date.parse(finished.ts) - Date.parse(events[0]!.ts as string);
    expect(Math.abs(finished.duration_ms - wall)).toBeLessThan(750);
    expect(finished.duration_ms).toBeGreaterThan(1500);
  });

  it.skipIf(!python3Available())('an aborted run resumes with only --resume FILE: run.resumed recorded, the rest runs, the summary counts the whole run, replay shows it', async () => {
    const w = workDir();
    w.write('ab.md', '# Ab\n\n## One\n\n```sh\necho one >> one.count\n```\n\n```sh\nexit 3\n```\n\n## Two\n\n```sh\ntouch two-ran\n```\n');
    const t = spawnPty(['run', 'ab.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('r\r');
    at = await t.waitFor('Run 1.2?', { from: at });
    t.type('r\r');
    at = await t.waitFor('1.2 failed. What now?', { from: at });
    t.type('c\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    t.type('q\r');
    const stopped = await t.done;
    expect(stopped.code).toBe(130);
    // The summary of an aborted run says how to go on.
    // Named as it was started (node …/bin/runbook.js here: runbook is not on PATH).
    expect(stopped.stdout).toMatch(/resume it: node \S+\/bin\/runbook\.js run --resume t\.jsonl/);
    const before = readEvents(w.path('t.jsonl'));
    expect(before.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });

    const r = await runCli(['run', '--resume', 't.jsonl', '--yes'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    // The whole run, as replay counts it: step one and its failure were before the resume.
    expect(plain(r.stderr)).toContain('Run completed with 1 failed command in');
    expect(plain(r.stderr)).toMatch(/steps {4}2 done, 0 skipped, of 2\n {2}commands 3 run, 1 failed \(1\.2 exit 3\), 0 skipped/);
    expect(readFileSync(w.path('one.count'), 'utf8')).toBe('one\n');
    expect(existsSync(w.path('two-ran'))).toBe(true);
    const events = readEvents(w.path('t.jsonl'));
    expect(events.slice(0, before.length)).toEqual(before);
    const all = readEvents(w.path('t.jsonl'), { seals: true }); // the aborted run's seal is in the middle
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i));
    expect(events[before.length]).toMatchObject({ type: 'run.resumed', step: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });

    // Read back in-process: replay and export only read the file (each is spawned in tests of its own).
    const replay = await runInProcess(['replay', 't.jsonl', '--instant'], { cwd: w.dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain('run resumed at step 2');
    expect(plain(replay.stdout)).toMatch(/steps +2 done · 0 skipped · of 2\n +commands +3 run · 1 failed · 0 skipped/);
    const json = await runInProcess(['export', 't.jsonl', '--format', 'json'], { cwd: w.dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'completed' });
    const postmortem = await runInProcess(['export', 't.jsonl', '--format', 'markdown'], { cwd: w.dir });
    expect(postmortem.stdout).toMatch(/Run aborted after[\s\S]*Run resumed at step 2[\s\S]*Run completed after/);
  });

  it.each([
    ['completed', '```sh\ntrue\n```', /t\.jsonl: this run completed; there is nothing left to resume/],
    ['failed', '```sh\nexit 4\n```', /t\.jsonl: this run ended failed at 1\.1, and a failed run is kept as it ended; to go on, start a new run: `node \S+\/bin\/runbook\.js run f\.md --from-step 1`/],
  ])('a %s run is not resumed: exit 2 with a line that says why, and the timeline is left as it was', async (_status, fence, why) => {
    const w = workDir();
    w.write('f.md', `# F\n\n## One\n\n${fence}\n`);
    await runCli(['run', 'f.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir });
    const before = readFileSync(w.path('t.jsonl'), 'utf8');
    const r = await runCli(['run', '--resume', 't.jsonl', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(why);
    expect(readFileSync(w.path('t.jsonl'), 'utf8')).toBe(before);
  });
});
