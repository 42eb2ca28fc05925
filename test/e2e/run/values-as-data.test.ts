// A value is never spliced into shell text as code. Whatever a value holds, `printf '%s'` of it prints it
// byte for byte, in every context a runbook can put a placeholder in, and through `$NAME`; nothing inside it
// runs; and the value itself is never part of the script (it arrives through the environment).
//
// The property runs in-process against the same renderForShell the runner uses, with one bash evaluating many
// cases at once (fast); a few real CLI runs check that the runner wires it the same way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { renderForShell, varEnvName } from '../../../src/runner/vars.js';
import { cleanup, onlyTimeline, readEvents, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const hostile = [
  '$(touch pwned)', '`touch pwned`', '$(touch pwned-$RANDOM)', "'", '"', "'\\''", '"\'"', ';', ';touch pwned;', '|', '| touch pwned',
  '&&', '&', '\n', '\r\n', '\\', '\\\\', '\\"', "\\'", '-', '-n', '--', '-e', '$HOME', '${IFS}', '$PAYLOAD', '$1', '*', '?', '~',
  '!', '!!', '#', '>', '<', ' ', '\t', '{{name}}', '%s', '%b', 'é', '日本語', '🔥', '\u200b', '\x1b[31m', '\x7f', '$', '{', '}',
  '(', ')', '[[', ']]', '\nEOF\n', 'EOF', '<<EOF', '# ', "'$(touch pwned)'", '"$(touch pwned)"', '\\$(touch pwned)',
  '\ntouch pwned #', "\n'", '$((1))', 'a[$(touch pwned)]', "\\'\ntouch pwned\n",
];

// Anything an environment variable can hold: no NUL (refused at input), no lone surrogates (UTF-8).
const value = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hostile) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''))
  .filter((v) => !v.includes('\0') && v.isWellFormed());

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

// A here-document or here-string is read by a builtin (every byte, to the end) and written with printf: the same
// text as `cat` would copy, without a process per case (bash evaluates hundreds of cases a run).
const READ = "IFS= read -r -d '' x";
const WRITE = 'printf \'%s\' "$x" > F';

/** [context, template writing `F` with the placeholder {{v}}, the bytes F must hold for value v]. */
const CONTEXTS: [string, string, (v: string) => string][] = [
  ['unquoted', `printf '%s' {{v}} > F`, (v) => v],
  ['double quotes', `printf '%s' "{{v}}" > F`, (v) => v],
  ['single quotes', `printf '%s' '{{v}}' > F`, (v) => v],
  ["$'…' with \\' before", `printf '%s' $'a\\'{{v}}' > F`, (v) => `a'${v}`],
  ['mixed in one word', `printf '%s' x{{v}}"y{{v}}"'z{{v}}' > F`, (v) => `x${v}y${v}z${v}`],
  ['inside "$( )"', `printf '%s' "$(printf '%s' '{{v}}')" > F`, (v) => v.replace(/\n+$/, '')],
  ['after "$(: \'"\')"', `n="$(: '"')"; printf '%s' 'c {{v}} d' > F`, (v) => `c ${v} d`],
  ['after backticks in "…"', 'q="`echo \'"\'`"; printf \'%s\' \'{{v}}\' > F', (v) => v],
  ["after $'it\\'s'", `x=$'it\\'s'; printf '%s' '{{v}}' > F`, (v) => v],
  ['comment', `# restart {{v}} now\nprintf '%s' ok > F`, () => 'ok'],
  ['heredoc', `${READ} <<EOF\n{{v}}\nit's {{v}}\nEOF\n${WRITE}`, (v) => `${v}\nit's ${v}\n`],
  ["quoted heredoc <<'EOF' keeps its literal text", `${READ} <<'EOF'\n$HOME \\ \`x\` {{v}}\nEOF\n${WRITE}`, (v) => `$HOME \\ \`x\` ${v}\n`],
  ["<<-'EOF'", `${READ} <<-'EOF'\n\t{{v}}\n\tEOF\n${WRITE}`, (v) => `${v}\n`],
  ['here-string', `${READ} <<<{{v}}; ${WRITE}`, (v) => `${v}\n`],
  ['after a here-string', `read -r _ <<<'EOF'; printf '%s' "{{v}}" > F`, (v) => v],
  ['case arm', `case a in a) printf '%s' '{{v}}' > F;; esac`, (v) => v],
  ['${x:-…} default', `printf '%s' "\${unset_x:-{{v}}}" > F`, (v) => v],
];

/** Render every (value, context) case with renderForShell and run them all in one bash; returns the outputs. */
function runAll(values: string[], contexts = CONTEXTS): { script: string; read(k: number, c: number): Buffer; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-values-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const parts: string[] = [];
  values.forEach((v, k) => {
    env[varEnvName(`v${k}`)] = v;
    contexts.forEach(([, template], c) => {
      const t = template.replaceAll('{{v}}', `{{v${k}}}`).replaceAll(' F', ` ${k}-${c}.out`);
      parts.push(renderForShell(t, new Map([[`v${k}`, v]])));
    });
  });
  const script = parts.join('\n');
  // stdin not a socket: a bash whose stdin is one and whose environment has no SHLVL takes itself for an
  // sshd session and sources ~/.bashrc (half a second per bash on a machine with pyenv in it).
  const r = spawnSync('bash', ['-c', script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 150_000 });
  expect(r.error, 'bash did not finish (a loaded machine?)').toBeUndefined();
  return { script, dir, read: (k, c) => readFileSync(join(dir, `${k}-${c}.out`)) };
}

describe('values are data, never code', () => {
  it('in every quoting context, printf prints any value byte for byte; nothing in it runs; the script never holds it', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.array(value, { minLength: 10, maxLength: 15 }), (values) => {
        const { script, dir, read } = runAll(values);
        try {
          expect(script).not.toContain('pwned');
          values.forEach((v, k) =>
            CONTEXTS.forEach(([label, , expected], c) => {
              cases++;
              expect(read(k, c), `${label}: ${JSON.stringify(v)}`).toEqual(b(expected(v)));
            }),
          );
          expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      {
        // Each run is one bash evaluating every (value, context) case: ~20 ms idle.
        numRuns: 6,
        endOnFailure: true,
        examples: [
          [['$(touch pwned)', '`touch pwned`', "'; touch pwned; echo '", '"; touch pwned; echo "', '-n', 'line one\nline two\n', 'back\\slash\\']],
          [["it's \"quoted\" | piped ; done & \\ é 🔥", 'x\nEOF\ntouch pwned\nEOF', '\ntouch pwned #', "nginx\ntouch pwned #", '', 'EOF']],
        ],
      },
    );
    // The two examples (7 + 6 values) count among the 6 runs; each other run has at least 10 values.
    expect(cases).toBeGreaterThanOrEqual(CONTEXTS.length * (7 + 6 + 4 * 10));
  }, 180_000);

  it('an integer is passed into arithmetic as a number', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 20 }), (ints) => {
        const contexts: typeof CONTEXTS = [
          ['$(( ))', `printf '%s' $(( {{v}} + 0 )) > F`, (v) => String(Number(v))],
          ['[[ -gt ]]', `[[ "{{v}}" -gt -2147483649 ]] && printf yes > F || printf no > F`, (v) => (Number(v) > -2147483649 ? 'yes' : 'no')],
        ];
        const values = ints.map(String);
        const { dir, read } = runAll(values, contexts);
        try {
          values.forEach((v, k) => contexts.forEach(([label, , expected], c) => expect(read(k, c).toString(), `${label}: ${v}`).toBe(expected(v))));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 3, endOnFailure: true },
    );
  }, 60_000);
});

// The real CLI: the same contexts in a runbook, the value as --var and as $PAYLOAD (accepted with --free-text).
const RUNBOOK = `# Values

## Print them

${CONTEXTS.map(([, t], c) => '```sh\n' + t.replaceAll('{{v}}', '{{name}}').replaceAll(' F', ` ${c}.out`) + '\n```\n').join('\n')}
\`\`\`sh
printf '%s' "$PAYLOAD" > env.out
\`\`\`
`;

describe('values are data through the real CLI', () => {
  const samples = ["$(touch pwned) `touch pwned` \"q\" it's \\ $HOME\nEOF\n#", '\ntouch pwned #'];
  it.each(samples)('--free-text: %j arrives byte for byte in every context and as $PAYLOAD', async (v) => {
    const w = workDir();
    w.write('values.md', RUNBOOK);
    const r = await runCli(['run', 'values.md', '--yes', '--var', `name=${v}`, '--var', `PAYLOAD=${v}`, '--free-text', 'name', '--free-text', 'PAYLOAD'], {
      cwd: w.dir,
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    CONTEXTS.forEach(([label, , expected], c) => expect(readFileSync(w.path(`${c}.out`)), label).toEqual(b(expected(v))));
    expect(readFileSync(w.path('env.out'))).toEqual(b(v));
    expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
    const finished = readEvents(onlyTimeline(w.dir)).filter((e) => e.type === 'command.finished');
    expect(finished.map((e) => e['exit_code'])).toEqual(new Array(CONTEXTS.length + 1).fill(0));
  }, 60_000);

  it('without --free-text, a value outside the safe set is refused before anything runs (exit 2, naming it)', async () => {
    const w = workDir();
    w.write('values.md', RUNBOOK);
    const r = await runCli(['run', 'values.md', '--yes', '--var', 'name=a$(touch pwned) b', '--var', 'PAYLOAD=ok'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/variable name has characters outside letters, digits and \._:\/@%\+=,-: "\$" "\(" space "\)" \(declare it type: text, or pass --free-text name\)/);
    expect(readdirSync(w.dir).filter((f) => f.endsWith('.out') || f.startsWith('pwned'))).toEqual([]);
    expect(existsSync(w.path('incidents'))).toBe(false);
  });

  it('the command as shown and recorded does, run by hand, what the runner ran', async () => {
    const v = `$(touch pwned) \`touch pwned\` "q" it's \\ $HOME`;
    const w = workDir();
    w.write('values.md', RUNBOOK);
    const r = await runCli(['run', 'values.md', '--yes', '--var', `name=${v}`, '--var', `PAYLOAD=${v}`, '--free-text', 'name', '--free-text', 'PAYLOAD'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    const recorded = readEvents(onlyTimeline(w.dir))
      .filter((e) => e.type === 'command.started')
      .map((e) => e['command'] as string);
    expect(recorded).toHaveLength(CONTEXTS.length + 1);
    // The operator copies a recorded command into a shell (where PAYLOAD is not set): same files, same bytes.
    // (Not the \${x:-…} one: bash pairs an apostrophe there although it is no quote, so no shown form of it.)
    const by = workDir();
    for (const command of recorded.filter((c) => !c.includes('$PAYLOAD') && !c.includes('${unset_x'))) {
      const res = spawnSync('bash', ['-c', command], { cwd: by.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
      expect(res.status, command).toBe(0);
    }
    expect(readdirSync(by.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
    for (const f of readdirSync(by.dir)) expect(readFileSync(by.path(f)), f).toEqual(readFileSync(w.path(f)));
    expect(readdirSync(by.dir)).toHaveLength(CONTEXTS.length - 1);
  }, 120_000);
});
