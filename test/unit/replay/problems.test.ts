import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { problemReporter } from '../../../src/commands/replay.js';

describe('problems on stderr', () => {
  it('shows the first ten in full and counts the rest in one line', () => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (d) => (text += String(d)));
    const r = problemReporter(err, 'replayed');
    for (let line = 1; line <= 40; line++) r.report({ kind: 'problem', line, message: `x.jsonl:${line}: damaged line (not JSON), skipped`, torn: false });
    r.finish();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe('runbook: x.jsonl:10: damaged line (not JSON), skipped');
    expect(lines[10]).toBe('runbook: … and 30 more problems like these');
  });
});

describe('problemText', () => {
  it('names the line once, whether or not the reader already did', async () => {
    const { problemText } = await import('../../../src/report/export-markdown.js');
    expect(problemText({ line: 19, message: 'a torn line' })).toBe('line 19: a torn line');
    expect(problemText({ line: 19, message: '/tmp/t.jsonl:19: a torn line' })).toBe('/tmp/t.jsonl:19: a torn line');
  });
});
