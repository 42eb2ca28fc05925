// The suite's temporary root (vitest.config.ts points TMPDIR at it) is removed when the run ends, with whatever
// the tests, the CLI and its helpers left in it.
import { rmSync } from 'node:fs';

export default function setup(): () => void {
  return () => {
    const root = process.env['RUNBOOK_SUITE_TMP'];
    if (root) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
