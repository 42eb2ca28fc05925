import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every Node process the suite starts (workers, the CLI, fixtures) inherits this environment. A machine-wide
// NODE_EXTRA_CA_CERTS makes each of them read a CA bundle at start (~40 ms, hundreds of starts); nothing under
// test opens a TLS connection.
delete process.env.NODE_EXTRA_CA_CERTS;
// Live runs register per host (docs/team.md): the suite's runs go to a registry of their own, so a `note`
// under test never finds a run of the machine's, nor the machine's `status` the suite's.
process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'runbook-suite-run-'));
delete process.env.RUNBOOK_SHARED;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two workers for two cores. With three the suite is CPU-bound (vmstat: 0-3% idle from start to end) and
    // the third adds contention: idle 125.0 and 125.2 s with three against 119.5 and 118.6 s with two,
    // alternated (CPU 217 s -> 208 s). With two, a core idles while both workers wait on processes (later runs
    // on a busier machine: 130-134 s with two, 137 s with three). A third paid when e2e files mostly waited.
    maxWorkers: 2,
    // The bundle (test/helpers/in-process.ts imports dist/app.js) is loaded by Node as the binary loads it: not
    // transformed again by vite (which cost seconds per test file).
    // Only this project's dist/: a checkout under a folder named dist must not make vite leave src/ to Node.
    server: { deps: { external: [new RegExp(`^${fileURLToPath(new URL('./dist/', import.meta.url)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)] } },
    // Files run longest first (vitest's default order, from the durations of the previous run), so the two
    // workers end together.
    projects: [
      {
        extends: true,
        // In-process tests share their workers: a fresh process per file cost more than the tests themselves
        // (41 s of CPU instead of 22 s for test/unit). They restore what they change (process.env included).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Spawning tests share their workers too: a fresh process per file cost ~28 s of CPU in all (idle suite
        // 3m09s -> 2m53s). Each file ends what it started (run-cli.ts cleanup() in its afterAll/afterEach).
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], isolate: false },
      },
    ],
  },
});
