// What a command may touch of the process: its streams, environment and terminal facts. Injected so tests can fake it.

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
  };
}
