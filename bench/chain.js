// The hash chain's measurements for bench/run.js (issue #16): what the chain adds to an append, and
// `runbook verify` of a 1,000,000-event timeline against `sha256sum` of the same file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const EMPTY = createHash('sha256').digest('hex');

/**
 * A chained copy of test/e2e/replay/generate-timeline.mjs's timeline: `prev` inserted where the writer puts it
 * (after mono_ms), each the hash of the line before, and a seal at the end, as a runner leaves it.
 */
export function writeChainedTimeline(node, root, n, file) {
  const g = spawnSync(node, [join(root, 'test', 'e2e', 'replay', 'generate-timeline.mjs'), String(n)], { maxBuffer: 2 ** 31 - 1, encoding: 'buffer' });
  if (g.status !== 0) throw new Error('generate-timeline.mjs failed');
  const fd = openSync(file, 'w');
  let prev = EMPTY;
  let out = [];
  let size = 0;
  let seq = 0;
  let start = 0;
  const text = g.stdout;
  const put = (line) => {
    out.push(line, '\n');
    size += line.length + 1;
    prev = createHash('sha256').update(line).digest('hex');
    if (size > 1 << 20) {
      writeSync(fd, out.join(''));
      out = [];
      size = 0;
    }
  };
  for (;;) {
    const nl = text.indexOf(0x0a, start);
    if (nl < 0) break;
    const line = text.toString('utf8', start, nl);
    start = nl + 1;
    const at = line.indexOf(',"type":');
    put(`${line.slice(0, at)},"prev":"${prev}"${line.slice(at)}`);
    seq++;
  }
  put(JSON.stringify({ v: 1, seq, ts: '2026-11-28T05:00:00.000Z', mono_ms: 9_000_000, prev, type: 'seal', head: prev, events: seq, actor: 'alice', signature: null, key: null, signer: null }));
  writeSync(fd, out.join(''));
  closeSync(fd);
}

/** Microseconds the chain adds per event: hashing each line the append worker wrote (the chain's only work). */
export async function chainCostPerEvent(distDir, timelineFile, rounds = 200) {
  const { lineHash } = await import(pathToFileURL(join(distDir, 'timeline', 'chain.js')).href);
  const lines = readFileSync(timelineFile, 'utf8').split('\n').filter(Boolean);
  for (const l of lines) lineHash(l); // warm-up
  // CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const t0 = cpu();
  for (let r = 0; r < rounds; r++) for (const l of lines) lineHash(l);
  return (cpu() - t0) / (rounds * lines.length);
}
