// §3: a value is never spliced into shell text as code. Whatever a value holds, `printf '%s'` of it prints it
// byte for byte, in every quoting context a runbook can put a placeholder in, and through `$NAME`; and nothing
// inside it runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const RUNBOOK = `# Values

## Print them

\`\`\`sh
printf '%s' {{name}} > unquoted.out
\`\`\`

\`\`\`sh
printf '%s' "{{name}}" > double.out
\`\`\`

\`\`\`sh
printf '%s' '{{name}}' > single.out
\`\`\`

\`\`\`sh
printf '%s' "$PAYLOAD" > env.out
\`\`\`

\`\`\`sh
printf '%s' x{{name}}"y{{name}}"'z{{name}}' > mixed.out
\`\`\`

An apostrophe in a comment or in a here-document is no quote: the contexts after it must not flip.

\`\`\`sh
# don't panic
printf '%s' '{{name}}' > after-comment.out
\`\`\`

\`\`\`sh
cat <<EOF > heredoc.out
{{name}}
it's {{name}}
EOF
printf '%s' '{{name}}' > after-heredoc.out
\`\`\`

\`\`\`sh
cat <<'EOF' > quoted-heredoc.out
{{name}}
EOF
\`\`\`
`;

const hostile = [
  '$(touch pwned)', '`touch pwned`', '$(touch pwned-$RANDOM)', "'", '"', "'\\''", '"\'"', ';', ';touch pwned;', '|', '| touch pwned',
  '&&', '&', '\n', '\r\n', '\\', '\\\\', '\\"', "\\'", '-', '-n', '--', '-e', '$HOME', '${IFS}', '$PAYLOAD', '$1', '*', '?', '~',
  '!', '!!', '#', '>', '<', ' ', '\t', '{{name}}', '%s', '%b', 'é', '日本語', '🔥', '\u200b', '\x1b[31m', '\x7f', '$', '{', '}',
  '(', ')', '[[', ']]', '\nEOF\n', 'EOF', '<<EOF', '# ', "'$(touch pwned)'", '"$(touch pwned)"', '\\$(touch pwned)',
];

// Anything a command-line argument can hold: no NUL, no lone surrogates (argv is UTF-8). Not empty: an
// undeclared variable needs a value (`--var name=` is refused by design, see validateVar).
const value = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hostile) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''))
  .filter((v) => v !== '' && !v.includes('\0') && v.isWellFormed());

describe('values are data, never code', () => {
  it(
    'printf of any value prints it byte for byte, unquoted, in "…", in \'…\', and as $NAME; nothing in it runs',
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          runs++;
          const w = workDir();
          w.write('values.md', RUNBOOK);
          const r = await runCli(['run', 'values.md', '--yes', '--var', `name=${v}`, '--var', `PAYLOAD=${v}`], {
            cwd: w.dir,
            timeoutMs: 20_000,
          });
          const expected = Buffer.from(v, 'utf8');
          const endsDoc = v.split('\n').includes('EOF');
          expect(r.code, r.stderr).toBe(endsDoc ? 1 : 0); // --yes stops at the refused command, the last one
          for (const f of ['unquoted', 'double', 'single', 'env']) expect(readFileSync(w.path(`${f}.out`)), f).toEqual(expected);
          expect(readFileSync(w.path('mixed.out'))).toEqual(Buffer.concat([Buffer.from('x'), expected, Buffer.from('y'), expected, Buffer.from('z'), expected]));
          for (const f of ['after-comment', 'after-heredoc']) expect(readFileSync(w.path(`${f}.out`)), f).toEqual(expected);
          const line = Buffer.from('\n');
          expect(readFileSync(w.path('heredoc.out'))).toEqual(Buffer.concat([expected, line, Buffer.from("it's "), expected, line]));
          // A quoted here-document expands nothing: the value goes in as it is, unless a line of it would
          // end the document (then the command is refused, not run).
          if (endsDoc) expect(existsSync(w.path('quoted-heredoc.out'))).toBe(false);
          else expect(readFileSync(w.path('quoted-heredoc.out'))).toEqual(Buffer.concat([expected, line]));
          expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
          // The timeline recorded every command, and all but a refused one exited 0.
          const finished = readEvents(onlyTimeline(w.dir)).filter((e) => e.type === 'command.finished');
          expect(finished.map((e) => e['exit_code'])).toEqual([0, 0, 0, 0, 0, 0, 0, endsDoc ? null : 0]);
          cleanup();
        }),
        {
          numRuns: 40,
          examples: [
            ['$(touch pwned)'],
            ['`touch pwned`'],
            ["'; touch pwned; echo '"],
            ['"; touch pwned; echo "'],
            ['-n'],
            ['line one\nline two\n'],
            ['back\\slash\\'],
            ["it's \"quoted\" | piped ; done & \\ é 🔥"],
            ['x\nEOF\ntouch pwned\nEOF'],
          ],
        },
      );
      expect(runs).toBeGreaterThanOrEqual(40);
      expect(existsSync('pwned')).toBe(false);
    },
    // ~1 s a run on an idle machine; a loaded 2-core CI machine can be several times slower.
    480_000,
  );

  it('the command as shown and recorded does, run by hand, what the runner ran', async () => {
    const v = `$(touch pwned) \`touch pwned\` "q" it's \\ $HOME`;
    const w = workDir();
    w.write('values.md', RUNBOOK);
    const r = await runCli(['run', 'values.md', '--yes', '--var', `name=${v}`, '--var', `PAYLOAD=${v}`], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    const recorded = readEvents(onlyTimeline(w.dir))
      .filter((e) => e.type === 'command.started')
      .map((e) => e['command'] as string);
    expect(recorded).toHaveLength(8);
    // The operator copies a recorded command into a shell (where PAYLOAD is not set): same files, same bytes.
    const by = workDir();
    for (const command of recorded.filter((c) => !c.includes('$PAYLOAD'))) {
      const res = spawnSync('bash', ['-c', command], { cwd: by.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 10_000 });
      expect(res.status, command).toBe(0);
    }
    expect(readdirSync(by.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
    for (const f of readdirSync(by.dir)) expect(readFileSync(by.path(f)), f).toEqual(readFileSync(w.path(f)));
    expect(readdirSync(by.dir)).toHaveLength(8);
  });
});
