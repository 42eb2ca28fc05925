// The event table is the one list of event fields: these tests build every event type from it, so a field
// added to the table is covered here without editing this file.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTimeline } from '../../../src/commands/export.js';
import { EVENTS, EVENT_TYPES, type EventBody, type EventType, type FieldSpec, type TimelineEvent } from '../../../src/timeline/events.js';
import { checkEvent, type ReadItem } from '../../../src/timeline/reader.js';
import { createRedactor } from '../../../src/timeline/redact.js';
import { openTimeline } from '../../../src/timeline/writer.js';
import { fakeIo } from '../replay/helpers.js';
import { fakeClock, readAll, tempDir } from './helpers.js';

const SECRET = 'Tbl0Secret99';
const LEAK = `PGPASSWORD=${SECRET} psql`;

function sample(spec: FieldSpec, text: string): unknown {
  switch (spec.kind) {
    case 'text':
      return text;
    case 'string':
    case 'string|null':
      return 'x-1';
    case 'enum':
      return spec.values[0];
    case 'int':
    case 'int|null':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'string[]':
      return ['x-1', 'x-2'];
    case 'object':
      return Object.fromEntries(Object.entries(spec.fields).map(([k, s]) => [k, sample(s, text)]));
  }
}

/** One body of each type, every text field holding `text`. */
function bodies(text: string): EventBody[] {
  return (Object.keys(EVENTS) as EventType[]).map(
    (type) => ({ type, ...(sample({ kind: 'object', fields: EVENTS[type] }, text) as object) }) as EventBody,
  );
}

function textFieldCount(spec: FieldSpec): number {
  if (spec.kind === 'text') return 1;
  if (spec.kind === 'object') return Object.values(spec.fields).reduce((n, s) => n + textFieldCount(s), 0);
  return 0;
}

describe('the event table', () => {
  it('declares every event type the reader knows', () => {
    expect([...EVENT_TYPES].sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it('the writer redacts every text field of every event type, and the reader accepts what it wrote', async () => {
    const path = join(tempDir(), 't.jsonl');
    const w = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: true });
    for (const b of bodies(LEAK)) await w.append(b);
    await w.close();
    const items = await readAll(path);
    expect(items.filter((i) => i.kind === 'problem')).toEqual([]);
    expect(items).toHaveLength(EVENT_TYPES.size);
    const raw = JSON.stringify(items);
    expect(raw).not.toContain(SECRET);
    const expected = Object.values(EVENTS).reduce((n, fields) => n + textFieldCount({ kind: 'object', fields }), 0);
    expect(raw.split('PGPASSWORD=[redacted] psql').length - 1).toBe(expected);
    // The runbook's digest is not text: it is kept as given.
    expect((items[0] as { event: TimelineEvent }).event).toMatchObject({ runbook: { sha256: 'x-1', source: 'PGPASSWORD=[redacted] psql' } });
  });

  it('the reader checks every declared field, enums included', () => {
    const ok = { v: 1, seq: 0, ts: 't', mono_ms: 0, type: 'mark', what: 'mitigated', text: '', actor: 'a' };
    expect(checkEvent(ok, 'f')).toBeNull();
    expect(checkEvent({ ...ok, what: 'fixed' }, 'f')).toBe('mark event without a valid "what"');
    expect(checkEvent({ ...ok, actor: 3 }, 'f')).toBe('mark event without a valid "actor"');
    const started = { v: 1, seq: 0, ts: 't', mono_ms: 0, ...(bodies('x')[0] as object) };
    expect(checkEvent(started, 'f')).toBeNull();
    expect(checkEvent({ ...started, runbook: { id: 'a', title: 't', path: 'p', sha256: 's' } }, 'f')).toBe('run.started event without a valid "runbook.source"');
  });

  it.each(['markdown', 'json', 'cast'] as const)('export --format %s redacts every text field again (a timeline written without redaction)', async (format) => {
    const events = bodies(LEAK).map((b, seq) => ({ v: 1, seq, ts: '2026-11-28T03:00:00.000Z', mono_ms: seq, ...b }) as TimelineEvent);
    const io = fakeIo();
    const read = async function* (): AsyncGenerator<ReadItem> {
      for (const [i, event] of events.entries()) yield { kind: 'event', event, line: i + 1 };
    };
    expect(await exportTimeline('t.jsonl', { format }, io, { read })).toBe(0);
    expect(io.out()).not.toContain(SECRET);
    expect(io.out().length).toBeGreaterThan(100);
  });
});
