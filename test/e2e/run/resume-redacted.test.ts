// `--resume` never runs a command with a value the timeline holds only as [redacted] or [secret]: such a value
// is asked for again (here, with no terminal, it must be passed again), and the run says which.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, onlyTimeline, python3Available, readEvents, runCli, spawnPty, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const RUNBOOK = `---
vars:
  - name: db_url
  - name: api_token
    secret: true
---
# Resume with redacted values

## One

\`\`\`sh
true
\`\`\`

## Two

\`\`\`sh
PGPASSWORD=Plain0Resume9; printf '%s|%s|%s' "{{db_url}}" "$PGPASSWORD" "{{api_token}}" > used.out
\`\`\`
`;

const URL = 'postgres://app:Pw0rdResume1@db.internal/app';
const TOKEN = 'TokResume12345';

describe('resuming a run whose values were redacted', () => {
  it('refuses to reuse them, names the value, runs with the value given again, and never runs a redacted command', async () => {
    const w = workDir();
    w.write('r.md', RUNBOOK);
    const env = cliEnv(w.dir);
    const first = await runCli(['run', 'r.md', '--yes', '--var', `db_url=${URL}`, '--var', `api_token=${TOKEN}`], { cwd: w.dir, env });
    expect(first.code, first.stderr).toBe(0);
    const timeline = onlyTimeline(w.dir);
    const events = readEvents(timeline);
    expect(events.filter((e) => e.type === 'var.set').map((e) => e['value'])).toEqual(['postgres://app:[redacted]@db.internal/app', '[secret]']);
    // The run as it was when it died after step 1: everything after step 1's step.completed is gone.
    const lines = readFileSync(timeline, 'utf8').split('\n');
    const died = `${lines.slice(0, lines.findIndex((l) => l.includes('"type":"step.completed"')) + 1).join('\n')}\n`;
    writeFileSync(timeline, died);
    writeFileSync(w.path('used.out'), '');

    const refused = await runCli(['run', 'r.md', '--resume', timeline, '--yes'], { cwd: w.dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/variable db_url is recorded as redacted in .*: pass --var db_url=VALUE/);
    expect(readFileSync(w.path('used.out'), 'utf8')).toBe('');

    // Given again, and the runbook file unchanged: step 2 runs as written, its password included (the
    // recorded source has `PGPASSWORD=[redacted]`).
    const args = ['run', 'r.md', '--resume', timeline, '--yes', '--var', `db_url=${URL}`, '--var', `api_token=${TOKEN}`];
    const resumed = await runCli(args, { cwd: w.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(w.path('used.out'), 'utf8')).toBe(`${URL}|Plain0Resume9|${TOKEN}`);
    expect(existsSync(timeline)).toBe(true);
    for (const secret of ['Pw0rdResume1', 'Plain0Resume9', TOKEN]) expect(readFileSync(timeline, 'utf8')).not.toContain(secret);

    // The file changed since: only the redacted source is left, and its step 2 must not run.
    writeFileSync(timeline, died);
    writeFileSync(w.path('used.out'), '');
    w.write('r.md', `${RUNBOOK}\n<!-- edited -->\n`);
    const changed = await runCli(args, { cwd: w.dir, env });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/step 2 of the recorded runbook had a credential redacted; restore .*r\.md as it was/);
    expect(readFileSync(w.path('used.out'), 'utf8')).toBe('');
  }, 60_000);

  it.skipIf(!python3Available())('on a terminal, asks again for each redacted value and says why', async () => {
    const w = workDir();
    w.write('r.md', RUNBOOK);
    const env = cliEnv(w.dir);
    const first = await runCli(['run', 'r.md', '--yes', '--var', `db_url=${URL}`, '--var', `api_token=${TOKEN}`], { cwd: w.dir, env });
    expect(first.code, first.stderr).toBe(0);
    const timeline = onlyTimeline(w.dir);
    const lines = readFileSync(timeline, 'utf8').split('\n');
    writeFileSync(timeline, `${lines.slice(0, lines.findIndex((l) => l.includes('"type":"step.completed"')) + 1).join('\n')}\n`);

    const t = spawnPty(['run', 'r.md', '--resume', timeline, '--yes'], { cwd: w.dir, env });
    let at = await t.waitFor('db_url is not in the timeline (it was redacted): enter it again');
    at = await t.waitFor('db_url', { from: at });
    t.type(`${URL}\r`);
    at = await t.waitFor('api_token is not in the timeline (it was redacted): enter it again', { from: at });
    at = await t.waitFor('api_token', { from: at });
    t.type(`${TOKEN}\r`);
    const exit = await t.done;
    expect(exit.code, t.screen()).toBe(0);
    expect(readFileSync(w.path('used.out'), 'utf8')).toBe(`${URL}|Plain0Resume9|${TOKEN}`);
  }, 60_000);
});
