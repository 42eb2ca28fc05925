// The command.finished event of a command (on one host) from its result. One definition for the runner, the
// fleet and a game day, so the three record the same fields the same way (a duration in whole ms, a host
// failure only where a host is named).
import type { EventBody } from '../timeline/events.js';
import type { ExecResult } from './ports.js';

export function commandFinished(id: string, r: ExecResult & { hostError?: string }, omittedBytes: number, host?: string): EventBody {
  return {
    type: 'command.finished',
    id,
    exit_code: r.exitCode,
    signal: r.signal,
    duration_ms: Math.round(r.durationMs),
    timed_out: r.timedOut,
    interrupted: r.interrupted,
    omitted_bytes: omittedBytes,
    ...(host !== undefined ? { host, ...(r.hostError !== undefined ? { host_error: r.hostError } : {}) } : {}),
    ...(r.captureError !== undefined ? { capture_error: r.captureError } : {}),
    ...(r.statusLost === true ? { status_lost: true } : {}),
  };
}
