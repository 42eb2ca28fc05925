// A resumed run's summary counts the whole run: what it had done before it stopped comes from its timeline, in
// the runner's terms (run-checks.ts earlierPart), counted as replay counts it.
import { describe, expect, it } from 'vitest';
import { earlierPart } from '../../../src/commands/run-checks.js';
import { foldEvent, initialFoldState } from '../../../src/report/fold.js';
import type { EventBody } from '../../../src/timeline/events.js';
import { runStarted, timeline } from '../replay/helpers.js';

const fin = (id: string, exit: number | null, extra: Partial<EventBody & { type: 'command.finished' }> = {}): EventBody => ({
  type: 'command.finished',
  id,
  exit_code: exit,
  signal: null,
  duration_ms: 5,
  timed_out: false,
  interrupted: false,
  omitted_bytes: 0,
  ...extra,
});
const started = (step: number, id: string): EventBody => ({ type: 'command.started', step, id, command: 'x', edited: false, danger: false });

function earlier(events: [number, EventBody][], checkSteps: number[] = [], fromStep = 2, skippedCheckSteps: number[] = []) {
  const fold = initialFoldState();
  for (const e of timeline(events)) foldEvent(fold, e);
  return earlierPart(fold, checkSteps, fromStep, skippedCheckSteps);
}

describe('earlierPart', () => {
  const src = '## One\n```sh\na\n```\n```sh {allow_failure=true}\nb\n```\n```sh\nc\n```\n## Two\n```sh\nd\n```\n```sh\ne\n```\n';
  const stoppedInStepTwo: [number, EventBody][] = [
    [0, runStarted(src)],
    [1, { type: 'step.started', step: 1, title: 'One' }],
    [2, started(1, '1.1')],
    [3, fin('1.1', 1)],
    [4, started(1, '1.1')],
    [5, fin('1.1', 0)], // retried until it worked
    [6, started(1, '1.2')],
    [7, fin('1.2', 1)], // allowed to fail
    [8, started(1, '1.3')],
    [9, fin('1.3', null, { timed_out: true })],
    [10, { type: 'step.completed', step: 1, title: 'One' }],
    [11, { type: 'step.started', step: 2, title: 'Two' }],
    [12, { type: 'command.skipped', step: 2, id: '2.1', command: 'd' }],
    [13, started(2, '2.2')],
    [14, { type: 'run.finished', status: 'aborted', duration_ms: 15 }],
  ];

  it('counts the steps before the one it resumes at; the last attempt of each command, allow_failure not a failure', () => {
    // Step 2 is walked again by the resumed run, which counts it (its skip and check too).
    const e = earlier(stoppedInStepTwo, [1, 2], 2, [1, 1, 2]);
    expect(e.counts).toEqual({ stepsDone: 1, stepsSkipped: 0, commandsSkipped: 0, checksConfirmed: 1, checksSkipped: 2 });
    expect(e.commands).toEqual([
      { id: '1.1', failed: false, how: 'exit 0' },
      { id: '1.2', failed: false, how: 'exit 1' },
      { id: '1.3', failed: true, how: 'timed out' },
      // Started, never finished (the run stopped in it): run, not failed, as replay counts it; the resumed run
      // runs it again and replaces it.
      { id: '2.2', failed: false, how: 'did not start' },
    ]);
  });

  it("a command on hosts: each failed host's ending in the live run's words, its signal and a lost status included", () => {
    const onHost = (host: string, exit: number | null, extra: Partial<EventBody & { type: 'command.finished' }> = {}) => fin('1.1', exit, { host, ...extra });
    const e = earlier(
      [
        [0, runStarted(src)],
        [1, { type: 'step.started', step: 1, title: 'One' }],
        [2, started(1, '1.1')],
        [3, onHost('web1', 0)],
        [4, onHost('web2', null, { signal: 'SIGKILL' })],
        [5, onHost('web3', null, { status_lost: true })],
        [6, onHost('web4', 255, { host_error: 'ssh: connect to host web4 port 22: Connection refused' })],
        [7, onHost('web5', null)],
        [8, { type: 'step.completed', step: 1, title: 'One' }],
      ],
      [],
      2,
    );
    expect(e.commands).toEqual([{ id: '1.1', failed: true, how: 'killed by SIGKILL on web2; exit status lost on web3; unreachable on web4; did not start on web5' }]);
  });

  it('--resume --from-step 1 walks every step again: no step, skip or check of before is counted twice', () => {
    const e = earlier(stoppedInStepTwo, [1, 2], 1);
    expect(e.counts).toEqual({ stepsDone: 0, stepsSkipped: 0, commandsSkipped: 0, checksConfirmed: 0, checksSkipped: 0 });
  });

  it('a step skipped before is counted as skipped, with its commands', () => {
    const e = earlier(
      [
        [0, runStarted(src)],
        [1, { type: 'step.skipped', step: 1, title: 'One' }],
        [2, { type: 'step.started', step: 2, title: 'Two' }],
        [3, { type: 'command.skipped', step: 2, id: '2.1', command: 'd' }],
      ],
      [],
      2,
    );
    expect(e.counts).toMatchObject({ stepsDone: 0, stepsSkipped: 1, commandsSkipped: 0 });
    expect(e.commands).toEqual([]);
  });

  it('a capture that could not be stored failed its command, as the runner said (it exited 0)', () => {
    const src = '## One\n```sh {capture=BIG}\nseq 100000\n```\n## Two\n```sh\necho $BIG\n```\n';
    const e = earlier([
      [0, runStarted(src)],
      [1, { type: 'step.started', step: 1, title: 'One' }],
      [2, started(1, '1.1')],
      [3, fin('1.1', 0, { capture_error: 'capture=BIG: the command printed more than 64 KiB, more than a capture holds' })],
    ]);
    expect(e.commands).toEqual([{ id: '1.1', failed: true, how: 'capture failed' }]);
  });

  it('names the failed hosts of a block run on hosts as the runner does', () => {
    const src = '## One\n```sh {on=targets}\nuptime\n```\n';
    const e = earlier([
      [0, runStarted(src)],
      [1, { type: 'step.started', step: 1, title: 'One' }],
      [2, started(1, '1.1')],
      [3, fin('1.1', 0, { host: 'web1' })],
      [4, fin('1.1', 2, { host: 'web2' })],
      [5, fin('1.1', 255, { host: 'web3', host_error: 'ssh: connect to host web3: Connection refused' })],
      [6, fin('1.1', 2, { host: 'web4' })],
    ]);
    expect(e.commands).toEqual([{ id: '1.1', failed: true, how: 'exit 2 on web2,web4; unreachable on web3' }]);
  });
});
