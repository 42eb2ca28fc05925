// What state a timeline is in, read from its first line, its last lines and its owner sidecar: O(1) in its size.
import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import { RUN_MODES, type RunMode, type RunStatus } from './events.js';
import { ownerAlive, ownerPathOf } from './lock.js';
import { envelopeOf, linesBackward, readFirstLine, tryParse } from './tail.js';

export type TimelineStatus = RunStatus | 'running' | 'interrupted';

export interface TimelineSummary {
  path: string;
  /** The incident id from run.started (else the file name without .jsonl). */
  incident: string;
  /** The runbook id from run.started; null when the timeline has no readable run.started. */
  runbook: string | null;
  /** live, dry-run, drill or gameday, from run.started; null without a readable run.started. */
  mode: RunMode | null;
  /** ISO time of the first event; null for an empty timeline. */
  started: string | null;
  /** ISO time of run.finished; null while unfinished. */
  finished: string | null;
  status: TimelineStatus;
  /** How many events the timeline holds (the last seq + 1). */
  events: number;
  /** How many hosts remote blocks ran on (its targets.confirmed event), when it has one. */
  hosts?: number;
}

const RUN_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'aborted']);

/** Summarize a timeline without reading its middle. Throws UserError when it cannot be read. */
export async function summarizeTimeline(path: string, opts: { hosts?: boolean } = {}): Promise<TimelineSummary> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  }
  try {
    const size = (await fh.stat()).size;
    const summary: TimelineSummary = {
      path,
      incident: basename(path).replace(/\.jsonl$/, ''),
      runbook: null,
      mode: null,
      started: null,
      finished: null,
      status: 'interrupted',
      events: 0,
    };
    const first = await readFirstLine(fh);
    const head = first ? (tryParse(first.toString('utf8')) as Record<string, unknown> | undefined) : undefined;
    if (head && typeof head === 'object') {
      if (typeof head.ts === 'string') summary.started = head.ts;
      if (head.type === 'run.started') {
        if (typeof head.incident === 'string' && head.incident) summary.incident = head.incident;
        const rb = head.runbook as Record<string, unknown> | undefined;
        if (rb && typeof rb.id === 'string') summary.runbook = rb.id;
        if ((RUN_MODES as readonly unknown[]).includes(head.mode)) summary.mode = head.mode as RunMode;
      }
    }
    // From the end: the last event gives the count; run.finished may only be followed by notes, marks and seals.
    let counted = false;
    let finished = false;
    for await (const line of linesBackward(fh, size)) {
      const value = tryParse(line.bytes.toString('utf8'));
      const env = envelopeOf(value);
      if (!env) continue; // torn or damaged: look further back
      if (!counted) {
        summary.events = env.seq + 1;
        counted = true;
      }
      const o = value as Record<string, unknown>;
      if (env.type === 'run.finished' && typeof o.status === 'string' && RUN_STATUSES.has(o.status)) {
        summary.status = o.status as RunStatus;
        summary.finished = env.ts || null;
        finished = true;
        break;
      }
      if (env.type !== 'note' && env.type !== 'mark' && env.type !== 'seal') break;
    }
    if (!finished) summary.status = (await ownerAlive(ownerPathOf(path))) ? 'running' : 'interrupted';
    const hosts = opts.hosts ? await hostCount(fh, size) : undefined;
    if (hosts !== undefined) summary.hosts = hosts;
    return summary;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read timeline ${path}: ${describeSystemError(err)}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

// The host list is recorded once, before the first remote block: near the start of a timeline. It is looked
// for in the first MiB only, as a byte search, so listing stays cheap however long the timelines are.
const HOSTS_SCAN_BYTES = 1024 * 1024;

async function hostCount(fh: fsp.FileHandle, size: number): Promise<number | undefined> {
  const buf = Buffer.alloc(Math.min(size, HOSTS_SCAN_BYTES));
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const head = buf.subarray(0, bytesRead);
  const at = head.indexOf('"type":"targets.confirmed"');
  if (at < 0) return undefined;
  const start = head.lastIndexOf(0x0a, at) + 1;
  const end = head.indexOf(0x0a, at);
  const value = tryParse(head.subarray(start, end < 0 ? head.length : end).toString('utf8')) as { hosts?: unknown } | undefined;
  return Array.isArray(value?.hosts) ? value.hosts.length : undefined;
}

export function isFinished(s: TimelineSummary): boolean {
  return s.status !== 'running' && s.status !== 'interrupted';
}
