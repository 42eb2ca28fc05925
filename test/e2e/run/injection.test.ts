// Injection, attacked through the real CLI (`run --yes`, spawned): each payload arrives as --var, through the
// environment and as the runbook's default. Either the value arrives byte for byte (written with printf '%s'
// and compared) or the run is refused with exit 2 before any command runs. No canary (`pwned*`) may appear.
// The data cases share one runbook, one variable each: one run covers them all as --var, and a sample of them
// from each other source (whose resolution is checked for all of them in-process).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { resolveVars } from '../../../src/commands/resolve-vars.js';
import { cleanup, cliEnv, readEvents, runCli, workDir } from '../../helpers/run-cli.js';
import { runInProcess } from '../../helpers/in-process.js';

afterEach(() => cleanup());

const T = '$(touch pwned)';
/** [what, command writing F using {{v}}, payload, expected content of F (default: the payload)]. */
type DataCase = [string, string, string, ((v: string) => string)?];
const DATA: DataCase[] = [
  ['unquoted word', `printf '%s' {{v}} > F`, T],
  ['double quotes', `printf '%s' "{{v}}" > F`, '"; touch pwned; echo "'],
  ['single quotes', `printf '%s' '{{v}}' > F`, "'; touch pwned; echo '"],
  ["$'…'", `printf '%s' $'\\x41{{v}}' > F`, `'${T}'\\'`, (v) => `A${v}`],
  ['after name="$(hostname | tr -d \'"\')"', `name="$(hostname | tr -d '"')"\nprintf '%s' 'checking {{v}} from' > F`, `'${T}'`, (v) => `checking ${v} from`],
  ['after sed \'s/"//g\' inside "$( )"', `x="$(echo a | sed 's/"//g')"\nprintf '%s' '{{v}}' > F`, `'${T}'`],
  ["after $'it\\'s'", `y=$'it\\'s'\nprintf '%s' '{{v}}' > F`, `'${T}'`],
  ['after backticks inside "…"', 'q="`echo \'"\'`"\nprintf \'%s\' \'{{v}}\' > F', `'${T}'`],
  ['comment, value with a newline', `# restart {{v}}\nprintf ok > F`, 'nginx\ntouch pwned #', () => 'ok'],
  ['comment after a quoted #', `echo 'a #b' >/dev/null # {{v}}\nprintf ok > F`, '\ntouch pwned\n', () => 'ok'],
  ['unquoted here-document', `cat <<EOF > F\n{{v}}\nEOF`, `${T} \`touch pwned\` \\`, (v) => `${v}\n`],
  ['quoted here-document, value ending it', `cat <<'EOF' > F\n{{v}}\nEOF`, 'x\nEOF\ntouch pwned', (v) => `${v}\n`],
  ["<<-'EOF' here-document", `cat <<-'EOF' > F\n\t{{v}} $HOME\n\tEOF`, `${T}\nEOF`, (v) => `${v} $HOME\n`],
  ['after a here-document with an apostrophe', `cat <<EOF >/dev/null\ndon't\nEOF\nprintf '%s' '{{v}}' > F`, `'${T}'`],
  ['here-string', `cat <<<{{v}} > F`, T, (v) => `${v}\n`],
  ["after a here-string <<<'EOF'", `grep x <<<'EOF' >/dev/null\nprintf '%s' '{{v}}' > F`, `'${T}'`],
  ["here-string '…'", `cat <<<'{{v}}' > F`, `'${T}'`, (v) => `${v}\n`],
  ['line continuation', `printf '%s' \\\n  '{{v}}' > F`, `'${T}'`],
  ['case arm', `case x in x) printf '%s' '{{v}}' > F;; esac`, `';; esac; touch pwned; case x in x) '`],
  ['subshell', `( printf '%s' '{{v}}' > F )`, `') ; touch pwned; ( '`],
  ['{ } group', `{ printf '%s' "{{v}}" > F; }`, '"; }; touch pwned; { "'],
  ['inside "$( )"', `printf '%s' "$(printf '%s' "{{v}}")" > F`, `"${T}"`],
  ['inside backticks in "…"', 'printf \'%s\' "`printf \'%s\' \'{{v}}\'`" > F', `'\`touch pwned\`'`],
  ['process substitution', `cat <(printf '%s' '{{v}}') > F`, `') ; touch pwned ; ('`],
  ['if/then', `if true; then printf '%s' '{{v}}' > F; fi`, `'; fi; touch pwned; if true; then '`],
  ['pipeline', `printf '%s' '{{v}}' | cat > F`, `' | touch pwned | '`],
  ['${x:-…} default', `printf '%s' "\${unset_x:-{{v}}}" > F`, `}${T}`],
  ['assignment', `x={{v}}; printf '%s' "$x" > F`, `a;${T}`],
  ['array assignment', `a=({{v}}); printf '%s' "\${a[0]}" > F`, `) ; touch pwned ; (`],
  ['for loop', `for i in 1; do printf '%s' '{{v}}' > F; done`, `'; done; touch pwned; for i in 1; do '`],
  ['[[ == ]] is no arithmetic', `[[ "{{v}}" == "{{v}}" ]] && printf ok > F`, `${T} a[0]`, () => 'ok'],
  ['mixed in one word', `printf '%s' x{{v}}"y{{v}}"'z{{v}}' > F`, `'"${T}`, (v) => `x${v}y${v}z${v}`],
  ['two in one single-quoted string', `printf '%s' '{{v}} and {{v}}' > F`, `'\\''`, (v) => `${v} and ${v}`],
  ['a heredoc inside "$( )"', `printf '%s' "$(cat <<EOF\n{{v}}\nEOF\n)" > F`, `${T}\`touch pwned\``],
  ['$NAME in "…"', `printf '%s' "$PAYLOAD" > F`, `${T}'"`],
  ['${NAME} in a here-document', `cat <<EOF > F\n\${PAYLOAD}\nEOF`, `${T}`, (v) => `${v}\n`],
  // Integers are fine in arithmetic.
  ['integer in $(( ))', `printf '%s' $(( {{v}} + 1 )) > F`, '41', () => '42'],
  ['integer in (( ))', `(( {{v}} > 3 )) && printf big > F`, '7', () => 'big'],
  ['integer in let', `let n={{v}}*2; printf '%s' "$n" > F`, '-4', () => '-8'],
  ['integer in [[ -gt ]]', `[[ 10 -gt "{{v}}" ]] && printf yes > F`, '9', () => 'yes'],
  ['integer in declare -i', `declare -i n={{v}}; printf '%s' "$n" > F`, '12', () => '12'],
];

const names = DATA.map(([, t], k) => (t.includes('PAYLOAD') ? `PAYLOAD${k}` : `v${k}`));
const commands = DATA.map(([, t], k) => t.replaceAll('{{v}}', `{{${names[k]}}}`).replaceAll('PAYLOAD', `PAYLOAD${k}`).replace(/ F(?=\n|$| |;)/, ` ${k}.out`));

const ALL = DATA.map((_, k) => k);
/** Every fourth case, for the sources whose resolution is checked for all cases in-process (below). */
const SAMPLE = ALL.filter((k) => k % 4 === 0);

function dataRunbook(withDefaults: boolean, cases = ALL): string {
  const vars = cases.map((k) => {
    const payload = (DATA[k] as DataCase)[2];
    const integer = /^-?\d+$/.test(payload);
    return `  - name: ${names[k]}\n    type: ${integer ? 'integer' : 'text'}${withDefaults ? `\n    default: ${JSON.stringify(payload)}` : ''}`;
  });
  return `---\nvars:\n${vars.join('\n')}\n---\n# Injection\n\n## Cases\n\n${cases.map((k) => '```sh\n' + commands[k] + '\n```\n').join('\n')}`;
}

function expectData(dir: string, how: string, cases = ALL): void {
  DATA.forEach(([what, , payload, expected], k) => {
    if (!cases.includes(k)) return;
    expect(existsSync(`${dir}/${k}.out`), `${how}: ${what}`).toBe(true);
    expect(readFileSync(`${dir}/${k}.out`).toString('utf8'), `${how}: ${what}`).toBe((expected ?? ((v: string) => v))(payload));
  });
  expect(readdirSync(dir).filter((f) => f.startsWith('pwned')), how).toEqual([]);
}

describe('injection: values arrive as data', () => {
  it(`has at least 40 cases`, () => expect(DATA.length + REFUSED.length).toBeGreaterThanOrEqual(40));

  it('as --var', async () => {
    const w = workDir();
    w.write('rb.md', dataRunbook(false));
    const args = DATA.flatMap(([, , payload], k) => ['--var', `${names[k]}=${payload}`]);
    const r = await runCli(['run', 'rb.md', '--yes', ...args], { cwd: w.dir, timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expectData(w.dir, '--var');
  }, 120_000);

  // The environment and the runbook's default are other sources of the same values: every payload from each
  // source resolves to itself byte for byte, checked in-process by the resolution the CLI runs; the binary runs
  // a sample of the cases from each (41 commands a run, three times, were most of this file's time).
  it('every payload resolves byte for byte from --var, the environment and the default', async () => {
    const flagsRb = parseRunbook(dataRunbook(false), '/rb/rb.md').runbook;
    const defaultsRb = parseRunbook(dataRunbook(true), '/rb/rb.md').runbook;
    const payloads = new Map(DATA.map(([, , payload], k) => [names[k] as string, payload]));
    for (const [how, runbook, flags, env] of [
      ['--var', flagsRb, payloads, {}],
      ['environment', flagsRb, new Map<string, string>(), Object.fromEntries(payloads)],
      ['default', defaultsRb, new Map<string, string>(), {}],
    ] as const) {
      const resolved = await resolveVars({ runbook, fromStep: 1, flags, freeText: [], env, interactive: false, dryRun: false, prompter: () => Promise.reject(new Error('no prompt expected')) });
      expect(new Map(resolved.map((v) => [v.name, v.value])), how).toEqual(payloads);
    }
  });

  it('through the environment (a sample of the cases)', async () => {
    const w = workDir();
    w.write('rb.md', dataRunbook(false, SAMPLE));
    const env = cliEnv(w.dir, Object.fromEntries(SAMPLE.map((k) => [names[k] as string, (DATA[k] as DataCase)[2]])));
    const r = await runCli(['run', 'rb.md', '--yes'], { cwd: w.dir, env, timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expectData(w.dir, 'environment', SAMPLE);
  }, 120_000);

  it('as the runbook default (a sample of the cases)', async () => {
    const w = workDir();
    w.write('rb.md', dataRunbook(true, SAMPLE));
    const r = await runCli(['run', 'rb.md', '--yes'], { cwd: w.dir, timeoutMs: 90_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expectData(w.dir, 'default', SAMPLE);
  }, 120_000);
});

/** [what, command using {{v}} (or $PCT), payload, what the refusal says]. Each is refused even as free text. */
const REFUSED: [string, string, string, RegExp][] = [
  ['$(( ))', `echo $(( {{v}} * 1 ))`, T, /used in arithmetic in command 1\.1/],
  ['[[ -gt ]] through "…"', `used=3; [[ "$used" -gt "{{v}}" ]] && echo hi`, T, /used in arithmetic in command 1\.1/],
  ['(( ))', `(( {{v}} > 1 )) && echo hi`, T, /used in arithmetic/],
  ['let', `let x={{v}}`, T, /used in arithmetic/],
  ['declare -i', `declare -i n={{v}}`, T, /used in arithmetic/],
  ['$[ ]', `echo $[ {{v}} ]`, T, /used in arithmetic/],
  ['$NAME in [[ -gt ]] via "${NAME}"', `[[ 1 -gt "\${PCT}" ]] && echo hi`, T, /variable PCT is used in arithmetic in command 1\.1/],
  // A bare name in arithmetic reads the variable (every variable reaches the command under its own name too),
  // and bash evaluates its value as an expression: `a[$(touch pwned)]` runs the command.
  ['a bare name in $(( ))', `echo $(( PCT + 1 ))`, T, /variable PCT is used in arithmetic in command 1\.1/],
  ['a bare name in (( ))', `(( PCT > 1 )) && echo hi`, T, /variable PCT is used in arithmetic/],
  ['a bare name in [[ -gt ]]', `[[ PCT -gt 3 ]] && echo hi`, T, /variable PCT is used in arithmetic/],
  ['a bare name in let', `let x=PCT+1`, T, /variable PCT is used in arithmetic/],
  ['a bare name as an array subscript', `a[PCT]=1`, T, /variable PCT is used in arithmetic/],
  ['a bare name in ${a[ ]}', `echo \${a[PCT]}`, T, /variable PCT is used in arithmetic/],
  ['a bare name as a substring offset', `s=abc; echo \${s:PCT}`, T, /variable PCT is used in arithmetic/],
  ['eval', `eval "echo {{v}}"`, `x; touch pwned`, /parsed as shell again \(eval in command 1\.1\)/],
  ['sudo -u root eval', `sudo -u root eval 'echo {{v}}'`, `x; touch pwned`, /\(eval in command 1\.1\)/],
  ['source', `source {{v}}`, `x; touch pwned`, /\(source in command 1\.1\)/],
  ['.', `. {{v}}`, `x; touch pwned`, /\(\. in command 1\.1\)/],
  ['sh -c', `sh -c 'echo {{v}}'`, `x; touch pwned`, /\(sh -c in command 1\.1\)/],
  ['bash -c', `bash -c "echo {{v}}"`, `x; touch pwned`, /\(bash -c in command 1\.1\)/],
  ['su -c', `su -c "echo {{v}}" root`, `x; touch pwned`, /\(su -c in command 1\.1\)/],
  ["ssh's remote command", `ssh -p 22 host echo {{v}}`, `x; touch pwned`, /\(ssh's remote command in command 1\.1\)/],
  ['kubectl exec -- sh -c', `kubectl exec api-1 -- sh -c "echo {{v}}"`, `x; touch pwned`, /\(sh -c in command 1\.1\)/],
  ['docker exec sh -c', `docker exec api sh -c 'echo {{v}}'`, `x; touch pwned`, /\(sh -c in command 1\.1\)/],
  ['xargs sh -c', `echo a | xargs sh -c 'echo {{v}}'`, `x; touch pwned`, /\(sh -c in command 1\.1\)/],
  ['trap', `trap "echo {{v}}" EXIT`, `x; touch pwned`, /\(trap in command 1\.1\)/],
  ['piped into bash', `echo "echo {{v}}" | bash`, `x; touch pwned`, /\(bash reading its commands from standard input in command 1\.1\)/],
  ['a here-string into sh', `sh <<< "echo {{v}}"`, `x; touch pwned`, /\(sh reading its commands from standard input/],
  ['a here-document into kubectl exec … sh', `kubectl exec -i api-1 -- sh <<EOF\necho {{v}}\nEOF`, `x; touch pwned`, /\(sh reading its commands from standard input/],
  ['bash -s with arguments', `echo "echo {{v}}" | bash -s -- one two`, `x; touch pwned`, /\(bash reading its commands from standard input/],
  ['flock -c', `flock /tmp/runbook-test.lock -c "echo {{v}}"`, `x; touch pwned`, /\(flock -c in command 1\.1\)/],
  ['${NAME@P}', `echo "\${PCT@P}"`, T, /\(\$\{…@P\} in command 1\.1\)/],
];

function refusedRunbook(command: string, payload: string | undefined): string {
  const name = command.includes('PCT') ? 'PCT' : 'v';
  const def = payload === undefined ? '' : `\n    default: ${JSON.stringify(payload)}`;
  return `---\nvars:\n  - name: ${name}\n    type: text${def}\n---\n# Refused\n\n## S\n\n\`\`\`sh\ntouch ran\n${command}\n\`\`\`\n`;
}

/** Run `jobs` at most `n` at a time: the machine is shared. */
async function pool<T>(jobs: (() => Promise<T>)[], n = 3): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const k = next++;
      out[k] = await (jobs[k] as () => Promise<T>)();
    }
  }));
  return out;
}

describe('injection: a value bash would run where it reads it as a number or a name is refused, wherever it is used', () => {
  // No reading of the runbook's text can follow a value copied into another variable first; the value's shape is
  // what bash needs to run it (a subscript holding a command), so that shape is refused in any value.
  const copies: [string, string][] = [
    ['copied, then (( ))', 'n=$PCT\nif (( n > 90 )); then echo full; fi'],
    ['declare -i, then assigned', 'declare -i n\nn=$PCT'],
    ['as a variable name: ${!…}', 'echo "${!PCT}"'],
    ['as a variable name: printf -v', 'printf -v "$PCT" %s 1'],
    ['only printed', 'printf "%s" "$PCT"'],
  ];
  it.each(copies)('%s: refused from --var, and from a capture', async (_what, use) => {
    const w = workDir();
    w.write('rb.md', `---\nvars:\n  - name: PCT\n    type: text\n---\n# C\n\n## S\n\n\`\`\`sh\ntouch ran\n${use}\n\`\`\`\n`);
    const r = await runInProcess(['run', 'rb.md', '--yes', '--var', `PCT=a[${T}]`], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('variable PCT holds a subscript ("name[") with a "$" or a backtick after it');
    expect(existsSync(w.path('ran'))).toBe(false);
    w.write('cap.md', `# C\n\n## S\n\n\`\`\`sh {capture=PCT}\necho 'a[${T}]'\n\`\`\`\n\n\`\`\`sh\ntouch ran\n${use}\n\`\`\`\n`);
    const c = await runInProcess(['run', 'cap.md', '--yes'], { cwd: w.dir });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('capture=PCT: variable PCT holds a subscript');
    expect(existsSync(w.path('ran'))).toBe(false);
    expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});

describe('injection: the subscript shape, and what it is not', () => {
  it('refuses a name right before "[" with "$" or a backtick after it; passes JSON and brackets without a name', async () => {
    const w = workDir();
    w.write('rb.md', `---\nvars:\n  - name: V\n    type: text\n---\n# S\n\n## S\n\n\`\`\`sh\nprintf '%s' "$V" > out\n\`\`\`\n`);
    for (const bad of [`_[${T}]`, `1+a1[\`touch pwned\`]`, `x[0] then $HOME`]) {
      const r = await runInProcess(['run', 'rb.md', '--yes', '--var', `V=${bad}`], { cwd: w.dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain('holds a subscript');
    }
    for (const ok of ['{"items": [{"$schema": "v1"}]}', `[${T}]`, `a [${T}]`, 'price: [$5]']) {
      const r = await runInProcess(['run', 'rb.md', '--yes', '--var', `V=${ok}`], { cwd: w.dir });
      expect(r.code, `${ok}: ${r.stderr}`).toBe(0);
      expect(readFileSync(w.path('out'), 'utf8')).toBe(ok);
    }
    expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});

describe('injection: where text is parsed again, even free text is refused before anything runs', () => {
  const refused = (what: string, command: string, payload: string, how: 'flag' | 'env' | 'default', spawned: boolean) => async () => {
    const w = workDir();
    const name = command.includes('PCT') ? 'PCT' : 'v';
    w.write('rb.md', refusedRunbook(command, how === 'default' ? payload : undefined));
    const args = how === 'flag' ? ['--var', `${name}=${payload}`] : [];
    const env = how === 'env' ? cliEnv(w.dir, { [name]: payload }) : undefined;
    const r = spawned
      ? await runCli(['run', 'rb.md', '--yes', ...args], { cwd: w.dir, ...(env ? { env } : {}), timeoutMs: 60_000 })
      : await runInProcess(['run', 'rb.md', '--yes', ...args], { cwd: w.dir, ...(env ? { env } : {}) });
    return { what: `${what} (${how}${spawned ? ', spawned' : ''})`, r, w };
  };

  it('each case as --var, and some through the environment and as the default: exit 2 naming variable and command', async () => {
    // Every case as --var; the source does not change the rule (checked in-process below for all three), so
    // the environment and the default are tried for a few cases only. Those few go through the binary; the
    // other cases call the bundle's main() in-process (refused before anything runs: no Node start needed).
    const jobs = REFUSED.flatMap(([what, command, payload], k) =>
      (k % 6 === 0 ? (['flag', 'env', 'default'] as const) : (['flag'] as const)).map((how) => refused(what, command, payload, how, k % 6 === 0)),
    );
    const results = await pool(jobs);
    expect(results.length).toBeGreaterThan(REFUSED.length);
    for (const { what, r, w } of results) {
      const says = REFUSED.find(([x]) => what.startsWith(`${x} (`))?.[3] as RegExp;
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).toMatch(says);
      expect(existsSync(w.path('ran')), what).toBe(false);
      expect(existsSync(w.path('incidents')), what).toBe(false);
      expect(readdirSync(w.dir).filter((f) => f.startsWith('pwned')), what).toEqual([]);
    }
  }, 300_000);

  it('each case from each source is refused by the same resolution the CLI runs', async () => {
    for (const [what, command, payload, says] of REFUSED)
      for (const how of ['flag', 'env', 'default'] as const) {
        const name = command.includes('PCT') ? 'PCT' : 'v';
        const runbook = parseRunbook(refusedRunbook(command, how === 'default' ? payload : undefined), '/rb/rb.md').runbook;
        const inputs = {
          runbook,
          fromStep: 1,
          flags: new Map(how === 'flag' ? [[name, payload]] : []),
          freeText: [],
          env: how === 'env' ? { [name]: payload } : {},
          interactive: false,
          dryRun: false,
          prompter: () => Promise.reject(new Error('no prompt expected')),
        };
        await expect(resolveVars(inputs), `${what} (${how})`).rejects.toThrow(says);
      }
  });

  it('an integer-only rule does not refuse the same commands with a safe value outside arithmetic', async () => {
    const w = workDir();
    w.write('rb.md', `---\nvars:\n  - name: v\n---\n# Ok\n\n## S\n\n\`\`\`sh\nbash -c 'printf %s {{v}}' > out\n\`\`\`\n`);
    const r = await runCli(['run', 'rb.md', '--yes', '--var', 'v=api-1.shop:8080/x@y%z+w=1,2'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(w.path('out'), 'utf8')).toBe('api-1.shop:8080/x@y%z+w=1,2');
    expect(readEvents(`${w.dir}/incidents/${readdirSync(`${w.dir}/incidents`)[0]}`).some((e) => e.type === 'run.finished')).toBe(true);
  });
});
