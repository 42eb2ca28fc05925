// A suggestion (runbook mcp) in what is made of a timeline: the postmortem's Timeline and the replay show it,
// and the command the operator ran from it says who suggested and who approved it.
import { describe, expect, it } from 'vitest';
import { createMarkdownExporter } from '../../../src/report/export-markdown.js';
import { createRenderer } from '../../../src/report/render-event.js';
import { plainStyle } from '../../../src/ui/style.js';
import { runStarted, timeline } from './helpers.js';

const events = timeline([
  [0, runStarted()],
  [1000, { type: 'step.started', step: 1, title: 'One' }],
  [2000, { type: 'suggestion', id: 'sg-0a1b2c', command: 'df -h /', reason: 'is the disk full?', actor: 'ai:claude' }],
  [3000, { type: 'command.started', step: 1, id: 'sg-0a1b2c', command: 'df -h /', edited: false, danger: false, suggestion: 'sg-0a1b2c', suggested_by: 'ai:claude', approved_by: 'alice' }],
]);

describe('suggestions in the exports', () => {
  it('the postmortem Timeline has a row for the suggestion, by the AI', () => {
    const md = createMarkdownExporter();
    for (const e of events) md.add(e);
    const out = md.finish({ timelinePath: 't.jsonl', problems: [] });
    expect(out).toMatch(/\| ai:claude \| Suggested sg-0a1b2c `df -h \/`: is the disk full\? \|/);
  });

  it('replay shows the suggestion and, under the command run from it, who suggested and who approved it', () => {
    const r = createRenderer(plainStyle);
    const text = events.map((e) => r.render(e)).join('');
    expect(text).toContain('➜ suggestion sg-0a1b2c (ai:claude): df -h /\n  why: is the disk full?');
    expect(text).toContain('suggested by ai:claude, approved by alice');
  });
});
