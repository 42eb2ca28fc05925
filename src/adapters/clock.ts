import type { Clock } from '../runner/ports.js';

/**
 * Milliseconds on the system's monotonic clock (its origin is arbitrary: only differences mean anything). Not
 * `performance.now()`: node:perf_hooks loads nine of Node's internal modules (~1 ms of every `run`'s start).
 */
export function monoNow(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monoMs: monoNow,
};
