// The local half of the shell session: how a wrapped command is started (its dump goes to a pipe on fd 3)
// and how the dump's bytes are read back. What the wrapper runs and how a dump is parsed: runner/session-state.ts.
import type { Readable } from 'node:stream';
import type { ExecRequest } from '../runner/ports.js';
import { dumpEnd, LOCAL_DUMP_FD, supportsSession, wrapScript } from '../runner/session-state.js';

type Stdio = ['ignore' | 'inherit' | 'pipe', 'pipe' | 'inherit', 'pipe' | 'inherit', ...'pipe'[]];

/** The script and stdio for `req`: wrapped with a fourth pipe when it asks for a dump and its shell is bash. */
export function sessionLaunch(req: ExecRequest): { script: string; stdio: Stdio; wrapped: boolean } {
  const base: Stdio = req.interactive ? ['inherit', 'inherit', 'inherit'] : [req.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  // A program given as argv (ssh to a host) is not a local shell: its session, if any, is the host's.
  if (req.argv || !req.sessionDump || !supportsSession(req.shell)) return { script: req.script, stdio: base, wrapped: false };
  return { script: wrapScript(req.script, { dumpFd: LOCAL_DUMP_FD }), stdio: [...base, 'pipe'], wrapped: true };
}

/** An environment is at most a few MiB (ARG_MAX); anything longer on the pipe is not a dump of ours. */
const MAX_DUMP_BYTES = 16 * 1024 * 1024;

export interface DumpReader {
  /** The dump is complete, or the pipe closed, or it was given up on: nothing more to wait for. */
  done(): boolean;
  /** The complete dump, if one arrived. */
  bytes(): Buffer | undefined;
  /** Stop waiting (a background process holds the pipe): keep draining it without keeping the runner alive. */
  detach(): void;
  /** The command's shell exited: its whole dump is in the pipe, read it now. */
  exited(): void;
}

/**
 * bash writes `export -p` a line at a time: read as it comes, each line would wake the runner (some forty
 * wake-ups per command). The pipe is left unread until the shell exits, then read in one go. A command still
 * running after HOLD_MS is read as it writes: a dump larger than the pipe (64 KiB) must never wait for an
 * exit that waits for it.
 */
const HOLD_MS = 200;

/**
 * Reads fd 3 until a complete dump or EOF. The pipe is inherited by everything the command starts, so a
 * background process may hold it open for ever: completion is the dump's own terminator, not EOF.
 */
export function createDumpReader(stream: Readable | null | undefined, onChange: () => void): DumpReader {
  if (!stream) return { done: () => true, bytes: () => undefined, detach: () => undefined, exited: () => undefined };
  const chunks: Buffer[] = [];
  let size = 0;
  let complete: Buffer | undefined;
  let closed = false;
  let gaveUp = false;
  stream.on('error', () => {});
  stream.on('close', () => {
    closed = true;
    onChange();
  });
  stream.on('data', (chunk: Buffer) => {
    if (complete !== undefined || gaveUp) return;
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_DUMP_BYTES) {
      gaveUp = true;
      chunks.length = 0;
    } else if (chunk.includes(0)) {
      // A dump ends with a NUL; bash writes `export -p` a line at a time, so most chunks hold none.
      const all = Buffer.concat(chunks);
      const end = dumpEnd(all);
      if (end < 0) return;
      complete = all.subarray(0, end);
      chunks.length = 0;
      // A background process of the command may keep the pipe open: it must not keep the runner alive.
      (stream as Readable & { unref?: () => void }).unref?.();
    } else return;
    onChange();
  });
  stream.pause();
  const hold = setTimeout(() => stream.resume(), HOLD_MS);
  hold.unref();
  return {
    exited() {
      clearTimeout(hold);
      stream.resume();
    },
    done: () => closed || gaveUp || complete !== undefined,
    bytes: () => complete,
    detach() {
      clearTimeout(hold);
      stream.resume();
      gaveUp = gaveUp || complete === undefined;
      (stream as Readable & { unref?: () => void }).unref?.();
    },
  };
}
