// Issue 15 end to end: one shell session across the commands of a run (exports, unset, cd, capture), what
// does not carry (a failure, `exec`, set -e), --no-session, and --resume restoring the recorded session.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, plain, python3Available, readEvents, runCli, spawnPty, workDir } from '../../helpers/run-cli.js';
import { runInProcess } from '../../helpers/in-process.js';

// Whatever a failed test left running, and the temp folders, go with the file (workers are shared).
afterAll(() => cleanup());

const fence = (body: string, attrs = ''): string => `\`\`\`sh${attrs ? ` {${attrs}}` : ''}\n${body}\n\`\`\`\n`;

describe('shell session under run --yes', () => {
  it('carries export, unset and cd; not a failure, an exec or set -e; capture holds multi-line stdout', async () => {
    const w = workDir();
    w.write(
      's.md',
      [
        '# Session\n\n## One\n',
        // Every special character, a newline and a byte that is not UTF-8 (0xff) in one value.
        fence(`export POD=api-1 GONE=x; export WEIRD="$(printf 'a\\nb "q" \\047s = $x \\\\ \\377')"; mkdir -p 'sub dir'; cd 'sub dir'`),
        fence('unset GONE; echo "pod=$POD gone=${GONE-unset}"; pwd; printf %s "$WEIRD" | od -An -tx1 | tr -d \' \\n\'; echo'),
        fence('export POD=changed; cd /; false', 'allow_failure=true'),
        fence('echo "after-fail pod=$POD"; pwd'),
        fence('set -e; export E=1'),
        fence('echo "e=$E"; false; echo set-e-did-not-leak'),
        fence("export x=before; exec sh -c 'echo exec-ran'"),
        fence('echo "x=${x-unset}"'),
        fence("printf 'a b\\n\\nc\\n\\n'", 'capture=LIST'),
        fence('printf "[%s]\\n" "$LIST" "{{LIST}}"'),
      ].join('\n'),
    );
    const r = await runCli(['run', 's.md', '--yes'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const sub = `${w.dir}/sub dir`;
    const hex = Buffer.from('a\nb "q" \'s = $x \\ ').toString('hex') + 'ff';
    expect(r.stdout).toBe(
      [
        'pod=api-1 gone=unset',
        sub,
        hex,
        'after-fail pod=api-1',
        sub,
        'e=1',
        'set-e-did-not-leak',
        'exec-ran',
        'x=unset',
        'a b\n\nc\n',
        '[a b\n\nc]',
        '[a b\n\nc]',
        '',
      ].join('\n'),
    );
    // The operator sees what changed, and the timeline records it: names always, values when shown.
    expect(plain(r.stderr)).toContain(`env: +GONE, +POD, +WEIRD · cwd: ${sub}`);
    expect(plain(r.stderr)).toContain('env: -GONE');
    const events = readEvents(onlyTimeline(w.dir));
    const changes = events.filter((e) => e.type === 'session.changed');
    expect(changes.map((e) => [e['id'], e['added'], e['changed'], e['removed'], e['cwd']])).toEqual([
      ['1.1', 'GONE POD WEIRD', '', '', sub],
      ['1.2', '', '', 'GONE', ''],
      ['1.5', 'E', '', '', ''],
    ]);
    // WEIRD is not UTF-8: its value is not recorded (it could not be restored exactly).
    expect(JSON.parse(changes[0]?.['values'] as string)).toEqual({ GONE: 'x', POD: 'api-1' });
    expect(events.find((e) => e.type === 'var.set' && e['name'] === 'LIST')).toMatchObject({ value: 'a b\n\nc', source: 'capture' });
  });

  it('--no-session starts every command clean; a secret-looking export is recorded by name only', async () => {
    const w = workDir();
    w.write('n.md', `# N\n\n## One\n\n${fence('export pod=x DB_PASSWORD=hunter2hunter2; cd /')}\n${fence('echo "pod=${pod-unset}"; pwd')}`);
    const clean = await runCli(['run', 'n.md', '--yes', '--no-session', '--timeline', 'clean.jsonl'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe(`pod=unset\n${w.dir}\n`);
    const on = await runCli(['run', 'n.md', '--yes', '--timeline', 'on.jsonl'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(on.stdout).toBe('pod=x\n/\n');
    const text = readFileSync(w.path('on.jsonl'), 'utf8');
    expect(text).not.toContain('hunter2hunter2');
    const change = readEvents(w.path('on.jsonl')).find((e) => e.type === 'session.changed');
    expect(change).toMatchObject({ added: 'DB_PASSWORD pod', cwd: '/' });
    expect(JSON.parse(change?.['values'] as string)).toEqual({ pod: 'x' });
  });

  it('a capture used by a bare name in arithmetic must be an integer: its text is never evaluated', async () => {
    const w = workDir();
    // bash evaluates a variable named in arithmetic as an expression, and `x[$(…)]` in one runs the command.
    w.write('n.md', `# N\n\n## One\n\n${fence(`echo 'x[$(touch ${w.path('PWNED')})]'`, 'capture=N')}\n${fence('echo $(( N + 1 ))')}\n${fence('(( N > 1 )) && echo big')}`);
    const r = await runCli(['run', 'n.md', '--yes'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    // Refused for its shape (a subscript holding a command), whatever reads it.
    expect(plain(r.stderr)).toContain('capture=N: variable N holds a subscript ("name[") with a "$" or a backtick after it');
    expect(existsSync(w.path('PWNED'))).toBe(false);
    // Any other text, used bare in arithmetic, is refused too: the rule for $N holds for N.
    w.write('t.md', `# N\n\n## One\n\n${fence('echo seven', 'capture=N')}\n${fence('echo $(( N + 1 ))')}`);
    const t = await runInProcess(['run', 't.md', '--yes'], { cwd: w.dir });
    expect(plain(t.stderr)).toContain('capture=N: variable N is used in arithmetic in command 1.2, where its text is evaluated: its value must be an integer');
    // An integer is what arithmetic is for.
    w.write('ok.md', `# N\n\n## One\n\n${fence('echo 41', 'capture=N')}\n${fence('echo $(( N + 1 ))')}`);
    const ok = await runCli(['run', 'ok.md', '--yes'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('42\n');
  });

  it('a capture that fails under allow_failure=true is shown as allowed, and the run goes on', async () => {
    const w = workDir();
    w.write('a.md', `# A\n\n## One\n\n${fence('seq 1 100000', 'capture=BIG allow_failure=true')}\n${fence('echo after')}`);
    const r = await runInProcess(['run', 'a.md', '--yes'], { cwd: w.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(plain(r.stderr + r.stdout)).toContain('✔ exit 0, capture failed (allowed)');
    expect(r.stdout).toContain('after\n');
  });

  it('a capture over 64 KiB fails its command with a clear message', async () => {
    const w = workDir();
    w.write('big.md', `# Big\n\n## One\n\n${fence('seq 1 100000', 'capture=BIG')}\n${fence('echo "never $BIG"')}`);
    const r = await runCli(['run', 'big.md', '--yes'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('never');
    expect(plain(r.stderr)).toContain('capture=BIG: the command printed more than 64 KiB, more than a capture holds');
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.some((e) => e.type === 'var.set' && e['name'] === 'BIG')).toBe(false);
    // The black box says what the run said: the command exited 0, and it failed (the capture's reason beside it).
    expect(events.find((e) => e.type === 'command.finished')).toMatchObject({ exit_code: 0, capture_error: expect.stringContaining('more than a capture holds') });
    expect(plain(r.stderr + r.stdout)).toMatch(/1 failed/);
    // So do replay, the exports and a resume (in-process: they only read the timeline; each is spawned elsewhere).
    const replay = await runInProcess(['replay', '--instant', onlyTimeline(w.dir)], { cwd: w.dir });
    expect(plain(replay.stdout + replay.stderr)).toContain('✘ exit 0, capture failed');
    expect(plain(replay.stdout + replay.stderr)).toMatch(/1 run · 1 failed/);
    const json = JSON.parse((await runInProcess(['export', onlyTimeline(w.dir), '--format', 'json'], { cwd: w.dir })).stdout) as { counts: { commands_failed: number }; steps: { commands: { capture_error?: string }[] }[] };
    expect(json.counts.commands_failed).toBe(1);
    expect(json.steps[0]?.commands[0]?.capture_error).toContain('more than a capture holds');
    const md = await runInProcess(['export', onlyTimeline(w.dir), '--format', 'markdown'], { cwd: w.dir });
    expect(md.stdout).toMatch(/Command 1\.1 .*: exit 0, capture failed/);
    expect(md.stdout).toContain('1 command run, 1 failed, 0 skipped.');
    // A drill of it plays the failure, and says as much output went unrecorded as the incident did (588 KB
    // printed, over the timeline's cap per command).
    const omitted = (events.find((e) => e.type === 'command.finished')?.['omitted_bytes'] as number) ?? 0;
    expect(omitted).toBeGreaterThan(1024);
    const drill = await runInProcess(['drill', onlyTimeline(w.dir), '--yes'], { cwd: w.dir });
    expect(plain(drill.stdout + drill.stderr)).toContain('✘ exit 0, capture failed');
    // The capture never stored a value: the drill names it as a capture, not as a default.
    expect(plain(drill.stderr)).toContain('var BIG = <BIG> (capture)');
    const drills = readdirSync(w.path('drills')).filter((f) => f.endsWith('.jsonl'));
    expect(drills).toHaveLength(1);
    const drilled = readEvents(w.path(`drills/${drills[0]}`)).find((e) => e.type === 'command.finished');
    // The incident's, plus what the drill's own lines ("[drill] output recorded …") pushed past the cap.
    expect(drilled?.['omitted_bytes'] as number).toBeGreaterThanOrEqual(omitted);
    expect(drilled?.['omitted_bytes'] as number).toBeLessThan(omitted + 1024);
  });
});

describe('shell session in a terminal, then resumed', () => {
  it.skipIf(!python3Available())('state carries between prompted commands; --resume restores it and names what it could not', async () => {
    const w = workDir();
    w.write(
      'r.md',
      [
        '# R\n\n## One\n',
        fence("export POD=api-7 API_TOKEN=tok-abcdef-123456; mkdir -p logs; cd logs"),
        fence('echo "one:$POD:$(basename "$PWD")"'),
        '\n## Two\n',
        fence('echo "two:$POD:$(basename "$PWD"):${API_TOKEN:-none}"'),
      ].join('\n'),
    );
    // Generous waits: a loaded machine (the suite on 2 shared cores) can take many seconds per prompt.
    const t = spawnPty(['run', 'r.md', '--timeline', 't.jsonl'], { cwd: w.dir, timeoutMs: 110_000 });
    let at = await t.waitFor('Run 1.1?', { timeoutMs: 60_000 });
    t.type('r\r');
    at = await t.waitFor('Run 1.2?', { from: at, timeoutMs: 60_000 });
    t.type('r\r');
    at = await t.waitFor('Run 2.1?', { from: at, timeoutMs: 60_000 });
    t.type('q\r');
    const stopped = await t.done;
    expect(stopped.code).toBe(130);
    expect(plain(stopped.stdout)).toContain('one:api-7:logs');
    expect(plain(stopped.stdout)).toContain('env: +API_TOKEN, +POD · cwd:');

    // The token's value was not recorded: the resumed run says so, and it must be given again.
    const r = await runCli(['run', '--resume', 't.jsonl', '--yes', '--var', 'API_TOKEN=again'], { cwd: w.dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('two:api-7:logs:again\n');
    expect(plain(r.stderr)).toContain('shell session restored without API_TOKEN');
    expect(readFileSync(w.path('t.jsonl'), 'utf8')).not.toContain('tok-abcdef-123456');
  }, 180_000);
});
