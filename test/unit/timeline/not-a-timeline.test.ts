import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTimeline } from '../../../src/timeline/writer.js';
import { createRedactor } from '../../../src/timeline/redact.js';
import { systemClock } from '../../../src/adapters/clock.js';
import { UserError } from '../../../src/errors.js';

const open = (path: string) => openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });

describe('appending to a file that is not a timeline', () => {
  it('refuses (exit 2) and leaves the file exactly as it was, with no torn-tail repair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-not-timeline-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, '# My notes\nimportant\nlast line without newline');
    const err = await open(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toMatch(/is not a runbook timeline/);
    expect(readFileSync(path, 'utf8')).toBe('# My notes\nimportant\nlast line without newline');
    expect(readdirSync(dir)).toEqual(['README.md']);
  });

  it('still opens a timeline torn inside its very first event, and an empty file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-not-timeline-'));
    for (const [name, text] of [['a.jsonl', '{"v'], ['b.jsonl', '{"v":1,"seq":0,"ts":"2026'], ['c.jsonl', '']] as const) {
      writeFileSync(join(dir, name), text);
      const w = await open(join(dir, name));
      await w.close();
    }
  });
});
