import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { listTimelines, newestUnfinished, timelineDir, timelineFileName } from '../../../src/timeline/locate.js';
import { withLock } from '../../../src/timeline/lock.js';
import { summarizeTimeline } from '../../../src/timeline/status.js';
import { tempDir } from './helpers.js';

const started = (ts = '2026-11-28T03:00:00.000Z'): string =>
  JSON.stringify({
    v: 1, seq: 0, ts, mono_ms: 0, type: 'run.started', incident: 'INC-7',
    runbook: { id: 'disk-full', title: 'Disk', path: 'd.md', sha256: '0', source: '# d\n' },
    mode: 'live', actor: 'a', host: 'h', cwd: '/', cli_version: '0',
  });
const ev = (seq: number, body: Record<string, unknown>): string =>
  JSON.stringify({ v: 1, seq, ts: `2026-11-28T03:0${seq}:00.000Z`, mono_ms: seq * 60000, ...body });
const finished = (seq: number, status: string): string => ev(seq, { type: 'run.finished', status, duration_ms: 1 });
const noteLine = (seq: number): string => ev(seq, { type: 'note', text: 'n', actor: 'a' });

function tl(lines: string[], tail = '\n'): string {
  const path = join(tempDir(), 'x.jsonl');
  writeFileSync(path, lines.join('\n') + (lines.length ? tail : ''));
  return path;
}

describe('summarizeTimeline', () => {
  it.each(['completed', 'failed', 'aborted'])('%s comes from run.finished', async (status) => {
    const s = await summarizeTimeline(tl([started(), noteLine(1), finished(2, status)]));
    expect(s).toMatchObject({ incident: 'INC-7', runbook: 'disk-full', started: '2026-11-28T03:00:00.000Z', finished: '2026-11-28T03:02:00.000Z', status, events: 3 });
  });

  it('notes and marks after run.finished do not reopen the run', async () => {
    const s = await summarizeTimeline(tl([started(), finished(1, 'completed'), noteLine(2), ev(3, { type: 'mark', what: 'resolved', text: '', actor: 'a' })]));
    expect(s).toMatchObject({ status: 'completed', events: 4 });
  });

  it('no run.finished and no live owner: interrupted; a torn tail is skipped', async () => {
    const s = await summarizeTimeline(tl([started(), noteLine(1), '{"v":1,"seq":2,"ts'], ''));
    expect(s).toMatchObject({ status: 'interrupted', events: 2, finished: null });
  });

  it('running while the owner sidecar names a live process on this host', async () => {
    const path = tl([started()]);
    writeFileSync(`${path}.owner`, `${process.pid}\n${hostname()}\n`);
    expect((await summarizeTimeline(path)).status).toBe('running');
    writeFileSync(`${path}.owner`, `999999999\n${hostname()}\n`);
    expect((await summarizeTimeline(path)).status).toBe('interrupted');
    writeFileSync(`${path}.owner`, `${process.pid}\nsome-other-host\n`);
    expect((await summarizeTimeline(path)).status).toBe('interrupted');
  });

  it('an empty timeline and one without run.started still summarize', async () => {
    const empty = tl([]);
    expect(await summarizeTimeline(empty)).toMatchObject({ incident: 'x', runbook: null, started: null, events: 0, status: 'interrupted' });
    expect(await summarizeTimeline(tl([noteLine(0)]))).toMatchObject({ runbook: null, started: '2026-11-28T03:00:00.000Z', events: 1 });
  });

  it('a missing file is a UserError', async () => {
    await expect(summarizeTimeline(join(tempDir(), 'nope.jsonl'))).rejects.toThrow(UserError);
  });
});

describe('locate', () => {
  it('timelineDir: $RUNBOOK_TIMELINE_DIR, else ./incidents', () => {
    expect(timelineDir({ RUNBOOK_TIMELINE_DIR: 'tl' }, '/work')).toBe('/work/tl');
    expect(timelineDir({}, '/work')).toBe('/work/incidents');
    expect(timelineFileName(new Date('2026-11-28T03:04:05.678Z'), 'disk-full')).toBe('20261128-030405-disk-full.jsonl');
  });

  it('listTimelines lists *.jsonl only, and [] for a missing folder', async () => {
    const dir = tempDir();
    for (const n of ['a.jsonl', 'a.jsonl.lock', 'a.jsonl.owner', 'a.jsonl.torn-1', 'b.txt', 'c.jsonl']) writeFileSync(join(dir, n), '');
    mkdirSync(join(dir, 'sub'));
    expect(await listTimelines(dir)).toEqual([join(dir, 'a.jsonl'), join(dir, 'c.jsonl')]);
    expect(await listTimelines(join(dir, 'missing'))).toEqual([]);
  });

  it('newestUnfinished: the newest run not finished, or null', async () => {
    const dir = tempDir();
    const env = { RUNBOOK_TIMELINE_DIR: dir };
    expect(await newestUnfinished(env, '/')).toBeNull();
    writeFileSync(join(dir, '1.jsonl'), [started('2026-11-01T00:00:00.000Z'), finished(1, 'completed')].join('\n') + '\n');
    expect(await newestUnfinished(env, '/')).toBeNull();
    writeFileSync(join(dir, '2.jsonl'), started('2026-11-02T00:00:00.000Z') + '\n');
    writeFileSync(join(dir, '3.jsonl'), started('2026-11-03T00:00:00.000Z') + '\n');
    expect(await newestUnfinished(env, '/')).toBe(join(dir, '3.jsonl'));
  });
});

describe('lock', () => {
  it('serializes critical sections within one process too', async () => {
    const lock = join(tempDir(), 't.jsonl.lock');
    let inside = 0;
    let overlap = false;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withLock(lock, async () => {
          inside++;
          if (inside > 1) overlap = true;
          await new Promise((r) => setTimeout(r, 2));
          inside--;
        }),
      ),
    );
    expect(overlap).toBe(false);
  });
});
