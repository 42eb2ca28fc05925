// The command launcher as a user meets it (docs/running.md, "The command launcher"): `run --yes` of a
// runbook of several commands, whose later commands the launcher starts; what they report (exit codes, a
// signal, output) is what the direct path reports; after the run nothing of the launcher is left.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanup, cliEnv, onlyTimeline, processesWith, readEvents, runCli, until, workDir } from '../../helpers/run-cli.js';

afterAll(() => cleanup());

const f = '```';
// Each command says who started it: the runner (node) or the launcher (python3, or perl).
const who = (n: number): string => `echo "c${n} $(cat /proc/$PPID/comm)"`;
const RUNBOOK = `# Launched

## Commands

${f}sh
${who(1)}
${f}

${f}sh
${who(2)}; sleep 1
${f}

${[3, 4, 5].map((n) => `${f}sh\n${who(n)}\n${f}\n`).join('\n')}
${f}sh {allow_failure=true}
${who(6)}; exit 7
${f}

${f}sh {allow_failure=true}
${who(7)}; kill -TERM $$
${f}

${f}sh
${who(8)}; printf 'x%.0s' $(seq 1 70000) | wc -c
${f}
`;

describe('run --yes through the launcher', { timeout: 120_000 }, () => {
  it.each([
    ['python3', {}],
    ['perl', { RUNBOOK_LAUNCHER: 'perl' }],
  ])('the runner starts the first two commands, the launcher (%s) the rest, with the same exit codes, signal and output; nothing is left after', async (comm, extra) => {
    const w = workDir();
    w.write('launched.md', RUNBOOK);
    // The launcher's private folder goes under TMPDIR: this test's own, to see it gone.
    const tmp = w.path('tmp');
    mkdirSync(tmp);
    // The second command waits 1 s: the launcher it starts is ready long before the third (~30 ms idle).
    const r = await runCli(['run', 'launched.md', '--yes', '--allow-dangerous'], { cwd: w.dir, env: cliEnv(w.dir, { TMPDIR: tmp, ...extra }), timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^c\d /.test(l))).toEqual(['c1 node', 'c2 node', ...[3, 4, 5, 6, 7, 8].map((n) => `c${n} ${comm}`)]);
    const events = readEvents(onlyTimeline(w.dir));
    const finished = events.filter((e) => e.type === 'command.finished').map((e) => [e['id'], e['exit_code'], e['signal']]);
    expect(finished).toEqual([
      ['1.1', 0, null],
      ['1.2', 0, null],
      ['1.3', 0, null],
      ['1.4', 0, null],
      ['1.5', 0, null],
      ['1.6', 7, null],
      ['1.7', null, 'SIGTERM'],
      ['1.8', 0, null],
    ]);
    // 70,000 bytes through a FIFO (more than a pipe holds), counted by the command itself.
    expect(events.filter((e) => e.type === 'command.output' && e['id'] === '1.8').map((e) => e['data']).join('')).toBe(`c8 ${comm}\n70000\n`);
    await until(() => readdirSync(tmp).length === 0 && processesWith(tmp).length === 0, 10_000, 'the launcher ended and removed its folder');
  });

  it('a launcher killed under a running command: the command runs on, and its line says its exit status was lost, not that it did not start', async () => {
    const w = workDir();
    const lost = `# Lost

## Commands

${f}sh
true
${f}

${f}sh
sleep 1
${f}

${f}sh {allow_failure=true}
echo $PPID > launcher.pid; while [ ! -e go ]; do sleep 0.05; done; echo end-of-three
${f}

${f}sh
echo four
${f}
`;
    w.write('lost.md', lost);
    const running = runCli(['run', 'lost.md', '--yes'], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 90_000 });
    await until(() => existsSync(w.path('launcher.pid')) && readFileSync(w.path('launcher.pid'), 'utf8').endsWith('\n'), 30_000, 'the third command started');
    const pid = Number(readFileSync(w.path('launcher.pid'), 'utf8'));
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('python3');
    process.kill(pid, 'SIGKILL');
    writeFileSync(w.path('go'), '');
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✘ exit status lost \(the command launcher ended\)[^\n]*1\.3/);
    expect(r.stderr).not.toMatch(/did not start/);
    expect(r.stdout).toContain('end-of-three\nfour\n');
    const third = readEvents(onlyTimeline(w.dir)).find((e) => e.type === 'command.finished' && e['id'] === '1.3');
    expect(third).toMatchObject({ exit_code: null, signal: null, status_lost: true });
  });

  it('RUNBOOK_NO_LAUNCHER=1: the runner starts every command', async () => {
    const w = workDir();
    w.write('launched.md', RUNBOOK);
    const r = await runCli(['run', 'launched.md', '--yes', '--allow-dangerous'], { cwd: w.dir, env: cliEnv(w.dir, { RUNBOOK_NO_LAUNCHER: '1' }), timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^c\d /.test(l))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `c${n} node`));
  });
  // docs/running.md: a command gets no other open descriptor. One the runner inherited above Node's own range
  // (libuv marks 0-15 close-on-exec, nothing marks the rest) reached every command the runner or Perl started.
  it.each([
    ['python3', {}],
    ['perl', { RUNBOOK_LAUNCHER: 'perl' }],
    ['node', { RUNBOOK_NO_LAUNCHER: '1' }],
  ])('a descriptor the runner inherited reaches no command, whoever starts it (%s from the third)', async (comm, extra) => {
    const w = workDir();
    const fds = (n: number): string => `echo "c${n} $(cat /proc/$PPID/comm) $(ls /proc/self/fd | sort -n | tr '\\n' ' ')"`;
    w.write('fds.md', `# Fds\n\n## Commands\n\n${f}sh\n${fds(1)}\n${f}\n\n${f}sh\n${fds(2)}; sleep 1\n${f}\n\n${f}sh\n${fds(3)}\n${f}\n`);
    const inherited = openSync(w.write('secret.txt', 'not for commands\n'), 'r');
    const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'pipe', 'pipe', ...new Array<'ignore'>(37).fill('ignore'), inherited];
    const child = spawn(process.execPath, [BIN, 'run', 'fds.md', '--yes'], { cwd: w.dir, env: cliEnv(w.dir, extra), stdio });
    closeSync(inherited);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => /^c\d /.test(l));
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['c1 node', 'c2 node', `c3 ${comm}`]);
    // ls's own descriptor (3) and the session's dump (10) are the only ones above stderr; 40 is the inherited one.
    for (const l of lines) expect(l.split(' ').slice(2).filter(Boolean).map(Number), l).toEqual([0, 1, 2, 3, 10]);
  });
});
