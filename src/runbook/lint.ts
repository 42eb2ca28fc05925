// Lint rules over parsed runbooks (docs/runbook-format.md lists them). Pure: `today` is passed in.
import type { Problem } from './model.js';
import type { ParsedFile } from './parse.js';
import { findAngleArgs, placeholderNames } from './shell-scan.js';
import { captureName } from './attributes.js';
import { daysBetween } from './stale.js';

export interface LintOptions {
  maxAgeDays: number;
  /** YYYY-MM-DD. */
  today: string;
}

export function lintRunbook(p: ParsedFile, o: LintOptions): Problem[] {
  const rb = p.runbook;
  const file = rb.path;
  const problems: Problem[] = [...p.problems];
  if (p.fatal) return problems;
  // A `capture=NAME` block declares NAME for the commands after it.
  const declared = new Set([...rb.vars.map((v) => v.name), ...rb.steps.flatMap((s) => s.commands.flatMap((c) => captureName(c.attributes) ?? []))]);
  const runnable = rb.steps.flatMap((s) => s.commands.filter((c) => c.runnable));

  for (const s of rb.steps)
    for (const c of s.commands) {
      const braced = placeholderNames(c.text);
      for (const name of c.placeholders)
        if (!declared.has(name) && braced.includes(name))
          problems.push({ file, line: c.line, severity: 'error', rule: 'undeclared-var', message: `{{${name}}} is not declared in vars (add it to the front-matter)` });
      const angle = c.runnable ? findAngleArgs(c.text) : [];
      if (angle.length > 0)
        problems.push({
          file,
          line: c.line,
          severity: 'warning',
          rule: 'angle-placeholder',
          message: `command ${c.id} has ${angle.join(', ')} to fill in: run asks for them as variables; declare them in vars as {{name}} to give a description or a pattern`,
        });
      if (c.danger && c.dangerReason !== 'danger=true')
        problems.push({ file, line: c.line, severity: 'warning', rule: 'danger-unmarked', message: `command ${c.id} looks destructive (${c.dangerReason}) but is not marked {danger=true}` });
    }

  // An empty default says "none" (no password with peer auth): nothing secret is written.
  for (const v of rb.vars)
    if (v.secret && v.default !== undefined && v.default !== '')
      problems.push({
        file,
        line: varLine(rb.source, v.name),
        severity: 'error',
        rule: 'secret-default',
        message: `variable ${v.name} is secret but has a default written in the runbook: remove the default and pass it with --var or the environment (the timeline records it as [redacted])`,
      });

  if (runnable.length === 0)
    problems.push({ file, line: 1, severity: 'warning', rule: 'no-commands', message: 'no runnable command (fence commands in ```sh blocks; inline code is never run)' });

  if (!rb.lastReviewed) {
    problems.push({ file, line: 1, severity: 'warning', rule: 'review-missing', message: 'last_reviewed is missing (add last_reviewed: YYYY-MM-DD to the front-matter)' });
  } else {
    const age = daysBetween(rb.lastReviewed, o.today);
    if (age > o.maxAgeDays)
      problems.push({ file, line: 1, severity: 'warning', rule: 'review-stale', message: `last reviewed ${rb.lastReviewed}, ${age} days ago (more than ${o.maxAgeDays})` });
  }
  return problems;
}

/** The line declaring variable `name` in the front-matter (1 when it cannot be found). */
function varLine(source: string, name: string): number {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(?:-\\s+)?(?:name\\s*:\\s*["']?${esc}["']?\\s*$|${esc}\\s*:)`);
  const i = source.split('\n').findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}
