// Floor of 300 MB through `run --yes`: only what the contract cannot do without, with the libraries it names.
// execa starts the command in its own process group with its output on a pipe; every byte is relayed to this
// process's stdout as it comes (with backpressure), and the timeline gets the output's first 256 KiB and last
// 64 KiB (as runbook records it) between a synced command.started and command.finished. No terminal filter,
// redaction, decoding of what is relayed, rendering, session or command line parsing.
import { execa } from 'execa';
import { floorTimeline } from './timeline.mjs';

const HEAD = 256 * 1024;
const TAIL = 64 * 1024;
const [command, dir] = process.argv.slice(-2);
const timeline = floorTimeline(dir);
const { emit } = timeline;

emit({ type: 'command.started', command }, true);
const child = execa('/bin/bash', ['-c', command], { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', buffer: false, encoding: 'buffer', reject: false, detached: true });
const head = [];
let headBytes = 0;
let tail = [];
let tailBytes = 0;
let total = 0;
child.stdout.on('data', (chunk) => {
  total += chunk.length;
  if (headBytes < HEAD) {
    const part = chunk.subarray(0, HEAD - headBytes);
    head.push(Buffer.from(part));
    headBytes += part.length;
    chunk = chunk.subarray(part.length);
  }
  if (chunk.length === 0) return;
  tail.push(chunk);
  tailBytes += chunk.length;
  while (tailBytes - (tail[0]?.length ?? 0) >= TAIL) tailBytes -= tail.shift().length;
});
child.stdout.pipe(process.stdout);
child.then((r) => {
  emit({ type: 'command.output', data: Buffer.concat(head).toString('utf8') });
  const last = Buffer.concat(tail);
  emit({ type: 'command.output', data: last.subarray(Math.max(0, last.length - TAIL)).toString('utf8'), omitted: Math.max(0, total - headBytes - TAIL) });
  emit({ type: 'command.finished', exit: r.exitCode }, true);
  timeline.close();
});
