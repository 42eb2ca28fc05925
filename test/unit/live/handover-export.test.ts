// A handover in the postmortem draft: its own Timeline row, and the commands after it by the new holder.
import { describe, expect, it } from 'vitest';
import type { EventBody, TimelineEvent } from '../../../src/timeline/events.js';
import { createMarkdownExporter } from '../../../src/report/export-markdown.js';

const bodies: EventBody[] = [
  { type: 'run.started', incident: 'i', runbook: { id: 'db', title: 'DB', path: 'db.md', sha256: '0', source: '# DB\n\n## A\n\n```sh\nuptime\n```\n\n## B\n\n```sh\nwho\n```\n' }, mode: 'live', actor: 'alice', host: 'h', cwd: '/', cli_version: '0' },
  { type: 'command.started', step: 1, id: '1.1', command: 'uptime', edited: false, danger: false },
  { type: 'handover', to: 'bob', text: 'alice is off', actor: 'alice' },
  { type: 'command.started', step: 2, id: '2.1', command: 'who', edited: false, danger: false, actor: 'bob' },
];

describe('handover in the markdown export', () => {
  it('is a Timeline row, and later commands are the new holder’s', () => {
    const x = createMarkdownExporter();
    bodies.forEach((b, seq) => x.add({ v: 1, seq, ts: `2026-11-28T03:0${seq}:00.000Z`, mono_ms: seq * 60_000, ...b } as TimelineEvent));
    const md = x.finish({ timelinePath: 't.jsonl', problems: [] });
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(rows.find((l) => l.includes('Handed over to **bob**: alice is off'))).toMatch(/\| alice \|/);
    expect(rows.find((l) => l.includes('uptime'))).toMatch(/\| alice \|/);
    expect(rows.find((l) => l.includes('`who`'))).toMatch(/\| bob \|/);
  });
});
