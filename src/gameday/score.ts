// A game's score, read from its own timeline (injection and the checks' marks) and the responder's (commands,
// dangerous commands approved, steps skipped, hand marks), both through the report fold. And the history of a
// scenario's games. Reads timelines, never writes them.
import { existsSync } from 'node:fs';
import { isAbsolute, join, dirname } from 'node:path';
import { foldEvent, initialFoldState, summarize, type IncidentSummary } from '../report/fold.js';
import { readTimeline } from '../timeline/reader.js';
import { listTimelines, timelineDir } from '../timeline/locate.js';
import type { TimelineEvent } from '../timeline/events.js';

export interface GameScore {
  /** The game's timeline. */
  timeline: string;
  scenario: string;
  started: string | null;
  /** completed (mitigated), failed (not mitigated in time, or the revert failed), aborted (stopped), interrupted (crashed). */
  status: string;
  /** From the injection to the first detection (the check or the responder's hand mark); null: never. */
  detectMs: number | null;
  mitigateMs: number | null;
  commandsRun: number | null;
  dangerousApproved: number | null;
  stepsSkipped: number | null;
  responderTimeline: string | null;
}

/** Where games record: `gamedays/` beside the timeline folder, apart from real incidents (like drills/). */
export function gamedayDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return join(dirname(timelineDir(env, cwd)), 'gamedays');
}

async function fold(path: string): Promise<{ summary: IncidentSummary; started: TimelineEvent | null }> {
  const state = initialFoldState();
  let started: TimelineEvent | null = null;
  for await (const item of readTimeline(path)) {
    if (item.kind !== 'event') continue;
    if (item.event.type === 'run.started' && started === null) started = item.event;
    foldEvent(state, item.event);
  }
  return { summary: summarize(state), started };
}

const firstAt = (s: IncidentSummary, what: string): number | null => {
  const times = s.marks.filter((m) => m.what === what).map((m) => Date.parse(m.at)).filter(Number.isFinite);
  return times.length ? Math.min(...times) : null;
};

/** Score one game from its timeline; null when the file is not a game's. */
export async function scoreGame(path: string): Promise<GameScore | null> {
  const game = await fold(path);
  if (game.summary.mode !== 'gameday' || game.started?.type !== 'run.started') return null;
  const link = game.started.game;
  const rel = link?.responder_timeline ?? null;
  const responderPath = rel === null ? null : isAbsolute(rel) ? rel : join(dirname(path), rel);
  const responder = responderPath !== null && existsSync(responderPath) ? (await fold(responderPath)).summary : null;
  const injected = firstAt(game.summary, 'impact');
  const earliest = (what: string): number | null => {
    const all = [firstAt(game.summary, what), responder ? firstAt(responder, what) : null].filter((x): x is number => x !== null);
    return all.length && injected !== null ? Math.min(...all) - injected : null;
  };
  const ran = responder ? responder.steps.flatMap((st) => st.commands.filter((c) => !c.skipped)) : [];
  return {
    timeline: path,
    scenario: link?.scenario ?? game.summary.runbook.id,
    started: game.summary.started,
    status: game.summary.status,
    detectMs: earliest('detected'),
    mitigateMs: earliest('mitigated'),
    commandsRun: responder ? responder.counts.commandsRun : null,
    dangerousApproved: responder ? new Set(ran.filter((c) => c.danger).map((c) => c.id)).size : null,
    stepsSkipped: responder ? responder.counts.stepsSkipped : null,
    responderTimeline: responderPath,
  };
}

/** Every game recorded in the folder (of one scenario when given), oldest first. */
export async function gameHistory(dir: string, scenario?: string): Promise<GameScore[]> {
  const out: GameScore[] = [];
  for (const path of await listTimelines(dir)) {
    if (path.endsWith('.responder.jsonl')) continue;
    const s = await scoreGame(path).catch(() => null);
    if (s && (scenario === undefined || s.scenario === scenario)) out.push(s);
  }
  return out.sort((a, b) => (a.started ?? '').localeCompare(b.started ?? ''));
}
