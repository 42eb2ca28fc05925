// `export --format markdown`: a postmortem draft in the Google SRE layout, facts and Timeline filled from the events.
import { describeSessionChange } from './session-change.js';
import type { TimelineEvent } from '../timeline/events.js';
import { endingWords } from '../timeline/ending.js';
import type { ExportProblem } from './export-json.js';
import { commandFailed, failedHosts, foldEvent, initialFoldState, summarize, type CommandSummary, type IncidentSummary } from './fold.js';
import { clockOffset, formatBytes, formatDuration, formatOffset } from './render-event.js';
import { neutralize } from '../ui/neutralize.js';

const TODO = (what: string): string => `_TODO: ${what}_`;

interface Row {
  ts: string;
  atMs: number;
  who: string;
  what: string;
  /** A command row waits for its command.finished to say how it ended. */
  command?: CommandSummary;
}

/** Plain text safe inside a table cell. */
function text(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/([|*_`[\]<])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

/** Inline code safe inside a table cell: enough backticks, pipes escaped, lines joined. */
function code(s: string): string {
  const one = s.replace(/\r?\n/g, ' ⏎ ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** "2026-11-28 03:00:00" from an ISO time; the input when it is not one. */
function utc(ts: string | null): string {
  if (ts === null) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** What the command left in the shell session, after its result: `; env: +POD=api · cwd: /var/log/app`. */
function sessionText(c: CommandSummary): string {
  return (c.session ?? []).map((ch) => `; ${code(describeSessionChange(ch))}`).join('');
}

/** A reading problem as one clause: `line 7: …`, unless the reader's message already names file and line. */
export function problemText(p: { line: number; message: string }): string {
  return p.message.includes(`:${p.line}:`) ? p.message : `line ${p.line}: ${p.message}`;
}

export function describeCommandResult(c: CommandSummary): string {
  if (!c.finished) return 'never finished';
  const dur = formatDuration(c.durationMs ?? 0);
  let r: string;
  if (c.timedOut) r = `timed out after ${dur}`;
  else if (c.interrupted) r = `interrupted after ${dur}`;
  // No exit code: killed by a signal, its status lost with the launcher, or never started (as the live run said).
  else if (c.exitCode === null && (c.signal || c.statusLost === true)) r = `${endingWords(c)}${c.signal ? '' : ' (the command launcher ended)'} after ${dur}`;
  else if (c.exitCode === null) r = endingWords(c);
  // An allowed failure in the live run's words (render-event.ts): `exit 1 (allowed)`.
  else if (c.captureError !== undefined) r = `exit 0, capture failed${c.allowFailure ? ' (allowed)' : ''} · ${dur}`;
  else r = `exit ${c.exitCode}${c.allowFailure && c.exitCode !== 0 ? ' (allowed)' : ''} · ${dur}`;
  if (c.omittedBytes > 0) r += ` · ${formatBytes(c.omittedBytes)} of output not recorded`;
  if (c.hosts) {
    const bad = failedHosts(c);
    r += ` · on ${c.hosts.length} host${c.hosts.length === 1 ? '' : 's'}`;
    if (bad.length > 0) r += `, failed on ${c.hosts.filter((h) => bad.includes(h.host)).map((h) => `${h.host} (${endingWords(h)})`).join(', ')}`;
  }
  return r;
}

export interface MarkdownExporter {
  add(ev: TimelineEvent): void;
  finish(opts: { timelinePath: string; problems: readonly ExportProblem[]; integrity?: string | null }): string;
}

export function createMarkdownExporter(): MarkdownExporter {
  const fold = initialFoldState();
  const rows: Row[] = [];
  let holder: string | null = null;
  return {
    add(ev) {
      foldEvent(fold, ev);
      const s = fold.summary;
      const at = fold.lastMs;
      // Who holds the run: its starter, then each handover's `to` (the runner's events name them too).
      if (ev.type === 'handover') holder = ev.to;
      else if (ev.type === 'run.resumed') holder = ev.actor;
      const runner = holder ?? s.actor ?? '';
      const row = (what: string, who = runner): Row => {
        const r: Row = { ts: ev.ts, atMs: typeof ev.mono_ms === 'number' ? ev.mono_ms : at, who, what };
        rows.push(r);
        return r;
      };
      switch (ev.type) {
        case 'run.started':
          row(`Started runbook **${text(ev.runbook.title)}** (${text(ev.mode)}) on ${text(ev.host)}`, ev.actor);
          break;
        case 'step.started':
          row(`Step ${ev.step}: ${text(ev.title)}`);
          break;
        case 'step.skipped':
          row(`Skipped step ${ev.step}: ${text(ev.title)}`);
          break;
        case 'check.confirmed':
          row(`Confirmed: ${text(ev.text)}`);
          break;
        case 'check.skipped':
          row(`Skipped check: ${text(ev.text)}`);
          break;
        case 'command.started':
          row('', runner).command = fold.open.get(ev.id);
          break;
        case 'command.skipped':
          row(`Skipped ${ev.id} ${code(ev.command)}`);
          break;
        case 'note':
          row(`Note: ${text(ev.text)}`, ev.actor);
          break;
        case 'mark':
          row(`**${ev.what[0]?.toUpperCase() ?? ''}${ev.what.slice(1)}**${typeof ev.at === 'string' ? ` (at ${utc(ev.at)} UTC, recorded later)` : ''}${ev.text ? `: ${text(ev.text)}` : ''}`, ev.actor);
          break;
        case 'run.finished':
          row(`Run ${ev.status} after ${formatDuration(ev.duration_ms)}`);
          break;
        case 'handover':
          row(`Handed over to **${text(ev.to)}**${ev.text ? `: ${text(ev.text)}` : ''}`, ev.actor);
          break;
        case 'targets.confirmed':
          row(`Hosts ${ev.confirmed_by === 'operator' ? 'confirmed' : 'used (--yes)'}: ${text(ev.hosts.join(', '))}`);
          break;
        case 'run.resumed':
          row(`Run resumed at step ${ev.step} on ${text(ev.host)}`, ev.actor);
          break;
        case 'suggestion':
          row(`Suggested ${ev.id} ${code(ev.command)}${ev.reason ? `: ${text(ev.reason)}` : ''}`, ev.actor);
          break;
        default:
          break;
      }
    },
    finish({ timelinePath, problems, integrity = null }) {
      // Every recorded field is in this text: its controls are made visible once, here. A lone CR, which
      // Markdown reads as a line break (a note could end its table row and start a heading), becomes ␍.
      return neutralize(renderPostmortem(summarize(fold), rows, timelinePath, problems, integrity), { multiline: true });
    },
  };
}

function markLines(s: IncidentSummary, what: string): string[] {
  return s.marks
    .filter((m) => m.what === what)
    .map((m) => `- ${what[0]?.toUpperCase()}${what.slice(1)} at ${utc(m.at)} UTC (${signedOffset(m.atMs)}${m.backfilled ? ', recorded later' : ''})${m.text ? `: ${text(m.text)}` : ''} (${text(m.actor)})`);
}

/** An offset from the run's start; a backfilled milestone may come before it. */
function signedOffset(ms: number): string {
  return ms < 0 ? `${formatDuration(-ms)} before the run started` : formatOffset(ms);
}

const FROM: Record<IncidentSummary['timesFrom'], string> = { impact: 'from impact', detection: 'from detection (no impact mark)', 'run start': "from the run's start (no impact or detected mark)" };

/** Time to detect, mitigate and resolve, each saying what it counts from. */
export function timeRows(s: IncidentSummary): [string, string][] {
  const d = s.timeToDetectMs;
  const detect = d === null ? '— (mark impact and detected)' : d < 0 ? `0s (detected ${formatDuration(-d)} before impact)` : `${formatDuration(d)} from impact`;
  const since = (ms: number | null): string => (ms === null ? '— (not marked)' : `${formatDuration(ms)} ${FROM[s.timesFrom]}`);
  return [
    ['Time to detect', detect],
    ['Time to mitigate', since(s.timeToMitigateMs)],
    ['Time to resolve', since(s.timeToResolveMs)],
  ];
}

function renderPostmortem(s: IncidentSummary, rows: Row[], timelinePath: string, problems: readonly ExportProblem[], integrity: string | null): string {
  const out: string[] = [];
  const title = s.runbook.title || s.runbook.id || 'incident';
  const responders = [...new Set([s.actor, ...s.notes.map((n) => n.actor), ...s.marks.map((m) => m.actor)].filter((a): a is string => !!a))];
  const commands = s.steps.flatMap((st) => st.commands);

  out.push(`# Postmortem: ${text(title)}${s.incident ? ` (${text(s.incident)})` : ''}`, '');
  out.push(
    `> Draft written by \`runbook export\` from ${code(timelinePath)}. The facts and the Timeline come from the recorded events; every _TODO_ is for a human to write. Times are UTC; time to detect counts from the impact mark, time to mitigate / resolve from impact (else detection, else the run's start).`,
    '',
  );
  if (integrity !== null) out.push(`> Timeline check (\`runbook verify\`): ${text(integrity)}`, '');
  if (problems.length > 0 || s.status === 'interrupted') {
    const why = problems.map(problemText);
    if (s.status === 'interrupted') why.push('the run has no run.finished (interrupted)');
    out.push(`> **Incomplete timeline**: ${text(why.join('; '))}.`, '');
  }
  out.push('| | |', '|---|---|');
  out.push(`| Incident | ${text(s.incident || '—')} |`);
  out.push(`| Runbook | ${text(title)} (${code(s.runbook.id)}, ${code(s.runbook.path)}) |`);
  out.push(`| Severity | ${text(s.runbook.severity ?? '—')} |`);
  out.push(`| Status | ${s.status} |`);
  out.push(`| Started | ${utc(s.started)} UTC |`);
  out.push(`| Ended | ${s.finished ? `${utc(s.finished)} UTC` : '— (the run did not finish)'} |`);
  out.push(`| Duration | ${formatDuration(s.durationMs)} |`);
  out.push(`| Responders | ${text(responders.join(', ') || '—')} |`);
  for (const [k, v] of timeRows(s)) out.push(`| ${k} | ${v} |`);
  out.push('');

  out.push('## Summary', '', TODO('two or three sentences: what broke, for whom, for how long, and how it was fixed.'), '');
  out.push(
    `Recorded: runbook ${code(s.runbook.id)} run ${s.mode ? `(${s.mode}) ` : ''}by ${text(s.actor ?? '—')}${s.host ? ` on ${text(s.host)}` : ''}; ` +
      `${s.counts.stepsDone} of ${s.steps.length} steps done, ${s.counts.stepsSkipped} skipped; ` +
      `${s.counts.commandsRun} command${s.counts.commandsRun === 1 ? '' : 's'} run, ${s.counts.commandsFailed} failed, ${s.counts.commandsSkipped} skipped.`,
    '',
  );
  out.push('## Impact', '');
  const impact = markLines(s, 'impact');
  if (impact.length > 0) out.push(...impact, '');
  out.push(TODO('who and what was affected (users, requests, data, money) and for how long.'), '');
  out.push('## Root causes', '', TODO('the underlying causes, not the symptoms; keep asking why until it is about systems, not people.'), '');
  out.push('## Trigger', '', TODO('what set it off: a deploy, a config change, traffic, a dependency.'), '');
  out.push('## Resolution', '');
  const resolution = [...markLines(s, 'mitigated'), ...markLines(s, 'resolved')];
  if (resolution.length > 0) out.push(...resolution, '');
  out.push(TODO('what stopped the impact, and what made the fix last.'), '');
  out.push('## Detection', '');
  const detection = markLines(s, 'detected');
  if (detection.length > 0) out.push(...detection, '');
  out.push(TODO('how we found out (alert, customer report) and how we could have found out sooner.'), '');
  out.push('## Action items', '', '| Action item | Type | Owner | Bug |', '|---|---|---|---|', `| ${TODO('action')} | prevent / mitigate / detect | ${TODO('owner')} | ${TODO('link')} |`, '');

  out.push('## Lessons learned', '', '### What went well', '', TODO('what helped.'), '', '### What went wrong', '');
  const wrong: string[] = [];
  commands.forEach((c, i) => {
    const retried = commands.slice(i + 1).some((later) => later.id === c.id && later.finished && !commandFailed(later));
    if (commandFailed(c)) wrong.push(`- Command ${c.id} ${code(c.command)}: ${describeCommandResult(c)}${retried ? ' (a retry succeeded)' : ''}`);
    else if (!c.skipped && !c.finished) wrong.push(`- Command ${c.id} ${code(c.command)} never finished`);
  });
  for (const st of s.steps) if (st.status === 'skipped') wrong.push(`- Step ${st.index} (${text(st.title)}) was skipped`);
  if (wrong.length > 0) out.push('From the timeline (keep what matters):', '', ...wrong, '');
  out.push(TODO('what hurt.'), '', '### Where we got lucky', '', TODO('what could have been worse.'), '');

  out.push('## Timeline', '', `All times UTC${s.started ? `, starting ${utc(s.started).slice(0, 10)}` : ''}; offsets from the start of the run.`, '');
  out.push('| Time (UTC) | Offset | Who | What |', '|---|---|---|---|');
  const day = s.started ? utc(s.started).slice(0, 10) : '';
  const startMs = s.started ? Date.parse(s.started) : null;
  for (const r of rows) {
    const when = utc(r.ts);
    const time = when.slice(0, 10) === day ? when.slice(11) : when;
    const what = r.command
      ? `${r.command.danger ? '⚠ ' : ''}Ran ${r.command.id} ${code(r.command.command)}${r.command.edited ? ' (edited)' : ''}: ${describeCommandResult(r.command)}${sessionText(r.command)}`
      : r.what;
    out.push(`| ${time} | ${formatOffset(clockOffset(startMs, r.atMs))} | ${text(r.who || '—')} | ${what} |`);
  }
  out.push('');
  return out.join('\n');
}
