// The runner's shell session: the state commands start from, updated after each successful command from the
// dump its executor returned, captures, and what a command changed as a `session.changed` event. Restoring
// from a resumed timeline is here too. Pure (the state is data; events are returned, not written).
import { isUtf8 } from 'node:buffer';
import type { EventBody } from '../timeline/events.js';
import { diffStates, isEmptyDiff, launchFor, nextState, parseDump, stateFromEnv, withVar, type SessionDiff, type SessionState } from './session-state.js';
import { varEnvName } from './vars.js';

/** What a timeline recorded of its session (folded `session.changed` events), for --resume. */
export interface RecordedSession {
  cwd?: string;
  /** Name → the last value recorded, or null when it was set but its value not recorded (secret). */
  set: Map<string, string | null>;
  removed: Set<string>;
  /** Each host's session (events with `host`), for blocks run on hosts. */
  hosts?: Map<string, RecordedSession>;
}

export function emptyRecordedSession(): RecordedSession {
  return { set: new Map(), removed: new Set() };
}

/** Folds one `session.changed` event into `r`. */
export function recordSessionEvent(r: RecordedSession, e: Extract<EventBody, { type: 'session.changed' }>): void {
  if (typeof e.host === 'string') {
    r.hosts ??= new Map();
    let h = r.hosts.get(e.host);
    if (!h) r.hosts.set(e.host, (h = emptyRecordedSession()));
    r = h;
  }
  let values: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(e.values);
    if (parsed && typeof parsed === 'object') values = parsed as Record<string, unknown>;
  } catch {
    // a value redacted into something that is no longer JSON: nothing of it is restored
  }
  for (const n of [...e.added.split(' '), ...e.changed.split(' ')].filter(Boolean)) {
    const v = Object.prototype.hasOwnProperty.call(values, n) ? values[n] : undefined;
    r.set.set(n, typeof v === 'string' && !v.includes('[redacted]') ? v : null);
    r.removed.delete(n);
  }
  for (const n of e.removed.split(' ').filter(Boolean)) {
    r.set.delete(n);
    r.removed.add(n);
  }
  if (e.cwd) r.cwd = e.cwd;
}

export class ShellSession {
  private state: SessionState;
  /** The last dump adopted: most commands change nothing and dump the same bytes, which need no parsing. */
  private lastDump: Buffer | undefined;
  /** launchFor(state), for as long as the state does not change. */
  private launched: { env: Record<string, string>; cwd: string } | undefined;

  constructor(env: Record<string, string>, cwd: string) {
    this.state = stateFromEnv(env, cwd);
  }

  /** Applies a recorded session; returns the names it could not restore (value not recorded). */
  restore(r: RecordedSession): string[] {
    const lost: string[] = [];
    let st = this.state;
    for (const n of r.removed) st = withVar(st, n, undefined);
    for (const [n, v] of r.set) {
      // Not recorded (secret): a value given again (--var, the environment) stands; else it stays unset.
      if (v === null) lost.push(n);
      else st = withVar(st, n, Buffer.from(v, 'utf8'));
    }
    if (r.cwd !== undefined) st = { env: st.env, cwd: Buffer.from(r.cwd, 'utf8') };
    this.setState(st);
    return lost.sort();
  }

  /** Environment and directory of the next command; `cwd` (a block's own `cwd=`) overrides the session's. */
  launch(cwd?: string): { env: Record<string, string>; cwd: string } {
    // A copy of the cached env: an executor may keep or change what it is given.
    const l = (this.launched ??= launchFor(this.state));
    return cwd === undefined ? { env: { ...l.env }, cwd: l.cwd } : { env: { ...l.env }, cwd };
  }

  /** A new state: the cached launch no longer holds, nor does a dump adopted before (unless it made it). */
  private setState(next: SessionState, fromDump?: Buffer): void {
    this.state = next;
    this.launched = undefined;
    this.lastDump = fromDump;
  }

  has(name: string): boolean {
    return this.state.env.has(name);
  }

  /** A runbook variable set during the run (a capture): by name and as RUNBOOK_VAR_name, like --var. */
  setVar(name: string, value: string): void {
    this.setState(withVar(withVar(this.state, name, Buffer.from(value, 'utf8')), varEnvName(name), Buffer.from(value, 'utf8')));
  }

  /**
   * After a successful command: adopt the state its dump reports. `startCwd`: the directory it was started
   * in when that was its own `cwd=`. Returns what changed, or undefined (no dump, or nothing changed).
   */
  settle(dump: Buffer | undefined, startCwd?: string): { diff: SessionDiff; state: SessionState } | undefined {
    if (dump === undefined || (startCwd === undefined && this.lastDump?.equals(dump))) return undefined;
    const dumped = parseDump(dump);
    if (dumped === undefined) return undefined;
    const next = nextState(this.state, dumped, startCwd === undefined ? undefined : Buffer.from(startCwd, 'utf8'));
    const diff = diffStates(this.state, next);
    // Adopted even when nothing reported changed: OLDPWD, PWD and RUNBOOK_VAR_* carry but are not reported.
    this.setState(next, startCwd === undefined ? dump : undefined);
    return isEmptyDiff(diff) ? undefined : { diff, state: next };
  }
}

/** The event for a change; a value is recorded only when `showValue` allows it and it is UTF-8. */
export function sessionChangedEvent(id: string, diff: SessionDiff, state: SessionState, showValue: (name: string, value: string) => boolean, host?: string): EventBody {
  const values: Record<string, string> = {};
  for (const n of [...diff.added, ...diff.changed]) {
    const v = state.env.get(n);
    if (v === undefined || !isUtf8(v)) continue;
    const text = v.toString('utf8');
    if (showValue(n, text)) values[n] = text;
  }
  return {
    type: 'session.changed',
    id,
    added: diff.added.join(' '),
    changed: diff.changed.join(' '),
    removed: diff.removed.join(' '),
    cwd: diff.cwd === undefined ? '' : diff.cwd.toString('utf8'),
    values: JSON.stringify(values),
    ...(host !== undefined ? { host } : {}),
  };
}
