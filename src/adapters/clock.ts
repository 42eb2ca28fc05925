import { performance } from 'node:perf_hooks';
import type { Clock } from '../runner/ports.js';

export const systemClock: Clock = {
  now: () => new Date(),
  monoMs: () => performance.now(),
};
