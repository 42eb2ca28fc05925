// Writes a big, valid timeline for benchmarking `replay --instant` (see docs/replay-and-export.md):
//   node test/e2e/replay/generate-timeline.mjs 1000000 > /tmp/big.jsonl
// Mostly command.output lines, as a long incident has, with steps, commands and notes between them.
const n = Number(process.argv[2] ?? 1_000_000);
const t0 = Date.parse('2026-11-28T03:00:00.000Z');
const source = '---\nid: big\ntitle: Big incident\nseverity: sev1\n---\n# Big incident\n\n' + Array.from({ length: 20 }, (_, i) => `## Step ${i + 1}\n\n\`\`\`sh\njournalctl -u app-${i}\n\`\`\`\n`).join('\n');
let out = '';
let seq = 0;
let mono = 0;
const emit = (body) => {
  out += JSON.stringify({ v: 1, seq: seq++, ts: new Date(t0 + mono).toISOString(), mono_ms: mono, ...body }) + '\n';
  if (out.length > 1 << 20) {
    process.stdout.write(out);
    out = '';
  }
};
emit({ type: 'run.started', incident: 'big-1', runbook: { id: 'big', title: 'Big incident', path: 'runbooks/big.md', sha256: '0'.repeat(64), source }, mode: 'live', actor: 'alice', host: 'web-1', cwd: '/srv', cli_version: '0.1.0' });
let step = 0;
let cmd = 0;
while (seq < n - 1) {
  if (seq % 50_000 === 1) {
    step++;
    cmd = 0;
    emit({ type: 'step.started', step, title: `Step ${step}` });
  }
  if (seq % 1000 === 2) {
    cmd++;
    emit({ type: 'command.started', step, id: `${step}.${cmd}`, command: `journalctl -u app-${step} --since "-${cmd}m"`, edited: false, danger: cmd % 7 === 0 });
  } else if (seq % 1000 === 999) {
    emit({ type: 'command.finished', id: `${step}.${cmd}`, exit_code: cmd % 5 === 0 ? 1 : 0, signal: null, duration_ms: 1234, timed_out: false, interrupted: false, omitted_bytes: 0 });
  } else if (seq % 10_007 === 0) {
    emit({ type: 'note', text: `still looking at step ${step}`, actor: 'bob' });
  } else {
    mono += 3;
    emit({ type: 'command.output', id: `${step}.${cmd}`, stream: 'stdout', data: `Nov 28 03:${String(seq % 60).padStart(2, '0')}:00 web-1 app[${seq}]: request id=${seq} path=/api/v1/items status=200 took=12ms\n` });
  }
}
emit({ type: 'run.finished', status: 'completed', duration_ms: mono });
process.stdout.write(out);
