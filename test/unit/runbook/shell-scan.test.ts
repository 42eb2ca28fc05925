import { describe, expect, it } from 'vitest';
import { angleNames, findEnvRefs } from '../../../src/runbook/shell-scan.js';
import { renderForShell } from '../../../src/runner/vars.js';

// [what, command text, the $NAME references asked for]
const CASES: [string, string, string[]][] = [
  ['after a here-string <<<\'EOF\'', "grep x <<<'EOF'\necho $NAMESPACE", ['NAMESPACE']],
  ['not in single quotes', "echo '$A' $B", ['B']],
  ['not in a comment', 'echo $A # $B', ['A']],
  ['not in a quoted here-document', "cat <<'EOF'\n$A\nEOF\necho $B", ['B']],
  ['in an unquoted here-document', 'cat <<EOF\n$A\nEOF', ['A']],
  ['after name="$(… tr -d \'"\')"', `n="$(hostname | tr -d '"')"\necho $A`, ['A']],
  ['inside "$( )"', 'echo "$(kubectl -n $NS get pods)"', ['NS']],
  ['not assigned by the command itself', 'X=1; echo $X $Y', ['Y']],
  ['never well-known, bash-own or reserved names', 'echo $HOME $PATH $BASH_EXECUTION_STRING $LD_PRELOAD $RUNBOOK_VAR_x $POD', ['POD']],
  ['lower-case names are the shell\'s', 'echo $pod $POD', ['POD']],
];

describe('findEnvRefs: the $NAME references bash would expand', () => {
  it.each(CASES)('%s', (_what, text, refs) => expect(findEnvRefs(text)).toEqual(refs));
});

// [what, command text, the variables its angle placeholders stand for]
const ANGLES: [string, string, string[]][] = [
  ['a word', 'kubectl get node <node-name> -o yaml', ['node_name']],
  ['upper case and _', 'kubectl -n <NAMESPACE> delete pod <pod_name>', ['NAMESPACE', 'pod_name']],
  ['after =', 'kubectl logs --selector=<label> --since=1h', ['label']],
  ['dots', 'ssh <host.domain> uptime', ['host_domain']],
  ['inside $( )', 'echo $(kubectl get pod <pod> -o name)', ['pod']],
  ['< file is a redirection', 'sort < input.txt > out.txt', []],
  ['<<EOF is a here-document', 'cat <<EOF\nhi\nEOF', []],
  ['<<<word is a here-string', 'grep x <<<word', []],
  ['<(cmd) is a process substitution', 'diff <(sort a) <(sort b)', []],
  ['2>&1 and >&2', 'cmd 2>&1 >&2', []],
  ['in double quotes it is text', 'echo "<node-name>"', []],
  ['in single quotes it is text', "echo '<node-name>'", []],
  ['in a comment it is text', 'ls # see <node-name>', []],
  ['in a quoted here-document it is text', "cat <<'EOF'\n<node-name>\nEOF", []],
  ['part of a longer word', 'echo a<b>c', []],
  ['a space inside is no placeholder', 'echo < node name >', []],
];

describe('angle placeholders: <word> where a shell word stands is a variable, real redirections are not', () => {
  it.each(ANGLES)('%s', (_what, text, names) => expect(angleNames(text)).toEqual(names));

  it('is passed as data like {{name}}', () => {
    expect(renderForShell('kubectl get node <node-name> -o yaml', new Map([['node_name', '$(x)']]))).toBe('kubectl get node "${RUNBOOK_VAR_node_name}" -o yaml');
  });
});
