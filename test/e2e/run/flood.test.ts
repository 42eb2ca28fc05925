// §4: a command printing gigabytes neither floods the timeline nor grows memory. 300 MB through `run --yes`:
// every byte reaches the runner's stdout, the runner's peak RSS stays bounded, and the timeline stays small.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, onlyTimeline, readEvents, spawnCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const BYTES = 300_000_000;
const MAX_PEAK_KB = 150 * 1024;

/** The peak resident set (VmHWM) of a live process, in kB; undefined once it is gone. */
function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

describe('a command printing 300 MB', () => {
  it(
    'all of it reaches stdout, the runner stays under 150 MB, the timeline under 1 MB with omitted_bytes',
    async () => {
      const w = workDir();
      w.write('flood.md', "# Flood\n\n## Print\n\n```sh\nhead -c 300000000 /dev/zero | tr '\\0' a\n```\n");
      const s = spawnCli(['run', 'flood.md', '--yes'], { cwd: w.dir, timeoutMs: 170_000, keepStdout: false });
      const pid = s.child.pid as number;
      let count = 0;
      let wrong = 0;
      const a = Buffer.alloc(64 * 1024 * 4, 'a');
      s.child.stdout?.on('data', (chunk: Buffer) => {
        count += chunk.length;
        for (let i = 0; i < chunk.length; i += a.length) {
          const part = chunk.subarray(i, i + a.length);
          if (!part.equals(a.subarray(0, part.length))) wrong++;
        }
      });
      // VmHWM only grows: the last reading before exit is the peak (sampled often enough for a 300 MB run).
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, vmHwmKb(pid) ?? 0)), 50);
      let r;
      try {
        r = await s.done;
      } finally {
        clearInterval(sampler);
      }
      console.log(`run --yes with 300 MB of output: runner VmHWM ${peak} kB`);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(count).toBe(BYTES);
      expect(wrong).toBe(0);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(MAX_PEAK_KB);
      const timeline = onlyTimeline(w.dir);
      expect(statSync(timeline).size).toBeLessThan(1024 * 1024);
      const finished = readEvents(timeline).find((e) => e.type === 'command.finished');
      expect(finished).toMatchObject({ exit_code: 0 });
      expect(finished?.['omitted_bytes']).toBeGreaterThan(0);
      expect(finished?.['omitted_bytes']).toBeLessThan(BYTES);
    },
    180_000,
  );
});
