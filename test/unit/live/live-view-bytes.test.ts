// Live output as bytes: clean UTF-8 goes out as the bytes that came; anything the filter changes, and
// characters cut between chunks, go through the decoder and the filter as before.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLiveView } from '../../../src/ui/live-view.js';
import { plainStyle } from '../../../src/ui/style.js';

function screen(): { stream: Writable; writes: (Buffer | string)[]; text(): string } {
  const writes: (Buffer | string)[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _e, cb) {
      writes.push(chunk);
      cb();
    },
  });
  return { stream, writes, text: () => writes.map((w) => w.toString()).join('') };
}

const view = (s: ReturnType<typeof screen>) =>
  createLiveView(s.stream, { stdout: s.stream, stderr: s.stream }, plainStyle, { timelinePath: 't', statusLine: false, width: 80 });

describe('live view: output bytes', () => {
  it('passes clean UTF-8 through as the same bytes, not re-encoded text', () => {
    const s = screen();
    const chunk = Buffer.from('request id=42 status=200 — ok ✓\n');
    view(s).live.stdout.write(chunk);
    expect(s.writes).toHaveLength(1);
    expect(s.writes[0]).toBe(chunk);
  });

  it('joins a character cut between two chunks, and returns to bytes after it', () => {
    const s = screen();
    const v = view(s);
    const euro = Buffer.from('€'); // three bytes
    v.live.stdout.write(Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)]));
    v.live.stdout.write(Buffer.concat([euro.subarray(2), Buffer.from('5\n')]));
    const after = Buffer.from('next line\n');
    v.live.stdout.write(after);
    expect(s.text()).toBe('price €5\nnext line\n');
    expect(s.writes.at(-1)).toBe(after);
  });

  it('still filters escapes and controls in byte chunks, whole or cut', () => {
    const s = screen();
    const v = view(s);
    v.live.stdout.write(Buffer.from('a\x1b]52;c;Zm9v\x07b\x1b[31mred\x1b[0m\n'));
    v.live.stdout.write(Buffer.from('bell\x07 c1\u009b2J\n'));
    v.live.stdout.write(Buffer.from('cut \x1b['));
    v.live.stdout.write(Buffer.from('2Jx\n'));
    expect(s.text()).toBe('ab\x1b[31mred\x1b[0m\nbell␇ c1\ncut x\n');
  });

  it('shows invalid UTF-8 as the replacement character, never as raw bytes', () => {
    const s = screen();
    view(s).live.stdout.write(Buffer.from([0x6f, 0x6b, 0x20, 0x9b, 0x32, 0x4a, 0xff, 0x0a]));
    expect(s.text()).toBe('ok \ufffd2J\ufffd\n');
    expect(s.writes.every((w) => typeof w === 'string')).toBe(true);
  });

  describe('large chunks, as a pipe gives them', () => {
    const line = 'Nov 28 03:00:00 web-1 app[1234]: request id=42 — status=200 ✓\tok\r\n';
    const big = (text = ''): Buffer => Buffer.from(line.repeat(200) + text);

    it('a clean one goes out as the same bytes; one with a control or a C1 anywhere is filtered as a small one is', () => {
      const s = screen();
      const v = view(s);
      const clean = big();
      v.live.stdout.write(clean);
      expect(s.writes).toEqual([clean]);
      expect(s.writes[0]).toBe(clean);
      for (const trap of ['\x1b]0;title\x07', '\x1b[2J', '\u009b2J', '\u0085', 'bell\x07', 'del\x7f', 'bs\b']) {
        for (const at of ['start', 'middle', 'end'] as const) {
          const text = at === 'start' ? trap + line.repeat(200) : at === 'middle' ? line.repeat(100) + trap + line.repeat(100) : line.repeat(200) + trap;
          const a = screen();
          view(a).live.stdout.write(Buffer.from(text));
          // The reference: the same text through the filter in small chunks (never read as bytes first).
          const b = screen();
          const small = view(b);
          for (let i = 0; i < text.length; i += 1000) small.live.stdout.write(text.slice(i, i + 1000));
          small.dispose();
          expect(a.text(), `${JSON.stringify(trap)} at the ${at}`).toBe(b.text());
          expect(a.text()).not.toContain(trap);
        }
      }
    });

    it('after a sequence cut at the end of the last chunk, the next clean one still goes through the filter', () => {
      for (const opened of ['\x1b[3', '\x1b]0;ti', '\x1b']) {
        const s = screen();
        const v = view(s);
        v.live.stdout.write(Buffer.from(`cut ${opened}`));
        const clean = big();
        v.live.stdout.write(clean);
        // The reference: the same two chunks as text, which never take the bytes' way.
        const r = screen();
        const ref = view(r);
        ref.live.stdout.write(`cut ${opened}`);
        ref.live.stdout.write(line.repeat(200));
        expect(s.text(), JSON.stringify(opened)).toBe(r.text());
        expect(s.writes).not.toContain(clean);
        expect(s.text()).not.toContain('\x1b');
      }
    });

    it('a large chunk cut inside a character goes through the decoder, and the next one comes back to bytes', () => {
      const s = screen();
      const v = view(s);
      const cut = big('€');
      v.live.stdout.write(cut.subarray(0, cut.length - 1));
      v.live.stdout.write(Buffer.concat([cut.subarray(cut.length - 1), Buffer.from('\n')]));
      const after = big();
      v.live.stdout.write(after);
      expect(s.text()).toBe(`${line.repeat(200)}€\n${line.repeat(200)}`);
      expect(s.writes.at(-1)).toBe(after);
    });
  });
});

