// The runner's monotonic clock (durations, offsets into the run): process.hrtime, in milliseconds.
import { describe, expect, it } from 'vitest';
import { monoNow, systemClock } from '../../../src/adapters/clock.js';

describe('the monotonic clock', () => {
  it('never goes back, and measures a wait at least as long as it was', async () => {
    let last = monoNow();
    for (let i = 0; i < 10_000; i++) {
      const t = systemClock.monoMs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    const a = monoNow();
    const p0 = performance.now();
    await new Promise((r) => setTimeout(r, 25));
    const p1 = performance.now();
    const b = monoNow();
    // Lower bounds only: a busy machine may stretch the wait, never shorten it. [a, b] holds [p0, p1].
    expect(b - a).toBeGreaterThanOrEqual(24);
    expect(b - a).toBeGreaterThanOrEqual(p1 - p0 - 0.01);
  });

  it('is in milliseconds with a fraction, not whole seconds or nanoseconds', () => {
    const [s] = process.hrtime();
    const t = monoNow();
    expect(t / 1e3).toBeGreaterThanOrEqual(s);
    expect(t / 1e3).toBeLessThan(s + 60);
  });
});
