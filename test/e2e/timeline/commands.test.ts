import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runbook as spawned } from './cli.js';
import { runInProcess } from '../../helpers/in-process.js';
import { tempDir } from '../../unit/timeline/helpers.js';

function started(seq: number, ts: string, id: string, source = '# x\n', mode = 'live'): string {
  return JSON.stringify({
    v: 1, seq, ts, mono_ms: 0, type: 'run.started', incident: `inc-${id}`,
    runbook: { id, title: id, path: `${id}.md`, sha256: '0', source },
    mode, actor: 'a', host: 'h', cwd: '/', cli_version: '0.1.0',
  });
}
// Each test has its own timeline dir, so the tests of a block run concurrently. The first test drives the real
// binary; the others call the bundle's main() in-process (the same commands, without a Node start each).
const runbook = (args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return runInProcess(args, { cwd: opts.cwd, env: { ...env, ...opts.env } });
};
const ev = (seq: number, ts: string, body: Record<string, unknown>): string => JSON.stringify({ v: 1, seq, ts, mono_ms: seq, ...body });

/** A timeline dir with: an old completed run, a newer interrupted one, and (optionally) a running one. */
function setup(withRunning: boolean): { root: string; dir: string; env: NodeJS.ProcessEnv } {
  const root = tempDir('runbook-e2e-');
  const dir = join(root, 'tl');
  mkdirSync(dir);
  writeFileSync(
    join(dir, '20261101-030000-disk-full.jsonl'),
    [started(0, '2026-11-01T03:00:00.000Z', 'disk-full'), ev(1, '2026-11-01T03:10:00.000Z', { type: 'run.finished', status: 'completed', duration_ms: 600000 }), ev(2, '2026-11-01T04:00:00.000Z', { type: 'note', text: 'late note', actor: 'b' })].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, '20261120-030000-k8s-crashloop.jsonl'),
    [started(0, '2026-11-20T03:00:00.000Z', 'k8s-crashloop', '---\nredact: ["internal-[0-9a-f]{8}"]\n---\n# k\n'), ev(1, '2026-11-20T03:01:00.000Z', { type: 'step.started', step: 1, title: 'Look' })].join('\n') + '\n',
  );
  if (withRunning) {
    const p = join(dir, '20261110-030000-redis-down.jsonl');
    writeFileSync(p, started(0, '2026-11-10T03:00:00.000Z', 'redis-down') + '\n');
    writeFileSync(`${p}.owner`, `${process.pid}\n${hostname()}\n`); // this test process is alive
  }
  return { root, dir, env: { RUNBOOK_TIMELINE_DIR: dir, RUNBOOK_ACTOR: 'alice', RUNBOOK_CONFIG: join(root, 'none.json'), XDG_RUNTIME_DIR: join(root, '.run') } };
}

const lastLine = (path: string): Record<string, unknown> => {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
};

describe.concurrent('runbook note / mark', () => {
  it('append to the newest unfinished timeline, stamped with the actor, confirming on stderr', async () => {
    const { root, dir, env } = setup(false);
    const target = join(dir, '20261120-030000-k8s-crashloop.jsonl');
    const r = await spawned(['note', 'rolled', 'back', 'internal-deadbeef'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    // No runner is live on it (no owner), so the note says where it went and why.
    expect(r.stderr).toBe(
      'runbook: no run is live; adding to the newest interrupted one (tl/20261120-030000-k8s-crashloop.jsonl); pass --timeline FILE to choose\n' +
        'note recorded in tl/20261120-030000-k8s-crashloop.jsonl (seq 2)\n',
    );
    // The runbook's own redact pattern (from run.started) applies to notes too.
    expect(lastLine(target)).toMatchObject({ v: 1, seq: 2, type: 'note', text: 'rolled back [redacted]', actor: 'alice' });

    // Mitigation needs impact or detection marked first: a mistaken early milestone is refused.
    const early = await spawned(['mark', 'mitigated', 'too', 'soon'], { cwd: root, env });
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/mitigated comes after impact or detected, which are not marked yet/);
    expect(lastLine(target)).toMatchObject({ seq: 2, type: 'note' });
    expect((await spawned(['mark', 'detected'], { cwd: root, env })).code).toBe(0);
    const m = await spawned(['mark', 'mitigated', 'traffic', 'drained'], { cwd: root, env });
    expect(m.code, m.stderr).toBe(0);
    expect(lastLine(target)).toMatchObject({ seq: 4, type: 'mark', what: 'mitigated', text: 'traffic drained', actor: 'alice' });
    const bare = await spawned(['mark', 'resolved'], { cwd: root, env });
    expect(bare.code).toBe(0);
    expect(lastLine(target)).toMatchObject({ seq: 5, type: 'mark', what: 'resolved', text: '' });
  });

  it('mark --at backfills a milestone; one out of order is refused in one line unless --force', async () => {
    const { root, dir, env } = setup(false);
    const target = join(dir, '20261120-030000-k8s-crashloop.jsonl');
    const impact = await runbook(['mark', 'impact', '--at', '2026-11-20T02:40:00Z', 'checkout', 'errors'], { cwd: root, env });
    expect(impact.code, impact.stderr).toBe(0);
    expect(lastLine(target)).toMatchObject({ type: 'mark', what: 'impact', text: 'checkout errors', at: '2026-11-20T02:40:00.000Z' });
    const ago = await runbook(['mark', 'detected', '--at', '15m ago'], { cwd: root, env });
    expect(ago.code, ago.stderr).toBe(0);
    const at = Date.parse(lastLine(target).at as string);
    expect(Math.abs(Date.now() - 15 * 60_000 - at)).toBeLessThan(60_000);
    const mitigated = await runbook(['mark', 'mitigated'], { cwd: root, env });
    expect(mitigated.code, mitigated.stderr).toBe(0);
    // Detected 15 minutes ago, so resolved an hour ago is before it.
    const early = await runbook(['mark', 'resolved', '--at', '1h ago'], { cwd: root, env });
    expect(early.code).toBe(2);
    expect(early.stderr.split('\n').at(-2)).toMatch(/^runbook: resolved at [\d-]+ [\d:]+ would be before detected at [\d-]+ [\d:]+: check the order \(or --at TIME\), or pass --force to record it anyway$/);
    expect(lastLine(target)).toMatchObject({ what: 'mitigated' });
    const forced = await runbook(['mark', 'resolved', '--at', '1h ago', '--force'], { cwd: root, env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(lastLine(target)).toMatchObject({ what: 'resolved' });
    const bad = await runbook(['mark', 'resolved', '--at', 'teatime'], { cwd: root, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('runbook: --at "teatime" is not a time: use 2026-11-28T03:04Z, 03:04 (today, local time) or 15m ago\n');
  });

  it('prefer a run that is still going over a newer interrupted one', async () => {
    const { root, dir, env } = setup(true);
    const r = await runbook(['note', 'hi'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(join(dir, '20261110-030000-redis-down.jsonl'))).toMatchObject({ seq: 1, text: 'hi' });
    expect(r.stderr).not.toMatch(/no run is live/);
  });

  it('never pick a dry run or a drill, however new: the newest unfinished live run gets the note', async () => {
    const { root, dir, env } = setup(false);
    // Newer than every live run, unfinished, and one of them even has a live runner.
    writeFileSync(join(dir, '20261125-030000-disk-full.jsonl'), started(0, '2026-11-25T03:00:00.000Z', 'disk-full', '# x\n', 'dry-run') + '\n');
    const drill = join(dir, '20261126-030000-disk-full-drill.jsonl');
    writeFileSync(drill, started(0, '2026-11-26T03:00:00.000Z', 'disk-full', '# x\n', 'drill') + '\n');
    writeFileSync(`${drill}.owner`, `${process.pid}\n${hostname()}\n`);
    const r = await runbook(['mark', 'detected'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('marked detected in tl/20261120-030000-k8s-crashloop.jsonl');
    expect(lastLine(join(dir, '20261120-030000-k8s-crashloop.jsonl'))).toMatchObject({ type: 'mark', what: 'detected' });
  });

  it('with only dry runs and drills unfinished, refuse and name --timeline', async () => {
    const root = tempDir('runbook-e2e-');
    const dir = join(root, 'tl');
    mkdirSync(dir);
    writeFileSync(join(dir, '20261125-030000-disk-full.jsonl'), started(0, '2026-11-25T03:00:00.000Z', 'disk-full', '# x\n', 'dry-run') + '\n');
    writeFileSync(join(dir, '20261126-030000-disk-full-drill.jsonl'), started(0, '2026-11-26T03:00:00.000Z', 'disk-full', '# x\n', 'drill') + '\n');
    const r = await runbook(['note', 'x'], { cwd: root, env: { RUNBOOK_TIMELINE_DIR: dir, RUNBOOK_CONFIG: join(root, 'none.json') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^runbook: no unfinished live run in tl .*pass --timeline FILE/);
  });

  it('--timeline names the file; the user config redact patterns apply', async () => {
    const { root, dir, env } = setup(false);
    const target = join(dir, '20261101-030000-disk-full.jsonl');
    writeFileSync(join(root, 'config.json'), JSON.stringify({ redact: ['ticket-[0-9]+'] }));
    const r = await runbook(['note', 'see ticket-4812, password=hunter22', '--timeline', target], { cwd: root, env: { ...env, RUNBOOK_CONFIG: join(root, 'config.json') } });
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(target)).toMatchObject({ seq: 3, text: 'see [redacted], password=[redacted]' });
  });

  it('a note or mark after the seal of a finished run says how to seal it in; seal, and verify is ok again', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'rb.md'), '# Done\n\n## One\n\n```sh\ntrue\n```\n');
    const env = { ...process.env, NO_COLOR: '1', RUNBOOK_ACTOR: 'alice', XDG_RUNTIME_DIR: join(root, '.run'), XDG_CACHE_HOME: join(root, '.cache') };
    expect((await runInProcess(['run', 'rb.md', '--yes', '--timeline', 't.jsonl'], { cwd: root, env })).code).toBe(0);
    const late = await runInProcess(['note', '--timeline', 't.jsonl', 'late note'], { cwd: root, env });
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(/^note recorded in t\.jsonl \(seq \d+\)\nrunbook: the run was sealed; until it is sealed again \(.+ seal t\.jsonl\), verify reports this note as appended after the seal\n$/);
    // A second one follows a note, not the seal: nothing more to say.
    const again = await runInProcess(['mark', '--timeline', 't.jsonl', 'detected'], { cwd: root, env });
    expect(again.stderr).toMatch(/^marked detected in t\.jsonl \(seq \d+\)\n$/);
    const failed = await runInProcess(['verify', 't.jsonl'], { cwd: root, env });
    expect(failed.code).toBe(1);
    // The verdict names the seal command as the note's hint does: as this runbook was started, with the file.
    const sealHint = /\((.+ seal t\.jsonl)\)/.exec(late.stderr)?.[1];
    expect(failed.stdout).toContain(`2 lines appended after the seal on line ${failed.stdout.match(/seal on line (\d+)/)?.[1]}; \`${sealHint}\` seals them`);
    expect((await runInProcess(['seal', 't.jsonl'], { cwd: root, env })).code).toBe(0);
    expect((await runInProcess(['verify', 't.jsonl'], { cwd: root, env })).code).toBe(0);
  });

  it('no such hint after the seal of an aborted run: resuming it seals it again', async () => {
    const root = tempDir();
    const env = { ...process.env, NO_COLOR: '1', RUNBOOK_ACTOR: 'alice', XDG_RUNTIME_DIR: join(root, '.run') };
    const fixture = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'timelines', 'disk-full-completed.jsonl'), 'utf8').trimEnd();
    const seal = '{"v":1,"seq":33,"ts":"2026-11-28T03:06:12.100Z","mono_ms":372100,"type":"seal","head":"00","events":33,"actor":"alice","signature":null,"key":null,"signer":null}';
    for (const [status, hinted] of [['aborted', false], ['failed', true]] as const) {
      writeFileSync(join(root, `${status}.jsonl`), `${fixture.replace('"status":"completed"', `"status":"${status}"`)}\n${seal}\n`);
      const r = await runInProcess(['note', '--timeline', `${status}.jsonl`, 'late'], { cwd: root, env });
      expect(r.code).toBe(0);
      expect(r.stderr.includes('the run was sealed'), status).toBe(hinted);
    }
  });

  it('usage errors exit 2 with one line', async () => {
    const { root, env } = setup(false);
    const bad = await runbook(['mark', 'fixed', 'x'], { cwd: root, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^runbook: cannot mark "fixed": use one of impact, detected, mitigated, resolved/);
    const missing = await runbook(['note', 'x', '--timeline', 'nope.jsonl'], { cwd: root, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no timeline nope\.jsonl/);
    const empty = tempDir();
    // Spawned: the hint names the command as it was started.
    const none = await spawned(['note', 'x'], { cwd: empty, env: { ...env, RUNBOOK_TIMELINE_DIR: join(empty, 'incidents') } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^runbook: no unfinished live run in incidents \(dry runs and drills are never chosen\): pass --timeline FILE, or start a run with node \S+\/bin\/runbook\.js run\n$/);
    const brokenConfig = join(root, 'broken.json');
    writeFileSync(brokenConfig, '{');
    const cfg = await runbook(['note', 'x'], { cwd: root, env: { ...env, RUNBOOK_CONFIG: brokenConfig } });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toContain(brokenConfig);
  });
});

describe.concurrent('runbook incidents', () => {
  it('--json: only JSON on stdout, newest first, with status', async () => {
    const { root, dir, env } = setup(true);
    writeFileSync(join(dir, 'notes.txt'), 'not a timeline');
    const r = await runbook(['incidents', '--json'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list).toEqual([
      { path: join(dir, '20261120-030000-k8s-crashloop.jsonl'), incident: 'inc-k8s-crashloop', runbook: 'k8s-crashloop', mode: 'live', started: '2026-11-20T03:00:00.000Z', finished: null, status: 'interrupted', events: 2 },
      { path: join(dir, '20261110-030000-redis-down.jsonl'), incident: 'inc-redis-down', runbook: 'redis-down', mode: 'live', started: '2026-11-10T03:00:00.000Z', finished: null, status: 'running', events: 1 },
      { path: join(dir, '20261101-030000-disk-full.jsonl'), incident: 'inc-disk-full', runbook: 'disk-full', mode: 'live', started: '2026-11-01T03:00:00.000Z', finished: '2026-11-01T03:10:00.000Z', status: 'completed', events: 3 },
    ]);
  });

  it('prints a table, newest first, without colour when not asked for', async () => {
    const { root, env } = setup(false);
    const r = await runbook(['incidents'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'STARTED               STATUS       MODE  RUNBOOK        EVENTS  PATH',
        '2026-11-20 03:00:00Z  interrupted  live  k8s-crashloop       2  tl/20261120-030000-k8s-crashloop.jsonl',
        '2026-11-01 03:00:00Z  completed    live  disk-full           3  tl/20261101-030000-disk-full.jsonl',
        '',
      ].join('\n'),
    );
    const coloured = await runbook(['incidents'], { cwd: root, env: { ...env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[');
  });

  it('lists live runs only; --all adds dry runs and the drills/ folder beside the incidents', async () => {
    const { root, dir, env } = setup(false);
    writeFileSync(join(dir, '20261125-030000-disk-full.jsonl'), started(0, '2026-11-25T03:00:00.000Z', 'disk-full', '# x\n', 'dry-run') + '\n');
    mkdirSync(join(root, 'drills'));
    writeFileSync(join(root, 'drills', '20261126-030000-disk-full-drill.jsonl'), started(0, '2026-11-26T03:00:00.000Z', 'disk-full', '# x\n', 'drill') + '\n');
    const live = await runbook(['incidents'], { cwd: root, env });
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/)[2])).toEqual(['live', 'live']);
    const all = await runbook(['incidents', '--all'], { cwd: root, env });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/).slice(2, 3)[0])).toEqual(['drill', 'dry-run', 'live', 'live']);
    expect(all.stdout).toContain('drills/20261126-030000-disk-full-drill.jsonl');
  });

  it('an empty or missing folder: [] with --json, a hint on stderr otherwise', async () => {
    const root = tempDir();
    const env = { RUNBOOK_TIMELINE_DIR: join(root, 'none') };
    expect(JSON.parse((await runbook(['incidents', '--json'], { cwd: root, env })).stdout)).toEqual([]);
    const r = await runbook(['incidents'], { cwd: root, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no incidents in none/);
  });
});
