// Suggested commands (runbook mcp): offered at the next command prompt, run only when the operator picks one
// with `u` (through the usual danger confirmation), recorded with who suggested and who approved; never under --yes.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { runRunbook } from '../../../src/runner/engine.js';
import type { RunConfig } from '../../../src/runner/run-config.js';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timelineSuggestions, type Suggestion, type SuggestionSource } from '../../../src/runner/suggestions.js';
import { fakePorts, testRunConfig, types } from '../../helpers/fake-ports.js';

const f = '```';
const RB = `# Two\n\n## One\n\n${f}sh\necho one\n${f}\n\n${f}sh\necho two\n${f}\n`;

function config(over: Partial<RunConfig> = {}): RunConfig {
  return testRunConfig(parseRunbook(RB, '/rb/two.md').runbook, over);
}

const suggestion = (id: string, command: string): Suggestion => ({ v: 1, seq: 99, ts: '2026-11-28T03:00:01.000Z', mono_ms: 1, type: 'suggestion', id, command, reason: 'check it', actor: 'ai:claude' });

/** A source that has `batches[i]` new suggestions at its i-th look. */
function source(batches: Suggestion[][]): SuggestionSource & { looks: number } {
  const s = { looks: 0, fresh: async () => batches[s.looks++] ?? [] };
  return s;
}

describe('engine: suggested commands', () => {
  it('u runs the suggestion (recorded as suggested by the AI, approved by the operator), then the prompt comes back', async () => {
    const ports = fakePorts(['u', 'r', 'r', 'r']);
    const outcome = await runRunbook(config(), { ...ports, suggestions: source([[suggestion('sg-1', 'df -h /')]]) });
    expect(outcome.status).toBe('completed');
    expect(ports.asked).toEqual(['command 1.1', 'command sg-1', 'command 1.1', 'command 1.2']);
    expect(ports.executed.map((e) => e.script)).toEqual(['df -h /', 'echo one', 'echo two']);
    const started = ports.events.filter((e) => e.type === 'command.started');
    expect(started[0]).toMatchObject({ id: 'sg-1', command: 'df -h /', suggestion: 'sg-1', suggested_by: 'ai:claude', approved_by: 'alice' });
    expect(started.slice(1).map((e) => 'suggested_by' in e)).toEqual([false, false]);
  });

  it('a dangerous suggestion asks for its confirmation word; a wrong word runs nothing', async () => {
    const ports = fakePorts(['u', 'r', 'nope', 's', 'r', 'r']);
    await runRunbook(config(), { ...ports, suggestions: source([[suggestion('sg-2', 'rm -rf /var/lib/app')]]) });
    expect(ports.asked.slice(0, 4)).toEqual(['command 1.1', 'command sg-2', 'danger rm', 'command sg-2']);
    expect(ports.executed.map((e) => e.script)).toEqual(['echo one', 'echo two']);
    expect(types(ports.events)).toContain('command.skipped sg-2');
  });

  it('ignored: the operator runs the runbook\'s command instead; u is not offered once none is pending', async () => {
    const ports = fakePorts(['r', 'u', 'r']);
    await runRunbook(config(), { ...ports, suggestions: source([[suggestion('sg-3', 'uptime')]]) });
    // At 1.2 no suggestion is pending: `u` does nothing and the prompt asks again.
    expect(ports.asked).toEqual(['command 1.1', 'command 1.2', 'command 1.2']);
    expect(ports.executed.map((e) => e.script)).toEqual(['echo one', 'echo two']);
  });

  it('--yes shows a suggestion and never runs it', async () => {
    const ports = fakePorts([]);
    const outcome = await runRunbook(config({ yes: true }), { ...ports, suggestions: source([[], [suggestion('sg-4', 'reboot')]]) });
    expect(outcome.status).toBe('completed');
    expect(ports.executed.map((e) => e.script)).toEqual(['echo one', 'echo two']);
    expect(ports.messages.join('\n')).toMatch(/--yes never runs a suggested command/);
  });
});

describe('the runner reading its timeline for suggestions', () => {
  it('offers only suggestions written after it started looking, each once, a line only when it is whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-suggestions-'));
    try {
      const path = join(dir, 't.jsonl');
      const line = (seq: number, id: string): string => `${JSON.stringify({ ...suggestion(id, `echo ${id}`), seq })}\n`;
      writeFileSync(path, line(0, 'sg-old')); // made to an earlier session (a resumed run): not offered again
      const source = timelineSuggestions(path);
      expect(await source.fresh()).toEqual([]);
      const next = line(1, 'sg-new');
      appendFileSync(path, `${JSON.stringify({ v: 1, seq: 2, ts: 'x', mono_ms: 1, type: 'note', text: 'n', actor: 'a' })}\n${next.slice(0, 20)}`);
      expect(await source.fresh()).toEqual([]);
      appendFileSync(path, next.slice(20));
      expect((await source.fresh()).map((x) => x.id)).toEqual(['sg-new']);
      expect(await source.fresh()).toEqual([]);
      expect(await timelineSuggestions(join(dir, 'missing.jsonl')).fresh()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a torn tail that a writer moved aside does not hide the suggestion appended after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-suggestions-'));
    try {
      const path = join(dir, 't.jsonl');
      const { openTimeline } = await import('../../../src/timeline/writer.js');
      const { createRedactor } = await import('../../../src/timeline/redact.js');
      const { systemClock } = await import('../../../src/adapters/clock.js');
      const open = () => openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: false });
      writeFileSync(path, '');
      let w = await open();
      await w.append({ type: 'note', text: 'first', actor: 'a' });
      await w.close();
      const source = timelineSuggestions(path);
      // A colleague's writer died mid-line: the runner holds the incomplete line, waiting for its end.
      appendFileSync(path, '{"v":1,"seq":1,"ts":"2026-11-28T03:00:01.000Z","mono_ms":5,"type":"no');
      expect(await source.fresh()).toEqual([]);
      // The next writer moves the torn bytes aside and appends where they were.
      w = await open();
      await w.append({ type: 'suggestion', id: 'sg-after', command: 'uptime', reason: 'load?', actor: 'ai:claude' });
      await w.close();
      const written = JSON.parse(readFileSync(path, 'utf8').trim().split('\n').at(-1) ?? '');
      expect(await source.fresh()).toEqual([written]);
      expect(await source.fresh()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
