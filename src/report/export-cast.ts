// `export --format cast`: the run as the operator saw it, as an asciicast v2 recording (asciinema play / cat).
import type { TimelineEvent } from '../timeline/events.js';
import type { IncidentSummary } from './fold.js';
import { createRenderer, renderSummary } from './render-event.js';
import { stripAnsi, type Style } from '../ui/style.js';
import { neutralize, terminalJson } from '../ui/neutralize.js';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds of the run start. */
  timestamp: number;
  title: string;
  env: { TERM: string };
}

export function castHeader(opts: { width: number; height?: number; started: string | null; title: string }): string {
  const ms = opts.started !== null ? Date.parse(opts.started) : NaN;
  const header: CastHeader = {
    version: 2,
    width: Math.max(80, Math.min(240, opts.width)),
    height: opts.height ?? 40,
    timestamp: Number.isNaN(ms) ? 0 : Math.floor(ms / 1000),
    // Players show the title in a terminal too.
    title: neutralize(opts.title),
    env: { TERM: 'xterm-256color' },
  };
  return `${terminalJson(header)}\n`;
}

export interface CastEncoder {
  /** The `[seconds, "o", text]` line(s) for one event ('' when it shows nothing). */
  encode(ev: TimelineEvent): string;
  /** The closing summary, one frame after the last event. */
  finish(summary: IncidentSummary): string;
  /** The widest line seen so far, in terminal columns (roughly: one per code point). */
  readonly widest: number;
}

/** Idle gaps longer than `maxIdleMs` (default 2 s) are cut to it, as `replay` does. */
export function createCastEncoder(style: Style, opts: { maxIdleMs?: number } = {}): CastEncoder {
  const maxIdle = opts.maxIdleMs ?? 2000;
  const renderer = createRenderer(style);
  let t = 0;
  let prevMono: number | null = null;
  let atLineStart = true;
  let widest = 0;
  let col = 0;

  const measure = (s: string): void => {
    const plain = s.includes('\u001b') ? stripAnsi(s) : s;
    const lines = plain.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const w = (i === 0 ? col : 0) + [...(lines[i] ?? '')].length;
      if (w > widest) widest = w;
      // The last part has no newline after it: that line goes on in the next frame.
      if (i === lines.length - 1) col = w;
    }
  };

  const frame = (text: string): string => {
    measure(text);
    const seconds = Math.round(t * 1e6) / 1e6;
    return `${terminalJson([seconds, 'o', text.replace(/\r?\n/g, '\r\n')])}\n`;
  };

  return {
    get widest() {
      return widest;
    },
    encode(ev) {
      const mono = typeof ev.mono_ms === 'number' && ev.mono_ms > 0 ? ev.mono_ms : 0;
      if (prevMono !== null && mono > prevMono) t += Math.min(mono - prevMono, maxIdle) / 1000;
      if (prevMono === null || mono > prevMono) prevMono = mono;
      let text = renderer.render(ev);
      if (text === '') return '';
      if (ev.type !== 'command.output') {
        if (!atLineStart) text = `\n${text}`;
        atLineStart = true;
      }
      atLineStart = text.endsWith('\n');
      return frame(text);
    },
    finish(summary) {
      // A sequence cut by the end of the record is shown, not obeyed.
      const cut = renderer.flush();
      if (cut) atLineStart = false;
      const text = `${cut}${atLineStart ? '' : '\n'}\n${renderSummary(summary, style)}`;
      atLineStart = true;
      t += 0.5;
      return frame(text);
    },
  };
}
