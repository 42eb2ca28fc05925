// `runbook export`: a timeline as a postmortem draft (markdown), an asciinema recording (cast), a summary (json)
// or a one-file incident report page (html).
import { constants as C } from 'node:fs';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExportOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError, describeSystemError } from '../errors.js';
import { mapTextFields, type TimelineEvent } from '../timeline/events.js';
import { castHeader, createCastEncoder } from '../report/export-cast.js';
import { renderJsonExport, type ExportProblem } from '../report/export-json.js';
import { createMarkdownExporter } from '../report/export-markdown.js';
import { foldEvent, initialFoldState, summarize } from '../report/fold.js';
import { outlineRunbook } from '../timeline/outline.js';
import { createRedactor, loadUserRedactPatterns, type RedactStream } from '../timeline/redact.js';
import { loadStyle } from '../ui/style.js';
import { readTimeline, type ReadItem } from '../timeline/reader.js';
import { BatchWriter, problemReporter } from './replay.js';

export interface ExportPorts {
  read(path: string): AsyncIterable<ReadItem>;
  /** `runbook verify`'s verdict for the header; null when there is none to give. */
  verify(path: string, env: NodeJS.ProcessEnv): Promise<string | null>;
}

interface Sink {
  write(s: string): Promise<void> | undefined;
  close(): Promise<void>;
}

function stdoutSink(io: Io): Sink {
  const out = new BatchWriter(io.stdout);
  return { write: (s) => out.write(s), close: () => out.flush() };
}

/**
 * `-o FILE`. Never written through a symbolic link (in a shared folder one could point at any file root may
 * write): the export goes to a new file (O_EXCL, mode 0600: it holds what the timeline holds) next to FILE,
 * renamed over FILE once complete. A device or pipe named directly (`-o /dev/null`) is written as it is.
 */
async function fileSink(shown: string, path: string): Promise<Sink> {
  const fail = (err: unknown): UserError => new UserError(`cannot write ${shown}: ${describeSystemError(err)}`);
  let missing = false;
  const existing = await lstat(path).catch((err: unknown) => {
    missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return null;
  });
  if (existing?.isSymbolicLink()) throw new UserError(`cannot write ${shown}: it is a symbolic link; an export is never written through one`);
  // A folder that does not exist yet is made, as --timeline makes its own (any other reason is open's to tell).
  if (missing) await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
    throw fail(err);
  });
  const inPlace = existing !== null && !existing.isFile() && !existing.isDirectory();
  const target = inPlace ? path : join(dirname(path), `.${basename(path)}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  const flags = inPlace ? C.O_WRONLY | C.O_NOFOLLOW : C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW;
  const fh = await open(target, flags, 0o600).catch((err: unknown) => {
    throw fail(err);
  });
  let failed = false;
  let buf = '';
  const drain = async (): Promise<void> => {
    const chunk = buf;
    buf = '';
    await fh.write(chunk).catch((err: unknown) => {
      failed = true;
      throw fail(err);
    });
  };
  return {
    write(s) {
      buf += s;
      return buf.length >= 1 << 20 ? drain() : undefined;
    },
    async close() {
      try {
        await drain();
      } finally {
        await fh.close();
        if (!inPlace) {
          if (failed) await unlink(target).catch(() => undefined);
          else
            await rename(target, path).catch(async (err: unknown) => {
              await unlink(target).catch(() => undefined);
              throw fail(err);
            });
        }
      }
    },
  };
}

/**
 * The events of a timeline with redaction applied again: built-in patterns, the user's config and the
 * runbook's own `redact` patterns. Output is redacted per command as a stream, so a secret split across
 * two chunks is still caught; what a stream holds back comes out just before its command.finished.
 */
async function* redactedEvents(
  items: AsyncIterable<ReadItem>,
  env: NodeJS.ProcessEnv,
  onProblem: (p: ExportProblem) => void,
  output: 'redacted' | 'raw' | 'none',
): AsyncGenerator<TimelineEvent> {
  const redactor = createRedactor({ patterns: loadUserRedactPatterns(env) });
  const r = (s: string): string => redactor.redact(s);
  const streams = new Map<string, RedactStream>();
  const flushOutput = (id: string, like: TimelineEvent): TimelineEvent | null => {
    const st = streams.get(id);
    if (!st) return null;
    streams.delete(id);
    const data = st.flush();
    return data === '' ? null : { ...like, type: 'command.output', id, stream: 'stdout', data } as TimelineEvent;
  };
  for await (const item of items) {
    if (item.kind === 'problem') {
      onProblem({ line: item.line, message: item.message, torn: item.torn });
      continue;
    }
    const ev = item.event;
    switch (ev.type) {
      case 'run.started':
        for (const p of outlineRunbook(ev.runbook.source ?? '', ev.runbook.path).redact) redactor.addPattern(p);
        yield mapTextFields(ev, r);
        break;
      case 'command.output': {
        // The summaries never show output: only its timing matters, and redacting it is the slow part.
        if (output === 'none') {
          yield { ...ev, data: '' };
          break;
        }
        // Only measured (cast's first pass), never written.
        if (output === 'raw') {
          yield ev;
          break;
        }
        let st = streams.get(ev.id);
        if (!st) streams.set(ev.id, (st = redactor.stream()));
        const data = st.push(ev.data);
        if (data !== '') yield { ...ev, data };
        break;
      }
      case 'command.finished': {
        const rest = flushOutput(ev.id, ev);
        if (rest) yield rest;
        yield mapTextFields(ev, r);
        break;
      }
      default:
        // Every text field of the event table, so a field added there is re-redacted here too.
        yield mapTextFields(ev, r);
    }
  }
  for (const id of [...streams.keys()]) {
    const last = flushOutput(id, { v: 1, seq: -1, ts: '', mono_ms: 0, type: 'command.output', id, stream: 'stdout', data: '' });
    // Output held back when the timeline ends mid-command: keep it, at the end.
    if (last) yield last;
  }
}

export async function exportTimeline(timeline: string, options: ExportOptions, io: Io, ports: Partial<ExportPorts> = {}): Promise<number> {
  if (options.output !== undefined && resolve(io.cwd, options.output) === resolve(io.cwd, timeline)) {
    throw new UserError(`-o ${options.output} is the timeline itself: choose another file`);
  }
  const read = ports.read ?? ((path: string) => readTimeline(path));
  // Where the export goes: -o FILE (read from the command's folder, named as typed), else stdout.
  const openSink = (): Promise<Sink> | Sink => (options.output !== undefined ? fileSink(options.output, resolve(io.cwd, options.output)) : stdoutSink(io));
  // Read where the command was run from (as verify and drill do); shown as typed.
  const path = resolve(io.cwd, timeline);
  const integrity = await (ports.verify ?? ((file, env) => import('../report/integrity.js').then((m) => m.integrityOf(file, env))))(path, io.env);
  const problems: ExportProblem[] = [];
  const reporter = problemReporter(io.stderr, 'exported');
  const report = (p: ExportProblem): void => {
    problems.push(p);
    reporter.report({ kind: 'problem', ...p });
  };
  const events = (output: 'redacted' | 'raw' | 'none', quiet = false): AsyncGenerator<TimelineEvent> =>
    redactedEvents(read(path), io.env, quiet ? () => {} : report, output);

  let document: string | null = null;
  const fold = initialFoldState();
  if (options.format === 'markdown') {
    const md = createMarkdownExporter();
    for await (const ev of events('none')) {
      foldEvent(fold, ev);
      md.add(ev);
    }
    document = md.finish({ timelinePath: timeline, problems, integrity });
  } else if (options.format === 'html') {
    // Loaded only here: the page module carries the player's bundle (a few hundred KB of text).
    const { createHtmlExporter } = await import('../report/export-html.js');
    const html = createHtmlExporter(await loadStyle(true));
    for await (const ev of events('redacted')) {
      foldEvent(fold, ev);
      html.add(ev);
    }
    const verify =
      integrity === null
        ? undefined
        : integrity.startsWith('ok: ')
          ? { state: 'verifies' as const, detail: integrity.slice(4) }
          : integrity.startsWith('no chain: ')
            ? { state: 'no chain' as const, detail: integrity.slice(10) }
            : { state: 'does not verify' as const, detail: integrity.replace(/^FAILED: /, '') };
    document = html.finish({ timelinePath: timeline, problems, ...(verify ? { verify } : {}) });
  } else if (options.format === 'json') {
    for await (const ev of events('none')) foldEvent(fold, ev);
    document = renderJsonExport(summarize(fold), problems, integrity);
  } else {
    // Two passes: the header needs the widest line, and the timeline may be too big to hold. The first pass
    // only measures, so it skips redacting output (the slow part); '[redacted]' may make a line a little wider.
    const style = await loadStyle(true);
    const measure = createCastEncoder(style);
    for await (const ev of events('raw')) {
      foldEvent(fold, ev);
      measure.encode(ev);
    }
    if (fold.summary.events > 0) {
      const s = summarize(fold);
      measure.finish(s);
      const sink = await openSink();
      try {
        const title = [s.runbook.title, s.incident].filter((x) => x !== '').join(' — ');
        const w0 = sink.write(castHeader({ width: measure.widest + 1, started: s.started, title }));
        if (w0) await w0;
        const enc = createCastEncoder(style);
        for await (const ev of events('redacted', true)) {
          const w = sink.write(enc.encode(ev));
          if (w) await w;
        }
        sink.write(enc.finish(s));
      } finally {
        await sink.close();
      }
    }
  }

  reporter.finish();
  if (fold.summary.events === 0) throw new UserError(`${timeline} holds no readable event: is it a runbook timeline?`);
  if (fold.summary.status === 'interrupted') {
    io.stderr.write(`runbook: ${timeline}: the run has no run.finished: exported as interrupted\n`);
  }
  if (document !== null) {
    const sink = await openSink();
    try {
      sink.write(document);
    } finally {
      await sink.close();
    }
  }
  return 0;
}
