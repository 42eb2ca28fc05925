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
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY) && stderrTTY,
    color: colorWanted(process.env, stdoutTTY),
    colorErr: colorWanted(process.env, stderrTTY),
  };
}
