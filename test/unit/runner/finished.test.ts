// command.finished from a result: the same fields for a local command, a fleet host and a game-day block.
import { describe, expect, it } from 'vitest';
import { commandFinished } from '../../../src/runner/finished.js';
import { invalidField } from '../../../src/timeline/events.js';

const result = { exitCode: 1, signal: null, durationMs: 12.6, timedOut: false, interrupted: false };

describe('commandFinished', () => {
  it('records a local command without host fields, its duration in whole ms', () => {
    expect(commandFinished('2.1', result, 0)).toEqual({
      type: 'command.finished',
      id: '2.1',
      exit_code: 1,
      signal: null,
      duration_ms: 13,
      timed_out: false,
      interrupted: false,
      omitted_bytes: 0,
    });
  });

  it('names the host, and its failure only when there was one', () => {
    expect(commandFinished('1.1', result, 5, 'web1')).toMatchObject({ host: 'web1', omitted_bytes: 5 });
    expect(commandFinished('1.1', result, 5, 'web1')).not.toHaveProperty('host_error');
    const down = commandFinished('1.1', { ...result, exitCode: 255, hostError: 'connection refused' }, 0, 'db1');
    expect(down).toMatchObject({ host: 'db1', host_error: 'connection refused', exit_code: 255 });
    // A host failure without a host (a local command) is not recorded as one.
    expect(commandFinished('1.1', { ...result, hostError: 'x' }, 0)).not.toHaveProperty('host_error');
    // Every shape it makes is a valid event of the table.
    for (const e of [commandFinished('2.1', result, 0), down]) expect(invalidField('command.finished', e as unknown as Record<string, unknown>)).toBeNull();
  });
});
