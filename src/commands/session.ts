// What `run` and `drill` share around the engine: a fresh timeline file, signal handling, and the
// prompter used where nothing may be asked.
import { resolve } from 'node:path';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import type { Prompter } from '../runner/ports.js';
import type { EventSink, Executor } from '../runner/ports.js';
import type { TimelineEvent } from '../timeline/events.js';
import { systemClock } from '../adapters/clock.js';
import { drillDir, timelineDir, timelineFileName } from '../timeline/locate.js';
import { openTimeline, type TimelineWriter } from '../timeline/writer.js';
import type { Redactor } from '../timeline/redact.js';
import type { Sealer } from '../timeline/chain.js';
import { onStopSignals } from '../adapters/process-group.js';

/**
 * A new timeline `<stamp>-<name>.jsonl` in the timeline folder (a drill's in `drills/` beside it). Two runs
 * started in the same second get `-2`, `-3`, … rather than an error: at 3 a.m. a second responder must not be refused.
 */
export async function createTimeline(
  io: Io,
  name: string,
  redactor: Redactor,
  started = new Date(),
  kind: 'incident' | 'drill' = 'incident',
  extra: { sealer?: Sealer } = {},
): Promise<TimelineWriter> {
  const folder = kind === 'drill' ? drillDir(io.env, io.cwd) : timelineDir(io.env, io.cwd);
  const base = resolve(folder, timelineFileName(started, name)).replace(/\.jsonl$/, '');
  for (let n = 1; ; n++) {
    const path = n === 1 ? `${base}.jsonl` : `${base}-${n}.jsonl`;
    try {
      return await openTimeline(path, { clock: systemClock, redactor, create: true, owner: true, ...extra });
    } catch (err) {
      if (!(err instanceof UserError && /already exists/.test(err.message)) || n >= 50) throw err;
    }
  }
}

/**
 * SIGTERM / SIGHUP stop the run (the running command's group is killed through `current`). Ctrl-C goes to the
 * running command; outside one, with `--yes` or no terminal it stops the run, on a terminal it warns once and
 * stops on a second press within five seconds. Returns the function that removes the handlers.
 */
export function handleSignals(
  io: Io,
  stop: AbortController,
  opts: { unattended: boolean; current: () => AbortController | null },
): () => void {
  let lastInt = 0;
  const onInt = (): void => {
    const current = opts.current();
    if (current) current.abort('interrupt');
    if (opts.unattended || !io.interactive) return void stop.abort('SIGINT');
    if (current) return;
    // Between prompts and commands (writing the timeline, about to spawn) one Ctrl-C is no more final than at
    // a prompt: an operator stopping a command they just approved must not lose the whole run.
    const now = Date.now();
    if (now - lastInt < 5000) return void stop.abort('SIGINT');
    lastInt = now;
    io.stderr.write('(Ctrl-C again to abort the run)\n');
  };
  const onTerm = (): void => {
    opts.current()?.abort('terminate');
    stop.abort('signal');
  };
  return onStopSignals(onInt, onTerm);
}

/**
 * The runner's stdout and stderr, made safe to write to after the reader went away (`run … | head`): an EPIPE
 * no longer crashes the run, and the run goes on recording its timeline. Later writes to stdout are dropped,
 * or, with `stdoutToStderr` (an operator at the terminal, deciding from what commands print), shown on stderr
 * after one line that says so: a Ctrl-C at the terminal also stops a `| tee run.log`, and the output of every
 * later command would otherwise vanish from the screen.
 */
export function tolerantStreams(io: Pick<Io, 'stdout' | 'stderr'>, opts: { stdoutToStderr?: boolean } = {}): { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } {
  const tolerant = (target: NodeJS.WritableStream, fallback?: (chunk: unknown, rest: unknown[]) => boolean): NodeJS.WritableStream => {
    let gone = false;
    target.on('error', () => {
      gone = true;
    });
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'write')
          return (chunk: unknown, ...rest: unknown[]): boolean => {
            if (gone || (t as { destroyed?: boolean }).destroyed) {
              if (fallback) return fallback(chunk, rest);
              const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
              cb?.();
              return true;
            }
            if (!fallback) return (t.write as (...a: unknown[]) => boolean).call(t, chunk, ...rest);
            // The write that meets the closed pipe (EPIPE) fails later, in its callback: that chunk (and any
            // written before the stream knew) goes to the fallback then, in order.
            const cb = rest.find((r) => typeof r === 'function') as ((err?: Error | null) => void) | undefined;
            const args = rest.filter((r) => typeof r !== 'function');
            return (t.write as (...a: unknown[]) => boolean).call(t, chunk, ...args, (err?: Error | null) => {
              if (err) fallback(chunk, args);
              cb?.(err);
            });
          };
        // With a fallback the stream stays writable to its users (the executor writes live output only to a
        // stream that is neither destroyed nor ended).
        if (fallback && (prop === 'destroyed' || prop === 'writableEnded')) return false;
        const v = Reflect.get(t, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  };
  const stderr = tolerant(io.stderr);
  let told = false;
  const toStderr = (chunk: unknown, rest: unknown[]): boolean => {
    if (!told) {
      told = true;
      stderr.write('\nrunbook: standard output was closed (what read it has ended; a Ctrl-C ends `tee` too, unless it runs as `tee -i`): command output is shown here from now on, and the timeline keeps all of it\n');
    }
    (stderr.write as (...a: unknown[]) => boolean).call(stderr, chunk, ...rest);
    // Never backpressure: a writer waiting for 'drain' would wait on the stdout that is gone.
    return true;
  };
  return { stdout: tolerant(io.stdout, opts.stdoutToStderr ? toStderr : undefined), stderr };
}

/** With --yes or --dry-run nothing is asked; reaching a prompt would be a bug. */
export function refusingPrompter(): Prompter {
  const no = (): never => {
    throw new Error('no prompt is possible here (this is a bug)');
  };
  return { commandAction: no, confirmDanger: no, editCommand: no, note: no, failureAction: no, confirmCheck: no };
}

/** Where a dry run without --timeline records: nowhere (a preview is not an incident). */
export function discardingSink(): EventSink {
  let seq = 0;
  return {
    path: '',
    append: async (body) => ({ v: 1, seq: seq++, ts: new Date().toISOString(), mono_ms: 0, ...body }) as TimelineEvent,
    appendOutput: async () => undefined,
    close: async () => undefined,
  };
}

/** A dry run never executes: reaching the executor would be a bug. */
export function refusingExecutor(): Executor {
  return {
    run: () => {
      throw new Error('a dry run does not execute commands (this is a bug)');
    },
  };
}

export async function terminalPrompter(io: Io, stop: AbortSignal) {
  const { createPrompter } = await import('../adapters/prompter.js');
  return createPrompter(io, stop);
}
