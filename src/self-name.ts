// How to name ourselves in a hint: the command as it was invoked, so a hint can be pasted as it stands.
import { basename, delimiter, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Io } from './io.js';

/**
 * `runbook` when it was found on PATH; `npx runbook` under npx; otherwise the script as started, e.g.
 * `node bin/runbook.js` after the README's first command (relative to cwd when under it, quoted for the shell).
 */
export function selfName(io: Pick<Io, 'env' | 'cwd'>, argv1: string | undefined = process.argv[1]): string {
  if (!argv1) return 'runbook';
  const script = resolve(io.cwd, argv1);
  // npx puts node_modules/.bin on PATH for this process only; its children (node bin/runbook.js in a test) inherit the variables.
  if (io.env.npm_command === 'exec' && io.env.npm_lifecycle_event === 'npx' && basename(script) === 'runbook') return 'npx runbook';
  const onPath = (io.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => resolve(io.cwd, d));
  if (basename(script) === 'runbook' && onPath.includes(dirname(script))) return 'runbook';
  const rel = relative(io.cwd, script);
  const shown = quote(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script);
  return /\.[cm]?js$/.test(script) ? `node ${shown}` : shown.includes('/') ? shown : `./${shown}`;
}

/** `selfName` + the rest of a command line: `hint(io, 'replay', file)` → `node bin/runbook.js replay file`. */
export function hint(io: Pick<Io, 'env' | 'cwd'>, ...words: string[]): string {
  return [selfName(io), ...words].join(' ');
}

/** A word quoted for a POSIX shell (as it stands when it needs no quoting). */
export function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
