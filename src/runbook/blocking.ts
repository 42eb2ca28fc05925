// Which lint problems refuse a run: those that change what would run or what is kept out of the timeline.
// The others (a bad date, a tag list of the wrong type) are warnings: the run goes on.
import type { Problem } from './model.js';

/** Front-matter fields that decide what runs (`vars`, `timeout`) or what the timeline hides (`redact`). */
const FIELDS_THAT_CHANGE_THE_RUN: ReadonlySet<string> = new Set(['vars', 'pattern', 'timeout', 'redact']);

/**
 * True when running anyway would run something other than what the author wrote: a variable declaration,
 * pattern or `choices` that could not be read (its check silently missing), a `timeout` that is not a
 * duration, command attributes that could not be read (`danger`, `cwd`, `timeout` lost), or a `redact`
 * pattern that would leave a secret in the timeline.
 */
export function blocksRun(p: Problem): boolean {
  if (p.rule === 'invalid-pattern' || p.rule === 'bad-attribute') return true;
  return p.rule === 'field-type' && p.field !== undefined && FIELDS_THAT_CHANGE_THE_RUN.has(p.field);
}

/** The problems `run` shows before the first step: errors (refusing or not) and every problem that refuses. */
export function problemsBeforeRun(problems: readonly Problem[]): { refuse: Problem[]; warn: Problem[] } {
  const refuse = problems.filter(blocksRun);
  const warn = problems.filter((p) => p.severity === 'error' && !blocksRun(p));
  return { refuse, warn };
}
