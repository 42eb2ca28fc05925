// runGame with fake ports: what is recorded, when the responder is paged, and that every ending reverts.
import { describe, expect, it } from 'vitest';
import { runGame, type GamePorts, type ResponderHandle } from '../../../src/gameday/game.js';
import { parseScenario } from '../../../src/gameday/scenario.js';
import type { JournalEntry } from '../../../src/gameday/journal.js';
import type { EventBody, TimelineEvent } from '../../../src/timeline/events.js';
import type { ExecRequest, ExecResult } from '../../../src/runner/ports.js';
import { hostsPlace, remoteHosts, type Place } from '../../../src/gameday/where.js';
import { parseSshTarget, type Transport } from '../../../src/fleet/targets.js';

const TEXT = [
  '---',
  'kind: scenario',
  'id: fake',
  'target: local',
  'duration: 1m',
  'runbook: getting-started',
  '---',
  '# Fake',
  '## Fault',
  '```bash {inject}',
  'inject',
  '```',
  '## Revert',
  '```bash {revert}',
  'revert',
  '```',
  '## Checks',
  '```bash {detect}',
  'detect',
  '```',
  '```bash {mitigated}',
  'mitigated',
  '```',
].join('\n');

/** Scripts answer by name: a function of how many times each ran so far. */
function harness(answers: Record<string, (n: number) => number>, opts: { stop?: AbortController; failWritesAfter?: number; place?: Place } = {}) {
  const ran: string[] = [];
  const counts: Record<string, number> = {};
  const events: EventBody[] = [];
  const journal: string[] = [];
  let paged = 0;
  let seq = 0;
  const ports: GamePorts = {
    executor: {
      run: async (req: ExecRequest): Promise<ExecResult> => {
        ran.push(req.script);
        const n = (counts[req.script] = (counts[req.script] ?? 0) + 1);
        return { exitCode: (answers[req.script] ?? (() => 0))(n), signal: null, durationMs: 1, timedOut: false, interrupted: false };
      },
    },
    clock: { now: () => new Date(), monoMs: () => performance.now() },
    sink: {
      path: '/nowhere',
      append: async (body) => {
        if (opts.failWritesAfter !== undefined && events.length >= opts.failWritesAfter) throw new Error('ENOSPC: no space left on device');
        events.push(body);
        return { v: 1, seq: seq++, ts: new Date().toISOString(), mono_ms: 0, ...body } as TimelineEvent;
      },
      appendOutput: async () => undefined,
      close: async () => undefined,
    },
    journal: { entry: { failedReverts: 0 } as JournalEntry, write: async () => void journal.push('write'), remove: async () => void journal.push('remove') },
    startResponder: (): ResponderHandle => {
      paged++;
      ran.push('<responder>');
      let end: (code: number | null) => void = () => undefined;
      const done = new Promise<number | null>((r) => (end = r));
      return { done, stop: () => end(null) };
    },
    removeDir: async () => undefined,
    ...(opts.place ? { place: opts.place } : {}),
    say: () => undefined,
    stop: (opts.stop ?? new AbortController()).signal,
  };
  const cfg = {
    scenario: parseScenario(TEXT, 'fake.md').scenario,
    game: 'g1',
    env: {},
    cwd: '/',
    shell: 'sh',
    dir: '/nowhere',
    pollMs: 5,
    durationMs: 2000,
    responderGraceMs: 0,
    responder: { runbook: 'getting-started', timeline: 'g1.responder.jsonl', command: 'runbook run getting-started' },
    actor: 't',
    host: 'h',
    cliVersion: '0',
  };
  return { ran, events, journal, paged: () => paged, run: () => runGame(cfg, ports) };
}

describe('runGame', () => {
  it('journals before injecting, pages the responder only once detected, ends when mitigated, reverts twice (idempotence)', async () => {
    const h = harness({ detect: (n) => (n < 3 ? 1 : 0), mitigated: (n) => (n < 2 ? 1 : 0) });
    const o = await h.run();
    expect(o).toMatchObject({ end: 'mitigated', status: 'completed', reverted: true, revertNotIdempotent: false });
    expect(h.journal).toEqual(['write', 'remove']);
    // Paged in the poll that first sees the fault (after its mitigated check), never before.
    expect(h.ran).toEqual(['inject', 'detect', 'detect', 'detect', 'mitigated', '<responder>', 'mitigated', 'revert', 'revert']);
    expect(h.events.filter((e) => e.type === 'mark').map((e) => (e as { what: string }).what)).toEqual(['impact', 'detected', 'mitigated']);
    expect(h.events[0]).toMatchObject({ type: 'run.started', mode: 'gameday', game: { scenario: 'fake', responder_timeline: 'g1.responder.jsonl' } });
    expect(h.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('an inject that fails still reverts, and the game fails without paging anyone', async () => {
    const h = harness({ inject: () => 1 });
    const o = await h.run();
    expect(o).toMatchObject({ end: 'inject-failed', status: 'failed', reverted: true });
    expect(h.paged()).toBe(0);
    expect(h.ran).toEqual(['inject', 'revert', 'revert']);
  });

  it('a timeline that can no longer be written still gets the fault reverted (unrecorded)', async () => {
    const h = harness({ mitigated: () => 1 }, { failWritesAfter: 4 });
    await expect(h.run()).rejects.toThrow(/ENOSPC/);
    expect(h.ran.filter((r) => r === 'revert').length).toBeGreaterThanOrEqual(1);
    expect(h.journal).toEqual(['write', 'remove']);
  });

  it('a stop (Ctrl-C, SIGTERM, SIGHUP) ends the game as aborted, after reverting', async () => {
    const stop = new AbortController();
    const h = harness({ mitigated: () => 1 }, { stop });
    setTimeout(() => stop.abort('signal'), 30);
    const o = await h.run();
    expect(o).toMatchObject({ end: 'stopped', status: 'aborted', reverted: true });
    expect(h.ran.at(-1)).toBe('revert');
  });

  it('a revert that fails keeps the journal entry, counts the failure and fails the game; one that fails only when run again is flagged', async () => {
    const failing = harness({ mitigated: () => 0, revert: () => 1 });
    const o = await failing.run();
    expect(o).toMatchObject({ reverted: false, status: 'failed' });
    expect(failing.journal).toEqual(['write', 'write']);
    expect(failing.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
    const once = harness({ revert: (n) => (n === 1 ? 0 : 1) });
    expect(await once.run()).toMatchObject({ reverted: true, revertNotIdempotent: true });
    expect(once.events.some((e) => e.type === 'note' && /not safe to run twice/.test((e as { text: string }).text))).toBe(true);
  });

  it('on fleet hosts: a folder made on each first, every block run on each (its own GAMEDAY_DIR and GAMEDAY_HOST), checks hold only when they hold on all, recorded per host', async () => {
    const calls: string[] = [];
    const counts: Record<string, number> = {};
    const transport: Transport = {
      run: async (t, req) => {
        const script = req.script.split('\n')[0] as string;
        calls.push(`${t.name} ${script.startsWith('umask') ? 'mkdir' : script.startsWith('[ -d') ? 'rmdir' : script} ${req.env.GAMEDAY_HOST} ${req.env.GAMEDAY_DIR?.endsWith(`-${t.name}`)}`);
        const n = (counts[`${t.name} ${script}`] = (counts[`${t.name} ${script}`] ?? 0) + 1);
        // web2 sees the fault one poll later than web1.
        const exit = script === 'detect' && t.name === 'web2' && n < 2 ? 1 : 0;
        return { exitCode: exit, signal: null, durationMs: 1, timedOut: false, interrupted: false };
      },
      close: async () => undefined,
    };
    const place = hostsPlace(transport, remoteHosts([parseSshTarget('web1'), parseSshTarget('web2')], { GAMEDAY_ID: 'g1' }, 'g1'));
    const h = harness({}, { place });
    expect(await h.run()).toMatchObject({ end: 'mitigated', reverted: true });
    expect(h.ran).toEqual(['<responder>']); // nothing ran here
    const on = (host: string): string[] => calls.filter((c) => c.startsWith(`${host} `)).map((c) => c.split(' ')[1] as string);
    expect(on('web1')).toEqual(['mkdir', 'inject', 'detect', 'detect', 'mitigated', 'revert', 'revert', 'rmdir']);
    expect(on('web2')).toEqual(['mkdir', 'inject', 'detect', 'detect', 'mitigated', 'revert', 'revert', 'rmdir']);
    expect(calls.every((c) => c.endsWith(' true') && c.split(' ')[0] === c.split(' ')[2])).toBe(true);
    expect(h.events.find((e) => e.type === 'command.started')).toMatchObject({ hosts: ['web1', 'web2'] });
    expect(h.events.filter((e) => e.type === 'command.finished').map((e) => (e as { host?: string }).host)).toEqual(['web1', 'web2', 'web1', 'web2']);
  });
});
