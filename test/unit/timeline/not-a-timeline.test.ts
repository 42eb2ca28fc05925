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

  it('still opens a timeline torn inside its very first event, and an empty file, and appends on a clean line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-not-timeline-'));
    for (const [name, text] of [['a.jsonl', '{"v'], ['b.jsonl', '{"v":1,"seq":0,"ts":"2026'], ['c.jsonl', '']] as const) {
      writeFileSync(join(dir, name), text);
      const w = await open(join(dir, name));
      await w.append({ type: 'note', text: 'still here', actor: 'alice' });
      await w.close();
      const lines = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBe(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ v: 1, seq: 0, type: 'note', text: 'still here' });
    }
    // The torn first events were moved aside, byte for byte; the empty file needed no repair.
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'a.jsonl.torn-1', 'b.jsonl', 'b.jsonl.torn-1', 'c.jsonl']);
    expect(readFileSync(join(dir, 'a.jsonl.torn-1'), 'utf8')).toBe('{"v');
    expect(readFileSync(join(dir, 'b.jsonl.torn-1'), 'utf8')).toBe('{"v":1,"seq":0,"ts":"2026');
  });
});
