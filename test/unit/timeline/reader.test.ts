import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { followTimeline, readTimeline } from '../../../src/timeline/reader.js';
import { readAll, tempDir } from './helpers.js';

const line = (seq: number, type = 'note', extra: Record<string, unknown> = { text: `n${seq}`, actor: 'a' }): string =>
  `${JSON.stringify({ v: 1, seq, ts: `2026-11-28T03:00:0${seq % 10}.000Z`, mono_ms: seq * 10, type, ...extra })}\n`;

function file(content: string): string {
  const path = join(tempDir(), 't.jsonl');
  writeFileSync(path, content);
  return path;
}

describe('readTimeline', () => {
  it('reads every event with its line number', async () => {
    const items = await readAll(file(line(0) + line(1) + line(2)));
    expect(items.map((i) => (i.kind === 'event' ? [i.event.seq, i.line] : null))).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('reads a chunk of many lines in pieces without losing or cutting one: multi-byte text, and a line longer than a piece', async () => {
    // The reader decodes a read chunk (256 KiB) in pieces of under 64 KiB cut at newlines.
    const texts = Array.from({ length: 3000 }, (_, i) => `n${i} héllo wörld ✓ ${'x'.repeat(i % 97)}`);
    texts[1500] = `long ${'ü'.repeat(100_000)}`;
    const path = file(texts.map((text, seq) => line(seq, 'note', { text, actor: 'a' })).join(''));
    const items = await readAll(path);
    expect(items.every((i) => i.kind === 'event')).toBe(true);
    expect(items.map((i) => (i.kind === 'event' ? (i.event as { text: string }).text : ''))).toEqual(texts);
    expect(items.map((i) => i.line)).toEqual(texts.map((_, k) => k + 1));
  });

  it('reports a damaged middle line by its line number and reads on', async () => {
    const items = await readAll(file(line(0) + '{"v":1,"seq":1,"ts\n' + line(2)));
    expect(items).toHaveLength(3);
    expect(items[1]).toMatchObject({ kind: 'problem', line: 2, torn: false });
    expect((items[1] as { message: string }).message).toMatch(/t\.jsonl:2: damaged line/);
    expect(items[2]).toMatchObject({ kind: 'event', line: 3 });
  });

  it('tolerates a torn last line and says so', async () => {
    const items = await readAll(file(line(0) + line(1) + '{"v":1,"seq":2,"ts":"2026'));
    expect(items.filter((i) => i.kind === 'event')).toHaveLength(2);
    expect(items[2]).toMatchObject({ kind: 'problem', line: 3, torn: true });
  });

  it('accepts a complete last event that only lacks its newline', async () => {
    const items = await readAll(file(line(0) + line(1).trimEnd()));
    expect(items.map((i) => i.kind)).toEqual(['event', 'event']);
  });

  it('skips an event of an unknown type with a warning', async () => {
    const items = await readAll(file(line(0) + line(1, 'pager.sent', { to: 'x' }) + line(2)));
    expect(items[1]).toMatchObject({ kind: 'problem', line: 2, torn: false });
    expect((items[1] as { message: string }).message).toMatch(/unknown event type "pager.sent"/);
    expect(items.filter((i) => i.kind === 'event')).toHaveLength(2);
  });

  it('reports an event missing a required field', async () => {
    const items = await readAll(file(line(0, 'note', { actor: 'a' })));
    expect(items[0]).toMatchObject({ kind: 'problem', line: 1 });
    expect((items[0] as { message: string }).message).toMatch(/"text"/);
  });

  it('refuses an unknown schema version with a UserError', async () => {
    const path = file(line(0) + JSON.stringify({ v: 2, seq: 1, ts: 'x', mono_ms: 0, type: 'note' }) + '\n');
    await expect(readAll(path)).rejects.toThrow(UserError);
    await expect(readAll(path)).rejects.toThrow(/schema version 2 is not supported/);
  });

  it('tolerates unknown fields, spaces after separators and blank lines', async () => {
    const spaced = '{ "v": 1, "seq": 0, "ts": "2026-11-28T03:00:00.000Z", "mono_ms": 0, "type": "note", "text": "hi", "actor": "a", "future": {"x": 1} }\n';
    const items = await readAll(file(spaced + '\n' + line(1)));
    expect(items.map((i) => i.kind)).toEqual(['event', 'event']);
    expect(items[0]).toMatchObject({ kind: 'event', event: { text: 'hi', future: { x: 1 } } });
  });

  it('reads lines longer than its read chunk and non-ASCII text split across chunks', async () => {
    const big = 'é'.repeat(1_500_000); // 3 MB of two-byte characters
    const items = await readAll(file(line(0, 'note', { text: big, actor: 'a' }) + line(1)));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ kind: 'event', event: { text: big } });
  });

  it('an unreadable or missing file is a UserError naming the path', async () => {
    const dir = tempDir();
    await expect(readAll(join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read timeline .*missing\.jsonl: ENOENT/);
    mkdirSync(join(dir, 'adir'));
    await expect(readAll(join(dir, 'adir'))).rejects.toThrow(UserError);
  });

  it('breaking out of the loop early is fine, and reading again works', async () => {
    const path = file(line(0) + line(1) + line(2));
    for await (const item of readTimeline(path)) {
      expect(item.kind).toBe('event');
      break;
    }
    expect(await readAll(path)).toHaveLength(3);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    const items = [];
    for await (const i of readTimeline(file(line(0)), { signal: ac.signal })) items.push(i);
    expect(items).toEqual([]);
  });
});

describe('followTimeline', () => {
  it('yields existing events, then appended ones, and ends after run.finished', async () => {
    const path = file(line(0));
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 20_000);
    const seen: number[] = [];
    let appended = false;
    for await (const item of followTimeline(path, { signal: ac.signal })) {
      if (item.kind !== 'event') continue;
      seen.push(item.event.seq);
      if (!appended) {
        appended = true;
        // A line written in two pieces is only yielded once whole.
        setTimeout(() => appendFileSync(path, line(1).slice(0, 10)), 50);
        setTimeout(() => appendFileSync(path, line(1).slice(10) + line(2, 'run.finished', { status: 'completed', duration_ms: 5 }) + line(3)), 300);
      }
    }
    clearTimeout(guard);
    expect(ac.signal.aborted).toBe(false);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('a torn tail moved aside by a writer does not garble the next event', async () => {
    const path = file(line(0) + '{"v":1,"seq":1,"ts":"20');
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 20_000);
    const items: Array<{ kind: string; seq?: number }> = [];
    for await (const item of followTimeline(path, { signal: ac.signal })) {
      items.push(item.kind === 'event' ? { kind: 'event', seq: item.event.seq } : { kind: item.kind });
      if (items.length === 1) {
        setTimeout(() => {
          void (async () => {
            const { openTimeline } = await import('../../../src/timeline/writer.js');
            const { createRedactor } = await import('../../../src/timeline/redact.js');
            const { systemClock, note } = await import('./helpers.js');
            const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
            await w.append(note('a note longer than the torn bytes were, so the file grows past them'));
            await w.append({ type: 'run.finished', status: 'completed', duration_ms: 1 });
            await w.close();
          })();
        }, 100);
      }
    }
    clearTimeout(guard);
    expect(items).toEqual([{ kind: 'event', seq: 0 }, { kind: 'event', seq: 1 }, { kind: 'event', seq: 2 }]);
  });

  it('ends when the signal aborts', async () => {
    const path = file(line(0));
    const ac = new AbortController();
    const seen: number[] = [];
    setTimeout(() => ac.abort(), 300);
    for await (const item of followTimeline(path, { signal: ac.signal })) if (item.kind === 'event') seen.push(item.event.seq);
    expect(seen).toEqual([0]);
  });
});
