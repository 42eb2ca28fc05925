// The one look of a run, shared by the live runner, replay and the cast export: pure functions from events to text.
import { describeSessionChange, sessionChangeOf } from './session-change.js';
import { endedBadly, type EventOf, type EventType, type TimelineEvent } from '../timeline/events.js';
import type { IncidentSummary } from './fold.js';
import { outlineRunbook } from '../timeline/outline.js';
import type { Style } from '../ui/style.js';
import { createOutputFilter, neutralize, neutralizeDeep, type OutputFilter } from '../ui/neutralize.js';
import { displayWidth, truncate } from '../ui/wrap.js';

export interface CommandInfo {
  command: string;
  step: number;
  danger: boolean;
  edited: boolean;
}

/** What formatters need from earlier events. Build it with createRenderContext, feed it with advanceContext. */
export interface RenderContext {
  title: string;
  /** Number of steps in the runbook; null until known. */
  stepCount: number | null;
  severity?: string;
  /** Where the timeline is, shown in the run header. */
  timelinePath?: string;
  /** Whether the timeline verifies (`runbook verify`'s verdict), shown in the run header. */
  integrity?: string;
  /** The actor of the run, so notes by someone else stand out. */
  actor?: string;
  /** The latest command.started of each id (ids are "<step>.<n>", so this stays as small as the runbook). */
  commands: Map<string, CommandInfo>;
  /** The step whose header was shown last, so its end is not drawn as a second header. */
  lastStarted?: number;
  /** Ids the runbook marks allow_failure=true: their non-zero exit is shown as an answer, not a failure. */
  allowFailure?: Set<string>;
  /** Command output as shown: colours kept, other sequences dropped (one filter: a sequence may span events). */
  output: OutputFilter;
  /** Commands whose latest attempt failed: a step that ends with one of them is not a clean ✔. */
  failing?: Set<string>;
  /** Terminal columns: result lines are cut to fit (80 when unknown). */
  width?: number;
  /** Show the recorded values of a shell session's changes (replay); the live run shows names only. */
  sessionValues?: boolean;
}

export function createRenderContext(init: Partial<Omit<RenderContext, 'commands' | 'output'>> = {}): RenderContext {
  return { title: '', stepCount: null, ...neutralizeDeep(init), commands: new Map(), output: createOutputFilter() };
}

// Event fields the layout shows on several lines; every other text field is one line.
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(['value', 'command', 'text', 'source']);

/**
 * The event as it may be printed: every text field neutralised (command output is filtered separately).
 * Formatters and the context only ever see this, so a new field cannot reach the terminal raw.
 */
export function neutralizeEvent<E extends TimelineEvent>(ev: E): E {
  if (ev.type === 'command.output') return ev;
  return neutralizeDeep(ev, MULTILINE_FIELDS);
}

/** Record what later formatters need from this event. Call it before renderEvent for the same event. */
export function advanceContext(ctx: RenderContext, raw: TimelineEvent): void {
  const ev = neutralizeEvent(raw);
  if (ev.type === 'command.started') {
    ctx.commands.set(ev.id, { command: ev.command, step: ev.step, danger: ev.danger, edited: ev.edited });
  } else if (ev.type === 'run.started' && raw.type === 'run.started') {
    // Parsed from the source as recorded (the fold parses the same one: one parse), shown neutralised.
    const outline = outlineRunbook(raw.runbook.source ?? '', raw.runbook.path);
    ctx.title = ev.runbook.title;
    ctx.stepCount = outline.steps.length;
    if (outline.severity !== undefined) ctx.severity = neutralize(outline.severity);
    ctx.allowFailure = new Set(outline.allowFailure);
    ctx.actor = ev.actor;
  }
  if (ev.type === 'command.finished') {
    // The same test as the run's summary: a retry that succeeds clears the failure.
    const bad = !ctx.allowFailure?.has(ev.id) && endedBadly(ev);
    ctx.failing ??= new Set();
    // On hosts, a command fails while any host's latest attempt failed (a retry runs on the failed ones only).
    const key = typeof ev.host === 'string' ? `${ev.id}\0${ev.host}` : ev.id;
    if (bad) ctx.failing.add(key);
    else ctx.failing.delete(key);
  }
  if (ev.type === 'step.started') ctx.lastStarted = ev.step;
  if ((ev.type === 'step.started' || ev.type === 'step.skipped') && ctx.stepCount !== null && ev.step > ctx.stepCount) {
    ctx.stepCount = ev.step;
  }
}

/** 340ms, 1.2s, 42s, 4m 12s, 1h 05m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalS = Math.floor(ms / 1000);
  if (totalS < 60) return `${totalS}s`;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h === 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${h}h ${String(m).padStart(2, '0')}m`;
}

/**
 * An offset that agrees with the clock time printed beside it, both cut to whole seconds: a run started at
 * 06:20:23.578 and an event at 06:21:22.253 read 06:21:22 and +00:00:59 (not +00:00:58, one second short of
 * 06:20:23 + 58 s). Without a start time (a timeline with no run.started), the offset as recorded.
 */
export function clockOffset(startMs: number | null, atMs: number): number {
  if (startMs === null) return atMs;
  return (Math.floor((startMs + atMs) / 1000) - Math.floor(startMs / 1000)) * 1000;
}

/** +HH:MM:SS from a millisecond offset. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `+${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`;
}

/** Bytes in a short human form: 512 B, 12.3 KiB, 4.0 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

function indentRest(text: string, pad: string): string {
  return text.includes('\n') ? text.replace(/\r?\n/g, `\n${pad}`) : text;
}

function firstLine(text: string, max = 60): string {
  const line = text.split('\n', 1)[0] ?? '';
  const more = line.length < text.length;
  if (line.length > max) return `${line.slice(0, max - 1)}…`;
  return more ? `${line} …` : line;
}

/**
 * A command in a frame, as the operator sees it before and while it runs:
 *   ┌─ 2.1 · ⚠ DANGEROUS · edited
 *   │ $ find /var/log -name '*.gz' -delete
 *   └─
 */
export function renderCommandBox(
  text: string,
  opts: { danger: boolean; id?: string; edited?: boolean; hosts?: string[] },
  style: Style,
): string {
  const paint = opts.danger ? style.danger : style.cyan;
  const tags: string[] = [];
  if (opts.id !== undefined) tags.push(style.bold(neutralize(opts.id)));
  if (opts.danger) tags.push(style.danger('⚠ DANGEROUS'));
  if (opts.edited) tags.push(style.yellow('edited'));
  // Where it runs: one host by name, several counted (they are listed when confirmed, and prefix each line).
  if (opts.hosts !== undefined) tags.push(style.cyan(opts.hosts.length === 1 ? `on ${neutralize(opts.hosts[0] ?? '')}` : `on ${opts.hosts.length} hosts`));
  const head = `${paint('┌─')}${tags.length > 0 ? ` ${tags.join(style.dim(' · '))}` : ''}`;
  const lines = neutralize(text, { multiline: true }).split('\n').map((l, i) => `${paint('│')} ${i === 0 ? style.dim('$ ') : '  '}${l}`);
  return `${head}\n${lines.join('\n')}\n${paint('└─')}\n`;
}

/** Recorded output of one host: each line prefixed with its host, as the live run showed it. */
function hostLines(host: string, text: string, style: Style): string {
  if (text === '') return '';
  const lines = text.split('\n');
  const last = lines.pop() as string;
  return lines.map((l) => `${style.cyan(host)} ${style.dim('|')} ${l}\n`).join('') + (last === '' ? '' : `${style.cyan(host)} ${style.dim('|')} ${last}\n`);
}

/** `  (2.1 du -xh …)` after a result: the command cut so that the whole line fits the width (80 by default). */
function commandLabel(ctx: RenderContext, id: string, style: Style, used: number): string {
  const info = ctx.commands.get(id);
  const room = (ctx.width ?? 80) - used - displayWidth(id) - 5;
  if (!info || room < 8) return style.dim(`  (${id})`);
  const first = firstLine(info.command, Number.POSITIVE_INFINITY);
  return style.dim(`  (${id} ${truncate(first, Math.min(room, 60))})`);
}

type Formatter<T extends EventType> = (ev: EventOf<T>, ctx: RenderContext, style: Style) => string;

function stepHeader(step: number, title: string, ctx: RenderContext): string {
  const of = ctx.stepCount !== null ? ` of ${ctx.stepCount}` : '';
  return `── Step ${step}${of}: ${title} ──`;
}

const formatters: { [T in EventType]: Formatter<T> } = {
  'run.started': (ev, ctx, style) => {
    const sev = ctx.severity !== undefined ? `  ${style.yellow(`[${ctx.severity}]`)}` : '';
    const mode = ev.mode === 'live' ? 'live' : style.yellow(ev.mode);
    const lines = [
      `${style.bold('▶ ' + ev.runbook.title)}${sev}`,
      style.dim(`  runbook  `) + `${ev.runbook.id}${ev.runbook.path ? style.dim(` (${ev.runbook.path})`) : ''}`,
      style.dim(`  incident `) + `${ev.incident} · ${mode} · ${ev.actor}@${ev.host}`,
    ];
    if (ctx.timelinePath !== undefined) lines.push(style.dim('  timeline ') + ctx.timelinePath);
    if (ctx.integrity !== undefined) lines.push(style.dim('  verify   ') + ctx.integrity);
    return `${lines.join('\n')}\n`;
  },
  'var.set': (ev, _ctx, style) => style.dim(`  var ${ev.name} = ${indentRest(ev.value, '    ')} (${ev.source})`) + '\n',
  'step.started': (ev, ctx, style) => `\n${style.bold(stepHeader(ev.step, ev.title, ctx))}\n`,
  'step.completed': (ev, ctx, style) => {
    const failed = new Set([...(ctx.failing ?? [])].map((k) => k.split('\0')[0] as string).filter((id) => ctx.commands.get(id)?.step === ev.step)).size;
    if (failed === 0) return style.dim(`✔ step ${ev.step} done`) + '\n';
    return style.yellow(`⚠ step ${ev.step} done with ${failed} failed command${failed === 1 ? '' : 's'}`) + '\n';
  },
  // A step skipped after its header was shown (every command skipped) ends with one line; one never started
  // (--from-step) is drawn as a dimmed header.
  'step.skipped': (ev, ctx, style) =>
    ctx.lastStarted === ev.step ? style.dim(`↷ step ${ev.step} skipped`) + '\n' : `\n${style.dim(`${stepHeader(ev.step, ev.title, ctx)} skipped`)}\n`,
  'command.started': (ev, _ctx, style) =>
    renderCommandBox(ev.command, { danger: ev.danger, id: ev.id, edited: ev.edited, ...(ev.hosts ? { hosts: ev.hosts } : {}) }, style) +
    (ev.suggested_by !== undefined ? style.dim(`  suggested by ${ev.suggested_by}, approved by ${ev.approved_by ?? '?'}`) + '\n' : ''),
  // Output is shown as the command printed it, with its colours, but no other terminal sequence.
  'command.output': (ev, ctx, style) => (typeof ev.host === 'string' ? hostLines(neutralize(ev.host), ctx.output.write(ev.data), style) : ctx.output.write(ev.data)),
  'command.finished': (ev, ctx, style) => {
    const dur = formatDuration(ev.duration_ms);
    let line: string;
    if (ev.timed_out) line = style.yellow(`⏱ timed out · ${dur}`);
    else if (ev.interrupted) line = style.yellow(`⚡ interrupted · ${dur}`);
    // It ran and exited 0; its output (above) ends with the runner's reason.
    else if (typeof ev.capture_error === 'string' && ctx.allowFailure?.has(ev.id)) line = style.yellow(`✔ exit 0, capture failed (allowed) · ${dur}`);
    else if (typeof ev.capture_error === 'string') line = style.red(`✘ exit 0, capture failed · ${dur}`);
    else if (ev.exit_code === 0) line = style.green(`✔ exit 0 · ${dur}`);
    else if (ev.exit_code === null && ev.signal) line = style.red(`✘ killed by ${ev.signal} · ${dur}`);
    // It ran, but its status went with the command launcher (killed meanwhile): counted as failed.
    else if (ev.exit_code === null && ev.status_lost === true) line = style.red(`✘ exit status lost (the command launcher ended) · ${dur}`);
    // No exit code and no signal: the command never started (missing shell or cwd, a refused value).
    else if (ev.exit_code === null) line = style.red(`✘ did not start · ${dur}`);
    else if (ctx.allowFailure?.has(ev.id)) line = style.yellow(`✔ exit ${ev.exit_code} (allowed) · ${dur}`);
    else line = style.red(`✘ exit ${ev.exit_code} · ${dur}`);
    if (typeof ev.host_error === 'string') line = style.red(`✘ unreachable · ${ev.host_error}`);
    if (typeof ev.host === 'string') line = `${style.cyan(ev.host)} ${line}`;
    if (ev.omitted_bytes > 0) line += style.yellow(` · ${formatBytes(ev.omitted_bytes)} of output not recorded`);
    return `${line}${commandLabel(ctx, ev.id, style, displayWidth(line))}\n`;
  },
  // One line, as the result line's label: a multi-line command is its first line and `…` (the box and the
  // runbook hold the rest), not six lines again under the box.
  'command.skipped': (ev, _ctx, style) => style.dim(`↷ skipped ${ev.id}: ${firstLine(ev.command, 100)}`) + '\n',
  'check.confirmed': (ev, _ctx, style) => `${style.green('☑')} ${indentRest(ev.text, '  ')}\n`,
  'check.skipped': (ev, _ctx, style) => style.dim(`☐ ${indentRest(ev.text, '  ')} (skipped)`) + '\n',
  note: (ev, _ctx, style) => `${style.magenta(style.bold(`✎ note (${ev.actor}):`))} ${style.magenta(indentRest(ev.text, '  '))}\n`,
  mark: (ev, ctx, style) => {
    const who = ev.actor !== ctx.actor ? style.dim(` (${ev.actor})`) : '';
    const text = ev.text !== '' ? ` ${indentRest(ev.text, '  ')}` : '';
    // A mark made afterwards (mark --at) says when it happened.
    const when = typeof ev.at === 'string' ? style.dim(` (at ${ev.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')})`) : '';
    return `${style.yellow(style.bold(`⚑ ${ev.what}${text ? ':' : ''}`))}${style.yellow(text)}${when}${who}\n`;
  },
  'run.resumed': (ev, _ctx, style) => `\n${style.bold(`▶ run resumed at step ${ev.step}`)}${style.dim(` (${ev.actor}@${ev.host})`)}\n`,
  handover: (ev, _ctx, style) =>
    `${style.cyan(style.bold(`⇄ handed over to ${ev.to}`))}${ev.text !== '' ? style.cyan(`: ${indentRest(ev.text, '  ')}`) : ''}${style.dim(` (by ${ev.actor})`)}\n`,
  // What a command left in the shell session: `env: +POD=api-7d9f, ~PATH, -OLD · cwd: /var/log/app`.
  'session.changed': (ev, ctx, style) => style.dim(`  ${describeSessionChange(sessionChangeOf(ev), { values: ctx.sessionValues === true })}`) + '\n',
  'targets.confirmed': (ev, _ctx, style) => {
    const hosts = Array.isArray(ev.hosts) ? ev.hosts : [];
    return `${style.cyan(`⌖ ${hosts.length} target${hosts.length === 1 ? '' : 's'}:`)} ${hosts.join(', ')}${style.dim(ev.confirmed_by === 'operator' ? ' (confirmed)' : ' (--yes)')}\n`;
  },
  suggestion: (ev, _ctx, style) =>
    `${style.cyan(style.bold(`➜ suggestion ${ev.id} (${ev.actor}):`))} ${style.cyan(indentRest(ev.command, '  '))}${ev.reason ? style.dim(`\n  why: ${indentRest(ev.reason, '  ')}`) : ''}\n`,
  'run.finished': (ev, _ctx, style) => {
    const paint = ev.status === 'completed' ? style.green : ev.status === 'failed' ? style.red : style.yellow;
    return `\n${paint(style.bold(`■ run ${ev.status} · ${formatDuration(ev.duration_ms)}`))}\n`;
  },
  seal: (ev, _ctx, style) =>
    // The events it covers, not its `head` field (the hash of the line before it): the head to keep is the
    // one `verify` prints, the hash of the last line.
    style.dim(`  sealed by ${ev.signer ?? ev.actor}${ev.signature ? ` (signed, key ${ev.key ?? '?'})` : ' (unsigned)'} · over the ${ev.events} events before it`) + '\n',
};

/**
 * One event as text (lines end with "\n"; output is returned as recorded). Unknown future event types give "".
 * `ctx` must already include this event: call advanceContext(ctx, event) first, or use createRenderer.
 */
export function renderEvent(event: TimelineEvent, ctx: RenderContext, style: Style): string {
  const f = formatters[event.type] as Formatter<EventType> | undefined;
  if (!f) return '';
  // The end of a sequence cut at the end of the output (a torn or hostile record) is shown, not obeyed.
  const cut = event.type === 'command.output' ? '' : ctx.output.flush();
  return (cut ? `${cut}\n` : '') + f(neutralizeEvent(event) as never, ctx, style);
}

/** advanceContext + renderEvent in one call. */
export function createRenderer(style: Style, init?: Partial<Omit<RenderContext, 'commands' | 'output'>>): {
  ctx: RenderContext;
  render(event: TimelineEvent): string;
  /** What output still holds back (an unfinished sequence), shown visibly: call it after the last event. */
  flush(): string;
} {
  const ctx = createRenderContext(init);
  return {
    ctx,
    render(event) {
      advanceContext(ctx, event);
      return renderEvent(event, ctx, style);
    },
    flush: () => ctx.output.flush(),
  };
}

/**
 * The milestones' rows: when each first happened (from the run's start), and time to detect (from impact)
 * and to mitigate / resolve (from impact, else detection, else the run's start: it says which).
 */
function milestoneRows(s: IncidentSummary): [string, string][] {
  const first = new Map<string, number>();
  for (const m of s.marks) if (!first.has(m.what) || m.atMs < (first.get(m.what) as number)) first.set(m.what, m.atMs);
  const when = (ms: number): string => (ms < 0 ? `${formatDuration(-ms)} before the run started` : formatOffset(ms));
  const from = s.timesFrom === 'impact' ? 'after impact' : s.timesFrom === 'detection' ? 'after detection' : 'after the run started';
  const rows: [string, string][] = [];
  for (const what of ['impact', 'detected', 'mitigated', 'resolved'] as const) {
    const at = first.get(what);
    if (at === undefined) continue;
    let since = '';
    if (what === 'detected' && s.timeToDetectMs !== null)
      since = s.timeToDetectMs >= 0 ? ` · ${formatDuration(s.timeToDetectMs)} after impact` : ` · ${formatDuration(-s.timeToDetectMs)} before impact`;
    const t = what === 'mitigated' ? s.timeToMitigateMs : what === 'resolved' ? s.timeToResolveMs : null;
    if (t !== null && s.timesFrom !== 'run start') since = ` · ${formatDuration(t)} ${from}`;
    rows.push([what, `${when(at)}${since}`]);
  }
  return rows;
}

/** The closing block: status, duration, steps, commands, and the marks' times. */
export function renderSummary(s: IncidentSummary, style: Style): string {
  const paint = s.status === 'completed' ? style.green : s.status === 'failed' ? style.red : style.yellow;
  const c = s.counts;
  const total = s.steps.length;
  const rows: [string, string][] = [
    ['status', paint(s.status)],
    ['duration', formatDuration(s.durationMs)],
    ['steps', `${c.stepsDone} done · ${c.stepsSkipped} skipped${total > 0 ? ` · of ${total}` : ''}`],
    [
      'commands',
      `${c.commandsRun} run · ${c.commandsFailed > 0 ? style.red(`${c.commandsFailed} failed`) : '0 failed'} · ${c.commandsSkipped} skipped`,
    ],
  ];
  rows.push(...milestoneRows(s));
  const body = rows.map(([k, v]) => `  ${style.dim(k.padEnd(10))}${v}`).join('\n');
  return `${style.bold('── Summary ──')}\n${body}\n`;
}
