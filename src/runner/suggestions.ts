// Commands suggested for a live run by someone else (an AI assistant through `runbook mcp` appends a `suggestion`
// event to the run's timeline). The runner looks for new ones at each command prompt only: it reads its own
// timeline from where it last stopped, so a check costs what was appended since (docs/mcp.md).
import { closeSync, openSync, statSync } from 'node:fs';
import type { Command } from '../runbook/model.js';
import type { EventOf } from '../timeline/events.js';
import { TimelineTail, type ReadItem } from '../timeline/reader.js';

export type Suggestion = EventOf<'suggestion'>;

/** Where the engine gets suggestions from: each call returns those recorded since the previous call. */
export interface SuggestionSource {
  fresh(): Promise<Suggestion[]>;
}

/**
 * New `suggestion` events of the timeline at `path`, read incrementally from its size now: a resumed run is not
 * offered the suggestions made to the session before (nor re-reads a long timeline). A timeline that cannot be
 * read gives none.
 */
export function timelineSuggestions(path: string): SuggestionSource {
  const tail = new TimelineTail(path, sizeOf(path));
  return {
    async fresh() {
      const items: ReadItem[] = [];
      // Read in place, not through the thread pool: this runs before every command and reads what the run itself
      // appended since (a few hundred bytes), where an open, reads and a close were four round trips each time.
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        return [];
      }
      try {
        const size = tail.size(fd);
        for (let out = tail.next(fd, size); out !== null; out = tail.next(fd, size)) items.push(...out);
      } catch {
        // A read that fails now is tried again at the next prompt: suggestions are advice, never required.
      } finally {
        try {
          closeSync(fd);
        } catch {
          // As a failed read: what was read stands, and the next prompt opens it afresh.
        }
      }
      return items.flatMap((i) => (i.kind === 'event' && i.event.type === 'suggestion' ? [i.event] : []));
    },
  };
}

/** A suggestion as a command of the current step: judged for danger on its text, prompted and recorded like any other. */
export function suggestedCommand(s: Suggestion): Command {
  return { id: s.id, text: s.command, lang: 'sh', runnable: true, danger: false, attributes: {}, line: 0, placeholders: [], envRefs: [], interactive: false, allowFailure: false };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
