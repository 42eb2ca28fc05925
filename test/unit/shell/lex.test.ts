import { describe, expect, it } from 'vitest';
import { lex, type Quote } from '../../../src/shell/lex.js';

/** The context bash reads the first character of `X` in (each text holds exactly one X). */
function contextOfX(text: string): [Quote, number, boolean] {
  const i = text.indexOf('X');
  if (i < 0 || text.indexOf('X', i + 1) >= 0) throw new Error(`test text must hold one X: ${text}`);
  const c = lex(text).at[i]!;
  return [c.quote, c.depth, c.arith];
}

// [what, text, quote, depth, arith]
const CONTEXTS: [string, string, Quote, number, boolean][] = [
  ['unquoted word', 'echo X', 'plain', 0, false],
  ['single quotes', "echo 'a X b'", 'single', 0, false],
  ['double quotes', 'echo "a X b"', 'double', 0, false],
  ['$\'…\' with \\\' inside', "echo $'it\\'s X'", 'ansi', 0, false],
  ['after $\'it\\\'s\'', "echo $'it\\'s'; echo 'a X'", 'single', 0, false],
  ['$( ) unquoted', 'echo $(cat X)', 'plain', 1, false],
  ['$( ) nested', 'echo $(a $(b X))', 'plain', 2, false],
  ['"$( )"', 'echo "$(cat X)"', 'plain', 1, false],
  ['a double quote inside "$( )" opens a new one', 'echo "$(echo "X")"', 'double', 1, false],
  ["a single quote inside \"$( )\" quotes", `echo "$(tr -d 'X')"`, 'single', 1, false],
  ['next line after name="$(hostname | tr -d \'"\')"', `name="$(hostname | tr -d '"')"\necho 'checking X from'`, 'single', 0, false],
  ['next line after sed \'s/"//g\' inside "$( )"', `v="$(echo a | sed 's/"//g')"\necho 'X'`, 'single', 0, false],
  ['backticks', 'echo `cat X`', 'plain', 1, false],
  ['backticks inside "…"', 'echo "a `cat X` b"', 'plain', 1, false],
  ['after backticks inside "…"', 'echo "a `cat \'f\'` b" \'X\'', 'single', 0, false],
  ['$(( ))', 'echo $(( X * 1 ))', 'plain', 0, true],
  ['single quotes do not quote in $(( ))', "echo $(( 'X' * 1 ))", 'plain', 0, true],
  ['"$(( ))"', 'echo "$(( X + 1 ))"', 'double', 0, true],
  ['(( ))', '(( X > 3 )) && echo big', 'plain', 0, true],
  ['$[ ]', 'echo $[ X + 1 ]', 'plain', 0, true],
  ['let', 'let n=X+1', 'plain', 0, true],
  ['[[ -gt ]] right operand', '[[ "$used" -gt "X" ]]', 'double', 0, true],
  ['[[ -le ]] left operand', '[[ X -le 3 ]]', 'plain', 0, true],
  ['[[ == ]] is not arithmetic', '[[ X == 3 ]]', 'plain', 0, false],
  ['declare -i value', 'declare -i n=X', 'plain', 0, true],
  ['array subscript in an assignment', 'a[X]=1', 'plain', 0, true],
  ['array subscript in ${a[ ]}', 'echo ${a[X]}', 'plain', 0, true],
  ['substring offset ${s:N}', 'echo ${s:X}', 'plain', 0, true],
  ['substring length ${s:1:N}', 'echo "${s:1:X}"', 'double', 0, true],
  ['negative offset ${s: -N}', 'echo ${s: -X}', 'plain', 0, true],
  ['${s:-default} is no offset', 'echo ${s:-X}', 'plain', 0, false],
  ['${s:+alt} is no offset', 'echo ${s:+X}', 'plain', 0, false],
  ['after ${s:N}', 'echo ${s:1} X', 'plain', 0, false],
  ['comment', 'ls # restart X', 'comment', 0, false],
  ['comment after quotes with #', "echo 'a #b' # X", 'comment', 0, false],
  ['# inside quotes is no comment', "echo 'a # X'", 'single', 0, false],
  ['# mid-word is no comment', 'echo a#X', 'plain', 0, false],
  ['apostrophe in a comment does not open a quote', "# don't\necho X", 'plain', 0, false],
  ['unquoted here-document body', 'cat <<EOF\nhello X\nEOF', 'heredoc', 0, false],
  ["quoted here-document body <<'EOF'", "cat <<'EOF'\nhello X\nEOF", 'quoted-heredoc', 0, false],
  ['quoted here-document body <<"EOF"', 'cat <<"EOF"\nhello X\nEOF', 'quoted-heredoc', 0, false],
  ['quoted here-document body <<\\EOF', 'cat <<\\EOF\nhello X\nEOF', 'quoted-heredoc', 0, false],
  ['<<- strips tabs before the delimiter', "cat <<-'EOF'\n\tb\n\tEOF\necho 'X'", 'single', 0, false],
  ['two here-documents on one line: the second body', "cat <<A <<'B'\n1\nA\nX\nB", 'quoted-heredoc', 0, false],
  ['after two here-documents', "cat <<A <<'B'\n'1\nA\n'2\nB\necho X", 'plain', 0, false],
  ['apostrophe in a here-document body does not open a quote', "cat <<EOF\ndon't\nEOF\necho X", 'plain', 0, false],
  ['$( ) in an unquoted here-document', 'cat <<EOF\n$(cat X)\nEOF', 'plain', 1, false],
  ["here-string <<<'EOF' is not a here-document", "grep x <<<'EOF'\necho X", 'plain', 0, false],
  ['here-string word', "grep x <<<'a X'", 'single', 0, false],
  ['line continuation', "echo a \\\n  'X'", 'single', 0, false],
  ['case pattern ) is no subshell close', "x=$(case a in a) echo 'b';; esac; echo X)", 'plain', 1, false],
  ['{ } group', "{ echo 'X'; }", 'single', 0, false],
  ['subshell', "( cd /tmp && echo 'X' )", 'single', 0, false],
  ['process substitution', 'diff <(sort X) b', 'plain', 1, false],
  ['${x:-default} in double quotes', 'echo "${v:-X}"', 'double', 0, false],
  ["apostrophes pair inside \"${x:-'…'}\" but do not quote", `echo "\${v:-'a'}" 'X'`, 'single', 0, false],
  ['$"…" locale string', 'echo $"a X"', 'double', 0, false],
  ['escaped quote is no quote', "echo \\' X", 'plain', 0, false],
];

describe('lex: the quoting context of every character', () => {
  it.each(CONTEXTS)('%s', (_what, text, quote, depth, arith) => {
    expect(contextOfX(text)).toEqual([quote, depth, arith]);
  });
});

const names = (text: string): string[] => lex(text).commands.map((c) => c.words.map((w) => w.value ?? w.raw).join(' '));

// [what, text, simple commands (words joined by a space; an expansion shows as written)]
const COMMANDS: [string, string, string[]][] = [
  ['a pipeline and lists', 'a 1 | b && c || d; e & f', ['a 1', 'b', 'c', 'd', 'e', 'f']],
  ['if/then/else/fi', 'if [ -d X ]; then rm -rf X; else echo no; fi', ['[ -d X ]', 'rm -rf X', 'echo no']],
  ['while/do/done, !, time', 'while ! test -f x; do time sleep 1; done', ['test -f x', 'sleep 1']],
  ['for loop words are not commands', 'for f in a b; do rm "$f"; done', ['rm "$f"']],
  ['arithmetic for', 'for ((i=0;i<3;i++)); do echo $i; done', ['echo $i']],
  ['{ } groups and ( ) subshells', '{ a; b; } && ( c )', ['a', 'b', 'c']],
  ['inside $( ), backticks and <( )', 'x=$(a) b `c` <(d)', ['a', 'c', 'd', 'b `c` <(d)']],
  ['assignments are not words', 'x=1 FOO="a b" rm -rf y', ['rm -rf y']],
  ['redirections are not words', 'cmd >out 2>&1 <in arg <<<word', ['cmd arg']],
  ['a quoted command name keeps its value', 'kubectl "delete" pod', ['kubectl delete pod']],
  ['case arms', 'case $x in a|b) rm a;; *) echo c;; esac', ['rm a', 'echo c']],
  ['function definitions', 'f() { rm -rf x; }\nf', ['rm -rf x', 'f']],
  ['[[ ]] is not a command', '[[ -n x ]] && echo y', ['echo y']],
  ['comments hold no commands', "echo 'a #b'; rm -rf X # rm -rf Y", ['echo a #b', 'rm -rf X']],
  ['here-document bodies hold no commands', "cat <<'EOF'\nrm -rf /\nEOF\nls", ['cat', 'ls']],
  ['newlines separate commands', 'set -e\nrm -rf x', ['set -e', 'rm -rf x']],
  ['line continuation joins', 'rm \\\n -rf x', ['rm -rf x']],
];

describe('lex: simple commands in every position', () => {
  it.each(COMMANDS)('%s', (_what, text, expected) => {
    expect(names(text).sort()).toEqual([...expected].sort());
  });

  it('reports the depth a command stands at', () => {
    expect(lex('echo "$(a $(b))"').commands.map((c) => [c.words[0]!.value, c.depth])).toEqual([['b', 2], ['a', 1], ['echo', 0]]);
  });
});

describe('lex: here-documents and parameters', () => {
  it('records each here-document with its body span', () => {
    const text = "cat <<A <<-'B'\none\nA\n\ttwo\n\tB\n";
    const h = lex(text).heredocs;
    expect(h.map((d) => [d.delim, d.quoted, d.strip, text.slice(d.bodyStart, d.bodyEnd)])).toEqual([
      ['A', false, false, 'one\n'],
      ['B', true, true, '\ttwo\n'],
    ]);
    expect(h[0]!.op).toBe(4);
  });

  it('a here-string is no here-document', () => {
    expect(lex("grep x <<<'EOF'\necho $NAMESPACE").heredocs).toEqual([]);
  });

  it('lists the parameter expansions bash performs, not those in single quotes, comments or quoted bodies', () => {
    const text = "echo $A \"${B:-x}\" '$C' $'$D' # $E\ncat <<'Q'\n$F\nQ\ncat <<U\n$G\nU\necho $(echo $H) $((I + $J))";
    expect(lex(text).params.map((p) => p.name)).toEqual(['A', 'B', 'G', 'H', 'J']);
  });

  it('word values are the text after quote removal, or null with an expansion', () => {
    const words = lex(`echo 'a b' "c" d\\ e $'f\\ng' "$x" \`y\``).commands.find((c) => c.depth === 0)!.words;
    expect(words.map((w) => w.value)).toEqual(['echo', 'a b', 'c', 'd e', 'f\ng', null, null]);
  });
});
