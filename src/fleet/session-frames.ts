// The local half of a host's shell session: the host reports its state in frames on the command's own output
// stream (see remoteWrapPrefix in runner/session-state.ts): lines `<nonce><tag><base64>`. This filter takes them
// out of the stream before anything is shown or recorded, and keeps them per tag. A frame may start in the
// middle of a line (a background process printed without a newline) and may be cut across chunks; a byte
// sequence that could still become the nonce is held back until the next chunk (or the end) decides.
import { randomBytes } from 'node:crypto';

/** A fresh nonce per command: the command cannot know it in advance, so its output never looks like a frame. */
export function sessionNonce(): string {
  return randomBytes(16).toString('hex');
}

/** A frame is about 110 bytes; a "frame" longer than this without its newline is output that merely matched. */
const MAX_FRAME = 8192;
const FRAME_BODY = /^[A-Z][A-Za-z0-9+/=]*$/;

export interface FrameFilter {
  /** A chunk of the host's stdout; what is not a frame goes on to `out` (possibly a few bytes later). */
  push(chunk: Buffer): void;
  /** The stream ended: what was held back is output after all. */
  end(): void;
  /** The bytes the frames of `tag` carried (base64 decoded), or undefined when none came. */
  payload(tag: string): Buffer | undefined;
}

export function createFrameFilter(nonce: string, out: (chunk: Buffer) => void): FrameFilter {
  const marker = Buffer.from(nonce, 'latin1');
  const frames = new Map<string, string[]>();
  let held: Buffer = Buffer.alloc(0);
  const emit = (b: Buffer): void => {
    if (b.length > 0) out(b);
  };
  /** How many bytes at the end of `b` are a proper prefix of the marker (they may be the start of a frame). */
  const prefixAtEnd = (b: Buffer): number => {
    for (let k = Math.min(marker.length - 1, b.length); k > 0; k--) if (b.subarray(b.length - k).equals(marker.subarray(0, k))) return k;
    return 0;
  };
  return {
    push(chunk) {
      let data = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      held = Buffer.alloc(0);
      for (;;) {
        const at = data.indexOf(marker);
        if (at < 0) {
          const keep = prefixAtEnd(data);
          emit(data.subarray(0, data.length - keep));
          if (keep > 0) held = Buffer.from(data.subarray(data.length - keep));
          return;
        }
        const nl = data.indexOf(0x0a, at + marker.length);
        const body = nl < 0 ? undefined : data.toString('latin1', at + marker.length, nl);
        if (nl < 0 && data.length - at <= MAX_FRAME) {
          emit(data.subarray(0, at));
          held = Buffer.from(data.subarray(at));
          return;
        }
        if (body === undefined || !FRAME_BODY.test(body)) {
          // Not one of ours after all (too long, or not base64): output, from just past the marker's first byte.
          emit(data.subarray(0, at + 1));
          data = data.subarray(at + 1);
          continue;
        }
        emit(data.subarray(0, at));
        const tag = body.slice(0, 1);
        const list = frames.get(tag) ?? [];
        list.push(body.slice(1));
        frames.set(tag, list);
        data = data.subarray(nl + 1);
      }
    },
    end() {
      emit(held);
      held = Buffer.alloc(0);
    },
    payload(tag) {
      const parts = frames.get(tag);
      return parts === undefined ? undefined : Buffer.from(parts.join(''), 'base64');
    },
  };
}
