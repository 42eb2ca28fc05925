// The pure parts of a command on hosts: one result for the engine, the clubak-style summary, the fold.
import { describe, expect, it } from 'vitest';
import { combine } from '../../../src/runner/fleet-run.js';
import type { HostOutcome } from '../../../src/runner/run-config.js';
import { renderHostSummary } from '../../../src/ui/host-view.js';
import { plainStyle } from '../../../src/ui/style.js';
import { failedHosts, foldEvents } from '../../../src/report/fold.js';
import type { TimelineEvent } from '../../../src/timeline/events.js';

const ok = (host: string, output: string): HostOutcome => ({ host, output, result: { exitCode: 0, signal: null, durationMs: 10, timedOut: false, interrupted: false } });
const bad = (host: string, output: string, exitCode: number, hostError?: string): HostOutcome => ({
  host,
  output,
  result: { exitCode, signal: null, durationMs: 20, timedOut: false, interrupted: false, ...(hostError ? { hostError } : {}) },
});

describe('a command on hosts', () => {
  it('fails when any host fails, naming the hosts by how they ended', () => {
    const r = combine([ok('web1', 'a\n'), bad('web2', 'b\n', 4), bad('web9', '', 255, 'ssh: connect to host web9 port 22: Connection refused'), bad('web3', 'b\n', 4)]);
    expect(r.failedHosts).toEqual(['web2', 'web9', 'web3']);
    expect(r.how).toBe('exit 4 on web2,web3; unreachable on web9');
    expect(r.exitCode).toBe(4);
    expect(combine([ok('web1', ''), ok('web2', '')])).toMatchObject({ exitCode: 0, failedHosts: [], how: '' });
  });

  it('the summary shows each distinct output once, under the hosts that printed it, then every exit', () => {
    const text = renderHostSummary([ok('web1', 'same\n'), bad('web2', 'other\n', 1), ok('web3', 'same\n')], plainStyle);
    expect(text).toBe(
      ['───────────────────', 'web1,web3 (2 hosts)', '───────────────────', 'same', '───────────────', 'web2 (1 host)', '───────────────', 'other', 'exit codes: 1 of 3 hosts failed', '  web1 exit 0', '  web2 exit 1', '  web3 exit 0', ''].join('\n'),
    );
  });

  it('folds per-host results: the command takes its first failed host, a retry is its own attempt', () => {
    const base = { v: 1, ts: '2026-11-28T03:00:00.000Z' } as const;
    const fin = (seq: number, host: string, exit: number, extra = {}) => ({ ...base, seq, mono_ms: seq, type: 'command.finished', id: '1.1', exit_code: exit, signal: null, duration_ms: seq * 10, timed_out: false, interrupted: false, omitted_bytes: 0, host, ...extra });
    const events = [
      { ...base, seq: 0, mono_ms: 0, type: 'targets.confirmed', hosts: ['web1', 'web2', 'web9'], confirmed_by: 'operator' },
      { ...base, seq: 1, mono_ms: 1, type: 'command.started', step: 1, id: '1.1', command: 'uptime', edited: false, danger: false, hosts: ['web1', 'web2', 'web9'] },
      fin(2, 'web1', 0),
      fin(3, 'web9', 255, { host_error: 'ssh: connect to host web9 port 22: Connection refused' }),
      fin(4, 'web2', 3),
      { ...base, seq: 5, mono_ms: 5, type: 'command.started', step: 1, id: '1.1', command: 'uptime', edited: false, danger: false, hosts: ['web9', 'web2'] },
      fin(6, 'web9', 0),
      fin(7, 'web2', 0),
    ] as unknown as TimelineEvent[];
    const s = foldEvents(events);
    expect(s.hostCount).toBe(3);
    const [first, retry] = s.steps[0]?.commands ?? [];
    expect(first).toMatchObject({ exitCode: 255, durationMs: 40 });
    expect(failedHosts(first as never)).toEqual(['web9', 'web2']);
    expect(first?.hosts?.find((h) => h.host === 'web9')?.hostError).toMatch(/Connection refused/);
    expect(retry).toMatchObject({ exitCode: 0 });
    expect(failedHosts(retry as never)).toEqual([]);
    expect(s.counts.commandsFailed).toBe(0);
  });
});
