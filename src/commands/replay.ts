// `runbook replay`: print a recorded incident as it happened, paced, instant, as JSON Lines, or following a live run.
import type { ReplayOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import type { TimelineEvent } from '../timeline/events.js';
import { foldEvent, initialFoldState, summarize } from '../timeline/fold.js';
import { createRenderer, formatOffset, renderSummary } from '../ui/render-event.js';
import { createStyle } from '../ui/style.js';

/** What replay needs from the outside world besides Io; tests pass a fake clock and sleep. */
export interface ReplayPorts {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  read(path: string): AsyncIterable<ReadItem>;
  follow(path: string, opts: { signal?: AbortSignal }): AsyncIterable<ReadItem>;
}

const realPorts: ReplayPorts = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  read: (path) => readTimeline(path),
  follow: (path, opts) => followTimeline(path, opts),
};

/**
 * Collects small strings and writes them in big chunks: at 64 KiB, on the next turn of the event loop
 * (so a live follow shows up at once), and on flush(). Waits for 'drain' when the stream is full.
 */
export class BatchWriter {
  private buf = '';
  private scheduled = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly limit = 64 * 1024,
  ) {}

  /** Returns a promise only when the caller must wait (stream full); otherwise undefined, to keep the hot path cheap. */
  write(s: string): Promise<void> | undefined {
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
    if (this.buf === '') return true;
    const chunk = this.buf;
    this.buf = '';
    return this.stream.write(chunk);
  }

  async flush(): Promise<void> {
    const ok = this.writeOut();
    const s = this.stream as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (!ok || s.writableNeedDrain) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

/** "path:line: message" for each problem the reader reports. */
export function describeProblem(path: string, item: Extract<ReadItem, { kind: 'problem' }>, done = 'replayed'): string {
  const what = item.torn ? `${item.message} (the last write was cut off; ${done} up to the line before)` : item.message;
  return `runbook: ${path}:${item.line}: ${what}\n`;
}

export async function replay(timeline: string, options: ReplayOptions, io: Io, ports: Partial<ReplayPorts> = {}): Promise<number> {
  const p: ReplayPorts = { ...realPorts, ...ports };
  const out = new BatchWriter(io.stdout);
  const style = createStyle(io.color && !options.json);
  const renderer = createRenderer(style, { timelinePath: timeline });
  const fold = initialFoldState();
  const abort = new AbortController();
  const items = options.follow ? p.follow(timeline, { signal: abort.signal }) : p.read(timeline);
  // Pacing is for people: JSON Lines and --follow print as soon as events are there.
  const paced = !options.instant && !options.json && !options.follow;
  const maxIdleMs = options.maxIdle * 1000;
  const speed = options.speed > 0 ? options.speed : 1;

  let events = 0;
  let problems = 0;
  let finished = false;
  let atLineStart = true;
  let prevMono: number | null = null;
  let due = p.now();
  let prefixSecond = -1;
  let prefix = '';

  try {
    for await (const item of items) {
      if (item.kind === 'problem') {
        problems++;
        await out.flush();
        io.stderr.write(describeProblem(timeline, item));
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
        const w = out.write(`${JSON.stringify(ev)}\n`);
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
  } finally {
    abort.abort();
  }

  if (events === 0) {
    await out.flush();
    throw new UserError(`${timeline} holds no readable event: is it a runbook timeline?`);
  }
  if (!options.json) {
    out.write(`${atLineStart ? '' : '\n'}\n${renderSummary(summarize(fold), style)}`);
  }
  await out.flush();
  if (!finished) {
    io.stderr.write(`runbook: ${timeline}: the run has no run.finished: it was interrupted or is still running\n`);
  }
  return 0;
}

// ---- TEMPORARY reader adapter: delete this block once src/timeline/reader.ts lands, and import
// ---- { readTimeline, followTimeline, type ReadItem } from '../timeline/reader.js' instead (here and in export.ts).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describeSystemError } from '../errors.js';

export type ReadItem =
  | { kind: 'event'; event: TimelineEvent; line: number }
  | { kind: 'problem'; line: number; message: string; torn: boolean };

function parseLine(text: string, line: number, last: boolean, path: string): ReadItem {
  try {
    const ev = JSON.parse(text) as TimelineEvent;
    if (ev === null || typeof ev !== 'object' || typeof ev.type !== 'string') throw new Error('not an event');
    if (ev.v !== 1) throw new UserError(`${path}:${line}: timeline version ${String(ev.v)} is not supported`);
    return { kind: 'event', event: ev, line };
  } catch (err) {
    if (err instanceof UserError) throw err;
    return { kind: 'problem', line, message: last ? 'torn last line' : 'damaged line', torn: last };
  }
}

export async function* readTimeline(path: string): AsyncGenerator<ReadItem> {
  try {
    await stat(path);
  } catch (err) {
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  }
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  let pending: string | null = null;
  for await (const text of rl) {
    if (pending !== null) yield parseLine(pending, line, false, path);
    line++;
    pending = text;
  }
  if (pending !== null && pending !== '') yield parseLine(pending, line, true, path);
}

export async function* followTimeline(path: string, opts: { signal?: AbortSignal }): AsyncGenerator<ReadItem> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  }
  try {
    let pos = 0;
    let rest = '';
    let line = 0;
    const buf = Buffer.alloc(1 << 16);
    while (!opts.signal?.aborted) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      pos += bytesRead;
      rest += buf.subarray(0, bytesRead).toString('utf8');
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const text = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        line++;
        const item = parseLine(text, line, false, path);
        yield item;
        if (item.kind === 'event' && item.event.type === 'run.finished') return;
      }
    }
  } finally {
    await fh.close();
  }
}
// ---- end of TEMPORARY reader adapter
