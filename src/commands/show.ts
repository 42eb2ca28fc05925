// `runbook show`: one runbook rendered for a terminal, or its parsed model as JSON.
import type { ShowOptions } from '../cli.js';
import type { Io } from '../io.js';
import type { Runbook } from '../runbook/model.js';
import { resolveRunbook } from '../runbook/resolve.js';
import { loadStyle } from '../ui/style.js';
import { renderRunbook } from '../ui/render-runbook.js';
import { columnsOf } from '../ui/wrap.js';
import { writeJson } from './shared.js';
import { metaJson } from './list.js';

export function showJson(rb: Runbook) {
  return {
    ...metaJson(rb),
    vars: rb.vars.map((v) => ({ ...v, default: v.secret && v.default !== undefined ? '[secret]' : (v.default ?? null) })),
    steps: rb.steps.map((s) => ({
      index: s.index,
      title: s.title,
      prose: s.prose,
      checks: s.checks.map((c) => c.text),
      commands: s.commands.map((c) => ({
        id: c.id,
        text: c.text,
        lang: c.lang,
        runnable: c.runnable,
        danger: c.danger,
        attributes: c.attributes,
        line: c.line,
        ...(c.sampleOutput !== undefined ? { sample_output: c.sampleOutput } : {}),
      })),
    })),
  };
}

export async function show(ref: string, o: ShowOptions, io: Io): Promise<number> {
  const parsed = await resolveRunbook(ref, o.dirs, io.env, io.cwd);
  if (o.json) writeJson(io, showJson(parsed.runbook));
  else io.stdout.write(renderRunbook(parsed.runbook, await loadStyle(io.color), columnsOf(io.env, io.stdout)));
  return 0;
}
