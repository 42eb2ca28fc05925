// The floors' timeline (bench/floor/*.mjs): events as JSON Lines in `dir`, each hashed into the chain (node:crypto)
// and written at once; synced when asked, as runbook syncs the events it must not lose.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** A new timeline file in `dir`: `emit(event, sync)` appends one event, `close()` ends it. */
export function floorTimeline(dir) {
  const fd = openSync(join(dir, `floor-${process.pid}.jsonl`), 'wx');
  let prev = '';
  return {
    emit(event, sync) {
      const line = `${JSON.stringify({ prev, ts: new Date().toISOString(), ...event })}\n`;
      prev = createHash('sha256').update(line).digest('hex');
      writeSync(fd, line);
      if (sync) fdatasyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
