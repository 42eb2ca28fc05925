// Preloaded (`node -r`) into `run --yes` of one command, runbook's and the floor's alike (bench/floors.js,
// `floor-run-one-phases`): the moments a run passes through, by performance.now() (ms since the process
// started), written as JSON to $RUNBOOK_BENCH_PHASES at exit. Nothing here loads a module the program would not
// load anyway: node:child_process is patched when the program itself first requires it.
'use strict';
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const vm = require('node:vm');
const Module = require('node:module');

const marks = { entry: performance.now() };
const mark = (k) => {
  if (marks[k] === undefined) marks[k] = performance.now();
};

// The bundle is compiled from its code cache (bin/compiled.js): when that starts and ends.
const Script = vm.Script;
vm.Script = function (...args) {
  mark('compile');
  const s = new Script(...args);
  mark('compiled');
  return s;
};

// The first event written to the timeline (a .jsonl file the program opens, at once or through the thread pool).
const timelineFds = new Set();
const { openSync, writeSync, write, writev } = fs;
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (String(path).endsWith('.jsonl')) timelineFds.add(fd);
  return fd;
};
const { open } = fs;
fs.open = function (path, ...rest) {
  const cb = rest.pop();
  return open.call(this, path, ...rest, (err, fd) => {
    if (!err && String(path).endsWith('.jsonl')) timelineFds.add(fd);
    cb(err, fd);
  });
};
const popen = fs.promises.open;
fs.promises.open = async function (path, ...rest) {
  const handle = await popen.call(this, path, ...rest);
  if (String(path).endsWith('.jsonl')) timelineFds.add(handle.fd);
  return handle;
};
for (const [name, real] of [['writeSync', writeSync], ['write', write], ['writev', writev]]) {
  fs[name] = function (fd, ...rest) {
    if (timelineFds.has(fd)) mark('first-event');
    return real.call(this, fd, ...rest);
  };
}

// The command's process: the first spawn (its fork and exec, which block the caller) and its exit.
const load = Module._load;
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest);
  if ((request === 'node:child_process' || request === 'child_process') && !m.ChildProcess.prototype.spawn.__phases) {
    const spawn = m.ChildProcess.prototype.spawn;
    const patched = function (...args) {
      const first = marks.spawn === undefined;
      mark('spawn');
      const r = spawn.apply(this, args);
      if (first) {
        mark('spawned');
        this.once('exit', () => mark('command-exit'));
      }
      return r;
    };
    patched.__phases = true;
    m.ChildProcess.prototype.spawn = patched;
  }
  return m;
};

process.on('exit', () => {
  mark('exit');
  if (process.env.RUNBOOK_BENCH_PHASES) fs.writeFileSync(process.env.RUNBOOK_BENCH_PHASES, JSON.stringify(marks));
});
