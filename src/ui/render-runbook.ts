// Terminal rendering of a runbook for `show`, and the one-line problem format shared by list and lint.
import type { Command, Problem, Runbook } from '../runbook/model.js';
import type { Style } from './style.js';
import { renderProse, wrapLine } from './wrap.js';
import { neutralize, neutralizeDeep } from './neutralize.js';

// Runbook fields the layout shows on several lines; every other text field is one line.
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(['description', 'intro', 'prose', 'text', 'sampleOutput', 'source']);

export function renderProblem(p: Problem, style: Style, cwdRelative: (f: string) => string = (f) => f): string {
  const sev = p.severity === 'error' ? style.red('error') : style.yellow('warning');
  // A message may quote the runbook; a file name is whatever is on disk.
  return `${neutralize(cwdRelative(p.file))}:${p.line}: ${sev} ${neutralize(p.message)} ${style.dim(`[${neutralize(p.rule)}]`)}`;
}

export function renderCommand(raw: Command, style: Style): string {
  const c = neutralizeDeep(raw, MULTILINE_FIELDS);
  const bar = c.danger ? style.danger('┃') : c.runnable ? style.cyan('│') : style.dim('│');
  const labels: string[] = [];
  if (c.danger) labels.push(style.danger(`⚠ DANGEROUS (${c.dangerReason ?? 'danger=true'})`));
  if (!c.runnable) labels.push(style.dim(`shown only${c.lang ? ` · ${c.lang}` : ''}`));
  if (c.interactive) labels.push(style.yellow('interactive'));
  if (c.allowFailure) labels.push(style.dim('failure allowed'));
  if (c.timeoutMs !== undefined) labels.push(style.dim(`timeout ${c.timeoutMs / 1000}s`));
  const head = `${style.dim(c.id)}${labels.length ? `  ${labels.join('  ')}` : ''}`;
  const body = c.text.split('\n').map((l) => `${bar} ${!c.runnable ? style.dim(l) : c.danger ? style.bold(l) : l}`);
  const sample = c.sampleOutput ? c.sampleOutput.split('\n').map((l) => `${style.dim('┆')} ${style.dim(l)}`) : [];
  return [head, ...body, ...sample].join('\n');
}

/** A checklist line: the box, then its text wrapped under itself. */
export function renderCheck(text: string, style: Style, width: number | undefined): string {
  return `${style.yellow('☐')} ${renderProse(text, style, width === undefined ? undefined : width - 2).replace(/\n/g, '\n  ')}`;
}

/** `width`: the terminal's columns; prose is wrapped to it (undefined: not re-flowed, as for a pipe). */
export function renderRunbook(raw: Runbook, style: Style, width?: number): string {
  // Every text field of the runbook neutralised once, before anything is laid out or styled.
  const rb = neutralizeDeep(raw, MULTILINE_FIELDS);
  const prose = (md: string): string => renderProse(md, style, width);
  const out: string[] = [];
  out.push(...wrapLine(style.bold(rb.title), width));
  const facts = [
    `id ${rb.id}`,
    rb.severity ? `severity ${rb.severity}` : '',
    rb.tags.length ? `tags ${rb.tags.join(', ')}` : '',
    rb.services.length ? `services ${rb.services.join(', ')}` : '',
    rb.owner ? `owner ${rb.owner}` : '',
    rb.lastReviewed ? `reviewed ${rb.lastReviewed}` : '',
  ].filter(Boolean);
  out.push(...wrapLine(style.dim(facts.join(' · ')), width));
  out.push(style.dim(rb.path));
  if (rb.description) out.push('', prose(rb.description));
  if (rb.vars.length) {
    out.push('', style.bold('Variables'));
    for (const v of rb.vars) {
      const bits = [v.default !== undefined ? `default ${v.secret ? '[secret]' : JSON.stringify(v.default)}` : v.required ? 'required' : '', v.pattern ? `pattern /${v.pattern}/` : '', v.choices ? `one of ${v.choices.join(', ')}` : '', v.secret ? 'secret' : ''].filter(Boolean);
      const line = `${style.cyan(v.name)}${v.description ? ` — ${v.description}` : ''}${bits.length ? style.dim(` (${bits.join('; ')})`) : ''}`;
      out.push(...wrapLine(line, width === undefined ? undefined : width - 4).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`));
    }
  }
  if (rb.intro) out.push('', prose(rb.intro));
  for (const s of rb.steps) {
    out.push('', style.bold(style.magenta(`── Step ${s.index} of ${rb.steps.length}: ${s.title} ──`)));
    // In file order, as the runner shows them.
    const items = [
      ...s.proseBlocks.map((b, i) => ({ line: b.line, text: i === 0 && b.line < (s.commands[0]?.line ?? Infinity) ? prose(b.text) : `\n${prose(b.text)}` })),
      ...s.checks.map((c) => ({ line: c.line, text: renderCheck(c.text, style, width) })),
      ...s.commands.map((c) => ({ line: c.line, text: `\n${renderCommand(c, style)}` })),
    ].sort((a, b) => a.line - b.line);
    for (const item of items) out.push(item.text);
  }
  return out.join('\n') + '\n';
}
