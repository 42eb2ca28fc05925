// `runbook run` without a terminal: it refuses before doing anything unless --yes or --dry-run says what to do,
// and every value it cannot ask for is a usage error (exit 2) naming the variable.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';
// Cases refused or previewed before anything runs: in-process (the bundle's main); the others through the binary.
import { runInProcess } from '../../helpers/in-process.js';

// Each test runs in its own dir, so they run concurrently; cleanup() kills every live CLI: once, at the end.
afterAll(() => cleanup());

const touching = `# Touch

## Make a file

\`\`\`sh
touch made-by-runbook
\`\`\`
`;

describe.concurrent('run with no TTY', () => {
  it('without --yes exits 2 before anything runs, with a one-line message', async () => {
    const w = workDir();
    w.write('touch.md', touching);
    const r = await runCli(['run', 'touch.md'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
    expect(existsSync(w.path('incidents'))).toBe(false);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--yes/);
    expect(r.stdout).toBe('');
  });

  it('a misspelt runbook id is reported before the missing terminal', async () => {
    const w = workDir();
    w.write('touch.md', touching);
    const r = await runInProcess(['--dir', w.dir, 'run', 'tuoch'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^runbook: unknown runbook "tuoch" \(did you mean touch\?\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('with --yes, a required variable without a value exits 2 naming it, and nothing runs', async () => {
    const w = workDir();
    w.write(
      'req.md',
      `---
vars:
  - name: target_host
    required: true
---
# Req

## Touch

\`\`\`sh
touch made-by-runbook {{target_host}}
\`\`\`
`,
    );
    const r = await runInProcess(['run', 'req.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/target_host/);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
  });

  it('with --yes, an undeclared upper-case $NAME without a value exits 2 naming it', async () => {
    const w = workDir();
    w.write('implicit.md', '# Implicit\n\n## Touch\n\n```sh\ntouch made-by-runbook "$SOME_NAMESPACE"\n```\n');
    const r = await runInProcess(['run', 'implicit.md', '--yes'], { cwd: w.dir, env: cliEnv(w.dir, { SOME_NAMESPACE: '' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SOME_NAMESPACE/);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
  });

  it('with --yes, a declared variable with a pattern and no value exits 2 instead of running with ""', async () => {
    const w = workDir();
    w.write(
      'pattern.md',
      `---
vars:
  - name: dir
    pattern: '^/'
---
# Pattern

## Remove

\`\`\`sh
touch made-by-runbook{{dir}}
\`\`\`
`,
    );
    const r = await runInProcess(['run', 'pattern.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\bdir\b/);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
  });

  it('with --yes, a declared variable without default that a command uses exits 2 instead of running with ""', async () => {
    const w = workDir();
    w.write('used.md', '---\nvars:\n  - name: subdir\n---\n# Used\n\n## Touch\n\n```sh\ntouch made-by-runbook{{subdir}}\n```\n');
    const r = await runInProcess(['run', 'used.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\bsubdir\b/);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
  });

  it('a --var value violating the pattern exits 2 naming the variable, and nothing runs', async () => {
    const w = workDir();
    w.write(
      'mount.md',
      `---
vars:
  - name: mount
    default: /
    pattern: '^/'
---
# Mount

## Touch

\`\`\`sh
touch made-by-runbook
\`\`\`
`,
    );
    const r = await runInProcess(['run', 'mount.md', '--yes', '--var', 'mount=relative/path'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mount/);
    expect(r.stderr).toMatch(/--var/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(w.path('made-by-runbook'))).toBe(false);
  });

  it('--dry-run exits 0, runs nothing, and shows each command with its values', async () => {
    const w = workDir();
    w.write(
      'dry.md',
      `---
vars:
  - name: mount
    default: /srv
---
# Dry

## Look

\`\`\`sh
touch made-by-runbook-{{mount}}
\`\`\`

## Then

\`\`\`sh
echo "$ZONE" > made-by-runbook-2
\`\`\`
`,
    );
    const r = await runInProcess(['run', 'dry.md', '--dry-run', '--var', 'mount=/data/x', '--var', 'ZONE=eu-west-1'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(existsSync(w.path('made-by-runbook-/data/x'))).toBe(false);
    expect(existsSync(w.path('made-by-runbook-2'))).toBe(false);
    const shown = r.stdout + r.stderr;
    expect(shown).toContain('touch made-by-runbook-/data/x');
    expect(shown).toContain('eu-west-1');
    // A preview is not an incident: no timeline unless --timeline asks for one.
    expect(existsSync(w.path('incidents'))).toBe(false);
    expect(r.stderr).not.toMatch(/replay it/);

    const kept = await runInProcess(['run', 'dry.md', '--dry-run', '--var', 'mount=/data/x', '--var', 'ZONE=eu-west-1', '--timeline', 'preview.jsonl'], { cwd: w.dir });
    expect(kept.code, kept.stderr).toBe(0);
    const events = readEvents(w.path('preview.jsonl'));
    expect(events.find((e) => e.type === 'run.started')?.['mode']).toBe('dry-run');
    expect(events.filter((e) => e.type === 'command.started')).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });
});
