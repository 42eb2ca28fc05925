// What `run` checks and says before its first step: the runbook's lint errors (refusing those that change what
// would run), a --timeline file already in use (advising only what works), and where the terminal must be.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, python3Available, readEvents, runCli, spawnPty, until, workDir } from '../../helpers/run-cli.js';
// Cases refused or previewed before anything runs: in-process (the bundle's main); the others through the binary.
import { runInProcess } from '../../helpers/in-process.js';

afterEach(() => cleanup());

const touch = '## Touch\n\n```sh\ntouch ran.marker\n```\n';

describe('lint errors before the first step', () => {
  it.each([
    ['a bad variable pattern', "vars:\n  - name: zone\n    pattern: '[unclosed'\n    default: eu", 3, 'invalid-pattern'],
    ['choices that are not a list', 'vars:\n  - name: zone\n    choices: 7\n    default: eu', 3, 'field-type'],
    ['a runbook timeout that is not a duration', 'timeout: forever', 2, 'field-type'],
  ])('%s refuses the run: exit 2, file:line rule message, nothing runs', async (_what, fm, line, rule) => {
    const w = workDir();
    w.write('bad.md', `---\n${fm}\n---\n# Bad\n\n${touch}`);
    const r = await runInProcess(['run', 'bad.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^runbook: bad\\.md:${line} ${rule} \\S`, 'm'));
    expect(r.stderr).toMatch(/not running bad: this error changes what would run/);
    expect(existsSync(w.path('ran.marker'))).toBe(false);
    expect(existsSync(w.path('incidents'))).toBe(false);
  });

  it('a command attribute that is not a duration refuses the run', async () => {
    const w = workDir();
    w.write('attr.md', '# Attr\n\n## Touch\n\n```sh {timeout=soon}\ntouch ran.marker\n```\n');
    const r = await runInProcess(['run', 'attr.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^runbook: attr\.md:5 bad-attribute timeout=soon is not a duration/m);
    expect(existsSync(w.path('ran.marker'))).toBe(false);
  });

  it('a bad date and a bad tag list are warnings: shown before the run, which goes on', async () => {
    const w = workDir();
    w.write('warn.md', `---\nlast_reviewed: last week\ntags: 42\n---\n# Warn\n\n${touch}`);
    const r = await runInProcess(['run', 'warn.md', '--yes'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^runbook: warning: warn\.md:2 bad-date last_reviewed must be a date/m);
    expect(r.stderr).toMatch(/^runbook: warning: warn\.md:3 field-type tags must be a list/m);
    // Shown before the first step, not after it.
    expect(r.stderr.indexOf('bad-date')).toBeLessThan(r.stderr.indexOf('Step 1'));
    expect(existsSync(w.path('ran.marker'))).toBe(true);
  });
});

describe('--timeline FILE that is not a new file', () => {
  it('a file that is not a timeline is refused without advising --resume, and left as it was', async () => {
    const w = workDir();
    w.write('rb.md', `# Rb\n\n${touch}`);
    w.write('notes.txt', 'my notes\n');
    const r = await runInProcess(['run', 'rb.md', '--yes', '--timeline', 'notes.txt'], { cwd: w.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt is not empty and is not a runbook timeline; choose a new file/);
    expect(r.stderr).not.toMatch(/--resume/);
    expect(readFileSync(w.path('notes.txt'), 'utf8')).toBe('my notes\n');
    expect(existsSync(w.path('ran.marker'))).toBe(false);
  });

  it('an aborted run is advised to be resumed, and that advice works', async () => {
    const w = workDir();
    w.write('rb.md', `# Rb\n\n${touch}`);
    // An aborted run, as `run` records one.
    const aborted = await runCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir });
    expect(aborted.code).toBe(0);
    const lines = readFileSync(w.path('t.jsonl'), 'utf8').trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const kept = events.filter((e) => e.type === 'run.started' || e.type === 'var.set');
    kept.push({ v: 1, seq: kept.length, ts: new Date().toISOString(), mono_ms: 5, type: 'run.finished', status: 'aborted', duration_ms: 5 });
    writeFileSync(w.path('t.jsonl'), kept.map((e) => JSON.stringify(e)).join('\n') + '\n');

    const again = await runCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir });
    expect(again.code).toBe(2);
    const advice = /continue it with `(node \S+\/bin\/runbook\.js run --resume t\.jsonl)`/.exec(again.stderr);
    expect(advice, again.stderr).not.toBeNull();
    const followed = await runCli(['run', '--resume', 't.jsonl', '--yes'], { cwd: w.dir });
    expect(followed.code, followed.stderr).toBe(0);
    expect(existsSync(w.path('ran.marker'))).toBe(true);
  });
});

describe.skipIf(!python3Available())('a terminal on stdin and stderr is enough (needs python3 with the pty module)', () => {
  it('run … | tee run.log asks on the terminal and the command output reaches the pipe', async () => {
    const w = workDir();
    w.write('tee.md', '# Tee\n\n## Say\n\n```sh\necho said-through-the-pipe\n```\n');
    const t = spawnPty(['run', 'tee.md', '--timeline', 't.jsonl'], {
      cwd: w.dir,
      // stdout is the pipe to tee; stdin and stderr stay the terminal.
      wrap: (cli) => ['sh', '-c', '"$@" | tee run.log', 'sh', ...cli],
    });
    await t.waitFor('Run 1.1?');
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(readFileSync(w.path('run.log'), 'utf8')).toContain('said-through-the-pipe');
    expect(readEvents(w.path('t.jsonl')).at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('when what reads stdout ends (a Ctrl-C stops `| tee` too), later output is shown on the terminal after one line saying so', async () => {
    const w = workDir();
    // printf: the box shows the command, so only the output holds the word whole.
    w.write('gone.md', "# Gone\n\n## One\n\n```sh\nprintf '%s-output\\n' first\n```\n\n## Two\n\n```sh\nprintf '%s-output\\n' second\n```\n\n```sh\nprintf '%s-output\\n' third\n```\n");
    const t = spawnPty(['run', 'gone.md', '--timeline', 't.jsonl'], {
      cwd: w.dir,
      // The reader takes one byte and ends, as tee does on the Ctrl-C that reaches the whole foreground group;
      // reader-gone says the pipe's read end is closed.
      wrap: (cli) => ['sh', '-c', '"$@" | { head -c 1 >/dev/null; exec 0<&-; touch reader-gone; }', 'sh', ...cli],
    });
    let at = await t.waitFor('Run 1.1?');
    t.type('r\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    await until(() => existsSync(w.path('reader-gone')), 60_000, 'the reader to end');
    t.type('r\r');
    at = await t.waitFor('Run 2.2?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    const screen = t.screen();
    expect(screen).not.toContain('first-output'); // it went down the pipe
    const notice = screen.indexOf('runbook: standard output was closed');
    expect(notice).toBeGreaterThan(0);
    expect(screen.split('runbook: standard output was closed')).toHaveLength(2); // said once
    // The first write after the reader left is not lost either.
    expect(screen.indexOf('second-output', notice)).toBeGreaterThan(notice);
    expect(screen.indexOf('third-output', notice)).toBeGreaterThan(notice);
    expect(screen).not.toMatch(/EPIPE|\n\s+at /);
    const outputs = readEvents(w.path('t.jsonl')).filter((e) => e.type === 'command.output').map((e) => e['data']);
    expect(outputs.join('')).toContain('second-output');
  });
});
