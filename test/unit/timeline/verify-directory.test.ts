// verify (and replay, which verifies) given a directory: one error, and nothing left open for the garbage
// collector to close (Node then prints two warnings after the error, at a moment of its choosing).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { verifyTimeline } from '../../../src/timeline/verify.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('verifyTimeline of a directory', () => {
  it('is a UserError naming it, and closes what it opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-verify-dir-'));
    try {
      const before = openFds();
      for (let i = 0; i < 10; i++) {
        const err = await verifyTimeline(dir, { env: process.env }).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(UserError);
        expect((err as Error).message).toContain(`cannot read timeline ${dir}`);
      }
      // A leak leaves one descriptor per call (10); the margin is for the test worker's own activity.
      expect(openFds()).toBeLessThan(before + 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
