// The timeline tools of `runbook mcp`: list the runs, read a timeline in pages, summarise a run with the facts
// of the markdown export (src/report/fold.ts), and each timeline as a resource. Every text field is redacted
// again on the way out, as `export` does: built-in rules, the user's patterns and the runbook's own.
import { integrityOf } from '../report/integrity.js';
import { mapTextFields, type TimelineEvent } from '../timeline/events.js';
import { readTimeline } from '../timeline/reader.js';
import { createRedactor, loadUserRedactPatterns, type Redactor } from '../timeline/redact.js';
import { outlineRunbook } from '../timeline/outline.js';
import { commandFailed, foldEvent, initialFoldState, summarize } from '../report/fold.js';
import { describeCommandResult } from '../report/export-markdown.js';
import { toJsonExport } from '../report/export-json.js';
import { advanceLiveStatus, createLiveStatusState, liveStatusAt } from '../report/live-status.js';
import type { McpContext } from './context.js';
import { listRuns, resolveRun, runName, statusRun } from './runs.js';

/** A text field longer than this is cut, with a marker saying how much was left out. */
export const MAX_FIELD_CHARS = 8 * 1024;
/** A page of read_timeline stops before its JSON passes this many characters. */
export const MAX_PAGE_CHARS = 256 * 1024;
/** timeline://<name> is cut after this many characters. */
export const MAX_RESOURCE_CHARS = 1024 * 1024;

export async function listIncidents(ctx: McpContext, all: boolean) {
  const { runs, problems } = await listRuns(ctx);
  const shown = runs.filter((s) => all || s.mode === 'live' || s.mode === null);
  return {
    incidents: shown.map((s) => ({ name: runName(s.path), path: s.path, incident: s.incident, runbook: s.runbook, mode: s.mode, started: s.started, finished: s.finished, status: s.status, events: s.events })),
    problems,
  };
}

const cut = (s: string): string => (s.length > MAX_FIELD_CHARS ? `${s.slice(0, MAX_FIELD_CHARS)}…[truncated: ${s.length - MAX_FIELD_CHARS} more characters]` : s);

/** The events of a timeline, redacted again; problems (torn or damaged lines) are passed to onProblem. */
async function* redacted(path: string, env: NodeJS.ProcessEnv, onProblem: (p: { line: number; message: string; torn: boolean }) => void): AsyncGenerator<TimelineEvent> {
  const redactor: Redactor = createRedactor({ patterns: loadUserRedactPatterns(env) });
  for await (const item of readTimeline(path)) {
    if (item.kind === 'problem') {
      onProblem({ line: item.line, message: item.message, torn: item.torn });
      continue;
    }
    const ev = item.event;
    if (ev.type === 'run.started') for (const p of outlineRunbook(ev.runbook.source ?? '', ev.runbook.path).redact) redactor.addPattern(p);
    yield mapTextFields(ev, (s) => redactor.redact(s));
  }
}

export async function readTimelinePage(ctx: McpContext, name: string, fromSeq: number, limit: number) {
  const path = resolveRun(name, ctx);
  const events: TimelineEvent[] = [];
  const problems: string[] = [];
  let chars = 0;
  let nextSeq: number | null = null;
  let truncated = false;
  for await (const ev of redacted(path, ctx.env, (p) => problems.length < 20 && problems.push(p.message))) {
    if (ev.seq < fromSeq) continue;
    if (events.length >= limit) {
      nextSeq = ev.seq;
      break;
    }
    const shown = mapTextFields(ev, cut);
    const size = JSON.stringify(shown).length;
    if (events.length > 0 && chars + size > MAX_PAGE_CHARS) {
      nextSeq = ev.seq;
      truncated = true;
      break;
    }
    chars += size;
    events.push(shown);
  }
  return { timeline: runName(path), from_seq: fromSeq, events, next_seq: nextSeq, truncated, problems };
}

export async function summarizeIncident(ctx: McpContext, name: string) {
  const path = resolveRun(name, ctx);
  const state = initialFoldState();
  const problems: { line: number; message: string; torn: boolean }[] = [];
  const suggestions: { id: string; command: string; reason: string; actor: string; ts: string; run: boolean }[] = [];
  for await (const ev of redacted(path, ctx.env, (p) => problems.push(p))) {
    if (ev.type === 'command.output') continue; // the facts never include output
    foldEvent(state, ev);
    if (ev.type === 'suggestion') suggestions.push({ id: ev.id, command: ev.command, reason: ev.reason, actor: ev.actor, ts: ev.ts, run: false });
    if (ev.type === 'command.started' && ev.suggestion !== undefined) for (const s of suggestions) if (s.id === ev.suggestion) s.run = true;
  }
  const s = summarize(state);
  // The same facts as `export --format json`, with its verdict on the hash chain.
  const integrity = await integrityOf(path, ctx.env);
  const facts = { ...toJsonExport(s, problems.slice(0, 50)), ...(integrity !== null ? { verify: integrity } : {}) };
  const failed = s.steps.flatMap((st) => st.commands.filter(commandFailed).map((c) => ({ step: st.index, id: c.id, command: cut(c.command), result: describeCommandResult(c) })));
  return { timeline: runName(path), ...facts, failed_commands: failed, suggestions };
}

/** The timeline as JSON Lines, redacted again, cut with a marker line past MAX_RESOURCE_CHARS. */
export async function timelineText(ctx: McpContext, name: string): Promise<string> {
  const path = resolveRun(name, ctx);
  let out = '';
  for await (const ev of redacted(path, ctx.env, () => undefined)) {
    const line = `${JSON.stringify(ev)}\n`;
    if (out.length + line.length > MAX_RESOURCE_CHARS) {
      out += `{"truncated":true,"from_seq":${ev.seq},"note":"the rest is left out: read_timeline pages through all of it"}\n`;
      break;
    }
    out += line;
  }
  return out;
}

/** What is going on in a run now (as `runbook status`): the live-status fold of its events, redacted, at this moment. */
export async function incidentStatus(ctx: McpContext, name: string | undefined) {
  const run = await statusRun(name, ctx);
  const state = createLiveStatusState();
  const problems: string[] = [];
  for await (const ev of redacted(run.path, ctx.env, (p) => problems.length < 20 && problems.push(p.message))) {
    if (ev.type !== 'command.output') advanceLiveStatus(state, ev);
  }
  const status = liveStatusAt(state, new Date());
  return { timeline: runName(run.path), state: run.status, ...status, command: status.command && { ...status.command, command: cut(status.command.command) }, problems };
}
