// Variables as the operator meets them: reserved names, unknown --var names, names that are JS words, what is
// shown against what runs, and values typed at the prompt (a real pty).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, onlyTimeline, python3Available, readEvents, runCli, spawnPty, workDir } from '../../helpers/run-cli.js';
// The reserved-name cases in-process (the bundle's main: refused before anything runs); the rest through the binary.
import { runInProcess } from '../../helpers/in-process.js';

afterEach(() => cleanup());

const rb = (vars: string, body: string): string => `---\nvars:\n${vars}\n---\n# V\n\n## S\n\n\`\`\`sh\n${body}\n\`\`\`\n`;

describe('the runbook cannot shape the shell', () => {
  it.each([
    ['BASH_ENV', '$(touch pwned)'],
    ['PATH', '/tmp/evil'],
    ['LD_PRELOAD', '/tmp/evil.so'],
    ['RUNBOOK_VAR_pod', 'other'],
    ['PYTHONPATH', '/tmp/evil'],
  ])('declaring %s: lint error, run exit 2 before anything runs', async (name, value) => {
    const w = workDir();
    w.write('rb.md', rb(`  - name: pod\n    default: api-1\n  - name: ${name}\n    default: ${JSON.stringify(value)}`, 'touch ran; echo {{pod}}'));
    const run = await runInProcess(['run', 'rb.md', '--yes'], { cwd: w.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`variable ${name} may not be declared`);
    expect(existsSync(w.path('ran'))).toBe(false);
    expect(existsSync(w.path('pwned'))).toBe(false);
    const lint = await runInProcess(['lint', 'rb.md'], { cwd: w.dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout + lint.stderr).toMatch(new RegExp(`reserved-var.*variable "${name}" may not be declared|variable "${name}" may not be declared.*reserved-var`));
  });

  it('--var PATH=… is refused; an implicit $PATH is never asked for nor set', async () => {
    const w = workDir();
    w.write('rb.md', '# V\n\n## S\n\n```sh\nprintf "%s" "$PATH" > path.out\n```\n');
    expect((await runCli(['run', 'rb.md', '--yes', '--var', 'PATH=/tmp/evil'], { cwd: w.dir })).code).toBe(2);
    const r = await runCli(['run', 'rb.md', '--yes'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(w.path('path.out'), 'utf8')).toBe(process.env.PATH);
  });

  it('the box and the timeline show what runs: the script holds references, the environment the values', async () => {
    const w = workDir();
    w.write('rb.md', rb('  - name: pod\n    default: api-1', `printf 'script=%s\\n' "$BASH_EXECUTION_STRING"\nprintf 'pod=%s\\n' "{{pod}}"\nenv | grep '^RUNBOOK_VAR_' | sort`));
    // An operator environment holding RUNBOOK_VAR_pod does not change what runs: the run's value wins.
    const r = await runCli(['run', 'rb.md', '--yes'], { cwd: w.dir, env: cliEnv(w.dir, { RUNBOOK_VAR_pod: 'evil' }) });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(onlyTimeline(w.dir));
    const shown = events.find((e) => e.type === 'command.started')?.['command'] as string;
    expect(shown).toContain(`printf 'pod=%s\\n' "api-1"`);
    expect(r.stderr).toContain(`printf 'pod=%s\\n' "api-1"`);
    const out = events.filter((e) => e.type === 'command.output').map((e) => e['data']).join('');
    expect(out).toContain(`printf 'pod=%s\\n' "\${RUNBOOK_VAR_pod}"`);
    expect(out).toContain('pod=api-1\n');
    expect(out).toContain('RUNBOOK_VAR_pod=api-1\n');
    expect(out).not.toContain('evil');
  });
});

describe('variable names are data', () => {
  it('constructor, __proto__, toString and hasOwnProperty work as names', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const w = workDir();
    w.write('rb.md', rb(names.map((n) => `  - name: ${n}\n    default: d-${n}`).join('\n'), names.map((n) => `printf '%s\\n' {{${n}}} >> out`).join('\n')));
    const r = await runCli(['run', 'rb.md', '--yes', '--var', 'toString=flag'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(w.path('out'), 'utf8')).toBe('d-constructor\nd-__proto__\nflag\nd-hasOwnProperty\n');
  });
});

describe('--var names are checked', () => {
  it('a typo is refused with the closest name', async () => {
    const w = workDir();
    w.write('rb.md', '# V\n\n## S\n\n```sh\ntouch ran; kubectl -n $NAMESPACE get pods\n```\n');
    const r = await runCli(['run', 'rb.md', '--yes', '--var', 'NAMESPCE=shop'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown variable NAMESPCE (did you mean NAMESPACE?)');
    expect(existsSync(w.path('ran'))).toBe(false);
  });

  it('without a terminal every variable that has no value is named in one line', async () => {
    const w = workDir();
    w.write('rb.md', '---\nvars:\n  - name: DEPLOYMENT\n    required: true\n---\n# V\n\n## S\n\n```sh\ntouch ran; kubectl -n $NAMESPACE logs $POD\n```\n');
    const r = await runInProcess(['run', 'rb.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('runbook: variables DEPLOYMENT, NAMESPACE, POD have no value and there is no terminal to ask on: pass --var DEPLOYMENT=VALUE --var NAMESPACE=VALUE --var POD=VALUE\n');
    expect(existsSync(w.path('ran'))).toBe(false);
  });

  it('a $NAME after a here-string is asked for', async () => {
    const w = workDir();
    w.write('rb.md', "# V\n\n## S\n\n```sh\ngrep x <<<'EOF'\necho $NAMESPACE\n```\n");
    const r = await runCli(['run', 'rb.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('variable NAMESPACE has no value');
  });
});

describe.skipIf(!python3Available())('values typed at the prompt', () => {
  it('free text arrives byte for byte; unusual characters are shown marked and must be accepted; arithmetic takes integers only', async () => {
    const w = workDir();
    w.write(
      'rb.md',
      rb('  - name: note\n    type: text\n  - name: svc\n  - name: pct', `printf '%s' "{{note}}" > note.out\nprintf '%s' '{{svc}}' > svc.out\nprintf '%s' $(( {{pct}} + 1 )) > pct.out`),
    );
    const t = spawnPty(['run', 'rb.md'], { cwd: w.dir, timeoutMs: 90_000 });
    let at = await t.waitFor('note');
    t.type(`$(touch pwned) it's "q"\r`);
    at = await t.waitFor('svc', { from: at });
    t.type('a b;c\r');
    at = await t.waitFor('a⟦␠⟧b⟦;⟧c', { from: at });
    t.type('y\r');
    at = await t.waitFor('pct', { from: at });
    t.type('$(touch pwned)\r');
    at = await t.waitFor('must be an integer', { from: at });
    for (let i = 0; i < 20; i++) t.type('\x7f');
    t.type('41\r');
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code, t.screen().slice(-2000)).toBe(0);
    expect(readFileSync(w.path('note.out'), 'utf8')).toBe(`$(touch pwned) it's "q"`);
    expect(readFileSync(w.path('svc.out'), 'utf8')).toBe('a b;c');
    expect(readFileSync(w.path('pct.out'), 'utf8')).toBe('42');
    expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  }, 120_000);
});

describe.skipIf(!python3Available())('angle placeholders', () => {
  it('<node-name> is asked once, reused by every command, shown filled in; real redirections stay', async () => {
    const w = workDir();
    w.write('in.txt', 'from a file\n');
    w.write(
      'rb.md',
      "# Angles\n\n## S\n\n```sh\nprintf '%s\\n' <node-name> > a.out\ncat < in.txt > b.out\n```\n\n```sh\nprintf '%s' <node-name> 2>&1 >> a.out; cat <<<word >> b.out; diff <(echo x) <(echo x) && cat <<EOF >> b.out\nheredoc\nEOF\n```\n",
    );
    const t = spawnPty(['run', 'rb.md'], { cwd: w.dir, timeoutMs: 90_000 });
    let at = await t.waitFor('node_name (used as <node-name> in 1.1 and 1 more)');
    t.type('worker-1\r');
    at = await t.waitFor('Run 1.1?', { from: at });
    expect(t.screen().slice(at - 400)).toContain("printf '%s\\n' worker-1 > a.out");
    t.type('r\r');
    at = await t.waitFor('Run 1.2?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code, t.screen().slice(-2000)).toBe(0);
    expect(readFileSync(w.path('a.out'), 'utf8')).toBe('worker-1\nworker-1');
    expect(readFileSync(w.path('b.out'), 'utf8')).toBe('from a file\nword\nheredoc\n');
    const events = readEvents(onlyTimeline(w.dir));
    // Asked once (one answer recorded), used by both commands.
    expect(events.filter((e) => e.type === 'var.set')).toEqual([expect.objectContaining({ name: 'node_name', value: 'worker-1', source: 'prompt' })]);
    const started = events.filter((e) => e.type === 'command.started');
    expect(started[1]?.['command']).toContain("printf '%s' worker-1 2>&1 >> a.out");
  }, 120_000);
});
