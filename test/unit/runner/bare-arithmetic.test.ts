// A bare name in arithmetic reads a variable whose value bash evaluates as an expression: value-rules.ts
// counts it as a use in arithmetic, as `$NAME` there is.
import { describe, expect, it } from 'vitest';
import { lex } from '../../../src/shell/lex.js';
import { bareArithmeticNames } from '../../../src/runner/value-rules.js';

const names = (text: string): string[] => bareArithmeticNames(text, lex(text)).map((n) => n.name);

describe('bareArithmeticNames', () => {
  it.each([
    ['echo $(( N + 1 ))', ['N']],
    ['(( COUNT > LIMIT )) && echo over', ['COUNT', 'LIMIT']],
    ['[[ PCT -ge 90 ]] && echo full', ['PCT']],
    ['let "x = Y * 2"', ['x', 'Y']],
    ['a[IDX]=1; echo ${a[J]}', ['IDX', 'J']],
    ['echo ${s:OFF:LEN}', ['OFF', 'LEN']],
    ['for ((i = 0; i < N; i++)); do :; done', ['i', 'i', 'N', 'i']],
    ['echo $[ K + 1 ]', ['K']],
  ])('%s', (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it.each([
    // Numbers with letters in them, and expansions (Lexed.params lists those).
    'echo $(( 0x1F + 16#ff + 2#101 ))',
    'echo $(( $N + ${M} + ${#S} ))',
    // The words of a command substituted inside arithmetic are that command's, not names.
    '[[ $(kubectl get pods -n "$NS" | wc -l) -gt 0 ]] && echo some',
    "echo $(( $(grep -c 'ERROR' f) + 1 ))",
    // Not arithmetic at all.
    "echo N; echo 'x $(( N ))'; [[ N == 3 ]]; echo ${s:-N}",
  ])('none in %s', (text) => {
    expect(names(text)).toEqual([]);
  });
});

describe('a shell reading its commands from standard input', () => {
  const why = async (text: string): Promise<string[]> => {
    const { parseRunbook } = await import('../../../src/runbook/parse.js');
    const { reparsedUses } = await import('../../../src/runner/value-rules.js');
    const rb = parseRunbook(`# R\n\n## S\n\n\`\`\`sh\n${text}\n\`\`\`\n`, '/r.md').runbook;
    return reparsedUses(rb).filter((u) => u.name === 'V').map((u) => u.why);
  };
  it.each(['echo "echo $V" | bash', 'bash <<< "echo $V"', 'echo "$V" | sh -s -- a b', 'ssh-add -l; echo "$V" | sh -e', 'docker exec -i api sh <<< "echo $V"'])('flags %s', async (text) => {
    expect((await why(text))[0]).toMatch(/reading its commands from standard input/);
  });
  it.each(['bash ./deploy.sh "$V"', "bash -c 'echo \"$1\"' _ \"$V\"", 'sh -x ./run.sh "$V"', 'echo "$V" | grep bash'])('not %s', async (text) => {
    expect(await why(text)).toEqual([]);
  });
});
