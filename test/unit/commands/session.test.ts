import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createTimeline } from '../../../src/commands/session.js';
import { createRedactor } from '../../../src/timeline/redact.js';
import type { Io } from '../../../src/io.js';

function io(dir: string): Io {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: { RUNBOOK_TIMELINE_DIR: dir }, cwd: dir, interactive: false, color: false, colorErr: false };
}

describe('a new timeline file', () => {
  it('is named <UTC stamp>-<id>.jsonl, and a second run in the same second gets -2 instead of an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-session-'));
    const at = new Date(Date.UTC(2026, 10, 28, 3, 4, 5));
    const a = await createTimeline(io(dir), 'disk-full', createRedactor(), at);
    const b = await createTimeline(io(dir), 'disk-full', createRedactor(), at);
    expect([basename(a.path), basename(b.path)]).toEqual(['20261128-030405-disk-full.jsonl', '20261128-030405-disk-full-2.jsonl']);
    await a.close();
    await b.close();
  });
});
