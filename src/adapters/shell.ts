// Which shell runs a runbook command when the runbook does not name one.
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The absolute path of `bash` when an executable one is on PATH, else of `sh` (POSIX guarantees one), else
 * /bin/sh. Resolved once per run: spawning a bare name makes every command search PATH again (one failed
 * execve per folder before the right one).
 */
export function defaultShell(pathVar: string | undefined = process.env['PATH']): string {
  return findOnPath('bash', pathVar) ?? findOnPath('sh', pathVar) ?? '/bin/sh';
}

/** The first executable file called `name` in the directories of `pathVar` (that `accept` takes, when given). */
export function findOnPath(name: string, pathVar: string | undefined, accept?: (path: string) => boolean): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      const st = statSync(candidate);
      // Any execute bit: good enough for a default; spawn reports the rare EACCES as a spawnError.
      if (st.isFile() && (st.mode & 0o111) !== 0 && (accept === undefined || accept(candidate))) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
