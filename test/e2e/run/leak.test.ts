// The leak test: a real `run --yes` prints every secret shape of the corpus (whole, split across chunks, one
// byte at a time, straddling the 256 KiB head cap), with credentials in the runbook's title, a step title, a
// command, a check and a secret default; then nothing of them may be found in the timeline, its torn tail,
// a note, any export (markdown, cast, json) or replay (text and --json). Few spawns: the suite has a budget.
import { readFileSync, readdirSync, truncateSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HEAD_BYTES } from '../../../src/runner/capture.js';
import { cleanup, cliEnv, onlyTimeline, runCli, workDir } from '../../helpers/run-cli.js';
// The run and the note through the binary; the exports and replays of its timeline in-process (the bundle's main).
import { runInProcess } from '../../helpers/in-process.js';
import { SHAPES } from '../../helpers/secret-corpus.js';

afterEach(() => cleanup());

/** Secrets written in the runbook itself (not in the corpus). */
const IN_RUNBOOK = ['LeakTest0040pw', 'LeakTest0041pw', 'LeakTestDflt0042', 'LeakTest0043tok', 'corp-LeakTest0044', 'LeakTest0045key'];
const IN_NOTE = 'LeakTest0046pw';

const RUNBOOK = `---
id: leak
title: Leak test PGPASSWORD=LeakTest0040pw
vars:
  - name: db_pass
    secret: true
    default: LeakTestDflt0042
redact: ['corp-LeakTest[0-9]{4}']
---
# Leak test

## Rotate token=LeakTest0043tok now

- [ ] api_key=LeakTest0045key is rotated

\`\`\`sh
PGPASSWORD=LeakTest0041pw true; test -n "{{db_pass}}"; echo "seen corp-LeakTest0044"
\`\`\`

\`\`\`sh
cat shapes.txt
\`\`\`

\`\`\`sh
node emit.mjs split
\`\`\`

\`\`\`sh
node emit.mjs bytes
\`\`\`

\`\`\`sh
node emit.mjs straddle 5 10
\`\`\`

\`\`\`sh
node emit.mjs straddle 12 17
\`\`\`

\`\`\`sh
node emit.mjs straddle 30 32
\`\`\`
`;

// Prints the shapes in pieces with pauses between writes, so they reach runbook as separate chunks.
const EMIT = `
import { readFileSync, writeSync } from 'node:fs';
const shapes = readFileSync('shapes.txt', 'utf8').split('\\n\\u0000\\n').filter(Boolean);
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const out = (s) => writeSync(1, s);
const [mode, a, b] = process.argv.slice(2);
if (mode === 'split') for (const s of shapes) { const m = s.length >> 1; out(s.slice(0, m)); pause(3); out(s.slice(m) + '\\n'); pause(3); }
// One byte per write, a pause after every third (a pause per byte costs seconds on a loaded machine).
if (mode === 'bytes') for (const [i, ch] of Buffer.from(shapes.join('\\n') + '\\n').entries()) { out(Buffer.from([ch])); if (i % 3 === 2) pause(1); }
if (mode === 'straddle') {
  // Shape number b (a line with its secret at column c) placed so that its secret starts a bytes before the cap.
  const [text, secret] = JSON.parse(readFileSync('straddle.json', 'utf8'))[Number(b)];
  const at = Buffer.byteLength(text.slice(0, text.indexOf(secret)));
  let filler = ${HEAD_BYTES} - Number(a) - at;
  const line = 'x'.repeat(79) + '\\n';
  while (filler >= 80) { out(line); filler -= 80; }
  out('y'.repeat(filler) + text + '\\n');
  for (let i = 0; i < 1000; i++) out(line);
  out(text + ' (in the tail)\\n');
}
`;

function grepAll(files: Record<string, string>, needles: string[]): string[] {
  const hits: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const lower = text.toLowerCase();
    for (const n of needles) if (lower.includes(n.toLowerCase())) hits.push(`${n} in ${name}`);
  }
  return hits;
}

describe('no secret reaches the record', () => {
  it('every shape, however it is printed, is absent from the timeline, torn tail, note, exports and replays', async () => {
    const w = workDir();
    w.write('leak.md', RUNBOOK);
    // Shapes are separated by a NUL line in shapes.txt so `emit.mjs` can split them back (a shape may span two lines).
    w.write('shapes.txt', SHAPES.map((s) => s.text).join('\n\u0000\n'));
    w.write('emit.mjs', EMIT);
    w.write('straddle.json', JSON.stringify(SHAPES.map((s) => [s.text, s.secret])));
    const env = cliEnv(w.dir);
    const r = await runCli(['run', 'leak.md', '--yes'], { cwd: w.dir, env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    // The commands really printed them.
    for (const s of SHAPES) expect(r.stdout).toContain(s.secret);

    const timeline = onlyTimeline(w.dir);
    // A crash in the middle of writing the last event: the next writer moves the torn tail to a .torn-N file.
    const raw = readFileSync(timeline, 'utf8');
    truncateSync(timeline, statSync(timeline).size - Math.floor((raw.length - raw.lastIndexOf('\n', raw.length - 2)) / 2));
    const note = await runCli(['note', '--timeline', timeline, `rotated, password=${IN_NOTE}`], { cwd: w.dir, env });
    expect(note.code, note.stderr).toBe(0);
    const torn = readdirSync(dirname(timeline)).filter((f) => f.includes('.torn-'));
    expect(torn).toHaveLength(1);

    const outputs: Record<string, string> = { timeline: readFileSync(timeline, 'utf8') };
    for (const f of torn) outputs[f] = readFileSync(join(dirname(timeline), f), 'utf8');
    for (const format of ['markdown', 'cast', 'json']) {
      const x = await runInProcess(['export', timeline, '--format', format], { cwd: w.dir, env });
      expect(x.code, x.stderr).toBe(0);
      outputs[`export ${format}`] = x.stdout + x.stderr;
    }
    for (const flags of [['--instant'], ['--json']]) {
      const x = await runInProcess(['replay', timeline, ...flags], { cwd: w.dir, env });
      expect(x.code, x.stderr).toBe(0);
      outputs[`replay ${flags.join(' ')}`] = x.stdout + x.stderr;
    }
    // What the record must still say: the steps ran, the straddling output was cut, the note is there.
    expect(outputs.timeline).toContain('bytes of output not recorded');
    expect(outputs.timeline).toContain('rotated, password=[redacted]');
    expect(outputs.timeline).toContain('"title":"Rotate token=[redacted] now"');

    const needles = [...SHAPES.map((s) => s.secret), ...IN_RUNBOOK, IN_NOTE];
    // Also the id each corpus secret carries (LeakTest0031…), so a secret recorded in part is found too.
    for (const s of SHAPES) {
      const id = /leaktest\d{4}/i.exec(s.secret)?.[0];
      if (id) needles.push(id);
    }
    expect(grepAll(outputs, needles)).toEqual([]);
  }, 120_000);
});
