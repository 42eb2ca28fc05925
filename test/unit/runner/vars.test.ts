import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { parseVarFlags, presetValue, renderForDisplay, renderForShell, shellQuote, validateVar, varsNeeded, commandEnv } from '../../../src/runner/vars.js';

const rb = parseRunbook(
  `---
vars:
  - name: mount
    default: /
    pattern: '^/'
  - name: env
    choices: [prod, staging]
  - name: token
    secret: true
---
## S
\`\`\`sh
kubectl -n $NAMESPACE get pod $POD; df -h {{mount}}
\`\`\`
`,
  '/rb/x.md',
).runbook;

describe('variables', () => {
  it('declared vars and undeclared upper-case $NAME references are needed', () => {
    expect(varsNeeded(rb).map((n) => [n.name, n.implicit])).toEqual([
      ['mount', false],
      ['env', false],
      ['token', false],
      ['NAMESPACE', true],
      ['POD', true],
    ]);
  });

  it('values come from --var, then the environment, then the default', () => {
    const mount = varsNeeded(rb)[0]!;
    const none = new Map<string, string>();
    expect(presetValue(mount, new Map([['mount', '/data']]), { mount: '/env' })).toEqual({ value: '/data', source: 'flag' });
    expect(presetValue(mount, none, { mount: '/env' })).toEqual({ value: '/env', source: 'env' });
    expect(presetValue(mount, none, {})).toEqual({ value: '/', source: 'default' });
    expect(presetValue(varsNeeded(rb)[3]!, none, {})).toBeUndefined();
  });

  it('pattern and choices are enforced, secrets are not echoed in the message', () => {
    const [mount, env] = varsNeeded(rb);
    expect(validateVar(mount!, 'relative')).toMatch(/mount must match/);
    expect(validateVar(mount!, '/ok')).toBeNull();
    expect(validateVar(env!, 'dev')).toMatch(/one of prod, staging/);
    const secret = { name: 's', implicit: false, decl: { name: 's', required: false, secret: true, pattern: '^x' } };
    expect(validateVar(secret, 'hunter2')).not.toContain('hunter2');
  });

  it('--var flags must be NAME=VALUE; values may contain =', () => {
    expect(parseVarFlags(['A=1', 'B=x=y', 'bad', '=v'])).toEqual({ values: new Map([['A', '1'], ['B', 'x=y']]), errors: ['--var "bad": expected NAME=VALUE', '--var "=v": expected NAME=VALUE'] });
    // An angle placeholder's name as written (`<node-name>`) is its variable (node_name).
    expect(parseVarFlags(['node-name=w3', 'pod.id=7', '-x=1'])).toEqual({ values: new Map([['node_name', 'w3'], ['pod_id', '7']]), errors: ['--var "-x=1": expected NAME=VALUE'] });
  });

  it('placeholders become a reference to the environment in the form their quoting context needs', () => {
    const values = new Map([['v', `it's $(x)`]]);
    expect(renderForShell('echo {{v}}', values)).toBe('echo "${RUNBOOK_VAR_v}"');
    expect(renderForShell('echo "a {{v}} b"', values)).toBe('echo "a ${RUNBOOK_VAR_v} b"');
    expect(renderForShell("echo 'a {{v}} b'", values)).toBe(`echo 'a '"\${RUNBOOK_VAR_v}"' b'`);
    expect(renderForShell('echo {{unknown}}', values)).toBe('echo {{unknown}}');
    expect(shellQuote('')).toBe("''");
  });

  it.each([
    ['unquoted', 'echo {{v}}', 'echo "${RUNBOOK_VAR_v}"'],
    ['double quotes', 'echo "a {{v}}"', 'echo "a ${RUNBOOK_VAR_v}"'],
    ['single quotes', "echo 'a {{v}}'", `echo 'a '"\${RUNBOOK_VAR_v}"''`],
    ["$'…'", "echo $'a\\'{{v}}'", `echo $'a\\''"\${RUNBOOK_VAR_v}"$''`],
    ['comment', '# restart {{v}}\nls', '# restart ${RUNBOOK_VAR_v}\nls'],
    ['arithmetic', 'echo $(( {{v}} + 1 ))', 'echo $(( ${RUNBOOK_VAR_v} + 1 ))'],
    ['unquoted here-document', 'cat <<EOF\n{{v}} $HOME\nEOF', 'cat <<EOF\n${RUNBOOK_VAR_v} $HOME\nEOF'],
    ["quoted here-document: rewritten unquoted, its text escaped", "cat <<-'EOF' >f\n\t$HOME \\ `x` {{v}}\n\tEOF\necho done", 'cat <<-EOF >f\n\t\\$HOME \\\\ \\`x\\` ${RUNBOOK_VAR_v}\n\tEOF\necho done'],
    ['"$( )" then a next line', `n="$(hostname | tr -d '"')"\necho 'checking {{v}} from'`, `n="$(hostname | tr -d '"')"\necho 'checking '"\${RUNBOOK_VAR_v}"' from'`],
  ])('a placeholder %s becomes the reference its context needs', (_what, text, script) => {
    expect(renderForShell(text, new Map([['v', '$(touch pwned)']]))).toBe(script);
  });

  it('a quoted here-document whose delimiter is not a plain word cannot take a value: refused, not run', () => {
    expect(() => renderForShell("cat <<'END HERE'\n{{v}}\nEND HERE", new Map([['v', 'x']]))).toThrow(/here-document ending "END HERE"/);
  });

  it('the operator sees values filled in, secrets masked', () => {
    const vars = new Map([
      ['mount', { name: 'mount', value: '/data', source: 'flag' as const, secret: false }],
      ['token', { name: 'token', value: 'hunter2', source: 'env' as const, secret: true }],
      ['msg', { name: 'msg', value: 'two words', source: 'flag' as const, secret: false }],
    ]);
    expect(renderForDisplay('df -h {{mount}} --token {{token}} && echo {{msg}}', vars)).toBe("df -h /data --token [secret] && echo 'two words'");
  });

  it('each value is in the command environment by name and as RUNBOOK_VAR_name', () => {
    const env = commandEnv({ PATH: '/bin' }, [{ name: 'NAMESPACE', value: 'shop', source: 'flag', secret: false }]);
    expect(env).toEqual({ PATH: '/bin', NAMESPACE: 'shop', RUNBOOK_VAR_NAMESPACE: 'shop' });
  });
});
