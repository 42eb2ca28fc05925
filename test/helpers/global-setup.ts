// The suite's temporary root (vitest.config.ts points TMPDIR at it) is removed when the run ends, with whatever
// the tests, the CLI and its helpers left in it. A removal that fails (a process still writing there) leaves
// the root and says so; it never fails the run.
import { rmSync } from 'node:fs';

export default function setup(): () => void {
  return () => {
    const root = process.env['RUNBOOK_SUITE_TMP'];
    if (!root) return;
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err) {
      process.stderr.write(`the suite's temp folder ${root} was left behind: ${(err as Error).message}\n`);
    }
  };
}
