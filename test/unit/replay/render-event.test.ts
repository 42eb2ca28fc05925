import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type TimelineEvent } from '../../../src/timeline/events.js';
import {
  createRenderer,
  formatDuration,
  formatOffset,
  renderCommandBox,
  renderEvent,
  createRenderContext,
} from '../../../src/report/render-event.js';
import { loadStyle } from '../../../src/ui/style.js';
import { displayWidth } from '../../../src/ui/wrap.js';
import { runStarted, timeline } from './helpers.js';

const plain = await loadStyle(false);
const colour = await loadStyle(true);

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [340, '340ms'],
    [999, '999ms'],
    [1000, '1.0s'],
    [1234, '1.2s'],
    [9999, '9.9s'],
    [42_000, '42s'],
    [252_000, '4m 12s'],
    [3_900_000, '1h 05m'],
    [-5, '0ms'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

it('formatOffset gives +HH:MM:SS', () => {
  expect(formatOffset(83_999)).toBe('+00:01:23');
  expect(formatOffset(36_000_000)).toBe('+10:00:00');
});

describe('renderCommandBox', () => {
  it('frames a command and marks it dangerous', () => {
    const box = renderCommandBox("find / -delete\n  -print", { danger: true, id: '2.1', edited: true }, plain);
    expect(box).toBe("┌─ 2.1 · ⚠ DANGEROUS · edited\n│ $ find / -delete\n│     -print\n└─\n");
  });
  it('has no danger mark for an ordinary command, and paints the dangerous frame bold red', () => {
    expect(renderCommandBox('ls', { danger: false }, plain)).not.toContain('DANGEROUS');
    expect(renderCommandBox('rm -rf x', { danger: true }, colour)).toContain(colour.danger('⚠ DANGEROUS'));
  });
});

describe('renderEvent', () => {
  const events = timeline([
    [0, runStarted('---\nseverity: sev1\n---\n# T\n## One\n```sh\n## not a step\n```\n## Two\n## Three\n')],
    [1, { type: 'step.started', step: 2, title: 'Two' }],
    [2, { type: 'command.started', step: 2, id: '2.1', command: 'sleep 99', edited: false, danger: false }],
    [3, { type: 'command.finished', id: '2.1', exit_code: null, signal: 'SIGTERM', duration_ms: 60_000, timed_out: true, interrupted: false, omitted_bytes: 0 }],
    [4, { type: 'command.started', step: 2, id: '2.2', command: 'cat big', edited: false, danger: false }],
    [5, { type: 'command.finished', id: '2.2', exit_code: 0, signal: null, duration_ms: 1200, timed_out: false, interrupted: false, omitted_bytes: 2048 }],
    [6, { type: 'command.started', step: 2, id: '2.3', command: 'false', edited: false, danger: false }],
    [7, { type: 'command.finished', id: '2.3', exit_code: 2, signal: null, duration_ms: 340, timed_out: false, interrupted: false, omitted_bytes: 0 }],
    [8, { type: 'command.finished', id: '9.9', exit_code: null, signal: 'SIGINT', duration_ms: 10, timed_out: false, interrupted: true, omitted_bytes: 0 }],
    [9, { type: 'note', text: 'paged the DBA', actor: 'bob' }],
    [10, { type: 'mark', what: 'mitigated', text: 'traffic drained', actor: 'alice' }],
    [11, { type: 'step.skipped', step: 3, title: 'Three' }],
    [12, { type: 'command.skipped', step: 3, id: '3.1', command: 'reboot' }],
  ]);
  const r = createRenderer(plain);
  const out = events.map((e) => r.render(e));

  it('shows the run header with title, severity, incident and mode', () => {
    expect(out[0]).toContain('▶ T  [sev1]');
    expect(out[0]).toContain('inc-1 · live · alice@h');
  });
  it('counts steps from the stored source, ignoring headings inside code blocks', () => {
    expect(out[1]).toBe('\n── Step 2 of 3: Two ──\n');
  });
  it('says how each command ended, and which command it was', () => {
    expect(out[3]).toBe('⏱ timed out · 1m 00s  (2.1 sleep 99)\n');
    expect(out[5]).toBe('✔ exit 0 · 1.2s · 2.0 KiB of output not recorded  (2.2 cat big)\n');
    expect(out[7]).toBe('✘ exit 2 · 340ms  (2.3 false)\n');
    expect(out[8]).toBe('⚡ interrupted · 10ms  (9.9)\n');
  });
  it("a result line's label fills the width exactly: the result's glyphs (✔ ·) are one column each, as displayWidth says", () => {
    const long = `curl -s https://status.example.com/api/v2/components/${'x'.repeat(80)}`;
    const r = createRenderer(plain, { width: 60 });
    for (const e of timeline([
      [0, runStarted(`## S\n\`\`\`sh\n${long}\n\`\`\`\n`)],
      [1, { type: 'command.started', step: 1, id: '1.1', command: long, edited: false, danger: false }],
    ]))
      r.render(e);
    const fin = { v: 1, seq: 1, ts: '', mono_ms: 1, type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 5, timed_out: false, interrupted: false, omitted_bytes: 0 } as TimelineEvent;
    const line = r.render(fin).replace(/\n$/, '');
    expect(line).toMatch(/^✔ exit 0 · 5ms {2}\(1\.1 curl -s https:\/\/status.*…\)$/);
    expect(displayWidth(line)).toBe(60);
  });
  it('shows a non-zero exit of an allow_failure=true command as an answer', () => {
    const r2 = createRenderer(plain);
    r2.render(timeline([[0, runStarted('## S\n```sh {allow_failure=true}\ngrep x f\n```\n')]])[0]!);
    const fin = { v: 1, seq: 1, ts: '', mono_ms: 1, type: 'command.finished', id: '1.1', exit_code: 1, signal: null, duration_ms: 5, timed_out: false, interrupted: false, omitted_bytes: 0 } as TimelineEvent;
    expect(r2.render(fin)).toBe('✔ exit 1 (allowed) · 5ms  (1.1)\n');
  });
  it('a step ends with a clean ✔ only when none of its commands is left failed; otherwise in the warning colour', () => {
    const fin = (id: string, exit: number) =>
      ({ type: 'command.finished', id, exit_code: exit, signal: null, duration_ms: 5, timed_out: false, interrupted: false, omitted_bytes: 0 }) as const;
    const started = (step: number, id: string) => ({ type: 'command.started', step, id, command: 'x', edited: false, danger: false }) as const;
    const evs = timeline([
      [0, runStarted('## One\n```sh\nx\n```\n## Two\n```sh\nx\n```\n```sh\nx\n```\n')],
      [1, { type: 'step.started', step: 1, title: 'One' }],
      [2, started(1, '1.1')],
      [3, fin('1.1', 1)],
      [4, started(1, '1.1')],
      [5, fin('1.1', 0)], // retried until it worked: not a failure
      [6, { type: 'step.completed', step: 1, title: 'One' }],
      [7, { type: 'step.started', step: 2, title: 'Two' }],
      [8, started(2, '2.1')],
      [9, fin('2.1', 1)],
      [10, started(2, '2.2')],
      [11, { ...fin('2.2', 0), exit_code: null, interrupted: true, signal: 'SIGINT' }],
      [12, { type: 'step.completed', step: 2, title: 'Two' }],
    ]);
    const rp = createRenderer(plain);
    const text = evs.map((e) => rp.render(e));
    expect(text[6]).toBe('✔ step 1 done\n');
    expect(text[12]).toBe('⚠ step 2 done with 2 failed commands\n');
    const rc = createRenderer(colour);
    const painted = evs.map((e) => rc.render(e));
    expect(painted[12]).toBe(colour.yellow('⚠ step 2 done with 2 failed commands') + '\n');
    expect(painted[12]).not.toBe(text[12]);
  });
  it('a mark without text has no dangling colon', () => {
    const ev = { v: 1, seq: 0, ts: '', mono_ms: 0, type: 'mark', what: 'resolved', text: '', actor: 'alice' } as TimelineEvent;
    expect(renderEvent(ev, createRenderContext({ actor: 'alice' }), plain)).toBe('⚑ resolved\n');
  });
  it('a step skipped after its header was shown ends with one line, not a second header', () => {
    const r2 = createRenderer(plain);
    const evs = timeline([
      [0, runStarted()],
      [1, { type: 'step.started', step: 1, title: 'One' }],
      [2, { type: 'step.skipped', step: 1, title: 'One' }],
    ]);
    expect(evs.map((e) => r2.render(e)).slice(1)).toEqual(['\n── Step 1 of 2: One ──\n', '↷ step 1 skipped\n']);
  });
  it('tells a command killed by a signal from one that never started', () => {
    const fin = (signal: string | null) => ({ v: 1, seq: 0, ts: '', mono_ms: 0, type: 'command.finished', id: '1.1', exit_code: null, signal, duration_ms: 0, timed_out: false, interrupted: false, omitted_bytes: 0 }) as TimelineEvent;
    expect(renderEvent(fin('SIGKILL'), createRenderContext(), plain)).toBe('✘ killed by SIGKILL · 0ms  (1.1)\n');
    expect(renderEvent(fin(null), createRenderContext(), plain)).toBe('✘ did not start · 0ms  (1.1)\n');
    // It ran, but the command launcher that started it was killed meanwhile: never "did not start".
    const lost = { ...fin(null), status_lost: true } as TimelineEvent;
    expect(renderEvent(lost, createRenderContext(), plain)).toBe('✘ exit status lost (the command launcher ended) · 0ms  (1.1)\n');
  });
  it('highlights notes and marks', () => {
    expect(out[9]).toBe('✎ note (bob): paged the DBA\n');
    expect(out[10]).toBe('⚑ mitigated: traffic drained\n');
  });
  it('dims skipped steps and commands', () => {
    expect(out[11]).toContain('── Step 3 of 3: Three ── skipped');
    expect(out[12]).toBe('↷ skipped 3.1: reboot\n');
    const dimmed = createRenderer(colour);
    const lines = events.map((e) => dimmed.render(e));
    expect(lines[12]).toBe(colour.dim('↷ skipped 3.1: reboot') + '\n');
    // A multi-line command in one line: its first line and an ellipsis.
    const multi = { v: 1, seq: 0, ts: '', mono_ms: 0, type: 'command.skipped', id: '9.1', command: 'pid=0\nfd=0\nkill "$pid"', reason: 'dangerous' } as unknown as TimelineEvent;
    expect(renderEvent(multi, createRenderContext(), plain)).toBe('↷ skipped 9.1: pid=0 …\n');
    const check = { v: 1, seq: 0, ts: '', mono_ms: 0, type: 'check.skipped', step: 1, text: 'The dashboard shows it' } as unknown as TimelineEvent;
    expect(renderEvent(check, createRenderContext(), plain)).toBe('☐ The dashboard shows it (skipped)\n');
    expect(lines[7]).toContain(colour.red('✘ exit 2 · 340ms'));
    expect(lines[5]).toContain(colour.green('✔ exit 0 · 1.2s'));
  });
  it('prints output exactly as recorded', () => {
    const ev = { v: 1, seq: 0, ts: '', mono_ms: 0, type: 'command.output', id: '1.1', stream: 'stderr', data: 'a\r\n\u001b[31mb' } as TimelineEvent;
    expect(renderEvent(ev, createRenderContext(), colour)).toBe('a\r\n\u001b[31mb');
  });
  it('has a formatter for every event type, and ignores types from the future', () => {
    const ctx = createRenderContext();
    for (const type of EVENT_TYPES) {
      if (type === 'command.output') continue;
      const base = { v: 1, seq: 0, ts: '', mono_ms: 0, type, runbook: { id: '', title: '', path: '', sha256: '', source: '' }, text: '', what: 'detected', status: 'completed', duration_ms: 0, command: '', exit_code: 0, omitted_bytes: 0, value: '', name: '' };
      expect(renderEvent(base as unknown as TimelineEvent, ctx, plain), type).not.toBe('');
    }
    expect(renderEvent({ type: 'step.paused' } as unknown as TimelineEvent, ctx, plain)).toBe('');
  });
});

describe('terminal controls in recorded text', () => {
  const TRAP = '\u001b]0;t\u0007\u001b]52;c;QQ==\u001b\\\u001b[3G\u001bP1$r\u001b\\\u009b2J\u0085\r\b';
  // eslint-disable-next-line no-control-regex
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  // Every string field any event type has, all hostile: a formatter that prints a field raw fails here.
  const hostile = (type: string): TimelineEvent =>
    ({
      v: 1, seq: 0, ts: TRAP, mono_ms: 0, type, step: 1, incident: TRAP, mode: TRAP, actor: TRAP, host: TRAP, cwd: TRAP, cli_version: TRAP,
      runbook: { id: TRAP, title: TRAP, path: TRAP, sha256: TRAP, source: `# T${TRAP}\n\n## S${TRAP}\n` }, name: TRAP, value: `${TRAP}\n${TRAP}`,
      source: TRAP, title: TRAP, id: TRAP, command: `${TRAP}\n${TRAP}`, edited: true, danger: true, exit_code: null, signal: TRAP,
      duration_ms: 0, timed_out: false, interrupted: false, omitted_bytes: 0, text: `${TRAP}\n${TRAP}`, what: TRAP, status: TRAP, hosts: [TRAP, TRAP], host_error: TRAP, confirmed_by: TRAP,
    }) as unknown as TimelineEvent;

  it('no event type prints any of its fields raw: controls are shown visibly', () => {
    const r = createRenderer(plain, { timelinePath: `x${TRAP}` });
    for (const type of EVENT_TYPES) {
      if (type === 'command.output') continue;
      const text = r.render(hostile(type));
      expect(text, type).not.toMatch(RAW);
      // These print no text field here (a skipped step whose header was shown ends with one line).
      if (!['step.completed', 'step.skipped', 'run.finished'].includes(type)) expect(text, type).toContain('␛]0;t␇');
    }
  });

  it('command output keeps its colours and loses every other sequence', () => {
    const ev = { v: 1, seq: 0, ts: '', mono_ms: 0, type: 'command.output', id: '1.1', stream: 'stdout', data: `a\u001b[31mb\u001b[0m${TRAP}\n` } as TimelineEvent;
    expect(renderEvent(ev, createRenderContext(), plain)).toBe('a\u001b[31mb\u001b[0m\\x85\r␈\n');
  });
});

describe('result lines fit the terminal', () => {
  const long = `printf 'Hello, %s! This command is far longer than any terminal line would ever want' "$name" | tee /tmp/hello-output.txt`;
  const events = timeline([
    [0, { type: 'command.started', step: 1, id: '1.1', command: long, edited: false, danger: false }],
    [531, { type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 531, timed_out: false, interrupted: false, omitted_bytes: 0 }],
  ]);
  const resultLine = (width: number | undefined): string => {
    const r = createRenderer(plain, width === undefined ? {} : { width });
    return events.map((e) => r.render(e)).join('').split('\n').find((l) => l.startsWith('✔')) as string;
  };

  it.each([80, 160, 40])('at %d columns the line is at most that wide, cut with …', (width) => {
    const line = resultLine(width);
    expect(line.length).toBeLessThanOrEqual(width);
    expect(line).toMatch(/^✔ exit 0 · 531ms {2}\(1\.1( printf .*…)?\)$/);
  });

  it('shows more of the command when there is room, and 80 columns when the width is unknown', () => {
    expect(resultLine(160).length).toBeGreaterThan(resultLine(80).length);
    expect(resultLine(undefined)).toBe(resultLine(80));
  });
});

describe('a seal', () => {
  it('says how many events it covers and who sealed it, not its head field (verify prints the head to keep)', () => {
    const head = 'ab'.repeat(32);
    const [ev] = timeline([[5, { type: 'seal', head, events: 42, actor: 'alice', signature: null, key: null, signer: null }]]);
    const text = renderEvent(ev as TimelineEvent, createRenderContext(), plain);
    expect(text).toBe('  sealed by alice (unsigned) · over the 42 events before it\n');
    expect(text).not.toContain('abab');
  });
});
