// The command launcher as a user meets it (docs/running.md, "The command launcher"): `run --yes` of a
// runbook of several commands, whose later commands the launcher starts; what they report (exit codes, a
// signal, output) is what the direct path reports; after the run nothing of the launcher is left.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, onlyTimeline, processesWith, readEvents, runCli, until, workDir } from '../../helpers/run-cli.js';

afterAll(() => cleanup());

const f = '```';
// Each command says who started it: the runner (node) or the launcher (python3, or perl), and which
// descriptors it has open: docs/running.md promises none but stdin, stdout, stderr (and, with a session, the
// wrapper's own above 9). The runs below leave the runner descriptor 40 as a parent shell would (`exec
// 40<file`): libuv marks only 0-15 close-on-exec, so without the runner closing it every command Node or Perl
// started had it (the suite's own workers also pass one at 251).
const who = (n: number): string => `echo "c${n} $(cat /proc/$PPID/comm)"; echo "fds${n} $(ls /proc/self/fd | sort -n | tr '\\n' ' ')"`;
/** Each command's descriptors above stderr, besides ls's own (3) and the session wrapper's dump (10). */
function strayFds(stdout: string): string[] {
  const stray: string[] = [];
  for (const line of stdout.split('\n').filter((l) => /^fds\d /.test(l))) {
    const [name, ...fds] = line.split(' ').filter((x) => x !== '');
    const extra = fds.filter((fd) => Number(fd) > 2 && fd !== '3' && fd !== '10');
    if (extra.length > 0) stray.push(`${name}: ${extra.join(' ')}`);
  }
  return stray;
}
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
    const inherited = openSync(w.write('secret.txt', 'not for commands\n'), 'r');
    const r = await runCli(['run', 'launched.md', '--yes', '--allow-dangerous'], { cwd: w.dir, env: cliEnv(w.dir, { TMPDIR: tmp, ...extra }), timeoutMs: 90_000, inherit: { fd: inherited, as: 40 } });
    closeSync(inherited);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^c\d /.test(l))).toEqual(['c1 node', 'c2 node', ...[3, 4, 5, 6, 7, 8].map((n) => `c${n} ${comm}`)]);
    expect(strayFds(r.stdout)).toEqual([]);
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
    expect(events.filter((e) => e.type === 'command.output' && e['id'] === '1.8').map((e) => e['data']).join('')).toMatch(new RegExp(`^c8 ${comm}\\nfds8 [\\d ]+\\n70000\\n$`));
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
    const inherited = openSync(w.write('secret.txt', 'not for commands\n'), 'r');
    const r = await runCli(['run', 'launched.md', '--yes', '--allow-dangerous'], { cwd: w.dir, env: cliEnv(w.dir, { RUNBOOK_NO_LAUNCHER: '1' }), timeoutMs: 90_000, inherit: { fd: inherited, as: 40 } });
    closeSync(inherited);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^c\d /.test(l))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `c${n} node`));
    expect(strayFds(r.stdout)).toEqual([]);
  });
});
