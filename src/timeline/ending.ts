// How an attempt ended, in the words every view uses for it: the live run's summary and per-host lines, a drill,
// a resumed run's account of before, and the postmortem. One place, so a way of ending added to command.finished
// (a lost exit status, a host that never answered) reads the same wherever an attempt is named.

/** What command.finished records of an attempt: the runner's result and a folded timeline both have it. */
export interface Ending {
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  /** Why it never started, when the runner knows (a missing shell, a refused value). */
  spawnError?: string;
  /** It ran, but its status went with the command launcher (status_lost). */
  statusLost?: boolean;
  /** The host itself failed (unreachable, authentication refused), not the command. */
  hostError?: string;
}

/** "exit 1", "killed by SIGTERM", "timed out", "interrupted", "exit status lost", "did not start", "unreachable". */
export function endingWords(r: Ending): string {
  if (r.hostError !== undefined) return 'unreachable';
  if (r.spawnError !== undefined) return 'did not start';
  if (r.timedOut) return 'timed out';
  if (r.interrupted) return 'interrupted';
  if (r.exitCode === null) return r.signal ? `killed by ${r.signal}` : r.statusLost === true ? 'exit status lost' : 'did not start';
  return `exit ${r.exitCode}`;
}
