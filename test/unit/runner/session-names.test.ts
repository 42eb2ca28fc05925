// Which names a runbook sets for itself (not asked up front), and the engine asking for one only when a
// command needs it and it is still unset; captures through the engine with a fake executor.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { lintRunbook } from '../../../src/runbook/lint.js';
import { runRunbook } from '../../../src/runner/engine.js';
import type { RunConfig } from '../../../src/runner/run-config.js';
import { assignedNames, namesSetEarlier } from '../../../src/runner/session-names.js';
import { fakePorts } from '../../helpers/fake-ports.js';

const f = '```';

describe('assignedNames', () => {
  it('finds assignments, exports, declare, read and mapfile targets; not one-command prefixes or options', () => {
    expect(assignedNames('export PICKED=$(kubectl get pod -o name | head -1)')).toEqual(['PICKED']);
    expect(assignedNames('A=1; B+=x; C=2 cmd; export D E=1; declare -x F=1; readonly G')).toEqual(['A', 'B', 'D', 'E', 'F', 'G']);
    expect(assignedNames('read -r -p "pod? " POD REST; read -a ARR; mapfile -t LINES < f')).toEqual(['POD', 'REST', 'ARR', 'LINES']);
    expect(assignedNames('echo "export X=1"; # export Y=2')).toEqual([]);
  });
});

describe('namesSetEarlier', () => {
  const rb = parseRunbook(
    `# R\n\n## One\n\n${f}sh\nexport PICKED=a\n${f}\n\n${f}sh {capture=OUT}\nls\n${f}\n\n## Two\n\n${f}sh\necho $PICKED $OUT $USED_FIRST\n${f}\n\n${f}sh\nUSED_FIRST=1\n${f}\n`,
    '/rb/r.md',
  ).runbook;
  it('counts a name only when set before its first use, and only commands that will run', () => {
    expect([...namesSetEarlier(rb, 1, true)].sort()).toEqual(['OUT', 'PICKED']);
    expect([...namesSetEarlier(rb, 2, true)]).toEqual([]);
    // Without a session only captures carry.
    expect([...namesSetEarlier(rb, 1, false)]).toEqual(['OUT']);
  });
});

describe('capture= in lint and in the engine', () => {
  it('lint: capture must name a variable that is not reserved, on a non-interactive block; {{NAME}} after it is declared', () => {
    const problems = (attrs: string, body = 'ls'): string[] =>
      lintRunbook(parseRunbook(`# R\n\n## S\n\n${f}sh {${attrs}}\n${body}\n${f}\n\n${f}sh\necho {{X}}\n${f}\n`, '/rb/r.md'), { maxAgeDays: 180, today: '2026-12-02' })
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.rule}: ${p.message}`);
    expect(problems('capture=X')).toEqual([]);
    expect(problems('capture=1X')).toEqual(['bad-attribute: capture=1X is not a variable name (letters, digits and _, not starting with a digit)', 'undeclared-var: {{X}} is not declared in vars (add it to the front-matter)']);
    expect(problems('capture=PATH')[0]).toBe('bad-attribute: capture=PATH: PATH is reserved; a capture may not set it');
    expect(problems('capture=X interactive=true')[0]).toMatch(/^bad-attribute: capture=X on an interactive block/);
  });

  const config = (source: string, over: Partial<RunConfig> = {}): RunConfig => ({
    runbook: parseRunbook(source, '/rb/r.md').runbook,
    mode: 'live', yes: true, allowDangerous: false, fromStep: 1, vars: [], env: { PATH: '/usr/bin:/bin' }, cwd: '/work', shell: 'bash',
    defaultTimeoutMs: 600_000, incident: 'i', actor: 'a', host: 'h', cliVersion: '0', ...over,
  });

  it('stores trimmed stdout for the next command ({{NAME}} and $NAME), recorded as var.set source capture', async () => {
    const ports = fakePorts([], [{ output: '  pod-1\n\n' }, {}]);
    const out = await runRunbook(config(`# R\n\n## S\n\n${f}sh {capture=POD}\nget\n${f}\n\n${f}sh\nuse {{POD}} "$POD"\n${f}\n`), ports);
    expect(out.status).toBe('completed');
    expect(ports.executed[1]?.env['POD']).toBe('pod-1');
    expect(ports.executed[1]?.env['RUNBOOK_VAR_POD']).toBe('pod-1');
    expect(ports.executed[1]?.script).toBe('use "${RUNBOOK_VAR_POD}" "$POD"');
    expect(ports.events.find((e) => e.type === 'var.set')).toMatchObject({ name: 'POD', value: 'pod-1', source: 'capture' });
  });

  it('a secret-looking capture is recorded as [secret]; a value where arithmetic reads it must be an integer', async () => {
    const ports = fakePorts([], [{ output: 'hunter2hunter2\n' }, {}]);
    await runRunbook(config(`# R\n\n## S\n\n${f}sh {capture=DB_PASSWORD}\nget\n${f}\n\n${f}sh\nuse\n${f}\n`), ports);
    expect(ports.events.find((e) => e.type === 'var.set')).toMatchObject({ name: 'DB_PASSWORD', value: '[secret]' });
    const bad = fakePorts([], [{ output: 'ten\n' }]);
    const r = await runRunbook(config(`# R\n\n## S\n\n${f}sh {capture=N}\nget\n${f}\n\n${f}sh\necho $(( {{N}} + 1 ))\n${f}\n`), bad);
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual([{ id: '1.1', how: 'capture failed' }]);
  });

  it('a deferred name still unset when a command needs it is asked for then; without a way to ask the command cannot start', async () => {
    const src = `# R\n\n## S\n\n${f}sh {allow_failure=true}\nexport PICKED=x; false\n${f}\n\n${f}sh\necho $PICKED\n${f}\n`;
    const asked: string[] = [];
    const ports = { ...fakePorts([], [{ exitCode: 1 }, {}]), askVar: async (name: string) => (asked.push(name), { name, value: 'typed', source: 'prompt' as const, secret: false }) };
    const ok = await runRunbook(config(src, { session: true, deferred: new Set(['PICKED']) }), ports);
    expect(ok.status).toBe('completed');
    expect(asked).toEqual(['PICKED']);
    expect(ports.executed[1]?.env['PICKED']).toBe('typed');
    const no = fakePorts([], [{ exitCode: 1 }]);
    const r = await runRunbook(config(src, { session: true, deferred: new Set(['PICKED']) }), no);
    expect(r.failures).toEqual([{ id: '1.2', how: 'did not start' }]);
    expect(no.executed).toHaveLength(1);
  });
});
