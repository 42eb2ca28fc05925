import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimelineWriteError, UserError } from '../../../src/errors.js';
import type { TimelineEvent } from '../../../src/timeline/events.js';
import { createRedactor, REDACTED } from '../../../src/timeline/redact.js';
import { summarizeTimeline } from '../../../src/timeline/status.js';
import { MAX_OUTPUT_BYTES, openTimeline, splitData } from '../../../src/timeline/writer.js';
import { fakeClock, note, readAll, runStarted, systemClock, tempDir } from './helpers.js';

const events = async (path: string): Promise<TimelineEvent[]> =>
  (await readAll(path)).flatMap((i) => (i.kind === 'event' ? [i.event] : []));

describe('openTimeline / append', () => {
  it('assigns v, seq, ts and mono_ms, creates parent folders, mode 0600', async () => {
    const clock = fakeClock();
    const path = join(tempDir(), 'deep', 'er', 't.jsonl');
    const w = await openTimeline(path, { clock, redactor: createRedactor(), create: true });
    const e0 = await w.append(runStarted());
    clock.advance(1234);
    const e1 = await w.append(note('first'));
    await w.close();
    expect(e0).toMatchObject({ v: 1, seq: 0, ts: '2026-11-28T03:00:00.000Z', mono_ms: 0, type: 'run.started' });
    expect(e1).toMatchObject({ v: 1, seq: 1, ts: '2026-11-28T03:00:01.234Z', mono_ms: 1234, type: 'note' });
    expect(await events(path)).toEqual([e0, e1]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = readFileSync(path, 'utf8').split('\n')[0] as string;
    expect(first.startsWith('{"v":1,"seq":0,"ts":')).toBe(true);
  });

  it('create: true refuses an existing file', async () => {
    const path = join(tempDir(), 't.jsonl');
    writeFileSync(path, '');
    await expect(openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: true })).rejects.toThrow(UserError);
  });

  it('mono_ms survives a wall-clock jump', async () => {
    const clock = fakeClock();
    const path = join(tempDir(), 't.jsonl');
    const w = await openTimeline(path, { clock, redactor: createRedactor(), create: true });
    await w.append(runStarted());
    clock.jumpWall(-3_600_000);
    clock.advance(500);
    const e = await w.append(note('after jump'));
    await w.close();
    expect(e.mono_ms).toBe(500);
  });

  it('another process appending derives mono_ms from run.started and the wall clock, never going back', async () => {
    const clock = fakeClock();
    const path = join(tempDir(), 't.jsonl');
    const a = await openTimeline(path, { clock, redactor: createRedactor(), create: true });
    await a.append(runStarted());
    clock.advance(60_000);
    await a.append(note('a at 60s'));
    // A second writer whose monotonic clock has nothing to do with the first.
    const other = { now: () => clock.now(), monoMs: () => 5 };
    const b = await openTimeline(path, { clock: other, redactor: createRedactor(), create: false });
    clock.advance(2_000);
    const eb = await b.append(note('b'));
    expect(eb).toMatchObject({ seq: 2, mono_ms: 62_000 });
    // A wall clock set back must not make mono_ms go back.
    const skewed = { now: () => new Date(Date.parse('2026-11-28T02:00:00.000Z')), monoMs: () => 5 };
    const c = await openTimeline(path, { clock: skewed, redactor: createRedactor(), create: false });
    expect((await c.append(note('c'))).mono_ms).toBe(62_000);
    for (const w of [a, b, c]) await w.close();
  });

  it('two writers on one file keep seq unique and gap-free', async () => {
    const path = join(tempDir(), 't.jsonl');
    const opts = { clock: systemClock, redactor: createRedactor(), create: false };
    const a = await openTimeline(path, opts);
    const b = await openTimeline(path, opts);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(note(`n${i}`))));
    await a.close();
    await b.close();
    expect((await events(path)).map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('redacts commands, output, notes, check texts, values and titles before writing', async () => {
    const path = join(tempDir(), 't.jsonl');
    const secret = 'correct-horse-battery';
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor({ secrets: [secret] }), create: true });
    await w.append({ ...runStarted(), runbook: { ...(runStarted() as { runbook: never }).runbook, title: `t ${secret}` } } as never);
    await w.append({ type: 'var.set', name: 'x', value: secret, source: 'flag' });
    await w.append({ type: 'step.started', step: 1, title: `s ${secret}` });
    await w.append({ type: 'command.started', step: 1, id: '1.1', command: `login ${secret}`, edited: false, danger: false });
    // A secret split across two output chunks.
    await w.appendOutput({ type: 'command.output', id: '1.1', stream: 'stdout', data: 'got correct-hor' });
    await w.appendOutput({ type: 'command.output', id: '1.1', stream: 'stdout', data: 'se-battery ok\n' });
    await w.append({ type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, interrupted: false, omitted_bytes: 0 });
    await w.append({ type: 'command.skipped', step: 1, id: '1.2', command: `echo ${secret}` });
    await w.append({ type: 'check.confirmed', step: 1, text: `saw ${secret}` });
    await w.append({ type: 'mark', what: 'mitigated', text: `m ${secret}`, actor: 'a' });
    await w.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct-hor');
    expect(text).not.toContain('battery');
    const out = (await events(path)).filter((e) => e.type === 'command.output').map((e) => (e as { data: string }).data).join('');
    expect(out).toBe(`got ${REDACTED} ok\n`);
  });

  it('held-back output is written before its command.finished', async () => {
    const path = join(tempDir(), 't.jsonl');
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: true });
    await w.appendOutput({ type: 'command.output', id: '1.1', stream: 'stdout', data: 'no newline at end' });
    await w.append({ type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, interrupted: false, omitted_bytes: 0 });
    await w.close();
    expect((await events(path)).map((e) => e.type)).toEqual(['command.output', 'command.finished']);
  });

  it('output is cut into events of at most 64 KiB', async () => {
    const path = join(tempDir(), 't.jsonl');
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: true });
    const data = `${'a'.repeat(100_000)}€${'b'.repeat(100_000)}\n`;
    await w.appendOutput({ type: 'command.output', id: '1.1', stream: 'stdout', data });
    await w.close();
    const outs = (await events(path)).map((e) => (e as { data: string }).data);
    expect(outs.length).toBeGreaterThan(2);
    for (const d of outs) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(outs.join('')).toBe(data);
    expect(splitData('😀'.repeat(40_000)).join('')).toBe('😀'.repeat(40_000));
  });

  it('keeps an owner sidecar while open and removes it on close', async () => {
    const path = join(tempDir(), 't.jsonl');
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: true, owner: true });
    await w.append(runStarted());
    expect(readFileSync(`${path}.owner`, 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
    expect((await summarizeTimeline(path)).status).toBe('running');
    await w.close();
    expect(existsSync(`${path}.owner`)).toBe(false);
    expect((await summarizeTimeline(path)).status).toBe('interrupted');
  });

  it('refuses to append to a timeline of another schema version', async () => {
    const path = join(tempDir(), 't.jsonl');
    writeFileSync(path, `${JSON.stringify({ v: 2, seq: 0, ts: '2026-11-28T03:00:00.000Z', mono_ms: 0, type: 'note' })}\n`);
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
    const err = await w.append(note('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).not.toBeInstanceOf(TimelineWriteError);
    expect((err as UserError).message).toMatch(/schema version 2/);
    await w.close();
  });

  it('recovers a stale lock left by a dead process', async () => {
    const path = join(tempDir(), 't.jsonl');
    const { hostname } = await import('node:os');
    writeFileSync(`${path}.lock`, `999999999\n${hostname()}\n`);
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
    await expect(w.append(note('x'))).resolves.toMatchObject({ seq: 0 });
    await w.close();
  });
});

describe('disk trouble', () => {
  it('/dev/full: append rejects with TimelineWriteError ENOSPC', async () => {
    const w = await openTimeline('/dev/full', { clock: systemClock, redactor: createRedactor(), create: false });
    const err = await w.append(note('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimelineWriteError);
    expect((err as TimelineWriteError).reason).toMatch(/^ENOSPC/);
    expect((err as TimelineWriteError).exitCode).toBe(3);
    await w.close().catch(() => undefined);
  });

  it('a directory as the timeline: open rejects with TimelineWriteError EISDIR', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'tl'));
    const err = await openTimeline(join(dir, 'tl'), { clock: systemClock, redactor: createRedactor(), create: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimelineWriteError);
    expect((err as TimelineWriteError).reason).toMatch(/^EISDIR/);
  });

  it('a parent that is a file: open rejects with TimelineWriteError', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), '');
    await expect(openTimeline(join(dir, 'f', 't.jsonl'), { clock: systemClock, redactor: createRedactor(), create: true })).rejects.toBeInstanceOf(
      TimelineWriteError,
    );
  });
});

describe('torn tail', () => {
  async function writeSample(path: string): Promise<TimelineEvent[]> {
    const w = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: true });
    const out = [await w.append(runStarted()), await w.append(note('one')), await w.append(note('two, with ünïcode'))];
    await w.close();
    return out;
  }

  it('cut anywhere inside the last line: the reader keeps every earlier event and reports the tear; the next append moves it aside (property)', async () => {
    const base = tempDir();
    const sample = join(base, 'sample.jsonl');
    const all = await writeSample(sample);
    const bytes = readFileSync(sample);
    const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const lastEnd = bytes.length - 1; // the final '\n'
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: lastStart + 1, max: lastEnd - 1 }), async (cut) => {
        const path = join(base, `cut-${n++}.jsonl`);
        writeFileSync(path, bytes.subarray(0, cut));
        const items = await readAll(path);
        expect(items.filter((i) => i.kind === 'event').map((i) => (i as { event: TimelineEvent }).event)).toEqual(all.slice(0, 2));
        expect(items[items.length - 1]).toMatchObject({ kind: 'problem', torn: true, line: 3 });

        const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
        const e = await w.append(note('after the tear'));
        await w.close();
        expect(e.seq).toBe(2);
        expect(readFileSync(`${path}.torn-1`)).toEqual(bytes.subarray(lastStart, cut));
        const after = await readAll(path);
        expect(after.every((i) => i.kind === 'event')).toBe(true);
        expect(after.map((i) => (i as { event: TimelineEvent }).event.seq)).toEqual([0, 1, 2]);
      }),
      { numRuns: Math.min(200, lastEnd - lastStart - 1) },
    );
    // Every offset, not only a sample: the cheap reader half of the property.
    for (let cut = lastStart + 1; cut < lastEnd; cut++) {
      const path = join(base, 'every.jsonl');
      writeFileSync(path, bytes.subarray(0, cut));
      const items = await readAll(path);
      expect(items.filter((i) => i.kind === 'event')).toHaveLength(2);
      expect(items[2]).toMatchObject({ kind: 'problem', torn: true });
    }
  });

  it('a whole event missing only its newline is kept and completed', async () => {
    const path = join(tempDir(), 't.jsonl');
    await writeSample(path);
    truncateSync(path, statSync(path).size - 1);
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
    expect((await w.append(note('x'))).seq).toBe(3);
    await w.close();
    expect((await events(path)).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(readdirSync(join(path, '..')).some((n) => n.includes('.torn-'))).toBe(false);
  });

  it('a torn tail of NUL bytes (power loss) is moved aside too', async () => {
    const path = join(tempDir(), 't.jsonl');
    await writeSample(path);
    writeFileSync(path, Buffer.alloc(4096), { flag: 'a' });
    const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
    expect((await w.append(note('x'))).seq).toBe(3);
    await w.close();
    expect(statSync(`${path}.torn-1`).size).toBe(4096);
    expect((await readAll(path)).every((i) => i.kind === 'event')).toBe(true);
  });
});
