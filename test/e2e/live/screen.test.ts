// What others append shows up on the operator's terminal (pty), held while a prompt is open and while the
// command's output is mid-line; and `status --watch` redraws in place in tmux and exits 0 on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanup, cliEnv, python3Available, runCli, spawnPty, until, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!python3Available())('others’ notes on the operator’s screen (needs python3 with the pty module)', () => {
  it('wait for the prompt to close and for the end of the output line, then print whole', async () => {
    const w = workDir();
    w.write(
      'hold.md',
      `# Hold

## Hold

\`\`\`sh
printf 'half'; n=0; while [ ! -e go ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done; echo ' line'; n=0; while [ ! -e go2 ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done; echo after
\`\`\`
`,
    );
    const env = cliEnv(w.dir, { RUNBOOK_ACTOR: 'alice' });
    const t = spawnPty(['run', 'hold.md'], { cwd: w.dir, env, timeoutMs: 80_000 });
    const elsewhere = workDir().dir;
    const note = (text: string) => runCli(['note', text], { cwd: elsewhere, env: { ...env, RUNBOOK_ACTOR: 'bob' } });

    let at = await t.waitFor('Run 1.1?', { timeoutMs: 30_000 });
    expect((await note('while asked')).code).toBe(0);
    // The runner has read it by now (it watches the file). Were it slower, this check would only prove less:
    // the note is awaited below either way.
    await sleep(700);
    expect(t.screen().slice(at)).not.toContain('while asked');
    t.type('r\r');
    at = await t.waitFor(/✎ note \(bob\): while asked\n/, { from: at, timeoutMs: 30_000 });
    at = await t.waitFor('half', { from: at, timeoutMs: 30_000 });

    expect((await note('during output')).code).toBe(0);
    await sleep(700);
    expect(t.screen().slice(at)).not.toContain('during output'); // mid-line: it waits
    writeFileSync(w.path('go'), '');
    // Shown at the line's end, on a line of its own, while the command still runs (it waits for go2).
    at = await t.waitFor(/half line\n✎ note \(bob\): during output\n/, { from: at - 4, timeoutMs: 30_000 });
    expect(t.screen().slice(at)).not.toContain('after');
    writeFileSync(w.path('go2'), '');
    await t.waitFor(/after\n/, { from: at, timeoutMs: 30_000 });
    expect((await t.done).code).toBe(0);
  }, 90_000);
});

describe('status --watch', () => {
  it('redraws in place every second in tmux (one clear, then cursor home) and exits 0 on Ctrl-C', async () => {
    const w = workDir();
    const started = new Date(Date.now() - 5000).toISOString();
    const ev = (seq: number, body: Record<string, unknown>): string => JSON.stringify({ v: 1, seq, ts: started, mono_ms: seq, ...body });
    const tl = w.write(
      't.jsonl',
      [
        ev(0, { type: 'run.started', incident: 'inc-7', runbook: { id: 'db', title: 'DB down', path: 'db.md', sha256: '0', source: '# DB down\n\n## Look\n\n```sh\nx\n```\n' }, mode: 'live', actor: 'alice', host: 'h', cwd: '/', cli_version: '0' }),
        ev(1, { type: 'step.started', step: 1, title: 'Look' }),
        ev(2, { type: 'command.started', step: 1, id: '1.1', command: 'pg_isready', edited: false, danger: false }),
      ].join('\n') + '\n',
    );
    const sock = `rb-${process.pid}-${Date.now()}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const raw = w.path('raw.out');
    const env = Object.entries(cliEnv(w.dir)).filter(([k]) => k !== 'TMUX').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    try {
      // status starts only once pipe-pane records the pane: on a loaded machine its first frame (with the one
      // screen clear) could otherwise be drawn before the recording began.
      const go = w.path('go');
      const cmd = `n=0; while [ ! -e ${go} ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done; env ${env} ${process.execPath} ${BIN} status --watch --timeline ${tl}; echo "EXIT=$?"; sleep 30`;
      expect(tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'w', cmd).status).toBe(0);
      expect(tmux('pipe-pane', '-o', '-t', 'w', `cat >> ${raw}`).status).toBe(0);
      writeFileSync(go, '');
      const pane = (): string => tmux('capture-pane', '-p', '-t', 'w').stdout;
      await until(() => /running +1\.1/.test(pane()), 30_000, 'the first frame');
      const first = /for (\d+)s/.exec(pane())?.[1];
      await until(() => /for (\d+)s/.exec(pane())?.[1] !== first, 10_000, 'a redraw');
      const screen = pane();
      expect(screen.match(/● DB down/g)).toHaveLength(1); // redrawn over itself, not scrolled
      expect(screen).toMatch(/operator alice@h/);
      tmux('send-keys', '-t', 'w', 'C-c');
      await until(() => /EXIT=\d+/.test(pane()), 10_000, 'status to exit');
      expect(pane()).toMatch(/EXIT=0/);
      const bytes = readFileSync(raw, 'utf8');
      expect(bytes.split('\x1b[2J')).toHaveLength(2); // the screen is cleared once, before the first frame
      expect(bytes.split('\x1b[H').length).toBeGreaterThan(2);
    } finally {
      tmux('kill-server');
    }
  });
});
