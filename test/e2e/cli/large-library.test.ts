// `list` over a large library keeps V8's young generation at its starting size (src/adapters/young-generation.ts):
// on the reference machine every page it would grow into is a page fault (docs/performance.md).
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanup, cliEnv, spawnNode, workDir } from '../../helpers/run-cli.js';

afterAll(() => cleanup());

/** The largest young generation (`New space`, committed KB) V8 reported while `list --json` ran over `n` runbooks. */
async function youngGenerationKb(n: number): Promise<{ kb: number; listed: number }> {
  const w = workDir();
  for (let i = 0; i < n; i++) writeFileSync(join(w.dir, `r${String(i).padStart(5, '0')}.md`), `---\nid: r${i}\ntitle: Runbook ${i}\n---\n## Step\n\n\`\`\`sh\ntrue\n\`\`\`\n`);
  // --trace-gc-verbose writes its report to stdout, between the lines of the JSON.
  const r = await spawnNode(['--trace-gc-verbose', BIN, 'list', '--json', '--dir', w.dir], { cwd: w.dir, env: cliEnv(w.dir, { RUNBOOK_NO_CACHE: '1' }), timeoutMs: 60_000 }).done;
  expect(r.code, r.stderr).toBe(0);
  const kb = [...r.stdout.matchAll(/New space,.*committed: *(\d+) KB/g)].map((m) => Number(m[1]));
  expect(kb.length).toBeGreaterThan(0);
  return { kb: Math.max(...kb), listed: (r.stdout.match(/"id": "r\d+"/g) ?? []).length };
}

describe('list over a large library', () => {
  it('keeps the young generation at its starting 2 × 1 MB over 3,000 runbooks (without it, it grows to 16 MB)', async () => {
    const { kb, listed } = await youngGenerationKb(3000);
    expect(listed).toBe(3000);
    expect(kb).toBeLessThanOrEqual(2048);
  }, 90_000);
});
