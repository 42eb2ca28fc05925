import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/commands/replay.js';
import type { ReplayOptions } from '../../../src/cli.js';
import { UserError } from '../../../src/errors.js';
import { stripAnsi } from '../../../src/ui/style.js';
import type { EventBody } from '../../../src/timeline/events.js';
import { COMPLETED, INTERRUPTED, batchesOf, fakeIo, fixtureEvents, runStarted, timeline } from './helpers.js';

const opts = (o: Partial<ReplayOptions> = {}): ReplayOptions => ({ speed: 1, maxIdle: 2, instant: false, follow: false, json: false, ...o });

/** A clock that only moves when replay sleeps: the sleeps requested are exactly the pacing. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(Math.round(ms * 1000) / 1000);
      t += ms;
    },
  };
}

describe('replay --instant', () => {
  it('prints a finished incident the way the operator saw it, each line with its offset (golden)', async () => {
    const io = fakeIo();
    expect(await replay(COMPLETED, opts({ instant: true }), io)).toBe(0);
    await expect(io.out()).toMatchFileSnapshot('../../fixtures/timelines/disk-full-completed.replay.txt');
    expect(io.err()).toBe('');
  });

  it('replays a torn, interrupted timeline as far as it goes and says so on stderr with line numbers (golden)', async () => {
    const io = fakeIo();
    expect(await replay(INTERRUPTED, opts({ instant: true }), io)).toBe(0);
    await expect(io.out()).toMatchFileSnapshot('../../fixtures/timelines/interrupted-torn.replay.txt');
    const err = io.err().trimEnd().split('\n');
    expect(err).toHaveLength(3);
    expect(err[0]).toMatch(/interrupted-torn\.jsonl:7: damaged line/);
    expect(err[1]).toMatch(/interrupted-torn\.jsonl:13: .*incomplete.*replayed up to line 12/);
    expect(err[2]).toMatch(/no run\.finished/);
    expect(io.out()).toContain('status    interrupted');
    expect(io.out()).toContain('power went out, will resume');
  });

  it('never sleeps', async () => {
    const clock = fakeClock();
    await replay(COMPLETED, opts({ instant: true }), fakeIo(), clock);
    expect(clock.sleeps).toEqual([]);
  });

  it('colours only when the Io says so', async () => {
    const plain = fakeIo();
    await replay(COMPLETED, opts({ instant: true }), plain);
    expect(plain.out()).not.toContain('\u001b[');
    const coloured = fakeIo({ color: true });
    await replay(COMPLETED, opts({ instant: true }), coloured);
    expect(coloured.out()).toContain('\u001b[31m✘ exit 2');
    expect(coloured.out()).toContain('\u001b[32m✔ exit 0');
    expect(stripAnsi(coloured.out())).toBe(plain.out());
  });

  it('stops quietly with 0 when the reader of stdout goes away (`| head`)', async () => {
    const io = fakeIo();
    let writes = 0;
    io.stdout = new Writable({
      write(_chunk, _enc, cb) {
        writes++;
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const many = timeline([[0, runStarted()], ...Array.from({ length: 5000 }, (_, i): [number, EventBody] => [i, { type: 'note', text: 'x'.repeat(100), actor: 'a' }])]);
    expect(await replay('x.jsonl', opts({ instant: true }), io, { read: async function* () { for (let i = 0; i < many.length; i += 100) yield (await batchesOf(many.slice(i, i + 100)).next()).value ?? []; } })).toBe(0);
    expect(writes).toBe(1);
    expect(io.err()).toBe('');
  });

  it('exits 2 naming the file when the timeline cannot be read', async () => {
    const err = await replay('test/fixtures/timelines/no-such.jsonl', opts({ instant: true }), fakeIo()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toContain('no-such.jsonl');
  });
});

describe('paced replay', () => {
  const events = timeline([
    [0, runStarted()],
    [500, { type: 'step.started', step: 1, title: 'One' }],
    [10_000, { type: 'note', text: 'long pause before this', actor: 'bob' }],
    [10_100, { type: 'mark', what: 'detected', text: '', actor: 'bob' }],
    [10_100, { type: 'step.completed', step: 1, title: 'One' }],
    [9_000, { type: 'note', text: 'a clock behind: no sleep, no going back', actor: 'carol' }],
    [70_000, { type: 'run.finished', status: 'completed', duration_ms: 70_000 }],
  ]);

  it('keeps original gaps, cuts idle ones to --max-idle, and divides by --speed', async () => {
    const clock = fakeClock();
    await replay('x.jsonl', opts(), fakeIo(), { ...clock, read: () => batchesOf(events) });
    expect(clock.sleeps).toEqual([500, 2000, 100, 2000]);
  });

  it('--speed 2 halves every sleep, --max-idle 1 caps them at one second before that', async () => {
    const clock = fakeClock();
    await replay('x.jsonl', opts({ speed: 2, maxIdle: 1 }), fakeIo(), { ...clock, read: () => batchesOf(events) });
    expect(clock.sleeps).toEqual([250, 500, 50, 500]);
  });

  it('on a recorded incident no sleep is longer than max-idle / speed, and the total is the capped gaps', async () => {
    const clock = fakeClock();
    await replay(COMPLETED, opts({ speed: 4, maxIdle: 2 }), fakeIo(), clock);
    expect(Math.max(...clock.sleeps)).toBe(500);
    // 5 min and 1 min pauses in the fixture are cut to 2 s, then everything runs 4x faster.
    const monos = fixtureEvents(COMPLETED).map((e) => e.mono_ms);
    const capped = monos.slice(1).reduce((sum, m, i) => sum + Math.min(Math.max(0, m - (monos[i] ?? 0)), 2000), 0);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeCloseTo(capped / 4, 3);
  });

  it('prints what it has before each pause', async () => {
    const io = fakeIo();
    let seenBeforeFirstSleep = '';
    const clock = fakeClock();
    await replay('x.jsonl', opts(), io, {
      now: clock.now,
      sleep: async (ms) => {
        if (seenBeforeFirstSleep === '') seenBeforeFirstSleep = io.out();
        await clock.sleep(ms);
      },
      read: () => batchesOf(events),
    });
    expect(seenBeforeFirstSleep).toContain('▶ T');
  });
});

describe('replay --json', () => {
  it('prints exactly one event per line, each equal to the event in the file (unknown fields kept)', async () => {
    const io = fakeIo();
    await replay(COMPLETED, opts({ json: true }), io);
    const lines = io.out().trimEnd().split('\n');
    const expected = fixtureEvents(COMPLETED);
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => expect(JSON.parse(line)).toEqual(expected[i]));
    expect(JSON.parse(lines[6] ?? '{}')).toMatchObject({ trace_id: '7f3a' });
  });

  it('keeps stdout to events when the timeline is torn: problems go to stderr', async () => {
    const io = fakeIo();
    await replay(INTERRUPTED, opts({ json: true }), io);
    const lines = io.out().trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(io.err()).toContain(':13:');
  });
});

describe('replay --follow (in process)', () => {
  it('prints what the follower yields and ends after run.finished, without pacing', async () => {
    const events = timeline([
      [0, runStarted()],
      [60_000, { type: 'note', text: 'from another terminal', actor: 'ic' }],
      [61_000, { type: 'run.finished', status: 'aborted', duration_ms: 61_000 }],
    ]);
    const io = fakeIo();
    const clock = fakeClock();
    let signal: AbortSignal | undefined;
    const code = await replay('x.jsonl', opts({ follow: true }), io, {
      ...clock,
      follow: (_p, o) => {
        signal = o.signal;
        return (async function* () {
          for (const [i, event] of events.entries()) yield { kind: 'event' as const, event, line: i + 1 };
        })();
      },
    });
    expect(code).toBe(0);
    expect(clock.sleeps).toEqual([]);
    expect(io.out()).toContain('✎ note (ic): from another terminal');
    expect(io.out()).toContain('status    aborted');
    expect(signal?.aborted).toBe(true);
  });
});
