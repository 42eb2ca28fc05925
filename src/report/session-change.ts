// What a command left in a shell session (`session.changed`), as every report shows it: names always, each
// recorded value beside its name (a value the run did not record, a secret, is never shown, as it never was).
import type { TimelineEvent } from '../timeline/events.js';

export interface SessionChange {
  /** The host whose session it is; absent: the operator's machine. */
  host?: string;
  added: string[];
  changed: string[];
  removed: string[];
  /** The new directory, when it changed. */
  cwd?: string;
  /** The values the timeline recorded, by name. */
  values: Record<string, string>;
}

// Tolerant: a renderer gets events as they are in the file, which may lack a field.
const names = (s: unknown): string[] => (typeof s === 'string' ? s.split(' ').filter(Boolean) : []);

export function sessionChangeOf(ev: Extract<TimelineEvent, { type: 'session.changed' }>): SessionChange {
  let values: Record<string, string> = {};
  try {
    const parsed: unknown = typeof ev.values === 'string' ? JSON.parse(ev.values) : null;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      values = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // redacted into something that is not JSON any more: the names still say what changed
  }
  return {
    ...(typeof ev.host === 'string' ? { host: ev.host } : {}),
    added: names(ev.added),
    changed: names(ev.changed),
    removed: names(ev.removed),
    ...(typeof ev.cwd === 'string' && ev.cwd !== '' ? { cwd: ev.cwd } : {}),
    values,
  };
}

/** A value as it reads in one line: quoted (JSON) when it holds spaces, quotes or controls; long ones cut. */
function shown(v: string): string {
  const cut = v.length > 60 ? `${v.slice(0, 59)}…` : v;
  return /^[^\s"'\\\p{C}]*$/u.test(cut) ? cut : JSON.stringify(cut);
}

/**
 * `web1: env: +POD=api-7d9f, ~PATH, -OLD · cwd: /var/log/app` (the caller escapes it for its format); without
 * `values`, names only, as the live run shows it.
 */
export function describeSessionChange(c: SessionChange, o: { values: boolean } = { values: true }): string {
  const has = (n: string): boolean => o.values && Object.prototype.hasOwnProperty.call(c.values, n);
  const named = (n: string, mark: string): string => `${mark}${n}${has(n) ? `=${shown(c.values[n] as string)}` : ''}`;
  const env = [...c.added.map((n) => named(n, '+')), ...c.changed.map((n) => named(n, '~')), ...c.removed.map((n) => `-${n}`)];
  const parts = [...(env.length > 0 ? [`env: ${env.join(', ')}`] : []), ...(c.cwd !== undefined ? [`cwd: ${c.cwd}`] : [])];
  return `${c.host !== undefined ? `${c.host}: ` : ''}${parts.join(' · ')}`;
}
