// The disk fills while a command runs: nothing may run unrecorded. The running command is stopped at once
// (its process group, as on Ctrl-C) and the run exits 3 naming the timeline and ENOSPC.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cliEnv, runCli, workDir } from '../../helpers/run-cli.js';

const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
  cleanup();
});

/** A tmpfs of `size` at dir. Without one the test cannot run: it fails, never skips. */
function smallDisk(dir: string, size: string): void {
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot mount a small tmpfs for the full-disk test (run the tests as root): ${r.stderr || r.error}`);
  mounts.push(dir);
}

// Prints 32 KB every 50 ms (so the 256 KiB disk fills within seconds) and marks each round in a file on
// another disk: once it stops growing, the command has stopped.
const RB = [
  '## Fill',
  '```sh',
  "while :; do head -c 32000 /dev/zero | tr '\\0' x; echo; echo . >> rounds.txt; sleep 0.05; done",
  '```',
  '',
].join('\n');

const sizeOf = (p: string): number => (existsSync(p) ? statSync(p).size : 0);

describe('the disk fills while a command runs', () => {
  it('the command is stopped at once and the run exits 3 with ENOSPC', async () => {
    const w = workDir();
    w.write('rb.md', RB);
    const small = w.path('small');
    smallDisk(small, '256k');
    const started = Date.now();
    const r = await runCli(['run', 'rb.md', '--yes', '--timeline', join(small, 't.jsonl')], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 40_000 });
    const took = Date.now() - started;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write timeline .*t\.jsonl: ENOSPC/);
    // Before, the endless block ran on unrecorded until its 10-minute timeout; filling the disk takes ~2 s.
    expect(took).toBeLessThan(25_000);
    const rounds = sizeOf(w.path('rounds.txt'));
    expect(rounds).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 1_000));
    expect(sizeOf(w.path('rounds.txt'))).toBe(rounds);
  }, 60_000);
});
