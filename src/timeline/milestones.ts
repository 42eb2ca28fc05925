// The incident's milestones (impact, detected, mitigated, resolved): the order they must keep, and the
// times a postmortem reports. One definition, used by `mark` (to refuse) and by the fold (to report).
import type { MarkWhat } from './events.js';

export interface Milestone {
  what: MarkWhat;
  /** When it happened (a backfilled mark's `at`, else its `ts`), epoch ms. */
  atMs: number;
}

/** Pairs [earlier, later]: impact and detection come before mitigation, which comes before resolution. */
const ORDER: ReadonlyArray<readonly [MarkWhat, MarkWhat]> = [
  ['impact', 'mitigated'],
  ['impact', 'resolved'],
  ['detected', 'mitigated'],
  ['detected', 'resolved'],
  ['mitigated', 'resolved'],
];

/** A milestone needs one of these marked before it: mitigation comes after impact or detection, resolution after mitigation. */
const NEEDS: Partial<Record<MarkWhat, readonly MarkWhat[]>> = { mitigated: ['impact', 'detected'], resolved: ['mitigated'] };

/** The first (earliest) time of each milestone. */
export function firstOf(marks: readonly Milestone[]): Partial<Record<MarkWhat, number>> {
  const first: Partial<Record<MarkWhat, number>> = {};
  for (const m of marks) if (Number.isFinite(m.atMs) && (first[m.what] === undefined || m.atMs < (first[m.what] as number))) first[m.what] = m.atMs;
  return first;
}

/**
 * Why a new milestone at `atMs` would be out of order with the ones already marked, or null. Detection may
 * come before impact (an alert that fires before users notice): that pair has no order.
 */
export function outOfOrder(existing: readonly Milestone[], what: MarkWhat, atMs: number, show: (ms: number) => string): string | null {
  const first = firstOf(existing);
  // A milestone with nothing marked before it would make every correct mark after it "out of order".
  const needed = NEEDS[what];
  if (needed && !needed.some((w) => first[w] !== undefined)) return `${what} comes after ${needed.join(' or ')}, which ${needed.length > 1 ? 'are' : 'is'} not marked yet (mark ${needed.at(-1)} first, with --at if it was earlier)`;
  for (const [earlier, later] of ORDER) {
    const e = first[earlier];
    if (what === later && e !== undefined && atMs < e) return `${what} at ${show(atMs)} would be before ${earlier} at ${show(e)}`;
    const l = first[later];
    if (what === earlier && l !== undefined && atMs > l) return `${what} at ${show(atMs)} would be after ${later} at ${show(l)}`;
  }
  return null;
}

export type TimesFrom = 'impact' | 'detection' | 'run start';

export interface IncidentTimes {
  /** What time to mitigate and resolve count from: the impact mark, else detection, else the run's start. */
  from: TimesFrom;
  /** Detected minus impact; null unless both are marked (negative: detected before users were affected). */
  toDetectMs: number | null;
  toMitigateMs: number | null;
  toResolveMs: number | null;
}

export function incidentTimes(marks: readonly Milestone[], runStartMs: number | null): IncidentTimes {
  const first = firstOf(marks);
  const origin = first.impact ?? first.detected ?? runStartMs;
  const from: TimesFrom = first.impact !== undefined ? 'impact' : first.detected !== undefined ? 'detection' : 'run start';
  const since = (t: number | undefined): number | null => (t === undefined || origin === null ? null : t - origin);
  return {
    from,
    toDetectMs: first.impact !== undefined && first.detected !== undefined ? first.detected - first.impact : null,
    toMitigateMs: since(first.mitigated),
    toResolveMs: since(first.resolved),
  };
}

/**
 * `--at` of `mark`: ISO 8601 (`2026-11-28T03:04:00Z`; without a zone, local time), `HH:MM` today in local
 * time, or `15m ago` (s, m, h, d, combined as `1h30m ago`). Null when the text is none of these.
 */
export function parseWhen(text: string, now: Date): Date | null {
  const t = text.trim();
  const ago = /^((?:\d+\s*[smhd]\s*)+)ago$/i.exec(t);
  if (ago) {
    const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    let ms = 0;
    for (const m of (ago[1] as string).matchAll(/(\d+)\s*([smhd])/gi)) ms += Number(m[1]) * (unit[(m[2] as string).toLowerCase()] as number);
    return new Date(now.getTime() - ms);
  }
  const hm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (hm) {
    const [h, m, s] = [Number(hm[1]), Number(hm[2]), Number(hm[3] ?? 0)];
    if (h > 23 || m > 59 || s > 59) return null;
    const d = new Date(now);
    d.setHours(h, m, s, 0);
    return d;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const d = new Date(t.replace(' ', 'T'));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}
