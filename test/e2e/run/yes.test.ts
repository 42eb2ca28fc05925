// `runbook run --yes`: every non-dangerous command runs without asking, the first failure ends the run as
// failed (exit 1), allow_failure does not, and dangerous commands need --allow-dangerous too.
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';

// Each test runs in its own dir, so they run concurrently; cleanup() kills every live CLI: once, at the end.
afterAll(() => cleanup());

describe.concurrent('run --yes', () => {
  it('stops at the first failing command: exit 1, later commands not run, run.finished failed', async () => {
    const w = workDir();
    w.write(
      'fails.md',
      `# Fails

## First

\`\`\`sh
touch first
\`\`\`

## Second

\`\`\`sh
exit 3
\`\`\`

\`\`\`sh
touch after-failure-same-step
\`\`\`

## Third

\`\`\`sh
touch after-failure
\`\`\`
`,
    );
    const r = await runCli(['run', 'fails.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(1);
    expect(existsSync(w.path('first'))).toBe(true);
    expect(existsSync(w.path('after-failure-same-step'))).toBe(false);
    expect(existsSync(w.path('after-failure'))).toBe(false);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.find((e) => e.type === 'command.finished' && e['id'] === '2.1')).toMatchObject({ exit_code: 3 });
    expect(events.filter((e) => e.type === 'command.started').map((e) => e['id'])).toEqual(['1.1', '2.1']);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  });

  it('allow_failure=true shows the failure but goes on, and the run completes', async () => {
    const w = workDir();
    w.write(
      'allow.md',
      `# Allow

## Grep

\`\`\`sh {allow_failure=true}
grep -q nothing-matches /dev/null
\`\`\`

\`\`\`sh
touch after
\`\`\`
`,
    );
    const r = await runCli(['run', 'allow.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(existsSync(w.path('after'))).toBe(true);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.find((e) => e.type === 'command.finished' && e['id'] === '1.1')).toMatchObject({ exit_code: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  const dangerous = `# Danger

## Clean

\`\`\`sh {danger=true}
touch dangerous-ran
\`\`\`

## Remove

\`\`\`sh
rm -r ./victim
\`\`\`

## After

\`\`\`sh
touch after
\`\`\`
`;

  it('skips dangerous commands (marked or detected) without --allow-dangerous, recording command.skipped', async () => {
    const w2 = workDir();
    w2.write('danger.md', dangerous);
    mkdirSync(w2.path('victim'));
    const r = await runCli(['run', 'danger.md', '--yes'], { cwd: w2.dir });
    expect(r.code).toBe(0);
    expect(existsSync(w2.path('dangerous-ran'))).toBe(false);
    expect(existsSync(w2.path('victim'))).toBe(true);
    expect(existsSync(w2.path('after'))).toBe(true);
    const events = readEvents(onlyTimeline(w2.dir));
    expect(events.filter((e) => e.type === 'command.skipped').map((e) => e['id'])).toEqual(['1.1', '2.1']);
    expect(events.filter((e) => e.type === 'command.started').map((e) => e['id'])).toEqual(['3.1']);
  });

  it('runs dangerous commands with --yes --allow-dangerous', async () => {
    const w = workDir();
    w.write('danger.md', dangerous);
    mkdirSync(w.path('victim'));
    const r = await runCli(['run', 'danger.md', '--yes', '--allow-dangerous'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(existsSync(w.path('dangerous-ran'))).toBe(true);
    expect(existsSync(w.path('victim'))).toBe(false);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.filter((e) => e.type === 'command.skipped')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'command.started').map((e) => [e['id'], e['danger']])).toEqual([
      ['1.1', true],
      ['2.1', true],
      ['3.1', false],
    ]);
  });

  it('runs on when the run cannot register on the host, and says so (the registration is set up beside the run)', async () => {
    const w = workDir();
    w.write('one.md', '# One\n\n## Only\n\n```sh\ntouch ran\n```\n');
    // $XDG_RUNTIME_DIR/runbook is a link: the registry will not use it (src/timeline/registry.ts).
    mkdirSync(w.path('.run'));
    mkdirSync(w.path('elsewhere'));
    symlinkSync(w.path('elsewhere'), w.path('.run/runbook'));
    const r = await runCli(['run', 'one.md', '--yes'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(w.path('ran'))).toBe(true);
    expect(r.stderr).toMatch(/cannot register the run in .*is a symbolic link.*\(note, mark and status from other directories will not find this run\)/);
    expect(r.stderr.match(/cannot register/g)).toHaveLength(1);
    expect(readdirSync(w.path('elsewhere'))).toEqual([]);
    expect(readEvents(onlyTimeline(w.dir)).find((e) => e.type === 'run.finished')?.['status']).toBe('completed');
  });
});
