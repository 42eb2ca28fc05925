// Commands as processes (§4): stdin from /dev/null, a timeout that takes the whole process group down, and a
// runner killed with SIGTERM that kills the running command's group and records the run as aborted.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, processesWith, readEvents, spawnCli, uniqueSleep, until, workDir } from '../../helpers/run-cli.js';

const markers: string[] = [];
// Once at the end: the tests run side by side (each mostly waits on a timeout or a signal), and cleanup() kills
// every CLI this file started.
afterAll(() => cleanup(markers.splice(0)));

describe.concurrent('commands as processes', { timeout: 120_000 }, () => {
  it('a command reading stdin does not hang a runner whose own stdin stays open', async () => {
    const w = workDir();
    w.write(
      'stdin.md',
      `# Stdin

## Read

\`\`\`sh
cat
\`\`\`

\`\`\`sh {allow_failure=true}
read x; echo "read exit $? [$x]"
\`\`\`

\`\`\`sh
head -c 10 > from-stdin.out
\`\`\`
`,
    );
    // stdin is a pipe that is never written to nor ended: a command that inherited it would wait forever.
    const s = spawnCli(['run', 'stdin.md', '--yes'], { cwd: w.dir, stdin: 'pipe', timeoutMs: 90_000 });
    s.child.stdin?.write('typed-by-nobody\n');
    const r = await s.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/read exit 1 \[\]/);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.filter((e) => e.type === 'command.finished').map((e) => e['timed_out'])).toEqual([false, false, false]);
    expect(events.filter((e) => e.type === 'command.output').map((e) => e['data']).join('')).not.toContain('typed-by-nobody');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('a timeout stops the whole process group within timeout + grace, and the timeline says timed_out', async () => {
    const w = workDir();
    const a = uniqueSleep(30);
    const b = uniqueSleep(31);
    markers.push(a, b);
    w.write('timeout.md', `# Timeout\n\n## Wait\n\n\`\`\`sh {timeout=2s}\nsleep ${a} & sleep ${b}\n\`\`\`\n`);
    const s = spawnCli(['run', 'timeout.md', '--yes'], { cwd: w.dir, timeoutMs: 90_000 });
    await until(() => processesWith(a).length > 0 && processesWith(b).length > 0, 60_000, 'both sleeps to start');
    const t0 = Date.now();
    const r = await s.done;
    // 2 s timeout + 3 s grace + slack for a loaded 2-core machine; far below the 30 s the sleeps would take.
    expect(Date.now() - t0).toBeLessThan(2_000 + 3_000 + 6_000);
    expect(r.code).toBe(1);
    expect(processesWith(a)).toEqual([]);
    expect(processesWith(b)).toEqual([]);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.find((e) => e.type === 'command.finished')).toMatchObject({ id: '1.1', timed_out: true, exit_code: null });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s to the runner kills the running command group, records run.finished aborted, exits 130', async (sig) => {
    const w = workDir();
    const a = uniqueSleep(30);
    const b = uniqueSleep(32);
    markers.push(a, b);
    w.write('term.md', `# Term\n\n## Wait\n\n\`\`\`sh\nsleep ${b} & sleep ${a}\n\`\`\`\n\n## After\n\n\`\`\`sh\ntouch after\n\`\`\`\n`);
    const s = spawnCli(['run', 'term.md', '--yes'], { cwd: w.dir, timeoutMs: 90_000 });
    await until(() => processesWith(a).length > 0 && processesWith(b).length > 0, 60_000, 'the sleeps to start');
    s.child.kill(sig);
    const r = await s.done;
    expect(r.code).toBe(130);
    expect(processesWith(a)).toEqual([]);
    expect(processesWith(b)).toEqual([]);
    const events = readEvents(onlyTimeline(w.dir));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.find((e) => e.type === 'command.finished')).toMatchObject({ id: '1.1', exit_code: null });
    expect(events.filter((e) => e.type === 'command.started')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });
});
