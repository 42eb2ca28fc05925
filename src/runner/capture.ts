// What of a command's output goes to the timeline: the head and the tail, with the middle counted, never held.
import { StringDecoder } from 'node:string_decoder';

export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 64 * 1024;
/**
 * The end of an unfinished line of the head that is held back until the line goes on. When the head cap cuts
 * the line, what is held is left out with the middle: a secret straddling the cap is never recorded in part.
 * Longer than any credential shape the redactor knows (4096 for a header value).
 */
export const HEAD_LINE_HOLD = 4096;

export type Stream = 'stdout' | 'stderr';

export interface Capture {
  push(stream: Stream, chunk: Buffer): void;
  /** Emit the tail (after a marker when bytes were left out); returns the number of bytes left out. */
  finish(): number;
}

/**
 * `emit` receives text in order. Memory stays at about headBytes of decoder state plus tailBytes, whatever
 * the command prints: only what is recorded is decoded and (by the writer) redacted.
 */
export function createCapture(emit: (stream: Stream, data: string) => void, headBytes = HEAD_BYTES, tailBytes = TAIL_BYTES): Capture {
  const decoders: Record<Stream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  let recorded = 0;
  let omitted = 0;
  const tail: { stream: Stream; buf: Buffer }[] = [];
  let tailSize = 0;
  const held: Record<Stream, string> = { stdout: '', stderr: '' };

  /** Emit head text except the last HEAD_LINE_HOLD characters of an unfinished line. */
  const emitHead = (stream: Stream, text: string): void => {
    const all = held[stream] + text;
    let cut = Math.max(all.lastIndexOf('\n') + 1, all.length - HEAD_LINE_HOLD);
    const code = all.charCodeAt(cut - 1);
    if (cut > 0 && cut < all.length && code >= 0xd800 && code <= 0xdbff) cut--; // never split a surrogate pair
    held[stream] = all.slice(cut);
    if (cut > 0) emit(stream, all.slice(0, cut));
  };

  return {
    push(stream, chunk) {
      let rest = chunk;
      if (recorded < headBytes) {
        const take = Math.min(rest.length, headBytes - recorded);
        const text = decoders[stream].write(rest.subarray(0, take));
        recorded += take;
        if (text) emitHead(stream, text);
        rest = rest.subarray(take);
      }
      if (rest.length === 0) return;
      tail.push({ stream, buf: rest });
      tailSize += rest.length;
      while (tailSize > tailBytes) {
        const first = tail[0] as { stream: Stream; buf: Buffer };
        const excess = tailSize - tailBytes;
        if (first.buf.length <= excess) {
          tail.shift();
          tailSize -= first.buf.length;
          omitted += first.buf.length;
        } else {
          first.buf = first.buf.subarray(excess);
          tailSize -= excess;
          omitted += excess;
        }
      }
    },
    finish() {
      for (const s of ['stdout', 'stderr'] as const) {
        const end = decoders[s].end();
        if (end) emitHead(s, end);
        // The head's unfinished line goes on in the tail unless bytes were left out between them.
        if (omitted > 0 && held[s] !== '') omitted += Buffer.byteLength(held[s]);
        else if (held[s] !== '') emit(s, held[s]);
        held[s] = '';
      }
      if (omitted > 0 && tail.length > 0) {
        // Start the tail on a whole line: a cut line could hold half a secret or half a character.
        const first = tail[0] as { stream: Stream; buf: Buffer };
        const nl = first.buf.indexOf(0x0a);
        const skip = nl < 0 ? first.buf.length : nl + 1;
        first.buf = first.buf.subarray(skip);
        omitted += skip;
        emit('stdout', `\n[… ${omitted} bytes of output not recorded …]\n`);
      }
      const tailDecoders: Record<Stream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      for (const t of tail) {
        const text = tailDecoders[t.stream].write(t.buf);
        if (text) emit(t.stream, text);
      }
      for (const s of ['stdout', 'stderr'] as const) {
        const end = tailDecoders[s].end();
        if (end) emit(s, end);
      }
      tail.length = 0;
      return omitted;
    },
  };
}
