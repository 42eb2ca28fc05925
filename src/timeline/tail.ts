// Reading the ends of a timeline without reading the middle: the first line, and lines from the end backwards.
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;
const MAX_BLOCK = 16 * 1024 * 1024;

export interface TailLine {
  /** Byte offset of the first byte of the line. */
  start: number;
  /** Byte offset just past the line's content (its '\n', when it has one, is at `end`). */
  end: number;
  bytes: Buffer;
  /** Whether a '\n' follows. */
  newline: boolean;
}

/** The file's lines from the last to the first. Memory: one block plus the longest line. */
export async function* linesBackward(fh: FileHandle, size: number): AsyncGenerator<TailLine> {
  if (size === 0) return;
  let pos = size; // tail holds bytes [pos, pos + tail.length)
  let tail: Buffer = Buffer.alloc(0);
  // Read back to the previous '\n' (or the start) and join once: a line of n bytes costs O(n), however long it
  // is. (Joining block by block cost O(n²): minutes for a 100 MB line.) Blocks grow while no '\n' turns up.
  const readBlock = async (): Promise<void> => {
    const parts: Buffer[] = [];
    let want = BLOCK;
    for (;;) {
      const from = Math.max(0, pos - want);
      const blk = Buffer.allocUnsafe(pos - from); // filled by readFully, or it throws
      await readFully(fh, blk, from);
      parts.push(blk);
      pos = from;
      if (pos === 0 || blk.includes(0x0a)) break;
      want = Math.min(want * 2, MAX_BLOCK);
    }
    if (tail.length) parts.unshift(tail);
    parts.reverse(); // read from the end backwards: the earliest bytes come first
    tail = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  };
  await readBlock();
  let newline = tail[tail.length - 1] === 0x0a;
  let lineEnd = newline ? size - 1 : size;
  for (;;) {
    const rel = lineEnd - pos; // line content is tail[?, rel)
    const nl = rel > 0 ? tail.lastIndexOf(0x0a, rel - 1) : -1;
    if (nl >= 0) {
      yield { start: pos + nl + 1, end: lineEnd, bytes: tail.subarray(nl + 1, rel), newline };
      tail = tail.subarray(0, nl);
      lineEnd = pos + nl;
      newline = true;
    } else if (pos === 0) {
      yield { start: 0, end: lineEnd, bytes: tail.subarray(0, rel), newline };
      return;
    } else {
      await readBlock();
    }
  }
}

/** The first line of the file (without its '\n'), or null when the file is empty; at most maxBytes are read. */
export async function readFirstLine(fh: FileHandle, maxBytes = 16 * 1024 * 1024): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < maxBytes) {
    const buf = Buffer.alloc(BLOCK);
    const { bytesRead } = await fh.read(buf, 0, BLOCK, pos);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    const nl = chunk.indexOf(0x0a);
    if (nl >= 0) {
      parts.push(chunk.subarray(0, nl));
      return Buffer.concat(parts);
    }
    parts.push(chunk);
    pos += bytesRead;
  }
  return parts.length ? Buffer.concat(parts) : null;
}

export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) throw new Error('file shrank while reading');
    off += bytesRead;
  }
}

/** JSON.parse that returns undefined instead of throwing. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A parsed line that looks like an event envelope: an object with an integer seq. */
export function envelopeOf(value: unknown): { seq: number; mono_ms: number; ts: string; type: string; v: unknown } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.seq !== 'number' || !Number.isInteger(o.seq) || o.seq < 0) return null;
  if (typeof o.type !== 'string') return null;
  return {
    seq: o.seq,
    mono_ms: typeof o.mono_ms === 'number' && Number.isFinite(o.mono_ms) ? o.mono_ms : 0,
    ts: typeof o.ts === 'string' ? o.ts : '',
    type: o.type,
    v: o.v,
  };
}
