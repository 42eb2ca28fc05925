// `runbook replay`: print a recorded incident as it happened, paced, instant, as JSON Lines, or following a live run.
import { monoNow } from '../adapters/clock.js';
import type { ReplayOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import type { TimelineEvent } from '../timeline/events.js';
import { foldEvent, initialFoldState, summarize } from '../report/fold.js';
import { createRenderer, formatOffset, renderSummary } from '../report/render-event.js';
import { columnsOf } from '../ui/wrap.js';
import { loadStyle } from '../ui/style.js';
import { neutralize, terminalJson } from '../ui/neutralize.js';
import { hint } from '../self-name.js';
import { followTimeline, readTimelineBatches, type ReadItem } from '../timeline/reader.js';
import { resolve } from 'node:path';

/** What replay needs from the outside world besides Io; tests pass a fake clock and sleep. */
export interface ReplayPorts {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** The timeline in batches (one per chunk read), so a big file costs one await per chunk, not per event. */
  read(path: string): AsyncIterable<readonly ReadItem[]>;
  follow(path: string, opts: { signal?: AbortSignal }): AsyncIterable<ReadItem>;
  /** `runbook verify`'s verdict for the header; null when there is none to give. */
  verify(path: string, env: NodeJS.ProcessEnv): Promise<string | null>;
}

const realPorts: ReplayPorts = {
  now: monoNow,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  read: (path) => readTimelineBatches(path),
  follow: (path, opts) => followTimeline(path, opts),
  verify: (path, env) => import('../report/integrity.js').then((m) => m.integrityOf(path, env)),
};

/**
 * Collects small strings and writes them in big chunks: at 64 KiB, on the next turn of the event loop
 * (so a live follow shows up at once), and on flush(). Waits for 'drain' when the stream is full.
 * A reader that goes away (`| head`: EPIPE) is not an error: `closed` turns true and writes are dropped.
 */
export class BatchWriter {
  private buf = '';
  private scheduled = false;
  closed = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly limit = 64 * 1024,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && !this.closed) throw err;
      this.closed = true;
    });
  }

  /** Returns a promise only when the caller must wait (stream full); otherwise undefined, to keep the hot path cheap. */
  write(s: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.buf += s;
    if (this.buf.length >= this.limit) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.writeOut();
      });
    }
    return undefined;
  }

  private writeOut(): boolean {
    if (this.buf === '' || this.closed) return true;
    const chunk = this.buf;
    this.buf = '';
    return this.stream.write(chunk);
  }

  async flush(): Promise<void> {
    const ok = this.writeOut();
    const s = this.stream as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (this.closed || (ok && !s.writableNeedDrain)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }
}

/** One stderr line for a problem the reader reports (its message already names the file and line). */
export function describeProblem(item: Extract<ReadItem, { kind: 'problem' }>, done = 'replayed'): string {
  const more = item.torn ? `; ${done} up to line ${item.line - 1}` : '';
  return `runbook: ${neutralize(item.message)}${more}\n`;
}

/** Problems on stderr, the first few in full: a file that is not a timeline at all must not flood the screen. */
export function problemReporter(stderr: NodeJS.WritableStream, done: string, max = 10): { report(p: Extract<ReadItem, { kind: 'problem' }>): void; finish(): void } {
  let count = 0;
  return {
    report(p) {
      count++;
      if (count <= max) stderr.write(describeProblem(p, done));
    },
    finish() {
      if (count > max) stderr.write(`runbook: … and ${count - max} more problems like these\n`);
    },
  };
}

/** `replay --follow` without a timeline: the newest live run registered on this host. */
async function liveTimeline(io: Io): Promise<string> {
  const live = await (await import('../timeline/registry.js')).listLive(io.env);
  if (!live[0]) throw new UserError(`no run is live on this host: give the timeline to follow (see ${hint(io, 'incidents')})`);
  if (live.length > 1) io.stderr.write(`runbook: ${live.length} runs are live on this host; following the newest (${neutralize(live[0].incident)}); give a timeline to choose\n`);
  return live[0].timeline;
}

/** Single items as one-item batches (follow yields as lines are appended). */
async function* asBatches(items: AsyncIterable<ReadItem>): AsyncGenerator<readonly ReadItem[]> {
  for await (const item of items) yield [item];
}

export async function replay(given: string | undefined, options: ReplayOptions, io: Io, ports: Partial<ReplayPorts> = {}): Promise<number> {
  const p: ReplayPorts = { ...realPorts, ...ports };
  const timeline = given ?? (await liveTimeline(io));
  // Read where the command was run from (as verify and drill do); shown as typed.
  const path = resolve(io.cwd, timeline);
  const out = new BatchWriter(io.stdout);
  const style = await loadStyle(io.color && !options.json);
  // The header says whether the record verifies (JSON Lines have no header; a followed run is still being written).
  const integrity = options.json || options.follow ? null : await p.verify(path, io.env);
  const renderer = createRenderer(style, { timelinePath: timeline, width: columnsOf(io.env, io.stdout) ?? 80, sessionValues: true, ...(integrity !== null ? { integrity } : {}) });
  const fold = initialFoldState();
  const abort = new AbortController();
  const batches = options.follow ? asBatches(p.follow(path, { signal: abort.signal })) : p.read(path);
  // Pacing is for people: JSON Lines and --follow print as soon as events are there.
  const paced = !options.instant && !options.json && !options.follow;
  const maxIdleMs = options.maxIdle * 1000;
  const speed = options.speed > 0 ? options.speed : 1;

  let events = 0;
  let finished = false;
  let atLineStart = true;
  let prevMono: number | null = null;
  let due = p.now();
  let prefixSecond = -1;
  let prefix = '';
  const problems = problemReporter(io.stderr, 'replayed');

  try {
    for await (const batch of batches) {
      if (out.closed) break;
      for (const item of batch) {
        if (item.kind === 'problem') {
          await out.flush();
          problems.report(item);
          continue;
        }
        const ev: TimelineEvent = item.event;
        events++;
        foldEvent(fold, ev);
        if (ev.type === 'run.finished') finished = true;
        const mono = typeof ev.mono_ms === 'number' && ev.mono_ms > 0 ? ev.mono_ms : 0;

        if (paced) {
          if (prevMono !== null && mono > prevMono) {
            due += Math.min(mono - prevMono, maxIdleMs) / speed;
            const wait = due - p.now();
            if (wait >= 1) {
              await out.flush();
              await p.sleep(wait);
            }
          }
          if (prevMono === null || mono > prevMono) prevMono = mono;
        }

        if (options.json) {
          const w = out.write(`${terminalJson(ev)}\n`);
          if (w) await w;
          continue;
        }

        let text = renderer.render(ev);
        if (text === '') continue;
        const isOutput = ev.type === 'command.output';
        let chunk = '';
        if (!isOutput && !atLineStart) {
          chunk = '\n';
          atLineStart = true;
        }
        if (!isOutput && text.charCodeAt(0) === 10) {
          // A blank separator line stays blank, without an offset.
          chunk += '\n';
          text = text.slice(1);
        }
        const second = Math.floor(mono / 1000);
        if (second !== prefixSecond) {
          prefixSecond = second;
          prefix = `${style.dim(formatOffset(mono))}  `;
        }
        if (atLineStart) chunk += prefix;
        const endsNl = text.charCodeAt(text.length - 1) === 10;
        const body = endsNl ? text.slice(0, -1) : text;
        chunk += body.includes('\n') ? body.replaceAll('\n', `\n${prefix}`) : body;
        if (endsNl) chunk += '\n';
        atLineStart = endsNl;
        const w = out.write(chunk);
        if (w) await w;
      }
    }
  } finally {
    abort.abort();
    problems.finish();
  }
  // Whoever read our output has gone (`| head`): nothing more to say.
  if (out.closed) return 0;

  if (events === 0) {
    await out.flush();
    throw new UserError(`${timeline} holds no readable event: is it a runbook timeline?`);
  }
  if (!options.json) {
    // A sequence cut by the end of the record is shown, not obeyed.
    const cut = renderer.flush();
    if (cut) atLineStart = false;
    out.write(`${cut}${atLineStart ? '' : '\n'}\n${renderSummary(summarize(fold), style)}`);
  }
  await out.flush();
  if (!finished) {
    io.stderr.write(`runbook: ${neutralize(timeline)}: the run has no run.finished: it was interrupted or is still running\n`);
  }
  return 0;
}

