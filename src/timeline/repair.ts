// Under the lock, before appending: find the last event from the end of the file, and move a torn last line
// aside (to `<timeline>.torn-<n>`) so the next event starts on a clean line.
import { promises as fsp, constants as C } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { SCHEMA_VERSION } from './events.js';
import { envelopeOf, linesBackward, tryParse } from './tail.js';

export interface TailState {
  /** The file size after any repair. */
  size: number;
  /** The last complete event, or null when there is none. */
  last: { seq: number; mono_ms: number } | null;
  /** The last non-blank line left in the file (without its '\n'): the next event's `prev` is its hash. */
  lastLine: Buffer | null;
}

export async function repairTail(fh: FileHandle, path: string, size: number): Promise<TailState> {
  let last: TailState['last'] = null;
  let cutAt: number | null = null;
  let completeLine = false;
  let first = true;
  let lastLine: Buffer | null = null;
  for await (const line of linesBackward(fh, size)) {
    const text = line.bytes.toString('utf8');
    if (text.trim() === '') {
      if (first && !line.newline && line.bytes.length > 0) cutAt = line.start; // stray blanks after the last '\n'
      first = false;
      continue;
    }
    const env = envelopeOf(tryParse(text));
    if (first) {
      first = false;
      if (!env) {
        cutAt = line.start; // torn or garbage last line: moved aside
        continue;
      }
      if (!line.newline) completeLine = true; // a whole event missing only its newline: keep it
    }
    lastLine ??= Buffer.from(line.bytes);
    if (!env || env.v === undefined) continue; // a damaged line in the middle: look further back
    if (env.v !== SCHEMA_VERSION) {
      throw new UserError(`timeline ${path} has schema version ${JSON.stringify(env.v)}; this runbook writes version ${SCHEMA_VERSION}`);
    }
    last = env;
    break;
  }
  if (cutAt !== null) return { size: await moveAside(fh, path, cutAt, size), last, lastLine };
  if (completeLine) {
    await fh.write(Buffer.from('\n'));
    return { size: size + 1, last, lastLine };
  }
  return { size, last, lastLine };
}

/** Copy bytes [from, size) to `<path>.torn-<n>` (the first free n), then cut the timeline back to `from`. */
async function moveAside(fh: FileHandle, path: string, from: number, size: number): Promise<number> {
  const torn = Buffer.alloc(size - from);
  const { bytesRead } = await fh.read(torn, 0, torn.length, from);
  for (let n = 1; ; n++) {
    let out: FileHandle;
    try {
      // O_EXCL: an existing name, a planted symbolic link included, is skipped, never written through.
      out = await fsp.open(`${path}.torn-${n}`, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      await out.write(torn, 0, bytesRead);
      await out.datasync();
    } finally {
      await out.close();
    }
    break;
  }
  await fh.truncate(from);
  await fh.datasync();
  return from;
}
