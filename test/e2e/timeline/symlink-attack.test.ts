// A shared, group-writable timeline folder: another user (nobody) plants symbolic links where runbook will
// create files, and root runs runbook. No link is ever written through: every target stays as it was, and
// the command either fails with one clear line or works around the link without touching it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cliEnv, runCli, workDir } from '../../helpers/run-cli.js';
// Some cases in-process (the bundle's main, no Node start each); the others through the binary.
import { runInProcess } from '../../helpers/in-process.js';

afterEach(() => cleanup());

const NOBODY = 65534;
beforeAll(() => {
  // The attack needs two users: fail loudly rather than pass without trying it.
  if (process.getuid?.() !== 0) throw new Error('this test plants links as nobody and runs runbook as root: run it as root');
});

const event = (seq: number, body: Record<string, unknown>): string =>
  JSON.stringify({ v: 1, seq, ts: '2026-11-28T03:00:00.000Z', mono_ms: seq, ...body });
const TIMELINE =
  event(0, {
    type: 'run.started', incident: 'x', runbook: { id: 'x', title: 'X', path: 'x.md', sha256: '0', source: '## S\n' },
    mode: 'live', actor: 'a', host: 'h', cwd: '/', cli_version: '0',
  }) + '\n';
const RB = '## Touch\n```sh\ntouch ran.marker\n```\n';

/** A work dir with a shared folder (root:nogroup 2775, as a team's incidents folder) and root's own files. */
function setup() {
  const w = workDir();
  chmodSync(w.dir, 0o755);
  const shared = join(w.dir, 'shared');
  mkdirSync(shared);
  chownSync(shared, 0, NOBODY);
  chmodSync(shared, 0o2775);
  const own = join(w.dir, 'root-only');
  mkdirSync(own, { mode: 0o755 });
  const victim = join(own, 'victim');
  writeFileSync(victim, TIMELINE, { mode: 0o644 }); // looks like a timeline: the content check cannot save it
  /** As nobody: `ln -s target <shared>/name`. */
  const plant = (name: string, target: string): void => {
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'ln', '-s', target, join(shared, name)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nobody could not plant ${name}: ${r.stderr || r.error}`);
  };
  const untouched = (): void => {
    expect(readFileSync(victim, 'utf8')).toBe(TIMELINE);
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  };
  return { w, shared, victim, plant, untouched, env: cliEnv(w.dir) };
}

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] as string;
};

describe('planted symbolic links in a shared folder', () => {
  it('the owner sidecar: run refuses with one line, runs nothing, and the target is untouched', async () => {
    const s = setup();
    s.w.write('rb.md', RB);
    s.plant('t.jsonl.owner', s.victim);
    const r = await runCli(['run', 'rb.md', '--yes', '--timeline', join(s.shared, 't.jsonl')], { cwd: s.w.dir, env: s.env });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/t\.jsonl\.owner is a symbolic link/);
    expect(existsSync(s.w.path('ran.marker'))).toBe(false);
    s.untouched();
  });

  it('the lock file: note refuses with one line and the target is untouched', async () => {
    const s = setup();
    writeFileSync(join(s.shared, 'n.jsonl'), TIMELINE);
    s.plant('n.jsonl.lock', s.victim);
    const r = await runInProcess(['note', '--timeline', join(s.shared, 'n.jsonl'), 'hello'], { cwd: s.w.dir, env: s.env });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/n\.jsonl\.lock is a symbolic link/);
    s.untouched();
    expect(readFileSync(join(s.shared, 'n.jsonl'), 'utf8')).toBe(TIMELINE);
  });

  it('the timeline itself: note refuses to append through the link', async () => {
    const s = setup();
    s.plant('l.jsonl', s.victim);
    const r = await runInProcess(['note', '--timeline', join(s.shared, 'l.jsonl'), 'hello'], { cwd: s.w.dir, env: s.env });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/l\.jsonl: it is a symbolic link/);
    s.untouched();
  });

  it('a new timeline: a dangling link does not make run create its target', async () => {
    const s = setup();
    s.w.write('rb.md', RB);
    const target = join(s.w.dir, 'root-only', 'created-by-root');
    s.plant('new.jsonl', target);
    const r = await runCli(['run', 'rb.md', '--yes', '--timeline', join(s.shared, 'new.jsonl')], { cwd: s.w.dir, env: s.env });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/new\.jsonl: it is a symbolic link/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(s.w.path('ran.marker'))).toBe(false);
  });

  it('a torn tail is moved aside past a planted .torn-1, never through it', async () => {
    const s = setup();
    const path = join(s.shared, 'torn.jsonl');
    writeFileSync(path, `${TIMELINE}{"v":1,"seq":1,"ts":"2026`);
    s.plant('torn.jsonl.torn-1', s.victim);
    const r = await runInProcess(['note', '--timeline', path, 'after the tear'], { cwd: s.w.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(readFileSync(`${path}.torn-2`, 'utf8')).toBe('{"v":1,"seq":1,"ts":"2026');
    expect(statSync(`${path}.torn-2`).mode & 0o777).toBe(0o600);
    s.untouched();
  });

  it('export -o: a link is refused with one line; a plain file is written with mode 0600', async () => {
    const s = setup();
    const tl = join(s.shared, 'e.jsonl');
    writeFileSync(tl, TIMELINE + event(1, { type: 'run.finished', status: 'completed', duration_ms: 1 }) + '\n');
    s.plant('pm.md', s.victim);
    const refused = await runInProcess(['export', tl, '--format', 'markdown', '-o', join(s.shared, 'pm.md')], { cwd: s.w.dir, env: s.env });
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/pm\.md: it is a symbolic link/);
    s.untouched();

    const ok = await runInProcess(['export', tl, '--format', 'markdown', '-o', join(s.shared, 'ok.md')], { cwd: s.w.dir, env: s.env });
    expect(ok.code).toBe(0);
    expect(readFileSync(join(s.shared, 'ok.md'), 'utf8')).toMatch(/X/);
    expect(statSync(join(s.shared, 'ok.md')).mode & 0o777).toBe(0o600);
  });
});
