// End to end: spawn bin/runbook.js (which runs dist/: build first, `npm test` does) in a temp dir.
import { spawn, spawnSync } from 'node:child_process';
import { runCli, type Exit } from '../../helpers/run-cli.js';
import { runInProcess } from '../../helpers/in-process.js';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIX = 'test/fixtures/timelines';

/** The CLI with the machine's environment (no colour, no config file), refusing to hang past timeoutMs. */
async function run(args: string[], cwd: string, timeoutMs = 20_000): Promise<Exit> {
  const r = await runCli(args, { cwd, env: { ...process.env, NO_COLOR: '1', RUNBOOK_CONFIG: join(cwd, 'no-config.json') }, timeoutMs });
  if (r.signal === 'SIGKILL') throw new Error(`runbook ${args.join(' ')} did not exit within ${timeoutMs} ms\n${r.stdout}\n${r.stderr}`);
  return r;
}

let dir: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('dist/ is missing: run `npm run build` (or npm test) first');
  dir = mkdtempSync(join(tmpdir(), 'runbook-replay-e2e-'));
  cpSync(join(ROOT, FIX), join(dir, FIX), { recursive: true });
});

describe('runbook replay', () => {
  it('--instant prints the golden replay and exits 0', async () => {
    const r = await run(['replay', `${FIX}/disk-full-completed.jsonl`, '--instant'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, FIX, 'disk-full-completed.replay.txt'), 'utf8'));
  });

  it('--json prints one event per line, each equal to the line in the file', async () => {
    const r = await run(['replay', `${FIX}/disk-full-completed.jsonl`, '--json'], dir);
    expect(r.code).toBe(0);
    const want = readFileSync(join(dir, FIX, 'disk-full-completed.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(want);
  });

  it('a torn, unfinished timeline replays as far as it goes, one stderr line per problem', async () => {
    const r = await run(['replay', `${FIX}/interrupted-torn.jsonl`, '--instant'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('power went out');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(3);
    expect(r.stderr).toContain('interrupted-torn.jsonl:13:');
  });

  it('exits 2 with one line naming a missing file', async () => {
    const r = await run(['replay', 'nope.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining('nope.jsonl')]);
  });

  it('--follow prints events another process appends, and exits 0 after run.finished', async () => {
    const file = join(dir, 'live.jsonl');
    const lines = readFileSync(join(dir, FIX, 'disk-full-completed.jsonl'), 'utf8').trimEnd().split('\n');
    const writer = join(dir, 'writer.mjs');
    // The first line is there before replay starts; the rest arrive one by one, the last being run.finished.
    writeFileSync(
      writer,
      `import { appendFileSync, writeFileSync } from 'node:fs';
const lines = ${JSON.stringify(lines)};
writeFileSync(${JSON.stringify(file)}, lines[0] + '\\n');
await new Promise((r) => setTimeout(r, 400));
for (const line of lines.slice(1)) {
  appendFileSync(${JSON.stringify(file)}, line + '\\n');
  await new Promise((r) => setTimeout(r, 20));
}
`,
    );
    const w = spawn(process.execPath, [writer], { stdio: 'ignore' });
    const writerDone = new Promise((r) => w.on('close', r));
    for (let i = 0; i < 500 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    const r = await run(['replay', file, '--follow'], dir);
    await writerDone;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('▶ Disk almost full');
    expect(r.stdout).toContain('✎ note (bob): host internal-1a2b3c4d');
    expect(r.stdout).toContain('■ run completed · 6m 12s');
    expect(r.stdout).toContain('status    completed');
    expect(r.stderr).toBe('');
  });
});

describe('runbook export', () => {
  it('markdown: the golden postmortem draft', async () => {
    const r = await run(['export', `${FIX}/disk-full-completed.jsonl`, '--format', 'markdown'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, FIX, 'disk-full-completed.postmortem.md'), 'utf8'));
  });

  it('json -o FILE: the golden summary in the file, nothing on stdout', async () => {
    const r = await run(['export', `${FIX}/disk-full-completed.jsonl`, '--format', 'json', '-o', 'summary.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe(readFileSync(join(ROOT, FIX, 'disk-full-completed.summary.json'), 'utf8'));
  });

  it('cast: `asciinema cat` accepts it and shows the run', async () => {
    // .ci/run installs asciinema; a machine without it fails here rather than skipping the check.
    expect(spawnSync('asciinema', ['--version']).status, 'asciinema is not installed (apt-get install asciinema)').toBe(0);
    const r = await run(['export', `${FIX}/disk-full-completed.jsonl`, '--format', 'cast', '-o', 'run.cast'], dir);
    expect(r.code).toBe(0);
    // asciinema cat wants a terminal: script(1) gives it one.
    const cat = spawnSync('script', ['-qec', 'asciinema cat run.cast', '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(cat.status).toBe(0);
    expect(cat.stdout).toContain('Step 2 of 4: Remove old logs');
    expect(cat.stdout).toContain('Summary');
  });

  it('without --format: the file name says which; -o - is stdout; a missing folder is made', async () => {
    const golden = (name: string): string => readFileSync(join(ROOT, FIX, name), 'utf8');
    // In-process (the same routing; no Node start needed): -o is read from the command's folder, not the test's.
    const json = await runInProcess(['export', `${FIX}/disk-full-completed.jsonl`, '-o', 'out/new/summary.json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out/new/summary.json'), 'utf8')).toBe(golden('disk-full-completed.summary.json'));
    const md = await runInProcess(['export', `${FIX}/disk-full-completed.jsonl`, '-o', '-'], { cwd: dir });
    expect(md.stdout).toBe(golden('disk-full-completed.postmortem.md'));
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('exits 2 with one line naming an unreadable timeline', async () => {
    const r = await run(['export', 'nope.jsonl', '--format', 'json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining('nope.jsonl')]);
  });
});
