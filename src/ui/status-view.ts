// `runbook status` as text: one block per live run, every line cut to the terminal's width (a wrapped line
// would break --watch's redraw in place). Everything from a timeline is neutralised here.
import type { LiveStatus } from '../report/live-status.js';
import { formatDuration } from '../report/render-event.js';
import { neutralize } from './neutralize.js';
import { stripAnsi, type Style } from './style.js';
import { displayWidth, truncate } from './wrap.js';

/** A live run as status shows it: its summary and where it was found. */
export interface StatusRun {
  timeline: string;
  /** The runner's pid; null for a timeline named with --timeline. */
  pid: number | null;
  status: LiveStatus;
}

/** `03:04:05Z`: marks and notes of tonight need no date. */
const clock = (iso: string): string => (iso.length >= 19 ? `${iso.slice(11, 19)}Z` : iso);

/** `given`: the run was named with --timeline, not found live in the registry. */
export function renderStatus(runs: readonly StatusRun[], style: Style, width: number, now: Date, given = false): string[] {
  const n = (s: string): string => neutralize(s);
  const what = given ? '' : ` · ${runs.length} live run${runs.length === 1 ? '' : 's'} on this host`;
  const lines: string[] = [style.dim(`runbook status · ${now.toISOString().slice(0, 19).replace('T', ' ')}Z${what}`)];
  if (runs.length === 0) lines.push('', 'No run is live on this host.');
  for (const { timeline, pid, status: s } of runs) {
    lines.push('');
    lines.push(`${style.bold(`● ${n(s.runbook.title || s.runbook.id)}`)} ${style.dim(`(${n(s.runbook.id)}) · ${n(s.incident)}${pid !== null ? ` · pid ${pid}` : ''}`)}`);
    lines.push(`  operator ${n(s.operator ?? '?')}@${n(s.host ?? '?')}${s.handovers.length ? style.dim(` (handed over ${s.handovers.length}×; started by ${n(s.handovers[0]?.from ?? '?')})`) : ''}`);
    const step = s.step ? `step ${s.step.index}${s.step.count !== null ? ` of ${s.step.count}` : ''}${s.step.title ? `: ${n(s.step.title)}` : ''}` : 'not started';
    lines.push(`  step     ${step}`);
    if (s.command) {
      // The command is cut, not "for how long": that is what the commander looks for.
      const head = `  running  ${s.command.danger ? '⚠ ' : ''}${n(s.command.id)} $ `;
      const tail = ` for ${formatDuration(s.command.runningMs)}`;
      const cmd = truncate(n(s.command.command.split('\n')[0] ?? ''), Math.max(10, width - displayWidth(head) - tail.length));
      lines.push(`  running  ${s.command.danger ? style.danger('⚠ ') : ''}${n(s.command.id)} ${style.dim('$')} ${cmd}${style.yellow(tail)}`);
    } else {
      lines.push(`  running  ${style.dim(s.finished ? `nothing (run ${s.finished})` : 'nothing (waiting for the operator)')}`);
    }
    if (s.since) lines.push(`  elapsed  ${style.bold(formatDuration(s.since.elapsedMs))} since ${s.since.from} (${clock(s.since.at)})`);
    if (s.marks.length) lines.push(`  marks    ${s.marks.map((m) => `${style.yellow(`⚑ ${m.what}`)} ${clock(m.at)}${m.text ? ` ${n(m.text)}` : ''} ${style.dim(`(${n(m.actor)})`)}`).join(' · ')}`);
    s.notes.forEach((note, i) => lines.push(`  ${i === 0 ? 'notes   ' : '        '} ${style.magenta(`✎ ${clock(note.ts)} ${n(note.actor)}:`)} ${n(note.text.split('\n')[0] ?? '')}`));
    lines.push(style.dim(`  timeline ${n(timeline)}`));
  }
  // A line too wide loses its colours rather than being cut inside a colour sequence.
  return lines.map((l) => (displayWidth(l) <= width ? l : truncate(stripAnsi(l), width)));
}
