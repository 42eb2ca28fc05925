// How the postmortem names each failed host: the live run's words (timeline/ending.ts).
import { describe, expect, it } from 'vitest';
import { describeCommandResult } from '../../../src/report/export-markdown.js';
import type { CommandSummary } from '../../../src/report/fold.js';
import { clockOffset, formatOffset } from '../../../src/report/render-event.js';

const host = (name: string, extra: Partial<NonNullable<CommandSummary['hosts']>[number]>) => ({ host: name, exitCode: 0, signal: null, durationMs: 5, timedOut: false, interrupted: false, ...extra });

describe('describeCommandResult on hosts', () => {
  it('names a killed host as killed, an unreachable one as unreachable, one whose status was lost as such', () => {
    const c = {
      id: '1.1', command: 'uptime', danger: false, edited: false, exitCode: null, signal: 'SIGKILL', durationMs: 5, timedOut: false, interrupted: false,
      omittedBytes: 0, skipped: false, finished: true, allowFailure: false, atMs: 0, ts: '',
      hosts: [host('web1', {}), host('web2', { exitCode: null, signal: 'SIGKILL' }), host('web3', { exitCode: 255, hostError: 'ssh: refused' }), host('web4', { exitCode: 2 }), host('web5', { exitCode: null, statusLost: true })],
    } satisfies CommandSummary;
    expect(describeCommandResult(c)).toBe('killed by SIGKILL after 5ms · on 5 hosts, failed on web2 (killed by SIGKILL), web3 (unreachable), web4 (exit 2), web5 (exit status lost)');
  });

  it("names a command's own ending in the live run's words: killed, its status lost, or never started", () => {
    const c = {
      id: '1.1', command: 'uptime', danger: false, edited: false, exitCode: null, signal: 'SIGTERM', durationMs: 5, timedOut: false, interrupted: false,
      omittedBytes: 0, skipped: false, finished: true, allowFailure: false, atMs: 0, ts: '',
    } satisfies CommandSummary;
    expect(describeCommandResult(c)).toBe('killed by SIGTERM after 5ms');
    expect(describeCommandResult({ ...c, signal: null, statusLost: true })).toBe('exit status lost (the command launcher ended) after 5ms');
    // A command that never started (a missing shell, a refused value) was never "killed".
    expect(describeCommandResult({ ...c, signal: null, durationMs: 0 })).toBe('did not start');
  });

  it('says (allowed) of a failure the runbook allows, as the live run does', () => {
    const c = {
      id: '6.1', command: 'grep -c ERROR notes.txt', danger: false, edited: false, exitCode: 1, signal: null, durationMs: 41, timedOut: false, interrupted: false,
      omittedBytes: 0, skipped: false, finished: true, allowFailure: true, atMs: 0, ts: '',
    } satisfies CommandSummary;
    expect(describeCommandResult(c)).toBe('exit 1 (allowed) · 41ms');
    expect(describeCommandResult({ ...c, exitCode: 0 })).toBe('exit 0 · 41ms');
    expect(describeCommandResult({ ...c, exitCode: 0, captureError: 'over 64 KiB' })).toBe('exit 0, capture failed (allowed) · 41ms');
    expect(describeCommandResult({ ...c, allowFailure: false })).toBe('exit 1 · 41ms');
  });
});

describe('clockOffset', () => {
  it('agrees with the clock times printed beside it (both cut to whole seconds)', () => {
    const start = Date.parse('2026-12-03T06:20:23.578Z');
    const at = Date.parse('2026-12-03T06:21:22.253Z') - start;
    expect(formatOffset(at)).toBe('+00:00:58');
    expect(formatOffset(clockOffset(start, at))).toBe('+00:00:59');
    expect(clockOffset(start, 0)).toBe(0);
    expect(clockOffset(Date.parse('2026-12-03T06:20:23.000Z'), 1_999)).toBe(1_000);
  });
});
