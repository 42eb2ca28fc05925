// The shell session of each host a run reaches: what earlier commands there exported, unset and `cd`'d into,
// kept as data and restored before the host's next command (encodeRestore's text, applied by the wrapper).
// A host's login environment is its own: only what commands changed is carried, worked out from the two
// states the host reports around each command (before: after the restore; after: at the command's end).
import type { RecordedSession } from './session.js';
import { diffStates, encodeRestore, isEmptyDiff, parseDump, type SessionDiff, type SessionState } from './session-state.js';

/** Set by bash itself, or by `cd` along with the cwd: not carried as variables. */
const NOT_CARRIED = new Set(['_', 'SHLVL', 'PWD']);

interface HostState {
  set: Map<string, Buffer>;
  unset: Set<string>;
  cwd?: Buffer;
}

export class HostSessions {
  private readonly hosts = new Map<string, HostState>();

  private of(host: string): HostState {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { set: new Map(), unset: new Set() }));
    return h;
  }

  /** Whether earlier commands on `host` left `name` set. */
  has(host: string, name: string): boolean {
    return this.hosts.get(host)?.set.has(name) === true;
  }

  /** On --resume: a host's recorded session. Returns the names it could not restore (values not recorded). */
  restore(host: string, r: RecordedSession): string[] {
    const h = this.of(host);
    const lost: string[] = [];
    for (const n of r.removed) h.unset.add(n);
    for (const [n, v] of r.set) {
      if (v === null) lost.push(n);
      else {
        h.set.set(n, Buffer.from(v, 'utf8'));
        h.unset.delete(n);
      }
    }
    if (r.cwd !== undefined) h.cwd = Buffer.from(r.cwd, 'utf8');
    return lost.sort();
  }

  /** What the host's next command starts with; a block with its own `cwd=` keeps it (the session's is not applied). */
  restoreFor(host: string, blockCwd: boolean): string {
    const h = this.hosts.get(host);
    if (!h) return '';
    return encodeRestore({ set: h.set, unset: h.unset, ...(h.cwd !== undefined && !blockCwd ? { cwd: h.cwd } : {}) });
  }

  /**
   * After a successful command on `host`: carry what it changed. Returns the change (names as the operator
   * sees them) and the state it left, or undefined (no report: not bash, an `exec`, or nothing changed).
   */
  settle(host: string, beforeDump: Buffer | undefined, afterDump: Buffer | undefined): { diff: SessionDiff; state: SessionState } | undefined {
    const before = beforeDump && parseDump(beforeDump);
    const after = afterDump && parseDump(afterDump);
    if (!before || !after) return undefined;
    const h = this.of(host);
    for (const [k, v] of after.env) {
      if (NOT_CARRIED.has(k)) continue;
      const was = before.env.get(k);
      if (was !== undefined && was.equals(v)) continue;
      h.set.set(k, Buffer.from(v));
      h.unset.delete(k);
    }
    for (const k of before.env.keys()) {
      if (NOT_CARRIED.has(k) || after.env.has(k)) continue;
      h.set.delete(k);
      h.unset.add(k);
    }
    if (!after.cwd.equals(before.cwd)) h.cwd = Buffer.from(after.cwd);
    const diff = diffStates(before, after);
    return isEmptyDiff(diff) ? undefined : { diff, state: after };
  }
}
