// The live runner's screen: events rendered with the same renderer as replay, prose and command boxes,
// and on a terminal a "still running" line that output clears.
import { renderProse, columnsOf } from './wrap.js';
import { renderCheck } from './render-runbook.js';
import type { Command } from '../runbook/model.js';
import type { View } from '../runner/engine.js';
import type { ResolvedVar } from '../runner/vars.js';
import type { TimelineEvent } from '../timeline/events.js';
import { createRenderer, formatDuration, renderCommandBox } from './render-event.js';
import type { Style } from './style.js';

export interface LiveView extends View {
  /** Streams for the command's live output: they clear the status line before writing. */
  live: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  dispose(): void;
}

export function createLiveView(
  out: NodeJS.WritableStream,
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  style: Style,
  opts: { timelinePath: string; statusLine: boolean; now?: () => number; title?: string; stepCount?: number; width?: number },
): LiveView {
  // A resumed run has no run.started to learn the title and step count from: the caller passes them.
  const renderer = createRenderer(style, {
    timelinePath: opts.timelinePath,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.stepCount !== undefined ? { stepCount: opts.stepCount } : {}),
  });
  const now = opts.now ?? (() => Date.now());
  // Prose is re-flowed to the terminal ($COLUMNS wins); to a pipe, at 80 columns.
  const width = opts.width ?? columnsOf(process.env, out) ?? 80;
  let status: { id: string; since: number; lastOutput: number; shown: boolean; timer: NodeJS.Timeout } | null = null;

  const clearStatus = (): void => {
    if (status?.shown) {
      out.write('\r\x1b[2K');
      status.shown = false;
    }
  };
  const wrap = (target: NodeJS.WritableStream): NodeJS.WritableStream =>
    new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'write')
          return (chunk: unknown, ...rest: unknown[]) => {
            if (status) {
              clearStatus();
              status.lastOutput = now();
            }
            return (t.write as (...a: unknown[]) => boolean).call(t, chunk, ...rest);
          };
        const v = Reflect.get(t, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });

  return {
    live: { stdout: wrap(streams.stdout), stderr: wrap(streams.stderr) },
    event(e: TimelineEvent) {
      const text = renderer.render(e);
      // Output was already streamed live, the command box was shown before the prompt, and the run's end
      // is followed by the summary.
      if (e.type === 'command.output' || e.type === 'command.started' || e.type === 'run.finished') return;
      if (text) out.write(text);
    },
    intro(text: string) {
      out.write(`\n${renderProse(text, style, width)}\n`);
    },
    prose(text: string) {
      out.write(`\n${renderProse(text, style, width)}\n`);
    },
    check(text: string) {
      out.write(`${renderCheck(text, style, width)}\n`);
    },
    command(display: string, c: Command, edited: boolean, refs: ResolvedVar[]) {
      if (!c.runnable) {
        out.write(style.dim(`${c.lang || 'text'} (shown, not run):\n${display.replace(/^/gm, '  ')}\n`));
        return;
      }
      out.write(`\n${renderCommandBox(display, { danger: c.danger, id: c.id, edited }, style)}`);
      if (c.sampleOutput) out.write(style.dim(`  the runbook's sample output:\n${c.sampleOutput.replace(/^/gm, '  ┆ ')}\n`));
      const shown = refs.filter((r) => c.envRefs.includes(r.name));
      if (shown.length) out.write(style.dim(`  with ${shown.map((r) => `${r.name}=${r.secret ? '[secret]' : JSON.stringify(r.value)}`).join(' ')}\n`));
      if (c.danger) out.write(style.danger(`  ⚠ ${c.dangerReason === 'danger=true' ? 'marked dangerous by the runbook' : `looks destructive: ${c.dangerReason}`}\n`));
    },
    message(text: string, tone = 'info') {
      const paint = tone === 'error' ? style.red : tone === 'warn' ? style.yellow : style.dim;
      out.write(`${paint(text)}\n`);
    },
    running(id: string | null) {
      if (status) {
        clearInterval(status.timer);
        clearStatus();
        status = null;
      }
      if (id === null || !opts.statusLine) return;
      const since = now();
      const s = {
        id,
        since,
        lastOutput: since,
        shown: false,
        timer: setInterval(() => {
          if (now() - s.lastOutput < 2000) return;
          out.write(`\r\x1b[2K${style.dim(`… ${id} still running (${formatDuration(now() - s.since)})`)}`);
          s.shown = true;
        }, 1000),
      };
      s.timer.unref();
      status = s;
    },
    dispose() {
      if (status) clearInterval(status.timer);
      status = null;
    },
  };
}
