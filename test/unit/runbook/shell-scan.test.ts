import { describe, expect, it } from 'vitest';
import { findEnvRefs } from '../../../src/runbook/shell-scan.js';

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
