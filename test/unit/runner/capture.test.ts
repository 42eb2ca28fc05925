import { describe, expect, it } from 'vitest';
import { createCapture } from '../../../src/runner/capture.js';

function collect(head: number, tail: number) {
  const out: { stream: string; data: string }[] = [];
  const cap = createCapture((stream, data) => out.push({ stream, data }), head, tail);
  return { cap, out, text: () => out.map((o) => o.data).join('') };
}

describe('output capture for the timeline', () => {
  it('small output is recorded whole, in order, per stream', () => {
    const c = collect(1024, 1024);
    c.cap.push('stdout', Buffer.from('a\n'));
    c.cap.push('stderr', Buffer.from('b\n'));
    expect(c.cap.finish()).toBe(0);
    expect(c.out).toEqual([
      { stream: 'stdout', data: 'a\n' },
      { stream: 'stderr', data: 'b\n' },
    ]);
  });

  it('big output keeps the head and the tail, marks the cut and counts every byte left out', () => {
    const c = collect(10, 8);
    const lines = Array.from({ length: 100 }, (_, i) => `line${String(i).padStart(2, '0')}\n`).join('');
    for (let i = 0; i < lines.length; i += 7) c.cap.push('stdout', Buffer.from(lines.slice(i, i + 7)));
    const omitted = c.cap.finish();
    const text = c.text();
    // The head ends on a whole line: `lin` of the second line is left out with the middle.
    expect(text.startsWith('line00\n\n[… ')).toBe(true);
    expect(text.endsWith('line99\n')).toBe(true);
    expect(text).toContain(`[… ${omitted} bytes of output not recorded …]`);
    const recorded = Buffer.byteLength(text.replace(/\n\[… \d+ bytes of output not recorded …\]\n/, ''));
    expect(recorded + omitted).toBe(lines.length);
  });

  it('a multi-byte character split across chunks is decoded whole', () => {
    const c = collect(1024, 1024);
    const bytes = Buffer.from('é€😀');
    for (const b of bytes) c.cap.push('stdout', Buffer.from([b]));
    c.cap.finish();
    expect(c.text()).toBe('é€😀');
  });

  it('memory stays bounded: a million chunks leave at most the tail held', () => {
    const c = collect(16, 64);
    const chunk = Buffer.alloc(1000, 0x61);
    for (let i = 0; i < 1000; i++) c.cap.push('stdout', chunk);
    const omitted = c.cap.finish();
    expect(omitted).toBeGreaterThan(999_000 - 100);
    expect(c.text().length).toBeLessThan(200);
  });

  it('a secret straddling the head cap is not recorded in part', () => {
    const secret = 'sk_live_Straddle0123456789abcdef';
    for (const at of [1, 10, 12, secret.length - 1]) {
      const c = collect(1000, 100);
      const before = `${'x'.repeat(79)}\n`.repeat(13).slice(0, 1000 - at);
      c.cap.push('stdout', Buffer.from(`${before}${secret} end\n${'y'.repeat(5000)}\nlast line\n`));
      c.cap.finish();
      const text = c.text();
      const head = text.slice(0, text.indexOf('\n[… '));
      // The head stops at the last whole line before the secret's line: none of the secret is in it.
      expect(head.endsWith('x\n')).toBe(true);
      expect(text).not.toContain('sk_live');
      expect(text.endsWith('last line\n')).toBe(true);
    }
  });

  it('an unfinished line at the head cap is recorded whole when nothing is left out', () => {
    const c = collect(10, 100);
    c.cap.push('stdout', Buffer.from('line00\nline01 goes on past the cap\n'));
    expect(c.cap.finish()).toBe(0);
    expect(c.text()).toBe('line00\nline01 goes on past the cap\n');
  });
});
