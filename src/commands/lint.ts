// `runbook lint`: every rule over the given files or folders (default: the search path). Exit 1 on errors.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LintOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { duplicateIds, findRunbookFiles, readRunbookFile, searchPath } from '../runbook/load.js';
import { lintRunbook, sortProblems } from '../runbook/lint.js';
import type { Problem } from '../runbook/model.js';
import { loadStyle } from '../ui/style.js';
import { renderProblem } from '../ui/render-runbook.js';
import { relativeTo, todayUtc, writeJson } from './shared.js';
import { looksLikeScenario } from '../gameday/kind.js';

async function filesFor(paths: string[], o: LintOptions, io: Io): Promise<string[]> {
  if (paths.length === 0) return findRunbookFiles(searchPath(o.dirs, io.env, io.cwd).dirs);
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const s = await stat(abs).catch(() => null);
    if (!s) throw new UserError(`no such file or folder: ${p}`);
    if (s.isDirectory()) files.push(...(await findRunbookFiles([abs])));
    else files.push(abs);
  }
  return [...new Set(files)];
}

export async function lint(paths: string[], o: LintOptions, io: Io): Promise<number> {
  const files = await filesFor(paths, o, io);
  const parsed = await Promise.all(files.map(readRunbookFile));
  const today = todayUtc();
  // Scenarios (`kind: scenario`) have rules of their own (docs/gameday.md), and ids of their own.
  const scenario = (p: (typeof parsed)[number]): boolean => looksLikeScenario(p.runbook.source);
  const lintScenarios = parsed.some(scenario) ? await import('../gameday/lint-files.js') : null;
  const problems: Problem[] = sortProblems([
    ...parsed.flatMap((p) => (scenario(p) && lintScenarios ? lintScenarios.lintScenarioFile(p.runbook.source, p.runbook.path) : lintRunbook(p, { maxAgeDays: o.maxAge, today }))),
    ...duplicateIds(parsed.filter((p) => !p.fatal && !scenario(p))),
  ]);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (o.json) {
    writeJson(io, { problems });
  } else {
    const style = await loadStyle(io.color);
    const rel = relativeTo(io.cwd);
    for (const p of problems) io.stdout.write(`${renderProblem(p, style, rel)}\n`);
    const warnings = problems.length - errors;
    const summary = `${files.length} runbook${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    io.stderr.write(`${errors ? (await loadStyle(io.colorErr)).red(summary) : summary}\n`);
  }
  return errors > 0 ? ExitCode.failed : ExitCode.ok;
}
