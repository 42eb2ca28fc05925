// Others' events on the operator's screen: whole lines, never inside a line of output or an open prompt.
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { TimelineEvent } from '../../../src/timeline/events.js';
import { createLiveView } from '../../../src/ui/live-view.js';
import { plainStyle } from '../../../src/ui/style.js';

function screen(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _e, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}
let seq = 10;
const note = (text: string): TimelineEvent => ({ v: 1, seq: seq++, ts: '2026-11-28T03:00:00.000Z', mono_ms: 0, type: 'note', text, actor: 'bob' });

describe('live view: events from others', () => {
  it('waits for the end of the output line, then prints whole lines between the output’s', () => {
    const s = screen();
    const view = createLiveView(s.stream, { stdout: s.stream, stderr: s.stream }, plainStyle, { timelinePath: 't', statusLine: false, width: 80 });
    view.live.stdout.write('half');
    view.external(note('one'));
    expect(s.text()).toBe('half');
    view.live.stderr.write(' line\nnext li');
    expect(s.text()).toBe('half line\n✎ note (bob): one\nnext li');
    view.live.stdout.write('ne\n');
    view.external(note('two\x1b[2J'));
    expect(s.text()).toBe('half line\n✎ note (bob): one\nnext line\n✎ note (bob): two␛[2J\n');
  });

  it('holds them while a prompt is open and prints them when it closes', () => {
    const s = screen();
    const view = createLiveView(s.stream, { stdout: s.stream, stderr: s.stream }, plainStyle, { timelinePath: 't', statusLine: false, width: 80 });
    view.prompting(true);
    view.external(note('wait'));
    expect(s.text()).toBe('');
    view.prompting(false);
    expect(s.text()).toBe('✎ note (bob): wait\n');
  });

  it('draws no "still running" line over a half-written line of output (it would erase it)', () => {
    vi.useFakeTimers();
    try {
      let t = 0;
      const s = screen();
      const view = createLiveView(s.stream, { stdout: s.stream, stderr: s.stream }, plainStyle, { timelinePath: 't', statusLine: true, width: 80, now: () => t });
      view.running('1.1');
      view.live.stdout.write('half');
      t = 5000;
      vi.advanceTimersByTime(3000);
      expect(s.text()).toBe('half');
      view.live.stdout.write(' line\n');
      t = 10_000;
      vi.advanceTimersByTime(1000);
      expect(s.text()).toMatch(/^half line\n\r\x1b\[2K… 1\.1 still running/);
      view.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
