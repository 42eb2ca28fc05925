// list, show --json and lint --json through the real binary over runbooks in the styles other teams write
// (paraphrased in test/fixtures/real-world/): no crash, documented exit codes, the titles and commands a reader picks.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanup, cliEnv, ROOT, runCli as spawnRun, workDir } from '../../helpers/run-cli.js';

const runCli = (args: string[], opts: Parameters<typeof spawnRun>[1]) => spawnRun(args, { timeoutMs: 60_000, ...opts });
const FIX = join(ROOT, 'test', 'fixtures', 'real-world');

afterEach(() => cleanup());

describe('real-world collections', () => {
  it('list --json: every file is listed with the title a reader sees, exit 0, nothing on stderr', async () => {
    const w = workDir();
    const r = await runCli(['--dir', FIX, 'list', '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const list = (JSON.parse(r.stdout) as { id: string; title: string; commands: number; source: string }[]).filter((x) => x.source !== 'bundled');
    expect(Object.fromEntries(list.map((x) => [x.id, [x.title, x.commands]]))).toEqual({
      QueueBacklogGrowing: ['QueueBacklogGrowing', 6],
      'bastion-access': ['bastion-access', 2],
      'broker-disk-full': ['Broker Disk Full', 2],
      'broker-json': ['Broker Offline', 1],
      'broker-lag': ['Broker Lag', 1],
      'db-long-transaction': ['Long running transaction', 3],
      'scale-down-replica': ['Scale down a replica', 2],
    });
  });

  it.each([
    ['QueueBacklogGrowing', ['oc -n jobs get pods -l app=worker', 'oc -n jobs exec $POD -- df -h /data', 'etcdctl defrag']],
    ['db-long-transaction', ['sudo db-console', 'sudo ss -tp | grep 41122', 'lsof -p 41122 | head']],
    ['scale-down-replica', ['sudo systemctl stop patroni']],
  ])('show %s --json: the runnable commands without prompts, output and samples shown but not run', async (id, some) => {
    const w = workDir();
    const r = await runCli(['--dir', FIX, 'show', id, '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    const rb = JSON.parse(r.stdout) as { steps: { commands: { text: string; runnable: boolean }[] }[] };
    const run = rb.steps.flatMap((s) => s.commands.filter((c) => c.runnable).map((c) => c.text));
    for (const t of some) expect(run).toContain(t);
    for (const t of run) expect(t).not.toMatch(/^(\$|\w+@|\[|#|\d)|=# /);
  });

  it('show in the terminal does not crash on HTML, shortcodes, tables and transcripts', async () => {
    const w = workDir();
    for (const id of ['broker-disk-full', 'db-long-transaction', 'bastion-access', 'broker-json']) {
      const r = await runCli(['--dir', FIX, 'show', id], { cwd: w.dir, env: cliEnv(w.dir) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('lint --json over the folder: warnings only (exit 0), no undeclared-var from Go templates, <NAME> pointed out', async () => {
    const w = workDir();
    const r = await runCli(['lint', FIX, '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.code).toBe(0);
    const { problems } = JSON.parse(r.stdout) as { problems: { file: string; rule: string; severity: string }[] };
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.some((p) => p.rule === 'angle-placeholder' && p.file.endsWith('QueueBacklogGrowing.md'))).toBe(true);
    expect(problems.some((p) => p.rule === 'undeclared-var')).toBe(false);
  });
});
