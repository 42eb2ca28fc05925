// list, show, lint, new, completion and the global flags, in temp dirs: each command through the real binary at
// least once (runCli), the other cases in-process through the same composition root (inProc: no Node start each).
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cliEnv as baseEnv, runCli as spawnRun, workDir } from '../../helpers/run-cli.js';
import { runInProcess as inProc } from '../../helpers/in-process.js';

const cliEnv = (dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...baseEnv(dir), ...extra });
// A loaded 2-core CI machine can take a while to start node; the default deadline is not a timing assertion.
const runCli = (args: string[], opts: Parameters<typeof spawnRun>[1]) => spawnRun(args, { timeoutMs: 60_000, ...opts });

// Each test works in its own temp dir, so the tests of a block run concurrently (most of their time is Node
// starting); cleanup() kills every live CLI, so it runs once at the end.
afterAll(() => cleanup());

const today = new Date().toISOString().slice(0, 10);
const f = '```';
const good = (id: string, extra = '') => `---\nid: ${id}\ntitle: ${id} title\nseverity: sev2\ntags: [linux, ${id}]\nservices: [api]\nowner: team\nlast_reviewed: ${today}\n${extra}---\n# ${id}\n\n## Check\n${f}sh\necho ${id}\n${f}\n`;
const ESC = /\u001b\[/;

/**
 * A program run without blocking: the in-process cases of this file share its event loop, and a spawnSync of a
 * bash that starts the CLI a dozen times froze them past their deadline on a loaded machine.
 */
const exec = (cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> =>
  new Promise((resolve) => execFile(cmd, args, { ...opts, encoding: 'utf8', timeout: 60_000 }, (_err, stdout, stderr) => resolve({ stdout, stderr })));

function lib() {
  const w = workDir();
  mkdirSync(join(w.dir, 'runbooks', 'sub'), { recursive: true });
  w.write('runbooks/alpha.md', good('alpha'));
  w.write('runbooks/sub/beta.md', good('beta', 'description: The beta one\n').replace('sev2', 'sev1'));
  w.write('runbooks/broken.md', `---\ntitle: broken\ntags: [a\n---\n## S\n`);
  w.write('runbooks/README.md', '# not a runbook\n');
  return w;
}

describe.concurrent('list', () => {
  it('finds ./runbooks and subfolders, skips README, reports a broken file on stderr with its line and still exits 0', async () => {
    const w = lib();
    const r = await runCli(['list'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+TITLE\s+SEVERITY\s+TAGS\s+STEPS\s+LAST REVIEWED/);
    expect(r.stdout).toContain('alpha');
    expect(r.stdout).toContain('beta');
    expect(r.stdout).not.toContain('README');
    expect(r.stderr).toMatch(/runbooks\/broken\.md:[34]: error invalid YAML/);
    expect(r.stdout + r.stderr).not.toMatch(ESC);
  });

  it('--json is one JSON array on stdout with the §2 fields, filters apply', async () => {
    const w = lib();
    const r = await inProc(['list', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    const list = (JSON.parse(r.stdout) as Record<string, unknown>[]).filter((x) => x.source !== 'bundled');
    expect(list.map((x) => x.id)).toEqual(['alpha', 'beta']);
    expect(Object.keys(list[0]!).sort()).toEqual(['commands', 'description', 'id', 'last_reviewed', 'name', 'owner', 'path', 'services', 'severity', 'source', 'steps', 'tags', 'title'].sort());
    expect(list[0]).toMatchObject({ steps: 1, commands: 1, severity: 'sev2', last_reviewed: today, description: null, name: 'alpha', source: 'runbooks' });
    const f1 = await inProc(['list', '--json', '--severity', 'sev1'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(f1.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['beta']);
    const f2 = await inProc(['list', '--json', '--tag', 'linux', '--tag', 'alpha'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(f2.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['alpha']);
    const f3 = await inProc(['list', '--json', '--search', 'BETA ONE'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(f3.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['beta']);
    const f4 = await inProc(['list', '--json', '--service', 'nope'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(JSON.parse(f4.stdout)).toEqual([]);
  });

  it('--dir (repeatable, before or after the command) replaces RUNBOOK_PATH, which replaces ./runbooks', async () => {
    const w = lib();
    mkdirSync(join(w.dir, 'a'));
    mkdirSync(join(w.dir, 'b'));
    w.write('a/one.md', good('one'));
    w.write('b/two.md', good('two'));
    const ids = async (args: string[], env = {}) =>
      (JSON.parse((await inProc(args, { cwd: w.dir, env: cliEnv(w.dir, env) })).stdout) as { id: string; source: string }[]).filter((x) => x.source !== 'bundled').map((x) => x.id);
    expect(await ids(['--dir', 'a', 'list', '--json', '--dir', 'b'])).toEqual(['one', 'two']);
    expect(await ids(['list', '--json'], { RUNBOOK_PATH: `${w.dir}/b:${w.dir}/a` })).toEqual(['one', 'two']);
    expect(await ids(['list', '--json'])).toEqual(['alpha', 'beta']);
  });

  it('lists by id, whatever folder each runbook is in', async () => {
    const w = workDir();
    mkdirSync(join(w.dir, 'a'));
    mkdirSync(join(w.dir, 'z'));
    w.write('a/x.md', good('zzz'));
    w.write('z/y.md', good('aaa'));
    const r = await inProc(['--dir', 'a', '--dir', 'z', 'list', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(r.stdout) as { id: string; source: string }[]).filter((x) => x.source !== 'bundled').map((x) => x.id)).toEqual(['aaa', 'zzz']);
  });

  it('the bundled library is still found after `runbook new` creates ./runbooks; a user runbook with a bundled id wins', async () => {
    const w = workDir();
    const made = await inProc(['new', 'redis-down'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(made.code, made.stderr).toBe(0);
    w.write('runbooks/disk-full.md', good('disk-full'));
    const r = await inProc(['list', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    const list = JSON.parse(r.stdout) as { id: string; source: string; path: string }[];
    expect(list.find((x) => x.id === 'redis-down')).toMatchObject({ source: 'runbooks' });
    expect(list.find((x) => x.id === 'getting-started')).toMatchObject({ source: 'bundled' });
    expect(list.filter((x) => x.id === 'disk-full')).toEqual([expect.objectContaining({ source: 'runbooks', path: join(w.dir, 'runbooks', 'disk-full.md') })]);
    const table = await inProc(['list'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(table.stdout.split('\n')[0]).toMatch(/\bSOURCE$/);
    expect(table.stdout).toMatch(/^getting-started .* bundled$/m);
    expect(table.stdout).toMatch(/^redis-down .* runbooks$/m);
    const shown = await inProc(['show', 'disk-full', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(shown.stdout) as { path: string }).path).toBe(join(w.dir, 'runbooks', 'disk-full.md'));
    const bundled = await inProc(['show', 'getting-started', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(bundled.code, bundled.stderr).toBe(0);
  });

  it('an id used in two folders is reachable as folder/id, which list shows', async () => {
    const w = workDir();
    for (const team of ['ops/team-a', 'ops/team-b']) mkdirSync(join(w.dir, team), { recursive: true });
    w.write('ops/team-a/KubeAPIDown.md', good('KubeAPIDown').replace('title: KubeAPIDown title', 'title: team A'));
    w.write('ops/team-b/KubeAPIDown.md', good('KubeAPIDown').replace('title: KubeAPIDown title', 'title: team B'));
    const env = cliEnv(w.dir);
    const list = await inProc(['--dir', 'ops', 'list'], { cwd: w.dir, env });
    expect(list.stdout).toMatch(/^team-a\/KubeAPIDown +team A /m);
    expect(list.stdout).toMatch(/^team-b\/KubeAPIDown +team B /m);
    expect(list.stderr).not.toMatch(/duplicate-id/);
    const b = await inProc(['--dir', 'ops', 'show', 'team-b/KubeAPIDown', '--json'], { cwd: w.dir, env });
    expect(b.code, b.stderr).toBe(0);
    expect((JSON.parse(b.stdout) as { title: string }).title).toBe('team B');
    const bare = await inProc(['--dir', 'ops', 'show', 'KubeAPIDown'], { cwd: w.dir, env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('runbook: runbook id "KubeAPIDown" is used by 2 runbooks: name one as team-a/KubeAPIDown or team-b/KubeAPIDown\n');
    const ids = await inProc(['--dir', 'ops', '_ids'], { cwd: w.dir, env });
    expect(ids.stdout.split('\n')).toEqual(expect.arrayContaining(['team-a/KubeAPIDown', 'team-b/KubeAPIDown']));
  });

  it('without any folder, the bundled library is listed', async () => {
    const w = workDir();
    const r = await inProc(['list', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toContain('getting-started');
  });

  it('colour only when forced: FORCE_COLOR adds escapes, NO_COLOR wins over a pipe', async () => {
    const w = lib();
    const forced = await inProc(['list'], { cwd: w.dir, env: { ...cliEnv(w.dir), NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ESC);
    const plain = await inProc(['list'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(plain.stdout).not.toMatch(ESC);
  });
});

describe.concurrent('show', () => {
  it('renders steps, prose, checks and commands, dangerous ones marked; by id or by path', async () => {
    const w = workDir();
    w.write('x.md', `---\nid: x\n---\n# X\n\n## Look\nSome prose.\n- [ ] a check\n${f}sh {danger=true}\nrm -rf /tmp/x\n${f}\n${f}yaml\nk: v\n${f}\n`);
    const r = await runCli(['show', 'x.md'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('── Step 1 of 1: Look ──');
    expect(r.stdout).toContain('Some prose.');
    expect(r.stdout).toContain('☐ a check');
    expect(r.stdout).toContain('⚠ DANGEROUS');
    expect(r.stdout).toContain('shown only · yaml');
    const byId = await inProc(['--dir', '.', 'show', 'x'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(byId.stdout).toBe(r.stdout);
  });

  it('--json has the §2 shape: console blocks give one entry per $ command, other languages runnable false', async () => {
    const w = workDir();
    w.write('k.md', `# K\n## Diagnose\n${f}console\n$ oc get pods\nNAME READY\n$ oc get nodes\n${f}\n${f}yaml\na: 1\n${f}\n`);
    const r = await inProc(['show', 'k.md', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    const j = JSON.parse(r.stdout) as { id: string; steps: { index: number; checks: string[]; commands: { id: string; text: string; lang: string; runnable: boolean; danger: boolean; attributes: object }[] }[] };
    expect(j.id).toBe('k');
    expect(j.steps[0]!.commands.map((c) => [c.id, c.text, c.lang, c.runnable, c.danger])).toEqual([
      ['1.1', 'oc get pods', 'console', true, false],
      ['1.2', 'oc get nodes', 'console', true, false],
      ['1.3', 'a: 1', 'yaml', false, false],
    ]);
    expect(Object.keys(j).sort()).toEqual(['description', 'id', 'last_reviewed', 'owner', 'path', 'services', 'severity', 'steps', 'tags', 'title', 'vars'].sort());
  });

  it('an unknown runbook is exit 2 with one line and a suggestion', async () => {
    const w = lib();
    const r = await inProc(['show', 'alpah'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['runbook: unknown runbook "alpah" (did you mean alpha?)']);
  });

  it('a folder given as the runbook is exit 2 with a hint', async () => {
    const w = workDir();
    mkdirSync(join(w.dir, 'ops.md'));
    const r = await inProc(['show', 'ops.md'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('runbook: ops.md is a folder, not a runbook file (to use the runbooks in it: --dir ops.md)');
  });

  it('an invalid runbook given explicitly is exit 2 naming the file and line, never a stack', async () => {
    const w = lib();
    const r = await runCli(['show', 'runbooks/broken.md'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.md:[34]: invalid YAML/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.concurrent('lint', () => {
  it('reports each problem with file, line, severity and rule; exit 1 on errors, 0 on warnings only', async () => {
    const w = workDir();
    w.write('bad.md', `---\nlast_reviewed: ${today}\n---\n## S\n${f}sh\ndf -h {{mount}}\n${f}\n`);
    w.write('warn.md', `## S\n${f}sh\nsystemctl restart nginx\n${f}\n`);
    const r = await runCli(['lint', 'bad.md', 'warn.md'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.md:5: error {{mount}} is not declared in vars');
    expect(r.stdout).toContain('[undeclared-var]');
    expect(r.stdout).toMatch(/warn\.md:2: warning command 1\.1 looks destructive/);
    expect(r.stderr).toMatch(/2 runbooks checked: 1 error, 2 warnings/);
    const ok = await inProc(['lint', 'warn.md'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(ok.code).toBe(0);
  });

  it('--json is { problems: [...] } and nothing else on stdout; duplicate ids across folders are errors', async () => {
    const w = workDir();
    mkdirSync(join(w.dir, 'a'));
    mkdirSync(join(w.dir, 'b'));
    w.write('a/x.md', good('same'));
    w.write('b/y.md', good('same'));
    const r = await inProc(['lint', 'a', 'b', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { problems: { file: string; line: number; severity: string; rule: string; message: string }[] };
    expect(j.problems.map((p) => [p.rule, p.severity])).toEqual([
      ['duplicate-id', 'error'],
      ['duplicate-id', 'error'],
    ]);
    expect(Object.keys(j.problems[0]!).sort()).toEqual(['file', 'line', 'message', 'rule', 'severity']);
  });

  it('--max-age decides what is stale', async () => {
    const w = workDir();
    w.write('old.md', good('old').replace(today, '2020-01-01'));
    const r = await inProc(['lint', 'old.md', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect((JSON.parse(r.stdout) as { problems: { rule: string }[] }).problems.map((p) => p.rule)).toEqual(['review-stale']);
    const r2 = await inProc(['lint', 'old.md', '--json', '--max-age', '100000'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(JSON.parse(r2.stdout)).toEqual({ problems: [] });
  });

  it('one broken runbook never hides the others', async () => {
    const w = lib();
    const r = await inProc(['lint', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    const files = (JSON.parse(r.stdout) as { problems: { file: string }[] }).problems.map((p) => p.file);
    expect(files.some((f) => f.endsWith('broken.md'))).toBe(true);
    expect(r.code).toBe(1);
  });
});

describe.concurrent('new', () => {
  it('writes <id>.md into ./runbooks (created), passes lint, never overwrites', async () => {
    const w = workDir();
    const r = await runCli(['new', 'redis-down', '--title', 'Redis is down'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    const file = join(w.dir, 'runbooks', 'redis-down.md');
    expect(readFileSync(file, 'utf8')).toContain('title: "Redis is down"');
    const lint = await inProc(['lint', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(JSON.parse(lint.stdout)).toEqual({ problems: [] });
    writeFileSync(file, 'mine');
    const again = await inProc(['new', 'redis-down'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(again.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('writes into the first --dir', async () => {
    const w = workDir();
    await inProc(['--dir', 'ops', 'new', 'x'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(existsSync(join(w.dir, 'ops', 'x.md'))).toBe(true);
  });
});

describe.concurrent('help, version, completion', () => {
  it('--version prints the package version', async () => {
    const w = workDir();
    const r = await runCli(['--version'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version);
  });

  it.each(['list', 'show', 'lint', 'new', 'run', 'note', 'mark', 'incidents', 'replay', 'export', 'drill', 'completion'])('%s --help has an example', async (cmd) => {
    const w = workDir();
    const r = await inProc([cmd, '--help'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    // How the examples name the command when started as `node bin/runbook.js`: the hints test below.
    expect(r.stdout).toMatch(/Examples:\n\s+\$ \S/);
  });

  it('hints name the command as it was invoked: node bin/runbook.js from a clone, runbook from PATH', async () => {
    const root = join(__dirname, '..', '..', '..');
    // Run from the clone, but with list's cache (which looking up an id writes) in a folder of the test's own.
    const env = { ...cliEnv(root), XDG_CACHE_HOME: join(workDir().dir, '.cache'), PATH: process.env.PATH, npm_command: undefined, npm_lifecycle_event: undefined };
    const asCloned = await exec(process.execPath, ['bin/runbook.js', 'show', 'no-such-runbook-here'], { cwd: root, env });
    expect(asCloned.stderr).toMatch(/\(run `node bin\/runbook\.js list` to see/);
    const help = await exec(process.execPath, ['bin/runbook.js', 'note', '--help'], { cwd: root, env });
    expect(help.stdout).toMatch(/^Usage: node bin\/runbook\.js note /);
    expect(help.stdout).toContain('$ node bin/runbook.js note "rolled back deploy 4812"');
    // Installed: a `runbook` link in a folder on PATH.
    const w = workDir();
    mkdirSync(join(w.dir, 'bin'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(root, 'bin', 'runbook.js'), join(w.dir, 'bin', 'runbook'));
    const installed = await exec('runbook', ['new', 'x'], { cwd: w.dir, env: { ...env, PATH: `${join(w.dir, 'bin')}:${process.env.PATH}` } });
    expect(installed.stderr).toBe('wrote a new runbook; edit it, then check it with: runbook lint runbooks/x.md\n');
  });

  it('the bash completion script is valid and completes command names and runbook ids', async () => {
    const w = lib();
    const script = (await runCli(['completion', 'bash'], { cwd: w.dir, env: cliEnv(w.dir) })).stdout;
    w.write('c.sh', script);
    const bin = join(__dirname, '..', '..', '..', 'bin', 'runbook.js');
    const probe = `runbook() { node ${bin} "$@"; }\nsource ./c.sh\nCOMP_WORDS=(runbook li); COMP_CWORD=1; _runbook; echo "\${COMPREPLY[@]}"\nCOMP_WORDS=(runbook run al); COMP_CWORD=2; _runbook; echo "\${COMPREPLY[@]}"\nmkdir -p other && cp runbooks/alpha.md other/omega.md && sed -i s/id:.alpha/id:\\ omega/ other/omega.md\nCOMP_WORDS=(runbook --dir other run o); COMP_CWORD=4; _runbook; echo "\${COMPREPLY[@]}"\n`;
    const r = await exec('bash', ['-c', probe], { cwd: w.dir, env: cliEnv(w.dir) });
    // Folders are offered too, to reach a .md file by path.
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['list lint', 'alpha', 'omega other']);
    // Each command's flags, option choices, and timeline files where a timeline is expected.
    mkdirSync(join(w.dir, 'incidents'));
    w.write('incidents/20261128-030000-alpha.jsonl', '');
    w.write('incidents/notes.txt', '');
    const complete = async (words: string[]): Promise<string> => {
      const p = `runbook() { node ${bin} "$@"; }\nsource ./c.sh\nCOMP_WORDS=(${words.map((x) => `'${x}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _runbook; echo "\${COMPREPLY[@]}"\n`;
      return (await exec('bash', ['-c', p], { cwd: w.dir, env: cliEnv(w.dir) })).stdout.trim();
    };
    expect(await complete(['runbook', 'mark', '--'])).toBe('--timeline --at --force --help');
    expect(await complete(['runbook', 'mark', ''])).toBe('impact detected mitigated resolved');
    expect(await complete(['runbook', 'incidents', '--'])).toBe('--all --json --help');
    expect(await complete(['runbook', 'replay', 'incidents/'])).toBe('incidents/20261128-030000-alpha.jsonl');
    expect(await complete(['runbook', 'export', 'incidents/20261128-030000-alpha.jsonl', '--format', ''])).toBe('markdown cast json html');
    expect(await complete(['runbook', 'drill', 'incidents/2'])).toBe('incidents/20261128-030000-alpha.jsonl');
    expect(await complete(['runbook', 'run', '--resume', 'incidents/'])).toBe('incidents/20261128-030000-alpha.jsonl');
    expect(await complete(['runbook', 'note', '--timeline', 'incidents/'])).toBe('incidents/20261128-030000-alpha.jsonl');
    expect(await complete(['runbook', 'run', '--var', ''])).toBe('');
    const zsh = await inProc(['completion', 'zsh'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(zsh.stdout).toMatch(/^#compdef runbook/);
    const bad = await inProc(['completion', 'fish'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(bad.code).toBe(2);
    // A dozen Node starts one after another (the script calls the CLI): seconds idle, a minute on a loaded machine.
  }, 180_000);
});
