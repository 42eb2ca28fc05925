// `node bench/redact.js`: the redaction figures of docs/redaction.md, measured on the corpus of
// test/fixtures/secrets (needs `npm run build` first).
//
// - shapes caught: secret shapes of shapes.tsv whose secret part is gone after redaction;
// - ordinary lines untouched: lines of ordinary.txt that come out exactly as they went in;
// - MB/s: the ordinary corpus repeated to 8 MB, redacted as the writer does (stream(), 4 KiB chunks) and in
//   one redact() call per 64 KiB.
//
// When @secretlint/core and @secretlint/secretlint-rule-preset-recommend can be imported (they are not
// dependencies: `npm install --no-save @secretlint/core @secretlint/secretlint-rule-preset-recommend`), the
// same three figures are measured for secretlint's recommended preset on the same corpus.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRedactor } from '../dist/timeline/redact.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIR = join(ROOT, 'test', 'fixtures', 'secrets');
const shapes = readFileSync(join(DIR, 'shapes.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [text, secret] = l.split('\t');
    return { text: text.replace(/⏎/g, '\n'), secret };
  });
const ordinary = readFileSync(join(DIR, 'ordinary.txt'), 'utf8').split('\n').filter((l) => l !== '');
const ordinaryText = `${ordinary.join('\n')}\n`;
const big = ordinaryText.repeat(Math.ceil((8 * 1024 * 1024) / ordinaryText.length));
const MB = Buffer.byteLength(big) / 1e6;

function best(fn, runs = 3) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const r = createRedactor();
const ours = {
  shapes: shapes.filter((s) => !r.redact(s.text).includes(s.secret)).length,
  ordinary: ordinary.filter((l) => r.redact(l) === l).length,
  streamMBs:
    MB /
    (best(() => {
      const s = r.stream();
      for (let i = 0; i < big.length; i += 4096) s.push(big.slice(i, i + 4096));
      s.flush();
    }) /
      1000),
  redactMBs: MB / (best(() => {
    for (let i = 0; i < big.length; i += 65536) r.redact(big.slice(i, i + 65536));
  }) / 1000),
};
const fmt = (x) => x.toFixed(1);
console.log(`corpus: ${shapes.length} secret shapes, ${ordinary.length} ordinary lines, ${fmt(MB)} MB for speed`);
console.log(`runbook:    shapes caught ${ours.shapes}/${shapes.length}, ordinary untouched ${ours.ordinary}/${ordinary.length}, stream ${fmt(ours.streamMBs)} MB/s, redact ${fmt(ours.redactMBs)} MB/s`);

let core;
let preset;
try {
  core = await import('@secretlint/core');
  preset = await import('@secretlint/secretlint-rule-preset-recommend');
} catch {
  console.log('secretlint: not installed (see the comment at the top of this file)');
  process.exit(0);
}
const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] };
const lint = async (content) =>
  (await core.lintSource({ source: { filePath: '/tmp/corpus.txt', content, contentType: 'text' }, options: { config, maskSecrets: false } })).messages;
const covers = (messages, text, secret) => {
  const at = text.indexOf(secret);
  return messages.some((m) => m.range[0] <= at + secret.length - 1 && m.range[1] >= at + 1);
};
let caught = 0;
for (const s of shapes) if (covers(await lint(s.text), s.text, s.secret)) caught++;
let untouched = 0;
for (const l of ordinary) if ((await lint(l)).length === 0) untouched++;
// secretlint reads whole files: measure it on 64 KiB pieces, as the writer would have to hand them over.
const piece = big.slice(0, 64 * 1024);
const pieces = Math.floor(big.length / piece.length);
const t = performance.now();
for (let i = 0; i < pieces; i++) await lint(big.slice(i * piece.length, (i + 1) * piece.length));
const slMBs = (Buffer.byteLength(piece) * pieces) / 1e6 / ((performance.now() - t) / 1000);
console.log(`secretlint: shapes caught ${caught}/${shapes.length}, ordinary untouched ${untouched}/${ordinary.length}, ${fmt(slMBs)} MB/s (64 KiB pieces)`);
const missed = [];
for (const s of shapes) if (!covers(await lint(s.text), s.text, s.secret) && !r.redact(s.text).includes(s.secret)) missed.push(s.text.split('\n')[0]);
const onlyTheirs = [];
for (const s of shapes) if (covers(await lint(s.text), s.text, s.secret) && r.redact(s.text).includes(s.secret)) onlyTheirs.push(s.text);
console.log(`caught by secretlint but not by runbook: ${onlyTheirs.length ? onlyTheirs.join(' | ') : 'none'}`);
console.log(`caught by runbook but not by secretlint: ${missed.length}`);
