// Shared bits for the timeline tests: temp dirs, a fake clock, event bodies, reading everything back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/runner/ports.js';
import type { EventBody } from '../../../src/timeline/events.js';
import { readTimeline, type ReadItem } from '../../../src/timeline/reader.js';

export function tempDir(prefix = 'runbook-tl-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A clock the test moves by hand. */
export function fakeClock(startIso = '2026-11-28T03:00:00.000Z'): Clock & { advance(ms: number): void; jumpWall(ms: number): void } {
  let wall = Date.parse(startIso);
  let mono = 1_000_000;
  return {
    now: () => new Date(wall),
    monoMs: () => mono,
    advance(ms: number) {
      wall += ms;
      mono += ms;
    },
    jumpWall(ms: number) {
      wall += ms;
    },
  };
}

export { systemClock } from '../../../src/adapters/clock.js';

export function runStarted(source = '# Demo\n'): EventBody {
  return {
    type: 'run.started',
    incident: 'inc-1',
    runbook: { id: 'demo', title: 'Demo', path: 'runbooks/demo.md', sha256: 'abc', source },
    mode: 'live',
    actor: 'tester',
    host: 'host-1',
    cwd: '/tmp',
    cli_version: '0.1.0',
  };
}

export const note = (text: string): EventBody => ({ type: 'note', text, actor: 'tester' });

export async function readAll(path: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readTimeline(path)) items.push(item);
  return items;
}
