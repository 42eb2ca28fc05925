// Test helpers: an in-memory Io and in-memory timelines for replay and export.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import type { Io } from '../../../src/io.js';
import type { EventBody, TimelineEvent } from '../../../src/timeline/events.js';
import type { ReadItem } from '../../../src/timeline/reader.js';

export const FIXTURES = 'test/fixtures/timelines';
export const COMPLETED = `${FIXTURES}/disk-full-completed.jsonl`;
export const INTERRUPTED = `${FIXTURES}/interrupted-torn.jsonl`;

export interface FakeIo extends Io {
  out(): string;
  err(): string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export function fakeIo(opts: { color?: boolean; env?: NodeJS.ProcessEnv } = {}): FakeIo {
  const out = collector();
  const err = collector();
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([]),
    // No user config unless a test gives one.
    env: opts.env ?? { RUNBOOK_CONFIG: '/nonexistent/runbook-config.json' },
    cwd: process.cwd(),
    interactive: false,
    color: opts.color ?? false,
    colorErr: false,
    out: out.text,
    err: err.text,
  };
}

/** The events of a fixture file, parsed line by line (valid lines only). */
export function fixtureEvents(path: string): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const v = JSON.parse(line) as TimelineEvent;
      if (v && typeof v === 'object' && typeof v.type === 'string') events.push(v);
    } catch {
      // damaged or torn: not an event
    }
  }
  return events;
}

/** Build events with envelopes from bodies and their mono_ms. */
export function timeline(entries: [number, EventBody][]): TimelineEvent[] {
  const t0 = Date.parse('2026-11-28T03:00:00.000Z');
  return entries.map(([mono, body], seq) => ({ v: 1, seq, ts: new Date(t0 + mono).toISOString(), mono_ms: mono, ...body }) as TimelineEvent);
}

export function runStarted(source = '# T\n\n## One\n\n## Two\n'): EventBody {
  return {
    type: 'run.started',
    incident: 'inc-1',
    runbook: { id: 'rb', title: 'T', path: 'rb.md', sha256: '0', source },
    mode: 'live',
    actor: 'alice',
    host: 'h',
    cwd: '/',
    cli_version: '0.0.0',
  };
}

export async function* batchesOf(events: TimelineEvent[]): AsyncGenerator<readonly ReadItem[]> {
  yield events.map((event, i) => ({ kind: 'event' as const, event, line: i + 1 }));
}

export async function* itemsOf(events: TimelineEvent[]): AsyncGenerator<ReadItem> {
  for (const [i, event] of events.entries()) yield { kind: 'event', event, line: i + 1 };
}
