// What a command may touch of the process: its streams, environment and terminal facts. Injected so tests can fake it.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdin and stderr are both terminals: prompts are possible (they are drawn on stderr, so stdout may be a pipe). */
  interactive: boolean;
  /** Colour on stdout (TTY, NO_COLOR, FORCE_COLOR already applied). */
  color: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
  /**
   * Close the descriptors this process inherited above stderr, before it starts commands
   * (closeInheritedDescriptors). Only the real process has it: a test calling main() in-process must not
   * close its runner's descriptors.
   */
  closeInherited?: () => void;
}

export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

export function processIo(): Io {
  const stdoutTTY = Boolean(process.stdout.isTTY);
  const stderrTTY = Boolean(process.stderr.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made when first read: Node builds stdin's stream on first use (a file or /dev/null: an fs.ReadStream,
    // ~2.5 ms), and only prompts and `runbook mcp` read it. stdin is a terminal only matters when stderr is one.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    interactive: stderrTTY && Boolean(process.stdin.isTTY),
    color: colorWanted(process.env, stdoutTTY),
    colorErr: colorWanted(process.env, stderrTTY),
    closeInherited: () => void closeInheritedDescriptors(),
  };
}

// Descriptors the process inherited above stderr (an operator's `exec 251<file`, a build's jobserver pipe).
// libuv opens every descriptor of its own close-on-exec; nothing marks these, so every command Node or the Perl
// launcher starts would get them too, where docs/running.md promises a command no other open descriptor (the
// Python launcher closes them: subprocess's close_fds). The runner uses none of them: `run` and `gameday` close
// them once, before their first command. Here, not in a module of its own: `node dist/main.js --version`
// loads this file and nothing more of src/.
const O_CLOEXEC = 0o2000000;

/**
 * Close every open descriptor above 2 that is not close-on-exec, except Node's IPC channel (NODE_CHANNEL_FD,
 * when a parent Node started this one with `ipc`). Linux only: elsewhere (no /proc) nothing is closed.
 * Returns the descriptors closed.
 */
export function closeInheritedDescriptors(env: NodeJS.ProcessEnv = process.env): number[] {
  const channel = Number(env['NODE_CHANNEL_FD'] ?? -1);
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  const closed: number[] = [];
  // One small buffer for every fdinfo ("pos: 0\nflags: 02100000\n..."): readFileSync's fstat and growing
  // reads made this ~0.1 ms a descriptor.
  const buf = Buffer.allocUnsafe(512);
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2 || fd === channel) continue;
    let flags: number;
    try {
      const info = openSync(`/proc/self/fdinfo/${fd}`, 'r');
      let n: number;
      try {
        n = readSync(info, buf, 0, buf.length, null);
      } finally {
        closeSync(info);
      }
      const m = /^flags:\s*([0-7]+)$/m.exec(buf.toString('latin1', 0, n));
      if (!m) continue;
      flags = parseInt(m[1] as string, 8);
    } catch {
      continue; // gone already (readdir's own descriptor)
    }
    if ((flags & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // closed meanwhile
    }
  }
  return closed;
}
