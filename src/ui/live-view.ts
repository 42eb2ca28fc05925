// The live runner's screen: events rendered with the same renderer as replay, prose and command boxes,
// and on a terminal a "still running" line that output clears.
import { renderProse, columnsOf } from './wrap.js';
import { renderCheck } from './render-runbook.js';
import type { Command } from '../runbook/model.js';
import type { View } from '../runner/ports.js';
import type { RunOutcome } from '../runner/engine.js';
import type { ResolvedVar } from '../runner/vars.js';
import type { TimelineEvent } from '../timeline/events.js';
import { createRenderer, formatDuration, renderCommandBox } from '../report/render-event.js';
import type { Style } from './style.js';
import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { createOutputFilter, neutralize } from './neutralize.js';

export interface LiveView extends View {
  /** Streams for the command's live output: they clear the status line before writing. */
  live: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /**
   * An event someone else appended (a note, a mark, a handover): shown as soon as it can be shown whole — at
   * once between prompts, at the next line boundary of a running command's output, after a prompt closes.
   */
  external(e: TimelineEvent): void;
  /** A prompt is open (true) or closed (false): others' events wait while it is, so they never break it. */
  prompting(open: boolean): void;
  dispose(): void;
}

export function createLiveView(
  out: NodeJS.WritableStream,
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  style: Style,
  opts: { timelinePath: string; statusLine: boolean; now?: () => number; title?: string; stepCount?: number; allowFailure?: Set<string>; width?: number },
): LiveView {
  // A resumed run has no run.started to learn the title, step count and allowed failures from: the caller passes them.
  // Prose is re-flowed to the terminal ($COLUMNS wins); to a pipe, at 80 columns.
  const width = opts.width ?? columnsOf(process.env, out) ?? 80;
  const renderer = createRenderer(style, {
    timelinePath: opts.timelinePath,
    width,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.stepCount !== undefined ? { stepCount: opts.stepCount } : {}),
    ...(opts.allowFailure !== undefined ? { allowFailure: opts.allowFailure } : {}),
  });
  const now = opts.now ?? (() => Date.now());
  let status: { id: string; since: number; lastOutput: number; shown: boolean; timer: NodeJS.Timeout } | null = null;

  const clearStatus = (): void => {
    if (status?.shown) {
      out.write('\r\x1b[2K');
      status.shown = false;
    }
  };
  // Others' events wait for a line boundary of the output (and for no prompt to be open): printed whole, they
  // never split a line of the command's output or a prompt's drawing.
  let atLineStart = true;
  let holding = false;
  const pending: string[] = [];
  const takePending = (): string => {
    if (holding || pending.length === 0) return '';
    clearStatus();
    return pending.splice(0).join('');
  };
  // Live output keeps its colours but no other terminal sequence, as replay shows it (one filter per pipe).
  const filters: { flush(): void }[] = [];
  const wrap = (target: NodeJS.WritableStream): NodeJS.WritableStream => {
    const decoder = new StringDecoder('utf8');
    const filter = createOutputFilter();
    filters.push({
      flush() {
        const rest = filter.write(decoder.end()) + filter.flush();
        if (rest) target.write(rest);
      },
    });
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'write')
          return (chunk: unknown, ...rest: unknown[]) => {
            if (status) {
              clearStatus();
              status.lastOutput = now();
            }
            const bytes = typeof chunk === 'string' ? undefined : (chunk as Buffer);
            // Whether `bytes` are exactly the UTF-8 of what the decoder returns: nothing was pending before them and
            // they end on a whole character.
            const whole = bytes !== undefined && pendingBytes(decoder) === 0 && isUtf8(bytes);
            const decoded = bytes === undefined ? (chunk as string) : decoder.write(bytes);
            let text = filter.write(decoded);
            // Output the filter left as it was goes out as the bytes that came: encoding 300 MB of text back to UTF-8
            // was a third of the runner's CPU for a chatty command.
            if (whole && text === decoded && !(pending.length && !holding)) {
              if (text.length) atLineStart = text.endsWith('\n');
              return (t.write as (...a: unknown[]) => boolean).call(t, bytes, ...rest);
            }
            if (pending.length && !holding) {
              // After the last whole line of this chunk (or before it, when the output is at a line start); on
              // the view's own stream, where the runner's lines go, even when the output goes to a pipe.
              const cut = atLineStart ? 0 : text.lastIndexOf('\n') + 1;
              if (cut > 0 || atLineStart) {
                if (cut > 0) (t.write as (s: string) => boolean).call(t, text.slice(0, cut));
                out.write(takePending());
                atLineStart = true;
                text = text.slice(cut);
              }
            }
            if (text.length) atLineStart = text.endsWith('\n');
            return (t.write as (...a: unknown[]) => boolean).call(t, text, ...rest);
          };
        const v = Reflect.get(t, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  };

  return {
    live: { stdout: wrap(streams.stdout), stderr: wrap(streams.stderr) },
    event(e: TimelineEvent) {
      if (e.type === 'command.output') return; // already streamed live (and filtered there)
      const text = renderer.render(e);
      // The command box was shown before the prompt, and the run's end is followed by the summary.
      if (e.type === 'command.started' || e.type === 'run.finished') return;
      if (text) {
        out.write(text);
        atLineStart = text.endsWith('\n');
      }
    },
    external(e: TimelineEvent) {
      const text = renderer.render(e);
      if (!text) return;
      pending.push(text);
      if (atLineStart) out.write(takePending());
    },
    prompting(open: boolean) {
      holding = open;
      // A closed prompt leaves the cursor at the start of a line.
      if (!open) {
        atLineStart = true;
        const text = takePending();
        if (text) out.write(text);
      }
    },
    intro(text: string) {
      out.write(`\n${renderProse(neutralize(text, { multiline: true }), style, width)}\n`);
    },
    prose(text: string) {
      out.write(`\n${renderProse(neutralize(text, { multiline: true }), style, width)}\n`);
    },
    check(text: string) {
      out.write(`${renderCheck(neutralize(text), style, width)}\n`);
    },
    command(display: string, c: Command, edited: boolean, refs: ResolvedVar[], hosts?: string[]) {
      // Everything here comes from the runbook or a value: neutralised before it is styled.
      const n = (s: string): string => neutralize(s, { multiline: true });
      if (!c.runnable) {
        // A blank line first, as prose and command boxes have: "like this alert rule:" then the block.
        out.write(`\n${style.dim(`${n(c.lang || 'text')} (shown, not run):\n${n(display).replace(/^/gm, '  ')}`)}\n`);
        return;
      }
      out.write(`\n${renderCommandBox(display, { danger: c.danger, id: c.id, edited, ...(hosts ? { hosts } : {}) }, style)}`);
      if (c.sampleOutput) out.write(style.dim(`  the runbook's sample output:\n${n(c.sampleOutput).replace(/^/gm, '  ┆ ')}\n`));
      const shown = refs.filter((r) => c.envRefs.includes(r.name));
      if (shown.length) out.write(style.dim(`  with ${shown.map((r) => `${neutralize(r.name)}=${r.secret ? '[secret]' : neutralize(JSON.stringify(r.value))}`).join(' ')}\n`));
      if (c.danger) out.write(style.danger(`  ⚠ ${c.dangerReason === 'danger=true' ? 'marked dangerous by the runbook' : `looks destructive: ${neutralize(c.dangerReason ?? '')}`}\n`));
    },
    message(text: string, tone = 'info') {
      const paint = tone === 'error' ? style.red : tone === 'warn' ? style.yellow : style.dim;
      out.write(`${paint(neutralize(text, { multiline: true }))}\n`);
    },
    running(id: string | null) {
      if (id === null) for (const f of filters) f.flush(); // an unfinished sequence at the end is shown
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
          // Drawn over a half-written line of output it would erase it (\r, clear line): only at a line start.
          if (now() - s.lastOutput < 2000 || !atLineStart) return;
          out.write(`\r\x1b[2K${style.dim(`… ${neutralize(id)} still running (${formatDuration(now() - s.since)})`)}`);
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

/**
 * The block after a run. It counts commands, not attempts, names each command that failed, and is in the
 * warning colour when a run completed past a failure: a green line must never claim more than happened.
 */
export function renderRunSummary(o: RunOutcome, style: Style, info: { stepCount: number; timelinePath: string | null; resumeHint: string | null; self?: string }): string {
  const c = o.counts;
  const failed = c.commandsFailed > 0 ? ` with ${c.commandsFailed} failed command${c.commandsFailed === 1 ? '' : 's'}` : '';
  const paint = o.status === 'failed' ? style.red : o.status === 'completed' && !failed ? style.green : style.yellow;
  // Ids and host names may come from a resumed run's timeline: shown neutralised, as everything read is.
  const named = o.failures.length > 0 ? ` (${o.failures.map((f) => neutralize(`${f.id} ${f.how}`)).join(', ')})` : '';
  const lines = [
    '',
    paint(style.bold(`Run ${o.status}${o.status === 'completed' ? failed : ''} in ${formatDuration(o.durationMs)}`)),
    `  steps    ${c.stepsDone} done, ${c.stepsSkipped} skipped, of ${info.stepCount}`,
    `  commands ${c.commandsRun} run, ${c.commandsFailed} failed${named}, ${c.commandsSkipped} skipped`,
  ];
  if (c.checksConfirmed + c.checksSkipped > 0) lines.push(`  checks   ${c.checksConfirmed} confirmed, ${c.checksSkipped} skipped`);
  // A dry run without --timeline recorded nothing (timelinePath null): nothing to replay. `self`: how we were invoked.
  if (info.timelinePath !== null) lines.push(`  timeline ${info.timelinePath}`, style.dim(`  replay it: ${info.self ?? 'runbook'} replay ${info.timelinePath}`));
  if (info.resumeHint !== null) lines.push(style.dim(`  resume it: ${info.resumeHint}`));
  return `${lines.join('\n')}\n\n`;
}

/** Bytes of a character cut between chunks that the decoder still waits for (0: it holds nothing). */
function pendingBytes(decoder: StringDecoder): number {
  return (decoder as StringDecoder & { lastNeed?: number }).lastNeed ?? 1;
}
