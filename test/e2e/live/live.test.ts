// A live run among its team, through the real CLI: found from another directory and another user's shell,
// `status --json` and `handover` against it, and stale registry entries ignored and removed. One run for all.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanup, cliEnv, onlyTimeline, readEvents, runCli, spawnCli, until, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

/** Waits (inside the command, mid-line) for the file `go` in the run's folder, then goes on. */
const RUNBOOK = `# Waits

## Hold

\`\`\`sh
printf 'half'; n=0; while [ ! -e go ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done; echo ' line'
\`\`\`

## Finish

\`\`\`sh
echo done
\`\`\`
`;

interface StatusJson {
  timeline: string;
  pid: number;
  operator: string;
  step: { index: number; count: number; title: string };
  command: { id: string; runningMs: number } | null;
  notes: { actor: string; text: string }[];
  marks: { what: string; actor: string }[];
  handovers: { from: string; to: string }[];
  since: { from: string };
}

/** setpriv needs root; a machine that is not fails this loudly (as the pty tests do without python3) rather than skipping it. */
function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('this test switches to user nobody with setpriv, which needs root (CI runs as root)');
}

describe('live runs on this host', () => {
  it('are found from another directory and (RUNBOOK_SHARED) another user’s shell; stale entries are skipped and removed; the new holder signs later events', async () => {
    requireRoot();
    const w = workDir();
    chmodSync(w.dir, 0o755);
    w.write('waits.md', RUNBOOK);
    // What docs/team.md asks an administrator to do: the team's group owns the shared and incidents folders.
    const shared = join(w.dir, 'shared', 'live');
    const incidents = join(w.dir, 'incidents');
    for (const d of [join(w.dir, 'shared'), shared, incidents]) mkdirSync(d);
    for (const d of [shared, incidents]) (chownSync(d, 0, 65534), chmodSync(d, 0o2770));
    const env = cliEnv(w.dir, { RUNBOOK_ACTOR: 'alice', RUNBOOK_SHARED: shared });
    // The run lives through the whole test: its deadline must outlast the test's own under a loaded machine.
    const run = spawnCli(['run', 'waits.md', '--yes'], { cwd: w.dir, env, timeoutMs: 80_000 });
    const registry = join(env.XDG_RUNTIME_DIR as string, 'runbook', 'live');
    await until(() => existsSync(registry) && readdirSync(registry).some((f) => f.endsWith('.json')) && readdirSync(shared).some((f) => f.endsWith('.json')), 30_000, 'the run to register');
    // A runner that is gone, and a live pid whose start time is not the runner's (the pid was reused).
    const gone = spawnSync('true').pid as number;
    writeFileSync(join(registry, 'gone.json'), JSON.stringify({ pid: gone, start: '1', host: hostname(), timeline: w.path('gone.jsonl') }));
    writeFileSync(join(registry, 'reused.json'), JSON.stringify({ pid: process.pid, start: '1', host: hostname(), timeline: w.path('reused.jsonl') }));

    // nobody, with no supplementary groups: only the folders' group lets it in; no XDG_RUNTIME_DIR of root's.
    const asNobody = spawnAsync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'note', 'from', 'the', 'other', 'shell'], {
      cwd: '/',
      env: { PATH: process.env.PATH, HOME: '/', NO_COLOR: '1', RUNBOOK_SHARED: shared, RUNBOOK_ACTOR: 'nobody-user', RUNBOOK_CONFIG: '/nonexistent' },
    });
    const elsewhere = workDir().dir; // another directory, no ./incidents there
    const other = { ...env, RUNBOOK_TIMELINE_DIR: join(elsewhere, 'incidents'), RUNBOOK_SHARED: '' };
    // Responders at once (they serialize on the timeline's lock).
    const [n, m, nobody] = await Promise.all([
      runCli(['note', 'disk', 'at', '97%'], { cwd: elsewhere, env: { ...other, RUNBOOK_ACTOR: 'bob' } }),
      runCli(['mark', 'detected', 'pager'], { cwd: elsewhere, env: { ...other, RUNBOOK_ACTOR: 'carol' } }),
      asNobody,
    ]);
    expect([n.code, m.code, nobody.code], `${n.stderr}${m.stderr}${nobody.stderr}`).toEqual([0, 0, 0]);
    const h = await runCli(['handover', '--to', 'bob', 'alice', 'is', 'off'], { cwd: elsewhere, env: other });
    expect(h.stderr).toMatch(/^handed over to bob in .*\.jsonl \(seq \d+\)\n$/);

    const [st, text] = await Promise.all([runCli(['status', '--json'], { cwd: elsewhere, env: other }), runCli(['status'], { cwd: elsewhere, env: other })]);
    expect(st.code).toBe(0);
    const runs = JSON.parse(st.stdout) as StatusJson[];
    expect(runs).toHaveLength(1);
    const s = runs[0] as StatusJson;
    expect(s.timeline).toBe(onlyTimeline(w.dir));
    expect(s.pid).toBe(run.child.pid);
    expect(s).toMatchObject({ operator: 'bob', step: { index: 1, count: 2, title: 'Hold' }, command: { id: '1.1' }, since: { from: 'detected' } });
    expect(s.notes.map((x) => `${x.actor}: ${x.text}`).sort()).toEqual(['bob: disk at 97%', 'nobody-user: from the other shell']);
    expect(s.marks).toEqual([expect.objectContaining({ what: 'detected', actor: 'carol' })]);
    expect(s.handovers).toEqual([expect.objectContaining({ from: 'alice', to: 'bob' })]);
    expect(readdirSync(registry).sort()).not.toContain('gone.json');
    expect(readdirSync(registry)).not.toContain('reused.json');
    // The text view says the same to a person.
    expect(text.stdout).toMatch(/operator bob@/);
    expect(text.stdout).toMatch(/step +step 1 of 2: Hold/);
    expect(text.stdout).toMatch(/running +1\.1 \$ printf 'half'.* for \d/);

    // replay --follow without a timeline follows the live run, to its end.
    const follow = spawnCli(['replay', '--follow', '--json'], { cwd: elsewhere, env: other, timeoutMs: 60_000 });
    await until(() => follow.stdout().includes('"handover"'), 30_000, 'replay --follow to catch up');
    writeFileSync(w.path('go'), '');
    const exit = await run.done;
    expect(exit.code).toBe(0);
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type).at(-1)).toBe('run.finished');
    // Others' events were shown on the operator's screen, with who wrote them.
    expect(exit.stderr).toMatch(/✎ note \(bob\): disk at 97%\n/);
    expect(exit.stderr).toMatch(/✎ note \(nobody-user\): from the other shell\n/);
    expect(exit.stderr).toMatch(/⇄ handed over to bob: alice is off \(by alice\)\n/);
    const events = readEvents(onlyTimeline(w.dir));
    const handoverSeq = events.find((e) => e.type === 'handover')?.seq as number;
    const after = events.filter((e) => e.seq > handoverSeq && ['step.started', 'command.started', 'run.finished'].includes(e.type));
    expect(after.map((e) => e.type)).toEqual(['step.started', 'command.started', 'run.finished']);
    expect(after.every((e) => e['actor'] === 'bob')).toBe(true);
    expect(events.filter((e) => e.seq < handoverSeq && e.type === 'step.started').every((e) => !('actor' in e))).toBe(true);
    // The run unregistered from both folders; nothing is live any more.
    expect([...readdirSync(registry), ...readdirSync(shared)].filter((f) => f.endsWith('.json'))).toEqual([]);
    const none = await runCli(['note', 'late'], { cwd: elsewhere, env: other });
    expect(none.code).toBe(2);
  }, 90_000);
});

/** spawnSync's result, without blocking the test's event loop (the run's output is being collected). */
function spawnAsync(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}
