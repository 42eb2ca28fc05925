// The hash chain across processes, and the `verify` / `seal` commands end to end (docs/verify.md): a run and
// colleagues appending at once leave an exact chain; verify prints one verdict line and exits 0 or 1.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, runCli, spawnCli, workDir } from '../../helpers/run-cli.js';
// verify and seal through the binary in the first tests, in-process (the bundle's main) in the others.
import { runInProcess } from '../../helpers/in-process.js';
import { FIXTURES, runNode } from './cli.js';

afterEach(() => cleanup());

const FIXTURE = join(FIXTURES, 'append-loop.mjs');
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

/** The contract, checked here without verify's code: each prev is the SHA-256 of the line before, seq 0, 1, 2, … */
function expectExactChain(path: string): void {
  const ls = lines(path);
  ls.forEach((l, i) => {
    const e = JSON.parse(l) as { seq: number; prev: string };
    expect(e.seq, `line ${i + 1}`).toBe(i);
    expect(e.prev, `line ${i + 1}`).toBe(sha(i === 0 ? '' : (ls[i - 1] as string)));
  });
}

const until = async (what: string, ok: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the chain with several appenders', () => {
  it('a run and two colleagues appending notes and marks at once: the chain is exact and verify says ok', async () => {
    const w = workDir();
    // HOME without ~/.ssh: the seal is unsigned, whoever runs the tests.
    const env = cliEnv(w.dir, { HOME: w.dir });
    w.write(
      'rb.md',
      '# Busy\n\n## Output\n\n```sh\nfor i in $(seq 1 60); do echo "line $i"; sleep 0.01; done\n```\n\n## Wait\n\n```sh\nn=0; while [ ! -f go ] && [ $n -lt 6000 ]; do sleep 0.02; n=$((n+1)); done; echo done\n```\n',
    );
    const run = spawnCli(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: w.dir, env, timeoutMs: 60_000 });
    const path = w.path('t.jsonl');
    await until('the run has started', () => existsSync(path) && readFileSync(path, 'utf8').includes('command.started'));
    const [notes, marks] = await Promise.all([runNode([FIXTURE, path, 'notes', '40']), runNode([FIXTURE, path, 'marks', '40'])]);
    expect(notes.code, notes.stderr).toBe(0);
    expect(marks.code, marks.stderr).toBe(0);
    writeFileSync(w.path('go'), '');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);

    expectExactChain(path);
    const types = lines(path).map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === 'note')).toHaveLength(40);
    expect(types.filter((t) => t === 'mark')).toHaveLength(40);
    expect(types.slice(-2)).toEqual(['run.finished', 'seal']);
    const v = await runCli(['verify', 't.jsonl'], { cwd: w.dir, env });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^ok: ${types.length} events, sealed by \\S+ \\(unsigned: .*\\), chain intact\\nhead ${sha(lines(path).at(-1) as string)}\\n$`));
  });

  it('two processes appending at once, then `runbook seal`: exact chain, verify ok; verify --json says the same', async () => {
    const w = workDir();
    const env = cliEnv(w.dir, { HOME: w.dir });
    const path = w.path('t.jsonl');
    const rs = await Promise.all([runNode([FIXTURE, path, 'notes', '60']), runNode([FIXTURE, path, 'marks', '60'])]);
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    expectExactChain(path);
    const s = await runCli(['seal', 't.jsonl'], { cwd: w.dir, env });
    expect(s.code, s.stderr).toBe(0);
    // The head it prints is the one verify prints: the hash of the last line, the seal's.
    expect(s.stderr).toBe(`sealed t.jsonl over the 120 events before the seal (seq 120), unsigned\nhead ${sha(lines(path).at(-1) as string)}\n`);
    const v = await runCli(['verify', 't.jsonl', '--json'], { cwd: w.dir, env });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, events: 121, chain: 'intact', seal: { line: 121, events: 120, signed: false }, problem: null });
  });

  it('a writer killed mid-output: verify says truncated (exit 1); seal repairs the tail, the chain goes on, verify says ok', async () => {
    const w = workDir();
    const env = cliEnv(w.dir, { HOME: w.dir });
    const path = w.path('t.jsonl');
    const child = spawn(process.execPath, [FIXTURE, path, 'output', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('close', () => resolve());
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    clearTimeout(guard);

    const before = await runInProcess(['verify', 't.jsonl'], { cwd: w.dir, env });
    expect(before.code).toBe(1);
    // Killed between writes the file ends on a whole line (not sealed); killed inside one, on a torn line.
    expect(before.stdout).toMatch(/^(not sealed: .*|FAILED: line \d+, the last, is incomplete.*)\n$/);
    const s = await runInProcess(['seal', 't.jsonl'], { cwd: w.dir, env });
    expect(s.code, s.stderr).toBe(0);
    expectExactChain(path);
    const after = await runInProcess(['verify', 't.jsonl'], { cwd: w.dir, env });
    expect(after.code, after.stdout).toBe(0);
  });
});

describe('verify on the command line', () => {
  it('names the changed line and exits 1; an old timeline has no chain (exit 1); a missing file is exit 2', async () => {
    const w = workDir();
    const env = cliEnv(w.dir, { HOME: w.dir });
    const path = w.path('t.jsonl');
    const r = await runNode([FIXTURE, path, 'notes', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect((await runInProcess(['seal', 't.jsonl'], { cwd: w.dir, env })).code).toBe(0);
    const good = lines(path);
    writeFileSync(path, good.map((l, i) => (i === 2 ? l.replace(' n2', ' n9') : l)).join('\n') + '\n');
    const bad = await runInProcess(['verify', 't.jsonl'], { cwd: w.dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('FAILED: line 3 was changed: its bytes no longer hash to the prev that line 4 recorded\n');
    writeFileSync(path, good.slice(0, 5).map((l) => l.replace(/,"prev":"[0-9a-f]{64}"/, '')).join('\n') + '\n');
    const old = await runInProcess(['verify', 't.jsonl'], { cwd: w.dir, env });
    expect(old.code).toBe(1);
    expect(old.stdout).toMatch(/^no chain: this timeline carries no hash chain/);
    const missing = await runInProcess(['verify', 'nope.jsonl'], { cwd: w.dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^runbook: cannot read timeline .*nope\.jsonl: ENOENT/);
  });
});
