// §3/§5: a `secret: true` value is masked on screen and never written to the timeline, whether it came from
// the environment or --var, and also when a command prints it (plainly or encoded).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const RUNBOOK = `---
vars:
  - name: db_password
    secret: true
  - name: API_TOKEN
    secret: true
---
# Secrets

## Use them

\`\`\`sh
echo "placeholder: {{db_password}}"
\`\`\`

\`\`\`sh
echo "env: $db_password and $API_TOKEN"
\`\`\`

\`\`\`sh
printf '%s' '{{db_password}}' | base64
\`\`\`

\`\`\`sh
echo "token=$API_TOKEN" >&2; echo "done"
\`\`\`
`;

// Values no built-in pattern would catch: only the secret redaction can keep them out.
const PASSWORD = 'Zq7mauve-hunter2-Lx9';
const TOKEN = 'tok4turnip88wombat';

describe('secret variables', () => {
  it.each([
    ['--var', ['--var', `db_password=${PASSWORD}`, '--var', `API_TOKEN=${TOKEN}`], {}],
    ['the environment', [], { db_password: PASSWORD, API_TOKEN: TOKEN }],
  ])('from %s never reach the timeline, even when commands print them', async (_how, flags, env) => {
    const w = workDir();
    w.write('secrets.md', RUNBOOK);
    const r = await runCli(['run', 'secrets.md', '--yes', ...flags], { cwd: w.dir, env: cliEnv(w.dir, env) });
    expect(r.code, r.stderr).toBe(0);
    // The commands really got the values (they print them to the operator's terminal).
    expect(r.stdout).toContain(`placeholder: ${PASSWORD}`);
    expect(r.stdout).toContain(`env: ${PASSWORD} and ${TOKEN}`);
    const text = readFileSync(onlyTimeline(w.dir), 'utf8');
    for (const secret of [PASSWORD, TOKEN, Buffer.from(PASSWORD).toString('base64')]) expect(text).not.toContain(secret);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.filter((e) => e.type === 'var.set').map((e) => [e['name'], e['value']])).toEqual([
      ['db_password', '[secret]'],
      ['API_TOKEN', '[secret]'],
    ]);
    expect(events.filter((e) => e.type === 'command.finished')).toHaveLength(4);
    // The runner's own screen (commands as shown, summaries) masks them too; only command stderr is there.
    expect(r.stderr.replace(`token=${TOKEN}\n`, '')).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
