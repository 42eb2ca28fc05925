// Fleet measurements (issue #14), against 20 local sshd started here (test/helpers/sshd.js):
//   1. `uptime` on 20 hosts with --parallel 20 vs the same on one host: ≤ 3×.
//   2. a second command on the same 20 hosts (through the master connections opened by the first) vs a bare
//      `ssh -o ControlPath=… host true` to each, in parallel the same way, through masters already open: ≤ 1.5×.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd } from '../test/helpers/sshd.js';

const HOSTS = 20;

/** @param {{ runbook: Function, ratioRow: Function, record: Function, work: string, log: Function, runs: number, baseEnv: object, check: Function, median: Function, fmtMs: Function }} b */
export function fleetMeasurements(b) {
  let fleet = null;
  const servers = async () => (fleet ??= await startSshd(HOSTS));
  const stop = async () => {
    await fleet?.stop();
    fleet = null;
  };
  const md = (blocks) => `# Fleet bench\n\n## Uptime\n\n${blocks.map((t) => `\`\`\`sh {on=targets}\n${t}\n\`\`\`\n`).join('\n')}`;
  let n = 0;
  const runOn = async (file, on, parallel) => {
    const timeline = join(b.work, `fleet-${++n}.jsonl`);
    const r = b.check('fleet run', await b.runbook(['run', file, '--yes', '--on', on, '--parallel', String(parallel), '--ssh-config', fleet.config, '--timeline', timeline], { env: b.baseEnv }));
    return { ...r, timeline };
  };
  return [
    {
      key: 'fleet-uptime-20',
      async run() {
        b.log('fleet: run --yes `uptime` on 20 local sshd hosts (--parallel 20) vs on one');
        try {
          await servers();
          const file = join(b.work, 'fleet-uptime.md');
          writeFileSync(file, md(['uptime']));
          const all = fleet.hosts.join(',');
          const a = [];
          const one = [];
          await runOn(file, all, HOSTS); // warm-up
          for (let i = 0; i < b.runs; i++) {
            a.push(await runOn(file, all, HOSTS));
            one.push(await runOn(file, 'web1', 1));
          }
          b.ratioRow('`run --yes` of `uptime` on 20 sshd hosts (`--parallel 20`) vs on 1 host', 'fleet-uptime-20', a, one, 3, b.runs);
        } finally {
          await stop();
        }
      },
    },
    {
      key: 'fleet-second-command',
      async run() {
        b.log('fleet: the second command on 20 hosts (masters open) vs a bare parallel ssh -o ControlPath=… host true');
        try {
          await servers();
          const file = join(b.work, 'fleet-two.md');
          writeFileSync(file, md(['uptime', 'uptime']));
          const all = fleet.hosts.join(',');
          // The second block's wall time, from the timeline: its command.started to its last host's finish.
          const second = async () => {
            const r = await runOn(file, all, HOSTS);
            const ev = readFileSync(r.timeline, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
            const start = ev.find((e) => e.type === 'command.started' && e.id === '1.2');
            const ends = ev.filter((e) => e.type === 'command.finished' && e.id === '1.2');
            if (!start || ends.length !== HOSTS || ends.some((e) => e.exit_code !== 0)) throw new Error('the second command did not run on every host');
            return { ms: Math.max(...ends.map((e) => e.mono_ms)) - start.mono_ms };
          };
          const dir = mkdtempSync('/tmp/rb-bench-cm-');
          const ssh = (host, extra) =>
            new Promise((resolve, reject) => {
              const c = spawn('ssh', ['-F', fleet.config, '-T', '-o', 'BatchMode=yes', '-o', 'ControlMaster=auto', '-o', `ControlPath=${dir}/%C`, '-o', 'ControlPersist=120', ...extra, host, 'true'], { stdio: 'ignore' });
              c.on('error', reject);
              c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh ${host} exited ${code}`))));
            });
          const bare = async () => {
            const t0 = performance.now();
            await Promise.all(fleet.hosts.map((h) => ssh(h, [])));
            return { ms: performance.now() - t0 };
          };
          try {
            await Promise.all(fleet.hosts.map((h) => ssh(h, []))); // open the masters the baseline goes through
            await second(); // warm-up
            const a = [];
            const base = [];
            for (let i = 0; i < b.runs; i++) {
              a.push(await second());
              base.push(await bare());
            }
            b.ratioRow('second command on 20 hosts (through the masters) vs bare `ssh -o ControlPath=… host true` ×20 in parallel', 'fleet-second-command', a, base, 1.5, b.runs);
          } finally {
            await Promise.all(fleet.hosts.map((h) => ssh(h, ['-O', 'exit']).catch(() => undefined)));
            rmSync(dir, { recursive: true, force: true });
          }
        } finally {
          await stop();
        }
      },
    },
  ];
}
