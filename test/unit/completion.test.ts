// The completion scripts come from the commander definition: whatever cli.ts declares is completed.
import { describe, expect, it } from 'vitest';
import { route, type CommandSpec } from '../../src/cli.js';
import { bashScript } from '../../src/commands/completion.js';

const sink = { write: () => true } as unknown as NodeJS.WritableStream;
const spec = (): CommandSpec[] => {
  const r = route(['completion', 'bash'], { stdout: sink, stderr: sink });
  if (r?.command !== 'completion') throw new Error('no completion route');
  return r.spec;
};

describe('completion', () => {
  it('every command and every flag of the definition is in the bash script', () => {
    const script = bashScript(spec());
    const commands = spec().filter((c) => c.name !== '');
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['list', 'run', 'mark', 'incidents', 'replay', 'export', 'drill']));
    for (const c of commands) {
      const line = script.split('\n').find((l) => l.trim().startsWith(`${c.name}) COMPREPLY=( $(compgen -W "--`) || l.trim() === `${c.name}) COMPREPLY=( $(compgen -W "--help" -- "$cur") ) ;;`);
      expect(line, c.name).toBeDefined();
      for (const flag of c.options.flatMap((o) => o.flags)) expect(line, `${c.name} ${flag}`).toContain(flag);
    }
  });

  it('a flag added to a command is completed without a second list', () => {
    const s = spec();
    const list = s.find((c) => c.name === 'list') as CommandSpec;
    list.options.push({ flags: ['--owner'], value: true, name: 'timeline' });
    const script = bashScript(s);
    expect(script).toMatch(/list\) COMPREPLY=\( \$\(compgen -W "[^"]*--owner/);
    expect(script).toContain('list:--owner) _runbook_timelines; return ;;');
  });
});
