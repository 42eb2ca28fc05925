// Preload (node --import) that appends every process the program starts (file and argv, as JSON) to the file
// named by $RUNBOOK_LOG_SPAWNS: every spawn, exec and fork of node:child_process goes through ChildProcess#spawn.
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const out = process.env.RUNBOOK_LOG_SPAWNS;
if (out) {
  const spawn = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function (options) {
    appendFileSync(out, `${JSON.stringify({ file: options.file, args: options.args })}\n`);
    return spawn.call(this, options);
  };
}
