// Typed errors that commands throw; src/main.ts is the only place that turns them into exit codes.

export const ExitCode = {
  ok: 0,
  /** The work itself failed: a run ended on an unresolved failure, lint found errors. */
  failed: 1,
  /** Usage or input error: bad flag, unknown runbook, unreadable timeline, no TTY. */
  usage: 2,
  /** The timeline could not be written (disk full, permissions, I/O error). */
  timeline: 3,
  /** The operator aborted. */
  aborted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user caused or can fix: printed as one line, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The timeline could not be written; nothing further may run. */
export class TimelineWriteError extends UserError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write timeline ${path}: ${reason}`, ExitCode.timeline);
    this.name = 'TimelineWriteError';
  }
}

/** The operator chose to stop (or pressed Ctrl-C twice, or the runner got SIGTERM/SIGHUP). */
export class AbortedError extends Error {
  constructor(message = 'aborted') {
    super(message);
    this.name = 'AbortedError';
  }
}

/** A short reason for a Node system error: "ENOSPC: no space left on device". */
export function describeSystemError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    const e = err as NodeJS.ErrnoException;
    const msg = e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return `${e.code}: ${msg}`;
  }
  return err instanceof Error ? err.message : String(err);
}
