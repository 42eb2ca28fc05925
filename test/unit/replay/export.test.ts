import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTimeline } from '../../../src/commands/export.js';
import type { ExportFormat } from '../../../src/cli.js';
import { UserError } from '../../../src/errors.js';
import { COMPLETED, INTERRUPTED, fakeIo, itemsOf, runStarted, timeline } from './helpers.js';

async function exported(path: string, format: ExportFormat, env?: NodeJS.ProcessEnv): Promise<{ out: string; err: string }> {
  const io = fakeIo(env ? { env } : {});
  expect(await exportTimeline(path, { format }, io)).toBe(0);
  return { out: io.out(), err: io.err() };
}

describe('export --format markdown', () => {
  it('writes a postmortem draft in the SRE layout with the Timeline filled in (golden)', async () => {
    const { out, err } = await exported(COMPLETED, 'markdown');
    await expect(out).toMatchFileSnapshot('../../fixtures/timelines/disk-full-completed.postmortem.md');
    expect(err).toBe('');
    const headings = out.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#+ /, ''));
    expect(headings.slice(1)).toEqual([
      'Summary', 'Impact', 'Root causes', 'Trigger', 'Resolution', 'Detection', 'Action items',
      'Lessons learned', 'What went well', 'What went wrong', 'Where we got lucky', 'Timeline',
    ]);
    // No impact mark: time to detect cannot be measured, the others count from detection and say so.
    expect(out).toContain('| Time to detect | — (mark impact and detected) |');
    expect(out).toContain('| Time to mitigate | 5m 04s from detection (no impact mark) |');
    expect(out).toMatch(/_TODO: .*_/);
  });

  it('an impact mark is the origin of the times; a backfilled mark says when it happened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-export-'));
    const path = join(dir, 't.jsonl');
    const events = timeline([
      [0, runStarted()],
      [1_000, { type: 'mark', what: 'impact', text: 'checkout errors', actor: 'bob', at: '2026-11-28T02:50:00.000Z' }],
      [2_000, { type: 'mark', what: 'detected', text: 'pager', actor: 'bob', at: '2026-11-28T02:58:00.000Z' }],
      [180_000, { type: 'mark', what: 'mitigated', text: '', actor: 'alice' }],
    ]);
    writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const { out } = await exported(path, 'markdown');
    expect(out).toContain('| Time to detect | 8m 00s from impact |');
    expect(out).toContain('| Time to mitigate | 13m 00s from impact |');
    expect(out).toContain('| Time to resolve | — (not marked) |');
    expect(out).toMatch(/## Impact\n\n- Impact at 2026-11-28 02:50:00 UTC \(10m 00s before the run started, recorded later\): checkout errors \(bob\)/);
    expect(out).toContain('**Impact** (at 2026-11-28 02:50:00 UTC, recorded later): checkout errors');
  });

  it("the Timeline's offsets agree with its clock times when the run started between two seconds", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-export-'));
    const path = join(dir, 't.jsonl');
    // Started at 03:00:00.600 (mono_ms 0); the note 58.8 s later, at 03:00:59.400: shown at 03:00:59, so
    // +00:00:59 (03:00:00 + 59 s), not +00:00:58.
    const events = timeline([
      [0, runStarted()],
      [58_800, { type: 'note', text: 'rolled back', actor: 'alice' }],
      [59_000, { type: 'check.skipped', step: 1, text: 'The dashboard shows the error rate' }],
    ]).map((e) => ({ ...e, ts: new Date(Date.parse(e.ts) + 600).toISOString() }));
    writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const { out } = await exported(path, 'markdown');
    expect(out).toMatch(/\| 03:00:59 \| \+00:00:59 \| alice \|/);
    // A check the operator skipped is in the Timeline, as a confirmed one is.
    expect(out).toMatch(/\| 03:00:59 \| \+00:00:59 \| alice \| Skipped check: The dashboard shows the error rate \|/);
  });

  it('redacts again with the runbook patterns and the user config patterns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-export-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ redact: ['DiskFull'] }));
    const { out } = await exported(COMPLETED, 'markdown', { RUNBOOK_CONFIG: config });
    expect(out).not.toContain('internal-1a2b3c4d');
    expect(out).not.toContain('DiskFull');
    expect(out).toContain('alert \\[redacted\\] fired');
  });

  it('says the timeline is incomplete when it is torn and unfinished', async () => {
    const { out, err } = await exported(INTERRUPTED, 'markdown');
    expect(out).toContain('**Incomplete timeline**');
    expect(out).toContain('| Time to mitigate | — (not marked) |');
    expect(err).toMatch(/:13: .*exported up to line 12/);
  });
});

describe('export --format json', () => {
  it('writes one summary document (golden)', async () => {
    const { out } = await exported(COMPLETED, 'json');
    await expect(out).toMatchFileSnapshot('../../fixtures/timelines/disk-full-completed.summary.json');
    const doc = JSON.parse(out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      runbook: { id: 'disk-full', title: 'Disk almost full' },
      status: 'completed',
      time_to_detect_ms: null,
      time_to_mitigate_ms: 304_100,
      time_to_resolve_ms: 371_100,
      times_from: 'detection',
    });
  });

  it('lists the problems of a torn timeline and calls the run interrupted', async () => {
    const doc = JSON.parse((await exported(INTERRUPTED, 'json')).out) as { status: string; problems: { line: number; torn: boolean }[] };
    expect(doc.status).toBe('interrupted');
    expect(doc.problems.map((p) => [p.line, p.torn])).toEqual([[7, false], [13, true]]);
  });
});

describe('export --format cast', () => {
  it('writes asciicast v2: a header, then [time, "o", text] frames with non-decreasing times and CRLF', async () => {
    const { out } = await exported(COMPLETED, 'cast');
    const [first, ...rest] = out.trimEnd().split('\n');
    const header = JSON.parse(first ?? '') as Record<string, unknown>;
    expect(header).toMatchObject({ version: 2, timestamp: Date.parse('2026-11-28T03:00:00Z') / 1000, title: 'Disk almost full — 20261128-030000-disk-full' });
    expect(header.width).toBeGreaterThanOrEqual(80);
    expect(header.height).toBeGreaterThan(0);
    let last = 0;
    for (const line of rest) {
      const frame = JSON.parse(line) as [number, string, string];
      expect(frame[1]).toBe('o');
      expect(frame[0]).toBeGreaterThanOrEqual(last);
      expect(frame[2]).not.toMatch(/[^\r]\n|^\n/);
      last = frame[0];
    }
    // 5 min and 1 min pauses are cut to 2 s each: the whole run plays in well under a minute.
    expect(last).toBeLessThan(30);
    expect(out).toContain('⚠ DANGEROUS');
    expect(out).toContain('\\u001b[');
    expect(out).not.toContain('internal-1a2b3c4d');
  });
});

describe('export redaction of output', () => {
  it('catches a secret split across two output chunks', async () => {
    const events = timeline([
      [0, runStarted('---\nredact: ["tok-[0-9]{6}"]\n---\n## One\n')],
      [1, { type: 'command.started', step: 1, id: '1.1', command: 'env', edited: false, danger: false }],
      [2, { type: 'command.output', id: '1.1', stream: 'stdout', data: 'A=tok-123' }],
      [3, { type: 'command.output', id: '1.1', stream: 'stdout', data: '456 password=hun' }],
      [4, { type: 'command.output', id: '1.1', stream: 'stdout', data: 'ter2\n' }],
      [5, { type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 5, timed_out: false, interrupted: false, omitted_bytes: 0 }],
      [6, { type: 'run.finished', status: 'completed', duration_ms: 6 }],
    ]);
    const io = fakeIo();
    await exportTimeline('x.jsonl', { format: 'cast' }, io, { read: () => itemsOf(events) });
    const text = io
      .out()
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => (JSON.parse(l) as [number, string, string])[2])
      .join('');
    expect(text).toContain('A=[redacted]');
    expect(text).not.toContain('123456');
    expect(text).not.toContain('hunter2');
  });
});

describe('export -o and errors', () => {
  it('writes the file given with -o and nothing to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-export-'));
    const file = join(dir, 'pm.md');
    const io = fakeIo();
    await exportTimeline(COMPLETED, { format: 'markdown', output: file }, io);
    expect(io.out()).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('# Postmortem: Disk almost full');
  });

  it('names the path when the output cannot be written', async () => {
    // Under a file, not a folder: no one can make it (missing folders are made, even as root).
    const err = await exportTimeline(COMPLETED, { format: 'json', output: `${COMPLETED}/x.json` }, fakeIo()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`cannot write ${COMPLETED}/x.json: `);
  });

  it('refuses to write over the timeline it reads', async () => {
    const err = await exportTimeline(COMPLETED, { format: 'cast', output: `./${COMPLETED}` }, fakeIo()).catch((e: unknown) => e);
    expect((err as UserError).exitCode).toBe(2);
    expect(readFileSync(COMPLETED, 'utf8')).toContain('"run.finished"');
  });

  it('exits 2 naming the timeline when it cannot be read', async () => {
    const err = await exportTimeline('missing.jsonl', { format: 'cast' }, fakeIo()).catch((e: unknown) => e);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as Error).message).toContain('missing.jsonl');
  });
});
