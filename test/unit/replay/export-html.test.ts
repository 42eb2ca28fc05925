// The HTML report's pure parts, in-process: escaping, the chart's time scale, the output caps, multi-host
// results, and the page as exportTimeline writes it (test/e2e/export/html-report.test.ts opens it in Chromium).
import { describe, expect, it } from 'vitest';
import { exportTimeline } from '../../../src/commands/export.js';
import { buildScale, IDLE_GAP_MS } from '../../../src/report/export-html-chart.js';
import { escapeHtml, jsonForScript, plainOutput, renderProse, safeHref } from '../../../src/report/export-html-escape.js';
import { HeadTail, OUTPUT_CAP, runDurationMs, runResult, type CommandRun, type HostRun } from '../../../src/report/export-html-model.js';
import type { CommandSummary } from '../../../src/report/fold.js';
import { COMPLETED, fakeIo } from './helpers.js';

describe('escaping', () => {
  it('markup characters become entities and controls are made visible', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    expect(escapeHtml('a\u001b[31mb\u0007')).toBe('a␛[31mb␇');
    expect(escapeHtml('two\nlines\tkept')).toBe('two\nlines\tkept');
  });

  it('JSON in a <script> can neither close the element nor open a comment, and still parses to the same value', () => {
    const value = ['</script><script>x()</script>', '<!-- a', '\u2028'];
    const safe = jsonForScript(JSON.stringify(value));
    expect(safe).not.toMatch(/<|\u2028/);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('output loses its escape sequences, keeps the last state of a redrawn line and shows stray controls', () => {
    expect(plainOutput('\u001b[31mred\u001b[0m \u001b]0;title\u0007\u001b]8;;javascript:x\u0007link\u001b]8;;\u0007\n')).toBe('red link\n');
    expect(plainOutput('10%\r50%\r100%\ndone\r\n')).toBe('100%\ndone\n');
    expect(plainOutput('a\u0000b\u009b31mc')).toBe('a␀bc');
  });

  it('prose: raw HTML escaped, only web, mail and in-page links, images never loaded', () => {
    const html = renderProse('<script>x()</script> [a](javascript:x()) [b](JaVaScRiPt:x()) [c](data:text/html,x) [d](https://ok.example/) ![p](http://evil.example/p.png) <javascript:x()>');
    expect(html).toContain('&lt;script&gt;x()&lt;/script&gt;');
    expect(html).not.toMatch(/href="(?!https:\/\/ok\.example\/|http:\/\/evil\.example\/p\.png)/);
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://ok.example/" rel="noopener noreferrer">d</a>');
    expect(['#x', 'mailto:a@b', 'HTTPS://x'].every(safeHref)).toBe(true);
    expect(['javascript:x', ' vbscript:x', 'data:x', 'file:///etc/passwd', '//evil.example'].some(safeHref)).toBe(false);
  });
});

describe('the chart scale', () => {
  it('compresses a gap longer than the threshold into a fixed width and keeps busy time linear', () => {
    const gap = 10 * IDLE_GAP_MS;
    const s = buildScale(0, gap + 20_000, [[0, 10_000], [gap + 10_000, gap + 20_000]]);
    expect(s.segments.map((g) => g.compressed)).toEqual([false, true, false]);
    const [a, g, b] = s.segments;
    // The two busy stretches last as long as each other: they are as wide; the 10-minute gap is narrower.
    expect(a?.w).toBeCloseTo(b?.w ?? 0, 5);
    expect(g?.w ?? 0).toBeLessThan(a?.w ?? 0);
    expect(s.x(5_000)).toBeCloseTo((a?.x ?? 0) + (a?.w ?? 0) / 2, 5);
    expect(s.x(gap + 15_000)).toBeGreaterThan(s.x(gap + 10_000));
  });

  it('leaves a short run alone', () => {
    expect(buildScale(0, 40_000, [[0, 1_000], [39_000, 40_000]]).segments.map((g) => g.compressed)).toEqual([false]);
  });
});

describe('output caps', () => {
  it('keeps the head and the tail, counts the bytes between them, and gets small once the page holds its budget', () => {
    const budget = { cap: OUTPUT_CAP, used: 0 };
    const ht = new HeadTail(budget);
    const line = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 10_000; i++) ht.push(line);
    const head = ht.head.join('');
    const tail = ht.tail.join('');
    expect(head.length).toBe(OUTPUT_CAP.head);
    expect(tail.length).toBe(OUTPUT_CAP.tail);
    expect(ht.omitted).toBe(10_000 * 100 - OUTPUT_CAP.head - OUTPUT_CAP.tail);
    budget.used = OUTPUT_CAP.budget;
    const small = new HeadTail(budget);
    for (let i = 0; i < 1000; i++) small.push(line);
    expect(small.head.join('').length + small.tail.join('').length).toBe(OUTPUT_CAP.smallHead + OUTPUT_CAP.smallTail);
    budget.used = OUTPUT_CAP.hard;
    const none = new HeadTail(budget);
    none.push('é');
    expect([none.head, none.tail, none.omitted]).toEqual([[], [], 2]);
  });
});

describe('multi-host commands', () => {
  const c = { id: '1.1', skipped: false, finished: true, timedOut: false, interrupted: false, exitCode: 0, allowFailure: false, durationMs: 100 } as CommandSummary;
  const host = (h: string, result: HostRun['result'], durationMs: number): [string, HostRun] => [h, { host: h, result, exitCode: null, signal: null, durationMs, omittedBytes: 0 }];
  const run = (perHost: [string, HostRun][]): CommandRun => ({ c, hosts: ['a', 'b', 'c'], perHost: new Map(perHost), output: new Map(), castAt: 0 });

  it('are shown by their worst host and last as long as their slowest', () => {
    expect(runResult(run([host('a', 'ok', 10), host('b', 'failed', 20), host('c', 'timed out', 900)]))).toBe('failed');
    expect(runDurationMs(run([host('a', 'ok', 10), host('b', 'ok', 20), host('c', 'ok', 900)]))).toBe(900);
    // A host that never reported: unfinished, and no duration.
    expect(runResult(run([host('a', 'ok', 10), host('b', 'ok', 20)]))).toBe('unfinished');
    expect(runDurationMs(run([host('a', 'ok', 10)]))).toBeNull();
  });
});

describe('export --format html', () => {
  it('writes one page with everything inlined: no external reference, the recording, and the chain verdict (a timeline from before the chain has none)', async () => {
    const io = fakeIo();
    expect(await exportTimeline(COMPLETED, { format: 'html' }, io)).toBe(0);
    const page = io.out();
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<(?:script|link|img|iframe)[^>]+(?:src|href)=/i);
    expect(page).toContain('Content-Security-Policy');
    expect(page).toContain('AsciinemaPlayer');
    expect(page).toContain('data-verify="no chain"');
    // The recording is the cast export's, as one JSON array: header first.
    const cast = /<script type="application\/json" id="cast-data">(.*?)<\/script>/s.exec(page)?.[1] ?? '';
    const [header, ...frames] = JSON.parse(cast) as [{ version: number }, ...[number, string, string][]];
    expect(header.version).toBe(2);
    expect(frames.some((f) => f[2].includes('/dev/sda1'))).toBe(true);
    // Redacted on export like every format: the runbook's own pattern.
    expect(page).not.toContain('internal-1a2b3c4d');
    expect(io.err()).toBe('');
  });
});
