// The durable timeline writer: redacts, numbers and stamps events, appends them one whole line per write under
// a cross-process lock, and syncs them before saying they are recorded. docs/timeline-format.md has the rules.
import { promises as fsp, constants as C, fstatSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCode, TimelineWriteError, UserError, describeSystemError } from '../errors.js';
import type { Clock, EventSink } from '../runner/ports.js';
import { SCHEMA_VERSION, mapTextFields, type EventBody, type TimelineEvent } from './events.js';
import { EMPTY_HASH, lineHash, type Sealer } from './chain.js';
import { LockFileError, LockTimeoutError, acquireLock, lockPathOf, lockWanted, ownerPathOf, releaseLock, withLock, writeOwner } from './lock.js';
import type { RedactStream, Redactor } from './redact.js';
import { repairTail } from './repair.js';
import { envelopeOf, readFirstLine, tryParse } from './tail.js';

/** Output data per event is at most this many bytes (UTF-8). */
export const MAX_OUTPUT_BYTES = 64 * 1024;
/** Output events are synced at most this long after they were written. */
export const OUTPUT_SYNC_MS = 250;

/**
 * What a runner (owner) syncs before append resolves: what must be on disk before something happens in the world
 * (a command starts) or before the run is reported. Its other events (a step's end, the next step's start, a
 * command's end) are written at once and share the next sync: the one before the next command starts, or the
 * 250 ms timer. docs/timeline-format.md#durability.
 */
/** A runner keeps the lock across appends (a lease) and lets go after this long without one, or when asked. */
export const LEASE_IDLE_MS = 100;

const OWNER_SYNCS = new Set<string>(['run.started', 'run.resumed', 'command.started', 'run.finished', 'seal']);

export interface OpenTimelineOptions {
  clock: Clock;
  redactor: Redactor;
  /** true: a new file that must not exist yet; false: append to the file, creating it if missing. */
  create: boolean;
  /** This process is the live runner of the timeline: keep `<path>.owner` while open. */
  owner?: boolean;
  /** Told who holds the lock when an append has waited for it a while (default: a line on stderr). */
  onLockWait?: (message: string) => void;
  /**
   * Events need not be on disk when append resolves; they are synced within OUTPUT_SYNC_MS and on close.
   * For a dry run, which executes nothing: one fdatasync per event made a long preview take minutes.
   */
  lazySync?: boolean;
  /** Seal the chain right after `run.finished`, in the same write (docs/timeline-format.md#seal). */
  sealer?: Sealer;
}

export interface TimelineWriter extends EventSink {
  /** Sync output written so far (also done on a timer, on the next non-output append and on close). */
  sync(): Promise<void>;
  /** Append a `seal` over the chain as it is now (under the lock, so nobody appends between head and seal); synced. */
  seal(sealer: Sealer): Promise<TimelineEvent>;
}

type OutputBody = Extract<EventBody, { type: 'command.output' }>;

export { lockPathOf, ownerPathOf };

function writeError(path: string, err: unknown): UserError {
  if (err instanceof UserError) return err;
  if (err instanceof LockTimeoutError || err instanceof LockFileError) return new TimelineWriteError(path, err.message);
  // "ENOSPC: no space left on device, write" -> "ENOSPC: no space left on device"
  return new TimelineWriteError(path, describeSystemError(err).replace(/, [a-z]+$/, ''));
}

export async function openTimeline(path: string, opts: OpenTimelineOptions): Promise<TimelineWriter> {
  let fh: FileHandle;
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw writeError(path, err);
  }
  try {
    // O_NOFOLLOW: a symbolic link planted in a shared folder must not make us append to (or create) its target.
    const flags = C.O_RDWR | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW | (opts.create ? C.O_EXCL : 0);
    fh = await fsp.open(path, flags, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && opts.create) {
      throw new UserError(`timeline ${path} already exists: choose another file, or --resume it`, ExitCode.usage);
    }
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new TimelineWriteError(path, 'it is a symbolic link; a timeline is never written through one (give the file it points to)');
    }
    throw writeError(path, err);
  }
  let regular: boolean;
  try {
    const st = await fh.stat();
    regular = st.isFile();
    // Never append to (or "repair") a file that is not a timeline: a mistyped --timeline README.md must not
    // lose README's last line to the torn-tail repair. A real timeline, even one torn inside its first
    // event, starts with the envelope's "v".
    if (regular && st.size > 0) {
      const head = Buffer.alloc(Math.min(st.size, 64));
      await fh.read(head, 0, head.length, 0);
      const text = head.toString('utf8');
      // (A crash inside the first write can leave as little as `{"v`: still ours, and repaired as torn.)
      if (!/^\s*\{\s*"v"\s*:/.test(text) && !'{"v":'.startsWith(text)) {
        await fh.close().catch(() => undefined);
        throw new UserError(`${path} is not a runbook timeline (it does not start with a timeline event); nothing was written to it`, ExitCode.usage);
      }
    }
    if (opts.owner) await writeOwner(ownerPathOf(path));
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw writeError(path, err);
  }
  return new Writer(path, fh, regular, opts);
}

class Writer implements TimelineWriter {
  /** File size right after our last write; -1 when unknown (then the tail is read under the lock). */
  private knownSize = -1;
  private lastSeq = -1;
  private lastMono = 0;
  /** The hash of the file's last line: the next event's `prev`. */
  private lastHash = EMPTY_HASH;
  /** clock.monoMs() at our first append, and the run's mono_ms at that moment. */
  private origin: { local: number; run: number } | null = null;
  private dirty = false;
  private syncTimer: NodeJS.Timeout | null = null;
  /** A failed background sync: reported by the next call. */
  private pendingError: UserError | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Output chunks waiting for their queued write; closed by any other call so the order stays the call order. */
  private outputBatch: OutputBody[] | null = null;
  private outputBatchDone: Promise<void> | null = null;
  // One redaction stream per command, stream and host (a command run on hosts has one per host).
  private readonly streams = new Map<string, { id: string; stream: 'stdout' | 'stderr'; host?: string; r: RedactStream }>();
  /** The runner's lease on the lock: its token while held, and the timer that lets go when idle. */
  private lease: string | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private writing = false;

  constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    /** Devices and pipes have one writer and cannot be read back: no lock, no tail. */
    private readonly regular: boolean,
    private readonly opts: OpenTimelineOptions,
  ) {}

  append(body: EventBody): Promise<TimelineEvent> {
    if (body.type === 'command.output') {
      // Through the chunk's stream (flushed: the caller wants it recorded now), then synced like any event.
      return this.enqueue(async () => {
        const bodies = this.outputBodies(body, true);
        const events = await this.writeBodies(bodies.length ? bodies : [{ ...body, data: '' }], true);
        return events[events.length - 1] as TimelineEvent;
      });
    }
    return this.enqueue(async () => {
      const bodies: EventBody[] = [];
      // A command's held-back output goes before its end; everything held goes before the run's end.
      if (body.type === 'command.finished') bodies.push(...this.drainStreams((s) => s.id === body.id && s.host === body.host));
      if (body.type === 'run.finished') bodies.push(...this.drainStreams(() => true));
      bodies.push(this.redactBody(body));
      // Even a lazy writer syncs the run's end: a failure to get the run on disk is reported, not swallowed.
      const lazy = (this.opts.lazySync === true || (this.opts.owner === true && !OWNER_SYNCS.has(body.type))) && body.type !== 'run.finished';
      // The run's end and its seal go out in one write: no other appender can come between them.
      const sealer = body.type === 'run.finished' ? this.opts.sealer : undefined;
      const events = await this.writeBodies(bodies, !lazy || sealer !== undefined, sealer);
      if (sealer) return events[events.length - 2] as TimelineEvent;
      if (lazy) this.scheduleSync();
      return events[events.length - 1] as TimelineEvent;
    });
  }

  appendOutput(body: OutputBody): Promise<void> {
    // Chunks that arrive while earlier work is still queued share one locked write.
    if (this.outputBatch) {
      this.outputBatch.push(body);
      return this.outputBatchDone as Promise<void>;
    }
    const batch: OutputBody[] = [body];
    const done = this.enqueue(async () => {
      if (this.outputBatch === batch) this.outputBatch = null;
      const bodies = batch.flatMap((b) => this.outputBodies(b, false));
      if (bodies.length) {
        await this.writeBodies(bodies, false);
        this.scheduleSync();
      }
    });
    this.outputBatch = batch;
    this.outputBatchDone = done;
    return done;
  }

  sync(): Promise<void> {
    return this.enqueue(() => this.syncNow());
  }

  seal(sealer: Sealer): Promise<TimelineEvent> {
    return this.enqueue(async () => {
      const events = await this.writeBodies([...this.drainStreams(() => true)], true, sealer);
      return events[events.length - 1] as TimelineEvent;
    });
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.enqueue(async () => {
      // A failed background sync is reported, but only after the file is closed and the owner file gone.
      let failure: unknown = this.pendingError;
      this.pendingError = null;
      try {
        const rest = this.drainStreams(() => true);
        if (rest.length) await this.writeBodies(rest, false);
        await this.syncNow();
      } catch (err) {
        failure ??= err;
      }
      this.dropLease();
      this.closed = true;
      if (this.syncTimer) clearTimeout(this.syncTimer);
      await this.fh.close().catch(() => undefined);
      if (this.opts.owner) await fsp.unlink(ownerPathOf(this.path)).catch(() => undefined);
      if (failure) throw writeError(this.path, failure);
    }, true);
    return this.closing;
  }

  private enqueue<T>(fn: () => Promise<T>, isClose = false): Promise<T> {
    this.outputBatch = null;
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error(`timeline writer for ${this.path} is closed (this is a bug)`);
      if (this.pendingError && !isClose) {
        const e = this.pendingError;
        this.pendingError = null;
        throw e;
      }
      return fn();
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private scheduleSync(): void {
    if (this.syncTimer || !this.dirty) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      if (this.closed) return;
      this.enqueue(() => this.syncNow()).catch((err: unknown) => {
        this.pendingError = writeError(this.path, err);
      });
    }, OUTPUT_SYNC_MS);
    this.syncTimer.unref();
  }

  private async syncNow(): Promise<void> {
    if (!this.dirty) return;
    try {
      await this.fh.datasync();
    } catch (err) {
      if (!this.regular && ['EINVAL', 'ENOTSUP', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) return;
      throw writeError(this.path, err);
    }
    this.dirty = false;
  }

  // ---- redaction

  /** Every text field the event table declares (runbook.source included: its sha256 stays the original's). */
  private redactBody(body: EventBody): EventBody {
    return mapTextFields(body, (s) => this.opts.redactor.redact(s));
  }

  /** Redact a chunk through its command's stream and cut it into events of at most MAX_OUTPUT_BYTES. */
  private outputBodies(body: OutputBody, final: boolean): OutputBody[] {
    const key = `${body.id}\u0000${body.stream}\u0000${body.host ?? ''}`;
    let s = this.streams.get(key);
    if (!s) {
      s = { id: body.id, stream: body.stream, ...(body.host !== undefined ? { host: body.host } : {}), r: this.opts.redactor.stream() };
      this.streams.set(key, s);
    }
    let data = s.r.push(body.data);
    if (final) {
      data += s.r.flush();
      this.streams.delete(key);
    }
    return splitData(data).map((d) => ({ type: 'command.output', id: body.id, stream: body.stream, data: d, ...(body.host !== undefined ? { host: body.host } : {}) }));
  }

  private drainStreams(which: (s: { id: string; host?: string }) => boolean): OutputBody[] {
    const out: OutputBody[] = [];
    for (const [key, s] of [...this.streams]) {
      if (!which(s)) continue;
      this.streams.delete(key);
      for (const d of splitData(s.r.flush())) out.push({ type: 'command.output', id: s.id, stream: s.stream, data: d, ...(s.host !== undefined ? { host: s.host } : {}) });
    }
    return out;
  }

  // ---- writing

  /** Number, stamp and write bodies as one write under the lock; sync when asked. Resolves once written (and synced). */
  private async writeBodies(bodies: EventBody[], sync: boolean, sealer?: Sealer): Promise<TimelineEvent[]> {
    if (bodies.length === 0 && !sealer) {
      if (sync) await this.syncNow();
      return [];
    }
    const work = async (): Promise<TimelineEvent[]> => {
      await this.learnTail();
      const events: TimelineEvent[] = [];
      const lines: string[] = [];
      // Each line's prev is the hash of the line before it, as it will be written: the chain is built here,
      // under the lock, where nobody else can append between our lines or before the first.
      let seq = this.lastSeq;
      let mono = this.lastMono;
      let hash = this.lastHash;
      const add = async (b: EventBody): Promise<void> => {
        mono = await this.monoNow(mono);
        const e = { v: SCHEMA_VERSION, seq: ++seq, ts: this.opts.clock.now().toISOString(), mono_ms: mono, prev: hash, ...b } as TimelineEvent;
        const line = JSON.stringify(e);
        hash = lineHash(line);
        events.push(e);
        lines.push(line);
      };
      for (const b of bodies) await add(b);
      if (sealer) await add(this.redactBody({ type: 'seal', head: hash, events: seq + 1, ...(await sealer(seq + 1, hash)) }));
      const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      const before = this.knownSize;
      try {
        await this.writeAll(data);
        this.dirty = true;
        if (sync) await this.syncNow();
      } catch (err) {
        // Never leave behind an event we report as not recorded: cut our own bytes off again.
        if (this.regular && before >= 0) await this.fh.truncate(before).catch(() => undefined);
        this.knownSize = -1;
        if (!this.regular) this.lastHash = EMPTY_HASH; // unknowable now: the next line will not chain
        throw writeError(this.path, err);
      }
      this.knownSize = this.regular ? before + data.length : -1;
      this.lastSeq = seq;
      this.lastMono = mono;
      this.lastHash = hash;
      return events;
    };
    if (!this.regular) return work();
    try {
      const onWait = this.opts.onLockWait ?? ((m: string) => void process.stderr.write(`runbook: ${m}\n`));
      if (this.opts.owner) return await this.underLease(work, onWait);
      return await withLock(lockPathOf(this.path), work, { onWait });
    } catch (err) {
      throw writeError(this.path, err);
    }
  }

  /**
   * The runner writes most events, often several in a row: it keeps the lock across them instead of taking and
   * dropping it for each, and lets go after LEASE_IDLE_MS without an append, or at once when another appender
   * asks (`<lock>.want`). Under the lease, learnTail still compares the file's size with what we left, so a
   * line appended some other way is found and chained.
   */
  private async underLease<T>(work: () => Promise<T>, onWait: (m: string) => void): Promise<T> {
    const lockPath = lockPathOf(this.path);
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
    this.lease ??= await acquireLock(lockPath, { onWait });
    this.writing = true;
    try {
      return await work();
    } catch (err) {
      this.dropLease();
      throw err;
    } finally {
      this.writing = false;
      if (this.lease !== null && lockWanted(lockPath)) this.dropLease();
      else if (this.lease !== null) {
        this.leaseTimer = setTimeout(() => {
          this.leaseTimer = null;
          if (!this.writing) this.dropLease();
        }, LEASE_IDLE_MS);
        this.leaseTimer.unref();
      }
    }
  }

  private dropLease(): void {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
    if (this.lease === null) return;
    releaseLock(lockPathOf(this.path), this.lease);
    this.lease = null;
  }

  private async writeAll(data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) {
      // A regular file's write lands in the page cache: done here, not as a round trip through the thread pool
      // and a wake of the event loop (as the stat in learnTail). A pipe or terminal could block: that one stays
      // async, and so does the sync (fdatasync waits for the disk).
      const bytesWritten = this.regular ? writeSync(this.fh.fd, data, off, data.length - off) : (await this.fh.write(data, off, data.length - off)).bytesWritten;
      if (bytesWritten <= 0) throw new Error('short write');
      off += bytesWritten;
    }
  }

  /** Under the lock: find the last event (fast when the file is as we left it), repairing a torn tail. */
  private async learnTail(): Promise<void> {
    if (!this.regular) {
      this.knownSize = 0;
      return;
    }
    const size = fstatSync(this.fh.fd).size;
    if (size === this.knownSize) return;
    const tail = await repairTail(this.fh, this.path, size);
    this.knownSize = tail.size;
    this.lastSeq = tail.last ? tail.last.seq : -1;
    this.lastHash = tail.lastLine ? lineHash(tail.lastLine) : EMPTY_HASH;
    if (tail.last) this.lastMono = Math.max(this.lastMono, tail.last.mono_ms);
  }

  /** mono_ms for an event written now: never negative, never below the previous event's (`floor`). */
  private async monoNow(floor = this.lastMono): Promise<number> {
    const local = this.opts.clock.monoMs();
    if (!this.origin) {
      let run = 0;
      if (this.lastSeq >= 0) {
        // Joining a run another process started: derive from the run's start time and the wall clock.
        const startMs = await this.runStartMs();
        run = startMs === null ? this.lastMono : this.opts.clock.now().getTime() - startMs;
      }
      this.origin = { local, run: Math.max(0, run) };
    }
    const mono = Math.round(this.origin.run + (local - this.origin.local));
    return Math.max(0, mono, floor);
  }

  private async runStartMs(): Promise<number | null> {
    if (!this.regular) return null;
    const first = await readFirstLine(this.fh).catch(() => null);
    const env = first ? envelopeOf(tryParse(first.toString('utf8'))) : null;
    const ms = env ? Date.parse(env.ts) : NaN;
    return Number.isFinite(ms) ? ms - (env?.mono_ms ?? 0) : null;
  }
}

/** Cut text into pieces of at most MAX_OUTPUT_BYTES UTF-8 bytes, never inside a character. */
export function splitData(text: string): string[] {
  if (text === '') return [];
  if (text.length * 3 <= MAX_OUTPUT_BYTES || Buffer.byteLength(text, 'utf8') <= MAX_OUTPUT_BYTES) return [text];
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    // Grow a piece character by character in blocks; at most 3 bytes per UTF-16 unit.
    let end = Math.min(text.length, start + Math.floor(MAX_OUTPUT_BYTES / 3));
    while (end < text.length) {
      const step = Math.min(text.length, end + 1024);
      if (Buffer.byteLength(text.slice(start, step), 'utf8') > MAX_OUTPUT_BYTES) break;
      end = step;
    }
    while (end < text.length && Buffer.byteLength(text.slice(start, end + 1), 'utf8') <= MAX_OUTPUT_BYTES) end++;
    // Do not split a surrogate pair.
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}
