// `runbook drill` end to end: the recorded output is shown, nothing is executed, a drill timeline and a score.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cliEnv, readEvents, runCli, workDir, ROOT } from '../../helpers/run-cli.js';
// Some cases in-process (the bundle's main, no Node start each); the others through the binary.
import { runInProcess } from '../../helpers/in-process.js';

afterEach(() => cleanup());
const FIXTURE = join(ROOT, 'test', 'fixtures', 'timelines', 'disk-full-completed.jsonl');

function drillTimeline(dir: string): string {
  // Drills are kept beside the incidents, never among them.
  expect(existsSync(join(dir, 'incidents'))).toBe(false);
  const files = readdirSync(join(dir, 'drills')).filter((f) => f.endsWith('-drill.jsonl'));
  expect(files).toHaveLength(1);
  return join(dir, 'drills', files[0]!);
}

describe('drill', () => {
  it('--yes walks every step, shows what was recorded, says what was not run, scores, and records mode drill', async () => {
    const w = workDir();
    const r = await runCli(['drill', FIXTURE, '--yes'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/dev/sda1');
    expect(r.stderr).toContain('[drill] output recorded during the incident for 1.1');
    // 3.1 was skipped during the incident: the drill skips it too, saying so (neither a success nor a failure).
    expect(r.stderr).toContain('3.1 was not run during the incident: there is no recorded output to show');
    expect(r.stderr).not.toMatch(/did not start[^\n]*3\.1/);
    expect(r.stderr).toMatch(/steps covered\s+4 of 4/);
    expect(r.stderr).toMatch(/commands reviewed\s+5 of the 5 run in the incident/);
    expect(r.stderr).toMatch(/dangerous approved\s+0/);
    expect(r.stderr).toMatch(/time\s+\S+ \(the incident took /);
    const events = readEvents(drillTimeline(w.dir));
    expect(events[0]).toMatchObject({ type: 'run.started', mode: 'drill' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(events.filter((e) => e.type === 'command.finished').map((e) => e.exit_code)).toEqual([0, 0, null, 0, 2]);
    expect(events.filter((e) => e.type === 'command.skipped').map((e) => e.id)).toEqual(['3.1']);
  });

  it('never starts a process: every shell and tool on PATH is a trap that leaves a mark', async () => {
    const w = workDir();
    const bin = join(w.dir, 'trapbin');
    mkdirSync(bin);
    for (const name of ['sh', 'bash', 'df', 'find', 'systemctl', 'journalctl', 'test', 'slow-check']) {
      w.write(`trapbin/${name}`, `#!/bin/sh\necho ${name} >> ${join(w.dir, 'SPAWNED')}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const r = await runCli(['drill', FIXTURE, '--yes'], { cwd: w.dir, env: { ...cliEnv(w.dir), PATH: bin, SHELL: join(bin, 'sh') } });
    expect(r.code).toBe(0);
    expect(existsSync(join(w.dir, 'SPAWNED'))).toBe(false);
  });

  it('its banner is wrapped at word boundaries to the width ($COLUMNS)', async () => {
    const w = workDir();
    const r = await runInProcess(['drill', FIXTURE, '--yes'], { cwd: w.dir, env: cliEnv(w.dir, { COLUMNS: '40' }) });
    expect(r.code).toBe(0);
    const banner = r.stderr.slice(0, r.stderr.indexOf('\n\n')).split('\n');
    expect(banner.length).toBeGreaterThan(2);
    for (const line of banner) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(banner.join(' ')).toBe('DRILL of disk-full-completed.jsonl: commands are not executed; "run" shows what was recorded during the incident.');
  });

  it('without a terminal and without --yes it refuses with exit 2', async () => {
    const w = workDir();
    const r = await runCli(['drill', FIXTURE], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a drill timeline cannot itself be drilled, and a missing file is exit 2 naming it', async () => {
    const w = workDir();
    await runCli(['drill', FIXTURE, '--yes'], { cwd: w.dir, env: cliEnv(w.dir) });
    const again = await runInProcess(['drill', drillTimeline(w.dir), '--yes'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is itself a drill/);
    const missing = await runInProcess(['drill', 'nope.jsonl', '--yes'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl/);
    // Without --yes and without a terminal, the missing file is still what is named (the path is read first).
    const missingNoTty = await runInProcess(['drill', 'nope.jsonl'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(missingNoTty.code).toBe(2);
    expect(missingNoTty.stderr).toMatch(/nope\.jsonl/);
    expect(missingNoTty.stderr).not.toMatch(/terminal/);
    expect(readFileSync(FIXTURE, 'utf8')).toContain('"mode":"live"');
  });
});
