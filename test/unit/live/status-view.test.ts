// status as text: what a timeline holds reaches the terminal neutralised, every line within the width.
import { describe, expect, it } from 'vitest';
import { liveStatus } from '../../../src/report/live-status.js';
import type { TimelineEvent } from '../../../src/timeline/events.js';
import { plainStyle } from '../../../src/ui/style.js';
import { renderStatus } from '../../../src/ui/status-view.js';
import { displayWidth } from '../../../src/ui/wrap.js';

const ts = '2026-11-28T03:00:00.000Z';
const events = [
  { type: 'run.started', incident: 'inc\x1b]0;owned\x07', runbook: { id: 'db', title: 'DB \x1b[2Jdown', path: 'db.md', sha256: '0', source: '# DB\n\n## Look\n\n```sh\nx\n```\n' }, mode: 'live', actor: 'alice', host: 'h', cwd: '/', cli_version: '0' },
  { type: 'step.started', step: 1, title: 'Look' },
  { type: 'command.started', step: 1, id: '1.1', command: `echo ${'x'.repeat(300)}`, edited: false, danger: true },
  { type: 'note', text: 'hi\x1b[31m red\nsecond line', actor: 'bob\x1b[0m' },
].map((b, seq) => ({ v: 1, seq, ts, mono_ms: seq, ...b }) as TimelineEvent);

describe('status text', () => {
  it('neutralises what came from the timeline and cuts lines to the width', () => {
    const lines = renderStatus([{ timeline: '/t.jsonl', pid: 42, status: liveStatus(events, new Date(Date.parse(ts) + 90_000)) }], plainStyle, 80, new Date(ts));
    const text = lines.join('\n');
    expect(text).not.toMatch(/\x1b|\x07/);
    expect(lines.every((l) => displayWidth(l) <= 80)).toBe(true);
    expect(text).toMatch(/operator alice@h/);
    expect(text).toMatch(/step +step 1 of 1: Look/);
    expect(text).toMatch(/running +⚠ 1\.1 \$ echo x+… for 1m 30s$/m);
    expect(text).toMatch(/elapsed +1m 30s since run start/);
    expect(text).toMatch(/notes +✎ 03:00:00Z bob.*: hi.*red$/m);
    expect(text).not.toContain('second line');
  });

  it('says when no run is live', () => {
    expect(renderStatus([], plainStyle, 80, new Date(ts)).join('\n')).toMatch(/0 live runs on this host\n\nNo run is live on this host\.$/);
  });
});
