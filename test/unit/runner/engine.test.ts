import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { confirmationWord, runRunbook } from '../../../src/runner/engine.js';
import type { RunConfig } from '../../../src/runner/run-config.js';
import type { ResolvedVar } from '../../../src/runner/vars.js';
import { fakePorts, testRunConfig, types, type Fakes } from '../../helpers/fake-ports.js';

const f = '```';
const RB = `---
id: demo
vars:
  - name: mount
    default: /
---
# Demo

Intro before the steps.

## Look
- [ ] Open the dashboard

${f}sh
df -h {{mount}}
${f}

${f}yaml
shown: only
${f}

## Fix

${f}sh {danger=true name=cleanup}
rm -rf /tmp/demo-cache
${f}

## Verify

${f}sh
uptime
${f}
`;

function config(over: Partial<RunConfig> = {}, source = RB): RunConfig {
  const vars: ResolvedVar[] = [{ name: 'mount', value: '/', source: 'default', secret: false }];
  return testRunConfig(parseRunbook(source, '/rb/demo.md').runbook, { vars, ...over });
}

async function run(answers: string[], over: Partial<RunConfig> = {}, results: Parameters<typeof fakePorts>[1] = [], source?: string): Promise<Fakes & { outcome: Awaited<ReturnType<typeof runRunbook>> }> {
  const ports = fakePorts(answers, results);
  const outcome = await runRunbook(config(over, source), ports);
  return { ...ports, outcome };
}

describe('engine: walking a runbook with an operator', () => {
  it('approve everything: check confirmed, commands run in order, dangerous one after its word', async () => {
    const r = await run(['y', 'r', 'r', 'cleanup', 'r']);
    expect(r.asked).toEqual(['check Open the dashboard', 'command 1.1', 'command 2.1', 'danger cleanup', 'command 3.1']);
    expect(r.executed.map((e) => e.script)).toEqual(['df -h "${RUNBOOK_VAR_mount}"', 'rm -rf /tmp/demo-cache', 'uptime']);
    expect(types(r.events)).toEqual([
      'run.started', 'var.set',
      'step.started 1', 'check.confirmed', 'command.started 1.1', 'command.finished 1.1', 'step.completed 1',
      'step.started 2', 'command.started 2.1', 'command.finished 2.1', 'step.completed 2',
      'step.started 3', 'command.started 3.1', 'command.finished 3.1', 'step.completed 3',
      'run.finished',
    ]);
    expect(r.outcome.status).toBe('completed');
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(r.events.find((e) => e.type === 'command.started' && e.id === '2.1')).toMatchObject({ danger: true, edited: false, command: 'rm -rf /tmp/demo-cache' });
  });

  it('the operator sees and records the command with values filled in; the shell gets them quoted', async () => {
    const r = await run(['s', 'r', 's', 's'], { vars: [{ name: 'mount', value: '/var/log data', source: 'flag', secret: false }] });
    expect(r.executed[0]?.script).toBe('df -h "${RUNBOOK_VAR_mount}"'); // the value never becomes shell text
    expect(r.executed[0]?.env.mount).toBe('/var/log data');
    expect(r.events.find((e) => e.type === 'command.started')).toMatchObject({ command: "df -h '/var/log data'" });
  });

  it('skip records command.skipped and runs nothing; a step whose commands were all skipped is skipped', async () => {
    const r = await run(['s', 's', 's', 's']);
    expect(r.executed).toEqual([]);
    expect(types(r.events)).toContain('command.skipped 1.1');
    expect(types(r.events)).toContain('step.skipped 2');
    expect(r.outcome.counts).toMatchObject({ commandsSkipped: 3, stepsSkipped: 3, stepsDone: 0 });
    expect(r.outcome.status).toBe('completed');
  });

  it('edit: the edited text is what runs and what is recorded, marked edited', async () => {
    const r = await run(['s', 'e', 'df -i /', 'r', 's', 's']);
    expect(r.asked).toContain("edit df -h /");
    expect(r.executed.map((e) => e.script)).toEqual(['df -i /']);
    expect(r.events.find((e) => e.type === 'command.started')).toMatchObject({ command: 'df -i /', edited: true });
  });

  it('note: recorded with the actor, then the same command is offered again', async () => {
    const r = await run(['s', 'n', 'disk at 97%', 'r', 's', 's']);
    expect(r.events.find((e) => e.type === 'note')).toMatchObject({ text: 'disk at 97%', actor: 'alice' });
    expect(r.asked.filter((a) => a === 'command 1.1')).toHaveLength(2);
    expect(r.executed).toHaveLength(1);
  });

  it('note over 64 KiB: not recorded, the operator is told why, and the command is offered again', async () => {
    const r = await run(['s', 'n', 'x'.repeat(64 * 1024 + 1), 'r', 's', 's']);
    expect(r.events.filter((e) => e.type === 'note')).toHaveLength(0);
    expect(r.messages.join('\n')).toMatch(/not recorded: a note is at most 64 KiB/);
    expect(r.asked.filter((a) => a === 'command 1.1')).toHaveLength(2);
  });

  it('stop at a command prompt ends the run as aborted and runs nothing more', async () => {
    const r = await run(['y', 'q']);
    expect(r.executed).toEqual([]);
    expect(r.outcome.status).toBe('aborted');
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('stop at a check ends the run as aborted', async () => {
    const r = await run(['q']);
    expect(r.outcome.status).toBe('aborted');
  });

  it('a skipped check is recorded as skipped (the operator\'s answer), never as confirmed', async () => {
    const r = await run(['s', 's', 's', 's']);
    expect(types(r.events)).not.toContain('check.confirmed');
    expect(r.events.filter((e) => e.type === 'check.skipped')).toEqual([expect.objectContaining({ type: 'check.skipped', step: 1 })]);
  });

  it('a dangerous command with the wrong word does not run, and is offered again', async () => {
    const r = await run(['s', 's', 'r', 'yes', 's', 's']);
    expect(r.executed).toEqual([]);
    expect(r.asked).toEqual(['check Open the dashboard', 'command 1.1', 'command 2.1', 'danger cleanup', 'command 2.1', 'command 3.1']);
    expect(r.messages.join('\n')).toMatch(/did not match "cleanup"/);
  });

  it('after a failure: retry runs it again', async () => {
    const r = await run(['s', 'r', 'r', 's', 's'], {}, [{ exitCode: 2 }, { exitCode: 0 }]);
    expect(r.executed).toHaveLength(2);
    expect(r.asked).toContain('failure 1.1');
    expect(types(r.events).filter((t) => t === 'command.started 1.1')).toHaveLength(2);
    expect(r.outcome.status).toBe('completed');
  });

  it('after a failure: edit changes the command and runs it', async () => {
    const r = await run(['s', 'r', 'e', 'df -h /tmp', 's', 's'], {}, [{ exitCode: 1 }, { exitCode: 0 }]);
    expect(r.executed.map((e) => e.script)).toEqual(['df -h "${RUNBOOK_VAR_mount}"', 'df -h /tmp']);
    expect(r.events.filter((e) => e.type === 'command.started').at(-1)).toMatchObject({ edited: true, command: 'df -h /tmp' });
  });

  it('after a failure: continue goes on, and the run completes', async () => {
    const r = await run(['s', 'r', 'c', 's', 's'], {}, [{ exitCode: 1 }]);
    expect(r.outcome.status).toBe('completed');
    expect(r.outcome.counts.commandsFailed).toBe(1);
  });

  it('after a failure: stop ends the run as failed (the failure is left unresolved)', async () => {
    const r = await run(['s', 'r', 'q'], {}, [{ exitCode: 1 }]);
    expect(r.outcome.status).toBe('failed');
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
    expect(r.executed).toHaveLength(1);
  });

  it('an edit that ends with a newline runs without it; an edit that changes nothing is not recorded as edited', async () => {
    const src = `## S\n${f}sh\necho a\necho b\n${f}\n${f}sh\nuptime\n${f}\n`;
    const r = await run(['e', 'echo A\necho B\n\n', 'r', 'e', 'uptime\n', 'r'], { vars: [] }, [], src);
    expect(r.executed.map((e) => e.script)).toEqual(['echo A\necho B', 'uptime']);
    expect(r.events.filter((e) => e.type === 'command.started')).toEqual([
      expect.objectContaining({ id: '1.1', command: 'echo A\necho B', edited: true }),
      expect.objectContaining({ id: '1.2', command: 'uptime', edited: false }),
    ]);
  });

  it('after Ctrl-C interrupted a command: stop ends the run as aborted (the operator chose to stop)', async () => {
    const r = await run(['s', 'r', 'q'], {}, [{ exitCode: null, signal: 'SIGINT', interrupted: true }]);
    expect(r.outcome.status).toBe('aborted');
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('counts commands, not attempts: a failure retried until it works is one command run and none failed', async () => {
    const r = await run(['s', 'r', 'r', 'r', 's', 's'], {}, [{ exitCode: 1 }, { exitCode: 1 }, { exitCode: 0 }]);
    expect(r.executed).toHaveLength(3);
    expect(r.outcome.counts).toMatchObject({ commandsRun: 1, commandsFailed: 0 });
    expect(r.outcome.failures).toEqual([]);
  });

  it('names each command whose last attempt failed, with how it ended, and counts skipped checks', async () => {
    const r = await run(['s', 'r', 'r', 'c', 's', 'r', 'c'], {}, [{ exitCode: 2 }, { exitCode: 1 }, { exitCode: null, interrupted: true, signal: 'SIGINT' }]);
    expect(r.outcome.status).toBe('completed');
    expect(r.outcome.counts).toMatchObject({ commandsRun: 2, commandsFailed: 2, commandsSkipped: 1, checksSkipped: 1, checksConfirmed: 0 });
    expect(r.outcome.failures).toEqual([
      { id: '1.1', how: 'exit 1' },
      { id: '3.1', how: 'interrupted' },
    ]);
  });

  it('a timed out or interrupted command counts as failed and offers the failure choices', async () => {
    const r = await run(['s', 'r', 'c', 's', 's'], {}, [{ exitCode: null, signal: 'SIGTERM', timedOut: true }]);
    expect(r.events.find((e) => e.type === 'command.finished')).toMatchObject({ timed_out: true, exit_code: null, signal: 'SIGTERM' });
    expect(r.asked).toContain('failure 1.1');
  });

  it('allow_failure: a non-zero exit is shown but neither asks nor fails the run', async () => {
    const src = `## S\n${f}sh {allow_failure=true}\ngrep nothing /dev/null\n${f}\n${f}sh\necho after\n${f}\n`;
    const r = await run([], { yes: true, vars: [] }, [{ exitCode: 1 }, { exitCode: 0 }], src);
    expect(r.executed).toHaveLength(2);
    expect(r.outcome.status).toBe('completed');
  });

  it('output goes to the timeline as command.output before command.finished', async () => {
    const r = await run(['s', 'r', 's', 's'], {}, [{ output: 'Filesystem Size\n/dev/sda1 10G\n' }]);
    const i = r.events.findIndex((e) => e.type === 'command.output');
    expect(r.events[i]).toMatchObject({ id: '1.1', stream: 'stdout', data: 'Filesystem Size\n/dev/sda1 10G\n' });
    expect(r.events[i + 1]?.type).toBe('command.finished');
  });
});

describe('engine: introduction', () => {
  it('shows the prose before the first step once the run has started, and not again on resume', async () => {
    const seen: string[] = [];
    const ports = fakePorts([], []);
    ports.view = { ...ports.view, intro: (t) => void seen.push(t) };
    await runRunbook(config({ yes: true }), ports);
    expect(seen).toEqual(['Intro before the steps.']);
    seen.length = 0;
    await runRunbook(config({ yes: true, fromStep: 2, resumed: { originMonoMs: 0 } }), ports);
    expect(seen).toEqual([]);
  });
});

describe('engine: order within a step', () => {
  it('each run of prose is shown just before the command or check that follows it', async () => {
    const shown: string[] = [];
    const ports = fakePorts([], []);
    ports.view = { ...ports.view, prose: (t) => void shown.push(`prose ${t}`), check: (t) => void shown.push(`check ${t}`), command: (d) => void shown.push(`command ${d}`) };
    const src = `## S\nCheck the pods first:\n\n${f}sh\nkubectl get pods\n${f}\n\nThen the logs:\n\n${f}sh\nkubectl logs x\n${f}\n\n- [ ] errors stopped\n`;
    await runRunbook(config({ yes: true, vars: [] }, src), ports);
    expect(shown.filter((x) => !x.startsWith('command ') || x.includes('kubectl'))).toEqual([
      'prose Check the pods first:',
      'command kubectl get pods',
      'prose Then the logs:',
      'command kubectl logs x',
      'check errors stopped',
    ]);
  });

  it('checks and commands are asked in the order they are written', async () => {
    const src = `## S\n- [ ] open the dashboard\n\n${f}sh\nuptime\n${f}\n\n- [ ] error rate is back to normal\n`;
    const r = await run(['y', 'r', 'y'], { vars: [] }, [], src);
    expect(r.asked).toEqual(['check open the dashboard', 'command 1.1', 'check error rate is back to normal']);
    expect(types(r.events)).toEqual(['run.started', 'step.started 1', 'check.confirmed', 'command.started 1.1', 'command.finished 1.1', 'check.confirmed', 'step.completed 1', 'run.finished']);
  });
});

describe('engine: flags', () => {
  it('--from-step N records earlier steps as skipped and starts at N', async () => {
    const r = await run(['r'], { fromStep: 3 });
    expect(types(r.events).slice(2, 5)).toEqual(['step.skipped 1', 'step.skipped 2', 'step.started 3']);
    expect(r.executed.map((e) => e.script)).toEqual(['uptime']);
  });

  it('--resume continues without a second run.started, from the given step, recording run.resumed first', async () => {
    const r = await run(['r'], { fromStep: 3, resumed: { originMonoMs: 0 } });
    expect(r.events[0]).toMatchObject({ type: 'run.resumed', step: 3 });
    expect(types(r.events)[1]).toBe('step.started 3');
    expect(types(r.events)).not.toContain('run.started');
  });

  it('--dry-run shows every command, runs none, asks nothing', async () => {
    const r = await run([], { mode: 'dry-run' });
    expect(r.executed).toEqual([]);
    expect(r.asked).toEqual([]);
    expect(r.events[0]).toMatchObject({ type: 'run.started', mode: 'dry-run' });
    expect(types(r.events).filter((t) => t.startsWith('command.skipped'))).toHaveLength(3);
  });

  it('--yes runs non-dangerous commands without asking and skips dangerous ones', async () => {
    const r = await run([], { yes: true });
    expect(r.asked).toEqual([]);
    expect(r.executed.map((e) => e.script)).toEqual(['df -h "${RUNBOOK_VAR_mount}"', 'uptime']);
    expect(types(r.events)).toContain('command.skipped 2.1');
    expect(r.outcome.status).toBe('completed');
  });

  it('--yes --allow-dangerous runs dangerous commands too, still without asking', async () => {
    const r = await run([], { yes: true, allowDangerous: true });
    expect(r.asked).toEqual([]);
    expect(r.executed.map((e) => e.script)).toEqual(['df -h "${RUNBOOK_VAR_mount}"', 'rm -rf /tmp/demo-cache', 'uptime']);
  });

  it('--yes stops the run as failed at the first failing command', async () => {
    const r = await run([], { yes: true }, [{ exitCode: 3 }]);
    expect(r.executed).toHaveLength(1);
    expect(r.outcome.status).toBe('failed');
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
  });

  it('--yes skips interactive commands (nobody is there to use them)', async () => {
    const r = await run([], { yes: true, vars: [] }, [], `## S\n${f}sh {interactive=true}\ntop\n${f}\n`);
    expect(r.executed).toEqual([]);
    expect(types(r.events)).toContain('command.skipped 1.1');
  });

  it('a stop signal while running ends the run as aborted', async () => {
    const ac = new AbortController();
    const ports = fakePorts([], []);
    ports.executor = {
      async run() {
        ac.abort();
        return { exitCode: null, signal: 'SIGTERM', durationMs: 1, timedOut: false, interrupted: false };
      },
    };
    const outcome = await runRunbook(config({ yes: true }), { ...ports, stop: ac.signal });
    expect(outcome.status).toBe('aborted');
    expect(ports.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('secret values are masked in var.set and in the recorded command', async () => {
    const src = `---\nvars:\n  - name: pw\n    secret: true\n---\n## S\n${f}sh\nmysql -p{{pw}}\n${f}\n`;
    const r = await run([], { yes: true, vars: [{ name: 'pw', value: 'hunter2!', source: 'env', secret: true }] }, [], src);
    const text = JSON.stringify(r.events);
    expect(text).not.toContain('hunter2!');
    expect(r.events.find((e) => e.type === 'var.set')).toMatchObject({ value: '[secret]' });
    expect(r.executed[0]?.script).toBe('mysql -p"${RUNBOOK_VAR_pw}"');
    expect(r.executed[0]?.env.RUNBOOK_VAR_pw).toBe('hunter2!');
    // The shown form hides the secret, so the script that ran is recorded beside it (references only).
    expect(r.events.find((e) => e.type === 'command.started')).toMatchObject({ command: 'mysql -p[secret]', script: 'mysql -p"${RUNBOOK_VAR_pw}"' });
  });

  it('a command with no secret in it records only the shown form', async () => {
    const r = await run([], { yes: true }, [], `---
vars:
  - name: mount
    default: /
---
## S
${f}sh
df -h {{mount}}
${f}
`);
    const started = r.events.find((e) => e.type === 'command.started');
    expect(started).toMatchObject({ command: 'df -h /' });
    expect(started).not.toHaveProperty('script');
  });
});

describe('confirmation word', () => {
  it('is the name attribute, else the program the command runs', () => {
    const rb = parseRunbook(`## S\n${f}sh {danger=true}\nsudo systemctl restart nginx\n${f}\n${f}sh {danger=true}\nFOO=1 kubectl delete pod x\n${f}\n`, '/x.md').runbook;
    const [a, b] = rb.steps[0]!.commands;
    expect(confirmationWord(a!, a!.text)).toBe('systemctl');
    expect(confirmationWord(b!, b!.text)).toBe('kubectl');
  });
});
