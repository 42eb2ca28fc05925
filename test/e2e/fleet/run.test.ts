// `runbook run --on` end to end against 20 real sshd servers started here: one host, 20 in parallel with an
// unreachable one among them, a timeout and a Ctrl-C that leave nothing on any host, and the record of a
// multi-host run through replay and export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, plain, processesWith, python3Available, readEvents, runCli, spawnCli, spawnPty, workDir } from '../../helpers/run-cli.js';
import { startSshd, type SshdFleet } from '../../helpers/sshd.js';
import { runInProcess } from '../../helpers/in-process.js';
import { ExitCode } from '../../../src/errors.js';

let fleet: SshdFleet;
beforeAll(async () => {
  fleet = await startSshd(20);
}, 120_000);
afterAll(async () => {
  cleanup();
  await fleet?.stop();
});

const f = '```';
type Ev = Record<string, unknown> & { type: string };
const of = (events: Ev[], type: string): Ev[] => events.filter((e) => e.type === type);

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

describe.concurrent('run --on', () => {
  it('one host: the value arrives byte for byte, the box names the host, the timeline records it', async () => {
    const w = workDir();
    w.write('one.md', `# One\n\n## Echo\n\n${f}sh {on=targets}\nprintf %s "{{v}}" | base64 -w0; echo; echo "on $RUNBOOK_TEST_HOST"\n${f}\n\n## Here\n\n${f}sh\necho local\n${f}\n`);
    const value = `it's "$(id)" \`x\` $HOME \\n\nline2\n`;
    const r = await runCli(['run', 'one.md', '--yes', '--on', 'web1', '--ssh-config', fleet.config, '--free-text', 'v', '--var', `v=${value}`], { cwd: w.dir, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    // Every byte as given: quotes, $(…), backticks, a backslash and the newlines, none of it expanded.
    expect(r.stdout).toContain(`${Buffer.from(value).toString('base64')}\n`);
    expect(r.stdout).toContain('on web1');
    expect(r.stdout).toContain('local');
    expect(plain(r.stderr)).toMatch(/┌─ 1\.1 · on web1/);
    expect(plain(r.stderr)).not.toMatch(/┌─ 2\.1 · on/);
    const events = readEvents(onlyTimeline(w.dir)) as Ev[];
    expect(of(events, 'targets.confirmed')).toEqual([expect.objectContaining({ hosts: ['web1'], confirmed_by: 'unattended' })]);
    expect(of(events, 'command.started').map((e) => e.hosts)).toEqual([['web1'], undefined]);
    expect(of(events, 'command.finished').map((e) => [e.id, e.host, e.exit_code])).toEqual([['1.1', 'web1', 0], ['2.1', undefined, 0]]);
    expect(of(events, 'command.output').filter((e) => e.id === '1.1').every((e) => e.host === 'web1')).toBe(true);
  }, 240_000);

  it('20 hosts in parallel and one unreachable: the others finish, the run fails naming it; replay, export, drill and incidents show each host', async () => {
    const w = workDir();
    w.write('many.md', `# Many\n\n## Uptime\n\n${f}sh {on=targets}\necho same-everywhere\n[ "$RUNBOOK_TEST_HOST" != web7 ] || echo odd-one\n${f}\n\n## Never\n\n${f}sh\ntouch never\n${f}\n`);
    const on = [...fleet.hosts, fleet.down].join(',');
    const r = await runCli(['run', 'many.md', '--yes', '--on', on, '--parallel', '21', '--ssh-config', fleet.config, '--timeline', 'many.jsonl'], { cwd: w.dir, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(1);
    const out = plain(r.stdout);
    const others = fleet.hosts.filter((h) => h !== 'web7');
    // clubak-style: identical outputs once, under their hosts; then each host's exit.
    expect(out, out.slice(out.indexOf("exit codes"))).toContain(`${others.join(',')} (19 hosts)\n`);
    expect(out).toMatch(/\nweb7 \(1 host\)\n─+\nsame-everywhere\nodd-one\n/);
    expect(out).toMatch(/exit codes: 1 of 21 hosts failed/);
    // ssh's own message (its exact words are checked in transport.test.ts).
    expect(out).toMatch(/ {2}down unreachable \(.+\)/);
    expect(out).toMatch(/^web12 \| same-everywhere$/m);
    expect(plain(r.stderr)).toMatch(/1\.1 unreachable on down/);
    const events = readEvents(w.path('many.jsonl')) as Ev[];
    const finished = of(events, 'command.finished');
    expect(finished.map((e) => e.host).sort()).toEqual([...fleet.hosts, 'down'].sort());
    expect(finished.find((e) => e.host === 'down')).toMatchObject({ exit_code: 255, host_error: expect.stringMatching(/./) });
    expect(finished.filter((e) => e.host !== 'down').every((e) => e.exit_code === 0)).toBe(true);
    expect(of(events, 'command.started')).toHaveLength(1);

    const replay = await runInProcess(['replay', 'many.jsonl', '--instant'], { cwd: w.dir });
    expect(replay.code).toBe(0);
    const shown = plain(replay.stdout + replay.stderr);
    expect(shown).toMatch(/⌖ 21 targets: web1, web2/);
    expect(shown).toMatch(/web7 \| odd-one/);
    expect(shown).toMatch(/down ✘ unreachable · ./);
    expect(shown).toMatch(/web20 ✔ exit 0/);

    const md = await runInProcess(['export', 'many.jsonl', '--format', 'markdown'], { cwd: w.dir });
    expect(md.stdout).toMatch(/Ran 1\.1 .*on 21 hosts, failed on down \(unreachable\)/);
    const json = JSON.parse((await runInProcess(['export', 'many.jsonl', '--format', 'json'], { cwd: w.dir })).stdout) as { host_count: number; steps: { commands: { hosts?: { host: string; exit_code: number; host_error?: string }[] }[] }[] };
    expect(json.host_count).toBe(21);
    const hosts = json.steps[0]?.commands[0]?.hosts ?? [];
    expect(hosts).toHaveLength(21);
    expect(hosts.find((h) => h.host === 'down')).toMatchObject({ exit_code: 255, host_error: expect.stringMatching(/./) });

    const drill = await runCli(['drill', 'many.jsonl', '--yes'], { cwd: w.dir });
    expect(plain(drill.stdout + drill.stderr)).toMatch(/web7 \| odd-one/);
    expect(plain(drill.stdout + drill.stderr)).toMatch(/\[drill\] on 21 hosts: .*down unreachable/);

    const list = await runInProcess(['incidents', '--all'], { cwd: w.dir, env: { ...process.env, NO_COLOR: '1', RUNBOOK_TIMELINE_DIR: w.dir } });
    expect(plain(list.stdout)).toMatch(/HOSTS[\s\S]*many\s+\d+\s+21\s+many\.jsonl/);
  }, 300_000);

  it('at a terminal: hosts asked for (targets: required), the list confirmed, a failure retried on the failed host only', async () => {
    expect(python3Available()).toBe(true);
    const w = workDir();
    const mark = w.path('failed-once');
    w.write('ask.md', `---\ntargets: required\n---\n# Ask\n\n## Once\n\n${f}sh {on=targets}\nif [ "$RUNBOOK_TEST_HOST" = web2 ] && [ ! -e ${mark} ]; then touch ${mark}; exit 7; fi; echo "fine on $RUNBOOK_TEST_HOST"\n${f}\n`);
    const t = spawnPty(['run', 'ask.md', '--ssh-config', fleet.config, '--timeline', 't.jsonl'], { cwd: w.dir, timeoutMs: 240_000 });
    let at = await t.waitFor('hosts (hosts to run on', { timeoutMs: 60_000 });
    t.type('web1,web2\r');
    at = await t.waitFor('Run the remote blocks on 2 hosts: web1, web2?', { from: at, timeoutMs: 60_000 });
    t.type('y\r');
    at = await t.waitFor('Run 1.1?', { from: at, timeoutMs: 60_000 });
    t.type('r\r');
    at = await t.waitFor('1.1 failed on web2. What now?', { from: at, timeoutMs: 120_000 });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code, t.screen()).toBe(0);
    const events = readEvents(w.path('t.jsonl')) as Ev[];
    expect(of(events, 'targets.confirmed')).toEqual([expect.objectContaining({ hosts: ['web1', 'web2'], confirmed_by: 'operator' })]);
    expect(of(events, 'command.started').map((e) => e.hosts)).toEqual([['web1', 'web2'], ['web2']]);
    expect(of(events, 'command.finished').map((e) => `${String(e.host)} ${String(e.exit_code)}`).slice(2)).toEqual(['web2 0']);
  }, 300_000);

  it('a timeout and a Ctrl-C end the command on every host: no process is left there', async () => {
    const w = workDir();
    const m1 = `rb-fleet-timeout-${process.pid}`;
    const m2 = `rb-fleet-sigint-${process.pid}`;
    w.write('t.md', `# T\n\n## Hang\n\n${f}sh {on=targets timeout=3s}\nsh -c 'sleep 300; : ${m1}' & sleep 301; : ${m1}\n${f}\n`);
    w.write('c.md', `# C\n\n## Hang\n\n${f}sh {on=targets}\nsh -c 'sleep 300; : ${m2}' & sleep 301; : ${m2}\n${f}\n`);
    const args = (file: string): string[] => ['run', file, '--yes', '--on', 'web1,web2,web3', '--ssh-config', fleet.config];
    const timed = runCli(args('t.md'), { cwd: w.dir, timeoutMs: 180_000 });
    const sig = spawnCli(args('c.md'), { cwd: w.dir, timeoutMs: 180_000 });
    // All three hosts run it (two processes each: the shell and its background child) before Ctrl-C.
    expect(await waitFor(() => processesWith(m2).length >= 6, 90_000)).toBe(true);
    sig.child.kill('SIGINT');
    const [t, c] = await Promise.all([timed, sig.done]);
    expect(t.code).toBe(1);
    expect(plain(t.stderr)).toMatch(/timed out on web1,web2,web3/);
    expect(c.code).toBe(ExitCode.aborted);
    expect(await waitFor(() => processesWith(m1).length + processesWith(m2).length === 0, 30_000)).toBe(true);
  }, 300_000);
  it('each host keeps its own shell session: exports and cd carry per host, a failure leaves the host as it was, a value arrives exactly; --no-session carries nothing', async () => {
    const w = workDir();
    // A value with a newline, both quotes, `=`, `$(…)` and a backslash; a background process printing 3000
    // bytes without a newline while the host reports its state: none of the report may reach the output.
    const set = [
      `mkdir -p "${w.dir}/$RUNBOOK_TEST_HOST" && cd "${w.dir}/$RUNBOOK_TEST_HOST"`,
      `export POD="pod-$RUNBOOK_TEST_HOST" ODD="$(printf 'a=1\\n"b" \\x27c\\x27 $(x) \\\\ ')" GONE=1`,
      `(i=0; while [ $i -lt 3000 ]; do printf x; i=$((i+1)); done) &`,
    ].join('\n');
    const fail = 'export POD=moved; unset GONE; cd /; [ "$RUNBOOK_TEST_HOST" != web2 ]';
    const show = 'wait; echo; printf \'%s|%s|%s|\' "$POD" "$(env | grep -c ^GONE=)" "$PWD"; printf %s "$ODD" | base64 -w0; echo';
    w.write('s.md', `# S\n\n## Set\n\n${f}sh {on=targets}\n${set}\n${f}\n\n## Fail on web2\n\n${f}sh {on=targets allow_failure=true}\n${fail}\n${f}\n\n## Show\n\n${f}sh {on=targets}\n${show}\n${f}\n`);
    const args = (t: string, ...more: string[]): string[] => ['run', 's.md', '--yes', '--on', 'web1,web2', '--ssh-config', fleet.config, '--timeline', t, ...more];
    const [r, off] = await Promise.all([runCli(args('s.jsonl'), { cwd: w.dir, timeoutMs: 180_000 }), runCli(args('off.jsonl', '--no-session', '--var', 'POD=none', '--var', 'ODD=none'), { cwd: w.dir, timeoutMs: 180_000 })]);
    expect(r.code, r.stderr).toBe(0);
    const odd = Buffer.from('a=1\n"b" \'c\' $(x) \\ ').toString('base64');
    const out = plain(r.stdout);
    expect(out).toMatch(new RegExp(`^web1 \\| moved\\|0\\|/\\|${odd}$`, 'm'));
    expect(out).toContain(`web2 | pod-web2|1|${w.dir}/web2|${odd}\n`);
    const events = readEvents(w.path('s.jsonl')) as Ev[];
    const output = (id: string, host: string): string => of(events, 'command.output').filter((e) => e.id === id && e.host === host).map((e) => String(e.data)).join('');
    for (const host of ['web1', 'web2']) expect(output('1.1', host)).toBe('x'.repeat(3000));
    expect(of(events, 'session.changed').map((e) => [e.id, e.host, e.added, e.changed, e.removed, e.cwd])).toEqual(
      expect.arrayContaining([
        ['1.1', 'web1', 'GONE ODD POD', '', '', `${w.dir}/web1`],
        ['1.1', 'web2', 'GONE ODD POD', '', '', `${w.dir}/web2`],
        ['2.1', 'web1', '', 'POD', 'GONE', '/'],
      ]),
    );
    expect(of(events, 'session.changed')).toHaveLength(3);
    expect(plain(r.stderr + r.stdout)).toMatch(/web1: env: ~POD, -GONE · cwd: \//);

    expect(off.code, off.stderr).toBe(0);
    // The hosts' login directory, the values given: nothing of the commands before carried.
    expect(plain(off.stdout)).toMatch(new RegExp(`^web1 \\| none\\|0\\|(?!${w.dir})[^|]+\\|${Buffer.from('none').toString('base64')}$`, 'm'));
    expect(of(readEvents(w.path('off.jsonl')) as Ev[], 'session.changed')).toEqual([]);
  }, 300_000);
});
