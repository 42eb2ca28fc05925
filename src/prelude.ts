// Small modules nearly every command loads. scripts/build.mjs makes every other module of src/ import this
// one, so that in the split ES module build they share one chunk instead of one file each: esbuild makes a
// chunk for every distinct set of entry points (each command is one) that reach a module, and Node's module
// loader costs ~0.75 ms a file at start-up.
import './errors.js';
import './version.js';
import './ui/style.js';
import './ui/wrap.js';
import './ui/neutralize.js';
import './ui/table.js';
import './commands/shared.js';
import './runbook/stale.js';
import './gameday/kind.js';
