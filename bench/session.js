// The shell session's own share of the per-command cost (issue 15): `run --yes` of 100 trivial commands with
// the session on (the default) against the same run with --no-session. run-100 measures the total against
// a bash loop; this isolates what the wrapper, its dump pipe and the state bookkeeping add.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { manyCommandsRunbook } from './fixtures.js';

/** `ctx`: what run.js shares (work dir, runbook(), interleave(), helpers). */
export function sessionMeasurement(ctx) {
  return {
    key: 'run-100-session',
    async run() {
      const { work, runbook, freshTimelineDir, baseEnv, interleave, check, record, ms, fmtMs, RUNS, log } = ctx;
      log('run --yes of 100 trivial commands: shell session on vs --no-session');
      const file = join(work, 'many-session.md');
      writeFileSync(file, manyCommandsRunbook(100, 10));
      const go = (extra, cpu = false) => () => runbook(['run', file, '--yes', ...extra], { env: { ...baseEnv, RUNBOOK_TIMELINE_DIR: freshTimelineDir() }, cpu });
      const [on, off] = await interleave([go([]), go(['--no-session'])], { runs: RUNS, label: 'session on/off' });
      on.concat(off).forEach((x) => check('run 100 session', x));
      const per = (ms(on) - ms(off)) / 100;
      // CPU time (runner and every command) is far steadier than wall time on a loaded machine.
      const [onCpu, offCpu] = await interleave([go([], true), go(['--no-session'], true)], { runs: RUNS, warmup: 0, label: 'session on/off CPU' });
      const cpuMed = (rs) => [...rs.map((r) => r.cpuMs)].sort((a, b) => a - b)[Math.floor(rs.length / 2)];
      const perCpu = (cpuMed(onCpu) - cpuMed(offCpu)) / 100;
      record({
        key: 'run-100-session',
        name: '`run --yes` of 100 trivial commands, session on vs `--no-session`',
        value: fmtMs(ms(on)),
        baseline: fmtMs(ms(off)),
        ratio: `+${per.toFixed(2)} ms/cmd`,
        target: '≤ +2 ms/cmd',
        pass: per <= 2,
        runs: RUNS,
        cpu: `+${perCpu.toFixed(2)} ms/cmd CPU (${fmtMs(cpuMed(onCpu))} vs ${fmtMs(cpuMed(offCpu))})`,
        raw: { measured_ms: ms(on), baseline_ms: ms(off), extra_ms_per_command: per, extra_cpu_ms_per_command: perCpu, measured_cpu_ms: onCpu.map((r) => r.cpuMs), baseline_cpu_ms: offCpu.map((r) => r.cpuMs), measured_all: on.map((r) => r.ms), baseline_all: off.map((r) => r.ms) },
      });
    },
  };
}
