// The report's timeline chart: an inline SVG drawn here (no chart library). One row per step (a bar from its
// start to its end), one mark per command coloured by how it ended, a sub-row per host for multi-host
// commands, the milestones as labelled vertical lines, notes as points on their own lane, and idle gaps
// longer than a threshold drawn compressed with their length written on them.
import type { NoteSummary } from './fold.js';
import { describeCommandResult } from './export-markdown.js';
import { escapeHtml as esc } from './export-html-escape.js';
import { resultOf, runDurationMs, runResult, type CommandResult, type CommandRun, type HtmlModel } from './export-html-model.js';
import { formatDuration, formatOffset } from './render-event.js';

const W = 1000;
const LABEL_W = 200;
const X0 = LABEL_W + 10;
const X1 = W - 15;
const STEP_H = 28;
const HOST_H = 18;
const NOTE_H = 26;
const LABEL_LEVEL_H = 14;

/** A gap with nothing happening longer than this (and than a tenth of the run) is drawn compressed. */
export const IDLE_GAP_MS = 60_000;
/** What share of the width each compressed gap takes (all of them together at most COMPRESSED_SHARE). */
const GAP_SHARE = 0.075;
const COMPRESSED_SHARE = 0.3;

export const RESULT_CLASS: Record<CommandResult, string> = {
  ok: 'r-ok',
  failed: 'r-failed',
  'timed out': 'r-timeout',
  interrupted: 'r-interrupted',
  skipped: 'r-skipped',
  unfinished: 'r-unfinished',
};

interface Segment {
  a: number;
  b: number;
  compressed: boolean;
  x: number;
  w: number;
}

/** Time → x, linear inside each segment; compressed segments get a fixed small width. */
export interface Scale {
  x(ms: number): number;
  segments: Segment[];
}

/** The scale over [from, to] given the intervals where something happened. Exported for tests. */
export function buildScale(from: number, to: number, busy: readonly (readonly [number, number])[]): Scale {
  if (to <= from) to = from + 1;
  const threshold = Math.max(IDLE_GAP_MS, (to - from) / 10);
  const sorted = busy.map(([a, b]) => [Math.max(from, a), Math.min(to, Math.max(a, b))] as const).sort((p, q) => p[0] - q[0]);
  const gaps: [number, number][] = [];
  let reach = from;
  for (const [a, b] of sorted) {
    if (a - reach > threshold) gaps.push([reach, a]);
    reach = Math.max(reach, b);
  }
  if (to - reach > threshold) gaps.push([reach, to]);
  const raw: { a: number; b: number; compressed: boolean }[] = [];
  let t = from;
  for (const [a, b] of gaps) {
    if (a > t) raw.push({ a: t, b: a, compressed: false });
    raw.push({ a, b, compressed: true });
    t = b;
  }
  if (to > t) raw.push({ a: t, b: to, compressed: false });
  const span = X1 - X0;
  const nGaps = gaps.length;
  const gapW = nGaps === 0 ? 0 : (span * Math.min(GAP_SHARE, COMPRESSED_SHARE / nGaps));
  const live = raw.filter((s) => !s.compressed).reduce((n, s) => n + (s.b - s.a), 0);
  const liveW = span - gapW * nGaps;
  let x = X0;
  const segments: Segment[] = raw.map((s) => {
    const w = s.compressed ? gapW : live > 0 ? ((s.b - s.a) / live) * liveW : liveW;
    const seg = { ...s, x, w };
    x += w;
    return seg;
  });
  return {
    segments,
    x(ms) {
      if (ms <= from) return X0;
      if (ms >= to) return X1;
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((segments[mid] as Segment).b < ms) lo = mid + 1;
        else hi = mid;
      }
      const s = segments[lo] as Segment;
      return s.x + (s.b > s.a ? ((ms - s.a) / (s.b - s.a)) * s.w : 0);
    },
  };
}

const n = (v: number): string => (Math.round(v * 10) / 10).toString();

function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function cmdEnd(run: CommandRun, stepEnd: number | null, endMs: number): number {
  const c = run.c;
  const d = runDurationMs(run);
  if (d !== null) return c.atMs + d;
  if (c.skipped) return c.atMs;
  return stepEnd ?? endMs;
}

function when(ms: number): string {
  return ms < 0 ? `${formatDuration(-ms)} before the run started` : formatOffset(ms);
}

/** The SVG of the chart, and the facts a test can check (kept as data-* attributes on the elements). */
export function renderChart(m: HtmlModel): string {
  const s = m.summary;
  const from = Math.min(0, ...s.marks.map((k) => k.atMs));
  const to = Math.max(m.endMs, ...s.marks.map((k) => k.atMs), from + 1000);
  const busy: [number, number][] = [[from, from], [0, 0]];
  for (const st of m.steps) {
    if (st.startMs !== null) busy.push([st.startMs, st.startMs]);
    if (st.endMs !== null) busy.push([st.endMs, st.endMs]);
    for (const r of st.runs) busy.push([r.c.atMs, cmdEnd(r, st.endMs, m.endMs)]);
  }
  for (const x of [...s.notes, ...s.marks]) busy.push([x.atMs, x.atMs]);
  busy.push([to, to]);
  const scale = buildScale(from, to, busy);
  const X = scale.x;

  // Milestone labels on staggered levels so close ones do not overlap.
  const marks = [...s.marks].sort((a, b) => a.atMs - b.atMs);
  const levelEnd: number[] = [];
  const placed = marks.map((k) => {
    const x = X(k.atMs);
    const w = k.what.length * 6.6 + 8;
    const left = x > X1 - 70 ? x - w : x;
    let level = levelEnd.findIndex((e) => e < left - 2);
    if (level < 0) level = levelEnd.length < 4 ? levelEnd.length : 0;
    levelEnd[level] = left + w;
    return { k, x, level };
  });
  const levels = Math.max(1, levelEnd.length);
  const top = levels * LABEL_LEVEL_H + 22; // labels, then the time axis
  const out: string[] = [];
  let y = top;

  // Rows: a step, then its hosts.
  const rows: string[] = [];
  for (const st of m.steps) {
    const hostsHere: string[] = [];
    for (const r of st.runs) for (const h of r.hosts) if (!hostsHere.includes(h)) hostsHere.push(h);
    const rowH = STEP_H + hostsHere.length * HOST_H;
    const cy = y + STEP_H / 2;
    rows.push(`<g class="row" data-step="${st.s.index}">`);
    if (st.s.index % 2 === 0) rows.push(`<rect class="zebra" x="0" y="${n(y)}" width="${W}" height="${rowH}"/>`);
    rows.push(
      `<text class="step-label" x="8" y="${n(cy + 4)}">${esc(truncate(`${st.s.index}. ${st.s.title || '(untitled)'}`, 30))}<title>${esc(`Step ${st.s.index}: ${st.s.title} (${st.s.status})`)}</title></text>`,
    );
    if (st.startMs !== null) {
      const x0 = X(st.startMs);
      const x1 = Math.max(X(st.endMs ?? st.startMs), x0 + 2);
      rows.push(
        `<rect class="step-bar st-${st.s.status.replace(' ', '-')}" data-step="${st.s.index}" x="${n(x0)}" y="${n(cy - 7)}" width="${n(x1 - x0)}" height="14" rx="3"><title>${esc(`Step ${st.s.index}: ${st.s.title} — ${st.s.status}, ${when(st.startMs)} to ${when(st.endMs ?? st.startMs)} (${formatDuration((st.endMs ?? st.startMs) - st.startMs)})`)}</title></rect>`,
      );
    } else {
      rows.push(`<text class="not-reached" x="${X0 + 4}" y="${n(cy + 4)}">${esc(st.s.status)}</text>`);
    }
    for (const r of st.runs) {
      const res = runResult(r);
      const x0 = X(r.c.atMs);
      const x1 = Math.max(X(cmdEnd(r, st.endMs, m.endMs)), x0 + 4);
      const tip = `${r.c.id} ${truncate(r.c.command, 120)} — ${r.c.skipped ? 'skipped' : r.hosts.length > 0 ? `${res} on ${r.hosts.length} hosts` : describeCommandResult(r.c)}`;
      rows.push(
        `<rect class="cmd ${RESULT_CLASS[res]}" data-id="${esc(r.c.id)}" data-result="${res}" x="${n(x0)}" y="${n(cy - 10)}" width="${n(x1 - x0)}" height="20" rx="2"><title>${esc(tip)}</title></rect>`,
      );
    }
    hostsHere.forEach((h, i) => {
      const hy = y + STEP_H + i * HOST_H + HOST_H / 2;
      rows.push(`<text class="host-label" x="22" y="${n(hy + 4)}">${esc(truncate(`↳ ${h}`, 30))}<title>${esc(h)}</title></text>`);
      rows.push(`<line class="host-line" x1="${X0}" x2="${X1}" y1="${n(hy)}" y2="${n(hy)}"/>`);
      for (const r of st.runs) {
        if (!r.hosts.includes(h)) continue;
        const ph = r.perHost.get(h);
        const res: CommandResult = ph ? ph.result : resultOf(r.c);
        const x0 = X(r.c.atMs);
        const end = ph?.durationMs != null ? r.c.atMs + ph.durationMs : cmdEnd(r, st.endMs, m.endMs);
        const x1 = Math.max(X(end), x0 + 4);
        const tip = `${r.c.id} on ${h} — ${ph ? (ph.exitCode !== null ? `exit ${ph.exitCode}` : res) + (ph.durationMs !== null ? ` · ${formatDuration(ph.durationMs)}` : '') : res}`;
        rows.push(
          `<rect class="host-cmd ${RESULT_CLASS[res]}" data-id="${esc(r.c.id)}" data-host="${esc(h)}" data-result="${res}" x="${n(x0)}" y="${n(hy - 5)}" width="${n(x1 - x0)}" height="10" rx="2"><title>${esc(tip)}</title></rect>`,
        );
      }
    });
    rows.push('</g>');
    y += rowH;
  }
  // The notes' lane.
  const notesY = y + NOTE_H / 2;
  rows.push(`<g class="notes-lane"><text class="step-label" x="8" y="${n(notesY + 4)}">Notes</text>`);
  rows.push(`<line class="host-line" x1="${X0}" x2="${X1}" y1="${n(notesY)}" y2="${n(notesY)}"/>`);
  s.notes.forEach((note: NoteSummary, i) => {
    rows.push(
      `<a href="#note-${i + 1}"><circle class="note" data-note="${i + 1}" cx="${n(X(note.atMs))}" cy="${n(notesY)}" r="6"><title>${esc(`${formatOffset(note.atMs)} ${note.actor}: ${note.text}`)}</title></circle></a>`,
    );
  });
  rows.push('</g>');
  y += NOTE_H;
  const bottom = y + 6;

  // Compressed gaps: a hatched band across all rows, its real length written under it.
  let gapRow = 0;
  let labelEnd = -Infinity;
  let lower = false;
  for (const g of scale.segments) {
    if (!g.compressed) continue;
    const label = `${formatDuration(g.b - g.a)} idle`;
    const half = label.length * 2.9;
    // Side by side gaps (a backfilled mark between two): the next label goes a line lower.
    lower = g.x + g.w / 2 - half < labelEnd + 4 ? !lower : false;
    labelEnd = g.x + g.w / 2 + half;
    gapRow = Math.max(gapRow, lower ? 28 : 16);
    out.push(`<g class="gap" data-gap-ms="${Math.round(g.b - g.a)}"><rect x="${n(g.x)}" y="${top - 4}" width="${n(g.w)}" height="${n(bottom - top + 4)}"/>`);
    out.push(`<text x="${n(g.x + g.w / 2)}" y="${n(bottom + (lower ? 23 : 11))}" text-anchor="middle">${esc(`${formatDuration(g.b - g.a)} idle`)}</text><title>${esc(`${formatDuration(g.b - g.a)} with nothing recorded, drawn compressed`)}</title></g>`);
  }
  // The time axis: round times (1 s, 2 s, 5 s … 1 h apart) where the scale is not compressed, about 6 across.
  const ticks: string[] = [];
  const live = scale.segments.filter((g) => !g.compressed);
  const liveMs = live.reduce((sum, g) => sum + (g.b - g.a), 0);
  const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400].map((x) => x * 1000);
  const step = STEPS.find((x) => liveMs / x <= 7) ?? (STEPS[STEPS.length - 1] as number);
  // +12s when the chart ends within two minutes of the start, else +HH:MM:SS; before the start, a minus.
  const tickLabel = (t: number): string => (t < 0 ? `-${formatDuration(-t)}` : to < 120_000 ? `+${Math.round(t / 1000)}s` : formatOffset(t));
  let lastX = -Infinity;
  for (const g of live) {
    for (let t = Math.ceil(g.a / step) * step; t <= g.b; t += step) {
      const px = X(t);
      if (px - lastX < 55) continue;
      lastX = px;
      const anchor = px < X0 + 20 ? 'start' : px > X1 - 20 ? 'end' : 'middle';
      ticks.push(`<line class="tick" x1="${n(px)}" x2="${n(px)}" y1="${top}" y2="${n(bottom)}"/><text class="tick-label" x="${n(px)}" y="${top - 8}" text-anchor="${anchor}">${esc(tickLabel(t))}</text>`);
    }
  }
  // Milestones last, over everything.
  const ms = placed.map(({ k, x, level }) => {
    const label = esc(k.what);
    const tip = esc(`${k.what} at ${when(k.atMs)}${k.backfilled ? ' (recorded later)' : ''}${k.text ? `: ${k.text}` : ''} (${k.actor})`);
    const ly = 12 + level * LABEL_LEVEL_H;
    const right = x > X1 - 70;
    return `<g class="milestone m-${k.what}" data-what="${k.what}"><line x1="${n(x)}" x2="${n(x)}" y1="${ly + 3}" y2="${n(bottom)}"/><text x="${n(right ? x - 3 : x + 3)}" y="${ly}"${right ? ' text-anchor="end"' : ''}>${label}</text><title>${tip}</title></g>`;
  });
  const legend = (Object.keys(RESULT_CLASS) as CommandResult[])
    .map((r) => `<span class="key"><svg width="12" height="12" aria-hidden="true"><rect class="${RESULT_CLASS[r]}" width="12" height="12" rx="2"/></svg>${r}</span>`)
    .join('');
  return (
    `<div class="chart-wrap"><svg class="chart" role="img" aria-label="Timeline chart: steps, commands, milestones and notes over time" viewBox="0 0 ${W} ${n(bottom + gapRow)}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">` +
    ticks.join('') +
    rows.join('') +
    out.join('') +
    ms.join('') +
    `</svg></div><p class="legend">${legend}<span class="key"><svg width="12" height="12" aria-hidden="true"><circle class="note" cx="6" cy="6" r="5"/></svg>note</span></p>`
  );
}

