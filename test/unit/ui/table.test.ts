// The one table renderer (list, incidents): fitting a width by shortening columns, and in a narrow pane by
// leaving columns out rather than cutting the one that matters to a few letters.
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../src/ui/table.js';
import { displayWidth } from '../../../src/ui/wrap.js';

const plain = { bold: (s: string) => s };
const header = ['ID', 'TITLE', 'SEVERITY', 'TAGS', 'STEPS', 'LAST REVIEWED'];
const rows = [
  ['disk-full', 'Disk almost full on a Linux host', 'sev2', 'linux,storage,disk', '10', '2026-11-28'],
  ['high-cpu', 'High CPU usage', 'sev3', 'linux,performance', '7', '2024-01-01 (stale)'],
];
const drop = { columns: [4, 3, 5], keep: 1, atLeast: 24 };
const widest = (t: string): number => Math.max(...t.trimEnd().split('\n').map((l) => displayWidth(l)));

describe('renderTable', () => {
  it('with room for everything, leaves everything as it is', () => {
    const t = renderTable(header, rows, plain, { width: 200, shrink: [3, 1], drop });
    expect(t.split('\n')[0]).toBe('ID         TITLE                             SEVERITY  TAGS                STEPS  LAST REVIEWED');
    expect(t).toContain('2024-01-01 (stale)');
  });

  it.each([100, 80, 70, 60, 50])('at %i columns: fits, and the title keeps 24 characters as long as columns can go', (width) => {
    const t = renderTable(header, rows, plain, { width, shrink: [3, 1], drop });
    expect(widest(t)).toBeLessThanOrEqual(width);
    const lines = t.split('\n');
    // The title column starts where the header says; its cell shows at least 24 characters of the title.
    const at = (lines[0] ?? '').indexOf('TITLE');
    expect((lines[1] ?? '').slice(at, at + 23)).toBe('Disk almost full on a L');
    expect(lines[0]).toMatch(/^ID +TITLE +SEVERITY/);
  });

  it('leaves columns out in the order given: the step count, then the tags, then the review date', () => {
    const cols = (width: number): string[] => (renderTable(header, rows, plain, { width, shrink: [3, 1], drop }).split('\n')[0] ?? '').split(/ {2,}/);
    expect(cols(80)).toEqual(header);
    expect(cols(79)).toEqual(['ID', 'TITLE', 'SEVERITY', 'TAGS', 'LAST REVIEWED']);
    expect(cols(72)).toEqual(['ID', 'TITLE', 'SEVERITY', 'LAST REVIEWED']);
    expect(cols(63)).toEqual(['ID', 'TITLE', 'SEVERITY']);
  });

  it('without drop, only shortens (incidents), as before', () => {
    const t = renderTable(header, rows, plain, { width: 60, shrink: [3, 1] });
    expect(t.split('\n')[0]?.split(/ {2,}/)).toEqual(header);
    expect(t).toContain('Disk …');
  });
});
