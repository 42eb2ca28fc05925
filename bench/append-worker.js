// Child process of bench/run.js: open a timeline with the real writer from dist/ and time each append
// (each is written and synced before append() resolves). Prints one JSON object on stdout.
//   node bench/append-worker.js <timeline path> <count> [dist folder]
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const [path, countArg, distArg] = process.argv.slice(2);
const dist = distArg ? pathToFileURL(`${distArg}/`).href : new URL('../dist/', import.meta.url).href;
const { openTimeline } = await import(`${dist}timeline/writer.js`);
const { createRedactor } = await import(`${dist}timeline/redact.js`);
// The system clock (src/adapters/clock.ts is bundled into the CLI, not built on its own).
const systemClock = { now: () => new Date(), monoMs: () => performance.now() };

const count = Number(countArg ?? 300);
const w = await openTimeline(path, { clock: systemClock, redactor: createRedactor(), create: true });
await w.append({
  type: 'run.started',
  incident: 'bench',
  runbook: { id: 'bench', title: 'Bench', path: 'bench.md', sha256: '0'.repeat(64), source: '# Bench\n' },
  mode: 'live',
  actor: 'bench',
  host: 'bench',
  cwd: '/',
  cli_version: '0.0.0',
});
const times = [];
for (let i = 0; i < count; i++) {
  const body =
    i % 3 === 0
      ? { type: 'note', text: `note ${i}: rolled back deploy 4812, error rate falling`, actor: 'bench' }
      : i % 3 === 1
        ? { type: 'command.started', step: 1, id: `1.${i}`, command: `kubectl -n shop get pods -l app=api --field-selector=status.phase!=Running # ${i}`, edited: false, danger: false }
        : { type: 'command.finished', id: `1.${i - 1}`, exit_code: 0, signal: null, duration_ms: 12, timed_out: false, interrupted: false, omitted_bytes: 0 };
  const t0 = process.hrtime.bigint();
  await w.append(body);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
await w.close();
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
process.stdout.write(JSON.stringify({ count, median: q(0.5), p90: q(0.9), p99: q(0.99), max: times[times.length - 1] }) + '\n');
