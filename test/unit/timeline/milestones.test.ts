import { describe, expect, it } from 'vitest';
import { incidentTimes, outOfOrder, parseWhen, type Milestone } from '../../../src/timeline/milestones.js';

describe('parseWhen (mark --at)', () => {
  // Local 2026-11-28 10:30:00, whatever the machine's zone.
  const now = new Date(2026, 10, 28, 10, 30, 0);
  it.each([
    ['15m ago', new Date(2026, 10, 28, 10, 15, 0)],
    ['1h30m ago', new Date(2026, 10, 28, 9, 0, 0)],
    ['45s ago', new Date(2026, 10, 28, 10, 29, 15)],
    ['09:05', new Date(2026, 10, 28, 9, 5, 0)],
    ['2026-11-28T03:04:00Z', new Date(Date.UTC(2026, 10, 28, 3, 4, 0))],
    ['2026-11-28T03:04:00+01:00', new Date(Date.UTC(2026, 10, 28, 2, 4, 0))],
  ])('%s', (text, expected) => {
    expect(parseWhen(text, now)?.toISOString()).toBe(expected.toISOString());
  });
  it.each(['yesterday', '25:00', '9:61', '15 minutes ago', '2026-13-45T00:00Z', ''])('"%s" is not a time', (text) => {
    expect(parseWhen(text, now)).toBeNull();
  });
});

describe('outOfOrder', () => {
  const show = (ms: number): string => String(ms);
  const marks: Milestone[] = [
    { what: 'detected', atMs: 100 },
    { what: 'mitigated', atMs: 200 },
  ];
  it('refuses resolved before detected or mitigated, and detected after mitigated', () => {
    expect(outOfOrder(marks, 'resolved', 50, show)).toBe('resolved at 50 would be before detected at 100');
    expect(outOfOrder(marks, 'resolved', 150, show)).toBe('resolved at 150 would be before mitigated at 200');
    expect(outOfOrder(marks, 'detected', 250, show)).toBe('detected at 250 would be after mitigated at 200');
    expect(outOfOrder(marks, 'impact', 250, show)).toBe('impact at 250 would be after mitigated at 200');
  });
  it('accepts milestones in order, and detection before impact (an alert before users notice)', () => {
    expect(outOfOrder(marks, 'resolved', 300, show)).toBeNull();
    expect(outOfOrder(marks, 'impact', 150, show)).toBeNull();
    expect(outOfOrder([], 'detected', 1, show)).toBeNull();
    expect(outOfOrder([], 'impact', 1, show)).toBeNull();
  });

  it('refuses a milestone with nothing marked before it, so a mistaken early one cannot block the right ones', () => {
    expect(outOfOrder([], 'resolved', 1, show)).toMatch(/^resolved comes after mitigated, which is not marked yet/);
    expect(outOfOrder([{ what: 'detected', atMs: 1 }], 'resolved', 2, show)).toMatch(/mark mitigated first/);
    expect(outOfOrder([], 'mitigated', 1, show)).toMatch(/^mitigated comes after impact or detected, which are not marked yet/);
    expect(outOfOrder([{ what: 'impact', atMs: 1 }], 'mitigated', 2, show)).toBeNull();
    expect(outOfOrder([{ what: 'detected', atMs: 1 }, { what: 'mitigated', atMs: 2 }], 'resolved', 3, show)).toBeNull();
  });
});

describe('incidentTimes', () => {
  it('counts from impact, else detection, else the run start', () => {
    const all: Milestone[] = [
      { what: 'impact', atMs: 0 },
      { what: 'detected', atMs: 60 },
      { what: 'mitigated', atMs: 100 },
      { what: 'resolved', atMs: 200 },
    ];
    expect(incidentTimes(all, 500)).toEqual({ from: 'impact', toDetectMs: 60, toMitigateMs: 100, toResolveMs: 200 });
    expect(incidentTimes(all.slice(1), 0)).toEqual({ from: 'detection', toDetectMs: null, toMitigateMs: 40, toResolveMs: 140 });
    expect(incidentTimes(all.slice(2), 10)).toEqual({ from: 'run start', toDetectMs: null, toMitigateMs: 90, toResolveMs: 190 });
  });
});
