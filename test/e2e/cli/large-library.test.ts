// `list` over a large library keeps V8's young generation at its starting size and collects it on the main
// thread only (src/v8-flags.ts): on the reference machine every page it would grow into is a
// page fault, and helper threads for each short collection cost more than they save (docs/performance.md).
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanup, cliEnv, spawnNode, workDir } from '../../helpers/run-cli.js';

afterAll(() => cleanup());

/**
 * What V8 reported of its young generation while `list --json` ran over `n` runbooks: the largest `New space`
 * (committed KB), and per scavenge the time helper threads spent on it (`background.scavenge.parallel`, ms).
 */
async function youngGeneration(n: number): Promise<{ kb: number; helperMs: number[]; listed: number }> {
  const w = workDir();
  for (let i = 0; i < n; i++) writeFileSync(join(w.dir, `r${String(i).padStart(5, '0')}.md`), `---\nid: r${i}\ntitle: Runbook ${i}\n---\n## Step\n\n\`\`\`sh\ntrue\n\`\`\`\n`);
  // Both reports go to stdout, between the lines of the JSON.
  const r = await spawnNode(['--trace-gc-verbose', '--trace-gc-nvp', BIN, 'list', '--json', '--dir', w.dir], { cwd: w.dir, env: cliEnv(w.dir, { RUNBOOK_NO_CACHE: '1' }), timeoutMs: 60_000 }).done;
  expect(r.code, r.stderr).toBe(0);
  const kb = [...r.stdout.matchAll(/New space,.*committed: *(\d+) KB/g)].map((m) => Number(m[1]));
  expect(kb.length).toBeGreaterThan(0);
  const helperMs = [...r.stdout.matchAll(/ gc=s .* background\.scavenge\.parallel=([\d.]+)/g)].map((m) => Number(m[1]));
  return { kb: Math.max(...kb), helperMs, listed: (r.stdout.match(/"id": "r\d+"/g) ?? []).length };
}

describe('list over a large library', () => {
  it('keeps the young generation at its starting 2 × 1 MB over 3,000 runbooks (without it, it grows to 16 MB), collected on the main thread', async () => {
    const { kb, helperMs, listed } = await youngGeneration(3000);
    expect(listed).toBe(3000);
    expect(kb).toBeLessThanOrEqual(2048);
    // The collections before list sets the flags (start-up) may use helpers; every one after runs without.
    // Without the flag most report helper time (0.01–0.1 ms each on the reference machine).
    expect(helperMs.length).toBeGreaterThan(20);
    const withHelpers = helperMs.filter((ms) => ms > 0);
    expect(withHelpers.length, `scavenges with helper time: ${withHelpers.join(', ')}`).toBeLessThanOrEqual(3);
  }, 90_000);
});
