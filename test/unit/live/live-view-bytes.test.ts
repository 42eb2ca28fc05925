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
});
