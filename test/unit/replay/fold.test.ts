import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../../src/timeline/events.js';
import { foldEvent, foldEvents, initialFoldState, summarize } from '../../../src/report/fold.js';
import { outlineRunbook } from '../../../src/timeline/outline.js';
import { COMPLETED, INTERRUPTED, fixtureEvents, runStarted, timeline } from './helpers.js';

describe('foldEvents', () => {
  it('a non-zero exit of an allow_failure=true command is an answer, not a failure', () => {
    const src = '## Look\n```sh {allow_failure=true}\ngrep ERROR app.log\n```\n```sh\nfalse\n```\n';
    const s = foldEvents(
      timeline([
        [0, runStarted(src)],
        [1, { type: 'command.started', step: 1, id: '1.1', command: 'grep ERROR app.log', edited: false, danger: false }],
        [2, { type: 'command.finished', id: '1.1', exit_code: 1, signal: null, duration_ms: 1, timed_out: false, interrupted: false, omitted_bytes: 0 }],
        [3, { type: 'command.started', step: 1, id: '1.2', command: 'false', edited: false, danger: false }],
        [4, { type: 'command.finished', id: '1.2', exit_code: 1, signal: null, duration_ms: 1, timed_out: false, interrupted: false, omitted_bytes: 0 }],
      ]),
    );
    expect(s.counts).toMatchObject({ commandsRun: 2, commandsFailed: 1 });
    expect(s.steps[0]?.commands.map((c) => [c.id, c.allowFailure])).toEqual([
      ['1.1', true],
      ['1.2', false],
    ]);
  });

  it('summarises a finished incident: status, steps, commands, marks and times', () => {
    const s = foldEvents(fixtureEvents(COMPLETED));
    expect(s).toMatchObject({
      incident: '20261128-030000-disk-full',
      runbook: { id: 'disk-full', title: 'Disk almost full', path: 'runbooks/disk-full.md', severity: 'sev2' },
      mode: 'live',
      status: 'completed',
      started: '2026-11-28T03:00:00.000Z',
      finished: '2026-11-28T03:06:12.100Z',
      durationMs: 372_100,
      // Commands, not attempts: 2.1 failed, was retried and worked (one command run, not failed).
      counts: { stepsDone: 3, stepsSkipped: 1, commandsRun: 5, commandsFailed: 2, commandsSkipped: 1 },
      // No impact mark: nothing to measure detection from; mitigation and resolution count from detection (at 900 ms).
      timeToDetectMs: null,
      timesFrom: 'detection',
      timeToMitigateMs: 304_100,
      timeToResolveMs: 371_100,
    });
    expect(s.steps.map((st) => [st.index, st.title, st.status])).toEqual([
      [1, 'Check usage', 'done'],
      [2, 'Remove old logs', 'done'],
      [3, 'Restart the shipper', 'skipped'],
      [4, 'Verify', 'done'],
    ]);
    const verify = s.steps[3]?.commands ?? [];
    expect(verify.map((c) => [c.id, c.exitCode, c.timedOut, c.omittedBytes])).toEqual([
      ['4.1', null, true, 0],
      ['4.2', 0, false, 1_048_576],
      ['4.3', 2, false, 0],
    ]);
    // A retried command keeps both attempts.
    expect(s.steps[1]?.commands.map((c) => [c.id, c.exitCode, c.danger, c.edited])).toEqual([
      ['2.1', 1, true, true],
      ['2.1', 0, true, true],
    ]);
    expect(s.notes).toEqual([{ ts: '2026-11-28T03:05:03.440Z', atMs: 303_440, actor: 'bob', text: 'host internal-1a2b3c4d is the noisy one | check tomorrow' }]);
    expect(s.marks.map((m) => [m.what, m.actor])).toEqual([['detected', 'bob'], ['mitigated', 'alice'], ['resolved', 'carol']]);
  });

  it('times count from impact: a backfilled impact mark (before the run started) is the origin', () => {
    const s = foldEvents(
      timeline([
        [0, runStarted()],
        // Recorded 2 s into the run, it happened 10 minutes before the run started.
        [2_000, { type: 'mark', what: 'impact', text: 'checkout errors', actor: 'bob', at: '2026-11-28T02:50:00.000Z' }],
        [3_000, { type: 'mark', what: 'detected', text: '', actor: 'bob', at: '2026-11-28T02:55:00.000Z' }],
        [60_000, { type: 'mark', what: 'mitigated', text: '', actor: 'alice' }],
        [120_000, { type: 'mark', what: 'resolved', text: '', actor: 'alice' }],
      ]),
    );
    expect(s.marks.map((m) => [m.what, m.atMs, m.backfilled])).toEqual([
      ['impact', -600_000, true],
      ['detected', -300_000, true],
      ['mitigated', 60_000, false],
      ['resolved', 120_000, false],
    ]);
    expect(s).toMatchObject({ timesFrom: 'impact', timeToDetectMs: 300_000, timeToMitigateMs: 660_000, timeToResolveMs: 720_000 });
  });

  it('without impact or detected marks, mitigation and resolution count from the run start', () => {
    const s = foldEvents(timeline([[0, runStarted()], [5_000, { type: 'mark', what: 'mitigated', text: '', actor: 'a' }]]));
    expect(s).toMatchObject({ timesFrom: 'run start', timeToDetectMs: null, timeToMitigateMs: 5_000, timeToResolveMs: null });
  });

  it('reports a run with no run.finished as interrupted, with the steps it never reached', () => {
    const s = foldEvents(fixtureEvents(INTERRUPTED));
    expect(s.status).toBe('interrupted');
    expect(s.finished).toBeNull();
    expect(s.durationMs).toBe(9500);
    expect(s.steps.map((st) => st.status)).toEqual(['done', 'partial', 'not reached', 'not reached']);
    expect(s.timeToMitigateMs).toBeNull();
    expect(s.steps[1]?.commands[0]).toMatchObject({ id: '2.1', interrupted: true, exitCode: null, signal: 'SIGINT' });
  });

  it('folds one event at a time to the same summary', () => {
    const events = fixtureEvents(COMPLETED);
    const state = initialFoldState();
    for (const ev of events) foldEvent(state, ev);
    expect(summarize(state)).toEqual(foldEvents(events));
  });

  it('never keeps command output, whatever the events', () => {
    const body = fc.oneof(
      fc.record({ type: fc.constant('step.started' as const), step: fc.integer({ min: 1, max: 5 }), title: fc.string() }),
      fc.record({ type: fc.constant('step.completed' as const), step: fc.integer({ min: 1, max: 5 }), title: fc.string() }),
      fc.record({ type: fc.constant('command.started' as const), step: fc.integer({ min: 1, max: 5 }), id: fc.constantFrom('1.1', '2.1'), command: fc.string(), edited: fc.boolean(), danger: fc.boolean() }),
      fc.record({ type: fc.constant('command.output' as const), id: fc.constantFrom('1.1', '2.1'), stream: fc.constant('stdout' as const), data: fc.constant('OUTPUT-MUST-NOT-STAY') }),
      fc.record({
        type: fc.constant('command.finished' as const),
        id: fc.constantFrom('1.1', '2.1', '3.3'),
        exit_code: fc.option(fc.integer({ min: 0, max: 3 })),
        signal: fc.constant(null),
        duration_ms: fc.nat(),
        timed_out: fc.boolean(),
        interrupted: fc.boolean(),
        omitted_bytes: fc.nat(),
      }),
      fc.record({ type: fc.constant('mark' as const), what: fc.constantFrom('detected' as const, 'mitigated' as const, 'resolved' as const), text: fc.string(), actor: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 100_000 }), body as fc.Arbitrary<EventBody>), { maxLength: 40 }), (entries) => {
        const s = foldEvents(timeline([[0, runStarted()], ...entries]));
        expect(JSON.stringify(s)).not.toContain('OUTPUT-MUST-NOT-STAY');
        expect(s.counts.commandsFailed).toBeLessThanOrEqual(s.counts.commandsRun);
        expect(s.status).toBe('interrupted');
      }),
    );
  });
});

describe('outlineRunbook', () => {
  it('reads severity, redact patterns and step titles; a runbook without ## is one step', () => {
    expect(outlineRunbook("---\nseverity: sev3\nredact: ['x{3}']\n---\n# T\n## A ##\n~~~\n## no\n~~~\n## B\n")).toEqual({
      severity: 'sev3',
      redact: ['x{3}'],
      steps: ['A', 'B'],
      allowFailure: [],
    });
    expect(outlineRunbook('just text', 'notes/recover.md').steps).toEqual(['recover']);
    expect(outlineRunbook('---\n: broken: [\n---\n## A\n').steps).toEqual(['A']);
  });
});
