// What gameday prints: the plan before the game, the score after it, the history table. Pure strings.
import { formatDuration } from '../report/render-event.js';
import { quote } from '../self-name.js';
import { neutralize } from '../ui/neutralize.js';
import type { Style } from '../ui/style.js';
import type { Scenario } from './scenario.js';
import type { GameScore } from './score.js';

export function renderPlan(s: Scenario, o: { durationMs: number; pollMs: number; runbook: string; timeline: string; hosts?: string[] }, style: Style): string {
  const n = (x: string): string => neutralize(x);
  const block = (text: string): string => text.split('\n').map((l) => `    ${neutralize(l)}`).join('\n');
  return [
    '',
    style.bold(`GAME DAY: ${n(s.title)}`) + style.dim(` (${n(s.id)})`),
    `  fault       ${n(s.fault)}`,
    `  target      ${n(s.target)}${s.target === 'netns' ? ' (network namespaces made for the game; no interface of this host is touched)' : ''}${o.hosts ? ` over ssh: ${n(o.hosts.join(', '))}` : ''}`,
    `  limits      reverted after ${formatDuration(o.durationMs)} at the latest; checks every ${formatDuration(o.pollMs)}`,
    `  responder   runbook ${n(o.runbook)}`,
    `  timeline    ${n(o.timeline)}`,
    '  revert plan (run at the end whatever happens, and by gameday --cleanup after a crash):',
    ...s.blocks.revert.map((b) => block(b.text)),
    '',
  ].join('\n');
}

const time = (ms: number | null): string => (ms === null ? '—' : formatDuration(ms));
const count = (n: number | null): string => (n === null ? '—' : String(n));

/** The score, with how it compares with the previous games of the scenario. */
export function renderScore(g: GameScore, previous: GameScore[], style: Style): string {
  const compare = (pick: (x: GameScore) => number | null, lowerIsBetter = true): string => {
    const mine = pick(g);
    const past = previous.map(pick).filter((x): x is number => x !== null);
    if (past.length === 0 || mine === null) return '';
    const last = past[past.length - 1] as number;
    const best = lowerIsBetter ? Math.min(...past) : Math.max(...past);
    return style.dim(`   (previous ${formatDuration(last)}, best ${formatDuration(best)})`);
  };
  return [
    '',
    style.bold('Game score'),
    `  result               ${g.status === 'completed' ? 'mitigated' : g.status === 'failed' ? 'not mitigated' : g.status}`,
    `  time to detect       ${time(g.detectMs)}${compare((x) => x.detectMs)}`,
    `  time to mitigate     ${time(g.mitigateMs)}${compare((x) => x.mitigateMs)}`,
    `  commands run         ${count(g.commandsRun)}`,
    `  dangerous approved   ${count(g.dangerousApproved)}`,
    `  steps skipped        ${count(g.stepsSkipped)}`,
    `  previous games       ${previous.length}`,
    '',
  ].join('\n');
}

export function renderHistory(games: GameScore[], rel: (p: string) => string): string {
  if (games.length === 0) return 'no games recorded yet\n';
  const rows = [['started', 'scenario', 'result', 'detect', 'mitigate', 'commands', 'dangerous', 'skipped', 'timeline']];
  for (const g of games)
    rows.push([g.started ?? '—', g.scenario, g.status, time(g.detectMs), time(g.mitigateMs), count(g.commandsRun), count(g.dangerousApproved), count(g.stepsSkipped), rel(g.timeline)].map((c) => neutralize(c)));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Words quoted for a POSIX shell, to paste into a second terminal. */
export function shellWords(words: string[]): string {
  return words.map(quote).join(' ');
}
