// The incident commander's view of a run: pure, from events at a given time.
import { describe, expect, it } from 'vitest';
import type { EventBody, TimelineEvent } from '../../../src/timeline/events.js';
import { advanceLiveStatus, createLiveStatusState, liveStatus, liveStatusAt } from '../../../src/report/live-status.js';

const T0 = Date.parse('2026-11-28T03:00:00.000Z');
const SOURCE = '# Disk full\n\n## Look\n\n```sh\ndf -h\n```\n\n## Clean\n\n```sh\nrm -rf /tmp/x\n```\n\n## Check\n\n- [ ] disk below 80%\n';

/** Events with seq in order and ts `sec` seconds after T0. */
function timeline(...bodies: [number, EventBody][]): TimelineEvent[] {
  return bodies.map(([sec, body], seq) => ({ v: 1, seq, ts: new Date(T0 + sec * 1000).toISOString(), mono_ms: sec * 1000, ...body }) as TimelineEvent);
}

const started: EventBody = {
  type: 'run.started',
  incident: 'inc-1',
  runbook: { id: 'disk-full', title: 'Disk full', path: 'disk-full.md', sha256: 'x', source: SOURCE },
  mode: 'live',
  actor: 'alice',
  host: 'bastion-1',
  cwd: '/srv',
  cli_version: '0.1.0',
};
const at = (sec: number): Date => new Date(T0 + sec * 1000);

describe('live status', () => {
  it('says who runs what, which step of how many, the running command and for how long', () => {
    const s = liveStatus(
      timeline(
        [0, started],
        [1, { type: 'step.started', step: 1, title: 'Look' }],
        [2, { type: 'command.started', step: 1, id: '1.1', command: 'df -h', edited: false, danger: false }],
        [3, { type: 'command.output', id: '1.1', stream: 'stdout', data: 'secret output' }],
      ),
      at(62),
    );
    expect(s).toMatchObject({ incident: 'inc-1', runbook: { id: 'disk-full', title: 'Disk full' }, mode: 'live', operator: 'alice', host: 'bastion-1', finished: null, events: 4 });
    expect(s.step).toEqual({ index: 1, count: 3, title: 'Look' });
    expect(s.command).toEqual({ id: '1.1', step: 1, command: 'df -h', started: new Date(T0 + 2000).toISOString(), runningMs: 60_000, danger: false });
    expect(s.since).toEqual({ from: 'run start', at: new Date(T0).toISOString(), elapsedMs: 62_000 });
    expect(JSON.stringify(s)).not.toContain('secret output');
  });

  it('keeps the last three notes, every mark, and counts the clock from impact (a backfilled one at its `at`)', () => {
    const s = liveStatus(
      timeline(
        [0, started],
        [1, { type: 'note', text: 'one', actor: 'bob' }],
        [2, { type: 'mark', what: 'detected', text: 'pager', actor: 'bob' }],
        [3, { type: 'note', text: 'two', actor: 'carol' }],
        [4, { type: 'note', text: 'three', actor: 'bob' }],
        [5, { type: 'mark', what: 'impact', text: '', actor: 'carol', at: new Date(T0 - 600_000).toISOString() }],
        [6, { type: 'note', text: 'four', actor: 'alice' }],
      ),
      at(100),
    );
    expect(s.notes.map((n) => `${n.actor}: ${n.text}`)).toEqual(['carol: two', 'bob: three', 'alice: four']);
    expect(s.marks.map((m) => m.what)).toEqual(['detected', 'impact']);
    expect(s.since).toEqual({ from: 'impact', at: new Date(T0 - 600_000).toISOString(), elapsedMs: 700_000 });
  });

  it('counts from detection when impact is not marked', () => {
    const s = liveStatus(timeline([0, started], [10, { type: 'mark', what: 'detected', text: '', actor: 'bob' }]), at(70));
    expect(s.since).toMatchObject({ from: 'detected', elapsedMs: 60_000 });
  });

  it('follows handovers: the operator is the last holder, and each handover says from whom', () => {
    const s = liveStatus(
      timeline(
        [0, started],
        [5, { type: 'handover', to: 'bob', text: 'going to sleep', actor: 'alice' }],
        [9, { type: 'handover', to: 'carol', text: '', actor: 'carol' }],
      ),
      at(10),
    );
    expect(s.operator).toBe('carol');
    expect(s.handovers.map((h) => [h.from, h.to, h.actor])).toEqual([
      ['alice', 'bob', 'alice'],
      ['bob', 'carol', 'carol'],
    ]);
  });

  it('clears the command when it finishes (a fleet command when every host has finished) and ends with the run', () => {
    const state = createLiveStatusState();
    const evs = timeline(
      [0, started],
      [1, { type: 'step.started', step: 2, title: 'Clean' }],
      [2, { type: 'command.started', step: 2, id: '2.1', command: 'rm -rf /tmp/x', edited: false, danger: true, hosts: ['a', 'b'] } as EventBody],
      [3, { type: 'command.finished', id: '2.1', exit_code: 0, signal: null, duration_ms: 1000, timed_out: false, interrupted: false, omitted_bytes: 0, host: 'a' } as EventBody],
      [4, { type: 'command.finished', id: '2.1', exit_code: 0, signal: null, duration_ms: 2000, timed_out: false, interrupted: false, omitted_bytes: 0, host: 'b' } as EventBody],
      [5, { type: 'run.finished', status: 'completed', duration_ms: 5000 }],
    );
    for (const ev of evs.slice(0, 4)) advanceLiveStatus(state, ev);
    expect(liveStatusAt(state, at(3)).command).toMatchObject({ id: '2.1', danger: true });
    advanceLiveStatus(state, evs[4] as TimelineEvent);
    expect(liveStatusAt(state, at(4)).command).toBeNull();
    advanceLiveStatus(state, evs[5] as TimelineEvent);
    const s = liveStatusAt(state, at(6));
    expect(s.finished).toBe('completed');
    expect(s.step).toEqual({ index: 2, count: 3, title: 'Clean' });
    expect(s.last).toEqual({ seq: 5, ts: new Date(T0 + 5000).toISOString() });
  });

  it('is empty, not wrong, for no events', () => {
    const s = liveStatus([], at(0));
    expect(s).toMatchObject({ operator: null, step: null, command: null, since: null, last: null, events: 0, notes: [], marks: [] });
  });
});
