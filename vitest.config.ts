import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every Node process the suite starts (workers, the CLI, fixtures) inherits this environment. A machine-wide
// NODE_EXTRA_CA_CERTS makes each of them read a CA bundle at start (~40 ms, hundreds of starts); nothing under
// test opens a TLS connection.
delete process.env.NODE_EXTRA_CA_CERTS;
// Every temporary folder of a run (the tests', the CLI's and its launchers', Chromium's profile) is made
// under one of the run's own, which test/helpers/global-setup.ts removes when the run ends: a run leaves
// nothing in /tmp (it left ~150 folders a run). Made once: a process that loads this file again inherits it.
if (process.env.RUNBOOK_SUITE_TMP === undefined) {
  const root = mkdtempSync(join(tmpdir(), 'runbook-suite-'));
  // As /tmp is: tests that act as another user (nobody, planting links in a shared folder) pass through it.
  chmodSync(root, 0o1777);
  process.env.RUNBOOK_SUITE_TMP = root;
  process.env.TMPDIR = root;
  // Live runs register per host (docs/team.md): the suite's runs go to a registry of their own, so a `note`
  // under test never finds a run of the machine's, nor the machine's `status` the suite's.
  process.env.XDG_RUNTIME_DIR = mkdtempSync(join(root, 'run-'));
}
delete process.env.RUNBOOK_SHARED;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Three workers on two cores. Idle, two and three are within the machine's noise (two: 119-143 s, three:
    // 125-137 s, in runs over a morning). Beside `stress-ng --cpu 4` three get a larger share of the CPU: a
    // fresh clone's suite took 290 s with two; 277 and 232 s with three, right after. A third also fills the
    // gaps while e2e files wait on their processes.
    maxWorkers: 3,
    // The bundle (test/helpers/in-process.ts imports dist/app.js) is loaded by Node as the binary loads it: not
    // transformed again by vite (which cost seconds per test file).
    // Only this project's dist/: a checkout under a folder named dist must not make vite leave src/ to Node.
    server: { deps: { external: [new RegExp(`^${fileURLToPath(new URL('./dist/', import.meta.url)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)] } },
    // One project for every file, in-process and spawning alike, so vitest orders them all longest first (it
    // runs projects one after the other, each with workers of its own): the in-process files fill the time the
    // spawning ones wait on their processes, and no second set of workers starts.
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Files share their workers: a fresh process per file cost more than most tests (41 s of CPU instead of
    // 22 s for test/unit; ~28 s for test/e2e). In-process files restore what they change (process.env
    // included); spawning files end what they started (run-cli.ts cleanup() in their afterAll/afterEach).
    isolate: false,
    experimental: { fsModuleCache: true },
  },
});
