// A live run among its team: registered on the host (so `note`, `mark`, `status`, `replay --follow` find it from
// anywhere), following its own timeline to show what others append (notes, marks, handovers) on the operator's
// screen, and stamping the current holder on its events after a handover. docs/team.md describes it.
import { promises as fsp } from 'node:fs';
import type { Io } from '../io.js';
import type { EventBody, TimelineEvent } from '../timeline/events.js';
import type { EventSink, Prompter } from '../runner/ports.js';
import type { LiveView } from '../ui/live-view.js';
import { followTimeline } from '../timeline/reader.js';
import { registerLive, sharedLiveDir, type Registration } from '../timeline/registry.js';
import { summarizeTimeline } from '../timeline/status.js';

/**
 * What other terminals append to a live run (`note`, `mark`, `handover`): the events shown. Anything else
 * this runner did not return from append (a seal its writer adds, say) is its own bookkeeping, not news.
 */
const FROM_OTHERS: ReadonlySet<string> = new Set(['note', 'mark', 'handover']);

/** Events of the runner that say who did them, once the run has been handed over. */
const ACTOR_STAMPED: ReadonlySet<string> = new Set(['step.started', 'command.started', 'command.skipped', 'check.confirmed', 'check.skipped', 'run.finished', 'note']);

export interface LiveSession {
  /** The sink to give the engine: it remembers what this runner wrote and stamps the holder after a handover. */
  sink: EventSink;
  /** The prompter to give the engine: others' events wait while one of its prompts is open. */
  prompter: Prompter;
  /** Unregister and stop following (after the run's last event). */
  stop(): Promise<void>;
}

/**
 * The sink and prompter are ready at once; the registration and the follow are set up beside the run's first
 * events (a few file operations on libuv's threads: ~4 ms of a one-command run when they were waited for).
 * The follow reads the timeline from its start, and skips what this runner wrote and what was there before.
 */
export function startLiveSession(o: {
  io: Io;
  sink: EventSink;
  view: LiveView;
  prompter: Prompter;
  actor: string;
  incident: string;
  runbook: string;
}): LiveSession {
  const { io, view } = o;
  const path = o.sink.path;
  // A resumed run's earlier events are not news: only what is appended from now on is shown. Counted as the
  // session starts; what this runner appends meanwhile is its own (mine) either way.
  const baseline = summarizeTimeline(path).then(
    (s) => s.events,
    () => 0,
  );
  let holder = o.actor;
  const mine = new Set<number>();
  const inflight = new Set<Promise<unknown>>();

  const sink: EventSink = {
    path,
    append: async (body: EventBody) => {
      const stamped = holder !== o.actor && ACTOR_STAMPED.has(body.type) ? ({ ...body, actor: holder } as EventBody) : body;
      const p = o.sink.append(stamped);
      inflight.add(p);
      try {
        const e = await p;
        mine.add(e.seq);
        return e;
      } finally {
        inflight.delete(p);
      }
    },
    appendOutput: (body) => o.sink.appendOutput(body),
    close: () => o.sink.close(),
  };

  const hold =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      view.prompting(true);
      try {
        return await f(...a);
      } finally {
        view.prompting(false);
      }
    };
  const p = o.prompter;
  // Every question the prompter can ask is held, the optional ones too: a list written here once forgot
  // confirmTargets, and the host list then went unconfirmed (an optional port missing means "don't ask").
  const prompter = Object.fromEntries(
    Object.entries(p).map(([k, f]) => [k, typeof f === 'function' ? hold((f as (...a: unknown[]) => Promise<unknown>).bind(p)) : f]),
  ) as unknown as Prompter;

  const abort = new AbortController();
  const isOthers = async (ev: TimelineEvent, before: number): Promise<boolean> => {
    if (ev.seq < before || mine.has(ev.seq)) return false;
    // The line may be ours, read before its append returned: wait for what this runner is writing.
    while (inflight.size) await Promise.allSettled([...inflight]);
    return !mine.has(ev.seq);
  };
  const follow = async (before: number): Promise<void> => {
    for await (const item of followTimeline(path, { signal: abort.signal, throughFinished: true })) {
      if (item.kind !== 'event' || !FROM_OTHERS.has(item.event.type)) continue;
      const ev = item.event;
      if (!(await isOthers(ev, before))) continue;
      if (ev.type === 'handover') holder = ev.to;
      view.external(ev);
    }
  };

  const unfound = '(note, mark and status from other directories will not find this run)';
  const registered = (async (): Promise<Registration | null> => {
    // On a shared bastion the team reads the timeline and appends notes to it: group read and write.
    if (sharedLiveDir(io.env)) await fsp.chmod(path, 0o660).catch(() => undefined);
    const registration = await registerLive(io.env, { timeline: path, incident: o.incident, runbook: o.runbook, actor: o.actor });
    for (const problem of registration.problems) view.message(`${problem} ${unfound}`, 'warn');
    return registration;
  })().catch((err: unknown) => {
    view.message(`cannot register the run: ${err instanceof Error ? err.message : String(err)} ${unfound}`, 'warn');
    return null;
  });
  // Following is a courtesy: a read problem never stops the run.
  const following = baseline.then(follow).catch(() => undefined);

  return {
    sink,
    prompter,
    stop: async () => {
      abort.abort();
      await following;
      await (await registered)?.remove();
    },
  };
}
