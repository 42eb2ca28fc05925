// The report page: header facts, the chart, the terminal replay, the steps as they ran, notes and marks.
// Everything from the timeline passes through export-html-escape.ts; scripts run only by hash (the page's
// Content-Security-Policy), so even markup that got through could not run a script.
import { createHash } from 'node:crypto';
import type { ExportProblem } from './export-json.js';
import { describeCommandResult, problemText, timeRows } from './export-markdown.js';
import { describeSessionChange } from './session-change.js';
import { escapeHtml as esc, jsonForScript, plainOutput, renderProse } from './export-html-escape.js';
import { renderChart, RESULT_CLASS } from './export-html-chart.js';
import { resultOf, runDurationMs, runResult, type CommandRun, type HeadTail, type HtmlModel, type StepView } from './export-html-model.js';
import type { PlayerAssets } from './export-html-assets.js';
import { REPORT_CSS, REPORT_JS } from './export-html-style.js';
import { clockOffset, formatBytes, formatDuration, formatOffset } from './render-event.js';

/**
 * Whether the timeline's hash chain verifies, as the caller found out (the `verify` command). Absent: the
 * header says nothing about it.
 */
export interface VerifyFact {
  state: 'verifies' | 'does not verify' | 'no chain';
  /** One line of detail (where the chain breaks, say). */
  detail?: string;
}

export interface PageOptions {
  timelinePath: string;
  problems: readonly ExportProblem[];
  verify?: VerifyFact;
  version: string;
  assets: PlayerAssets;
}

function utc(ts: string | null): string {
  if (ts === null) return '—';
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function when(ms: number): string {
  return ms < 0 ? `${formatDuration(-ms)} before the run started` : formatOffset(ms);
}

const fact = (k: string, vHtml: string): string => `<div><dt>${esc(k)}</dt><dd>${vHtml}</dd></div>`;

function header(m: HtmlModel, o: PageOptions): string {
  const s = m.summary;
  const title = s.runbook.title || s.runbook.id || 'Incident';
  const facts: string[] = [
    fact('Status', `<span class="badge s-${s.status}">${esc(s.status)}</span>${s.mode && s.mode !== 'live' ? ` <span class="tag">${esc(s.mode)}</span>` : ''}`),
    fact('Incident', esc(s.incident || '—')),
    fact('Runbook', `${esc(title)} <span class="mono">(${esc(s.runbook.id || '—')}, ${esc(s.runbook.path || '—')})</span>`),
    fact('Severity', esc(s.runbook.severity ?? '—')),
    fact(m.people.length > 1 ? 'Operators' : 'Operator', esc(m.people.join(', ') || '—')),
    fact(m.hosts.length > 1 ? 'Hosts' : 'Host', esc(m.hosts.join(', ') || '—')),
    fact('Started', esc(utc(s.started))),
    fact('Ended', esc(s.finished ? utc(s.finished) : '— (the run did not finish)')),
    fact('Duration', esc(formatDuration(s.durationMs))),
    ...timeRows(s).map(([k, v]) => fact(k, esc(v))),
    fact('Steps', esc(`${s.counts.stepsDone} done · ${s.counts.stepsSkipped} skipped · of ${s.steps.length}`)),
    fact('Commands', esc(`${s.counts.commandsRun} run · ${s.counts.commandsFailed} failed · ${s.counts.commandsSkipped} skipped`)),
  ];
  // verify: the caller passes what `verify` found (o.verify); without it the header leaves it out.
  if (o.verify !== undefined) {
    const v = o.verify;
    facts.push(fact('Timeline chain', `<span class="badge ${v.state === 'verifies' ? 's-completed' : v.state === 'no chain' ? '' : 's-failed'}" data-verify="${esc(v.state)}">${esc(v.state)}</span>${v.detail ? ` ${esc(v.detail)}` : ''}`));
  }
  const warn: string[] = [];
  if (o.problems.length > 0 || s.status === 'interrupted') {
    const why = o.problems.map(problemText);
    if (s.status === 'interrupted') why.push('the run has no run.finished (interrupted)');
    warn.push(`<p class="warn"><strong>Incomplete timeline</strong>: ${esc(why.join('; '))}.</p>`);
  }
  return (
    `<header><h1>${esc(title)}</h1><p class="sub">Incident report · ${esc(s.incident || 'unnamed incident')}</p>` +
    `${warn.join('')}<dl class="facts">${facts.join('')}</dl></header>`
  );
}

function outputBlock(ht: HeadTail, label: string, notRecorded: number): string {
  const head = plainOutput(ht.head.join(''));
  const tail = plainOutput(ht.tail.join(''));
  const text = head + tail;
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const notes: string[] = [];
  if (ht.omitted > 0) notes.push(`${formatBytes(ht.omitted)} left out of this page`);
  if (notRecorded > 0) notes.push(`${formatBytes(notRecorded)} not recorded`);
  const cut = ht.omitted > 0 ? `<span class="cut">[… ${esc(formatBytes(ht.omitted))} of output left out of this page: the timeline has it …]</span>` : '';
  return (
    `<details class="output"><summary>${esc(label)} (${lines} line${lines === 1 ? '' : 's'}${notes.length ? `; ${esc(notes.join('; '))}` : ''})</summary>` +
    `<pre>${esc(head)}${cut}${esc(tail)}</pre></details>`
  );
}

function runHtml(r: CommandRun): string {
  const c = r.c;
  const res = runResult(r);
  const parts: string[] = [`<span class="id mono">${esc(c.id)}</span>`, `<span class="badge ${RESULT_CLASS[res]}" data-result="${res}">${esc(res)}</span>`];
  if (c.danger) parts.push('<span class="tag danger">⚠ dangerous</span>');
  if (c.edited) parts.push('<span class="tag edited">edited</span>');
  if (c.allowFailure) parts.push('<span class="tag">allow_failure</span>');
  const longest = runDurationMs(r);
  const meta = c.skipped
    ? 'skipped'
    : r.hosts.length > 0
      ? `on ${r.hosts.length} host${r.hosts.length === 1 ? '' : 's'}${longest !== null ? ` · last done after ${formatDuration(longest)}` : ''}`
      : describeCommandResult(c);
  parts.push(`<span class="meta">${esc(`at ${formatOffset(c.atMs)} · ${meta}`)}</span>`);
  if (r.castAt !== null) parts.push(`<button class="replay" type="button" data-cast-at="${r.castAt}" title="Play the recording from this command">▶ replay</button>`);
  const body: string[] = [`<pre class="command">$ ${esc(c.command)}</pre>`];
  if (r.hosts.length > 0) {
    const items = r.hosts.map((h) => {
      const ph = r.perHost.get(h);
      const hr = ph ? ph.result : resultOf(c);
      const how = ph ? `${ph.exitCode !== null ? `exit ${ph.exitCode}` : ph.signal ? `killed by ${ph.signal}` : hr}${ph.durationMs !== null ? ` · ${formatDuration(ph.durationMs)}` : ''}` : hr === 'unfinished' ? 'never finished' : hr;
      return `<li data-host="${esc(h)}"><span class="badge ${RESULT_CLASS[hr]}">${esc(hr)}</span> <span class="mono">${esc(h)}</span> — ${esc(how)}</li>`;
    });
    body.push(`<ul class="hosts">${items.join('')}</ul>`);
  }
  // What it left in the shell session, as replay shows it (names, recorded values, the new directory).
  if (c.session && c.session.length > 0) body.push(`<ul class="session">${c.session.map((ch) => `<li class="mono">${esc(describeSessionChange(ch))}</li>`).join('')}</ul>`);
  for (const [host, ht] of r.output) {
    const notRecorded = host !== '' ? (r.perHost.get(host)?.omittedBytes ?? 0) : c.omittedBytes;
    body.push(outputBlock(ht, host !== '' ? `Output on ${host}` : 'Output', notRecorded));
  }
  if (r.output.size === 0 && !c.skipped) body.push(`<p class="meta sub">No output recorded${c.omittedBytes > 0 ? ` (${esc(formatBytes(c.omittedBytes))} not recorded)` : ''}.</p>`);
  return `<div class="run ${RESULT_CLASS[res]}" data-id="${esc(c.id)}"><div class="run-head">${parts.join(' ')}</div>${body.join('')}</div>`;
}

function stepHtml(st: StepView): string {
  const s = st.s;
  const span = st.startMs !== null ? `${when(st.startMs)} → ${when(st.endMs ?? st.startMs)} (${formatDuration((st.endMs ?? st.startMs) - st.startMs)})` : '';
  return (
    `<section class="step" id="step-${s.index}"><div class="step-head"><h3>${s.index}. ${esc(s.title || '(untitled)')}</h3>` +
    `<span class="badge st-${s.status.replace(' ', '-')}">${esc(s.status)}</span><span class="when">${esc(span)}</span></div>` +
    (st.prose ? `<div class="prose">${renderProse(st.prose)}</div>` : '') +
    (st.checks.length ? `<ul class="checks">${st.checks.map((c) => `<li>☑ ${esc(c)}</li>`).join('')}</ul>` : '') +
    st.runs.map(runHtml).join('') +
    '</section>'
  );
}

function logHtml(m: HtmlModel): string {
  type Item = { atMs: number; html: string };
  const items: Item[] = [];
  const startMs = m.summary.started ? Date.parse(m.summary.started) : null;
  m.summary.notes.forEach((n, i) => {
    const offset = formatOffset(clockOffset(startMs, n.atMs));
    items.push({ atMs: n.atMs, html: `<li id="note-${i + 1}" class="note-item"><span class="at">${esc(`${offset} · ${utc(n.ts)}`)}</span><span><strong>Note</strong> by ${esc(n.actor)}: <span class="text">${esc(n.text)}</span></span></li>` });
  });
  for (const k of m.summary.marks) {
    items.push({
      atMs: k.atMs,
      html: `<li class="mark-item m-${k.what}"><span class="at">${esc(`${when(k.atMs)} · ${utc(k.at)}`)}</span><span><strong>${esc(k.what[0]?.toUpperCase() + k.what.slice(1))}</strong>${k.backfilled ? ' (recorded later)' : ''} by ${esc(k.actor)}${k.text ? `: <span class="text">${esc(k.text)}</span>` : ''}</span></li>`,
    });
  }
  items.sort((a, b) => a.atMs - b.atMs);
  return items.length ? `<ol class="log">${items.map((x) => x.html).join('')}</ol>` : '<p class="sub">No notes or marks were recorded.</p>';
}

/** The script's hash for the Content-Security-Policy: only these scripts may run. */
const hash = (js: string): string => `'sha256-${createHash('sha256').update(js).digest('base64')}'`;

/** The player's bundle inside a <script>: it has no `</script`, but the page must not depend on that. */
const scriptSafe = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

export function renderPage(m: HtmlModel, o: PageOptions): string {
  const s = m.summary;
  const title = `${s.runbook.title || s.runbook.id || 'Incident'} — ${s.incident || 'incident report'}`;
  const playerJs = scriptSafe(o.assets.js);
  const csp = [
    "default-src 'none'",
    `script-src ${hash(playerJs)} ${hash(REPORT_JS)} 'wasm-unsafe-eval'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="runbook ${esc(o.version)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${o.assets.css.replace(/<\/style/gi, '<\\/style')}</style>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body><main>',
    header(m, o),
    '<section id="chart"><h2>Timeline</h2>',
    renderChart(m),
    '</section>',
    '<section id="replay" class="no-print"><h2>Terminal replay</h2>',
    `<p class="sub">The run as the operator saw it (idle gaps cut to 2 s)${m.castOmittedFrames > 0 ? '; long output is shortened, the steps below show more' : ''}.</p>`,
    '<div class="player-box"><div id="player"></div></div>',
    '<noscript><p class="sub">The replay needs JavaScript.</p></noscript>',
    '</section>',
    '<section id="steps"><h2>Steps</h2>',
    m.intro ? `<div class="prose">${renderProse(m.intro)}</div>` : '',
    m.steps.map(stepHtml).join(''),
    '</section>',
    '<section id="log"><h2>Notes and marks</h2>',
    logHtml(m),
    '</section>',
    `<footer>Written by runbook ${esc(o.version)} from ${esc(o.timelinePath)} (${esc(String(s.events))} events). Times are UTC; offsets count from the start of the run. Secrets were redacted on export.</footer>`,
    '</main>',
    `<script type="application/json" id="cast-data">${jsonForScript(m.castJson)}</script>`,
    `<script>${playerJs}</script>`,
    `<script>${REPORT_JS}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
