// The runner judges danger on what will run: values filled in, after every edit, through the danger table.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { runRunbook } from '../../../src/runner/engine.js';
import type { RunConfig } from '../../../src/runner/run-config.js';
import type { ResolvedVar } from '../../../src/runner/vars.js';
import { fakePorts, types } from '../../helpers/fake-ports.js';

const f = '```';

async function run(source: string, answers: string[], over: Partial<RunConfig> = {}, results: Parameters<typeof fakePorts>[1] = []) {
  const ports = fakePorts(answers, results);
  const cfg: RunConfig = {
    runbook: parseRunbook(source, '/rb/x.md').runbook,
    mode: 'live', yes: false, allowDangerous: false, fromStep: 1, vars: [], env: { PATH: '/usr/bin:/bin' }, cwd: '/work', shell: 'bash',
    defaultTimeoutMs: 600_000, incident: 'inc-1', actor: 'alice', host: 'box', cliVersion: '0.0.0', ...over,
  };
  const outcome = await runRunbook(cfg, ports);
  const started = ports.events.filter((e) => e.type === 'command.started');
  return { ...ports, outcome, started };
}

const SAFE = `## S\n${f}sh\necho safe\n${f}\n`;

describe('an edit is judged again', () => {
  it('echo safe edited into rm -rf asks for "rm" and is recorded danger: true', async () => {
    const r = await run(SAFE, ['e', 'rm -rf /srv/x', 'r', 'rm']);
    expect(r.asked).toEqual(['command 1.1', 'edit echo safe', 'command 1.1', 'danger rm']);
    expect(r.executed.map((e) => e.script)).toEqual(['rm -rf /srv/x']);
    expect(r.started[0]).toMatchObject({ command: 'rm -rf /srv/x', edited: true, danger: true });
  });

  it('a wrong word does not run the edited command and asks again', async () => {
    const r = await run(SAFE, ['e', 'sudo -u root /bin/rm -rf /srv/x', 'r', 'safe', 's']);
    expect(r.asked).toEqual(['command 1.1', 'edit echo safe', 'command 1.1', 'danger rm', 'command 1.1']);
    expect(r.executed).toEqual([]);
    expect(types(r.events)).toContain('command.skipped 1.1');
  });

  it('a dangerous command edited into a harmless one runs without the word, recorded danger: false', async () => {
    const r = await run(`## S\n${f}sh\nrm -rf /srv/x\n${f}\n`, ['e', 'ls /srv/x', 'r']);
    expect(r.asked).toEqual(['command 1.1', 'edit rm -rf /srv/x', 'command 1.1']);
    expect(r.started[0]).toMatchObject({ command: 'ls /srv/x', edited: true, danger: false });
  });

  it('danger=true stays: the author marked the block, an edit does not unmark it', async () => {
    const r = await run(`## S\n${f}sh {danger=true}\nmy-migrate --apply\n${f}\n`, ['e', 'my-migrate --dry-run', 'r', 'my-migrate']);
    expect(r.started[0]).toMatchObject({ edited: true, danger: true });
  });

  it('after a failure, an edit that makes it dangerous asks for the word; a wrong word skips it', async () => {
    const r = await run(SAFE, ['r', 'e', 'kubectl delete pod api-1', 'nope'], {}, [{ exitCode: 1 }]);
    expect(r.asked).toEqual(['command 1.1', 'failure 1.1', 'edit echo safe', 'danger kubectl']);
    expect(r.executed).toHaveLength(1);
    expect(types(r.events)).toContain('command.skipped 1.1');
  });
});

describe('values are filled in before judging', () => {
  const TOOL = `---\nvars:\n  - name: tool\n    default: rm\n---\n## S\n${f}sh\n{{tool}} -rf /srv/x\n${f}\n`;
  const tool: ResolvedVar[] = [{ name: 'tool', value: 'rm', source: 'default', secret: false }];

  it('{{tool}} -rf with tool=rm is skipped by --yes without --allow-dangerous', async () => {
    const r = await run(TOOL, [], { yes: true, vars: tool });
    expect(r.executed).toEqual([]);
    expect(r.messages.join('\n')).toMatch(/skipped 1\.1: dangerous \(rm -rf \/srv\/x\)/);
  });

  it('and with --allow-dangerous it runs, recorded danger: true', async () => {
    const r = await run(TOOL, [], { yes: true, allowDangerous: true, vars: tool });
    expect(r.executed).toHaveLength(1);
    expect(r.started[0]).toMatchObject({ danger: true });
  });

  it('on a terminal it asks for "rm"', async () => {
    const r = await run(TOOL, ['r', 'rm'], { vars: tool });
    expect(r.asked).toEqual(['command 1.1', 'danger rm']);
  });

  it('a $TOOL environment reference is judged by its value', async () => {
    const r = await run(`## S\n${f}sh\n$TOOL -rf /srv/x\n${f}\n`, [], { yes: true, vars: [{ name: 'TOOL', value: 'rm', source: 'env', secret: false }] });
    expect(r.executed).toEqual([]);
    expect(types(r.events)).toContain('command.skipped 1.1');
  });
});

describe('a block in another language', () => {
  const PY = `## S\n${f}sh {shell=python3}\nimport shutil; shutil.rmtree("/srv/x")\n${f}\n`;

  it('is skipped by --yes without --allow-dangerous, with the reason', async () => {
    const r = await run(PY, [], { yes: true });
    expect(r.executed).toEqual([]);
    expect(r.messages.join('\n')).toMatch(/runs with python3, not a shell/);
  });

  it('asks for the interpreter as the word on a terminal', async () => {
    const r = await run(PY, ['r', 'python3']);
    expect(r.asked).toEqual(['command 1.1', 'danger python3']);
    expect(r.started[0]).toMatchObject({ danger: true });
  });
});
